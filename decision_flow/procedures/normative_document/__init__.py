"""Legality review of administrative normative documents (行政规范性文件合法性审核),
国办发〔2018〕115号 and, at county level and above, Art. 75 of the Organic Law of local
governments: the procedure's articles, legal gates, separation of duties, locality settings,
review ledger (合法性审核台账, 115 §9) and (in :mod:`.invariants`) what no locality's workflow
file may break.

Citations: "GOB 115 §5" is item （五） of 国办发〔2018〕115号; "GOB 37" the notice 国办发〔2018〕37号
(its text unread, so cited whole); "Organic Law Art. 75"; "Filing Regs Art. 25" (法规规章备案审查条例).
"""

from __future__ import annotations

from decision_flow.definition.workflow import Title, Workflow
from decision_flow.procedures.model import Articles, Column, Duty, Procedure, Setting, report_in
from decision_flow.procedures.normative_document.invariants import (
    DELIBERATION,
    DRAFTING_STEPS,
    LEGAL_GATES,
    REVIEW,
    check_invariants,
)

ORDER_ARTICLE = "GOB 115 §§3–7"  # scope, packet, review, opinion, then deliberation, in that order
DATES_ARTICLE = "GOB 115 §9"  # the review ledger: true records, in their order
FLAGS_ARTICLE = "GOB 115 §3"  # the procedure takes no flags; what is in scope is the scope test's
REVIEW_ARTICLE = "GOB 115 §4"  # the reviewing body is designated, not the drafting unit

BOTH = ("county", "township")
SETTINGS = (
    # No national deadline: the province's filing rule governs (Filing Regs Art. 25).
    Setting("filing_deadline", "period", BOTH, "Filing Regs Art. 25", "setting.filing_deadline"),
    # 国办发〔2018〕37号, unread here, may give a shortest period; provinces do.
    Setting("consultation_period", "period", BOTH, "provincial rule", "setting.consultation_period"),
    # Organic Law Art. 75 binds county level and above; for townships (115 §4) it is the locality's.
    Setting("assessment_required", "bool", ("township",), "GOB 115 §4", "setting.assessment_required"),
    Setting("consultation_required", "bool", ("township",), "GOB 115 §4", "setting.consultation_required"),
)

LEDGER = (
    Column("drafting_unit", Title("起草单位", "Drafting unit"), "scope_test", "drafting_unit"),
    Column("submitted_on", Title("送审日期", "Submitted on"), "submission", "submitted_on"),
    Column("opinion_on", Title("出具意见日期", "Opinion on"), REVIEW, "opinion_on"),
    Column(
        "working_days",
        Title("审核用时（工作日）", "Working days"),
        REVIEW,
        "opinion_on",
        ("submission", "submitted_on"),
    ),
    Column("opinion", Title("审核意见", "Opinion"), REVIEW, "opinion"),
    Column("deliberated_on", Title("审议日期", "Deliberated on"), DELIBERATION, "held_on"),
    Column("registration_number", Title("登记号", "Registration no."), "registration", "registration_number"),
    Column("document_number", Title("文号", "Document no."), "registration", "document_number"),
    Column("filed_on", Title("报备日期", "Filed on"), "filing", "filed_on"),
)


def _drafting(wf: Workflow) -> list[str]:
    return [name for name in DRAFTING_STEPS if name in wf.steps_by_name]


PROCEDURE = Procedure(
    key="normative-document",
    articles=Articles(order=ORDER_ARTICLE, dates=DATES_ARTICLE, flags=FLAGS_ARTICLE),
    check=check_invariants,
    record=Title("行政规范性文件合法性审核审计记录", "Audit record of a normative document's legality review"),
    case=Title("审核", "review"),
    gates=LEGAL_GATES,
    duties=(Duty(REVIEW, _drafting, "independent_review", REVIEW_ARTICLE, "sod.nd_review"),),
    settings=SETTINGS,
    ledger=LEDGER,
    opened=(("submission", "submitted_on"), ("scope_test", "scope_decided_on")),
    annual=report_in("decision_flow.procedures.normative_document.annual"),
)
