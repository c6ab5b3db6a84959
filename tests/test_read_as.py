"""Reads take `--as` / DFLOW_USER like every other command: a named user must be registered and
active (exit 5, the same one-line message as for a change), and nothing is written, not even a
refusal; with no user named, a read works as before (a read needs no identity).

Each read is run through `dflow` in-process (typer's CliRunner) on its own SQLite file; the
database file's rows, read with the stdlib sqlite3 module, are compared before and after.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.errors import Forbidden, InvalidInput
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.presentation import exports
from tests.flow import ADMIN, AUDITOR, OFFICER, new_decision
from tests.test_cli import Dflow, fails, fails_json

NOBODY = "nobody"
UNKNOWN_EN = "'nobody' is not a registered user [Arts. 33, 38]\n"
UNKNOWN_ZH = "'nobody' 不是已登记的用户 [第33、38条]\n"
UNKNOWN_JSON = {
    "code": "forbidden",
    "message": "'nobody' is not a registered user",
    "reasons": [{"rule": "user", "article": "Arts. 33, 38", "detail": "'nobody' is not a registered user"}],
}
CONTROL_EN = "--as contains control characters or undecodable bytes\n"

# Every read that touches a database; {anchor} and {out} are filled in per test.
READS: dict[str, list[str]] = {
    "show": ["show", "1"],
    "list": ["list"],
    "list --stage": ["list", "--stage", "initiation"],
    "audit ID": ["audit", "1"],
    "audit trail ID": ["audit", "trail", "1"],
    "audit verify": ["audit", "verify"],
    "audit verify ID": ["audit", "verify", "1"],
    "audit verify --anchor": ["audit", "verify", "--anchor", "{anchor}"],
    "audit head": ["audit", "head"],
    "audit export csv": ["audit", "export", "1", "--format", "csv", "-o", "{out}"],
    "audit export json": ["audit", "export", "1", "--format", "json", "-o", "{out}"],
    "user list": ["user", "list"],
}
# reads whose output is the same whoever reads (verify tells of earlier runs, head of the time)
SAME_OUTPUT = ("show", "list", "list --stage", "audit ID", "audit trail ID", "user list")


def rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the database file, read without the engine."""
    with closing(sqlite3.connect(db)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}


@pytest.fixture
def cli(tmp_path: Path) -> Dflow:
    """dflow on an initialised database: the admin, an officer, an auditor, a deactivated
    officer, and decision 1; `anchor` a checkpoint file of it."""
    files = tmp_path / "files"
    files.mkdir()
    d = Dflow(tmp_path / "dflow.db", files)
    d.ok("init", "--admin", ADMIN)
    d.ok("user", "add", OFFICER, "--role", "officer", "--as", ADMIN)
    d.ok("user", "add", AUDITOR, "--role", "auditor", "--as", ADMIN)
    d.ok("user", "add", "gone", "--role", "officer", "--as", ADMIN)
    d.ok("user", "deactivate", "gone", "--as", ADMIN)
    d.ok("new", "沙河乡农贸市场搬迁", "--workflow", "major-decision", "--as", OFFICER)
    (tmp_path / "anchor.txt").write_text(d.ok("audit", "head").stdout, encoding="utf-8")
    return d


def args_of(cli: Dflow, name: str) -> list[str]:
    root = cli.db.parent
    return [a.format(anchor=root / "anchor.txt", out=root / "export.out") for a in READS[name]]


