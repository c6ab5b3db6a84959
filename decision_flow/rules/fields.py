"""Rule kinds about recorded values: flags that require a value, evidence a value calls for,
fixed values, list lengths, comparisons and findings that stop a stage."""

from __future__ import annotations

from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.kinds import Context, fields_of, refuse, rule


@rule("flag_requires", ("flag", "field", "value"))
def flag_requires(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """When the decision carries `flag`, `field` must equal `value`."""
    p = spec.params
    if ctx.flags.get(p["flag"]) and fields_of(ctx, step).get(p["field"]) != p["value"]:
        return [refuse(spec, "rule.flag_requires", flag=p["flag"], field=p["field"], value=p["value"])]
    return []


@rule("evidence_when", ("field", "evidence"), ("value",))
def evidence_when(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """When the bool `field` is true (or, with `value`, when `field` holds that value: e.g. the
    decision document owed by a penalty but not by a transfer), evidence of kind `evidence`
    must be attached."""
    p, state = spec.params, ctx.state(step.name)
    found = state.fields.get(p["field"])
    applies = (found == p["value"] and type(found) is type(p["value"])) if "value" in p else found is True
    if not applies or state.evidence.get(p["evidence"]):
        return []
    if "value" in p:
        return [refuse(spec, "rule.evidence_when_value", field=p["field"], value=p["value"], evidence=p["evidence"])]
    return [refuse(spec, "rule.evidence_when", field=p["field"], evidence=p["evidence"])]


@rule("field_equals", ("field", "value"), ("when",))
def field_equals(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` must equal `value` (e.g. a declaration that must be true); only when the bool
    field `when` is true, if given (e.g. a qualification owed by a first-time reviewer only)."""
    p, f = spec.params, fields_of(ctx, step)
    if "when" in p and f.get(p["when"]) is not True:
        return []
    if f.get(p["field"]) != p["value"]:
        if "when" in p:
            return [refuse(spec, "rule.field_equals_when", field=p["field"], value=p["value"], when=p["when"])]
        return [refuse(spec, "rule.field_equals", field=p["field"], value=p["value"])]
    return []


@rule("min_items", ("field", "min"))
def min_items(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The list `field` holds at least `min` items."""
    p = spec.params
    if len(fields_of(ctx, step).get(p["field"]) or []) < p["min"]:
        return [refuse(spec, "rule.min_items", field=p["field"], min=p["min"])]
    return []


@rule("not_greater", ("field", "than"), phases=("record", "complete"))
def not_greater(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The integer `field` is not greater than the integer `than`."""
    f, p = fields_of(ctx, step), spec.params
    a, b = f.get(p["field"]), f.get(p["than"])
    if isinstance(a, int) and isinstance(b, int) and a > b:
        return [refuse(spec, "rule.not_greater", field=p["field"], than=p["than"])]
    return []


@rule("blocks_leaving", ("field", "value", "return_to"), phases=("leave",))
def blocks_leaving(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """A recorded `field` equal to `value` stops the stage; the case goes back to `return_to`.
    The finding counts whatever the step's status: waiving the step does not hide it (Art. 24)."""
    p = spec.params
    if fields_of(ctx, step).get(p["field"]) == p["value"]:
        return [
            refuse(
                spec, "rule.blocks_leaving", step=step.name, field=p["field"], value=p["value"], stage=p["return_to"]
            )
        ]
    return []
