"""Workflow versions pinned per case: a case runs the definition it was created under to its
end; `dflow workflow install` keeps a locality's file in the database; `dflow migrate` moves a
running case only when nothing it has done would change (SpiffWorkflow's rule), as an audited
event; the earlier shipped versions keep running the cases made under them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from decision_flow.core.errors import Blocked, Forbidden, IntegrityError, InvalidInput, NotFound, WorkflowError
from decision_flow.engine import Engine, definitions, queries, verification, versions
from decision_flow.engine.change import load_case
from decision_flow.procedures import get, history
from tests.flow import ADMIN, OFFICER, REVIEWER, bring_to, new_decision, record_valid

COUNTY = "major-decision"
SHIPPED = Path(get(COUNTY).source)

# A province's stricter county procedure, over the shipped one: ten working days of review.
STRICTER = """\
schema = 1
procedure = "major-decision"
extends = "major-decision"
name = "major-decision"
version = 3
level = "county"
basis = "State Council Decree No. 713; a province's stricter review period"
title = { zh = "重大行政决策程序（省定审查期限）", en = "Major administrative decision (provincial review period)" }

[steps.legality_review]
rules = [
  { kind = "min_working_days", from = "submitted_on", to = "opinion_on", days = DAYS, article = "Art. 26" },
  { kind = "blocks_leaving", field = "opinion", value = "unlawful", return_to = "drafting", article = "Art. 25" },
]
"""


def stricter(tmp_path: Path, days: int = 10, version: int = 3, name: str = "stricter.toml") -> Path:
    path = tmp_path / name
    path.write_text(STRICTER.replace("DAYS", str(days)).replace("version = 3", f"version = {version}"), "utf-8")
    return path


def trail_actions(engine: Engine) -> list[tuple[str, str]]:
    with engine.db.engine.connect() as conn:
        from sqlalchemy import text

        return [
            (str(a), str(b)) for a, b in conn.execute(text("SELECT actor, action FROM audit_events ORDER BY at, seq"))
        ]


def kept(engine: Engine) -> list[tuple[str, int, str]]:
    with engine.db.engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(text("SELECT name, version, origin FROM workflow_definitions ORDER BY name, version"))
        return [(str(n), int(v), str(o)) for n, v, o in rows]


def version_of_case(engine: Engine, i: int) -> int:
    return int(queries.show(engine, i)["workflow_version"])


# ---------------------------------------------------------------------------- pinned per case


def test_a_case_keeps_its_version_after_a_new_one_is_installed(engine: Engine, tmp_path: Path) -> None:
    """Created under v2, a case still runs v2 (seven working days of review) after v3 (ten)
    is installed; a case created afterwards runs v3."""
    old = new_decision(engine)
    done = versions.install(engine, stricter(tmp_path), ADMIN)
    assert done.new and done.workflow.version == 3
    new = new_decision(engine)
    assert (version_of_case(engine, old), version_of_case(engine, new)) == (2, 3)
    for i in (old, new):
        bring_to(engine, i, "legality_review", tmp_path)
        record_valid(engine, i, "legality_review", tmp_path)  # 2024-06-03 -> 06-14: eight working days
    engine.advance(old, REVIEWER)
    assert queries.show(engine, old)["stage"] == "collective_decision"
    with pytest.raises(Blocked) as refused:
        engine.advance(new, REVIEWER)
    reasons = [r.as_dict("en") for r in refused.value.reasons]
    assert {"rule": "min_working_days", "article": "Art. 26"}.items() <= reasons[0].items()
    assert "8 working days" in reasons[0]["detail"] and "10" in reasons[0]["detail"]
    record_valid(engine, new, "legality_review", tmp_path, opinion_on="2024-06-18")  # ten working days
    engine.advance(new, REVIEWER)
    assert queries.show(engine, new)["stage"] == "collective_decision"


def test_the_definition_a_case_runs_is_kept_in_the_database(engine: Engine, tmp_path: Path) -> None:
    """The first case of a shipped definition keeps it (and the one it extends) in the database,
    in the same transaction; an installed one is found there by a process that never saw it."""
    assert kept(engine) == []
    new_decision(engine, workflow="major-decision-township")
    assert kept(engine) == [("major-decision", 2, "shipped"), ("major-decision-township", 2, "shipped")]
    versions.install(engine, stricter(tmp_path), ADMIN)
    i = new_decision(engine)
    assert ("major-decision", 3, "installed") in kept(engine)
    definitions._by_sha.clear()  # as a fresh process: nothing resolved yet
    assert queries.show(engine, i)["workflow_version"] == 3
    with engine.db.session(write=False) as s:
        wf = definitions.of_case(s, load_case(s, i))
    assert wf.step("legality_review").rules[0].params["days"] == 10


def test_the_cases_made_under_an_earlier_shipped_version_run_it(engine: Engine, tmp_path: Path) -> None:
    """A database from before version 2 holds cases created under the shipped version 1 (the
    file without `procedure`): they run version 1 from workflows/history, and can move to 2."""
    i = new_decision(engine)
    sha = definitions.viewed(COUNTY, 1).sha256
    assert sha == _sha_of(history()[(COUNTY, 1)])
    with sqlite3.connect(engine.db.path) as con:  # type: ignore[arg-type]
        con.execute("UPDATE decisions SET workflow_version = 1, workflow_sha256 = ? WHERE id = ?", (sha, i))
    assert version_of_case(engine, i) == 1
    record_valid(engine, i, "initiation", tmp_path)
    engine.advance(i, OFFICER)
    moved = versions.migrate(engine, i, 2, ADMIN)  # the texts differ; no step does
    assert moved == {"id": i, "workflow": COUNTY, "from_version": 1, "to_version": 2}
    assert version_of_case(engine, i) == 2


def _sha_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_earlier_shipped_version_is_older_than_the_shipped_one() -> None:
    """A shipped file that changes takes a new version; the old text stays in history, so the
    same (name, version) never names two texts."""
    for (name, version), path in history().items():
        assert get(name).version > version, path
        assert _sha_of(path) != _sha_of(Path(get(name).source))


# ---------------------------------------------------------------------------- install


def test_installing_the_same_file_again_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    versions.install(engine, stricter(tmp_path), ADMIN)
    before = trail_actions(engine)
    again = versions.install(engine, stricter(tmp_path, name="copy.toml"), ADMIN)
    assert not again.new and trail_actions(engine) == before


def test_installing_a_changed_file_under_the_same_version_is_refused(engine: Engine, tmp_path: Path) -> None:
    versions.install(engine, stricter(tmp_path), ADMIN)
    before, rows = trail_actions(engine), kept(engine)
    with pytest.raises(InvalidInput) as info:
        versions.install(engine, stricter(tmp_path, days=12, name="changed.toml"), ADMIN)
    assert info.value.message("en") == (
        "workflow major-decision version 3 already exists with other content; give the changed file a new version"
    )
    assert (trail_actions(engine), kept(engine)) == (before, rows)


def test_a_shipped_version_cannot_be_replaced_by_an_installed_file(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        versions.install(engine, stricter(tmp_path, version=2), ADMIN)
    assert "major-decision version 2 already exists with other content" in info.value.message("en")
    assert kept(engine) == []


def test_an_older_version_than_the_newest_is_refused(engine: Engine, tmp_path: Path) -> None:
    versions.install(engine, stricter(tmp_path, version=5), ADMIN)
    with pytest.raises(InvalidInput) as info:
        versions.install(engine, stricter(tmp_path, version=4, name="four.toml"), ADMIN)
    assert info.value.message("en") == (
        "workflow major-decision version 4 is older than the newest, version 5; versions only go up"
    )


def test_a_file_that_breaks_an_invariant_is_not_installed(engine: Engine, tmp_path: Path) -> None:
    path = stricter(tmp_path, days=5)
    before = trail_actions(engine)
    with pytest.raises(WorkflowError) as info:
        versions.install(engine, path, ADMIN)
    assert str(info.value) == (
        f"{path}: legality_review.rules: legality review needs min_working_days of at least 7 (Art. 26)"
    )
    assert trail_actions(engine) == before and kept(engine) == []


def test_install_is_an_admins_act_and_a_refusal_is_recorded(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(Forbidden):
        versions.install(engine, stricter(tmp_path), OFFICER)
    assert trail_actions(engine)[-1] == (OFFICER, "refused") and kept(engine) == []


def test_the_install_is_in_the_trail_with_the_whole_text(engine: Engine, tmp_path: Path) -> None:
    path = stricter(tmp_path)
    done = versions.install(engine, path, ADMIN)
    with engine.db.engine.connect() as conn:
        from sqlalchemy import text

        actor, data = conn.execute(
            text("SELECT actor, data FROM audit_events WHERE action = 'workflow_installed'")
        ).one()
    recorded = json.loads(data)
    assert actor == ADMIN
    assert recorded["text"] == path.read_text("utf-8") and recorded["sha256"] == done.workflow.sha256
    assert (recorded["name"], recorded["version"], recorded["extends"]) == (COUNTY, 3, COUNTY)
    assert verification.verify(engine).ok


def test_an_edited_stored_definition_is_found(engine: Engine, tmp_path: Path) -> None:
    """Someone with the database edits an installed text: the case that runs it refuses to run
    (exit 7), and `audit verify` names the definition."""
    versions.install(engine, stricter(tmp_path), ADMIN)
    i = new_decision(engine)
    with sqlite3.connect(engine.db.path) as con:  # type: ignore[arg-type]
        con.execute("UPDATE workflow_definitions SET text = replace(text, 'days = 10', 'days = 1') WHERE version = 3")
    definitions._by_sha.clear()
    with pytest.raises(IntegrityError) as info:
        queries.show(engine, i)
    assert "major-decision version 3 no longer matches its SHA-256" in info.value.message("en")
    verdict = verification.verify(engine, full=True)
    assert not verdict.ok and verdict.reason is not None
    assert str(verdict.reason).startswith("workflow definition altered: major-decision version 3")
    assert verdict.first_bad_seq is not None


def test_a_different_text_kept_under_the_shipped_version_refuses_new_cases(engine: Engine) -> None:
    """Another release kept another text as major-decision version 2 (a shipped file changed
    without a new version): no case is created under either until the version is settled."""
    with sqlite3.connect(engine.db.path) as con:  # type: ignore[arg-type]
        con.execute(
            "INSERT INTO workflow_definitions VALUES (?, 'major-decision', 2, 'major-decision', 'x', NULL,"
            " 'shipped', '2024-12-31T00:00:00Z', 'admin')",
            ("0" * 64,),
        )
    with pytest.raises(WorkflowError) as info:
        new_decision(engine)
    assert info.value.message("en").startswith("workflow major-decision version 2 is already kept in this database")


# ---------------------------------------------------------------------------- migrate


def test_a_safe_migration_moves_the_case_and_is_recorded(engine: Engine, tmp_path: Path) -> None:
    """A case in consultation has not started the legality review that v3 changes: it moves,
    and from then on the ten-day review applies to it."""
    i = new_decision(engine)
    bring_to(engine, i, "consultation", tmp_path)
    versions.install(engine, stricter(tmp_path), ADMIN)
    assert versions.migrate(engine, i, 3, ADMIN)["to_version"] == 3
    for step in ("public_participation", "expert_review", "risk_assessment"):
        record_valid(engine, i, step, tmp_path)
    engine.advance(i, OFFICER)
    with engine.db.engine.connect() as conn:
        from sqlalchemy import text

        actor, data = conn.execute(text("SELECT actor, data FROM audit_events WHERE action = 'migrated'")).one()
    moved = json.loads(data)
    assert actor == ADMIN and (moved["from_version"], moved["to_version"]) == (2, 3)
    assert moved["from_sha256"] == get(COUNTY).sha256 and moved["to_sha256"] != moved["from_sha256"]
    record_valid(engine, i, "legality_review", tmp_path)
    with pytest.raises(Blocked):
        engine.advance(i, REVIEWER)  # eight working days no longer do
    assert verification.verify(engine).ok


@pytest.mark.parametrize("stage", ["legality_review", "collective_decision"])
def test_a_migration_that_changes_a_started_or_completed_step_is_refused(
    engine: Engine, tmp_path: Path, stage: str
) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "legality_review", tmp_path)
    record_valid(engine, i, "legality_review", tmp_path)  # started
    if stage == "collective_decision":
        engine.advance(i, REVIEWER)  # completed
    versions.install(engine, stricter(tmp_path), ADMIN)
    before = queries.show(engine, i)
    with pytest.raises(Blocked) as info:
        versions.migrate(engine, i, 3, ADMIN)
    assert info.value.message("en") == (
        f"decision {i} cannot move from major-decision version 2 to version 3: what it has done would change"
    )
    assert [r.as_dict("en") for r in info.value.reasons] == [
        {
            "rule": "migration",
            "article": "Chs. 2–3",
            "detail": "step legality_review, started or completed, is changed by the new version",
        }
    ]
    assert queries.show(engine, i) == before
    assert trail_actions(engine)[-1] == (ADMIN, "refused")


def test_a_migration_that_adds_a_step_behind_the_case_is_refused(engine: Engine, tmp_path: Path) -> None:
    """A new version with a step in a stage the case has passed would leave that step never done."""
    text = SHIPPED.read_text("utf-8").replace("version = 2", "version = 3", 1)
    anchor = "\n# ---------------------------------------------------------------- 2. drafting"
    extra = (
        '\n[[stages.steps]]\nname = "catalogue_check"\ntitle = { zh = "目录核对", en = "Catalogue check" }\n'
        'roles = ["officer"]\nwaiver = { policy = "never", article = "Art. 3" }\n'
    )
    assert text.count(anchor) == 1
    path = tmp_path / "added.toml"
    path.write_text(text.replace(anchor, extra + anchor), "utf-8")
    i, j = new_decision(engine), new_decision(engine)
    bring_to(engine, i, "consultation", tmp_path)
    versions.install(engine, path, ADMIN)
    with pytest.raises(Blocked) as info:
        versions.migrate(engine, i, 3, ADMIN)
    assert [r.detail("en") for r in info.value.reasons] == [
        "step catalogue_check of stage initiation, which the decision has passed, is new or changed in the new version"
    ]
    versions.migrate(engine, j, 3, ADMIN)  # still at initiation, it has passed nothing: it may move
    assert version_of_case(engine, j) == 3


def test_a_migration_to_an_unknown_version_is_not_found(engine: Engine) -> None:
    i = new_decision(engine)
    with pytest.raises(NotFound) as info:
        versions.migrate(engine, i, 9, ADMIN)
    assert info.value.message("en") == "workflow major-decision has no version 9"


def test_a_migration_is_an_admins_act(engine: Engine, tmp_path: Path) -> None:
    i = new_decision(engine)
    versions.install(engine, stricter(tmp_path), ADMIN)
    with pytest.raises(Forbidden):
        versions.migrate(engine, i, 3, OFFICER)
    assert version_of_case(engine, i) == 2 and trail_actions(engine)[-1] == (OFFICER, "refused")


def test_a_closed_case_does_not_move(engine: Engine, tmp_path: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "collective_decision", tmp_path)
    record_valid(engine, i, "collective_decision", tmp_path, head_decision="rejected", head_reasons="与上级规划冲突")
    engine.complete(i, "collective_decision", "sun")
    versions.install(engine, stricter(tmp_path), ADMIN)
    with pytest.raises(Blocked) as info:
        versions.migrate(engine, i, 3, ADMIN)
    assert info.value.message("en") == f"decision {i} is rejected; it can no longer change"


# ---------------------------------------------------------------------------- the terminal

runner = CliRunner()
ENV = {"DFLOW_LANG": None, "LC_ALL": None, "LANG": "en_US.UTF-8", "DFLOW_USER": None, "COLUMNS": "200"}


def dflow(db: Path, *args: Any, lang: str = "en") -> Any:
    env = {**ENV, "DFLOW_DB": str(db), "DFLOW_LANG": lang}
    return runner.invoke(cli.app, [str(a) for a in args], env=env)


def test_install_and_migrate_from_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "dflow.db"
    assert dflow(db, "init", "--admin", ADMIN).exit_code == 0
    assert dflow(db, "user", "add", OFFICER, "--role", "officer", "--as", ADMIN).exit_code == 0
    assert dflow(db, "new", "沙河乡农贸市场搬迁", "--workflow", COUNTY, "--as", OFFICER).exit_code == 0
    path = stricter(tmp_path)

    refused = dflow(db, "workflow", "install", path, "--as", OFFICER)
    assert (refused.exit_code, refused.stdout) == (5, "")
    installed = dflow(db, "workflow", "install", path, "--as", ADMIN)
    assert installed.exit_code == 0, installed.output
    info = json.loads(dflow(db, "workflow", "install", path, "--as", ADMIN, "--json").stdout)
    assert info == {"name": COUNTY, "version": 3, "sha256": info["sha256"], "installed": False}
    assert installed.stdout == (
        f"installed workflow major-decision version 3 (SHA-256 {info['sha256']}); new cases use it\n"
    )
    again = dflow(db, "workflow", "install", path, "--as", ADMIN, lang="zh")
    assert again.stdout == "流程 major-decision 第 3 版已安装，内容相同，未作改动\n"
    listed = json.loads(dflow(db, "workflow", "list", "--json").stdout)
    assert [(w["name"], w["version"]) for w in listed if w["name"].startswith("major")] == [
        (COUNTY, 3),
        ("major-decision-township", 2),
    ]
    shown = json.loads(dflow(db, "workflow", "show", COUNTY, "--version", "2", "--json").stdout)
    assert shown["version"] == 2

    moved = dflow(db, "migrate", 1, "--to-version", 3, "--as", ADMIN)
    assert (moved.exit_code, moved.stdout) == (0, "decision 1 now runs major-decision version 3 (was version 2)\n")
    back = dflow(db, "migrate", 1, "--to-version", 3, "--as", ADMIN, "--json")
    assert back.exit_code == 2
    assert json.loads(back.stdout)["error"]["message"] == "decision 1 already runs version 3"
    missing = dflow(db, "migrate", 1, "--to-version", 7, "--as", ADMIN)
    assert (missing.exit_code, missing.stderr) == (4, "workflow major-decision has no version 7\n")
    assert dflow(db, "audit", "verify").exit_code == 0
