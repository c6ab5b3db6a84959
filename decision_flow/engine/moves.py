"""Moving a decision (程序推进): completing steps, the meeting's outcome, advancing, returning,
and changing a flag. Each function runs inside :meth:`Engine._change`'s transaction and either
writes the change with its audit event or raises a refusal that cites its article.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.definition.workflow import Stage, Step, Workflow
from decision_flow.definition.workflow import get as get_workflow
from decision_flow.engine.machine import Case, attached
from decision_flow.engine.procedure import (
    ORDER_ARTICLE,
    completion_reasons,
    load_context,
    records_of,
    require_independent,
    waiver_reasons,
)
from decision_flow.procedures.major_decision.invariants import LEGAL_GATES
from decision_flow.store.models import Decision, Evidence, StepRecord, User

if TYPE_CHECKING:
    from decision_flow.engine import Engine

FLAGS_ARTICLE = "Arts. 26–27"  # flags decide the consultation owed before legality review


def complete_step(
    engine: Engine, s: Session, user: User, dec: Decision, wf: Workflow, step: Step, reasons_only: bool = False
) -> list[Reason]:
    """Close `step` if its rules hold; return the blocking reasons otherwise (or when only asked)."""
    ctx = load_context(s, dec, wf, engine.today(), engine.calendar, engine.store.intact)
    found = completion_reasons(ctx, step)
    blocking = [r for r in found if r.blocking]
    if blocking or reasons_only:
        return blocking
    rec = engine._record(s, dec, step)
    engine._write_record(
        s,
        rec,
        status="completed",
        closed_at=engine.stamp(),
        closed_by=user.name,
        marks=json.dumps(sorted({r.rule for r in found})),
    )
    marks = [{"rule": r.rule, "article": r.article, "detail": r.detail("en")} for r in found]
    outcome = ctx.state(step.name).fields.get(step.outcome.field) if step.outcome else None
    engine._event(s, user, "completed", dec, step.name, marks=marks, **({"outcome": outcome} if outcome else {}))
    return []


def complete(engine: Engine, s: Session, user: User, dec: Decision, step_name: str) -> str:
    """Close one step of the current stage; a meeting's outcome then routes the decision."""
    wf = get_workflow(dec.workflow)
    step = engine._open_step(s, dec, wf, step_name, user)
    require_independent(s, dec, wf, step.stage, user)
    rec = engine._pending_record(s, dec, step)
    reasons = complete_step(engine, s, user, dec, wf, step)
    if reasons:
        raise Blocked(Msg("complete.refused", {"step": step.name}), reasons)
    return route_outcome(engine, s, user, dec, wf, step, rec)


def route_outcome(
    engine: Engine, s: Session, user: User, dec: Decision, wf: Workflow, step: Step, rec: StepRecord
) -> str:
    """Art. 30 outcomes: approved stays to be advanced, rejected ends the case, amend returns it
    to drafting, deferred or rediscuss keeps it here for a later meeting."""
    value = str(json.loads(rec.fields).get(step.outcome.field)) if step.outcome else ""
    route = step.outcome.routes.get(value, "stay") if step.outcome else "advance"
    if route == "advance" or step.outcome is None:
        engine._save(s, dec)
        return dec.stage
    with attached(wf, dec.stage) as case:
        if route == "reject":
            case.trigger("reject")
            engine._save(s, dec, status="rejected")
            engine._event(s, user, "rejected", dec, step.name, outcome=value)
        elif route.startswith("return:"):
            return_to(engine, s, user, dec, wf, case, route[7:], reason=f"{step.outcome.field}={value}")
        else:  # stay: this meeting stays in the history; a later one is recorded anew
            engine._write_record(s, rec, active=False)
            engine._save(s, dec)
            engine._event(s, user, "stays", dec, step.name, outcome=value)
        return str(case.state)


