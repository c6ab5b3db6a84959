"""The legal invariants no locality's workflow file may break (Decree 713, Arts. 25–30, 42–43).

A province or county may make the procedure stricter; it may not remove or reorder the legal
gates. :func:`check_invariants` refuses a workflow that does.
"""

from __future__ import annotations

from decision_flow.core.errors import WorkflowError
from decision_flow.definition.workflow import RuleSpec, Step, Workflow

LEGALITY, COLLECTIVE = "legality_review", "collective_decision"
LEGAL_GATES = (LEGALITY, COLLECTIVE)  # never waived, never skipped
CONSULTATION_STEPS = ("public_participation", "expert_review", "risk_assessment")


def _fail(wf: Workflow, where: str, problem: str) -> WorkflowError:
    return WorkflowError(f"{wf.source}: {where}: {problem}")


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
