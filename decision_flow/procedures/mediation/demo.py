"""The people's mediation case `dflow demo --workflow mediation` walks: a boundary dispute between
two neighbouring households of Shahe township (沙河乡), settled by a written agreement that the
parties then jointly bring to the basic-level court for judicial confirmation.

The parties are described, not named ("甲方", "乙方"). The walk tries one skip (from the
application straight to the sessions, past registration and the mediators), which the engine
must refuse. Dates in 2025, inside the official calendar data.
"""

from __future__ import annotations

from datetime import date

from decision_flow.procedures.model import Act, Demo

MEDIATOR = "chen_tiaojie"


def _record(step: str, fields: list[str], evidence: tuple[str, ...] = ()) -> Act:
    return Act("record", MEDIATOR, step, tuple(fields), evidence)


DEMO = Demo(
    title="沙河乡东村宅基地边界纠纷",
    workflow="mediation",
    flags=("confirmation_sought",),
    today=date(2025, 5, 30),
    users=((MEDIATOR, "officer"),),
    acts=(
        _record(
            "application",
            [
                "initiated_by=party_application",
                "received_on=2025-04-07",
                "parties=甲方（东村三组村民）,乙方（东村三组村民）",
                "dispute_summary=相邻两户因宅基地界墙位置发生争执",
            ],
        ),
        Act("skip", MEDIATOR, to="sessions"),
        Act("advance", MEDIATOR),
        _record("willingness", ["party_refused=false", "acceptance=accepted"]),
        Act("advance", MEDIATOR),
        _record(
            "registration",
            ["registered_on=2025-04-08", "case_number=沙调〔2025〕12号", "committee=东村人民调解委员会"],
        ),
        Act("advance", MEDIATOR),
        _record("assignment", ["mediators=陈调解员", "chosen_by=committee_assigned"]),
        Act("advance", MEDIATOR),
        _record("sessions", ["first_session_on=2025-04-10", "sessions_held=2", "place=东村村委会"], ("work_record",)),
        Act("advance", MEDIATOR),
        _record("ending", ["result=agreement", "concluded_on=2025-04-18"]),
        Act("advance", MEDIATOR),
        _record(
            "agreement",
            [
                "form=written",
                "facts_and_issues=界墙越界约0.3米，双方各有责任",
                "terms=乙方于2025年5月5日前拆除越界部分，甲方承担一半费用",
                "parties_signed=true",
                "mediator_signed=true",
                "committee_sealed=true",
                "effective_on=2025-04-18",
                "copies=3",
            ],
            ("agreement_record",),
        ),
        Act("advance", MEDIATOR),
        _record("supervision", ["visited_on=2025-05-06", "performance=performed"]),
        Act("advance", MEDIATOR),
        _record(
            "judicial_confirmation",
            ["applied_on=2025-05-09", "joint_application=true", "court=某县人民法院沙河人民法庭", "ruling=confirmed"],
        ),
        Act("advance", MEDIATOR),
    ),
)
