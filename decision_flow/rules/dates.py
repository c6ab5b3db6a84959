"""Rule kinds about dates and periods: calendar and working days, deadlines."""

from __future__ import annotations

from decision_flow.core.calendar_cn import CalendarNotCovered, working_days_after
from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.kinds import Context, date_of, fields_of, refuse, rule


def _uncovered(spec: RuleSpec, exc: CalendarNotCovered) -> Reason:
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


@rule("min_working_days", ("from", "to", "days"))
def min_working_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """At least `days` working days on the official calendar after `from` up to `to`."""
    f, p = fields_of(ctx, step), spec.params
    start, end = date_of(f.get(p["from"])), date_of(f.get(p["to"]))
    if start is None or end is None:
        return [refuse(spec, "rule.needs_fields", fields=f"{p['from']}, {p['to']}")]
    if end < start:
        return [refuse(spec, "rule.date_order", earlier=p["from"], later=p["to"])]
    try:
        days = working_days_after(ctx.calendar, start, end)
    except CalendarNotCovered as exc:
        return [_uncovered(spec, exc)]
    if days >= p["days"]:
        return []
    return [refuse(spec, "rule.min_working_days", start=p["from"], end=p["to"], days=days, min=p["days"])]


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
        return [_uncovered(spec, exc)]
    if days <= p["days"]:
        return []
    return [refuse(spec, "rule.late", blocking=False, mark="late", field=p["field"], days=days, max=p["days"])]
