"""The legal invariants no locality's workflow file for the administrative penalty procedure
(行政处罚法 2021, ordinary procedure, with 国办发〔2018〕118号's legal review) may break: the
stages in the law's order, the steps never waived, at least two certified officers, no decision
without the prior notice or the party's express waiver, a hearing the flagged penalties cannot
waive, the legal review the flag makes mandatory with its qualification rule and a failed review
stopping the case, the 90-day decision clock, and the Law's 5- and 7-day periods counted in
working days (Art. 85) and never lengthened.

A locality may add stages, fields and stricter rules or shorten a period; it may not remove,
reorder or weaken these. :func:`check_invariants` refuses a workflow that does, naming the file,
the place and the rule.
"""

from __future__ import annotations

from decision_flow.core.i18n import Cited
from decision_flow.definition.workflow import Step, Workflow
from decision_flow.procedures.common import fail as _fail
from decision_flow.procedures.common import has_rule as _has
from decision_flow.procedures.common import require_stages

FILING, INVESTIGATION, NOTICE, STATEMENT, HEARING = "filing", "investigation", "prior_notice", "statement", "hearing"
LEGAL_REVIEW, DECISION, DELIVERY, PUBLICITY = "legal_review", "case_decision", "delivery", "publicity"
STAGES = (FILING, INVESTIGATION, NOTICE, STATEMENT, HEARING, LEGAL_REVIEW, DECISION, DELIVERY, PUBLICITY)
ORDER_ARTICLE = "Penalty Law Arts. 54–65"
# Never skipped: no decision without the investigation, the notice, the hearing of the defence
# and (where it applies) the legal review.
LEGAL_GATES = (INVESTIGATION, NOTICE, STATEMENT, HEARING, LEGAL_REVIEW, DECISION)
NEVER_WAIVED = {
    FILING: "Penalty Law Art. 54",
    INVESTIGATION: "Penalty Law Art. 54",
    NOTICE: "Penalty Law Art. 62",
    STATEMENT: "Penalty Law Art. 45",
    DECISION: "Penalty Law Art. 57",
    DELIVERY: "Penalty Law Art. 61",
}
# The steps waivable only without their flag: (flag, article).
FLAGGED = {
    HEARING: ("hearing_eligible", "Penalty Law Art. 63"),
    LEGAL_REVIEW: ("legal_review_required", "Penalty Law Art. 58; GOB 118 §12"),
}
MIN_INVESTIGATORS = 2  # Art. 42
DECISION_DAYS = 90  # calendar days from filing (Art. 60)
# (step, since step, since field, field, most working days, article): Art. 85 makes the Law's
# periods working days; GOB 118 §6 counts publicity in working days.
WORKING_PERIODS = (
    (INVESTIGATION, INVESTIGATION, "preserved_on", "preservation_decided_on", 7, "Penalty Law Arts. 56, 85"),
    (HEARING, NOTICE, "notified_on", "requested_on", 5, "Penalty Law Arts. 64(1), 85"),
    (DELIVERY, DECISION, "decided_on", "delivered_on", 7, "Penalty Law Arts. 61, 85"),
    (PUBLICITY, DECISION, "decided_on", "published_on", 7, "GOB 118 §6"),
)
HEARING_NOTICE_DAYS = 7  # working days between the hearing notice and the hearing (Art. 64(2))


def _step(wf: Workflow, name: str, article: str) -> Step:
    step = wf.steps_by_name.get(name)
    if step is None or step.stage != name:
        raise _fail(wf, "stages", "wf.enf.step_missing", name=name, article=Cited(article))
    return step


def _need(wf: Workflow, step: Step, found: bool, rule: str, article: str) -> None:
    if not found:
        raise _fail(wf, f"{step.name}.rules", "wf.enf.rule", step=step.name, rule=rule, article=Cited(article))


def _required(wf: Workflow, step: Step, fields: tuple[str, ...], evidence: tuple[str, ...], article: str) -> None:
    for name in fields:
        f = step.field(name)
        if f is None or not f.required:
            raise _fail(wf, f"{step.name}.fields", "wf.enf.required", name=name, step=step.name, article=Cited(article))
    for kind in evidence:
        e = step.evidence_kind(kind)
        if e is None or not e.required:
            raise _fail(
                wf, f"{step.name}.evidence", "wf.enf.required", name=kind, step=step.name, article=Cited(article)
            )


def _within(step: Step, since: tuple[str, str], field: str, most: int, unit: str) -> bool:
    """A `deadline` rule limits `field` to at most `most` days (`unit`) after `since` (step, field)."""
    for spec in step.rules:
        p = spec.params
        if spec.kind != "deadline" or (p.get("since_step"), p.get("since_field"), p.get("field")) != (*since, field):
            continue
        period = p["period"]
        if isinstance(period, dict) and period.get("unit") == unit and period.get("days", most + 1) <= most:
            return True
    return False


def _check_stages(wf: Workflow) -> None:
    require_stages(wf, STAGES, ORDER_ARTICLE, "wf.enf.order")
    for name, cited in NEVER_WAIVED.items():
        if _step(wf, name, cited).waiver.policy != "never":
            raise _fail(wf, f"{name}.waiver", "wf.never_waived", name=name, article=Cited(cited))
    for name, (flag, cited) in FLAGGED.items():
        w = _step(wf, name, cited).waiver
        if w.policy != "never" and (w.policy, w.flag) != ("unless_flag", flag):
            raise _fail(wf, f"{name}.waiver", "wf.enf.flagged", name=name, flag=flag, article=Cited(cited))


