"""The checks every procedure shares that are not a single rule kind: separation of duties,
required fields and evidence, waiver policies, the order of dates (R26), and what blocks
leaving a stage (R2); each procedure gives the articles and duties (:mod:`decision_flow.procedures`).

Each returns :class:`~decision_flow.core.errors.Reason` objects that cite their article.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from decision_flow import rules
from decision_flow.core.calendar_cn import WorkCalendar
from decision_flow.core.errors import Blocked, Reason
from decision_flow.core.i18n import Msg
from decision_flow.definition.workflow import Stage, Step, Workflow
from decision_flow.procedures import of as procedure_of
from decision_flow.rules import Context, StepState
from decision_flow.store.row import rows_as, select_all
from decision_flow.store.rows import Decision, StepRecord, User
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx


def records_of(s: Tx, dec: Decision) -> dict[str, StepRecord]:
    """The active record of each step of a decision that has one."""
    found = cursor_of(s).all(f"{select_all(StepRecord)} WHERE decision_id = ? AND active", dec.id)
    return {r.step: r for r in rows_as(StepRecord, found)}


def require_independent(s: Tx, dec: Decision, wf: Workflow, stage: str, user: User) -> None:
    """Separation of duties (职责分离): each of the procedure's duties for `stage` (e.g. whoever
    recorded the drafting or a consultation step of a major decision may not record, complete
    or advance its legality review, Arts. 25–28). Blocked, citing the duty's article, if not."""
    for duty in procedure_of(wf).duties:
        if duty.stage != stage:
            continue
        earlier = duty.earlier(wf)
        if not earlier:
            continue
        done = cursor_of(s).all(
            "SELECT DISTINCT step FROM audit_events WHERE decision_id = ? AND action = 'recorded' AND actor = ?"
            f" AND step IN ({', '.join('?' for _ in earlier)})",
            dec.id,
            user.name,
            *earlier,
        )
        if done:
            steps = ", ".join(sorted({str(x) for (x,) in done}, key=earlier.index))
            raise Blocked.because(duty.rule, duty.article, duty.message, user=user.name, steps=steps, id=dec.id)


def load_context(
    s: Tx,
    dec: Decision,
    wf: Workflow,
    today: date,
    calendar: WorkCalendar,
    evidence_intact: Callable[[str], bool] = lambda sha: True,
    records: dict[str, StepRecord] | None = None,
) -> Context:
    """Everything the rules may look at, read in two queries (one, when the caller has just
    read the decision's `records`)."""
    records = records_of(s, dec) if records is None else records
    by_id = {r.id: r.step for r in records.values()}
    states = {r.step: StepState(r.status, json.loads(r.fields), {}) for r in records.values()}
    if by_id:
        ids = list(by_id)
        found = cursor_of(s).all(
            f"SELECT record_id, kind, name, sha256 FROM evidence WHERE record_id IN ({', '.join('?' for _ in ids)})"
            " AND withdrawn_at IS NULL ORDER BY id",
            *ids,
        )
        for record_id, kind, name, sha in found:
            states[by_id[record_id]].evidence.setdefault(kind, []).append((name, sha))
    return Context(wf, json.loads(dec.flags), states, today, calendar, evidence_intact)


def missing_items(ctx: Context, step: Step) -> list[str]:
    """Required fields not yet set and required evidence not yet attached, by name."""
    state = ctx.state(step.name)
    missing = [f.name for f in step.fields if f.required and state.fields.get(f.name) in (None, "", [])]
    missing += [e.kind for e in step.evidence if e.required and not state.evidence.get(e.kind)]
    for spec in step.rules:
        if spec.kind == "evidence_when" and state.fields.get(spec.params["field"]) is True:
            if not state.evidence.get(spec.params["evidence"]):
                missing.append(spec.params["evidence"])
    return missing