@pytest.mark.parametrize("name", list(READS))
def test_an_unknown_reader_is_refused_and_nothing_is_written(cli: Dflow, name: str) -> None:
    args, before = args_of(cli, name), rows(cli.db)
    fails(cli(*args, "--as", NOBODY), 5, UNKNOWN_EN)
    fails(cli(*args, "--as", NOBODY, env={"DFLOW_LANG": "zh"}), 5, UNKNOWN_ZH)
    fails_json(cli(*args, "--as", NOBODY, "--json"), 5, UNKNOWN_JSON)
    fails(cli(*args, env={"DFLOW_USER": NOBODY}), 5, UNKNOWN_EN)
    fails(cli(*args, "--as", "gone"), 5, "'gone' is not a registered user [Arts. 33, 38]\n")  # deactivated
    assert rows(cli.db) == before, "a refused read wrote to the database"
    assert not (cli.db.parent / "export.out").exists(), "a refused export left a file"
    assert not [p for p in cli.db.parent.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("name", list(READS))
def test_a_registered_reader_and_no_reader_both_read(cli: Dflow, name: str) -> None:
    args, before = args_of(cli, name), rows(cli.db)
    anyone = cli.ok(*args)
    as_auditor = cli.ok(*args, "--as", AUDITOR)
    from_env = cli.ok(*args, env={"DFLOW_USER": OFFICER})
    empty_env = cli.ok(*args, env={"DFLOW_USER": ""})  # an empty DFLOW_USER names nobody
    if name in SAME_OUTPUT:
        assert anyone.stdout == as_auditor.stdout == from_env.stdout == empty_env.stdout != ""
    assert rows(cli.db) == before, "a read wrote to the database"


@pytest.mark.parametrize("name", list(READS))
@pytest.mark.parametrize("hostile", ["a\x1b[31mb", "zhao\x00", "\x07", "zh\udcffao"])
def test_a_hostile_reader_name_is_invalid_input(cli: Dflow, name: str, hostile: str) -> None:
    args, before = args_of(cli, name), rows(cli.db)
    fails(cli(*args, "--as", hostile), 2, CONTROL_EN)
    assert rows(cli.db) == before


def test_the_identity_is_checked_before_the_decision_is_looked_up(cli: Dflow) -> None:
    fails(cli("show", "99", "--as", NOBODY), 5, UNKNOWN_EN)
    fails(cli("show", "99", "--as", AUDITOR), 4, "no decision with id 99\n")
    fails(cli("audit", "99", "--as", NOBODY), 5, UNKNOWN_EN)
    fails(cli("audit", "export", "99", "--format", "csv", "-o", cli.db.parent / "x.csv", "--as", NOBODY), 5, UNKNOWN_EN)


def test_an_uninitialised_database_is_reported_before_the_reader(tmp_path: Path) -> None:
    d = Dflow(tmp_path / "none.db", tmp_path)
    for args in (["show", "1"], ["list"], ["audit", "head"], ["user", "list"], ["audit", "verify"]):
        result = d(*args, "--as", NOBODY)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr == f"no decision-flow database at {d.url}: run `dflow init --admin NAME` first\n"
    assert not (tmp_path / "none.db").exists()


def test_verify_file_checks_no_reader(cli: Dflow, tmp_path: Path) -> None:
    """`--file` verifies an export offline: no database, so no user to look up."""
    cli.ok("audit", "export", "1", "--format", "json", "-o", tmp_path / "trail.json")
    shown = cli.ok("audit", "verify", "--file", tmp_path / "trail.json", "--as", NOBODY).stdout
    # the users' registrations and the creation, each signed: the file says by which keys
    assert shown.startswith("audit trail verified: 1 events, chain intact, 5 signatures valid\n")
    assert "signed in this file by:\n" in shown


def test_read_help_says_a_reader_is_optional(cli: Dflow) -> None:
    for args in (["show"], ["list"], ["audit", "trail"], ["audit", "verify"], ["audit", "head"], ["user", "list"]):
        shown = " ".join(cli(*args, "--help").stdout.split())
        assert (
            "--as NAME The reading user: optional (a read needs no identity), but a user named must be registered"
            " and active. [env var: DFLOW_USER]"
        ) in shown, args


# ---------------------------------------------------------------------------- the engine


def test_the_engine_reads_refuse_an_unknown_reader_without_writing(engine: Engine, tmp_path: Path) -> None:
    i = new_decision(engine)
    path = engine.db.path
    assert path is not None
    before = rows(path)
    reads = [
        lambda who: queries.show(engine, i, who),
        lambda who: queries.list_decisions(engine, actor=who),
        lambda who: queries.trail(engine, i, who),
        lambda who: verification.verify(engine, actor=who),
        lambda who: verification.checkpoint(engine, who),
        lambda who: users.list_users(engine, who),
        lambda who: exports.export(engine, i, "csv", tmp_path / "x.csv", actor=who),
    ]
    for read in reads:
        with pytest.raises(Forbidden) as denied:
            read(NOBODY)
        assert denied.value.message("en") == "'nobody' is not a registered user"
        assert [r.rule for r in denied.value.reasons] == ["user"]
        with pytest.raises(InvalidInput):
            read("a\x1bb")
        read(AUDITOR)
        read(None)
    assert rows(path) == before
