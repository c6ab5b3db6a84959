"""Moving a decision (程序推进): completing steps, the meeting's outcome, advancing, returning,
and changing a flag. Each function acts through one :class:`~decision_flow.engine.change.Change`
(inside :meth:`Engine.change`'s transaction) and either writes the change with its audit event
or raises a refusal that cites its article.
"""

from __future__ import annotations

import json
from typing import Any

import decision_flow.engine.lifecycle as lifecycle
from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg, stored_msg
from decision_flow.definition.workflow import ENDINGS, Stage, Step
from decision_flow.engine.change import Change
from decision_flow.engine.machine import Case, attached
from decision_flow.engine.procedure import check_dates, completion_reasons, waiver_reasons
from decision_flow.rules import Context, run
from decision_flow.store.rows import StepRecord
from decision_flow.store.tx import cursor_of


def complete_step(c: Change, step: Step, rec: StepRecord, reasons_only: bool = False) -> list[Reason]:
    """Close `step`, whose pending record is `rec`, if its rules hold; return the blocking
    reasons otherwise (or when only asked)."""
    ctx = c.context(check_files=True)
    found = completion_reasons(ctx, step) + _carried_dates(c, ctx, step, rec)
    blocking = [r for r in found if r.blocking]
    if blocking or reasons_only:
        return blocking
    c.write_record(
        rec,
        status="completed",
        closed_at=c.stamp(),
        closed_by=c.user.name,
        marks=json.dumps(sorted({r.rule for r in found})),
    )
    marks = [{"rule": r.rule, "article": r.article, "detail": r.detail("en"), "msg": stored_msg(r.msg)} for r in found]
    outcome = ctx.state(step.name).fields.get(step.outcome.field) if step.outcome else None
    c.event("completed", step.name, marks=marks, **({"outcome": outcome} if outcome else {}))
    return []


def _carried_dates(c: Change, ctx: Context, step: Step, rec: StepRecord) -> list[Reason]:
    """R26 once more for a record a return carried over: its dates were checked when recorded,
    against the earlier stages as they stood then, and those stages have been done again since
    (a carried legality opinion may now predate the consultation it reviews)."""
    if rec.carried_from is None:
        return []
    fields = ctx.state(step.name).fields
    dates = {f.name: fields[f.name] for f in step.fields if f.type == "date" and f.name in fields}
    return check_dates(ctx, c.procedure.articles.dates, step, dates)


def complete(c: Change, step_name: str) -> str:
    """Close one step of the current stage; a meeting's outcome then routes the decision."""
    step = c.open_step(step_name)
    c.require_independent(step.stage)
    rec = c.pending_record(step)
    reasons = complete_step(c, step, rec)
    if reasons:
        raise Blocked(Msg("complete.refused", {"step": step.name}), reasons)
    return route_outcome(c, step, rec)


def route_outcome(c: Change, step: Step, rec: StepRecord) -> str:
    """Art. 30 outcomes: approved stays to be advanced, rejected ends the case, amend returns it
    to drafting, deferred or rediscuss keeps it here for a later meeting; a `close` route ends
    the case as closed (a finding that takes it out of the procedure)."""
    value = str(json.loads(rec.fields).get(step.outcome.field)) if step.outcome else ""
    route = step.outcome.routes.get(value, "stay") if step.outcome else "advance"
    if route == "advance" or step.outcome is None:
        c.save()
        return c.dec.stage
    with attached(c.workflow, c.dec.stage) as case:
        if route in ENDINGS:  # rejected by the meeting, or closed by a finding (e.g. out of scope)
            case.trigger(route)
            c.save(status=ENDINGS[route])
            c.event(ENDINGS[route], step.name, outcome=value)
        elif route.startswith("return:"):
            return_to(c, case, route[7:], reason=f"{step.outcome.field}={value}")
        else:  # stay: this meeting stays in the history; a later one is recorded anew
            c.write_record(rec, active=False)
            c.save()
            c.event("stays", step.name, outcome=value)
        return str(case.state)


