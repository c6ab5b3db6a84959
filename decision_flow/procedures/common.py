"""What every workflow file must hold, whatever its procedure: each name a rule, a waiver or
an outcome gives exists where it must, and no step is an auditor's (Arts. 38–39: whoever checks
the trail writes nothing into it)."""

from __future__ import annotations

from decision_flow.core.errors import WorkflowError
from decision_flow.definition.workflow import RuleSpec, Step, Workflow
from decision_flow.rules import FIELD_PARAMS, RULE_KINDS


def _fail(wf: Workflow, where: str, problem: str) -> WorkflowError:
    return WorkflowError(f"{wf.source}: {where}: {problem}")


def _check_own(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every field, evidence kind and flag a rule names exists on its own step and workflow."""
    where = f"{step.name}.rules.{spec.kind}"
    kind = RULE_KINDS[spec.kind]
    p = spec.params
    for key in FIELD_PARAMS:
        if key in kind.params + kind.optional and key in p and step.field(p[key]) is None:
            raise _fail(wf, f"{where}.{key}", f"{p[key]!r} is not a field of step {step.name}")
    if "evidence" in p and step.evidence_kind(p["evidence"]) is None:
        raise _fail(wf, f"{where}.evidence", f"{p['evidence']!r} is not an evidence kind of step {step.name}")
    if "flag" in p and p["flag"] not in wf.flags:
        raise _fail(wf, f"{where}.flag", f"{p['flag']!r} is not a declared flag")


def _check_links(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every other step and stage a rule names exists where it must."""
    where = f"{step.name}.rules.{spec.kind}"
    p = spec.params
    if "return_to" in p:
        stages = [s.name for s in wf.stages]
        if p["return_to"] not in stages or stages.index(p["return_to"]) >= stages.index(step.stage):
            raise _fail(wf, f"{where}.return_to", f"{p['return_to']!r} is not a stage before {step.stage}")
    if "since_step" in p:
        other = wf.steps_by_name.get(p["since_step"])
        if other is None or other.field(p["since_field"]) is None:
            raise _fail(
                wf, f"{where}.since_step", f"{p['since_step']}.{p['since_field']} is not a field of the workflow"
            )
    for i, item in enumerate(p.get("items", [])):
        other = wf.steps_by_name.get(item.get("step", "")) if isinstance(item, dict) else None
        if other is None or other.evidence_kind(item.get("evidence", "")) is None:
            raise _fail(wf, f"{where}.items[{i}]", f"{item!r} does not name a step and one of its evidence kinds")
        if "flag" in item and item["flag"] not in wf.flags:
            raise _fail(wf, f"{where}.items[{i}].flag", f"{item['flag']!r} is not a declared flag")


def check_steps(wf: Workflow) -> None:
    """What each step holds on its own: no auditor's step, every name its rules and waiver give
    is its own. Raise WorkflowError naming the file, the place and the problem."""
    for step in wf.steps():
        if "auditor" in step.roles:
            raise _fail(wf, f"{step.name}.roles", "an auditor reads and verifies but changes nothing (Arts. 38–39)")
        for spec in step.rules:
            _check_own(wf, step, spec)
        if step.waiver.flag and step.waiver.flag not in wf.flags:
            raise _fail(wf, f"{step.name}.waiver.flag", f"{step.waiver.flag!r} is not a declared flag")


def check_links(wf: Workflow) -> None:
    """Every step and stage that a rule or an outcome route names, run after the procedure's
    invariants (so a removed legal gate is named as such, not as a dangling reference)."""
    stage_names = [s.name for s in wf.stages]
    for step in wf.steps():
        for spec in step.rules:
            _check_links(wf, step, spec)
        if step.outcome is not None:
            for value, route in step.outcome.routes.items():
                if route.startswith("return:") and route[7:] not in stage_names:
                    raise _fail(wf, f"{step.name}.outcome.routes.{value}", f"no stage {route[7:]!r}")
