"""Rule kinds (规则): the named checks a workflow file switches on with parameters.

Each kind is a small function registered with :func:`rule`; a workflow's TOML names the kind
and gives its parameters and article, never code. A check returns the reasons it refuses
(empty when the rule holds). Phases say when a kind runs:

- ``record``   when data is recorded on the step (checks the proposed values);
- ``complete`` when the step is closed;
- ``leave``    when the decision leaves the stage (a finding that blocks moving on).

A reason with ``blocking=False`` is a mark on the record (e.g. ``late``), not a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from decision_flow.core.calendar_cn import CalendarNotCovered, WorkCalendar, working_days_after
from decision_flow.core.errors import Reason
from decision_flow.core.i18n import Msg
from decision_flow.definition.workflow import RuleSpec, Step, Workflow


@dataclass
class StepState:
    """The current record of one step, as the rules see it."""

    status: str = "pending"
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind -> [(name, sha256)]


@dataclass
class Context:
    """What a rule may look at: the workflow, the decision's flags and records, today, the calendar."""

    workflow: Workflow
    flags: Mapping[str, bool]
    records: Mapping[str, StepState]
    today: date
    calendar: WorkCalendar
    evidence_intact: Callable[[str], bool] = lambda sha256: True

    def state(self, step: str) -> StepState:
        return self.records.get(step) or StepState()


Check = Callable[[Context, Step, RuleSpec], list[Reason]]


@dataclass(frozen=True)
class RuleKind:
    """A registered rule kind: its parameters, the phases it runs in, and its check."""

    name: str
    params: tuple[str, ...]
    optional: tuple[str, ...]
    phases: tuple[str, ...]
    check: Check


RULE_KINDS: dict[str, RuleKind] = {}

# The type of each parameter name any kind uses; `value` may be of any TOML type.
PARAM_TYPES: dict[str, type] = {
    "days": int,
    "min": int,
    "items": list,
    "from": str,
    "to": str,
    "field": str,
    "unless": str,
    "when": str,
    "flag": str,
    "evidence": str,
    "than": str,
    "return_to": str,
    "dissent": str,
    "decision": str,
    "reasons": str,
    "since_step": str,
    "since_field": str,
}
# Parameters that name a field of the rule's own step (checked by the invariants).
FIELD_PARAMS = ("from", "to", "field", "unless", "when", "than", "dissent", "decision", "reasons")


def rule(
    name: str, params: tuple[str, ...], optional: tuple[str, ...] = (), phases: tuple[str, ...] = ("complete",)
) -> Callable[[Check], Check]:
    """Register a rule kind under `name`."""

    def register(check: Check) -> Check:
        RULE_KINDS[name] = RuleKind(name, params, optional, phases, check)
        return check

    return register


def refuse(spec: RuleSpec, key: str, blocking: bool = True, mark: str | None = None, **params: Any) -> Reason:
    """A reason citing the rule's article; a non-blocking one is named by its `mark`."""
    return Reason(mark or spec.kind, spec.article, Msg(key, params), blocking=blocking)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _fields(ctx: Context, step: Step) -> dict[str, Any]:
    return ctx.state(step.name).fields


@rule("min_days", ("from", "to", "days"), ("unless", "when"))
def min_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`to` is at least `days` calendar days after `from`, counted as the Civil Code counts
    (Art. 201: the first day is not counted), unless the `unless` field is filled; only when
    the bool field `when` is true, if given."""
    f = _fields(ctx, step)
    p = spec.params
    if "when" in p and f.get(p["when"]) is not True:
        return []
    start, end = _date(f.get(p["from"])), _date(f.get(p["to"]))
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
    f, p = _fields(ctx, step), spec.params
    start, end = _date(f.get(p["from"])), _date(f.get(p["to"]))
    if start is None or end is None:
        return [refuse(spec, "rule.needs_fields", fields=f"{p['from']}, {p['to']}")]
    if end < start:
        return [refuse(spec, "rule.date_order", earlier=p["from"], later=p["to"])]
    try:
        days = working_days_after(ctx.calendar, start, end)
    except CalendarNotCovered as exc:
        return [refuse(spec, "rule.calendar", year=exc.year, first=exc.first, last=exc.last)]
    if days >= p["days"]:
        return []
    return [refuse(spec, "rule.min_working_days", start=p["from"], end=p["to"], days=days, min=p["days"])]


@rule("deadline_working_days", ("since_step", "since_field", "field", "days"))
def deadline_working_days(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` falls within `days` working days of `since_step.since_field`; later is marked late."""
    p = spec.params
    since = _date(ctx.state(p["since_step"]).fields.get(p["since_field"]))
    done = _date(_fields(ctx, step).get(p["field"]))
    if since is None or done is None:
        return []
    try:
        days = working_days_after(ctx.calendar, since, done)
    except CalendarNotCovered as exc:
        return [refuse(spec, "rule.calendar", year=exc.year, first=exc.first, last=exc.last)]
    if days <= p["days"]:
        return []
    return [refuse(spec, "rule.late", blocking=False, mark="late", field=p["field"], days=days, max=p["days"])]


