"""The major decision `dflow demo` walks: Shahe township (沙河乡) relocates its farmers' market.

A stability risk and a market-affecting matter, so risk assessment and a fair-competition
review are required; expert argumentation is waived with a reason. The walk tries one skip
(from drafting straight to legality review), which the engine must refuse. Dates in 2025,
inside the official calendar data.
"""

from __future__ import annotations

from datetime import date

from decision_flow.procedures.model import Act, Demo

OFFICER, REVIEWER, EXECUTIVE = "zhang_wei", "li_sifasuo", "wang_xiangzhang"


def _record(step: str, actor: str, fields: list[str], evidence: tuple[str, ...] = ()) -> Act:
    return Act("record", actor, step, tuple(fields), evidence)


DEMO = Demo(
    title="沙河乡农贸市场搬迁方案",
    workflow="major-decision-township",
    flags=("stability_risk", "market_affecting"),
    today=date(2025, 7, 1),
    users=((OFFICER, "officer"), (REVIEWER, "legal_reviewer"), (EXECUTIVE, "executive")),
    acts=(
        _record(
            "initiation",
            OFFICER,
            [
                "proposer_kind=organ_leader",
                "proposed_by=乡长办公会",
                "undertaking_unit=沙河乡经济发展办公室",
                "start_approved_on=2025-03-03",
                "catalogue_item=2025-03",
            ],
        ),
        Act("advance", OFFICER),
        _record(
            "drafting",
            OFFICER,
            [
                "legal_basis=《农产品批发市场管理办法》《河南省集贸市场管理条例》",
                "alternatives=2",
                "units_consulted=县市场监管局,县自然资源局",
            ],
            ("draft",),
        ),
        Act("skip", OFFICER, to="legality_review"),
        Act("advance", OFFICER),
        _record(
            "public_participation",
            OFFICER,
            [
                "opened_on=2025-04-01",
                "closed_on=2025-05-06",
                "channels=乡政府网站,村务公开栏,群众座谈会",
                "opinions_received=46",
                "opinions_adopted=19",
            ],
            ("notice", "opinion_handling"),
        ),
        Act("waive", OFFICER, "expert_review", reason="非专业性、技术性事项（乡长办公会认定）"),
        _record(
            "risk_assessment",
            OFFICER,
            ["completed_on=2025-05-16", "assessed_by=沙河乡综治中心", "risk_level=medium", "controllable=true"],
            ("risk_report",),
        ),
        Act("advance", OFFICER),
        _record(
            "legality_review",
            REVIEWER,
            [
                "submitted_on=2025-05-19",
                "opinion_on=2025-05-30",
                "reviewer_unit=沙河乡司法所",
                "legal_adviser=河南某律师事务所 李律师",
                "opinion=lawful_with_revisions",
            ],
            ("review_packet", "legality_opinion"),
        ),
        Act("advance", REVIEWER),
        _record(
            "collective_decision",
            EXECUTIVE,
            [
                "meeting_type=township_office_meeting",
                "held_on=2025-06-05",
                "stances=王乡长:agree,赵副乡长:agree,陈委员:disagree,刘委员:agree",
                "head_decision=approved",
                "dissent=陈委员：新址距东部三个村较远，建议增设早市班车",
            ],
            ("minutes", "fair_competition_review"),
        ),
        Act("advance", EXECUTIVE),
        _record("party_report", OFFICER, ["reported_on=2025-06-09", "party_committee=中共沙河乡委员会"]),
        Act("advance", OFFICER),
        _record(
            "publication", OFFICER, ["published_on=2025-06-16", "channels=乡政府网站,村务公开栏"], ("publication_copy",)
        ),
        Act("advance", OFFICER),
        _record("archiving", OFFICER, ["archived_on=2025-06-30", "archive_ref=SHX-2025-ZD-003"]),
        Act("advance", OFFICER),
    ),
)
