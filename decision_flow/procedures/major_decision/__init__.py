"""Major administrative decisions (重大行政决策), State Council Decree No. 713: the procedure's
articles, its legal gates, its separation of duties and (in :mod:`.invariants`) what no
locality's workflow file may break."""

from __future__ import annotations

from decision_flow.definition.workflow import Title, Workflow
from decision_flow.procedures.major_decision.demo import DEMO
from decision_flow.procedures.major_decision.invariants import (
    CONSULTATION_STEPS,
    LEGAL_GATES,
    LEGALITY,
    check_invariants,
)
from decision_flow.procedures.model import Articles, Duty, Procedure

ORDER_ARTICLE = "Chs. 2–3"  # stages in the order of the Decree's sections (R1)
DATES_ARTICLE = "Arts. 30, 33"  # true and complete records (R26)
FLAGS_ARTICLE = "Arts. 26–27"  # flags decide the consultation owed before legality review
REVIEW_ARTICLE = "Arts. 25–28"  # the legality review is the reviewing body's, not the undertaking unit's


def _drafting_and_consultation(wf: Workflow) -> list[str]:
    return [st.name for st in wf.steps() if st.name == "drafting" or st.consultation or st.name in CONSULTATION_STEPS]


# Art. 36 (the post-decision evaluator is never who did the pre-decision assessments) becomes
# a second Duty here when the evaluation stage exists.
PROCEDURE = Procedure(
    key="major-decision",
    articles=Articles(order=ORDER_ARTICLE, dates=DATES_ARTICLE, flags=FLAGS_ARTICLE),
    check=check_invariants,
    record=Title("重大行政决策审计记录", "Audit record of a major administrative decision"),
    case=Title("决策", "decision"),
    gates=LEGAL_GATES,
    duties=(Duty(LEGALITY, _drafting_and_consultation, "independent_review", REVIEW_ARTICLE, "sod.review"),),
    demo=DEMO,
)
