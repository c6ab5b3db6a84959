"""The penalty case a demonstration walks: 沙河乡 fines a workshop that dumped waste water into a
river. Filed on 2025-09-01; the prior notice of 2025-09-26 falls before the National Day holiday
(2025-10-01..08), so the party's hearing request of 2025-10-09 is still within 5 working days
(2025-09-28, an adjusted working Sunday, counts); the hearing is held 7 working days after its
notice (2025-10-11, an adjusted working Saturday, counts); the legal review agrees; the head's
collective discussion decides within 90 days; the decision is delivered and published within 7
working days. The walk tries one skip (from the notice straight to the decision), which the
engine must refuse. (Dated 2025, the year of the other demonstrations, so that a kept
demonstration database makes a whole annual report.)
"""

from __future__ import annotations

from datetime import date

from decision_flow.procedures.model import Act, Demo

OFFICER = "li_zhifa"


def _record(step: str, fields: list[str], evidence: tuple[str, ...] = ()) -> Act:
    return Act("record", OFFICER, step, tuple(fields), evidence)


DEMO = Demo(
    title="沙河乡某加工作坊向河道排放污水案",
    workflow="enforcement-decision",
    flags=("hearing_eligible", "legal_review_required", "complex_or_major"),
    today=date(2025, 11, 20),
    users=((OFFICER, "officer"),),
    acts=(
        _record(
            "filing",
            [
                "filed_on=2025-09-01",
                "case_number=沙综执罚立〔2025〕12号",
                "case_summary=某加工作坊未经处理向河道排放生产污水",
                "party=某加工作坊（经营者王某）",
            ],
            ("filing_form",),
        ),
        Act("advance", OFFICER),
        _record(
            "investigation",
            [
                "investigators=张执法,李执法",
                "investigators_certified=true",
                "findings=2025年8月起多次直排污水，有监测报告和现场检查笔录为证",
            ],
            ("transcripts",),
        ),
        Act("advance", OFFICER),
        _record(
            "prior_notice",
            [
                "notice=given",
                "notified_on=2025-09-26",
                "proposed_penalty=罚款人民币五万元（依据某条例第某条）",
                "rights_told=陈述,申辩,听证",
            ],
            ("notice_letter",),
        ),
        Act("skip", OFFICER, to="case_decision"),
        Act("advance", OFFICER),
        _record(
            "statement",
            [
                "statement_made=true",
                "statement_on=2025-10-09",
                "recheck=当事人称已整改，经复核违法事实成立",
                "not_heavier_for_defence=true",
            ],
            ("statement_record",),
        ),
        Act("advance", OFFICER),
        _record(
            "hearing",
            [
                "hearing_requested=true",
                "requested_on=2025-10-09",
                "hearing_notice_on=2025-10-10",
                "held_on=2025-10-20",
                "presiding_officer=赵法制（非本案调查人员）",
                "presiding_not_investigator=true",
                "party_absent=false",
            ],
            ("hearing_transcript",),
        ),
        Act("advance", OFFICER),
        _record(
            "legal_review",
            [
                "reviewer=孙审核",
                "reviewer_first_time=true",
                "reviewer_qualified=true",
                "opinion=agree",
                "reviewed_on=2025-10-27",
            ],
            ("review_opinion",),
        ),
        Act("advance", OFFICER),
        _record(
            "case_decision",
            [
                "outcome=penalty",
                "decided_on=2025-10-31",
                "decided_by=沙河乡人民政府乡长",
                "collective_discussion=true",
                "penalty=罚款人民币五万元",
            ],
            ("decision_document", "discussion_record"),
        ),
        Act("advance", OFFICER),
        _record("delivery", ["delivered_on=2025-11-05", "method=served"], ("proof_of_service",)),
        Act("advance", OFFICER),
        _record("publicity", ["published_on=2025-11-06", "where_published=沙河乡人民政府门户网站"]),
        Act("advance", OFFICER),
    ),
)
