"""The legal invariants no locality's workflow file may break (Decree 713, Arts. 25–30, 42–43).

A province or county may make the procedure stricter; it may not remove or reorder the legal
gates. :func:`check_invariants` refuses a workflow that does.
"""

from __future__ import annotations

from decision_flow.errors import WorkflowError
from decision_flow.rules import RULE_KINDS
from decision_flow.workflow import Step, Workflow

LEGALITY, COLLECTIVE = "legality_review", "collective_decision"
CONSULTATION_STEPS = ("public_participation", "expert_review", "risk_assessment")


def _fail(wf: Workflow, where: str, problem: str) -> WorkflowError:
    return WorkflowError(f"{wf.source}: {where}: {problem}")


def _rule_param(step: Step, kind: str, param: str) -> int | None:
    values = [r.params[param] for r in step.rules if r.kind == kind]
    return max(values) if values else None


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
        if (step.consultation or step.name in CONSULTATION_STEPS) and (
            wf.stage_index(step.stage) >= legality
        ):
            raise _fail(wf, f"{step.stage}.{step.name}",
                        "every consultation step must come before legality_review (Arts. 26–27)")
        for spec in step.rules:
            for key in ("field", "from", "to", "unless", "when", "dissent", "decision", "reasons"):
                name = spec.params.get(key)
                if isinstance(name, str) and key in RULE_KINDS[spec.kind].params + RULE_KINDS[
                    spec.kind
                ].optional and step.field(name) is None:
                    raise _fail(wf, f"{step.name}.rules.{spec.kind}.{key}",
                                f"{name!r} is not a field of step {step.name}")
        if step.waiver.flag and step.waiver.flag not in wf.flags:
            raise _fail(wf, f"{step.name}.waiver.flag", f"{step.waiver.flag!r} is not a declared flag")
    review = wf.step(LEGALITY)
    days = _rule_param(review, "min_working_days", "days")
    if days is None or days < 7:
        raise _fail(wf, f"{LEGALITY}.rules", "legality review needs min_working_days of at least 7 (Art. 26)")
    if not any(r.kind == "blocks_leaving" and r.params.get("value") == "unlawful" for r in review.rules):
        raise _fail(wf, f"{LEGALITY}.rules", "an unlawful opinion must block the stage (Art. 25)")
    if "legal_reviewer" not in review.roles:
        raise _fail(wf, f"{LEGALITY}.roles", "the legality review is done by a legal_reviewer (Art. 25)")
    participation = wf.step("public_participation")
    period = _rule_param(participation, "min_days", "days")
    if period is None or period < 30:
        raise _fail(wf, "public_participation.rules", "the comment period needs min_days of at least 30 (Art. 15)")
    meeting = wf.step(COLLECTIVE)
    if meeting.outcome is None:
        raise _fail(wf, f"{COLLECTIVE}.outcome", "the meeting's outcome routes are missing (Art. 30)")
    if "executive" not in meeting.roles:
        raise _fail(wf, f"{COLLECTIVE}.roles", "the collective decision is recorded by an executive (Art. 30)")
    for value, route in meeting.outcome.routes.items():
        if route.startswith("return:") and route[7:] not in stage_names:
            raise _fail(wf, f"{COLLECTIVE}.outcome.routes.{value}", f"no stage {route[7:]!r}")
