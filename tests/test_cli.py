"""The command line, end to end: `typer.testing.CliRunner` against `cli.app`.

Every test runs on its own SQLite file under tmp_path (never a mock of the database), asserts
the exit code of the product contract (spec/PRODUCT.md) and the exact message: results on
stdout, errors on stderr, one JSON document on stdout with `--json`, and never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlmodel import Session
from typer.testing import CliRunner, Result

import cli
from decision_flow.core.errors import Conflict
from decision_flow.engine import Engine
from decision_flow.engine.change import Change, acting_user, load_case
from decision_flow.identity import keys
from decision_flow.identity.keys import fingerprint
from decision_flow.store.db import Database
from decision_flow.store.rows import Decision
from tests.flow import ACTOR, ADMIN, AUDITOR, EXECUTIVE, OFFICER, REVIEWER, ROLES_OF, VALID, evidence_file

REPO = Path(cli.__file__).resolve().parent
SHIPPED = REPO / "workflows" / "major-decision.toml"
TITLE = "沙河乡农贸市场搬迁"

# The stages of major-decision in order, with their steps.
STAGES: list[tuple[str, list[str]]] = [
    ("initiation", ["initiation"]),
    ("drafting", ["drafting"]),
    ("consultation", ["public_participation", "expert_review", "risk_assessment"]),
    ("legality_review", ["legality_review"]),
    ("collective_decision", ["collective_decision"]),
    ("party_report", ["party_report"]),
    ("publication", ["publication"]),
    ("archiving", ["archiving"]),
]

# English unless a test asks otherwise; wide enough that no table cell is cut.
BASE_ENV: dict[str, str | None] = {
    "DFLOW_LANG": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": "en_US.UTF-8",
    "DFLOW_USER": None,
    "DFLOW_DEBUG": None,
    "DFLOW_DB": None,
    "COLUMNS": "200",
}
SKIP_EN = "cannot go to legality_review: the decision is at initiation and only drafting comes next [Chs. 2–3]\n"
SKIP_ZH = "不能跳至 合法性审查：决策处于 决策启动 阶段，下一阶段只能是 拟定决策草案 [第二章至第三章]\n"

runner = CliRunner()
STEP_NAMES = ", ".join(step for _, steps in STAGES for step in steps)  # as a refusal lists them


class Dflow:
    """`dflow` on one database (given through DFLOW_DB) in one temporary directory."""

    def __init__(self, db: Path, files: Path) -> None:
        self.db, self.files = db, files

    @classmethod
    def initialised(cls, tmp_path: Path, users: Sequence[str] = (OFFICER, REVIEWER, EXECUTIVE, AUDITOR)) -> Dflow:
        """dflow on a new database in `tmp_path` with the admin and `users`, each with their
        usual role (tests/flow.py)."""
        files = tmp_path / "files"
        files.mkdir(exist_ok=True)
        run = cls(tmp_path / "dflow.db", files)
        run.ok("init", "--admin", ADMIN)
        for name in users:
            run.ok("user", "add", name, "--role", ROLES_OF[name], "--as", ADMIN)
        return run

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def __call__(self, *args: Any, env: dict[str, str | None] | None = None) -> Result:
        full_env = {**BASE_ENV, "DFLOW_DB": str(self.db), **(env or {})}
        return runner.invoke(cli.app, [str(a) for a in args], env=full_env)

    def ok(self, *args: Any, env: dict[str, str | None] | None = None) -> Result:
        result = self(*args, env=env)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        assert result.stderr == ""
        assert "Traceback" not in result.output
        return result

    def json(self, *args: Any, env: dict[str, str | None] | None = None) -> Any:
        """Run with --json; stdout must be exactly one JSON document."""
        return json.loads(self.ok(*args, "--json", env=env).stdout)

    def record_valid(self, decision: int, step: str, *, json_out: bool = False) -> Result:
        fields, kinds = VALID[step]
        args: list[Any] = ["record", decision, step]
        for item in fields:
            args += ["--set", item]
        for kind in kinds:
            args += ["--attach", f"{kind}={evidence_file(self.files, kind)}"]
        return self.ok(*args, "--as", ACTOR[step], *(["--json"] if json_out else []))

    def bring_to(self, decision: int, stage: str) -> None:
        """Walk the decision with VALID data, through the CLI only, until it is at `stage`."""
        for name, steps in STAGES:
            if name == stage:
                return
            for step in steps:
                self.record_valid(decision, step)
            self.ok("advance", decision, "--as", ACTOR[steps[0]])
        raise AssertionError(f"never reached {stage}")


def fails(result: Result, code: int, stderr: str) -> None:
    """An error: the exit code, nothing on stdout, the exact message on stderr, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr == stderr
    assert "Traceback" not in result.output


