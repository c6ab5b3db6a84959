"""The legal invariants no locality's workflow file for petitions may break (信访工作条例 2022):
the stages in the regulation's order, the gates never waived, the written notice within 15
days, the objection within 5 working days, diversion to statutory channels ending the case, the
written opinion within 60 days extendable once by at most 30 with approval and notice, review
and re-review each within 30 days, and no new acceptance of a re-reviewed matter (Art. 36 ¶3).

A locality may add stages and fields or shorten a period; it may not remove, reorder or weaken
these. :func:`check_invariants` refuses a workflow that does, naming the file, the place and the rule.
"""

from __future__ import annotations

from decision_flow.core.i18n import Cited
from decision_flow.definition.workflow import Step, Workflow
from decision_flow.procedures.common import fail as _fail
from decision_flow.procedures.common import require_stages
from decision_flow.procedures.common import rules_of as _rules

REGISTRATION, ACCEPTANCE, HANDLING, OPINION, REVIEW, RE_REVIEW = (
    "registration",
    "acceptance",
    "handling",
    "opinion",
    "review",
    "re_review",
)
STAGES = (REGISTRATION, ACCEPTANCE, HANDLING, OPINION, REVIEW, RE_REVIEW)
LEGAL_GATES = (ACCEPTANCE, OPINION)  # never skipped: no answer without acceptance, no review without an answer
NEVER_WAIVED = {
    REGISTRATION: "Petition Regs Art. 21",
    ACCEPTANCE: "Petition Regs Art. 23",
    HANDLING: "Petition Regs Art. 31",
    OPINION: "Petition Regs Art. 32",
    REVIEW: "Petition Regs Art. 35",
    RE_REVIEW: "Petition Regs Art. 36",
}
OPINIONS = {"support", "explain", "not_support"}  # 支持 / 解释说明 / 不予支持 (Art. 32)
NOTICE_DAYS, OBJECTION_DAYS, ANSWER_DAYS, MAX_EXTENSION, REVIEW_DAYS, MAX_REPRESENTATIVES = 15, 5, 60, 30, 30, 5


def _step(wf: Workflow, name: str) -> Step:
    step = wf.steps_by_name.get(name)
    if step is None or step.stage != name:
        raise _fail(wf, "stages", "wf.pt.step_missing", name=name, stage_name=name, article=Cited(NEVER_WAIVED[name]))
    return step


def _need(wf: Workflow, step: Step, found: bool, rule: str, article: str) -> None:
    if not found:
        raise _fail(wf, f"{step.name}.rules", "wf.pt.rule", step=step.name, rule=rule, article=Cited(article))


def _required(wf: Workflow, step: Step, fields: tuple[str, ...], evidence: tuple[str, ...], article: str) -> None:
    for name in fields:
        f = step.field(name)
        if f is None or not f.required:
            raise _fail(wf, f"{step.name}.fields", "wf.pt.required", name=name, step=step.name, article=Cited(article))
    for kind in evidence:
        e = step.evidence_kind(kind)
        if e is None or not e.required:
            raise _fail(
                wf, f"{step.name}.evidence", "wf.pt.required", name=kind, step=step.name, article=Cited(article)
            )


def _within(
    step: Step, since: tuple[str, str], field: str, most: int, unit: str = "calendar", barred: bool = False
) -> bool:
    """A `deadline` rule limits `field` to at most `most` days (`unit`) after `since` (step,
    field); a `barred` period (the right lapses with it) is refused, not marked (``refuse = true``)."""
    for spec in _rules(step, "deadline", since_step=since[0], since_field=since[1], field=field):
        period = spec.params["period"]
        if barred and spec.params.get("refuse") is not True:
            continue
        if isinstance(period, dict) and period.get("unit") == unit and period.get("days", most + 1) <= most:
            return True
    return False


def _routes(wf: Workflow, step: Step, field: str, expected: dict[str, str], article: str) -> None:
    routes = step.outcome.routes if step.outcome and step.outcome.field == field else {}
    if any(routes.get(k) != v for k, v in expected.items()):
        shown = ", ".join(f"{k} → {v}" for k, v in expected.items())
        raise _fail(
            wf,
            f"{step.name}.outcome",
            "wf.pt.routes",
            step=step.name,
            field=field,
            routes=shown,
            article=Cited(article),
        )


