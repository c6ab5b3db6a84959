"""The legal invariants no locality's workflow file for normative documents may break
(国办发〔2018〕115号 §§3–7; Organic Law Art. 75 at county level and above).

A province or locality may make the procedure stricter (a longer shortest review, a shorter
longest one, fewer meeting types); it may not remove, reorder or weaken the legal gates.
:func:`check_invariants` refuses a workflow that does, naming the file, the place and the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from decision_flow.core.i18n import Cited
from decision_flow.definition.workflow import Step, Workflow
from decision_flow.procedures.common import fail as _fail
from decision_flow.procedures.common import require_stages
from decision_flow.procedures.common import rules_of as _rules

SCOPE, SUBMISSION, REVIEW, REVISION, DELIBERATION = (
    "scope_test",
    "submission",
    "legality_review",
    "revision",
    "deliberation",
)
REGISTRATION, PUBLICATION, FILING = "registration", "publication", "filing"
CONSULTATION = ("assessment", "public_consultation")
# The stages in the law's order; a file may add its own between them, never drop or reorder these.
STAGES = ("scope", "consultation", "submission", REVIEW, REVISION, DELIBERATION, REGISTRATION, PUBLICATION, FILING)
# Steps of the drafting unit: whoever recorded one may not act on the review (115 §4).
DRAFTING_STEPS = (SCOPE, *CONSULTATION, SUBMISSION)
LEGAL_GATES = (REVIEW, DELIBERATION, REGISTRATION)  # never skipped: a jump over one names it
NEVER_WAIVED = {  # the steps no locality may make waivable, with what says so
    SCOPE: "GOB 115 §3",
    SUBMISSION: "GOB 115 §5",
    REVIEW: "GOB 115 §7",
    REVISION: "GOB 115 §6",
    DELIBERATION: "GOB 115 §7",
    REGISTRATION: "GOB 37",
    PUBLICATION: "Disclosure Regs Art. 20",
    FILING: "Filing Regs Art. 25",
}
OPINIONS = {"lawful", "unlawful", "must_revise"}  # 合法 / 不合法 / 应当予以修改 (115 §6)
MIN_REVIEW, MAX_REVIEW = 5, 15  # working days (115 §5)
COUNTY_MEETINGS = {"standing_meeting", "plenary_meeting"}
# Township forms of deliberation are the locality's (the rules digest marks them unconfirmed).


def _step(wf: Workflow, name: str, stage: str, article: str) -> Step:
    step = wf.steps_by_name.get(name)
    if step is None or step.stage != stage:
        raise _fail(wf, "stages", "wf.nd.step_missing", name=name, stage_name=stage, article=Cited(article))
    return step


def _required(wf: Workflow, step: Step, fields: Iterable[str], evidence: Iterable[str], article: str) -> None:
    for name in fields:
        f = step.field(name)
        if f is None or not f.required:
            raise _fail(wf, f"{step.name}.fields", "wf.nd.required_field", name=name, article=Cited(article))
    for kind in evidence:
        e = step.evidence_kind(kind)
        if e is None or not e.required:
            raise _fail(wf, f"{step.name}.evidence", "wf.nd.required_evidence", name=kind, article=Cited(article))


def _days(review: Step, kind: str, exception: str, pick: Callable[[list[int]], int]) -> int | None:
    """The days of the strictest `kind` rule counting from the submission to the opinion whose
    only exception is the field `exception` (None if there is none)."""
    span = {"from_step": SUBMISSION, "from": "submitted_on", "to": "opinion_on"}
    found = [
        spec.params["days"]
        for spec in _rules(review, kind, **span)
        if spec.params.get("unless") in (None, exception) and type(spec.params.get("days")) is int
    ]
    return pick(found) if found else None


def _check_stages(wf: Workflow) -> None:
    require_stages(wf, STAGES, "GOB 115 §§3–7", "wf.nd.order")
    for name, cited in NEVER_WAIVED.items():
        step = wf.steps_by_name.get(name)
        if step is not None and step.waiver.policy != "never":
            raise _fail(wf, f"{name}.waiver", "wf.never_waived", name=name, article=Cited(cited))


def _check_scope(wf: Workflow) -> None:
    step = _step(wf, SCOPE, "scope", "GOB 115 §3")
    routes = step.outcome.routes if step.outcome and step.outcome.field == "scope" else {}
    if routes.get("in_scope") != "advance" or routes.get("out_of_scope") != "close":
        raise _fail(wf, f"{SCOPE}.outcome", "wf.nd.scope_routes")
    if not _rules(step, "required_when", field="scope_reason", when="scope", value="out_of_scope"):
        raise _fail(wf, f"{SCOPE}.rules", "wf.nd.scope_reason")


def _check_consultation(wf: Workflow) -> None:
    for name, setting in zip(CONSULTATION, ("assessment_required", "consultation_required"), strict=True):
        step = _step(wf, name, "consultation", "Organic Law Art. 75")
        w = step.waiver
        if wf.level == "county" and w.policy != "never":
            raise _fail(wf, f"{name}.waiver", "wf.nd.county_mandatory", name=name)
        if w.policy not in ("never", "unless_setting") or (w.policy == "unless_setting" and w.setting != setting):
            raise _fail(wf, f"{name}.waiver", "wf.nd.waived_by_setting", name=name, setting=setting)
    consultation = wf.step("public_consultation")
    period = _rules(consultation, "min_period", **{"from": "opened_on", "to": "closed_on"})
    if not any(spec.from_settings.get("period") == "consultation_period" for spec in period):
        raise _fail(wf, "public_consultation.rules", "wf.nd.consultation_period")
    _required(wf, consultation, (), ("consultation_record",), "GOB 115 §5")


def _check_review(wf: Workflow) -> None:
    _required(wf, _step(wf, SUBMISSION, "submission", "GOB 115 §5"), ("submitted_on",), (), "GOB 115 §5")
    _required(wf, wf.step(SUBMISSION), (), ("draft", "explanation", "drafting_unit_opinion"), "GOB 115 §5")
    review = _step(wf, REVIEW, REVIEW, "GOB 115 §5")
    if review.roles != ("legal_reviewer",):
        raise _fail(wf, f"{REVIEW}.roles", "wf.nd.reviewer")
    _required(wf, review, ("review_form", "opinion", "opinion_on"), ("legality_opinion",), "GOB 115 §§5–7")
    opinion = review.field("opinion")
    if opinion is None or opinion.type != "enum" or set(opinion.choices) != OPINIONS:
        raise _fail(wf, f"{REVIEW}.fields.opinion", "wf.nd.opinion")
    if not _rules(review, "field_equals", field="review_form", value="written_review"):
        raise _fail(wf, f"{REVIEW}.rules", "wf.nd.written")
    least = _days(review, "min_working_days", "urgency_reason", max)
    if least is None or least < MIN_REVIEW:
        raise _fail(wf, f"{REVIEW}.rules", "wf.nd.least", days=MIN_REVIEW)
    most = _days(review, "max_working_days", "overdue_reason", min)
    if most is None or not least <= most <= MAX_REVIEW:
        raise _fail(wf, f"{REVIEW}.rules", "wf.nd.most", most=MAX_REVIEW, least=least)
    if not _rules(review, "blocks_leaving", field="opinion", value="unlawful"):
        raise _fail(wf, f"{REVIEW}.rules", "wf.unlawful_blocks", article=Cited("GOB 115 §7"))
    if not _rules(review, "blocks_leaving", field="packet_complete", value=False):
        raise _fail(wf, f"{REVIEW}.rules", "wf.nd.packet")


def _check_deliberation(wf: Workflow) -> None:
    revision = _step(wf, REVISION, REVISION, "GOB 115 §6")
    account = {"field": "revision_account", "when_step": REVIEW, "when": "opinion", "value": "must_revise"}
    if not _rules(revision, "required_when", **account):
        raise _fail(wf, f"{REVISION}.rules", "wf.nd.revision_account")
    reasons = {"field": "non_adoption_reasons", "when": "opinion_fully_adopted", "value": False}
    if not _rules(revision, "required_when", **reasons):
        raise _fail(wf, f"{REVISION}.rules", "wf.nd.non_adoption")
    meeting = _step(wf, DELIBERATION, DELIBERATION, "GOB 115 §7")
    if "executive" not in meeting.roles or meeting.outcome is None:
        raise _fail(wf, DELIBERATION, "wf.nd.deliberation")
    for field, allowed in (("review_form", {"written_review"}), ("opinion", {"lawful", "must_revise"})):
        gates = _rules(meeting, "requires_outcome", prior_step=REVIEW, prior_field=field)
        if not any(isinstance(g.params["values"], list) and set(g.params["values"]) <= allowed for g in gates):
            among = ", ".join(sorted(allowed))
            raise _fail(wf, f"{DELIBERATION}.rules", "wf.nd.deliberation_gate", name=f"{REVIEW}.{field}", allowed=among)
    kind = meeting.field("meeting_type")
    if kind is None or kind.type != "enum" or not kind.required:
        raise _fail(wf, f"{DELIBERATION}.fields", "wf.nd.meeting_type")
    if wf.level == "county" and not set(kind.choices) <= COUNTY_MEETINGS:
        raise _fail(wf, f"{DELIBERATION}.fields.meeting_type", "wf.nd.county_meeting")


def _check_issue(wf: Workflow) -> None:
    registration = _step(wf, REGISTRATION, REGISTRATION, "GOB 37")
    _required(wf, registration, ("registration_number", "document_number", "issued_on"), (), "GOB 37")
    _required(wf, _step(wf, PUBLICATION, PUBLICATION, "Organic Law Art. 75"), ("published_on",), (), "Art. 75")
    filing = _step(wf, FILING, FILING, "Filing Regs Art. 25")
    _required(wf, filing, ("filed_on",), (), "Filing Regs Art. 25")
    due = _rules(filing, "deadline", field="filed_on")
    if not any(spec.from_settings.get("period") == "filing_deadline" for spec in due):
        raise _fail(wf, f"{FILING}.rules", "wf.nd.filing")


def check_invariants(wf: Workflow) -> None:
    """Raise WorkflowError naming the file, the place and the broken invariant."""
    _check_stages(wf)
    _check_scope(wf)
    _check_consultation(wf)
    _check_review(wf)
    _check_deliberation(wf)
    _check_issue(wf)
