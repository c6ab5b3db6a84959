"""Rule kinds about upper limits: a list of at most N items (e.g. a group visit's
representatives), and a deadline an approved extension prolongs (e.g. a petition's answer, 60
days from acceptance, extendable once by at most 30 with the head's approval and the reason sent
to the petitioner, 信访工作条例 Art. 32)."""

from __future__ import annotations

from decision_flow.core.calendar_cn import CalendarNotCovered, last_day
from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.dates import uncovered
from decision_flow.rules.due import Deadline, due_of, rolled
from decision_flow.rules.kinds import Context, date_of, fields_of, refuse, rule


@rule("max_items", ("field", "max"), phases=("record", "complete"))
def max_items(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The list `field` holds at most `max` items."""
    p = spec.params
    found = len(fields_of(ctx, step).get(p["field"]) or [])
    if found > p["max"]:
        return [refuse(spec, "rule.max_items", field=p["field"], max=p["max"], found=found)]
    return []


def _extension(ctx: Context, step: Step, spec: RuleSpec) -> int:
    value = fields_of(ctx, step).get(spec.params["extension"])
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


@rule(
    "deadline_extended",
    ("since_step", "since_field", "field", "days", "extension"),
    ("max_extension", "approved", "notice"),
    phases=("record", "complete"),
)
def deadline_extended(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` falls within `days` calendar days of `since_step.since_field`, plus the days the
    integer field `extension` records (at most `max_extension`); an extension counts only with
    the fields `approved` (who approved it) and `notice` (when the reason was sent) recorded,
    when the rule names them. An extension beyond its limit, or without its approval or notice,
    is refused; a late `field` is recorded and marked late."""
    p, f = spec.params, fields_of(ctx, step)
    extra = _extension(ctx, step, spec)
    reasons: list[Reason] = []
    if extra and "max_extension" in p and extra > p["max_extension"]:
        reasons.append(refuse(spec, "rule.extension_max", field=p["extension"], days=extra, max=p["max_extension"]))
    missing = [f"{p[k]}" for k in ("approved", "notice") if k in p and extra and f.get(p[k]) in (None, "")]
    if missing:
        reasons.append(refuse(spec, "rule.extension_needs", field=p["extension"], fields=", ".join(missing)))
    since = date_of(ctx.state(p["since_step"]).fields.get(p["since_field"]))
    done = date_of(f.get(p["field"]))
    if reasons or since is None or done is None or done < since:
        return reasons
    found, allowed = (done - since).days, p["days"] + extra
    if found > allowed:
        try:  # a last day on a holiday moves to the next working day (Civil Code Art. 203)
            if done <= last_day(ctx.calendar, since, allowed):
                return reasons
        except CalendarNotCovered as exc:  # never guessed (R27)
            return [*reasons, uncovered(spec, exc)]
        key = "rule.late_extended" if extra else "rule.late_calendar"
        reasons.append(
            refuse(
                spec,
                key,
                blocking=False,
                mark="late",
                field=p["field"],
                since=p["since_field"],
                days=found,
                max=allowed,
                extension=extra,
            )
        )
    return reasons


@due_of("deadline_extended")
def _deadline_extended(ctx: Context, step: Step, spec: RuleSpec) -> Deadline | None:
    """Due `days` calendar days after the start, plus a recorded extension (`dflow due`)."""
    p = spec.params
    anchor = ctx.state(p["since_step"])
    since = date_of(anchor.fields.get(p["since_field"]))
    if (
        (p["since_step"] != step.name and anchor.status != "completed")
        or since is None
        or fields_of(ctx, step).get(p["field"]) is not None
    ):
        return None  # not running yet, or met (or missed) already: the rule itself judges it
    days = p["days"] + _extension(ctx, step, spec)
    due = rolled(ctx, since, days)
    return Deadline(
        step.name, p["field"], p["since_step"], p["since_field"], since, days, "calendar", spec.article, due
    )
