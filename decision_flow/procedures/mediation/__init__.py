"""People's mediation (人民调解) by a people's mediation committee, 人民调解法 (in force
2011-01-01) and, for judicial confirmation, the Civil Procedure Law Art. 205: the procedure's
articles, legal gates, locality setting, demonstration case and (in :mod:`.invariants`) what no
locality's workflow file may break.

Citations: "Mediation Law Art. N" (人民调解法); "CPL Art. 205" (民事诉讼法); "MoJ Mediation Rules
Art. 33" (司法部《人民调解工作若干规定》, whose "normally within one month" is not taken as binding).
"""

from __future__ import annotations

from decision_flow.definition.workflow import Title
from decision_flow.procedures.mediation.demo import DEMO
from decision_flow.procedures.mediation.invariants import LEGAL_GATES, check_invariants
from decision_flow.procedures.model import Articles, Column, Procedure, Setting, report_in

ORDER_ARTICLE = "Mediation Law Arts. 17–33"  # application, registration, mediators, sessions, ending
DATES_ARTICLE = "Mediation Law Art. 27"  # registration, records and agreements filed by case
FLAGS_ARTICLE = "Mediation Law Art. 33"  # the one flag: the parties jointly seek confirmation

SETTINGS = (
    # MoJ 人民调解工作若干规定 Art. 33: "normally" within one month; unconfirmed as binding, so a
    # period the locality sets, after which a conclusion is marked late, never refused.
    Setting(
        "conclusion_period",
        "period",
        ("county", "township"),
        "MoJ Mediation Rules Art. 33",
        "setting.conclusion_period",
    ),
)

LEDGER = (
    Column("case_number", Title("登记编号", "Case no."), "registration", "case_number"),
    Column("registered_on", Title("登记日期", "Registered on"), "registration", "registered_on"),
    Column("initiated_by", Title("启动方式", "Initiated by"), "application", "initiated_by"),
    Column("result", Title("调解结果", "Result"), "ending", "result"),
    Column("concluded_on", Title("结束日期", "Concluded on"), "ending", "concluded_on"),
    Column("effective_on", Title("协议生效日期", "Effective on"), "agreement", "effective_on"),
    Column("performance", Title("履行情况", "Performance"), "supervision", "performance"),
)

PROCEDURE = Procedure(
    key="mediation",
    articles=Articles(order=ORDER_ARTICLE, dates=DATES_ARTICLE, flags=FLAGS_ARTICLE),
    check=check_invariants,
    record=Title("人民调解案件审计记录", "Audit record of a people's mediation case"),
    case=Title("调解案件", "mediation case"),
    gates=LEGAL_GATES,
    demo=DEMO,
    settings=SETTINGS,
    ledger=LEDGER,
    opened=(("application", "received_on"),),
    annual=report_in("decision_flow.procedures.mediation.annual"),
)