def _check_stages(wf: Workflow) -> None:
    require_stages(wf, STAGES, "Petition Regs Arts. 19–36", "wf.pt.order")
    for name, cited in NEVER_WAIVED.items():
        if _step(wf, name).waiver.policy != "never":
            raise _fail(wf, f"{name}.waiver", "wf.never_waived", name=name, article=Cited(cited))


def _check_intake(wf: Workflow) -> None:
    reg = _step(wf, REGISTRATION)
    _required(wf, reg, ("received_on", "form", "request"), ("petition_material",), "Petition Regs Art. 19")
    capped = [s for s in _rules(reg, "max_items", field="representatives") if s.params["max"] <= MAX_REPRESENTATIVES]
    _need(wf, reg, bool(capped), "max_items representatives ≤ 5", "Petition Regs Arts. 19–20")
    whistle = _rules(reg, "evidence_when", field="contains_whistleblowing", evidence="whistleblowing_material")
    _need(wf, reg, bool(whistle), "evidence_when whistleblowing_material", "Petition Regs Arts. 30, 46")
    acc = _step(wf, ACCEPTANCE)
    _required(wf, acc, ("disposition", "notified_on"), ("acknowledgement_notice",), "Petition Regs Art. 23")
    since = (REGISTRATION, "received_on")
    _need(wf, acc, _within(acc, since, "notified_on", NOTICE_DAYS), "deadline 15", "Petition Regs Art. 23 ¶2")
    objection = _within(acc, since, "objection_on", OBJECTION_DAYS, "working")
    _need(wf, acc, objection, "deadline 5 working days", "Petition Regs Art. 23 ¶3")
    _routes(wf, acc, "disposition", {"accepted": "advance", "diverted": "close"}, "Petition Regs Arts. 28, 31")
    diverted = _rules(acc, "required_when", field="diverted_to", when="disposition", value="diverted")
    _need(wf, acc, bool(diverted), "required_when diverted_to", "Petition Regs Arts. 28, 31")
    final = _rules(acc, "blocks_leaving", field="same_matter_re_reviewed", value=True)
    _need(wf, acc, bool(final), "blocks_leaving same_matter_re_reviewed", "Petition Regs Art. 36 ¶3")


def _check_answer(wf: Workflow) -> None:
    _step(wf, HANDLING)
    op = _step(wf, OPINION)
    _required(wf, op, ("opinion", "opinion_on", "delivered_on"), ("opinion_letter",), "Petition Regs Art. 32")
    field = op.field("opinion")
    if field is None or set(field.choices) != OPINIONS:
        raise _fail(
            wf,
            f"{OPINION}.fields.opinion",
            "wf.pt.required",
            name="opinion",
            step=OPINION,
            article=Cited("Petition Regs Art. 32"),
        )
    span = {"since_step": ACCEPTANCE, "since_field": "accepted_on", "field": "opinion_on"}
    good = [
        s
        for s in _rules(op, "deadline_extended", **span)
        if s.params["days"] <= ANSWER_DAYS
        and s.params.get("max_extension", MAX_EXTENSION + 1) <= MAX_EXTENSION
        and "approved" in s.params
        and "notice" in s.params
    ]
    _need(wf, op, bool(good), "deadline_extended 60 + ≤30", "Petition Regs Art. 32")
    for name, since in ((REVIEW, (OPINION, "delivered_on")), (RE_REVIEW, (REVIEW, "delivered_on"))):
        step = _step(wf, name)
        article = NEVER_WAIVED[name]
        barred = _within(step, since, "requested_on", REVIEW_DAYS, barred=True)
        _need(wf, step, barred, "deadline 30, refuse = true", article)
        answered = _within(step, (name, "requested_on"), "answered_on", REVIEW_DAYS) or any(
            s.params["days"] <= REVIEW_DAYS
            for s in _rules(step, "deadline_extended", since_step=name, since_field="requested_on", field="answered_on")
        )
        _need(wf, step, answered, "deadline 30", article)
        _routes(wf, step, name, {"requested": "advance"}, article)


def check_invariants(wf: Workflow) -> None:
    """Raise WorkflowError naming the file, the place and the broken invariant."""
    _check_stages(wf)
    _check_intake(wf)
    _check_answer(wf)
