"""What the annual report counts of the year's petitions (信访工作条例): the petitions by how they
were taken up (Arts. 22-24), the opinions given (Art. 32), the time limits kept (Arts. 22, 33)
and the requests for review and re-review (Arts. 35, 36)."""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.annual import OPEN, Annual, Case, Days, by_value, count, part, spread, timeliness, total

CASES = Title("信访事项", "Petitions")
OPINIONS = Title("出具处理意见的信访事项", "Petitions answered with a written opinion")
IN_TIME = Title("信访事项按期受理、办结", "Petitions taken up and answered within the time limits")
FURTHER = Title("请求复查、复核的信访事项", "Petitions taken to review or re-review")
REVIEW = Title("请求复查", "review requested")
RE_REVIEW = Title("请求复核", "re-review requested")


def annual(cases: list[Case], days: Days) -> Annual:
    if not cases:
        return Annual.of([total("petition.cases", "disputes", CASES, cases)])
    answered = [c for c in cases if c.done("opinion")]
    figures = [
        total("petition.cases", "disputes", CASES, cases, by_value(cases, "acceptance", "disposition", OPEN)),
        count("petition.opinions", "disputes", OPINIONS, answered, by_value(answered, "opinion", "opinion")),
        timeliness("petition.in_time", "oversight", IN_TIME, cases, ("acceptance", "opinion")),
        spread(
            "petition.further",
            "disputes",
            FURTHER,
            (
                part("review", REVIEW, (c for c in cases if c.value("review", "review") == "requested")),
                part("re_review", RE_REVIEW, (c for c in cases if c.value("re_review", "re_review") == "requested")),
            ),
        ),
    ]
    return Annual.of(figures)
