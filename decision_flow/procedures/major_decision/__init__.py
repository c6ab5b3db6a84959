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
from decision_flow.procedures.model import Articles, Consultation, Duty, Life, Procedure, report_in

ORDER_ARTICLE = "Chs. 2–3"  # stages in the order of the Decree's sections (R1)
DATES_ARTICLE = "Arts. 30, 33"  # true and complete records (R26)
FLAGS_ARTICLE = "Arts. 26–27"  # flags decide the consultation owed before legality review
REVIEW_ARTICLE = "Arts. 25–28"  # the legality review is the reviewing body's, not the undertaking unit's


def _drafting_and_consultation(wf: Workflow) -> list[str]:
    return [st.name for st in wf.steps() if st.name == "drafting" or st.consultation or st.name in CONSULTATION_STEPS]


# After the decision (Arts. 34-37). The pre-decision assessments are public participation (which
# the undertaking unit organises, Art. 14), expert argumentation and risk assessment; their
# units and persons never evaluate the same decision (Art. 36).
LIFE = Life(
    implementation="Art. 34",
    feedback="Art. 35",
    suspension="Arts. 35, 37",
    evaluation="Art. 36",
    adjustment="Art. 37",
    grounds=("missed_goals", "many_objections", "found_necessary"),
    conclusions=("continue", "adjust", "stop"),
    assessments=CONSULTATION_STEPS,
    assessors=(("initiation", "undertaking_unit"), ("expert_review", "experts"), ("risk_assessment", "assessed_by")),
)

# The public's comments on the draft (Arts. 14-15): the consultation page takes them while the
# period runs; how each was handled goes into the meeting packet (Art. 29).
CONSULTATION = Consultation(
    step="public_participation",
    opened="opened_on",
    closed="closed_on",
    channels="channels",
    received="opinions_received",
    adopted="opinions_adopted",
    handling="opinion_handling",
    hidden_flag="non_disclosable",
    web_channel="网上征求意见",  # the value written into `channels`, as officers type theirs
    article="Art. 15",
    handling_article="Art. 29",
)

PROCEDURE = Procedure(
    key="major-decision",
    articles=Articles(order=ORDER_ARTICLE, dates=DATES_ARTICLE, flags=FLAGS_ARTICLE),
    check=check_invariants,
    record=Title("重大行政决策审计记录", "Audit record of a major administrative decision"),
    case=Title("决策", "decision"),
    gates=LEGAL_GATES,
    duties=(Duty(LEGALITY, _drafting_and_consultation, "independent_review", REVIEW_ARTICLE, "sod.review"),),
    demo=DEMO,
    life=LIFE,
    opened=(("initiation", "start_approved_on"),),
    annual=report_in("decision_flow.procedures.major_decision.annual"),
    consultation=CONSULTATION,
)
