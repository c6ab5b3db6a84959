"""Who may do what (issue 5, items 1–2): roles enforced everywhere, user changes audited, and the
separation of duties, each refusal citing its basis.

Every refusal must leave every table but ``audit_events`` unchanged and append exactly one
``refused`` event; an invalid or not-found request writes nothing at all. The expert with a
direct interest (Art. 20) is covered by ``tests/test_rules.py::test_r9_no_expert_with_a_direct_interest``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlmodel import col, select

from decision_flow.core.errors import Blocked, DflowError, Forbidden, InvalidInput, NotFound, WorkflowError
from decision_flow.engine import Engine, users
from decision_flow.engine.queries import show
from decision_flow.engine.verification import verify
from decision_flow.identity import keys
from decision_flow.identity.keys import fingerprint
from decision_flow.procedures import load_file
from decision_flow.store.models import AuditEvent, User
from tests.flow import (
    ACTOR,
    ADMIN,
    AUDITOR,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    VALID,
    bring_to,
    engine_stage,
    evidence_file,
    new_decision,
    record_valid,
)
from tests.test_cli import SHIPPED, Dflow, fails, fails_json

BOTH = "wu"  # officer and legal_reviewer: may draft, may review, never both on one decision
OTHER = "zheng"  # the same roles, with no part in the decision's drafting or consultation
BEFORE_REVIEW = ("initiation", "drafting", "public_participation", "expert_review", "risk_assessment")
STAGES_BEFORE_REVIEW = (
    ("initiation", ["initiation"]),
    ("drafting", ["drafting"]),
    ("consultation", ["public_participation", "expert_review", "risk_assessment"]),
)


# ---------------------------------------------------------------------------- helpers


def tables(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table except the audit trail."""
    with engine.db.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "audit_events"]
        return {n: sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{n}"')).all()) for n in names}


def events(engine: Engine) -> list[AuditEvent]:
    with engine.db.session() as s:
        return list(s.exec(select(AuditEvent).order_by(col(AuditEvent.at), col(AuditEvent.seq))).all())  # as written


def last_event(engine: Engine) -> tuple[AuditEvent, dict[str, Any]]:
    event = events(engine)[-1]
    return event, json.loads(event.data)


@contextmanager
def refused(engine: Engine, error: type[DflowError], rule: str, article: str, attempted: str) -> Iterator[None]:
    """The body raises `error` citing (rule, article); only one `refused` event is written."""
    before, count = tables(engine), len(events(engine))
    with pytest.raises(error) as info:
        yield
    assert [(r.rule, r.article) for r in info.value.reasons] == [(rule, article)]
    assert tables(engine) == before
    after = events(engine)
    assert len(after) == count + 1
    data = json.loads(after[-1].data)
    assert after[-1].action == "refused"
    assert data["attempted"] == attempted
    assert [(r["rule"], r["article"]) for r in data["reasons"]] == [(rule, article)]
    assert verify(engine).ok


@contextmanager
def nothing_written(engine: Engine, error: type[DflowError]) -> Iterator[None]:
    """The body raises `error` (invalid or not found) and writes nothing, not even a refusal."""
    before, count = tables(engine), len(events(engine))
    with pytest.raises(error):
        yield
    assert tables(engine) == before
    assert len(events(engine)) == count


def user(engine: Engine, name: str) -> User:
    with engine.db.session() as s:
        found = s.get(User, name)
    assert found is not None
    return found


def record_as(engine: Engine, decision: int, step: str, files: Path, actor: str) -> None:
    fields, kinds = VALID[step]
    engine.record(decision, step, list(fields), [f"{k}={evidence_file(files, k)}" for k in kinds], actor)


def at_review(engine: Engine, files: Path, by: dict[str, str]) -> int:
    """A new decision walked to legality_review, step `s` recorded by `by.get(s, ACTOR[s])`."""
    i = new_decision(engine)
    for stage, steps in STAGES_BEFORE_REVIEW:
        assert engine_stage(engine, i) == stage
        for step in steps:
            record_as(engine, i, step, files, by.get(step, ACTOR[step]))
        engine.advance(i, ACTOR[steps[0]])
    assert engine_stage(engine, i) == "legality_review"
    return i


@pytest.fixture
def dual(engine: Engine) -> Engine:
    """The engine with two users who hold both officer and legal_reviewer."""
    users.add(engine, BOTH, ["officer", "legal_reviewer"], ADMIN)
    users.add(engine, OTHER, ["officer", "legal_reviewer"], ADMIN)
    return engine


# ---------------------------------------------------------------------------- auditors change nothing

AUDITOR_ATTEMPTS: dict[str, tuple[str, Callable[[Engine, int, Path], Any]]] = {
    "new": ("new", lambda e, i, f: e.new("另一项决策", "major-decision", [], AUDITOR)),
    "record": ("record", lambda e, i, f: e.record(i, "initiation", ["proposed_by=李"], [], AUDITOR)),
    "complete": ("complete", lambda e, i, f: e.complete(i, "initiation", AUDITOR)),
    "waive": ("waive", lambda e, i, f: e.waive(i, "initiation", "不需要", AUDITOR)),
    "advance": ("advance", lambda e, i, f: e.advance(i, AUDITOR)),
    "return": ("return", lambda e, i, f: e.send_back(i, "initiation", "重做", AUDITOR)),
    "flag": ("flag", lambda e, i, f: e.set_flag(i, "technical", True, "专业性强", AUDITOR)),
    "user_add": ("user_add", lambda e, i, f: users.add(e, "zhou", ["officer"], AUDITOR)),
    "user_role": ("user_role", lambda e, i, f: users.set_roles(e, OFFICER, ["executive"], AUDITOR)),
    "user_deactivate": ("user_deactivate", lambda e, i, f: users.deactivate(e, OFFICER, AUDITOR)),
}


@pytest.mark.parametrize("attempt", list(AUDITOR_ATTEMPTS))
def test_an_auditor_changes_nothing(engine: Engine, files: Path, attempt: str) -> None:
    i = new_decision(engine)
    if attempt == "return":
        bring_to(engine, i, "drafting", files)
    else:
        record_valid(engine, i, "initiation", files)
    attempted, act = AUDITOR_ATTEMPTS[attempt]
    with refused(engine, Forbidden, "role", _article_of(attempt), attempted):
        act(engine, i, files)


def _article_of(attempt: str) -> str:
    if attempt.startswith("user"):
        return "Arts. 33, 38"  # user management: every act attributable
    return "Arts. 10–11" if attempt != "return" else "Arts. 12–13"  # the step whose role is missing


def test_an_auditor_reads_and_verifies(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    count = len(events(engine))
    assert show(engine, i)["stage"] == "initiation"
    assert verify(engine).ok
    assert len(events(engine)) == count  # reading writes nothing
    assert "auditor" in user(engine, AUDITOR).roles.split(",")


def test_a_workflow_file_may_not_let_an_auditor_perform_a_step(tmp_path: Path) -> None:
    assert load_file(SHIPPED).step("initiation").roles == ("officer",)
    source = SHIPPED.read_text(encoding="utf-8")
    assert source.count('roles = ["officer"]') > 1
    bad = tmp_path / "auditing.toml"
    bad.write_text(source.replace('roles = ["officer"]', 'roles = ["officer", "auditor"]', 1), encoding="utf-8")
    with pytest.raises(WorkflowError) as info:
        load_file(bad)
    assert str(info.value) == (
        f"{bad}: initiation.roles: an auditor reads and verifies but changes nothing (Arts. 38–39)"
    )


# ---------------------------------------------------------------------------- only admins manage users


@pytest.mark.parametrize(
    ("attempted", "act"),
    [
        ("user_add", lambda e: users.add(e, "zhou", ["officer"], OFFICER)),
        ("user_role", lambda e: users.set_roles(e, REVIEWER, ["officer"], EXECUTIVE)),
        ("user_deactivate", lambda e: users.deactivate(e, EXECUTIVE, REVIEWER)),
    ],
)
def test_only_an_admin_manages_users(engine: Engine, attempted: str, act: Callable[[Engine], Any]) -> None:
    with refused(engine, Forbidden, "role", "Arts. 33, 38", attempted):
        act(engine)


def test_adding_a_user_is_an_audited_event(engine: Engine) -> None:
    added = users.add(engine, "zhou", ["officer", "executive"], ADMIN)
    assert (added.name, added.roles, added.active) == ("zhou", "officer,executive", True)
    event, data = last_event(engine)
    assert (event.action, event.actor, event.decision_id) == ("user_added", ADMIN, None)
    assert data == {"name": "zhou", "roles": ["officer", "executive"], "public_key": added.public_key, "organ": "main"}
    assert added.public_key == engine.keys.signer("zhou").public  # the key file written for zhou


def test_a_role_change_is_an_audited_event_with_old_and_new_roles(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    with refused(engine, Forbidden, "role", "Arts. 10–11", "record"):
        record_as(engine, i, "initiation", files, REVIEWER)
    changed = users.set_roles(engine, REVIEWER, ["officer", "legal_reviewer"], ADMIN)
    assert changed.roles == "officer,legal_reviewer"
    assert user(engine, REVIEWER).roles == "officer,legal_reviewer"
    event, data = last_event(engine)
    assert (event.action, event.actor) == ("user_roles_changed", ADMIN)
    assert data == {"name": REVIEWER, "old": ["legal_reviewer"], "new": ["officer", "legal_reviewer"]}
    assert verify(engine).ok
    record_as(engine, i, "initiation", files, REVIEWER)  # the new role counts at once


def test_a_role_change_takes_effect_for_the_next_act(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    users.set_roles(engine, OFFICER, ["executive"], ADMIN)
    with refused(engine, Forbidden, "role", "Arts. 10–11", "record"):
        record_valid(engine, i, "initiation", files)


def test_a_role_change_of_an_unknown_user_is_not_found(engine: Engine) -> None:
    with nothing_written(engine, NotFound):
        users.set_roles(engine, "nobody", ["officer"], ADMIN)


@pytest.mark.parametrize("roles", [["officer"], ["boss"], []])
def test_a_role_change_must_change_to_known_roles(engine: Engine, roles: list[str]) -> None:
    with nothing_written(engine, InvalidInput):
        users.set_roles(engine, OFFICER, roles, ADMIN)


def test_deactivation_is_audited_and_the_user_can_act_no_more(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    gone = users.deactivate(engine, OFFICER, ADMIN)
    assert gone.active is False
    event, data = last_event(engine)
    assert (event.action, event.actor) == ("user_deactivated", ADMIN)
    assert data == {"name": OFFICER, "roles": ["officer"]}
    kept = user(engine, OFFICER)  # never deleted: their acts stay attributable
    assert (kept.roles, kept.active) == ("officer", False)
    assert [e.actor for e in events(engine) if e.action == "recorded"] == [OFFICER]
    with refused(engine, Forbidden, "user", "Arts. 33, 38", "advance"):
        engine.advance(i, OFFICER)
    with refused(engine, Forbidden, "user", "Arts. 33, 38", "new"):
        new_decision(engine)


def test_a_deactivated_admin_manages_no_users(engine: Engine) -> None:
    users.add(engine, "admin2", ["admin"], ADMIN)
    users.deactivate(engine, "admin2", ADMIN)
    with refused(engine, Forbidden, "user", "Arts. 33, 38", "user_add"):
        users.add(engine, "zhou", ["officer"], "admin2")


def test_deactivating_twice_or_an_unknown_user_writes_nothing(engine: Engine) -> None:
    users.deactivate(engine, OFFICER, ADMIN)
    with nothing_written(engine, InvalidInput):
        users.deactivate(engine, OFFICER, ADMIN)
    with nothing_written(engine, NotFound):
        users.deactivate(engine, "nobody", ADMIN)


def test_an_admin_may_not_deactivate_the_last_admin_or_themselves(engine: Engine) -> None:
    with refused(engine, Blocked, "last_admin", "Arts. 33, 38", "user_deactivate"):
        users.deactivate(engine, ADMIN, ADMIN)
    with refused(engine, Blocked, "last_admin", "Arts. 33, 38", "user_role"):
        users.set_roles(engine, ADMIN, ["auditor"], ADMIN)
    users.add(engine, "admin2", ["admin"], ADMIN)
    with refused(engine, Blocked, "not_self", "Arts. 33, 38", "user_deactivate"):
        users.deactivate(engine, ADMIN, ADMIN)
    with refused(engine, Blocked, "not_self", "Arts. 33, 38", "user_role"):
        users.set_roles(engine, ADMIN, ["admin", "officer"], ADMIN)  # no one grants themselves a role
    assert users.deactivate(engine, ADMIN, "admin2").active is False  # another admin may
    assert [u.name for u in users.list_users(engine) if u.active and "admin" in u.roles] == ["admin2"]


# ---------------------------------------------------------------------------- the auditor is independent


@pytest.mark.parametrize("deciding", ["officer", "legal_reviewer", "executive"])
def test_an_auditor_holds_no_role_that_changes_decisions(engine: Engine, deciding: str) -> None:
    with refused(engine, Blocked, "auditor_independent", "Arts. 38–39", "user_add"):
        users.add(engine, "zhou", ["auditor", deciding], ADMIN)
    with refused(engine, Blocked, "auditor_independent", "Arts. 38–39", "user_role"):
        users.set_roles(engine, AUDITOR, ["auditor", deciding], ADMIN)
    with refused(engine, Blocked, "auditor_independent", "Arts. 38–39", "user_role"):
        users.set_roles(engine, OFFICER, ["officer", "auditor"], ADMIN)


def test_an_auditor_may_also_be_an_admin(engine: Engine) -> None:
    assert users.add(engine, "zhou", ["auditor", "admin"], ADMIN).roles == "auditor,admin"
    assert users.set_roles(engine, AUDITOR, ["admin", "auditor"], ADMIN).roles == "auditor,admin"
    assert users.set_roles(engine, OFFICER, ["auditor"], ADMIN).roles == "auditor"


# ---------------------------------------------------------------------------- independent legality review


@pytest.mark.parametrize("step", BEFORE_REVIEW[1:])
def test_independent_review_whoever_drafted_or_consulted_may_not_record_it(
    dual: Engine, files: Path, step: str
) -> None:
    i = at_review(dual, files, {step: BOTH})
    with refused(dual, Blocked, "independent_review", "Arts. 25–28", "record"):
        record_as(dual, i, "legality_review", files, BOTH)
    _, data = last_event(dual)
    assert data["message"] == (
        f"{BOTH} recorded {step} of decision {i} and may not act on its legality review: "
        "the review must be independent of the undertaking unit"
    )


def test_independent_review_a_reviewer_without_a_part_may_record_it(dual: Engine, files: Path) -> None:
    i = at_review(dual, files, {"initiation": BOTH})  # initiation is not drafting or consultation
    record_as(dual, i, "legality_review", files, BOTH)
    j = at_review(dual, files, {"drafting": OTHER})  # drafting another decision does not count here
    record_as(dual, i, "legality_review", files, OTHER)
    with refused(dual, Blocked, "independent_review", "Arts. 25–28", "record"):
        record_as(dual, j, "legality_review", files, OTHER)


def test_independent_review_whoever_drafted_may_not_complete_it(dual: Engine, files: Path) -> None:
    i = at_review(dual, files, {"drafting": BOTH})
    record_valid(dual, i, "legality_review", files)
    with refused(dual, Blocked, "independent_review", "Arts. 25–28", "complete"):
        dual.complete(i, "legality_review", BOTH)
    assert dual.complete(i, "legality_review", OTHER) == "legality_review"


def test_independent_review_whoever_consulted_may_not_advance_it(dual: Engine, files: Path) -> None:
    i = at_review(dual, files, {"public_participation": BOTH})
    record_valid(dual, i, "legality_review", files)
    with refused(dual, Blocked, "independent_review", "Arts. 25–28", "advance"):
        dual.advance(i, BOTH)
    assert dual.advance(i, OTHER) == "collective_decision"


def test_independent_review_counts_superseded_records(dual: Engine, files: Path) -> None:
    i = at_review(dual, files, {"drafting": BOTH})
    dual.send_back(i, "drafting", "补充法律依据", REVIEWER)
    for stage, steps in STAGES_BEFORE_REVIEW[1:]:  # redone by the officer this time
        assert engine_stage(dual, i) == stage
        for step in steps:
            record_valid(dual, i, step, files)
        dual.advance(i, OFFICER)
    with refused(dual, Blocked, "independent_review", "Arts. 25–28", "record"):
        record_as(dual, i, "legality_review", files, BOTH)


# ---------------------------------------------------------------------------- the CLI


@pytest.fixture
def cli(tmp_path: Path) -> Dflow:
    return Dflow.initialised(tmp_path, (OFFICER, AUDITOR))


def officer_key(_cli: Dflow) -> str | None:
    return fingerprint(keys.load(OFFICER).public)


def test_cli_user_role(cli: Dflow) -> None:
    assert cli.ok("user", "role", OFFICER, "--role", "officer", "--role", "executive", "--as", ADMIN).stdout == (
        "user zhao now has roles officer,executive\n"
    )
    assert cli.json("user", "role", OFFICER, "--role", "executive", "--as", ADMIN) == {
        "name": OFFICER,
        "organ": "main",
        "roles": ["executive"],
        "active": True,
        "key": officer_key(cli),
    }
    assert cli.json("user", "list")[-1] == {
        "name": OFFICER,
        "organ": "main",
        "roles": ["executive"],
        "active": True,
        "key": officer_key(cli),
    }


def test_cli_user_role_errors(cli: Dflow) -> None:
    fails(
        cli("user", "role", AUDITOR, "--role", "auditor", "--role", "officer", "--as", ADMIN),
        3,
        "li_audit may not be an auditor and also officer: whoever checks the record may not write "
        "decisions into it [Arts. 38–39]\n",
    )
    fails(
        cli("user", "role", AUDITOR, "--role", "auditor", "--role", "officer", "--as", ADMIN, env={"DFLOW_LANG": "zh"}),
        3,
        "li_audit 不得既是审计人员又担任 承办人员：核查记录的人不得同时办理决策 [第38–39条]\n",
    )
    fails(cli("user", "role", OFFICER, "--role", "boss", "--as", ADMIN), 2, _bad_role("boss"))
    fails(cli("user", "role", "nobody", "--role", "officer", "--as", ADMIN), 4, "'nobody' is not a registered user\n")
    fails(
        cli("user", "role", AUDITOR, "--role", "officer", "--as", OFFICER),
        5,
        "only an admin may manage users [Arts. 33, 38]\n",
    )
    fails_json(
        cli("user", "role", ADMIN, "--role", "officer", "--as", ADMIN, "--json"),
        3,
        {
            "code": "blocked",
            "message": "admin is the last active admin; add another admin first",
            "reasons": [
                {
                    "rule": "last_admin",
                    "article": "Arts. 33, 38",
                    "detail": "admin is the last active admin; add another admin first",
                }
            ],
        },
    )
    assert cli.json("user", "list")[-1] == {
        "name": OFFICER,
        "organ": "main",
        "roles": ["officer"],
        "active": True,
        "key": officer_key(cli),
    }


def _bad_role(role: str) -> str:
    return f"unknown role {role!r} (roles: officer, legal_reviewer, executive, auditor, admin)\n"


def test_cli_user_deactivate(cli: Dflow) -> None:
    assert cli.ok("user", "deactivate", OFFICER, "--as", ADMIN).stdout == (
        "user zhao deactivated; their history stays attributable to them\n"
    )
    assert [u for u in cli.json("user", "list") if u["name"] == OFFICER] == [
        {"name": OFFICER, "organ": "main", "roles": ["officer"], "active": False, "key": officer_key(cli)}
    ]
    fails(
        cli("new", "另一项决策", "--workflow", "major-decision", "--as", OFFICER),
        5,
        "'zhao' is not a registered user [Arts. 33, 38]\n",
    )
    fails(cli("user", "deactivate", OFFICER, "--as", ADMIN), 2, "user zhao is already deactivated\n")


def test_cli_user_deactivate_errors(cli: Dflow) -> None:
    fails(cli("user", "deactivate", "nobody", "--as", ADMIN), 4, "'nobody' is not a registered user\n")
    fails(cli("user", "deactivate", OFFICER, "--as", AUDITOR), 5, "only an admin may manage users [Arts. 33, 38]\n")
    fails(
        cli("user", "deactivate", ADMIN, "--as", ADMIN),
        3,
        "admin is the last active admin; add another admin first [Arts. 33, 38]\n",
    )
    cli.ok("user", "add", "admin2", "--role", "admin", "--as", ADMIN)
    fails(
        cli("user", "deactivate", ADMIN, "--as", ADMIN),
        3,
        "admin may not change their own account; another admin must do it [Arts. 33, 38]\n",
    )
    assert cli.json("user", "deactivate", ADMIN, "--as", "admin2") == {
        "name": ADMIN,
        "organ": "main",
        "roles": ["admin"],
        "active": False,
        "key": fingerprint(keys.load(ADMIN).public),
    }
