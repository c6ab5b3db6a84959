"""The legal invariants no locality's workflow file for people's mediation (人民调解) may break
(人民调解法 Arts. 17-33; CPL Art. 205).

A locality may add stages, fields and stricter rules; it may not mediate against a party's
express refusal, drop the registration, the mediators, the work record, the other routes told on
failure, the signatures and seal that make an agreement effective, or lengthen the 30 days for
judicial confirmation. :func:`check_invariants` refuses a workflow that does, naming the file,
the place and the rule.
"""

from __future__ import annotations

from decision_flow.core.i18n import Cited
from decision_flow.definition.workflow import RuleSpec, Step, Workflow
from decision_flow.procedures.common import fail as _fail
from decision_flow.procedures.common import has_rule as _has
from decision_flow.procedures.common import require_stages

APPLICATION, WILLINGNESS, REGISTRATION = "application", "willingness", "registration"
ASSIGNMENT, SESSIONS = "assignment", "sessions"
ENDING, AGREEMENT, SUPERVISION, CONFIRMATION = "ending", "agreement", "supervision", "judicial_confirmation"
# The stages in the law's order; a file may add its own between them, never drop or reorder these.
STAGES = (APPLICATION, WILLINGNESS, REGISTRATION, ASSIGNMENT, SESSIONS, ENDING, AGREEMENT, SUPERVISION, "confirmation")
LEGAL_GATES = (WILLINGNESS, REGISTRATION, ASSIGNMENT, SESSIONS, ENDING, AGREEMENT)  # never skipped
NEVER_WAIVED = {
    APPLICATION: "Mediation Law Art. 17",
    WILLINGNESS: "Mediation Law Arts. 17–18",
    REGISTRATION: "Mediation Law Art. 27",
    ASSIGNMENT: "Mediation Law Art. 19",
    SESSIONS: "Mediation Law Art. 27",
    ENDING: "Mediation Law Art. 26",
    AGREEMENT: "Mediation Law Arts. 28–30",
    SUPERVISION: "Mediation Law Art. 31",
}
SIGNATURES = ("parties_signed", "mediator_signed", "committee_sealed")  # Art. 29
CONFIRMATION_DAYS = 30  # calendar days from the agreement taking effect (Art. 33; CPL Art. 205)


def _step(wf: Workflow, name: str, article: str) -> Step:
    step = wf.steps_by_name.get(name)
    if step is None:
        raise _fail(wf, "stages", "wf.med.step_missing", name=name, article=Cited(article))
    return step


def _required(wf: Workflow, step: Step, fields: tuple[str, ...], evidence: tuple[str, ...], article: str) -> None:
    for name in fields:
        f = step.field(name)
        if f is None or not f.required:
            raise _fail(wf, f"{step.name}.fields", "wf.med.required_field", name=name, article=Cited(article))
    for kind in evidence:
        e = step.evidence_kind(kind)
        if e is None or not e.required:
            raise _fail(wf, f"{step.name}.evidence", "wf.med.required_evidence", name=kind, article=Cited(article))


def _check_stages(wf: Workflow) -> None:
    require_stages(wf, STAGES, "Mediation Law Arts. 17–33", "wf.med.order")
    for name, cited in NEVER_WAIVED.items():
        step = _step(wf, name, cited)
        if step.waiver.policy != "never":
            raise _fail(wf, f"{name}.waiver", "wf.never_waived", name=name, article=Cited(cited))


def _check_refusal(wf: Workflow) -> None:
    """No mediation against a party's express refusal (Arts. 17-18)."""
    _required(wf, _step(wf, APPLICATION, "Mediation Law Art. 17"), ("initiated_by",), (), "Mediation Law Art. 17")
    step = _step(wf, WILLINGNESS, "Mediation Law Arts. 17–18")
    _required(wf, step, ("party_refused",), (), "Mediation Law Arts. 17–18")
    if not _has(step, "blocks_leaving", field="party_refused", value=True):
        raise _fail(wf, f"{WILLINGNESS}.rules", "wf.med.refusal")


def _check_mediation(wf: Workflow) -> None:
    _required(wf, _step(wf, REGISTRATION, "Mediation Law Art. 27"), ("registered_on",), (), "Mediation Law Art. 27")
    assignment = _step(wf, ASSIGNMENT, "Mediation Law Art. 19")
    _required(wf, assignment, ("mediators",), (), "Mediation Law Art. 19")
    if not any(
        spec.kind == "min_items" and spec.params.get("field") == "mediators" and int(spec.params.get("min", 0)) >= 1
        for spec in assignment.rules
    ):
        raise _fail(wf, f"{ASSIGNMENT}.rules", "wf.med.mediators")
    if not _has(assignment, "blocks_leaving", field="parties_consented", value=False):
        raise _fail(wf, f"{ASSIGNMENT}.rules", "wf.med.consent")
    _required(wf, _step(wf, SESSIONS, "Mediation Law Art. 27"), (), ("work_record",), "Mediation Law Art. 27")


def _check_ending(wf: Workflow) -> None:
    conclusion = _step(wf, ENDING, "Mediation Law Art. 26")
    _required(wf, conclusion, ("result", "concluded_on"), (), "Mediation Law Art. 26")
    routes = conclusion.outcome.routes if conclusion.outcome and conclusion.outcome.field == "result" else {}
    told = _has(conclusion, "required_when", field="routes_told", when="result", value="failed")
    stops = _has(conclusion, "blocks_leaving", field="result", value="failed")
    if routes.get("failed") != "close" or routes.get("agreement") != "advance" or not told or not stops:
        raise _fail(wf, f"{ENDING}.rules", "wf.med.failure")
    agreement = _step(wf, AGREEMENT, "Mediation Law Arts. 28–30")
    _required(wf, agreement, ("form", "effective_on", *SIGNATURES), ("agreement_record",), "Mediation Law Arts. 28–30")
    for name in SIGNATURES:
        if not _has(agreement, "field_equals", field=name, value=True):
            raise _fail(wf, f"{AGREEMENT}.rules", "wf.med.effective", name=name)


def _within(spec: RuleSpec) -> bool:
    period = spec.params.get("period")
    return (
        spec.params.get("refuse") is True  # a late application is not accepted: refused, not marked
        and isinstance(period, dict)
        and period.get("unit") == "calendar"
        and isinstance(period.get("days"), int)
        and period["days"] <= CONFIRMATION_DAYS
    )


def _check_confirmation(wf: Workflow) -> None:
    step = _step(wf, CONFIRMATION, "Mediation Law Art. 33")
    _required(wf, step, ("applied_on", "joint_application"), (), "Mediation Law Art. 33")
    if not _has(step, "field_equals", field="joint_application", value=True):
        raise _fail(wf, f"{CONFIRMATION}.rules", "wf.med.joint")
    span = {"since_step": AGREEMENT, "since_field": "effective_on", "field": "applied_on"}
    deadlines = [s for s in step.rules if s.kind == "deadline" and all(s.params.get(k) == v for k, v in span.items())]
    if not any(_within(spec) for spec in deadlines):
        raise _fail(wf, f"{CONFIRMATION}.rules", "wf.med.confirmation", days=CONFIRMATION_DAYS)


def check_invariants(wf: Workflow) -> None:
    """Raise WorkflowError naming the file, the place and the broken invariant."""
    _check_stages(wf)
    _check_refusal(wf)
    _check_mediation(wf)
    _check_ending(wf)
    _check_confirmation(wf)
