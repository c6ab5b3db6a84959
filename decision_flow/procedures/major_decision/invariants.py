"""The legal invariants no locality's workflow file may break (Decree 713, Arts. 25–30, 42–43).

A province or county may make the procedure stricter; it may not remove or reorder the legal
gates. :func:`check_invariants` refuses a workflow that does.
"""

from __future__ import annotations

from decision_flow.core.i18n import Cited
from decision_flow.definition.workflow import RuleSpec, Step, Workflow
from decision_flow.procedures.common import fail as _fail

LEGALITY, COLLECTIVE = "legality_review", "collective_decision"
LEGAL_GATES = (LEGALITY, COLLECTIVE)  # never waived, never skipped
CONSULTATION_STEPS = ("public_participation", "expert_review", "risk_assessment")


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
            raise _fail(wf, "stages", "wf.stage_missing", name=gate, article=Cited("Arts. 25, 30"))
    legality, collective = stage_names.index(LEGALITY), stage_names.index(COLLECTIVE)
    if legality > collective:
        raise _fail(wf, "stages", "wf.md.order")
    for gate, article in ((LEGALITY, "Art. 25"), (COLLECTIVE, "Art. 30")):
        for step in wf.stage(gate).steps:
            if step.waiver.policy != "never":
                raise _fail(wf, f"{gate}.{step.name}.waiver", "wf.never_waived", name=gate, article=Cited(article))
    for name in CONSULTATION_STEPS:
        if name not in wf.steps_by_name:
            raise _fail(wf, "stages", "wf.md.consultation_missing", name=name)
    for step in wf.steps():
        if (step.consultation or step.name in CONSULTATION_STEPS) and (wf.stage_index(step.stage) >= legality):
            raise _fail(wf, f"{step.stage}.{step.name}", "wf.md.consultation_late")
    review = wf.step(LEGALITY)
    gate_rule = _rule(review, "min_working_days", **{"from": "submitted_on", "to": "opinion_on"})
    if gate_rule is None or gate_rule.params["days"] < 7:
        raise _fail(wf, f"{LEGALITY}.rules", "wf.md.review_days")
    if _rule(review, "blocks_leaving", field="opinion", value="unlawful") is None:
        raise _fail(wf, f"{LEGALITY}.rules", "wf.unlawful_blocks", article=Cited("Art. 25"))
    if "legal_reviewer" not in review.roles:
        raise _fail(wf, f"{LEGALITY}.roles", "wf.md.reviewer")
    participation = wf.step("public_participation")
    period: RuleSpec | None = _rule(participation, "min_days", **{"from": "opened_on", "to": "closed_on"})
    if period is None or "when" in period.params or period.params["days"] < 30:
        raise _fail(wf, "public_participation.rules", "wf.md.comment_days")
    meeting = wf.step(COLLECTIVE)
    if meeting.outcome is None:
        raise _fail(wf, f"{COLLECTIVE}.outcome", "wf.md.outcome")
    if "executive" not in meeting.roles:
        raise _fail(wf, f"{COLLECTIVE}.roles", "wf.md.executive")
