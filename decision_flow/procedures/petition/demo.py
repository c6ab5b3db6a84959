"""The petition a demonstration walks: villagers of 沙河乡 ask for their land-requisition
compensation to be paid. Received on 2024-09-27 (the written notice falls on 2024-10-12, across
the National Day holiday), answered within 60 days of acceptance, reviewed, then re-reviewed
across the 2025 Spring Festival; the re-review is final (Art. 36 ¶3). The walk tries one skip
(from acceptance straight to the written opinion), which the engine must refuse.
"""

from __future__ import annotations

from datetime import date

from decision_flow.procedures.model import Act, Demo

OFFICER = "chen_xinfang"


def _record(step: str, fields: list[str], evidence: tuple[str, ...] = ()) -> Act:
    return Act("record", OFFICER, step, tuple(fields), evidence)


DEMO = Demo(
    title="沙河乡东村村民请求兑付土地征收补偿款",
    workflow="petition",
    flags=(),
    today=date(2025, 3, 10),
    users=((OFFICER, "officer"),),
    acts=(
        _record(
            "registration",
            [
                "received_on=2024-09-27",
                "channel=visit",
                "form=oral_recorded",
                "petitioner=王某某",
                "request=兑付2023年土地征收补偿款",
                "facts=补偿款至今未足额发放",
                "group_visit=true",
                "representatives=王某某,李某某,赵某某",
            ],
            ("petition_material",),
        ),
        Act("advance", OFFICER),
        _record(
            "acceptance",
            ["disposition=accepted", "notified_on=2024-10-12", "accepted_on=2024-10-12"],
            ("acknowledgement_notice",),
        ),
        Act("skip", OFFICER, to="opinion"),
        Act("advance", OFFICER),
        _record("handling", ["heard_on=2024-10-18", "findings=补偿款已拨付至村集体，尚未分配到户"]),
        Act("advance", OFFICER),
        _record(
            "opinion",
            [
                "opinion=support",
                "legal_basis=《土地管理法》第四十八条",
                "opinion_on=2024-12-06",
                "delivered_on=2024-12-09",
            ],
            ("opinion_letter",),
        ),
        Act("advance", OFFICER),
        _record(
            "review",
            [
                "review=requested",
                "requested_on=2024-12-20",
                "answered_on=2025-01-15",
                "review_opinion=upheld",
                "delivered_on=2025-01-17",
            ],
        ),
        Act("advance", OFFICER),
        _record(
            "re_review",
            ["re_review=requested", "requested_on=2025-02-10", "answered_on=2025-03-05", "re_review_opinion=upheld"],
        ),
        Act("advance", OFFICER),
    ),
)

# A second petition of 2025, answered and not contested, which a kept demonstration database
# (`dflow demo --keep`) holds beside the first, so that year's annual report counts one.
SAMPLE = Demo(
    title="西村村民请求疏通村道排水沟",
    workflow="petition",
    flags=(),
    today=date(2025, 7, 10),
    users=((OFFICER, "officer"),),
    acts=(
        _record(
            "registration",
            [
                "received_on=2025-04-07",
                "channel=letter",
                "form=written",
                "petitioner=赵某某",
                "request=疏通村道排水沟",
                "facts=雨季积水影响村民通行",
            ],
            ("petition_material",),
        ),
        Act("advance", OFFICER),
        _record(
            "acceptance",
            ["disposition=accepted", "notified_on=2025-04-14", "accepted_on=2025-04-14"],
            ("acknowledgement_notice",),
        ),
        Act("advance", OFFICER),
        _record("handling", ["heard_on=2025-04-22", "findings=排水沟堵塞属实，已列入村道维修计划"]),
        Act("advance", OFFICER),
        _record(
            "opinion",
            [
                "opinion=support",
                "legal_basis=《信访工作条例》第三十二条",
                "opinion_on=2025-05-30",
                "delivered_on=2025-06-03",
            ],
            ("opinion_letter",),
        ),
        Act("advance", OFFICER),
        _record("review", ["review=not_requested"]),
        Act("complete", OFFICER, "review"),
    ),
)