def completion_reasons(ctx: Context, step: Step) -> list[Reason]:
    """Why `step` cannot be completed now (blocking) and the marks it would carry (not)."""
    state = ctx.state(step.name)
    reasons = []
    for f in step.fields:
        if f.required and state.fields.get(f.name) in (None, "", []):
            reasons.append(
                Reason(
                    "required_field",
                    f.article or step.article,
                    Msg("required.field", {"field": f.name, "step": step.name}),
                )
            )
    for e in step.evidence:
        if e.required and not state.evidence.get(e.kind):
            reasons.append(
                Reason("required_evidence", step.article, Msg("required.evidence", {"kind": e.kind, "step": step.name}))
            )
    return reasons + rules.run(ctx, step, "complete")


def waiver_reasons(step: Step, flags: Mapping[str, bool], reference: str | None) -> list[Reason]:
    """Why `step` may not be waived for a decision with `flags` (empty when it may)."""
    w = step.waiver
    if w.policy == "never":
        return [Reason("waiver", w.article, Msg("waiver.never", {"step": step.name}))]
    if w.policy == "only_when_flag" and not flags.get(w.flag or ""):
        return [Reason("waiver", w.article, Msg("waiver.only_when", {"step": step.name, "flag": w.flag}))]
    if w.policy == "unless_setting" and w.setting_value is not False:  # unset counts as required
        return [Reason("waiver", w.article, Msg("waiver.unless_setting", {"step": step.name, "setting": w.setting}))]
    if w.policy == "unless_flag" and flags.get(w.flag or ""):
        if w.with_reference and reference:
            return []
        key = "waiver.unless_ref" if w.with_reference else "waiver.unless"
        return [Reason("waiver", w.article, Msg(key, {"step": step.name, "flag": w.flag}))]
    return []


def _dates(ctx: Context, wf: Workflow, before_stage: str) -> list[tuple[str, str, date]]:
    """(step, field, date) of every date recorded on a stage earlier than `before_stage`."""
    found = []
    for stage in wf.stages[: wf.stage_index(before_stage)]:
        for step in stage.steps:
            state = ctx.state(step.name)
            if state.status == "waived":
                continue
            for f in step.fields:
                value: Any = state.fields.get(f.name)
                if f.type == "date" and isinstance(value, str):
                    found.append((step.name, f.name, date.fromisoformat(value)))
    return found


def check_dates(ctx: Context, article: str, step: Step, new: Mapping[str, Any]) -> list[Reason]:
    """R26: each newly recorded date is not in the future and not before the previous stages'
    (refused under `article`, the procedure's article for true and complete records)."""
    reasons = []
    earlier = _dates(ctx, ctx.workflow, step.stage)
    latest = max(earlier, key=lambda item: item[2]) if earlier else None
    for name, value in new.items():
        f = step.field(name)
        if f is None or f.type != "date" or value is None:
            continue
        day = date.fromisoformat(value)
        if day > ctx.today:
            reasons.append(
                Reason(
                    "date_future",
                    article,
                    Msg("date.future", {"field": name, "date": value, "today": ctx.today.isoformat()}),
                )
            )
        elif latest is not None and day < latest[2]:
            reasons.append(
                Reason(
                    "date_order",
                    article,
                    Msg(
                        "date.before_previous",
                        {
                            "field": name,
                            "date": value,
                            "other": f"{latest[0]}.{latest[1]}",
                            "other_date": latest[2].isoformat(),
                        },
                    ),
                )
            )
    return reasons


def leave_reasons(ctx: Context, stage: Stage) -> list[Reason]:
    """R2 and the leave-phase rules: every step closed, and nothing recorded that blocks."""
    reasons = []
    for step in stage.steps:
        status = ctx.state(step.name).status
        if status == "pending":
            reasons.append(Reason("stage_incomplete", stage.leave_article, Msg("stage.step_open", {"step": step.name})))
        else:
            reasons += rules.run(ctx, step, "leave")
    return reasons
