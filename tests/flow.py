"""Test helpers: a valid walk of a decision through the procedure, stage by stage.

`VALID` holds, per step, field values and evidence kinds that pass every rule of the shipped
workflows for a decision with no flags; tests change one thing to prove one rule.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from decision_flow.engine import Engine

OFFICER, REVIEWER, EXECUTIVE, AUDITOR, ADMIN = "zhao", "qian", "sun", "li_audit", "admin"
ACTOR = {
    "initiation": OFFICER,
    "drafting": OFFICER,
    "public_participation": OFFICER,
    "expert_review": OFFICER,
    "risk_assessment": OFFICER,
    "legality_review": REVIEWER,
    "collective_decision": EXECUTIVE,
    "party_report": OFFICER,
    "publication": OFFICER,
    "archiving": OFFICER,
}

# Dates in 2024, inside the official calendar data; each stage after the previous one.
VALID: dict[str, tuple[list[str], list[str]]] = {
    "initiation": (
        ["proposer_kind=organ_leader", "undertaking_unit=沙河乡经济发展办公室", "start_approved_on=2024-03-01"],
        [],
    ),
    "drafting": (["legal_basis=《农产品市场管理办法》", "alternatives=2"], ["draft"]),
    "public_participation": (
        [
            "opened_on=2024-04-01",
            "closed_on=2024-05-01",
            "channels=乡政府网站,公示栏",
            "opinions_received=12",
            "opinions_adopted=5",
        ],
        ["notice", "opinion_handling"],
    ),
    "expert_review": (
        ["held_on=2024-05-10", "experts=王工,陈教授", "conflicts_declared=true"],
        ["expert_opinions", "expert_handling"],
    ),
    "risk_assessment": (
        ["completed_on=2024-05-20", "assessed_by=沙河乡综治中心", "risk_level=medium", "controllable=true"],
        ["risk_report"],
    ),
    "legality_review": (
        [
            "submitted_on=2024-06-03",
            "opinion_on=2024-06-14",
            "reviewer_unit=沙河乡司法所",
            "legal_adviser=李律师",
            "opinion=lawful",
        ],
        ["review_packet", "legality_opinion"],
    ),
    "collective_decision": (
        [
            "meeting_type=standing_meeting",
            "held_on=2024-06-20",
            "stances=张乡长:agree,王副乡长:agree,刘委员:abstain",
            "head_decision=approved",
        ],
        ["minutes"],
    ),
    "party_report": (["reported_on=2024-06-24", "party_committee=中共沙河乡委员会"], []),
    "publication": (["published_on=2024-07-01", "channels=乡政府网站"], ["publication_copy"]),
    "archiving": (["archived_on=2024-07-10", "archive_ref=SH-2024-JC-007"], []),
}
TOWNSHIP_MEETING = "meeting_type=township_office_meeting"


ROLES_OF = {OFFICER: "officer", REVIEWER: "legal_reviewer", EXECUTIVE: "executive", AUDITOR: "auditor"}


def register_users(engine: Engine, names: tuple[str, ...] = tuple(ROLES_OF)) -> None:
    """Initialise the database with the admin and register `names` (default: all four) with
    their usual role."""
    from decision_flow.engine import users

    users.init(engine, ADMIN)
    for name in names:
        users.add(engine, name, [ROLES_OF[name]], ADMIN)


def evidence_file(directory: Path, kind: str) -> Path:
    path = directory / f"{kind}.txt"
    if not path.exists():
        path.write_text(f"{kind}：沙河乡农贸市场搬迁 材料\n", encoding="utf-8")
    return path


def record_valid(
    engine: Engine, decision: int, step: str, tmp: Path, workflow: str = "major-decision", **overrides: str
) -> None:
    """Record the VALID data of `step`, with `overrides` (field -> raw value) applied."""
    fields, kinds = VALID[step]
    values = dict(item.split("=", 1) for item in fields)
    if step == "collective_decision" and workflow.endswith("township"):
        values["meeting_type"] = TOWNSHIP_MEETING.split("=", 1)[1]
    values.update(overrides)
    engine.record(
        decision,
        step,
        [f"{k}={v}" for k, v in values.items()],
        [f"{k}={evidence_file(tmp, k)}" for k in kinds],
        ACTOR[step],
    )


TOWNSHIP = "shahe"  # the township organ under the test database's county organ, made when first needed


def township(engine: Engine) -> str:
    """The township organ `shahe` under the first organ, its users those of the test database
    with their usual roles there (made on first use, so county-only tests keep their chain)."""
    from decision_flow.engine import organs
    from decision_flow.store.models import Organ, User

    with engine.db.session(write=False) as s:
        made = s.get(Organ, TOWNSHIP) is not None
        names = [u.name for u in s.exec(select(User)).all() if u.name in ROLES_OF]
    if not made:
        organs.add(engine, TOWNSHIP, "沙河乡人民政府", "township", organs.ROOT, ADMIN)
        for name in names:
            organs.grant(engine, name, TOWNSHIP, [ROLES_OF[name]], ADMIN)
    return TOWNSHIP


def organ_for(engine: Engine, workflow: str) -> str | None:
    """The organ a case of `workflow` is made in: the township organ for a township workflow,
    else the officer's own (None)."""
    from decision_flow.core.errors import DflowError
    from decision_flow.engine import definitions

    with engine.db.session(write=False) as s:
        try:
            level = definitions.newest(s, workflow).level
        except DflowError:
            return None  # an unknown workflow: the engine says so
    return township(engine) if level == "township" else None


def new_decision(
    engine: Engine, flags: list[str] | None = None, workflow: str = "major-decision", title: str = "沙河乡农贸市场搬迁"
) -> int:
    """A new decision, made by the officer in the organ of the workflow's level."""
    dec = engine.new(title, workflow, flags or [], OFFICER, organ_for(engine, workflow))
    assert dec.id is not None
    return dec.id


def bring_to(engine: Engine, decision: int, stage: str, tmp: Path, workflow: str = "major-decision") -> None:
    """Walk `decision` with VALID data until it stands at `stage` (every earlier step done)."""
    from decision_flow.procedures import get

    wf = get(workflow)
    for st in wf.stages:
        current = engine_stage(engine, decision)
        if current == stage:
            return
        assert current == st.name, (current, st.name)
        for step in st.steps:
            record_valid(engine, decision, step.name, tmp, workflow)
        engine.advance(decision, ACTOR[st.steps[0].name])
    raise AssertionError(f"never reached {stage}")


def engine_stage(engine: Engine, decision: int) -> str:
    from decision_flow.engine.queries import show

    return str(show(engine, decision)["stage"])
