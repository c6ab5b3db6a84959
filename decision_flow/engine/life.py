"""A decided case's life after archiving (Decree 713 Arts. 34-37): implementation reports and
tracking feedback, the head's suspension and its end, a post-decision evaluation begun on one
of the Decree's grounds and reported with its conclusion, and an adjustment or a stop, which is
a new case linked to the decision it changes (never an edit of the old record).

Each act is one audited change: a ``life_acts`` row (what `dflow show` reads) and its signed
event in the case's chain, in one transaction. What may happen depends on the decision's life
(:mod:`decision_flow.engine.lifecycle`).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text
from decision_flow.engine.change import Change
from decision_flow.engine.engine import Engine
from decision_flow.engine.lifecycle import life_of, open_evaluation
from decision_flow.procedures.model import Life
from decision_flow.store.row import insert
from decision_flow.store.rows import LifeAct
from decision_flow.store.tx import cursor_of

OFFICER, HEAD = ("officer",), ("executive",)  # the implementing unit's and the organ's head
EVIDENCE_KINDS = ("implementation_report", "problem_report", "evaluation_report", "opinions")
TEXT = 4000  # characters of a report, an opinion or a reason


def _text(value: str | None, name: str, required: bool = True) -> str | None:
    text = clean_text(value, name, TEXT) if value is not None else None
    if required and not text:
        raise InvalidInput(Msg("life.text_needed", {"option": name}))
    return text or None


def _keep(c: Change, kind: str, files: list[tuple[str, str]], **data: Any) -> dict[str, Any]:
    """Store `files` as evidence, write the act's row and its event; the data recorded."""
    stored = []
    for evidence_kind, path in files:
        sha, size = c.store.put(Path(path), c.s)
        name = clean_text(Path(path).name, "--attach", 255)
        stored.append({"kind": evidence_kind, "name": name, "sha256": sha, "size": size})
    recorded = {k: v for k, v in data.items() if v is not None}
    if stored:
        recorded["evidence"] = stored
    insert(
        cursor_of(c.s),
        LifeAct(
            decision_id=c.dec.id or 0,
            kind=kind,
            data=json.dumps(recorded, ensure_ascii=False, sort_keys=True),
            at=c.stamp(),
            actor=c.user.name,
        ),
    )
    c.event(kind, **recorded)
    return recorded


def _files(attach: list[str]) -> list[tuple[str, str]]:
    """`--attach KIND=PATH` items, of the life's evidence kinds, each file readable."""
    found = []
    for item in attach:
        kind, sep, path = item.partition("=")
        if not sep or kind not in EVIDENCE_KINDS or not path:
            raise InvalidInput(Msg("life.attach", {"item": item[:80], "kinds": ", ".join(EVIDENCE_KINDS)}))
        if not Path(path).is_file():
            raise InvalidInput(Msg("file.missing", {"path": path[:200]}))
        found.append((kind, path))
    return found


def report(
    engine: Engine, decision_id: int, text: str, problems: str | None, attach: list[str], actor: str | None
) -> dict[str, Any]:
    """The implementing unit reports how the decision is carried out and what problems it met
    (Arts. 34-35): only while the decision is in force, never while it is suspended."""
    body, trouble, files = _text(text, "--report"), _text(problems, "--problems", required=False), _files(attach)

    def op(c: Change) -> dict[str, Any]:
        life = life_of(c, ("in_force",), "implementation")
        c.require_role_for(OFFICER, "implementation", life.implementation)
        return _keep(c, "implementation_reported", files, report=body, problems=trouble)

    return engine.change("implement", actor, decision_id, {"report": (body or "")[:200]}, op)


def feedback(engine: Engine, decision_id: int, text: str, source: str | None, actor: str | None) -> dict[str, Any]:
    """Tracking feedback (跟踪反馈, Art. 35): what citizens, legal persons or organisations said of
    the decision's implementation, or what the organ's tracking found, recorded by an officer
    while the decision is in force or suspended."""
    body, origin = _text(text, "--text"), _text(source, "--source", required=False)

    def op(c: Change) -> dict[str, Any]:
        life = life_of(c, ("in_force", "suspended"), "feedback")
        c.require_role_for(OFFICER, "feedback", life.feedback)
        return _keep(c, "tracking_feedback", [], feedback=body, source=origin)

    return engine.change("feedback", actor, decision_id, {"text": (body or "")[:200]}, op)


def suspend(engine: Engine, decision_id: int, reason: str, actor: str | None) -> dict[str, Any]:
    """The head suspends implementation (中止执行) first, in an urgent situation of Art. 35
    (Art. 37), with the reason; resumed by :func:`resume`."""
    return _switch(engine, decision_id, reason, actor, ("in_force", "suspended"), ("suspend", "suspended"))


def resume(engine: Engine, decision_id: int, reason: str, actor: str | None) -> dict[str, Any]:
    """The head ends a suspension: the decision is in force again (Art. 37)."""
    return _switch(engine, decision_id, reason, actor, ("suspended", "in_force"), ("resume", "resumed"))