@rule("flag_requires", ("flag", "field", "value"))
def flag_requires(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """When the decision carries `flag`, `field` must equal `value`."""
    p = spec.params
    if ctx.flags.get(p["flag"]) and _fields(ctx, step).get(p["field"]) != p["value"]:
        return [refuse(spec, "rule.flag_requires", flag=p["flag"], field=p["field"], value=p["value"])]
    return []


@rule("evidence_when", ("field", "evidence"))
def evidence_when(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """When the bool `field` is true, evidence of kind `evidence` must be attached."""
    p, state = spec.params, ctx.state(step.name)
    if state.fields.get(p["field"]) is True and not state.evidence.get(p["evidence"]):
        return [refuse(spec, "rule.evidence_when", field=p["field"], evidence=p["evidence"])]
    return []


@rule("field_equals", ("field", "value"))
def field_equals(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` must equal `value` (e.g. a declaration that must be true)."""
    p = spec.params
    if _fields(ctx, step).get(p["field"]) != p["value"]:
        return [refuse(spec, "rule.field_equals", field=p["field"], value=p["value"])]
    return []


@rule("min_items", ("field", "min"))
def min_items(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The list `field` holds at least `min` items."""
    p = spec.params
    if len(_fields(ctx, step).get(p["field"]) or []) < p["min"]:
        return [refuse(spec, "rule.min_items", field=p["field"], min=p["min"])]
    return []


@rule("not_greater", ("field", "than"), phases=("record", "complete"))
def not_greater(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The integer `field` is not greater than the integer `than`."""
    f, p = _fields(ctx, step), spec.params
    a, b = f.get(p["field"]), f.get(p["than"])
    if isinstance(a, int) and isinstance(b, int) and a > b:
        return [refuse(spec, "rule.not_greater", field=p["field"], than=p["than"])]
    return []


@rule("blocks_leaving", ("field", "value", "return_to"), phases=("leave",))
def blocks_leaving(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """A recorded `field` equal to `value` stops the stage; the case goes back to `return_to`.
    The finding counts whatever the step's status: waiving the step does not hide it (Art. 24)."""
    p = spec.params
    if _fields(ctx, step).get(p["field"]) == p["value"]:
        return [
            refuse(
                spec, "rule.blocks_leaving", step=step.name, field=p["field"], value=p["value"], stage=p["return_to"]
            )
        ]
    return []


STANCES = ("agree", "disagree", "abstain")


def parse_stances(items: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split `name:stance` items into a mapping; also return the items that do not parse."""
    stances, bad = {}, []
    for item in items:
        name, _, stance = item.rpartition(":")
        if not name.strip() or stance.strip() not in STANCES or name.strip() in stances:
            bad.append(item)
        else:
            stances[name.strip()] = stance.strip()
    return stances, bad


@rule("stances", ("field", "dissent", "decision", "reasons"), phases=("record", "complete"))
def stances(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """Each member's stance is recorded; dissent when anyone disagrees; the head's reasons when
    the decision departs from the majority (approved against a disagreeing majority, or
    anything but approved against an agreeing one)."""
    f, p = _fields(ctx, step), spec.params
    items = f.get(p["field"])
    if items is None:
        return []
    parsed, bad = parse_stances(items)
    if bad or not parsed:
        return [refuse(spec, "rule.stances_format", field=p["field"], items=", ".join(bad) or "—")]
    reasons = []
    if "disagree" in parsed.values() and not str(f.get(p["dissent"]) or "").strip():
        reasons.append(refuse(spec, "rule.dissent", field=p["dissent"]))
    decision = f.get(p["decision"])
    agree = sum(s == "agree" for s in parsed.values())
    disagree = sum(s == "disagree" for s in parsed.values())
    majority = "agree" if agree * 2 > len(parsed) else "disagree" if disagree * 2 > len(parsed) else None
    departs = (majority == "agree" and decision not in (None, "approved")) or (
        majority == "disagree" and decision == "approved"
    )
    if departs and not str(f.get(p["reasons"]) or "").strip():
        reasons.append(refuse(spec, "rule.head_reasons", decision=decision, majority=majority, field=p["reasons"]))
    return reasons


@rule("packet", ("items",), phases=("record", "complete"))
def packet(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The meeting packet holds each listed step's evidence, unless that step was waived;
    an item with a `flag` is asked for only when the decision carries it."""
    if ctx.state(step.name).fields.get(step.outcome.field if step.outcome else "") is None:
        return []  # checked before the decision itself is recorded
    missing = []
    for item in spec.params["items"]:
        if "flag" in item and not ctx.flags.get(item["flag"]):
            continue
        state = ctx.state(item["step"])
        if state.status == "waived":
            continue
        if not state.evidence.get(item["evidence"]):
            missing.append(f"{item['step']}/{item['evidence']}")
    return [refuse(spec, "rule.packet", items=", ".join(missing))] if missing else []


@rule("archive_integrity", (), phases=("complete",))
def archive_integrity(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """Every earlier step is completed or waived, with its required fields and evidence present,
    and every evidence file still matches the SHA-256 recorded when it was attached."""
    problems = []
    for other in ctx.workflow.steps():
        if other.name == step.name:
            break
        state = ctx.state(other.name)
        if state.status == "waived":
            continue
        if state.status != "completed":
            problems.append(f"{other.name}: {state.status}")
            continue
        problems += [
            f"{other.name}.{f.name}" for f in other.fields if f.required and state.fields.get(f.name) in (None, "", [])
        ]
        problems += [f"{other.name}/{e.kind}" for e in other.evidence if e.required and not state.evidence.get(e.kind)]
        for kind, files in state.evidence.items():
            problems += [f"{other.name}/{kind}/{name} (SHA-256)" for name, sha in files if not ctx.evidence_intact(sha)]
    return [refuse(spec, "rule.archive", problems="; ".join(problems))] if problems else []


def run(ctx: Context, step: Step, phase: str) -> list[Reason]:
    """Run every rule of `step` that belongs to `phase`; return all reasons found."""
    reasons: list[Reason] = []
    for spec in step.rules:
        if phase in RULE_KINDS[spec.kind].phases:
            reasons += RULE_KINDS[spec.kind].check(ctx, step, spec)
    return reasons
