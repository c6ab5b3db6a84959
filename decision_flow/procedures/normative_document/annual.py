"""What the annual report counts of the year's legality reviews of normative documents
(国办发〔2018〕115号): the documents by the reviewer's opinion (§6), how long each review took
against the shortest time §5 leaves the reviewer, and publication and filing on time."""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.annual import Annual, Case, Days, Figure, by_value, part, review_times, timeliness, total

CASES = Title("行政规范性文件合法性审核", "Legality reviews of normative documents")
OUT_OF_SCOPE = Title("经认定不属于行政规范性文件", "found not to be a normative document")
NO_OPINION = Title("审核中", "under review")
REVIEW_TIME = (
    Title("行政规范性文件合法性审核平均用时", "Average time of a normative document's legality review"),
    Title("行政规范性文件合法性审核（按审核用时）", "Legality reviews of normative documents, by the time taken"),
)
PUBLISHED = Title("行政规范性文件按期公布", "Normative documents published on time")
FILED = Title("行政规范性文件按期报备", "Normative documents filed on time")


def annual(cases: list[Case], days: Days) -> Annual:
    if not cases:
        return Annual.of([total("normative-document.cases", "reviews", CASES, cases)])
    out = [c for c in cases if c.value("scope_test", "scope") == "out_of_scope"]
    within = [c for c in cases if c not in out]
    parts = [*by_value(within, "legality_review", "opinion", NO_OPINION), part("out_of_scope", OUT_OF_SCOPE, out)]
    reviewed = [c for c in within if c.done("legality_review")]
    times, timing = review_times(
        "normative-document.review_days",
        "reviews",
        REVIEW_TIME,
        reviewed,
        days,
        ("submission", "submitted_on"),
        ("legality_review", "opinion_on"),
    )
    figures: list[Figure | list[Figure] | None] = [
        total("normative-document.cases", "reviews", CASES, cases, parts),
        timing,
        timeliness("normative-document.published", "oversight", PUBLISHED, within, ("publication",)),
        timeliness("normative-document.filed", "oversight", FILED, within, ("filing",)),
    ]
    return Annual.of(figures, times)
