"""Administrative penalty, ordinary procedure (行政处罚普通程序), 行政处罚法 (2021), with the legal
review of major enforcement decisions (重大执法决定法制审核, Art. 58 and 国办发〔2018〕118号): the
procedure's articles, legal gates, demonstration case, case ledger and (in :mod:`.invariants`)
what no locality's workflow file may break.

Citations: "Penalty Law Art. 64(2)" is item (2) of Art. 64 of 行政处罚法; "GOB 118 §12" is item
（十二） of 国办发〔2018〕118号.
"""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.enforcement_decision.demo import DEMO
from decision_flow.procedures.enforcement_decision.invariants import (
    DECISION,
    DELIVERY,
    LEGAL_GATES,
    ORDER_ARTICLE,
    check_invariants,
)
from decision_flow.procedures.model import Articles, Column, Procedure, report_in

DATES_ARTICLE = "Penalty Law Art. 47"  # the full-process record (全过程记录) of the case
FLAGS_ARTICLE = "Penalty Law Arts. 48, 57–58, 63"  # hearing, legal review, collective discussion, publicity

LEDGER = (
    Column("case_number", Title("案号", "Case no."), "filing", "case_number"),
    Column("filed_on", Title("立案日期", "Filed on"), "filing", "filed_on"),
    Column("outcome", Title("处理决定", "Outcome"), DECISION, "outcome"),
    Column("decided_on", Title("决定日期", "Decided on"), DECISION, "decided_on"),
    Column("delivered_on", Title("送达日期", "Delivered on"), DELIVERY, "delivered_on"),
)

PROCEDURE = Procedure(
    key="enforcement-decision",
    articles=Articles(order=ORDER_ARTICLE, dates=DATES_ARTICLE, flags=FLAGS_ARTICLE),
    check=check_invariants,
    record=Title("行政处罚案件审计记录", "Audit record of an administrative penalty case"),
    case=Title("行政处罚案件", "penalty case"),
    gates=LEGAL_GATES,
    demo=DEMO,
    ledger=LEDGER,
    opened=(("filing", "filed_on"),),
    annual=report_in("decision_flow.procedures.enforcement_decision.annual"),
)
