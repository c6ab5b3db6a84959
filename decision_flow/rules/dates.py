"""Rule kinds about dates and periods: calendar and working days, deadlines."""

from __future__ import annotations

from datetime import date

from decision_flow.core.calendar_cn import CalendarNotCovered, last_day, working_days_after
from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.kinds import Context, date_of, fields_of, refuse, rule


def uncovered(spec: RuleSpec, exc: CalendarNotCovered) -> Reason:
    """The refusal of a period reaching a year the official calendar has no data for: which
    years it has, and how an admin imports the missing year's notice."""
    imported = ", ".join(map(str, exc.imported)) or None
    return refuse(spec, "rule.calendar", year=exc.year, first=exc.first, last=exc.last, imported=imported)


@rule("min_days", ("from", "to", "days"), ("unless", "when"))
def min_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`to` is at least `days` calendar days after `from`, counted as the Civil Code counts
    (Art. 201: the first day is not counted), unless the `unless` field is filled; only when
    the bool field `when` is true, if given."""
    f = fields_of(ctx, step)
    p = spec.params
    if "when" in p and f.get(p["when"]) is not True:
        return []
    start, end = date_of(f.get(p["from"])), date_of(f.get(p["to"]))
    missing = [name for name, value in ((p["from"], start), (p["to"], end)) if value is None]
    if missing:
        return [refuse(spec, "rule.needs_fields", fields=", ".join(missing))]
    assert start is not None and end is not None
    days = (end - start).days
    if days < 0:
        return [refuse(spec, "rule.date_order", earlier=p["from"], later=p["to"])]
    if days >= p["days"] or ("unless" in p and str(f.get(p["unless"]) or "").strip()):
        return []
    key = "rule.min_days_unless" if "unless" in p else "rule.min_days"
    return [refuse(spec, key, start=p["from"], end=p["to"], days=days, min=p["days"], unless=p.get("unless"))]


def _span(ctx: Context, step: Step, spec: RuleSpec) -> tuple[date, date] | Reason:
    """The dates `from` (on `from_step`, when given) and `to` of a period rule, or the reason
    they cannot be counted yet."""
    p = spec.params
    source = ctx.state(p["from_step"]).fields if "from_step" in p else fields_of(ctx, step)
    start, end = date_of(source.get(p["from"])), date_of(fields_of(ctx, step).get(p["to"]))
    if start is None or end is None:
        missing = [name for name, day in ((p["from"], start), (p["to"], end)) if day is None]
        return refuse(spec, "rule.needs_fields", fields=", ".join(missing))
    if end < start:
        return refuse(spec, "rule.date_order", earlier=p["from"], later=p["to"])
    return start, end


def _count(ctx: Context, spec: RuleSpec, start: date, end: date, unit: str) -> int | Reason:
    """Days after `start` up to and including `end` (the first day is not counted, Civil Code
    Art. 201): working days on the official calendar, or calendar days."""
    if unit == "calendar":
        return (end - start).days
    try:
        return working_days_after(ctx.calendar, start, end)
    except CalendarNotCovered as exc:
        return uncovered(spec, exc)


def _excused(ctx: Context, step: Step, spec: RuleSpec) -> bool:
    """The field `unless` names (a recorded reason for the exception) is filled."""
    unless = spec.params.get("unless")
    return bool(unless and str(fields_of(ctx, step).get(unless) or "").strip())


def _at_least(ctx: Context, step: Step, spec: RuleSpec, days: int, unit: str) -> list[Reason]:
    span = _span(ctx, step, spec)
    if isinstance(span, Reason):
        return [span]
    found = _count(ctx, spec, *span, unit)
    if isinstance(found, Reason):
        return [found]
    if found >= days or _excused(ctx, step, spec):
        return []
    p = spec.params
    key = ("rule.min_working_days" if unit == "working" else "rule.min_days") + ("_unless" if "unless" in p else "")
    return [refuse(spec, key, start=p["from"], end=p["to"], days=found, min=days, unless=p.get("unless"))]


@rule("min_working_days", ("from", "to", "days"), ("from_step", "unless", "when"))
def min_working_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """At least `days` working days on the official calendar after `from` (a field of
    `from_step`, when given) up to `to`, unless the `unless` field (the reason for an exception
    the law allows) is filled; only when the bool field `when` is true, if given (e.g. a
    hearing's notice period, owed only once a hearing was requested)."""
    if "when" in spec.params and fields_of(ctx, step).get(spec.params["when"]) is not True:
        return []
    return _at_least(ctx, step, spec, spec.params["days"], "working")


@rule("max_working_days", ("from", "to", "days"), ("from_step", "unless"))
def max_working_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """At most `days` working days on the official calendar after `from` (a field of
    `from_step`, when given) up to `to`. Beyond it the step is refused, unless the `unless`
    field records why: then the record is marked overdue, with that reason, not refused."""
    span = _span(ctx, step, spec)
    if isinstance(span, Reason):
        return [span]
    found = _count(ctx, spec, *span, "working")
    if isinstance(found, Reason):
        return [found]
    p = spec.params
    if found <= p["days"]:
        return []
    if _excused(ctx, step, spec):
        return [
            refuse(
                spec,
                "rule.overdue",
                blocking=False,
                mark="overdue",
                start=p["from"],
                end=p["to"],
                days=found,
                max=p["days"],
                unless=p["unless"],
            )
        ]
    key = "rule.max_working_days_unless" if "unless" in p else "rule.max_working_days"
    return [refuse(spec, key, start=p["from"], end=p["to"], days=found, max=p["days"], unless=p.get("unless"))]


@rule("min_period", ("from", "to", "period"), ("unless",))
def min_period(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`to` is at least `period` (``{ days, unit }``: working or calendar days, often a locality
    setting) after `from`, unless the `unless` field is filled."""
    period = spec.params["period"]
    return _at_least(ctx, step, spec, period["days"], period["unit"])


@rule("deadline", ("since_step", "since_field", "field", "period"), ("refuse",))
def deadline(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` falls within `period` (``{ days, unit }``, often a locality setting) of
    `since_step.since_field`; later is recorded, and marked late — or, with ``refuse = true`` (a
    period whose lapse loses the right, e.g. to request a hearing or a review), refused. A period
    of calendar days whose last day is a holiday or rest day ends on the first working day
    after it (Civil Code Art. 203 ¶1; CPL Art. 85 ¶3)."""
    p = spec.params
    since = date_of(ctx.state(p["since_step"]).fields.get(p["since_field"]))
    done = date_of(fields_of(ctx, step).get(p["field"]))
    if since is None or done is None or done < since:
        return []  # the order of dates is the procedure's own check
    unit, max_days = p["period"]["unit"], p["period"]["days"]
    found = _count(ctx, spec, since, done, unit)
    if isinstance(found, Reason):
        return [found]
    if found <= max_days:
        return []
    if unit == "calendar":
        try:
            last = last_day(ctx.calendar, since, max_days)
        except CalendarNotCovered as exc:  # whether the last day was a holiday is never guessed (R27)
            return [uncovered(spec, exc)]
        if done <= last:
            return []
    if p.get("refuse"):
        return [refuse(spec, f"rule.lapsed_{unit}", field=p["field"], since=p["since_field"], days=found, max=max_days)]
    key = f"rule.late_{unit}"
    return [
        refuse(
            spec, key, blocking=False, mark="late", field=p["field"], since=p["since_field"], days=found, max=max_days
        )
    ]


@rule("deadline_working_days", ("since_step", "since_field", "field", "days"))
def deadline_working_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` falls within `days` working days of `since_step.since_field`; later is marked late."""
    p = spec.params
    since = date_of(ctx.state(p["since_step"]).fields.get(p["since_field"]))
    done = date_of(fields_of(ctx, step).get(p["field"]))
    if since is None or done is None:
        return []
    try:
        days = working_days_after(ctx.calendar, since, done)
    except CalendarNotCovered as exc:
        return [uncovered(spec, exc)]
    if days <= p["days"]:
        return []
    return [refuse(spec, "rule.late", blocking=False, mark="late", field=p["field"], days=days, max=p["days"])]
