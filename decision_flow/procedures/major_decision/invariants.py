"""The legal invariants no locality's workflow file may break (Decree 713, Arts. 25–30, 42–43).

A province or county may make the procedure stricter; it may not remove or reorder the legal
gates. :func:`check_invariants` refuses a workflow that does.
"""

from __future__ import annotations

from decision_flow.core.errors import WorkflowError
from decision_flow.definition.workflow import RuleSpec, Step, Workflow
from decision_flow.rules import FIELD_PARAMS, RULE_KINDS

LEGALITY, COLLECTIVE = "legality_review", "collective_decision"
LEGAL_GATES = (LEGALITY, COLLECTIVE)  # never waived, never skipped
CONSULTATION_STEPS = ("public_participation", "expert_review", "risk_assessment")


def _fail(wf: Workflow, where: str, problem: str) -> WorkflowError:
    return WorkflowError(f"{wf.source}: {where}: {problem}")


def _check_references(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every field, evidence kind, flag, step and stage a rule names exists where it must."""
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


def _rule(step: Step, kind: str, **params: object) -> RuleSpec | None:
    """The first rule of `kind` on `step` whose parameters include `params`."""
    for spec in step.rules:
        if spec.kind == kind and all(spec.params.get(k) == v for k, v in params.items()):
            return spec
    return None


def check_invariants(wf: Workflow) -> None:
    """Raise WorkflowError naming the file, the place and the broken invariant."""
    stage_names = [s.name for s in wf.stages]
    for gate in (LEGALITY, COLLECTIVE):
        if gate not in stage_names:
            raise _fail(wf, "stages", f"the {gate} stage is missing (Arts. 25, 30: never skipped)")
    legality, collective = stage_names.index(LEGALITY), stage_names.index(COLLECTIVE)
    if legality > collective:
        raise _fail(wf, "stages", "legality_review must come before collective_decision (Art. 25)")
    for gate, article in ((LEGALITY, "Art. 25"), (COLLECTIVE, "Art. 30")):
        for step in wf.stage(gate).steps:
            if step.waiver.policy != "never":
                raise _fail(wf, f"{gate}.{step.name}.waiver", f"{gate} can never be waived ({article})")
    for name in CONSULTATION_STEPS:
        if name not in wf.steps_by_name:
            raise _fail(wf, "stages", f"the consultation step {name} is missing (Arts. 14, 19, 22)")
    for step in wf.steps():
        if (step.consultation or step.name in CONSULTATION_STEPS) and (wf.stage_index(step.stage) >= legality):
            raise _fail(
                wf,
                f"{step.stage}.{step.name}",
                "every consultation step must come before legality_review (Arts. 26–27)",
            )
        if "auditor" in step.roles:
            raise _fail(wf, f"{step.name}.roles", "an auditor reads and verifies but changes nothing (Arts. 38–39)")
        for spec in step.rules:
            _check_references(wf, step, spec)
        if step.waiver.flag and step.waiver.flag not in wf.flags:
            raise _fail(wf, f"{step.name}.waiver.flag", f"{step.waiver.flag!r} is not a declared flag")
    review = wf.step(LEGALITY)
    gate_rule = _rule(review, "min_working_days", **{"from": "submitted_on", "to": "opinion_on"})
    if gate_rule is None or gate_rule.params["days"] < 7:
        raise _fail(wf, f"{LEGALITY}.rules", "legality review needs min_working_days of at least 7 (Art. 26)")
    if _rule(review, "blocks_leaving", field="opinion", value="unlawful") is None:
        raise _fail(wf, f"{LEGALITY}.rules", "an unlawful opinion must block the stage (Art. 25)")
    if "legal_reviewer" not in review.roles:
        raise _fail(wf, f"{LEGALITY}.roles", "the legality review is done by a legal_reviewer (Art. 25)")
    participation = wf.step("public_participation")
    period: RuleSpec | None = _rule(participation, "min_days", **{"from": "opened_on", "to": "closed_on"})
    if period is None or "when" in period.params or period.params["days"] < 30:
        raise _fail(wf, "public_participation.rules", "the comment period needs min_days of at least 30 (Art. 15)")
    meeting = wf.step(COLLECTIVE)
    if meeting.outcome is None:
        raise _fail(wf, f"{COLLECTIVE}.outcome", "the meeting's outcome routes are missing (Art. 30)")
    if "executive" not in meeting.roles:
        raise _fail(wf, f"{COLLECTIVE}.roles", "the collective decision is recorded by an executive (Art. 30)")
    for value, route in meeting.outcome.routes.items():
        if route.startswith("return:") and route[7:] not in stage_names:
            raise _fail(wf, f"{COLLECTIVE}.outcome.routes.{value}", f"no stage {route[7:]!r}")