def _switch(
    engine: Engine,
    decision_id: int,
    reason: str,
    actor: str | None,
    states: tuple[str, str],
    names: tuple[str, str],
) -> dict[str, Any]:
    """The head moves the decision's life from `states[0]` to `states[1]`, with the reason: the
    attempt `names[0]`, the event `names[1]`."""
    why = _text(reason, "--reason")

    def op(c: Change) -> dict[str, Any]:
        life = life_of(c, (states[0],), "suspension")
        c.require_role_for(HEAD, "suspension", life.suspension)
        c.save(life=states[1])
        return _keep(c, names[1], [], reason=why)

    return engine.change(names[0], actor, decision_id, {"reason": (why or "")[:200]}, op)


def _same(name: str) -> str:
    """A unit's or a person's name compared as a reader would: width and case folded, spaces gone."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def _assessors(c: Change, life: Life) -> tuple[set[str], set[str]]:
    """Who did the pre-decision assessments of the case (Art. 36): the units and persons its
    records name (the undertaking unit, which organises public participation; the experts; the
    risk assessment's unit), and the users who recorded those steps."""
    records = c.records()
    named: set[str] = set()
    for step, field in life.assessors:
        rec = records.get(step)
        value = json.loads(rec.fields).get(field) if rec is not None else None
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                named.add(_same(item))
    users = {
        str(row[0])
        for row in cursor_of(c.s).all(
            "SELECT DISTINCT actor FROM audit_events WHERE decision_id = ? AND action = 'recorded'"
            f" AND step IN ({', '.join('?' for _ in life.assessments)})",
            c.dec.id,
            *life.assessments,
        )
    }
    return named, users


def _require_independent(c: Change, life: Life, evaluator: str | None) -> None:
    """Neither the evaluating unit nor the acting user did the case's pre-decision assessments."""
    named, users = _assessors(c, life)
    if evaluator is not None and _same(evaluator) in named:
        msg = Msg("life.evaluator_assessed", {"evaluator": evaluator, "id": c.dec.id})
        raise Blocked(msg, [Reason("independent_evaluation", life.evaluation, msg)])
    if c.user.name in users:
        msg = Msg("life.evaluator_recorded", {"user": c.user.name, "id": c.dec.id})
        raise Blocked(msg, [Reason("independent_evaluation", life.evaluation, msg)])


def evaluate(
    engine: Engine, decision_id: int, ground: str, evaluator: str, due_on: str | None, actor: str | None
) -> dict[str, Any]:
    """Begin a post-decision evaluation (决策后评估, Art. 36) on one of its grounds, by a unit that
    did none of the pre-decision assessments of this decision, due on `due_on` if given."""
    unit = _text(evaluator, "--evaluator")
    due = _date(due_on, "--due") if due_on is not None else None

    def op(c: Change) -> dict[str, Any]:
        life = life_of(c, ("in_force", "suspended"), "evaluation")
        if ground not in life.grounds:
            raise InvalidInput(Msg("life.ground", {"ground": ground[:40], "grounds": ", ".join(life.grounds)}))
        c.require_role_for(OFFICER, "evaluation", life.evaluation)
        if open_evaluation(c.s, c.dec.id or 0) is not None:
            msg = Msg("life.evaluation_open", {"id": c.dec.id})
            raise Blocked(msg, [Reason("one_evaluation", life.evaluation, msg)])
        _require_independent(c, life, unit)
        return _keep(c, "evaluation_started", [], ground=ground, evaluator=unit, due_on=due)

    args = {"ground": ground[:40], "evaluator": (unit or "")[:200]}
    return engine.change("evaluate", actor, decision_id, args, op)


def evaluation_report(
    engine: Engine,
    decision_id: int,
    conclusion: str,
    public_opinions: str,
    expert_opinions: str | None,
    attach: list[str],
    actor: str | None,
) -> dict[str, Any]:
    """Report the evaluation begun: its conclusion (continue, adjust or stop), the public's
    opinions heard and any experts', and the evaluation report as evidence (Art. 36)."""
    public, experts, files = (
        _text(public_opinions, "--public-opinions"),
        _text(expert_opinions, "--expert-opinions", required=False),
        _files(attach),
    )

    def op(c: Change) -> dict[str, Any]:
        life = life_of(c, ("in_force", "suspended"), "evaluation")
        if conclusion not in life.conclusions:
            raise InvalidInput(
                Msg("life.conclusion", {"conclusion": conclusion[:40], "conclusions": ", ".join(life.conclusions)})
            )
        c.require_role_for(OFFICER, "evaluation", life.evaluation)
        begun = open_evaluation(c.s, c.dec.id or 0)
        if begun is None:
            msg = Msg("life.evaluation_none", {"id": c.dec.id})
            raise Blocked(msg, [Reason("evaluation_begun", life.evaluation, msg)])
        _require_independent(c, life, None)
        if not any(kind == "evaluation_report" for kind, _ in files):
            msg = Msg("life.evaluation_report_needed", {"id": c.dec.id})
            raise Blocked(msg, [Reason("evaluation_report", life.evaluation, msg)])
        evaluator = json.loads(begun.data).get("evaluator")
        return _keep(
            c,
            "evaluation_reported",
            files,
            conclusion=conclusion,
            evaluator=evaluator,
            public_opinions=public,
            expert_opinions=experts,
        )

    return engine.change("evaluate", actor, decision_id, {"conclusion": conclusion[:40]}, op)


def _date(value: str, option: str) -> str:
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidInput(Msg("life.date", {"option": option, "value": value[:40]})) from None


__all__ = ["evaluate", "evaluation_report", "feedback", "report", "resume", "suspend"]