def fails_json(result: Result, code: int, error: dict[str, Any]) -> None:
    """An error with --json: the exit code and exactly the error document on stdout."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert json.loads(result.stdout) == {"error": error}
    assert error["message"] in result.stderr  # the human message goes to stderr
    assert "Traceback" not in result.output


@pytest.fixture
def bare(tmp_path: Path) -> Dflow:
    """dflow on a database file that does not exist yet."""
    files = tmp_path / "files"
    files.mkdir()
    return Dflow(tmp_path / "dflow.db", files)


@pytest.fixture
def dflow(tmp_path: Path) -> Dflow:
    """dflow on an initialised database with an admin and the four other kinds of user."""
    return Dflow.initialised(tmp_path)


@pytest.fixture
def decision(dflow: Dflow) -> int:
    """Decision 1 of major-decision, just created by the officer."""
    assert dflow.ok("new", TITLE, "--workflow", "major-decision", "--as", OFFICER).stdout == (
        "created decision 1 (major-decision) at stage initiation\n"
    )
    return 1


# ---------------------------------------------------------------------------- help


def _command_tree() -> Iterator[tuple[tuple[str, ...], Any]]:
    def walk(path: tuple[str, ...], command: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk((*path, name), sub)

    return walk((), typer.main.get_command(cli.app))


COMMANDS = dict(_command_tree())


def test_the_walk_finds_every_command() -> None:
    assert set(COMMANDS) == {
        (),
        ("init",),
        ("demo",),
        ("new",),
        ("list",),
        ("due",),
        ("show",),
        ("record",),
        ("complete",),
        ("waive",),
        ("advance",),
        ("return",),
        ("flag",),
        ("migrate",),
        ("implement",),
        ("feedback",),
        ("suspend",),
        ("resume",),
        ("adjust",),
        ("withdraw",),
        ("evaluate",),
        ("evaluate", "start"),
        ("evaluate", "report"),
        ("workflow",),
        ("workflow", "list"),
        ("workflow", "show"),
        ("workflow", "check"),
        ("workflow", "install"),
        ("workflow", "diagram"),
        ("user",),
        ("user", "add"),
        ("user", "grant"),
        ("user", "role"),
        ("user", "deactivate"),
        ("user", "list"),
        ("organ",),
        ("organ", "add"),
        ("organ", "list"),
        ("audit",),
        ("audit", "trail"),
        ("audit", "verify"),
        ("audit", "head"),
        ("audit", "export"),
        ("key",),
        ("key", "new"),
        ("key", "show"),
        ("key", "rotate"),
        ("key", "issue"),
        ("key", "revoke"),
        ("calendar",),
        ("calendar", "import"),
        ("calendar", "show"),
        ("calendar", "check"),
        ("catalogue",),
        ("catalogue", "add"),
        ("catalogue", "remove"),
        ("catalogue", "consent"),
        ("catalogue", "publish"),
        ("catalogue", "show"),
        ("catalogue", "export"),
        ("activity",),
        ("activity", "add"),
        ("activity", "withdraw"),
        ("activity", "list"),
        ("report",),
        ("report", "annual"),
        ("opinion",),
        ("opinion", "open"),
        ("opinion", "publish"),
        ("opinion", "add"),
        ("opinion", "list"),
        ("opinion", "mark"),
        ("opinion", "handling"),
        ("user", "password"),
        ("serve",),
    }
    assert not COMMANDS[("audit", "trail")].hidden  # listed, so `dflow audit ID` is found in the help


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda p: " ".join(("dflow", *p)))
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    help_text = COMMANDS[path].help
    assert help_text and help_text.strip()
    result = runner.invoke(cli.app, [*path, "--help"], env=BASE_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    shown = " ".join(result.stdout.split())
    assert "Usage:" in shown
    assert " ".join(help_text.split()) in shown


def test_help_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys\nsys.argv = ['dflow', '--help']\nimport cli\n"
        "try:\n    cli.main()\nexcept SystemExit as exc:\n    status = exc.code\n"
        "print('EXIT', status)\n"
        "print('LOADED', sorted(m for m in sys.modules\n"
        "                       if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "Run major administrative decisions" in done.stdout
    assert lines[-2:] == ["EXIT 0", "LOADED []"]
    assert "sqlalchemy" not in done.stderr  # -X importtime lists every module imported
    assert "typer" in done.stderr  # the import log is really there


def test_no_arguments_prints_help() -> None:
    result = runner.invoke(cli.app, [], env=BASE_ENV)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------- exit 0


def test_init_creates_the_database_and_is_idempotent(bare: Dflow) -> None:
    assert not bare.db.exists()
    first = bare.ok("init", "--admin", ADMIN, "--db", str(bare.db), env={"DFLOW_DB": None})
    key = bare.files.parent / "keys" / f"{ADMIN}.key"
    assert first.stdout == (
        f"database ready at {bare.url}; admin {ADMIN} registered; the key file for {ADMIN} is {key}:"
        f" give it to {ADMIN} only\n"
    )
    assert bare.db.exists()
    assert bare.json("init", "--admin", ADMIN) == {
        "database": bare.url,
        "created": False,
        "admin": ADMIN,
        "key_file": None,  # registered already: no key file written this time
    }
    assert bare.ok("init").stdout == f"database ready at {bare.url}\n"
    fails(
        bare("init", "--admin", "someone_else"),
        5,
        "an admin already exists (admin); ask them to add users with `dflow user add`\n",
    )


def test_init_json_reports_creation(bare: Dflow) -> None:
    key = str(bare.files.parent / "keys" / f"{ADMIN}.key")
    assert bare.json("init", "--admin", ADMIN) == {
        "database": bare.url,
        "created": True,
        "admin": ADMIN,
        "key_file": key,
    }


def test_user_add_and_list(bare: Dflow, key_dir: Path) -> None:
    bare.ok("init", "--admin", ADMIN)
    assert bare.ok("user", "add", OFFICER, "--role", "officer", "--as", ADMIN).stdout == (
        f"user zhao added with roles officer; the key file for zhao is {key_dir / 'zhao.key'}: give it to zhao only\n"
    )
    added = bare.json("user", "add", "wu", "--role", "admin", "--role", "auditor", "--as", ADMIN)
    key = {name: fingerprint(keys.load(name).public) for name in (ADMIN, OFFICER, "wu")}
    assert added == {
        "name": "wu",
        "organ": "main",
        "roles": ["auditor", "admin"],
        "active": True,
        "key": key["wu"],
        "key_file": str(key_dir / "wu.key"),
    }
    table = bare.ok("user", "list").stdout
    assert re.search(rf"│ admin +│ admin +│ yes +│ {key[ADMIN]} +│", table)
    assert re.search(rf"│ zhao +│ officer +│ yes +│ {key[OFFICER]} +│", table)
    assert re.search(rf"│ wu +│ auditor,admin +│ yes +│ {key['wu']} +│", table)
    assert bare.json("user", "list") == [
        {"name": "admin", "organ": "main", "roles": ["admin"], "active": True, "key": key[ADMIN]},
        {"name": "wu", "organ": "main", "roles": ["auditor", "admin"], "active": True, "key": key["wu"]},
        {"name": "zhao", "organ": "main", "roles": ["officer"], "active": True, "key": key[OFFICER]},
    ]
    fails(
        bare("user", "add", OFFICER, "--role", "officer", "--as", ADMIN),
        2,
        "user 'zhao' already exists\n",
    )
    fails(
        bare("user", "add", "ma", "--role", "mayor", "--as", ADMIN),
        2,
        "unknown role 'mayor' (roles: officer, legal_reviewer, executive, auditor, admin)\n",
    )


def test_workflow_list() -> None:
    result = runner.invoke(cli.app, ["workflow", "list"], env=BASE_ENV)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"│ major-decision +│ 2 +│ county +│ "
        r"Major administrative decision \(county level and above\)",
        result.stdout,
    )
    assert re.search(r"│ major-decision-township +│ 2 +│ township +│", result.stdout)
    doc = json.loads(runner.invoke(cli.app, ["workflow", "list", "--json"], env=BASE_ENV).stdout)
    assert sorted((w["name"], w["level"]) for w in doc) == [
        ("enforcement-decision", "township"),
        ("major-decision", "county"),
        ("major-decision-township", "township"),
        ("mediation", "township"),
        ("normative-document", "county"),
        ("normative-document-township", "township"),
        ("petition", "township"),
    ]
    assert {w["title_zh"] for w in doc} >= {"重大行政决策程序（县级以上人民政府）"}
    assert all(set(w) == {"name", "version", "level", "title", "title_zh", "sha256"} for w in doc)


def test_workflow_show() -> None:
    result = runner.invoke(cli.app, ["workflow", "show", "major-decision"], env=BASE_ENV)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "major-decision v2 · Major administrative decision (county level and above)",
        "State Council Decree No. 713",
    ]
    assert "legality_review" in result.stdout
    doc = json.loads(runner.invoke(cli.app, ["workflow", "show", "major-decision", "--json"], env=BASE_ENV).stdout)
    assert doc["name"] == "major-decision" and doc["version"] == 2 and doc["level"] == "county"
    assert doc["states"] == [name for name, _ in STAGES] + ["rejected", "archived"]
    assert {
        "trigger": "advance",
        "source": "initiation",
        "dest": "drafting",
        "conditions": "may_leave",
    } in doc["transitions"]
    assert [s["step"] for s in doc["steps"]] == [step for _, steps in STAGES for step in steps]
    legality = next(s for s in doc["steps"] if s["step"] == "legality_review")
    assert legality["roles"] == ["legal_reviewer"] and legality["waiver"] == "never"


def test_workflow_check_the_shipped_file() -> None:
    result = runner.invoke(cli.app, ["workflow", "check", str(SHIPPED)], env=BASE_ENV)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SHIPPED}: OK (major-decision v2, 8 stages)\n"
    doc = json.loads(runner.invoke(cli.app, ["workflow", "check", str(SHIPPED), "--json"], env=BASE_ENV).stdout)
    assert doc == {
        "ok": True,
        "name": "major-decision",
        "version": 2,
        "sha256": hashlib.sha256(SHIPPED.read_bytes()).hexdigest(),
    }


def test_new_and_user_from_environment(dflow: Dflow) -> None:
    assert dflow.ok("new", TITLE, "--workflow", "major-decision", env={"DFLOW_USER": OFFICER}).stdout == (
        "created decision 1 (major-decision) at stage initiation\n"
    )
    # a township workflow is for a township organ: one under the county's, the officer an officer there too
    fails(
        dflow("new", "二号决策", "--workflow", "major-decision-township", "--as", OFFICER),
        2,
        "workflow major-decision-township is for township organs; organ main is a county organ: choose the"
        " workflow of its level, or the organ with --organ\n",
    )
    dflow.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    dflow.ok("user", "grant", OFFICER, "--organ", "shahe", "--role", "officer", "--as", ADMIN)
    assert dflow.json(
        "new",
        "二号决策",
        "--workflow",
        "major-decision-township",
        "--organ",
        "shahe",
        "--flag",
        "technical",
        "--as",
        OFFICER,
    ) == {"id": 2, "stage": "initiation", "status": "active"}
    shown = dflow.json("show", 2)
    assert shown["workflow"] == "major-decision-township" and shown["flags"] == {"technical": True}
    fails(
        dflow("new", TITLE, "--workflow", "major-decision", "--flag", "urgent", "--as", OFFICER),
        2,
        "unknown flag 'urgent' (known: technical, stability_risk, hearing_required, "
        "non_disclosable, market_affecting)\n",
    )


def test_list_with_stage_and_status_filters(dflow: Dflow, decision: int) -> None:
    dflow.ok("new", "第二项决策", "--workflow", "major-decision", "--as", OFFICER)
    dflow.bring_to(decision, "drafting")
    table = dflow.ok("list").stdout
    assert re.search(rf"│ 1 +│ {TITLE} +│ drafting +│ active +│", table)
    assert re.search(r"│ 2 +│ 第二项决策 +│ initiation +│ active +│", table)
    only = dflow.ok("list", "--stage", "drafting").stdout
    assert TITLE in only and "第二项决策" not in only
    assert dflow.json("list", "--stage", "initiation") == [
        {"id": 2, "title": "第二项决策", "stage": "initiation", "status": "active"}
    ]
    assert dflow.json("list", "--status", "active") == [
        {"id": 1, "title": TITLE, "stage": "drafting", "status": "active"},
        {"id": 2, "title": "第二项决策", "stage": "initiation", "status": "active"},
    ]
    assert dflow.json("list", "--status", "archived") == []
    assert dflow.json("list", "--stage", "drafting", "--status", "active") == [
        {"id": 1, "title": TITLE, "stage": "drafting", "status": "active"}
    ]


def test_show_lists_what_is_missing(dflow: Dflow, decision: int) -> None:
    doc = dflow.json("show", decision)
    assert set(doc) == {
        "id",
        "title",
        "workflow",
        "workflow_version",
        "stage",
        "status",
        "flags",
        "steps",
        "life",
        "supersedes",
        "adjustment",
        "superseded_by",
        "life_acts",
        "masked",
        "organ",
    }
    assert (
        doc["id"],
        doc["title"],
        doc["workflow"],
        doc["workflow_version"],
        doc["stage"],
        doc["status"],
        doc["flags"],
    ) == (1, TITLE, "major-decision", 2, "initiation", "active", {})
    steps = {s["step"]: s for s in doc["steps"]}
    assert list(steps) == [step for _, names in STAGES for step in names]
    assert steps["initiation"] == {
        "step": "initiation",
        "stage": "initiation",
        "status": "pending",
        "fields": {},
        "evidence": [],
        "missing": ["undertaking_unit", "start_approved_on"],
        "carried_over": False,
    }
    assert steps["drafting"]["missing"] == ["legal_basis", "draft"]
    human = dflow.ok("show", decision).stdout
    assert human.splitlines()[:4] == [
        f"ID 1 · {TITLE}",
        "Workflow: Major administrative decision (county level and above) (v2)",
        "Stage: Initiation · Status: active",
        "Flags: —",
    ]
    assert re.search(
        r"│ Initiation +│ Initiation +│ pending +│ — +│ undertaking_unit, start_approved_on +│",
        human,
    )
    assert "决策启动" not in human

    dflow.ok(
        "record",
        decision,
        "initiation",
        "--set",
        "undertaking_unit=沙河乡经济发展办公室",
        "--as",
        OFFICER,
    )
    steps = {s["step"]: s for s in dflow.json("show", decision)["steps"]}
    assert steps["initiation"]["fields"] == {"undertaking_unit": "沙河乡经济发展办公室"}
    assert steps["initiation"]["missing"] == ["start_approved_on"]


def test_record_with_set_and_attach(dflow: Dflow, decision: int) -> None:
    dflow.bring_to(decision, "drafting")
    draft = evidence_file(dflow.files, "draft")
    result = dflow.ok(
        "record",
        decision,
        "drafting",
        "--set",
        "legal_basis=《农产品市场管理办法》",
        "--set",
        "alternatives=2",
        "--attach",
        f"draft={draft}",
        "--as",
        OFFICER,
    )
    assert result.stdout == "recorded on step drafting\n"
    step = dflow.json("show", decision)["steps"][1]
    sha = hashlib.sha256(draft.read_bytes()).hexdigest()
    assert step == {
        "step": "drafting",
        "stage": "drafting",
        "status": "pending",
        "fields": {"legal_basis": "《农产品市场管理办法》", "alternatives": 2},
        "evidence": [{"kind": "draft", "name": "draft.txt", "sha256": sha}],
        "missing": [],
        "carried_over": False,
    }
    # stored by content beside the SQLite file, not under the user's name
    assert (dflow.db.parent / "dflow.db.evidence" / sha[:2] / sha).read_bytes() == draft.read_bytes()
    assert f"📎 draft: draft.txt ({sha[:12]}…)" in dflow.ok("show", decision).stdout


def test_complete(dflow: Dflow, decision: int) -> None:
    dflow.record_valid(decision, "initiation")
    assert dflow.ok("complete", decision, "initiation", "--as", OFFICER).stdout == (
        "step initiation completed; the decision is at initiation\n"
    )
    assert dflow.json("show", decision)["steps"][0]["status"] == "completed"
    fails(
        dflow("complete", decision, "initiation", "--as", OFFICER),
        3,
        "step initiation is already completed; return the decision to reopen it [Arts. 10–11]\n",
    )


def test_waive_where_the_law_allows(dflow: Dflow, decision: int) -> None:
    dflow.bring_to(decision, "consultation")
    assert (
        dflow.ok("waive", decision, "expert_review", "--reason", "非专业性、技术性事项", "--as", OFFICER).stdout
        == "step expert_review waived\n"
    )
    step = {s["step"]: s for s in dflow.json("show", decision)["steps"]}["expert_review"]
    assert (step["status"], step["missing"], step["waiver_reason"]) == (
        "waived",
        [],
        "非专业性、技术性事项",
    )


def test_advance(dflow: Dflow, decision: int) -> None:
    dflow.record_valid(decision, "initiation")
    assert dflow.ok("advance", decision, "--as", OFFICER).stdout == "decision 1 moved to drafting\n"
    assert dflow.json("show", decision)["stage"] == "drafting"
    dflow.record_valid(decision, "drafting")
    assert dflow.ok("advance", decision, "--to", "consultation", "--as", OFFICER).stdout == (
        "decision 1 moved to consultation\n"
    )


def test_return(dflow: Dflow, decision: int) -> None:
    dflow.bring_to(decision, "consultation")
    assert dflow.ok("return", decision, "--to", "drafting", "--reason", "草案须补充依据", "--as", OFFICER).stdout == (
        "decision 1 returned to drafting\n"
    )
    doc = dflow.json("show", decision)
    assert doc["stage"] == "drafting"
    drafting = doc["steps"][1]
    assert (drafting["status"], drafting["fields"], drafting["missing"], drafting["carried_over"]) == (
        "pending",
        {"legal_basis": "《农产品市场管理办法》", "alternatives": 2},
        [],
        True,
    )
    assert [e["kind"] for e in drafting["evidence"]] == ["draft"]
    assert (doc["steps"][0]["status"], doc["steps"][0]["carried_over"]) == ("completed", False)
    fails(
        dflow("return", decision, "--to", "consultation", "--reason", "x", "--as", OFFICER),
        3,
        "cannot return to consultation: it is not a stage before drafting [Chs. 2–3]\n",
    )


def test_audit_trail(dflow: Dflow, decision: int) -> None:
    dflow.record_valid(decision, "initiation")
    dflow.ok("advance", decision, "--as", OFFICER)
    head, *lines = dflow.ok("audit", decision).stdout.splitlines()
    assert head.split() == ["#", "Time", "Actor", "Action", "Where", "Detail"]
    assert [line.split()[4] for line in lines] == ["created", "recorded", "completed", "advanced"]
    assert all(f" {OFFICER} " in line for line in lines)
    assert re.search(f"initiation +{TITLE} \\[major-decision v2\\]$", lines[0])
    assert re.search("initiation +initiation → drafting$", lines[3])
    assert dflow.ok("audit", "trail", decision).stdout.splitlines() == [head, *lines]


def test_audit_verify(dflow: Dflow, decision: int) -> None:
    events = 5 + 1  # five users added, one decision created, each signed by its actor
    verified = f"audit trail verified: {events} events, chain intact, {events} signatures valid\n"
    recalled = (
        "  ({} of the signatures were checked by an earlier verification on this machine, of exactly these"
        " events; --full checks them all again)\n"
    )
    assert dflow.ok("audit", "verify").stdout == verified
    assert dflow.ok("audit", "verify", decision).stdout == verified + recalled.format(events)
    assert dflow.ok("audit", "verify", "--full").stdout == verified
    fails(
        dflow("new", "冒名", "--workflow", "major-decision", "--as", "nobody"),
        5,
        "'nobody' is not a registered user [Arts. 33, 38]\n",
    )
    # the refusal is kept, unsigned: who typed --as nobody proved no identity
    unsigned = (
        "unsigned events, as allowed: 1; refusals of attempts by names that could not prove a key (unknown or"
        " keyless users): registry 6 (nobody)\n"
    )
    assert dflow.ok("audit", "verify").stdout == (
        f"audit trail verified: {events + 1} events, chain intact, {events} signatures valid\n"
        + recalled.format(events)
        + unsigned
    )
    assert dflow.ok("audit", "verify", "--json").stdout == (
        f'{{"ok": true, "events": {events + 1}, "first_bad_seq": null, "reason": null}}\n'
    )
    dflow.ok("new", TITLE, "--workflow", "major-decision", "--as", OFFICER)
    # of the 8 signatures now, the 6 before the unsigned refusal were checked before
    assert dflow.ok("audit", "verify").stdout == (
        f"audit trail verified: {events + 2} events, chain intact, {events + 1} signatures valid\n"
        + recalled.format(events)
        + unsigned
    )
    fails(dflow("audit", "verify", 3), 4, "no decision with id 3\n")


def test_demo_kept_in_a_folder_reads_on_with_dflow(tmp_path: Path) -> None:
    """`--keep DIR` leaves the demonstration database and its users' keys for `dflow --db` (the
    annual report's sample comes from it); a folder that holds anything is refused untouched."""
    kept = tmp_path / "示范"
    result = runner.invoke(cli.app, ["demo", "--keep", str(kept)], env=BASE_ENV)
    assert result.exit_code == 0, result.output
    db = kept / "demo.db"
    assert f"kept in {kept}: read on with DFLOW_DB={db} DFLOW_KEYS={kept / 'keys'} dflow show 1\n" in result.stdout
    reader = Dflow(db, tmp_path)
    assert reader.json("show", 1)["status"] == "archived"
    assert reader.json("audit", "verify") == {"ok": True, "events": 139, "first_bad_seq": None, "reason": None}
    # a year whole enough for its annual report: a case of every procedure with a demonstration,
    # the register and the catalogue; only the normative documents (none in the demo) are left
    year = reader.json(
        "report", "annual", "--year", "2025", "--as", "zhang_wei", env={"DFLOW_KEYS": str(kept / "keys")}
    )
    placeholders = [f["key"] for f in year["figures"] if f["value"] is None]
    assert placeholders == ["normative-document.cases"]
    assert len(year["cases"]) == 4  # the petition of 2024 belongs to 2024's report

    # SQLite's -wal and -shm files come and go with the reads' connections (closed whenever the
    # garbage collector gets to them): not what the refusal could have touched
    def listing() -> list[str]:
        return sorted(p.name for p in kept.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = listing()
    again = runner.invoke(cli.app, ["demo", "--keep", str(kept)], env=BASE_ENV)
    assert again.exit_code == 2 and "is not empty" in again.stderr
    assert listing() == before


def test_demo(cache_dir: Path) -> None:
    result = runner.invoke(cli.app, ["demo"], env=BASE_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("throwaway database: ")
    assert "decision 1 created: 沙河乡农贸市场搬迁方案\n" in out
    assert (
        "REFUSED skip to Legality review: cannot go to legality_review: "
        "the decision is at drafting and only consultation comes next [Chs. 2–3]\n"
    ) in out
    assert "→ archived\n" in out
    assert out.endswith("audit trail verified: 33 events, chain intact, 33 signatures valid\n")
    assert not (cache_dir / "dflow" / "verified").exists()  # the throwaway database leaves nothing behind
    doc = json.loads(runner.invoke(cli.app, ["demo", "--json"], env=BASE_ENV).stdout)
    assert (doc["status"], doc["verify"]) == (
        "archived",
        {"ok": True, "events": 33, "first_bad_seq": None, "reason": None, "signed": 33},
    )
    assert [r["rule"] for r in doc["refused"]] == ["stage_order"]


# ---------------------------------------------------------------------------- exit 1


def _explode(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("boom\nsecond line")


def test_exit_1_internal_error_is_one_line(dflow: Dflow, decision: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bug in the library (injected here) must surface as one line, never a traceback.
    import decision_flow.engine.queries

    monkeypatch.setattr(decision_flow.engine.queries, "show", _explode)
    result = dflow("show", decision)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "internal error: RuntimeError: boom (set DFLOW_DEBUG=1 for details)\n"
    assert "Traceback" not in result.output
    doc = json.loads(dflow("show", decision, "--json").stdout)
    assert doc["error"] == {
        "code": "internal",
        "reasons": [],
        "message": "internal error: RuntimeError: boom (set DFLOW_DEBUG=1 for details)",
    }


def test_exit_1_debug_prints_the_traceback(dflow: Dflow, decision: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import decision_flow.engine.queries

    monkeypatch.setattr(decision_flow.engine.queries, "show", _explode)
    result = dflow("show", decision, env={"DFLOW_DEBUG": "1"})
    assert result.exit_code == 1
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "in _explode" in result.stderr and result.stderr.endswith("RuntimeError: boom\nsecond line\n")


def test_exit_2_unknown_database_dialect(dflow: Dflow) -> None:
    fails(dflow("show", 1, "--db", "foo://x"), 2, "'foo://x' is not a database URL\n")


# ---------------------------------------------------------------------------- exit 2


def test_exit_2_bad_option_and_unknown_command(dflow: Dflow, decision: int) -> None:
    fails(dflow("show", decision, "--bogus"), 2, "dflow: No such option: --bogus\n")
    fails(dflow("bogus"), 2, "dflow: No such command 'bogus'.\n")
    fails(dflow("new", TITLE), 2, "dflow: Missing option '--workflow'.\n")
    fails(dflow("show"), 2, "dflow: Missing argument 'ID'.\n")


def test_exit_2_bad_values(dflow: Dflow, decision: int) -> None:
    fails(
        dflow(
            "record",
            decision,
            "initiation",
            "--set",
            "start_approved_on=2024-02-30",
            "--as",
            OFFICER,
        ),
        2,
        "start_approved_on: '2024-02-30' is not a date (YYYY-MM-DD)\n",
    )
    fails(dflow("show", "abc"), 2, "'abc' is not a decision id (a whole number)\n")
    fails(
        dflow("show", "99999999999999999999999"),
        2,
        "'99999999999999999999999' is not a decision id (a whole number)\n",
    )
    fails(
        dflow(
            "record",
            decision,
            "initiation",
            "--set",
            "undertaking_unit=沙河\x01乡",
            "--as",
            OFFICER,
        ),
        2,
        "undertaking_unit contains control characters or undecodable bytes\n",
    )
    fails(
        dflow("record", decision, "initiation", "--set", "undertaking_unit", "--as", OFFICER),
        2,
        "'undertaking_unit' is not of the form name=value (--set)\n",
    )
    fails(
        dflow("record", decision, "initiation", "--as", OFFICER),
        2,
        "nothing to record: give --set field=value or --attach kind=FILE\n",
    )
    # nothing was stored by the refused values
    assert dflow.json("show", decision)["steps"][0]["fields"] == {}


def test_exit_2_missing_attach_file(dflow: Dflow, decision: int) -> None:
    dflow.bring_to(decision, "drafting")
    missing = dflow.files / "no-such-draft.pdf"
    fails(
        dflow(
            "record",
            decision,
            "drafting",
            "--set",
            "legal_basis=x",
            "--attach",
            f"draft={missing}",
            "--as",
            OFFICER,
        ),
        2,
        f"{missing}: no such file\n",
    )
    assert dflow.json("show", decision)["steps"][1]["fields"] == {}


def test_exit_2_broken_workflow_files(tmp_path: Path) -> None:
    def check(path: Path) -> Result:
        return runner.invoke(cli.app, ["workflow", "check", str(path)], env=BASE_ENV)

    broken = tmp_path / "broken.toml"
    broken.write_text('schema = 1\nname = "x"\n[[', encoding="utf-8")
    result = check(broken)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{broken}: not valid TOML: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output

    latin = tmp_path / "latin1.toml"
    latin.write_bytes(b'schema = 1\nname = "\xff"\n')
    fails(check(latin), 2, f"{latin}: not UTF-8 text (byte 19)\n")

    fails(check(tmp_path / "absent.toml"), 2, f"{tmp_path / 'absent.toml'}: no such file\n")

    shortened = tmp_path / "short-period.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    assert 'to = "closed_on", days = 30,' in text
    shortened.write_text(
        text.replace('to = "closed_on", days = 30,', 'to = "closed_on", days = 10,'),
        encoding="utf-8",
    )
    fails(
        check(shortened),
        2,
        f"{shortened}: public_participation.rules: the comment period needs min_days of at least 30 (Art. 15)\n",
    )


def test_exit_2_uninitialised_database(bare: Dflow) -> None:
    message = f"no decision-flow database at {bare.url}: run `dflow init --admin NAME` first\n"
    fails(bare("show", 1), 2, message)
    fails(bare("list"), 2, message)
    fails(bare("new", TITLE, "--workflow", "major-decision", "--as", OFFICER), 2, message)
    assert not bare.db.exists()  # looking never creates the file


# ---------------------------------------------------------------------------- exit 3


def test_exit_3_skip_is_refused_and_recorded(dflow: Dflow, decision: int) -> None:
    fails(dflow("advance", decision, "--to", "legality_review", "--as", OFFICER), 3, SKIP_EN)
    assert dflow.json("show", decision)["stage"] == "initiation"
    refused = dflow.json("audit", decision)["events"][-1]
    assert (refused["action"], refused["actor"], refused["stage"]) == (
        "refused",
        OFFICER,
        "initiation",
    )
    assert refused["data"]["attempted"] == "advance"
    assert refused["data"]["reasons"] == [
        {
            "rule": "stage_order",
            "article": "Chs. 2–3",
            "detail": SKIP_EN[: -len(" [Chs. 2–3]\n")],
            "msg": {
                "key": "advance.skip",
                "params": {"current": "initiation", "next": "drafting", "to": "legality_review"},
            },
        }
    ]  # the message kept as its key and parameters too, so each reader sees it in their own language


def test_exit_3_forbidden_waiver(dflow: Dflow, decision: int) -> None:
    fails(
        dflow("waive", decision, "initiation", "--reason", "不需要", "--as", OFFICER),
        3,
        "step initiation cannot be waived\n  · [Arts. 10–11] initiation can never be waived\n",
    )
    dflow.bring_to(decision, "consultation")
    fails(
        dflow("waive", decision, "public_participation", "--reason", "时间紧", "--as", OFFICER),
        3,
        "step public_participation cannot be waived\n"
        "  · [Art. 14] public_participation may be waived only when the matter is "
        "non_disclosable\n",
    )
    assert dflow.json("show", decision)["steps"][2]["status"] == "pending"


def test_exit_3_missing_required_field(dflow: Dflow, decision: int) -> None:
    fails(
        dflow("complete", decision, "initiation", "--as", OFFICER),
        3,
        "step initiation cannot be completed\n"
        "  · [Arts. 10–11] initiation: undertaking_unit is not recorded\n"
        "  · [Arts. 10–11] initiation: start_approved_on is not recorded\n",
    )
    dflow.ok(
        "record",
        decision,
        "initiation",
        "--set",
        "undertaking_unit=沙河乡经济发展办公室",
        "--as",
        OFFICER,
    )
    fails(
        dflow("advance", decision, "--as", OFFICER),
        3,
        "cannot leave stage initiation\n  · [Arts. 10–11] initiation: start_approved_on is not recorded\n",
    )


def test_exit_3_step_of_another_stage(dflow: Dflow, decision: int) -> None:
    fails(
        dflow("record", decision, "drafting", "--set", "legal_basis=x", "--as", OFFICER),
        3,
        "step drafting belongs to stage drafting; the decision is at initiation [Chs. 2–3]\n",
    )


# ---------------------------------------------------------------------------- exit 4


def test_exit_4_not_found(dflow: Dflow, decision: int) -> None:
    fails(dflow("show", 99), 4, "no decision with id 99\n")
    fails(dflow("audit", 99), 4, "no decision with id 99\n")
    fails(dflow("advance", 99, "--as", OFFICER), 4, "no decision with id 99\n")
    fails(
        dflow("record", decision, "nostep", "--set", "a=b", "--as", OFFICER),
        4,
        f"workflow major-decision has no step 'nostep' (steps: {STEP_NAMES})\n",
    )
    fails(
        dflow("complete", decision, "nostep", "--as", OFFICER),
        4,
        f"workflow major-decision has no step 'nostep' (steps: {STEP_NAMES})\n",
    )
    fails(
        dflow("advance", decision, "--to", "nowhere", "--as", OFFICER),
        4,
        "workflow major-decision has no stage 'nowhere'\n",
    )
    known = (
        "(known: enforcement-decision, major-decision, major-decision-township, mediation, normative-document,"
        " normative-document-township, petition)"
    )
    fails(
        dflow("new", TITLE, "--workflow", "nope", "--as", OFFICER),
        4,
        f"no workflow named 'nope' {known}\n",
    )
    fails(dflow("workflow", "show", "nope"), 4, f"no workflow named 'nope' {known}\n")


# ---------------------------------------------------------------------------- exit 5


def test_exit_5_permission_denied(dflow: Dflow, decision: int) -> None:
    fails(
        dflow("record", decision, "initiation", "--set", "undertaking_unit=x", "--as", "nobody"),
        5,
        "'nobody' is not a registered user [Arts. 33, 38]\n",
    )
    fails(
        dflow("record", decision, "initiation", "--set", "undertaking_unit=x"),
        5,
        "no acting user: give --as NAME or set DFLOW_USER [Arts. 33, 38]\n",
    )
    fails(
        dflow("record", decision, "initiation", "--set", "undertaking_unit=x", "--as", AUDITOR),
        5,
        "li_audit may not act on initiation: it needs the role officer\n"
        "  · [Arts. 10–11] this needs the role officer\n",
    )
    fails(
        dflow("user", "add", "wu", "--role", "officer", "--as", OFFICER),
        5,
        "only an admin may manage users [Arts. 33, 38]\n",
    )
    fails(
        dflow("new", TITLE, "--workflow", "major-decision", "--as", REVIEWER),
        5,
        "qian may not act on initiation: it needs the role officer\n  · [Arts. 10–11] this needs the role officer\n",
    )
    # nothing changed, and every refusal is in the trail
    assert dflow.json("show", decision)["steps"][0]["fields"] == {}
    assert [u["name"] for u in dflow.json("user", "list")] == [
        ADMIN,
        AUDITOR,
        REVIEWER,
        EXECUTIVE,
        OFFICER,
    ]
    refused = [e for e in dflow.json("audit", decision)["events"] if e["action"] == "refused"]
    assert [e["actor"] for e in refused] == ["nobody", "", AUDITOR]


# ---------------------------------------------------------------------------- exit 6


def _change(engine: Engine, s: Session, case: Decision) -> Change:
    """A change of `case` by the officer, opened in `s` as the engine opens one."""
    return engine.opened(s, acting_user(s, OFFICER), engine.keys.signer(OFFICER), case)


def test_exit_6_conflict(dflow: Dflow, decision: int) -> None:
    """A change based on a stale read of the decision is refused and writes nothing."""
    database = Database(dflow.url)
    engine = Engine(database)
    try:
        with database.session() as s:
            stale = load_case(s, decision)
            assert stale is not None and stale.version == 1
            s.commit()
        con = sqlite3.connect(dflow.db)
        with con:  # another writer changes the decision meanwhile
            con.execute("UPDATE decisions SET version = version + 1 WHERE id = ?", (decision,))
        con.close()
        with database.session() as s, pytest.raises(Conflict) as info:
            _change(engine, s, stale).save(stage="drafting")
        assert info.value.exit_code == 6
        assert info.value.code == "conflict"
        assert info.value.message("en") == (
            "decision 1 was changed by someone else meanwhile; nothing was written, try again"
        )
        with database.session() as s:  # a fresh read saves fine
            fresh = load_case(s, decision)
            assert fresh is not None and fresh.version == 2
            _change(engine, s, fresh).save()
            s.commit()
    finally:
        database.dispose()
    con = sqlite3.connect(dflow.db)
    assert con.execute("SELECT stage, version FROM decisions WHERE id = ?", (decision,)).fetchone() == ("initiation", 3)
    con.close()


# ---------------------------------------------------------------------------- exit 7


def _tamper(db: Path, sql: str, params: Sequence[Any] = ()) -> None:
    con = sqlite3.connect(db)
    try:
        with con:
            con.execute(sql, params)
    finally:
        con.close()


def test_exit_7_edited_event(dflow: Dflow, decision: int) -> None:
    dflow.record_valid(decision, "initiation")
    events = dflow.json("audit", decision)["events"]
    recorded = next(e for e in events if e["action"] == "recorded")
    total = dflow.json("audit", "verify")["events"]
    chain = recorded["chain"]  # the organ's chain: the registry's comes before it
    registry = next(cp["size"] for cp in dflow.json("audit", "head") if cp["chain"] == "registry")
    # the database itself refuses the edit while its guards are in place
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _tamper(dflow.db, "UPDATE audit_events SET data = '{}' WHERE chain = ? AND seq = ?", (chain, recorded["seq"]))
    assert dflow.ok("audit", "verify", "--full").stdout == (
        f"audit trail verified: {total} events, chain intact, {total} signatures valid\n"
    )

    _tamper(dflow.db, "DROP TRIGGER audit_events_no_update")
    _tamper(dflow.db, "DROP TRIGGER audit_events_no_delete")
    _tamper(
        dflow.db,
        "UPDATE audit_events SET data = replace(data, '2024-03-01', '2024-02-01') WHERE chain = ? AND seq = ?",
        (chain, recorded["seq"]),
    )
    reason = "content edited: hash does not match content"
    fails(dflow("audit", "verify"), 7, f"audit trail FAILED in chain {chain} at event {recorded['seq']}: {reason}\n")
    result = dflow("audit", "verify", "--json")
    assert result.exit_code == 7
    assert json.loads(result.stdout) == {
        "ok": False,
        "events": registry + recorded["seq"],
        "first_bad_seq": recorded["seq"],
        "reason": reason,
        "chain": chain,
    }
    assert "Traceback" not in result.output


def test_exit_7_altered_evidence_file(dflow: Dflow, decision: int) -> None:
    dflow.bring_to(decision, "drafting")
    dflow.record_valid(decision, "drafting")
    sha = dflow.json("show", decision)["steps"][1]["evidence"][0]["sha256"]
    seq = next(
        e["seq"]
        for e in dflow.json("audit", decision)["events"]
        if e["action"] == "recorded" and e["step"] == "drafting"
    )
    (dflow.db.parent / "dflow.db.evidence" / sha[:2] / sha).write_text("另一份草案", encoding="utf-8")
    fails(
        dflow("audit", "verify"),
        7,
        f"audit trail FAILED in chain main at event {seq}: evidence altered or missing: {sha} (draft)\n",
    )


# ---------------------------------------------------------------------------- --json


def test_json_on_every_command(dflow: Dflow, tmp_path: Path) -> None:
    """Each command prints exactly one JSON document on stdout, in the PRODUCT.md shapes."""
    state = {"id": 1, "stage": "initiation", "status": "active"}
    assert dflow.json("new", TITLE, "--workflow", "major-decision", "--as", OFFICER) == state
    assert dflow.json("list") == [{"id": 1, "title": TITLE, "stage": "initiation", "status": "active"}]
    assert json.loads(dflow.record_valid(1, "initiation", json_out=True).stdout) == state
    assert dflow.json("complete", 1, "initiation", "--as", OFFICER) == state
    assert dflow.json("advance", 1, "--as", OFFICER) == {**state, "stage": "drafting"}
    dflow.record_valid(1, "drafting")
    assert dflow.json("advance", 1, "--as", OFFICER) == {**state, "stage": "consultation"}
    assert dflow.json("waive", 1, "expert_review", "--reason", "非专业性事项", "--as", OFFICER) == {
        **state,
        "stage": "consultation",
    }
    assert dflow.json("return", 1, "--to", "drafting", "--reason", "补充依据", "--as", OFFICER) == {
        **state,
        "stage": "drafting",
    }

    shown = dflow.json("show", 1)
    assert set(shown) == {
        "id",
        "title",
        "workflow",
        "workflow_version",
        "stage",
        "status",
        "flags",
        "steps",
        "life",
        "supersedes",
        "adjustment",
        "superseded_by",
        "life_acts",
        "masked",
        "organ",
    }
    assert shown["life"] is None and shown["life_acts"] == [] and shown["superseded_by"] == []  # not decided yet
    for step in shown["steps"]:
        assert {"step", "stage", "status", "fields", "evidence", "missing"} <= set(step)
        assert step["status"] in ("pending", "completed", "waived")
        assert all(set(e) == {"kind", "name", "sha256"} for e in step["evidence"])

    trail = dflow.json("audit", 1)
    assert set(trail) == {"decision", "events", "masked", "organ"} and trail["decision"] == 1
    assert trail["masked"] is False  # a major decision records no personal field
    assert [e["action"] for e in trail["events"]] == [
        "created",
        "recorded",
        "completed",
        "advanced",
        "recorded",
        "completed",
        "advanced",
        "waived",
        "returned",
    ]
    for earlier, event in zip(trail["events"], trail["events"][1:], strict=False):
        assert set(event) == {
            "seq",
            "chain",
            "at",
            "actor",
            "action",
            "stage",
            "step",
            "data",
            "prev_hash",
            "hash",
        }
        assert event["seq"] > earlier["seq"] and re.fullmatch(r"[0-9a-f]{64}", event["hash"])
    assert trail["events"][1]["prev_hash"] == trail["events"][0]["hash"]  # consecutive in the chain

    verdict = dflow.json("audit", "verify")
    assert verdict == {
        "ok": True,
        "events": sum(cp["size"] for cp in dflow.json("audit", "head")),  # every chain's
        "first_bad_seq": None,
        "reason": None,
    }
    assert dflow.json("audit", "verify", 1) == verdict
    assert [u["name"] for u in dflow.json("user", "list")] == [
        ADMIN,
        AUDITOR,
        REVIEWER,
        EXECUTIVE,
        OFFICER,
    ]
    assert dflow.json("user", "add", "wu", "--role", "officer", "--as", ADMIN)["roles"] == ["officer"]
    assert dflow.json("init")["created"] is False


ERRORS = [
    pytest.param(
        ["show", "1", "--bogus"],
        2,
        {"code": "invalid", "message": "No such option: --bogus", "reasons": []},
        id="bad-option",
    ),
    pytest.param(
        ["frobnicate"],
        2,
        {"code": "invalid", "message": "No such command 'frobnicate'.", "reasons": []},
        id="unknown-command",
    ),
    pytest.param(
        ["show", "abc"],
        2,
        {
            "code": "invalid",
            "message": "'abc' is not a decision id (a whole number)",
            "reasons": [],
        },
        id="bad-id",
    ),
    pytest.param(
        ["record", "1", "initiation", "--set", "start_approved_on=2024-02-30", "--as", OFFICER],
        2,
        {
            "code": "invalid",
            "message": "start_approved_on: '2024-02-30' is not a date (YYYY-MM-DD)",
            "reasons": [],
        },
        id="bad-date",
    ),
    pytest.param(
        ["advance", "1", "--to", "legality_review", "--as", OFFICER],
        3,
        {
            "code": "blocked",
            "message": SKIP_EN[: -len(" [Chs. 2–3]\n")],
            "reasons": [
                {
                    "rule": "stage_order",
                    "article": "Chs. 2–3",
                    "detail": SKIP_EN[: -len(" [Chs. 2–3]\n")],
                }
            ],
        },
        id="skip",
    ),
    pytest.param(
        ["complete", "1", "initiation", "--as", OFFICER],
        3,
        {
            "code": "blocked",
            "message": "step initiation cannot be completed",
            "reasons": [
                {
                    "rule": "required_field",
                    "article": "Arts. 10–11",
                    "detail": "initiation: undertaking_unit is not recorded",
                },
                {
                    "rule": "required_field",
                    "article": "Arts. 10–11",
                    "detail": "initiation: start_approved_on is not recorded",
                },
            ],
        },
        id="missing-field",
    ),
    pytest.param(
        ["show", "42"],
        4,
        {"code": "not_found", "message": "no decision with id 42", "reasons": []},
        id="unknown-decision",
    ),
    pytest.param(
        ["workflow", "show", "nope"],
        4,
        {
            "code": "not_found",
            "reasons": [],
            "message": "no workflow named 'nope' (known: enforcement-decision, major-decision, major-decision-township,"
            " mediation, normative-document, normative-document-township, petition)",
        },
        id="unknown-workflow",
    ),
    pytest.param(
        ["record", "1", "initiation", "--set", "undertaking_unit=x", "--as", "nobody"],
        5,
        {
            "code": "forbidden",
            "message": "'nobody' is not a registered user",
            "reasons": [{"rule": "user", "article": "Arts. 33, 38", "detail": "'nobody' is not a registered user"}],
        },
        id="unknown-user",
    ),
    pytest.param(
        ["user", "add", "wu", "--role", "officer", "--as", OFFICER],
        5,
        {
            "code": "forbidden",
            "message": "only an admin may manage users",
            "reasons": [
                {
                    "rule": "role",
                    "article": "Arts. 33, 38",
                    "detail": "only an admin may manage users",
                }
            ],
        },
        id="not-admin",
    ),
]


@pytest.mark.parametrize(("args", "code", "error"), ERRORS)
def test_json_errors(dflow: Dflow, decision: int, args: list[str], code: int, error: dict[str, Any]) -> None:
    fails_json(dflow(*args, "--json"), code, error)


def test_json_error_of_an_uninitialised_database(bare: Dflow) -> None:
    fails_json(
        bare("list", "--json"),
        2,
        {
            "code": "invalid",
            "reasons": [],
            "message": f"no decision-flow database at {bare.url}: run `dflow init --admin NAME` first",
        },
    )


# ---------------------------------------------------------------------------- languages


@pytest.mark.parametrize("env", [{"DFLOW_LANG": "zh"}, {"LANG": "zh_CN.UTF-8"}], ids=["DFLOW_LANG", "LANG"])
def test_chinese_messages_and_titles(dflow: Dflow, decision: int, env: dict[str, str]) -> None:
    fails(dflow("advance", decision, "--to", "legality_review", "--as", OFFICER, env=env), 3, SKIP_ZH)
    shown = dflow.ok("show", decision, env=env).stdout
    assert "阶段: 决策启动 · 状态: 办理中" in shown.splitlines()
    assert re.search(r"│ 决策启动 +│ 决策启动 +│ 待办 +│", shown)
    assert "拟定决策草案" in shown and "Initiation" not in shown


@pytest.mark.parametrize(
    "env",
    [{}, {"LANG": "C.UTF-8"}, {"LANG": "zh_CN.UTF-8", "DFLOW_LANG": "en"}],
    ids=["default", "C", "DFLOW_LANG-overrides-LANG"],
)
def test_english_otherwise(dflow: Dflow, decision: int, env: dict[str, str]) -> None:
    fails(dflow("advance", decision, "--to", "legality_review", "--as", OFFICER, env=env), 3, SKIP_EN)
    shown = dflow.ok("show", decision, env=env).stdout
    assert "Stage: Initiation · Status: active" in shown.splitlines()
    assert "决策启动" not in shown


# ---------------------------------------------------------------------------- a full walk


def test_full_walk_through_every_stage(dflow: Dflow, decision: int) -> None:
    """One decision from initiation to archived with the CLI only; the trail then verifies."""
    for index, (stage, steps) in enumerate(STAGES):
        assert dflow.json("show", decision)["stage"] == stage
        for step in steps:
            assert dflow.record_valid(decision, step).stdout == f"recorded on step {step}\n"
            assert dflow.ok("complete", decision, step, "--as", ACTOR[step]).stdout == (
                f"step {step} completed; the decision is at {stage}\n"
            )
        following = STAGES[index + 1][0] if index + 1 < len(STAGES) else "archived"
        assert dflow.ok("advance", decision, "--as", ACTOR[steps[0]]).stdout == (f"decision 1 moved to {following}\n")

    doc = dflow.json("show", decision)
    assert (doc["stage"], doc["status"]) == ("archiving", "archived")
    for step in doc["steps"]:
        assert (step["status"], step["missing"]) == ("completed", []), step
        for item in step["evidence"]:
            path = evidence_file(dflow.files, item["kind"])
            assert (item["name"], item["sha256"]) == (
                path.name,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    assert dflow.json("list", "--status", "archived") == [
        {"id": 1, "title": TITLE, "stage": "archiving", "status": "archived"}
    ]
    fails(
        dflow("record", decision, "archiving", "--set", "archive_ref=X", "--as", OFFICER),
        3,
        "decision 1 is archived; it can no longer change\n  · [Chs. 2–3] the decision is archived\n",
    )

    actions = [e["action"] for e in dflow.json("audit", decision)["events"]]
    assert actions.count("advanced") == len(STAGES)
    assert actions[-2:] == [
        "advanced",
        "refused",
    ]  # the refused record after archiving is evidence too
    verified = dflow.ok("audit", "verify")
    found = re.fullmatch(r"audit trail verified: (\d+) events, chain intact, (\d+) signatures valid\n", verified.stdout)
    assert found and found[1] == found[2]  # every act of the walk signed
    assert dflow.json("audit", "verify")["ok"] is True


# ---------------------------------------------------------------------------- known bugs


@pytest.mark.parametrize("how", ["option", "env"])
def test_malformed_database_url_is_invalid_input(dflow: Dflow, how: str) -> None:
    def run(*args: Any) -> Result:
        if how == "option":
            return dflow(*args, "--db", "://x")
        return dflow(*args, env={"DFLOW_DB": "://x"})

    fails(run("show", 1), 2, "'://x' is not a database URL\n")
    fails_json(
        run("list", "--json"),
        2,
        {"code": "invalid", "message": "'://x' is not a database URL", "reasons": []},
    )


@pytest.mark.parametrize("command", ["list", "show", "user list"])
def test_user_text_is_printed_literally(dflow: Dflow, command: str) -> None:
    dflow.ok("new", "市场[/]搬迁", "--workflow", "major-decision", "--as", OFFICER)
    dflow.ok("new", "[bold]二号[/bold]", "--workflow", "major-decision", "--as", OFFICER)
    dflow.ok("record", 1, "initiation", "--set", "undertaking_unit=单位[/]甲", "--as", OFFICER)
    dflow.ok("user", "add", "wu[b]", "--role", "officer", "--as", ADMIN)
    result = dflow(*command.split(), 1) if command == "show" else dflow(*command.split())
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    expected = {
        "list": ["市场[/]搬迁", "[bold]二号[/bold]"],
        "show": ["undertaking unit: 单位[/]甲"],
        "user list": ["wu[b]"],
    }[command]
    for text in expected:
        assert text in result.stdout
