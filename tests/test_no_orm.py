"""Issue 17: the read and change paths (show, list, audit ID, record, complete, waive, advance,
return) load neither SQLModel, pydantic nor SQLAlchemy, on a plain SQLite file and on PostgreSQL
(whose driver alone they load); each command is run in a fresh interpreter, as `dflow` runs it,
and does what it says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import NO_PG, PG_URL, pg_database

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pydantic", "sqlalchemy", "sqlmodel")

# Run one command as `dflow` does, then name the heavy packages it loaded and its exit code.
PROBE = f"""
import json, sys
sys.argv = ['dflow', *sys.argv[1:]]
import cli
code = 0
try:
    cli.main()
except SystemExit as exc:
    code = exc.code or 0
loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
print('PROBE ' + json.dumps([loaded, code]), file=sys.stderr)
"""

# The commands of issue 17, in an order that makes each one's change (case 1 is at initiation,
# its record missing one field; case 2 is a fresh case for the return).
COMMANDS = [
    ["show", "1", "--json"],
    ["list"],
    ["list", "--json"],
    ["audit", "1"],
    ["record", "1", "initiation", "--set", "proposed_by=乡长办公会", "--json"],
    ["complete", "1", "initiation", "--json"],
    ["waive", "1", "public_participation", "--reason", "不适用", "--json"],  # refused, and recorded as such
    ["advance", "1", "--json"],
    ["return", "1", "--to", "initiation", "--reason", "重新论证", "--json"],
    ["advance", "2"],  # refused: a signed refusal
]


def _dflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    dflow = str(Path(sys.executable).with_name("dflow"))  # the one installed beside this interpreter
    return subprocess.run([dflow, *args], env=env, capture_output=True, text=True, check=False)


def _probe(env: dict[str, str], args: list[str]) -> tuple[list[str], int]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    line = next(x for x in reversed(done.stderr.splitlines()) if x.startswith("PROBE "))
    loaded, code = json.loads(line.removeprefix("PROBE "))
    return loaded, code


def _set_up(env: dict[str, str]) -> None:
    for args in (
        ["init", "--admin", "admin"],
        ["user", "add", "zhao", "--role", "officer", "--as", "admin"],
        ["new", "沙河乡农贸市场搬迁", "--workflow", "major-decision"],
        ["record", "1", "initiation", "--set", "undertaking_unit=经济发展办", "--set", "start_approved_on=2024-03-01"],
        ["new", "沙河乡公共服务设施布局", "--workflow", "major-decision"],
    ):
        done = _dflow(env, *args)
        assert done.returncode == 0, (args, done.stderr)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = dict(os.environ, DFLOW_USER="zhao", DFLOW_LANG="en", DFLOW_KEYS=str(tmp_path / "keys"))
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    if request.param == "sqlite":
        env["DFLOW_DB"] = str(tmp_path / "dflow.db")
        yield env
        return
    if PG_URL is None:
        pytest.skip(NO_PG)
    with pg_database("dflow_no_orm") as url:
        env["DFLOW_DB"] = url
        yield env


def test_the_read_and_change_paths_load_no_orm(database: dict[str, str]) -> None:
    _set_up(database)
    codes = []
    for args in COMMANDS:
        loaded, code = _probe(database, args)
        assert loaded == [], (args, loaded)
        codes.append(code)
    # every change made, the waiver and the advance of a case not ready refused (exit 3)
    assert codes == [0, 0, 0, 0, 0, 0, 3, 0, 0, 3], codes
    view = json.loads(_dflow(database, "show", "1", "--json").stdout)
    assert view["stage"] == "initiation" and view["steps"][0]["carried_over"]  # advanced, then returned
    trail = json.loads(_dflow(database, "audit", "1", "--json").stdout)["events"]
    assert [e["action"] for e in trail] == [
        "created",
        "recorded",
        "recorded",
        "completed",
        "refused",
        "advanced",
        "returned",
    ]
    verified = _dflow(database, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
