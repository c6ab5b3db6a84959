"""What the annual report counts of the year's major decisions (Decree 713): the decisions by
where they stand and by what the meeting decided (Art. 30), the statutory procedures each went
through or was lawfully spared (Chs. 2-3), their legality reviews with the time each took against
the 7 working days Art. 26 leaves the reviewer, and publication on time (Art. 32)."""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.annual import (
    OPEN,
    Annual,
    Case,
    Days,
    Figure,
    by_value,
    count,
    part,
    review_times,
    spread,
    summed,
    timeliness,
    total,
)

CASES = Title("重大行政决策", "Major administrative decisions")
ARCHIVED = Title("已完成全部程序并归档", "through every procedure and archived")
REJECTED = Title("经集体讨论未予通过", "not adopted by the meeting")
# Art. 3 ¶2's five procedures, each a step of the shipped files.
PROCEDURES = (
    ("public_participation", Title("公众参与", "public participation")),
    ("expert_review", Title("专家论证", "expert argumentation")),
    ("risk_assessment", Title("风险评估", "risk assessment")),
    ("legality_review", Title("合法性审查", "legality review")),
    ("collective_decision", Title("集体讨论决定", "collective decision")),
)
MEETING_STEP = "collective_decision"
FIVE = Title("履行法定程序的决策（按程序）", "Decisions through each statutory procedure")
FIVE_WAIVED = Title("依法不适用的程序（按程序）", "Procedures not applicable by law (by procedure)")
MEETING = Title("集体讨论决定结果", "Decisions of the meetings")
REVIEWS = Title("重大行政决策合法性审查", "Legality reviews of major decisions")
REVIEW_TIME = (
    Title("重大行政决策合法性审查平均用时", "Average time of a major decision's legality review"),
    Title("重大行政决策合法性审查（按审查用时）", "Legality reviews of major decisions, by the time taken"),
)
OPINIONS = Title("公众参与收到的意见", "Opinions received in public participation")
ADOPTED = Title("采纳（含部分采纳）", "adopted (in whole or in part)")
PUBLISHED = Title("重大行政决策按期公开", "Major decisions published on time")


def annual(cases: list[Case], days: Days) -> Annual:
    if not cases:
        return Annual.of([total("major-decision.cases", "decisions", CASES, cases)])
    stands = (
        part("archived", ARCHIVED, (c for c in cases if c.status == "archived")),
        part("rejected", REJECTED, (c for c in cases if c.status == "rejected")),
        part("open", OPEN, (c for c in cases if c.status == "active")),
    )
    done = [part(step, title, (c for c in cases if c.done(step))) for step, title in PROCEDURES]
    waived = [part(step, title, (c for c in cases if c.waived(step))) for step, title in PROCEDURES]
    decided = [c for c in cases if c.done(MEETING_STEP)]
    reviewed = [c for c in cases if c.done("legality_review")]
    times, timing = review_times(
        "major-decision.review_days",
        "reviews",
        REVIEW_TIME,
        reviewed,
        days,
        ("legality_review", "submitted_on"),
        ("legality_review", "opinion_on"),
    )
    figures: list[Figure | list[Figure] | None] = [
        total("major-decision.cases", "decisions", CASES, cases, stands),
        spread("major-decision.procedures", "decisions", FIVE, done),
        spread("major-decision.waived", "decisions", FIVE_WAIVED, waived),
        summed(
            "major-decision.opinions",
            "decisions",
            OPINIONS,
            "opinions",
            cases,
            ("public_participation", "opinions_received"),
            ("opinions_adopted", ADOPTED),
        ),
        count(
            "major-decision.meeting", "decisions", MEETING, decided, by_value(decided, MEETING_STEP, "head_decision")
        ),
        count("major-decision.reviews", "reviews", REVIEWS, reviewed, by_value(reviewed, "legality_review", "opinion")),
        timing,
        timeliness("major-decision.published", "oversight", PUBLISHED, cases, ("publication",)),
    ]
    return Annual.of(figures, times)