def _skip_refusal(c: Change, stage: Stage, to: str) -> Blocked:
    """R1, and the procedure's legal gates the jump would pass over (for a major decision,
    R12/R16: the legality review and the meeting)."""
    wf, order = c.workflow, c.procedure.articles.order
    index = wf.stage_index(stage.name)
    following = wf.stages[index + 1].name if index + 1 < len(wf.stages) else "archived"
    end = len(wf.stages) if to == "archived" else wf.stage_index(wf.stage(to).name)
    msg = Msg("advance.skip", {"to": to, "current": stage.name, "next": following})
    gates = [
        Reason("never_skipped", st.waiver.article, Msg("stage.never_skipped", {"step": st.name}))
        for skipped in wf.stages[index + 1 : end]
        for st in skipped.steps
        if st.name in c.procedure.gates
    ]
    return Blocked(msg, [Reason("stage_order", order, msg), *gates])


def _open_step_reasons(c: Change, stage: Stage, records: dict[str, StepRecord]) -> list[Reason]:
    """Why the pending steps of `stage` cannot all be completed now."""
    reasons: list[Reason] = []
    for step in stage.steps:
        rec = records.get(step.name)
        if rec is not None and rec.status != "pending":
            continue
        has_data = rec is not None and (
            rec.fields != "{}"
            or cursor_of(c.s).one("SELECT id FROM evidence WHERE record_id = ? AND withdrawn_at IS NULL", rec.id)
            is not None
        )
        if not c.roles & set(step.roles):
            reasons.append(Reason("role", step.article, Msg("role.detail", {"roles": ", ".join(step.roles)})))
        elif rec is None or not has_data:
            reasons.append(Reason("stage_incomplete", stage.leave_article, Msg("stage.step_open", {"step": step.name})))
        else:
            found = complete_step(c, step, rec, reasons_only=True)
            reasons += found
            outcome = str(json.loads(rec.fields).get(step.outcome.field)) if step.outcome else ""
            if step.outcome and not found and step.outcome.routes.get(outcome) != "advance":
                reasons.append(
                    Reason(
                        "outcome", step.outcome.article, Msg("advance.outcome", {"step": step.name, "outcome": outcome})
                    )
                )
    return reasons


def advance(c: Change, to: str | None) -> str:
    """Complete what remains of the current stage and move to the next (R1, R2 and the rules)."""
    wf = c.workflow
    c.require_active()
    stage = wf.stage(c.dec.stage)
    index = wf.stage_index(stage.name)
    following = wf.stages[index + 1].name if index + 1 < len(wf.stages) else "archived"
    if to is not None and to != following:
        raise _skip_refusal(c, stage, to)
    c.require_role(tuple({r for st in stage.steps for r in st.roles}), stage.steps[0])
    c.require_independent(stage.name)
    records = c.records()
    reasons = _open_step_reasons(c, stage, records)
    if reasons:
        raise Blocked(Msg("advance.refused", {"stage": stage.name}), reasons)
    for step in stage.steps:
        rec = records.get(step.name)
        if rec is not None and rec.status == "pending":
            complete_step(c, step, rec)
    with attached(wf, stage.name, c.context(check_files=True)) as case:
        if not case.trigger("advance"):
            raise Blocked(Msg("advance.refused", {"stage": stage.name}), case.reasons)
    status = "archived" if case.state == "archived" else "active"
    if status == "archived":  # its life begins: in force until suspended, stopped or superseded (Arts. 34-37)
        c.save(stage=stage.name, status=status, life="in_force")
    else:
        c.save(stage=str(case.state), status=status)
    moved: dict[str, Any] = {"from": stage.name, "to": str(case.state)}
    c.event("advanced", stage=stage.name, **moved)
    if status == "archived":
        lifecycle.conclude_adjustment(c)  # a case that changes or stops a decision: that one ends now
    return str(case.state)