def _check_investigation(wf: Workflow) -> None:
    step = _step(wf, INVESTIGATION, "Penalty Law Art. 42")
    _required(wf, step, ("investigators", "investigators_certified"), ("transcripts",), "Penalty Law Arts. 42, 55")
    two = any(
        s.kind == "min_items" and s.params.get("field") == "investigators" and s.params["min"] >= MIN_INVESTIGATORS
        for s in step.rules
    )
    _need(wf, step, two, "min_items investigators ≥ 2", "Penalty Law Art. 42")
    certified = _has(step, "field_equals", field="investigators_certified", value=True)
    _need(wf, step, certified, "field_equals investigators_certified = true", "Penalty Law Art. 42")


def _check_notice(wf: Workflow) -> None:
    """No decision without the prior notice, or the party's express (written) waiver (Art. 62)."""
    notice = _step(wf, NOTICE, "Penalty Law Art. 62")
    _required(wf, notice, ("notice",), (), "Penalty Law Art. 62")
    given = _has(notice, "required_when", field="notified_on", when="notice", value="given")
    _need(wf, notice, given, "required_when notified_on (notice given)", "Penalty Law Art. 44")
    waived = _has(notice, "evidence_when", field="notice", value="waived", evidence="notice_waiver")
    _need(wf, notice, waived, "evidence_when notice_waiver (notice waived)", "Penalty Law Art. 62")
    decision = _step(wf, DECISION, "Penalty Law Art. 57")
    gate = any(
        s.kind == "requires_outcome"
        and s.params.get("prior_step") == NOTICE
        and s.params.get("prior_field") == "notice"
        and set(s.params["values"]) <= {"given", "waived"}
        for s in decision.rules
    )
    _need(wf, decision, gate, "requires_outcome notice (given or waived)", "Penalty Law Art. 62")


def _check_hearing(wf: Workflow) -> None:
    step = _step(wf, HEARING, "Penalty Law Art. 63")
    _required(wf, step, ("hearing_requested",), (), "Penalty Law Art. 63")
    spaced = any(
        s.kind == "min_working_days"
        and (s.params.get("from"), s.params.get("to")) == ("hearing_notice_on", "held_on")
        and s.params["days"] >= HEARING_NOTICE_DAYS
        and "unless" not in s.params
        for s in step.rules
    )
    _need(wf, step, spaced, "min_working_days hearing_notice_on → held_on ≥ 7", "Penalty Law Arts. 64(2), 85")
    presiding = _has(step, "field_equals", field="presiding_not_investigator", value=True)
    _need(wf, step, presiding, "field_equals presiding_not_investigator = true", "Penalty Law Art. 64(4)")
    lapsed = _has(step, "deadline", since_step=NOTICE, since_field="notified_on", field="requested_on", refuse=True)
    _need(wf, step, lapsed, "deadline requested_on refuse = true", "Penalty Law Art. 64(1)")  # a late request: no right
    signed = _has(step, "evidence_when", field="party_absent", value=False, evidence="hearing_transcript")
    _need(wf, step, signed, "evidence_when hearing_transcript", "Penalty Law Art. 64(8)")


def _check_review(wf: Workflow) -> None:
    """The legal review: its qualification rule, and a failed review stops the case (Art. 58)."""
    step = _step(wf, LEGAL_REVIEW, "Penalty Law Art. 58")
    fields = ("reviewer", "reviewer_first_time", "reviewer_qualified", "opinion", "reviewed_on")
    _required(wf, step, fields, ("review_opinion",), "Penalty Law Art. 58; GOB 118 §13")
    qualified = _has(step, "field_equals", field="reviewer_qualified", value=True, when="reviewer_first_time")
    _need(wf, step, qualified, "field_equals reviewer_qualified (first-time reviewer)", "Penalty Law Art. 58 ¶2")
    stops = _has(step, "blocks_leaving", field="opinion", value="problems")
    _need(wf, step, stops, "blocks_leaving opinion = problems", "Penalty Law Art. 58; GOB 118 §13")


def _check_periods(wf: Workflow) -> None:
    decision = _step(wf, DECISION, "Penalty Law Art. 57")
    _required(wf, decision, ("outcome", "decided_on"), (), "Penalty Law Art. 57")
    clock = _within(decision, (FILING, "filed_on"), "decided_on", DECISION_DAYS, "calendar")
    _need(wf, decision, clock, "deadline 90 days after filed_on", "Penalty Law Art. 60")
    for name, since_step, since_field, field, most, cited in WORKING_PERIODS:
        step = _step(wf, name, cited)
        found = _within(step, (since_step, since_field), field, most, "working")
        _need(wf, step, found, f"deadline {field} ≤ {most} working days", cited)


def check_invariants(wf: Workflow) -> None:
    """Raise WorkflowError naming the file, the place and the broken invariant."""
    _check_stages(wf)
    _check_investigation(wf)
    _check_notice(wf)
    _check_hearing(wf)
    _check_review(wf)
    _check_periods(wf)
