"""What the annual report counts of the year's people's mediation (人民调解法): the disputes by
how mediation ended (Arts. 28-29), the success rate (agreements of the mediations concluded),
agreements applied for judicial confirmation (Art. 33) and how they were performed (Art. 31)."""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.annual import OPEN, Annual, Case, Days, by_value, count, rate, total

CASES = Title("人民调解矛盾纠纷", "Disputes brought to people's mediation")
SUCCESS = Title("调解成功率", "Success rate of mediation")
CONFIRMED = Title("申请司法确认的调解协议", "Agreements brought for judicial confirmation")
PERFORMED = Title("调解协议履行情况（回访）", "Agreements performed (follow-up visits)")


def annual(cases: list[Case], days: Days) -> Annual:
    if not cases:
        return Annual.of([total("mediation.cases", "disputes", CASES, cases)])
    concluded = [c for c in cases if c.done("ending")]
    agreed = [c for c in concluded if c.value("ending", "result") == "agreement"]
    confirmed = [c for c in cases if c.done("judicial_confirmation")]
    visited = [c for c in cases if c.done("supervision")]
    figures = [
        total("mediation.cases", "disputes", CASES, cases, by_value(cases, "ending", "result", OPEN)),
        rate("mediation.success_rate", "disputes", SUCCESS, agreed, concluded),
        count(
            "mediation.confirmed",
            "disputes",
            CONFIRMED,
            confirmed,
            by_value(confirmed, "judicial_confirmation", "ruling"),
        ),
        count("mediation.performed", "disputes", PERFORMED, visited, by_value(visited, "supervision", "performance")),
    ]
    return Annual.of(figures)
