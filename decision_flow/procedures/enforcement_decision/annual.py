"""What the annual report counts of the year's ordinary-procedure penalty cases (行政处罚法,
国办发〔2018〕118号): the cases by outcome (Art. 57), those that went through the legal review
before the decision (法制审核, Art. 58) or were lawfully spared it, hearings held (Art. 64), and
the decision, delivery and publicity on time (Arts. 60, 61, 48)."""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.annual import (
    OPEN,
    RECORDED,
    WAIVED,
    Annual,
    Case,
    Days,
    by_value,
    count,
    part,
    spread,
    timeliness,
    total,
)

CASES = Title("行政处罚案件（普通程序）", "Penalty cases (ordinary procedure)")
LEGAL_REVIEW = Title("重大执法决定法制审核", "Legal review before the decision (法制审核)")
REVIEW_OPINIONS = Title("重大执法决定法制审核意见", "Opinions of the legal reviews before penalty decisions")
HEARINGS = Title("举行听证的案件", "Cases with a hearing held")
DECIDED = Title("行政处罚决定按期作出", "Decisions made within the time limit")
DELIVERED = Title("行政处罚决定书按期送达", "Decisions delivered on time")
PUBLICISED = Title("行政处罚决定按期公示", "Decisions publicised on time")


def annual(cases: list[Case], days: Days) -> Annual:
    if not cases:
        return Annual.of([total("enforcement-decision.cases", "enforcement", CASES, cases)])
    reviewed = [c for c in cases if c.done("legal_review")]
    spared = [c for c in cases if c.waived("legal_review")]
    heard = [c for c in cases if c.done("hearing") and c.value("hearing", "held_on")]
    figures = [
        total(
            "enforcement-decision.cases", "enforcement", CASES, cases, by_value(cases, "case_decision", "outcome", OPEN)
        ),
        spread(
            "enforcement-decision.legal_review",
            "enforcement",
            LEGAL_REVIEW,
            (part("reviewed", RECORDED, reviewed), part("spared", WAIVED, spared)),
        ),
        count(
            "enforcement-decision.review_opinions",
            "reviews",
            REVIEW_OPINIONS,
            reviewed,
            by_value(reviewed, "legal_review", "opinion"),
        ),
        count("enforcement-decision.hearings", "enforcement", HEARINGS, heard),
        timeliness("enforcement-decision.decided", "oversight", DECIDED, cases, ("case_decision",)),
        timeliness("enforcement-decision.delivered", "oversight", DELIVERED, cases, ("delivery",)),
        timeliness("enforcement-decision.publicised", "oversight", PUBLICISED, cases, ("publicity",)),
    ]
    return Annual.of(figures)
