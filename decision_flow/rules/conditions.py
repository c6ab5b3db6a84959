"""Rule kinds that make one record depend on another: a field owed once some value is recorded,
and an earlier step's outcome a later step may not go on without."""

from __future__ import annotations

import json

from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.kinds import Context, fields_of, refuse, rule


def _filled(value: object) -> bool:
    return value not in (None, "", [])


@rule("required_when", ("field", "when"), ("value", "when_step"))
def required_when(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """`field` must be recorded once the field `when` (of `when_step`, when given) holds `value`
    (or, without `value`, once it is recorded at all): e.g. the drafting unit's account of its
    revisions once the review said the document must be revised."""
    p = spec.params
    source = ctx.state(p["when_step"]).fields if "when_step" in p else fields_of(ctx, step)
    found = source.get(p["when"])
    applies = found == p["value"] if "value" in p else _filled(found)
    if not applies or _filled(fields_of(ctx, step).get(p["field"])):
        return []
    where = f"{p['when_step']}.{p['when']}" if "when_step" in p else p["when"]
    if "value" in p:
        value = json.dumps(p["value"], ensure_ascii=False) if isinstance(p["value"], bool) else p["value"]
        return [refuse(spec, "rule.required_when", field=p["field"], when=where, value=value)]
    return [refuse(spec, "rule.required_when_set", field=p["field"], when=where)]


@rule("requires_outcome", ("prior_step", "prior_field", "values"), phases=("record", "complete", "leave"))
def requires_outcome(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The earlier step `prior_step` was completed (not waived, not pending) with `prior_field`
    among `values`: a gate nothing else can stand in for (e.g. no deliberation of a document
    without a written legality review that did not find it unlawful)."""
    p = spec.params
    prior = ctx.state(p["prior_step"])
    found = prior.fields.get(p["prior_field"])
    if prior.status == "completed" and found in p["values"]:
        return []
    return [
        refuse(
            spec,
            "rule.requires_outcome",
            step=p["prior_step"],
            field=p["prior_field"],
            values=", ".join(p["values"]),
            status=prior.status,
            found=found,
        )
    ]