def _skip_refusal(wf: Workflow, stage: Stage, to: str) -> Blocked:
    """R1, and R12/R16 when the jump would pass over legality review or the meeting."""
    index = wf.stage_index(stage.name)
    following = wf.stages[index + 1].name if index + 1 < len(wf.stages) else "archived"
    end = len(wf.stages) if to == "archived" else wf.stage_index(wf.stage(to).name)
    msg = Msg("advance.skip", {"to": to, "current": stage.name, "next": following})
    gates = [
        Reason("never_skipped", st.waiver.article, Msg("stage.never_skipped", {"step": st.name}))
        for skipped in wf.stages[index + 1 : end]
        for st in skipped.steps
        if st.name in LEGAL_GATES
    ]
    return Blocked(msg, [Reason("stage_order", ORDER_ARTICLE, msg), *gates])


def _open_step_reasons(
    engine: Engine, s: Session, user: User, dec: Decision, wf: Workflow, stage: Stage, records: dict[str, StepRecord]
) -> list[Reason]:
    """Why the pending steps of `stage` cannot all be completed now."""
    reasons: list[Reason] = []
    for step in stage.steps:
        rec = records.get(step.name)
        if rec is not None and rec.status != "pending":
            continue
        has_data = rec is not None and (
            rec.fields != "{}" or s.exec(select(Evidence.id).where(Evidence.record_id == rec.id)).first() is not None
        )
        if not set(user.roles.split(",")) & set(step.roles):
            reasons.append(Reason("role", step.article, Msg("role.detail", {"roles": ", ".join(step.roles)})))
        elif rec is None or not has_data:
            reasons.append(Reason("stage_incomplete", stage.leave_article, Msg("stage.step_open", {"step": step.name})))
        else:
            found = complete_step(engine, s, user, dec, wf, step, reasons_only=True)
            reasons += found
            outcome = str(json.loads(rec.fields).get(step.outcome.field)) if step.outcome else ""
            if step.outcome and not found and step.outcome.routes.get(outcome) != "advance":
                reasons.append(
                    Reason(
                        "outcome", step.outcome.article, Msg("advance.outcome", {"step": step.name, "outcome": outcome})
                    )
                )
    return reasons


def advance(engine: Engine, s: Session, user: User, dec: Decision, to: str | None) -> str:
    """Complete what remains of the current stage and move to the next (R1, R2 and the rules)."""
    wf = get_workflow(dec.workflow)
    engine._require_active(dec)
    stage = wf.stage(dec.stage)
    index = wf.stage_index(stage.name)
    following = wf.stages[index + 1].name if index + 1 < len(wf.stages) else "archived"
    if to is not None and to != following:
        raise _skip_refusal(wf, stage, to)
    engine._require_role(user, tuple({r for st in stage.steps for r in st.roles}), stage.steps[0])
    require_independent(s, dec, wf, stage.name, user)
    records = records_of(s, dec)
    reasons = _open_step_reasons(engine, s, user, dec, wf, stage, records)
    if reasons:
        raise Blocked(Msg("advance.refused", {"stage": stage.name}), reasons)
    for step in stage.steps:
        rec = records.get(step.name)
        if rec is not None and rec.status == "pending":
            complete_step(engine, s, user, dec, wf, step)
    context = load_context(s, dec, wf, engine.today(), engine.calendar, engine.store.intact)
    with attached(wf, stage.name, context) as case:
        if not case.trigger("advance"):
            raise Blocked(Msg("advance.refused", {"stage": stage.name}), case.reasons)
    status = "archived" if case.state == "archived" else "active"
    engine._save(s, dec, stage=stage.name if status == "archived" else str(case.state), status=status)
    moved: dict[str, Any] = {"from": stage.name, "to": str(case.state)}
    engine._event(s, user, "advanced", dec, stage=stage.name, **moved)
    return str(case.state)


