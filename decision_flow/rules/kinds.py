"""The rule-kind registry: what a rule sees (:class:`Context`), the :func:`rule` decorator that
registers a kind, and :func:`refuse`, which makes a reason citing the rule's article."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import date
from typing import Any

from decision_flow.core.calendar_cn import WorkCalendar
from decision_flow.core.errors import Reason, WorkflowError
from decision_flow.core.i18n import Msg
from decision_flow.core.value import Value
from decision_flow.definition.loader import type_name
from decision_flow.definition.workflow import RuleSpec, Step, Unset, Workflow


class StepState(Value, frozen=False):
    """The current record of one step, as the rules see it."""

    status: str = "pending"
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind -> [(name, sha256)]


class Context(Value, frozen=False):
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


class RuleKind(Value):
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
    "max": int,
    "max_extension": int,
    "extension": str,
    "approved": str,
    "notice": str,
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
    "from_step": str,
    "when_step": str,
    "prior_step": str,
    "prior_field": str,
    "values": list,
    "period": dict,
    "refuse": bool,
}
# Parameters that name a field of the rule's own step (checked by the invariants); `from` and
# `when` name one of `from_step` and `when_step` instead, when the rule gives those.
FIELD_PARAMS = (
    "from",
    "to",
    "field",
    "unless",
    "when",
    "than",
    "dissent",
    "decision",
    "reasons",
    "extension",
    "approved",
    "notice",
)
ELSEWHERE = {"from": "from_step", "when": "when_step"}  # a field parameter -> the step it then names
UNITS = ("working", "calendar")  # a period's unit: working days on the official calendar, or calendar days


def period_problem(value: Any) -> Msg | None:
    """What is wrong with a period (``{ days = N, unit = "working" | "calendar" }``), or None."""
    if not isinstance(value, dict) or set(value) != {"days", "unit"}:
        return Msg("wf.period_shape")
    days, unit = value["days"], value["unit"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return Msg("wf.period_days", {"got": repr(days)})
    if unit not in UNITS:
        return Msg("wf.period_unit", {"got": repr(unit)})
    return None


def _values_problem(value: Any) -> Msg | None:
    return None if value and all(isinstance(v, str) for v in value) else Msg("wf.values_shape")


# Parameters whose value has a shape beyond its type.
PARAM_SHAPES: dict[str, Callable[[Any], Msg | None]] = {"period": period_problem, "values": _values_problem}


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


def date_of(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def fields_of(ctx: Context, step: Step) -> dict[str, Any]:
    return ctx.state(step.name).fields


def run(ctx: Context, step: Step, phase: str) -> list[Reason]:
    """Run every rule of `step` that belongs to `phase`; return all reasons found."""
    reasons: list[Reason] = []
    for spec in step.rules:
        if phase in RULE_KINDS[spec.kind].phases:
            reasons += RULE_KINDS[spec.kind].check(ctx, step, spec)
    return reasons


def check_specs(wf: Workflow) -> None:
    """Every rule a workflow switches on is a registered kind with exactly its parameters, each
    of its type; raise WorkflowError naming the file, the place and the problem."""
    for step in wf.steps():
        for spec in step.rules:
            where = spec.where or f"{step.name}.rules"
            if spec.kind not in RULE_KINDS:
                known = ", ".join(sorted(RULE_KINDS))
                raise WorkflowError.at(wf.source, f"{where}.kind", "wf.unknown_rule", name=spec.kind, known=known)
            kind = RULE_KINDS[spec.kind]
            missing = [p for p in kind.params if p not in spec.params]
            if missing:
                needs = ", ".join(kind.params)
                raise WorkflowError.at(
                    wf.source, f"{where}.{missing[0]}", "wf.param_missing", rule=spec.kind, params=needs
                )
            unknown = sorted(set(spec.params) - set(kind.params) - set(kind.optional))
            if unknown:
                raise WorkflowError.at(wf.source, f"{where}.{unknown[0]}", "wf.param_unknown", rule=spec.kind)
            for name, value in spec.params.items():
                if isinstance(value, Unset):
                    continue  # a setting an abstract base leaves to the files extending it
                expected = PARAM_TYPES.get(name)
                if expected is not None and (
                    not isinstance(value, expected) or (isinstance(value, bool) and expected is int)
                ):
                    got = type_name(type(value).__name__)
                    raise WorkflowError.at(
                        wf.source, f"{where}.{name}", "wf.type", expected=type_name(expected.__name__), got=got
                    )
                problem = PARAM_SHAPES[name](value) if name in PARAM_SHAPES else None
                if problem:
                    raise WorkflowError.at(wf.source, f"{where}.{name}", problem)
