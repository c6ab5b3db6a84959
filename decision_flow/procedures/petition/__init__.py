"""Petitions (信访), 信访工作条例 (2022): the procedure's articles, legal gates, demonstration
walk, petition ledger (Art. 41's annual counts come from it) and (in :mod:`.invariants`) what
no locality's workflow file may break.

Citations: "Petition Regs Art. 23 ¶2" is Art. 23, paragraph 2 of 信访工作条例.
"""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.model import Articles, Column, Procedure, report_in
from decision_flow.procedures.petition.demo import DEMO, SAMPLE
from decision_flow.procedures.petition.invariants import ACCEPTANCE, LEGAL_GATES, OPINION, check_invariants

ORDER_ARTICLE = "Petition Regs Arts. 19–36"  # registration, notice, handling, opinion, review, re-review
DATES_ARTICLE = "Petition Regs Art. 21"  # registration in the petition information system: true records
FLAGS_ARTICLE = "Petition Regs Art. 21"  # the procedure takes no flags

LEDGER = (
    Column("received_on", Title("收到日期", "Received on"), "registration", "received_on"),
    Column("channel", Title("信访形式", "Channel"), "registration", "channel"),
    Column("disposition", Title("处理方式", "Disposition"), ACCEPTANCE, "disposition"),
    Column("accepted_on", Title("受理日期", "Accepted on"), ACCEPTANCE, "accepted_on"),
    Column("opinion", Title("处理意见", "Opinion"), OPINION, "opinion"),
    Column("opinion_on", Title("出具意见日期", "Opinion on"), OPINION, "opinion_on"),
)

PROCEDURE = Procedure(
    key="petition",
    articles=Articles(order=ORDER_ARTICLE, dates=DATES_ARTICLE, flags=FLAGS_ARTICLE),
    check=check_invariants,
    record=Title("信访事项办理审计记录", "Audit record of a petition"),
    case=Title("信访事项", "petition"),
    gates=LEGAL_GATES,
    demo=DEMO,
    samples=(SAMPLE,),
    ledger=LEDGER,
    opened=(("registration", "received_on"),),
    annual=report_in("decision_flow.procedures.petition.annual"),
)