def send_back(engine: Engine, s: Session, user: User, dec: Decision, to: str, reason: str) -> None:
    """Return the decision to an earlier stage, far enough back for any finding that blocks."""
    wf = get_workflow(dec.workflow)
    target = wf.stage(to)
    engine._require_active(dec)
    stage = wf.stage(dec.stage)
    engine._require_role(user, tuple({r for st in stage.steps + target.steps for r in st.roles}), stage.steps[0])
    if wf.stage_index(target.name) >= wf.stage_index(stage.name):
        raise Blocked.because("stage_order", ORDER_ARTICLE, "return.not_earlier", to=to, current=stage.name)
    ctx = load_context(s, dec, wf, engine.today(), engine.calendar)
    from decision_flow.rules import run

    for step in stage.steps:
        for r in run(ctx, step, "leave"):
            needed = r.msg.params.get("stage")
            if needed and wf.stage_index(target.name) > wf.stage_index(needed):
                raise Blocked(Msg("return.not_far_enough", {"to": to, "needed": needed}), [r])
    with attached(wf, stage.name) as case:
        return_to(engine, s, user, dec, wf, case, target.name, reason)


def return_to(
    engine: Engine, s: Session, user: User, dec: Decision, wf: Workflow, case: Case, target: str, reason: str
) -> None:
    """Move to `target`; that stage's and every later stage's records are superseded (kept)."""
    case.trigger(f"return_to_{target}")
    redo = [st.name for st in wf.stages[wf.stage_index(target) :]]
    s.execute(
        update(StepRecord)
        .where(col(StepRecord.decision_id) == dec.id, col(StepRecord.active), col(StepRecord.stage).in_(redo))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    from_stage = dec.stage
    engine._save(s, dec, stage=target)
    moved: dict[str, Any] = {"from": from_stage, "to": target, "reason": reason}
    engine._event(s, user, "returned", dec, stage=from_stage, **moved)


def set_flag(engine: Engine, s: Session, user: User, dec: Decision, flag: str, value: bool, reason: str) -> list[str]:
    """Change a flag after creation, with a reason, while the consultation it governs is not yet
    over; a closed step of the current stage that the new flags no longer allow is reopened.
    Returns the steps reopened."""
    wf = get_workflow(dec.workflow)
    if flag not in wf.flags:
        raise InvalidInput(Msg("flag.unknown", {"flag": flag[:80], "known": ", ".join(wf.flags)}))
    engine._require_active(dec)
    first = wf.stages[0].steps[0]
    engine._require_role(user, first.roles, first)
    last_consultation = max(wf.stage_index(st.stage) for st in wf.steps() if st.consultation)
    if wf.stage_index(dec.stage) > last_consultation:
        raise Blocked.because("flag_change", FLAGS_ARTICLE, "flag.too_late", flag=flag, stage=dec.stage)
    flags = {k: v for k, v in json.loads(dec.flags).items() if v}
    if bool(flags.get(flag)) == value:
        raise InvalidInput(Msg("flag.unchanged", {"flag": flag, "value": value}))
    flags = {**flags, flag: True} if value else {k: v for k, v in flags.items() if k != flag}
    ctx = load_context(s, dec, wf, engine.today(), engine.calendar)
    ctx.flags = flags
    records, reopened = records_of(s, dec), []
    for step in wf.stage(dec.stage).steps:
        rec = records.get(step.name)
        if rec is None or rec.status == "pending":
            continue
        if rec.status == "waived":
            still_lawful = not waiver_reasons(step, flags, rec.waiver_reference)
        else:
            still_lawful = not [r for r in completion_reasons(ctx, step) if r.blocking]
        if not still_lawful:
            engine._write_record(s, rec, status="pending", closed_at=None, closed_by=None)
            reopened.append(step.name)
    engine._save(s, dec, flags=json.dumps(dict(sorted(flags.items()))))
    engine._event(s, user, "flag_changed", dec, flag=flag, value=value, reason=reason, reopened=reopened)
    return reopened
