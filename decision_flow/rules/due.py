"""When a rule's time limit falls (期限): the date by which a step's field is due, for the rule
kinds that set one. Each such kind has a small function here, registered with :func:`due_of`
beside nothing else; `dflow due` asks every open case's steps through :func:`deadlines`.

The date is the rule's own count run forward: a rule that refuses (or marks late) a `field`
more than N working days after `since` is met on :func:`~decision_flow.core.calendar_cn.
add_working_days` (since, N) and broken on the working day after; N calendar days fall on
since + N (the first day is not counted, Civil Code Art. 201, as the rules count), or on the
first working day after it when that is a holiday or rest day (Civil Code Art. 203). A limit is
known once the date it runs from is recorded (on another step: once that step is completed)
and lasts until its step is closed or the field it limits is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from decision_flow.core.calendar_cn import CalendarNotCovered, add_working_days, last_day
from decision_flow.core.value import Value, replace
from decision_flow.definition.workflow import RuleSpec, Step, Workflow
from decision_flow.rules.kinds import Context, date_of

CLOSED = ("completed", "waived")


class Deadline(Value):
    """`field` of `step` is due within `days` (`unit`: working or calendar days) after `since`,
    the date recorded as `since_field` of `since_step`: by `due`, or unknown (None) when the
    official calendar has no data for `uncovered`, a year the count reaches."""

    step: str
    field: str
    since_step: str
    since_field: str
    since: date
    days: int
    unit: str
    article: str
    due: date | None
    uncovered: int | None = None


Due = Callable[[Context, Step, RuleSpec], "Deadline | None"]
DUE_KINDS: dict[str, Due] = {}


def due_of(kind: str) -> Callable[[Due], Due]:
    """Register how the rule kind `kind` sets a due date."""

    def register(fn: Due) -> Due:
        DUE_KINDS[kind] = fn
        return fn

    return register


def _limit(
    ctx: Context, step: Step, spec: RuleSpec, since_step: str, since_field: str, field: str, days: int, unit: str
) -> Deadline | None:
    anchor = ctx.state(since_step)
    if since_step != step.name and anchor.status != "completed":
        return None  # the limit runs from a step not yet done
    since = date_of(anchor.fields.get(since_field))
    if since is None or ctx.state(step.name).fields.get(field) is not None:
        return None  # not running yet, or met (or missed) already: the step's own rule judges it
    found = Deadline(step.name, field, since_step, since_field, since, days, unit, spec.article, None)
    if unit == "calendar":
        return replace(found, due=rolled(ctx, since, days))
    try:
        return replace(found, due=add_working_days(ctx.calendar, since, days))
    except CalendarNotCovered as exc:  # never guessed (R27): the item says which year is missing
        return replace(found, uncovered=exc.year)


def rolled(ctx: Context, since: date, days: int) -> date:
    """The last day of `days` calendar days after `since`, moved past a holiday or rest day
    (Civil Code Art. 203); the day itself where the calendar cannot say (the earlier date, so
    nothing is missed)."""
    try:
        return last_day(ctx.calendar, since, days)
    except CalendarNotCovered:
        return since + timedelta(days=days)


@due_of("deadline")
def _deadline(ctx: Context, step: Step, spec: RuleSpec) -> Deadline | None:
    p = spec.params
    period = p["period"]
    return _limit(ctx, step, spec, p["since_step"], p["since_field"], p["field"], period["days"], period["unit"])


@due_of("deadline_working_days")
def _deadline_working_days(ctx: Context, step: Step, spec: RuleSpec) -> Deadline | None:
    p = spec.params
    return _limit(ctx, step, spec, p["since_step"], p["since_field"], p["field"], p["days"], "working")


@due_of("max_working_days")
def _max_working_days(ctx: Context, step: Step, spec: RuleSpec) -> Deadline | None:
    p = spec.params
    return _limit(ctx, step, spec, p.get("from_step", step.name), p["from"], p["to"], p["days"], "working")


def deadlines(ctx: Context, wf: Workflow | None = None) -> Iterator[Deadline]:
    """Every time limit running in a case: of each step not yet closed, each rule whose kind
    sets a due date and whose start is recorded."""
    for step in (wf or ctx.workflow).steps():
        if ctx.state(step.name).status in CLOSED:
            continue
        for spec in step.rules:
            found = DUE_KINDS[spec.kind](ctx, step, spec) if spec.kind in DUE_KINDS else None
            if found is not None:
                yield found


def has_deadlines(wf: Workflow) -> bool:
    """Whether any rule of `wf` sets a due date (a case of a workflow without one is not read)."""
    return any(spec.kind in DUE_KINDS for step in wf.steps() for spec in step.rules)