def send_back(c: Change, to: str, reason: str) -> None:
    """Return the decision to an earlier stage, far enough back for any finding that blocks."""
    wf = c.workflow
    target = wf.stage(to)
    c.require_active()
    stage = wf.stage(c.dec.stage)
    c.require_role(tuple({r for st in stage.steps + target.steps for r in st.roles}), stage.steps[0])
    if wf.stage_index(target.name) >= wf.stage_index(stage.name):
        order = c.procedure.articles.order
        raise Blocked.because("stage_order", order, "return.not_earlier", to=to, current=stage.name)
    ctx = c.context()
    for step in stage.steps:
        for r in run(ctx, step, "leave"):
            needed = r.msg.params.get("stage")
            if needed and wf.stage_index(target.name) > wf.stage_index(needed):
                raise Blocked(Msg("return.not_far_enough", {"to": to, "needed": needed}), [r])
    with attached(wf, stage.name) as case:
        return_to(c, case, target.name, reason)


def return_to(c: Change, case: Case, target: str, reason: str) -> None:
    """Move to `target`; that stage's and every later stage's records are superseded (kept), and
    each step starts again, pending, from the values and evidence it held (carried over, so a
    revised draft does not mean entering the legal basis again); completing it is done again,
    with every rule. The `returned` event names the steps carried over."""
    wf, dec = c.workflow, c.dec
    case.trigger(f"return_to_{target}")
    carried = c.carry_over([st.name for st in wf.stages[wf.stage_index(target) :]])
    from_stage = dec.stage
    c.save(stage=target)
    moved: dict[str, Any] = {"from": from_stage, "to": target, "reason": reason, "carried": carried}
    c.event("returned", stage=from_stage, **moved)


def set_flag(c: Change, flag: str, value: bool, reason: str) -> list[str]:
    """Change a flag after creation, with a reason, while the consultation it governs is not yet
    over; a closed step of the current stage that the new flags no longer allow is reopened.
    Returns the steps reopened."""
    wf, dec = c.workflow, c.dec
    if flag not in wf.flags:
        raise InvalidInput(Msg("flag.unknown", {"flag": flag[:80], "known": ", ".join(wf.flags)}))
    c.require_active()
    first = wf.stages[0].steps[0]
    c.require_role(first.roles, first)
    consulting = [wf.stage_index(st.stage) for st in wf.steps() if st.consultation]
    if not consulting or wf.stage_index(dec.stage) > max(consulting):
        articles = c.procedure.articles
        raise Blocked.because("flag_change", articles.flags, "flag.too_late", flag=flag, stage=dec.stage)
    flags = c.flags()
    if bool(flags.get(flag)) == value:
        raise InvalidInput(Msg("flag.unchanged", {"flag": flag, "value": value}))
    flags = {**flags, flag: True} if value else {k: v for k, v in flags.items() if k != flag}
    ctx = c.context()
    ctx.flags = flags
    records, reopened = c.records(), []
    for step in wf.stage(dec.stage).steps:
        rec = records.get(step.name)
        if rec is None or rec.status == "pending":
            continue
        if rec.status == "waived":
            still_lawful = not waiver_reasons(step, flags, rec.waiver_reference)
        else:
            still_lawful = not [r for r in completion_reasons(ctx, step) if r.blocking]
        if not still_lawful:  # a voided waiver's reason goes with it (the trail keeps it); marks too
            void = {"waiver_reason": None, "waiver_reference": None, "marks": "[]"}
            c.write_record(rec, status="pending", closed_at=None, closed_by=None, **void)
            reopened.append(step.name)
    c.save(flags=json.dumps(dict(sorted(flags.items()))))
    c.event("flag_changed", flag=flag, value=value, reason=reason, reopened=reopened)
    return reopened
