"""Petitions (信访), 信访工作条例 2022: every rule of the procedure proven through the terminal by a
case that passes and one that is refused or marked (``test_petition_<rule>_…``), each with its
article; the periods across the National Day and Spring Festival holidays of 2024-2026; the
invariants (`dflow workflow check` refuses a copy with a gate removed); `dflow due`; and walks
from registration to the end (supported and re-reviewed; diverted; not contested)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.i18n import article
from tests.flow import ADMIN, OFFICER, ROLES_OF, evidence_file
from tests.test_cli import Dflow, fails

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "workflows" / "petition.toml"
ZH = {"DFLOW_LANG": "zh"}
TITLE = "沙河乡东村村民请求兑付土地征收补偿款"

# Per step: field values and evidence kinds that pass every rule. Received the Friday before the
# 2024 National Day holiday (10-01..10-07; 09-29 and 10-12 adjusted working days).
VALID: dict[str, tuple[dict[str, str], list[str]]] = {
    "registration": (
        {
            "received_on": "2024-09-27",
            "channel": "visit",
            "form": "oral_recorded",
            "petitioner": "王某某",
            "request": "兑付2023年土地征收补偿款",
            "facts": "补偿款至今未足额发放",
        },
        ["petition_material"],
    ),
    "acceptance": (
        {"disposition": "accepted", "notified_on": "2024-10-12", "accepted_on": "2024-10-12"},
        ["acknowledgement_notice"],
    ),
    "handling": ({"heard_on": "2024-10-18", "findings": "补偿款已拨付至村集体，尚未分配到户"}, []),
    "opinion": (
        {
            "opinion": "support",
            "legal_basis": "《土地管理法》第四十八条",
            "opinion_on": "2024-12-06",
            "delivered_on": "2024-12-09",
        },
        ["opinion_letter"],
    ),
    "review": (
        {
            "review": "requested",
            "requested_on": "2024-12-20",
            "answered_on": "2025-01-15",
            "review_opinion": "upheld",
            "delivered_on": "2025-01-17",
        },
        [],
    ),
    "re_review": (
        {
            "re_review": "requested",
            "requested_on": "2025-02-10",
            "answered_on": "2025-03-05",
            "re_review_opinion": "upheld",
        },
        [],
    ),
}
STEPS = list(VALID)


@pytest.fixture
def pt(tmp_path: Path) -> Dflow:
    return township(tmp_path)


def township(tmp_path: Path) -> Dflow:
    """dflow on an initialised database with the township organ 沙河乡 and its officer."""
    cli = Dflow.initialised(tmp_path)
    cli.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    for name, role in ROLES_OF.items():
        cli.ok("user", "grant", name, "--organ", "shahe", "--role", role, "--as", ADMIN)
    return cli


def new(cli: Dflow, title: str = TITLE) -> int:
    return int(cli.json("new", title, "--workflow", "petition", "--organ", "shahe", "--as", OFFICER)["id"])


def args(cli: Dflow, case: int, step: str, overrides: dict[str, str]) -> list[Any]:
    values, kinds = VALID[step]
    merged = {**values, **overrides}
    out: list[Any] = ["record", case, step]
    for name, value in merged.items():
        if value != "":
            out += ["--set", f"{name}={value}"]
    for kind in kinds:
        out += ["--attach", f"{kind}={evidence_file(cli.files, kind)}"]
    return [*out, "--as", OFFICER]


def record(cli: Dflow, case: int, step: str, **overrides: str) -> None:
    assert cli.ok(*args(cli, case, step, overrides)).stdout == f"recorded on step {step}\n"


def bring_to(cli: Dflow, case: int, step: str, **overrides: dict[str, str]) -> None:
    """Walk `case` with VALID data (and per-step `overrides`) until it stands at `step`."""
    for name in STEPS[: STEPS.index(step)]:
        record(cli, case, name, **overrides.get(name, {}))
        assert cli.ok("advance", case, "--as", OFFICER).stdout.startswith(f"decision {case} moved to ")


def marks(cli: Dflow, case: int, step: str) -> list[tuple[str, str]]:
    """The (article, detail) of the marks (e.g. late) recorded when `step` was completed."""
    done = [e for e in cli.json("audit", case)["events"] if e["action"] == "completed" and e["step"] == step]
    return [(m["article"], m["detail"]) for m in done[-1]["data"].get("marks", [])]


def complete(cli: Dflow, case: int, step: str) -> str:
    return str(cli.ok("complete", case, step, "--as", OFFICER).stdout)


# ---------------------------------------------------------------------------- walks


def test_petition_walk_supported_reviewed_and_re_reviewed_from_the_terminal(pt: Dflow) -> None:
    assert new(pt) == 1
    fails(
        pt("advance", 1, "--to", "opinion", "--as", OFFICER),
        3,
        "cannot go to opinion: the decision is at registration and only acceptance comes next\n"
        "  · [Petition Regs Arts. 19–36] cannot go to opinion: the decision is at registration and only acceptance"
        " comes next\n"
        "  · [Petition Regs Art. 23] acceptance can never be skipped\n",
    )
    reached = []
    for step in STEPS:
        record(pt, 1, step)
        moved = re.fullmatch(r"decision 1 moved to (\w+)\n", pt.ok("advance", 1, "--as", OFFICER).stdout)
        assert moved
        reached.append(moved.group(1))
    assert reached == ["acceptance", "handling", "opinion", "review", "re_review", "archived"]
    shown = pt.json("show", 1)
    assert (shown["workflow"], shown["status"]) == ("petition", "archived")
    assert all(not s.get("marks") for s in shown["steps"])  # every period kept
    assert pt.ok("audit", "verify").stdout.startswith("audit trail verified: ")
    assert pt.json("audit", "verify")["ok"] is True


def test_petition_walk_in_chinese(pt: Dflow) -> None:
    new(pt)
    assert pt.ok(*args(pt, 1, "registration", {}), env=ZH).stdout == "已记录到步骤 信访事项登记\n"
    assert pt.ok("advance", 1, "--as", OFFICER, env=ZH).stdout == "决策 1 已进入 告知与分类处理\n"
    fails(
        pt("advance", 1, "--as", OFFICER, env=ZH),
        3,
        "不能离开 告知与分类处理 阶段\n"
        "  · [《信访工作条例》第22–23、28、31条] 步骤 书面告知、受理或导入 既未完成也未依法免除\n",
    )
    fails(
        pt("complete", 1, "acceptance", "--as", OFFICER, env=ZH),
        3,
        "步骤 书面告知、受理或导入 不能完成\n"
        "  · [《信访工作条例》第23、28、31条] 书面告知、受理或导入：未记录 处理方式\n"
        "  · [《信访工作条例》第23条] 书面告知、受理或导入：未记录 书面告知日期\n"
        "  · [《信访工作条例》第23条] 书面告知、受理或导入：未附 书面告知书 材料\n",
    )


def test_petition_walk_diverted_ends_the_case_with_the_channel_named(pt: Dflow) -> None:
    case = new(pt, "李某某请求撤销行政处罚决定")
    bring_to(pt, case, "acceptance")
    record(pt, case, "acceptance", disposition="diverted", accepted_on="")
    fails(
        pt("complete", case, "acceptance", "--as", OFFICER),
        3,
        "step acceptance cannot be completed\n"
        "  · [Petition Regs Arts. 28, 31] disposition is diverted: diverted_to must be recorded\n",
    )
    record(pt, case, "acceptance", disposition="diverted", accepted_on="", diverted_to="reconsideration")
    assert complete(pt, case, "acceptance") == "step acceptance completed; the decision is at acceptance\n"
    shown = pt.json("show", case)
    assert shown["status"] == "closed"
    assert shown["steps"][1]["fields"]["diverted_to"] == "reconsideration"
    last = pt.json("audit", case)["events"][-1]
    assert (last["action"], last["data"]) == ("closed", {"outcome": "diverted"})
    assert pt.json("audit", "verify")["ok"] is True


def test_petition_walk_answer_not_contested_closes(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "review")
    record(
        pt, case, "review", review="not_requested", requested_on="", answered_on="", review_opinion="", delivered_on=""
    )
    assert complete(pt, case, "review") == "step review completed; the decision is at review\n"
    assert pt.json("show", case)["status"] == "closed"


# ---------------------------------------------------------------------------- registration (Arts. 19–21)


def test_petition_representatives_at_most_5(pt: Dflow) -> None:
    case = new(pt)
    five, six = "甲,乙,丙,丁,戊", "甲,乙,丙,丁,戊,己"
    fails(
        pt(*args(pt, case, "registration", {"group_visit": "true", "representatives": six})),
        3,
        "cannot record on step registration\n"
        "  · [Petition Regs Arts. 19–20] representatives has 6 item(s); at most 5 are allowed\n",
    )
    record(pt, case, "registration", group_visit="true", representatives=five)
    assert pt.ok("advance", case, "--as", OFFICER).stdout == f"decision {case} moved to acceptance\n"


def test_petition_group_visit_names_its_representatives(pt: Dflow) -> None:
    case = new(pt)
    record(pt, case, "registration", group_visit="true")
    fails(
        pt("complete", case, "registration", "--as", OFFICER),
        3,
        "step registration cannot be completed\n"
        "  · [Petition Regs Arts. 19–20] group_visit is true: representatives must be recorded\n",
    )


def test_petition_whistleblowing_material_kept_as_confidential_evidence(pt: Dflow) -> None:
    case = new(pt)
    record(pt, case, "registration", contains_whistleblowing="true")
    fails(
        pt("complete", case, "registration", "--as", OFFICER),
        3,
        "step registration cannot be completed\n"
        "  · [Petition Regs Arts. 30, 46] contains_whistleblowing is true: accused must be recorded\n"
        "  · [Petition Regs Arts. 30, 46] contains_whistleblowing is true: evidence whistleblowing_material"
        " must be attached\n",
    )
    path = evidence_file(pt.files, "whistleblowing_material")
    pt.ok(
        "record",
        case,
        "registration",
        "--set",
        "accused=某村委会主任",
        "--attach",
        f"whistleblowing_material={path}",
        "--as",
        OFFICER,
    )
    assert complete(pt, case, "registration") == "step registration completed; the decision is at registration\n"
    kinds = [e["kind"] for e in pt.json("show", case)["steps"][0]["evidence"]]
    assert "whistleblowing_material" in kinds
    assert article("Petition Regs Arts. 30, 46", "zh") == "《信访工作条例》第30、46条"


def test_petition_registration_never_waived(pt: Dflow) -> None:
    case = new(pt)
    fails(
        pt("waive", case, "registration", "--reason", "口头反映，不登记", "--as", OFFICER),
        3,
        "step registration cannot be waived\n  · [Petition Regs Art. 21] registration can never be waived\n",
    )


# ---------------------------------------------------------------------------- notice and objection (Art. 23)


@pytest.mark.parametrize(
    ("received", "last", "late", "days"),
    [
        ("2024-09-27", "2024-10-12", "2024-10-13", 16),  # across the 2024 National Day; 10-12 an adjusted working day
        # across the 2025 Spring Festival (01-28..02-04): the 15th day, 02-04, is a holiday, so the
        # period ends on the first working day after it (Civil Code Art. 203)
        ("2025-01-20", "2025-02-05", "2025-02-06", 17),
        ("2026-02-10", "2026-02-25", "2026-02-26", 16),  # across the 2026 Spring Festival (02-15..02-23)
    ],
)
def test_petition_notice_within_15_calendar_days(pt: Dflow, received: str, last: str, late: str, days: int) -> None:
    for notified, marked in (
        (last, []),
        (
            late,
            [
                (
                    "Petition Regs Art. 23 ¶2",
                    f"notified_on is {days} days after received_on; due within 15 (recorded as late)",
                )
            ],
        ),
    ):
        case = new(pt)
        bring_to(pt, case, "acceptance", registration={"received_on": received})
        record(pt, case, "acceptance", notified_on=notified, accepted_on=notified)
        complete(pt, case, "acceptance")
        assert marks(pt, case, "acceptance") == marked


@pytest.mark.parametrize(
    ("received", "last", "late"),
    [
        ("2024-09-27", "2024-10-10", "2024-10-11"),  # 09-29 (adjusted) and 09-30 count; 10-01..10-07 do not
        ("2025-01-24", "2025-02-07", "2025-02-08"),  # 01-26 (adjusted) counts; 01-28..02-04 do not
        ("2026-02-12", "2026-02-26", "2026-02-27"),  # 02-14 (adjusted) counts; 02-15..02-23 do not
        ("2025-09-26", "2025-10-10", "2025-10-11"),  # 09-28 (adjusted) counts; 10-01..10-08 do not
    ],
)
def test_petition_objection_within_5_working_days(pt: Dflow, received: str, last: str, late: str) -> None:
    objected = {
        "disposition": "objected",
        "accepted_on": "",
        "transferred": "true",
        "objection_reason": "不属本机关职权",
    }
    for day, count in ((last, None), (late, 6)):
        case = new(pt)
        bring_to(pt, case, "acceptance", registration={"received_on": received})
        record(pt, case, "acceptance", **objected, notified_on=day, objection_on=day)
        complete(pt, case, "acceptance")
        expected = (
            []
            if count is None
            else [
                (
                    "Petition Regs Art. 23 ¶3",
                    f"objection_on is {count} working days after received_on; due within 5 (recorded as late)",
                )
            ]
        )
        assert marks(pt, case, "acceptance") == expected
        assert pt.json("show", case)["status"] == "closed"  # an objection ends the case here


def test_petition_objection_needs_its_reasons(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "acceptance")
    record(pt, case, "acceptance", disposition="objected", accepted_on="")
    fails(
        pt("complete", case, "acceptance", "--as", OFFICER),
        3,
        "step acceptance cannot be completed\n"
        "  · [Petition Regs Art. 23 ¶3] disposition is objected: objection_on must be recorded\n"
        "  · [Petition Regs Art. 23 ¶3] disposition is objected: objection_reason must be recorded\n",
    )


def test_petition_acceptance_needs_its_date_and_is_never_waived(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "acceptance")
    fails(
        pt("waive", case, "acceptance", "--reason", "电话已告知", "--as", OFFICER),
        3,
        "step acceptance cannot be waived\n  · [Petition Regs Art. 23] acceptance can never be waived\n",
    )
    record(pt, case, "acceptance", accepted_on="")
    fails(
        pt("complete", case, "acceptance", "--as", OFFICER),
        3,
        "step acceptance cannot be completed\n"
        "  · [Petition Regs Art. 23] disposition is accepted: accepted_on must be recorded\n",
    )


# ---------------------------------------------------------------------------- Art. 36 ¶3: final after re-review


def test_petition_same_matter_after_re_review_not_accepted(pt: Dflow) -> None:
    first = new(pt)
    bring_to(pt, first, "re_review")
    record(pt, first, "re_review")
    pt.ok("advance", first, "--as", OFFICER)
    assert pt.json("show", first)["status"] == "archived"
    again = new(pt, "王某某再次请求兑付土地征收补偿款")
    bring_to(pt, again, "acceptance", registration={"received_on": "2025-04-01"})
    record(pt, again, "acceptance", notified_on="2025-04-08", accepted_on="2025-04-08", same_matter_re_reviewed="true")
    fails(
        pt("complete", again, "acceptance", "--as", OFFICER),
        3,
        "step acceptance cannot be completed\n"
        "  · [Petition Regs Art. 36 ¶3] same_matter_re_reviewed is true: same_matter_as must be recorded\n",
    )
    pt.ok("record", again, "acceptance", "--set", f"same_matter_as={first}", "--as", OFFICER)
    fails(
        pt("advance", again, "--as", OFFICER),
        3,
        "cannot leave stage acceptance\n"
        "  · [Petition Regs Art. 36 ¶3] acceptance recorded same_matter_re_reviewed=True: return the decision to"
        " registration\n",
    )
    pt.ok(
        "record",
        again,
        "acceptance",
        "--set",
        "disposition=not_accepted",
        "--set",
        "accepted_on=2025-04-08",
        "--set",
        "not_accepted_reason=同一事实和理由已经复核终结（信访工作条例第三十六条第三款）",
        "--as",
        OFFICER,
    )
    complete(pt, again, "acceptance")
    assert pt.json("show", again)["status"] == "closed"


# ---------------------------------------------------------------------------- handling (Arts. 31, 33)


def test_petition_mediation_needs_both_parties_consent_and_its_agreement(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "handling")
    record(pt, case, "handling", mediated="true")
    fails(
        pt("complete", case, "handling", "--as", OFFICER),
        3,
        "step handling cannot be completed\n"
        "  · [Petition Regs Art. 31] mediated is true: mediation_consent must be recorded\n"
        "  · [Petition Regs Art. 31] mediated is true: evidence mediation_agreement must be attached\n",
    )
    fails(
        pt("record", case, "handling", "--set", "mediation_consent=petitioner_only", "--as", OFFICER),
        2,
        "mediation_consent must be one of both_parties, not 'petitioner_only'\n",
    )
    agreement = evidence_file(pt.files, "mediation_agreement")
    pt.ok(
        "record", case, "handling", "--set", "mediation_consent=both_parties",
        "--attach", f"mediation_agreement={agreement}", "--as", OFFICER,
    )  # fmt: skip
    assert complete(pt, case, "handling") == "step handling completed; the decision is at handling\n"


def test_petition_hearing_needs_its_record(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "handling")
    record(pt, case, "handling", hearing_held="true")
    fails(
        pt("complete", case, "handling", "--as", OFFICER),
        3,
        "step handling cannot be completed\n"
        "  · [Petition Regs Art. 33] hearing_held is true: evidence hearing_record must be attached\n",
    )


# ---------------------------------------------------------------------------- the written opinion (Art. 32)


def _late(days: int, most: int, extension: int = 0) -> list[tuple[str, str]]:
    if extension:
        detail = (
            f"opinion_on is {days} days after accepted_on; due within {most}, the extension of {extension} included"
            " (recorded as late)"
        )
    else:
        detail = f"opinion_on is {days} days after accepted_on; due within {most} (recorded as late)"
    return [("Petition Regs Art. 32", detail)]


@pytest.mark.parametrize(
    ("accepted", "last", "late"),
    [
        ("2024-10-12", "2024-12-11", "2024-12-12"),
        # the 60th day falls inside a holiday, so the period ends on the first working day after
        # it (Civil Code Art. 203 ¶1): 2025-01-30 in the Spring Festival (01-28..02-04), 2025-10-02
        # in the National Day holiday (10-01..10-08)
        ("2024-12-01", "2025-02-05", "2025-02-06"),
        ("2025-08-03", "2025-10-09", "2025-10-10"),
    ],
)
def test_petition_opinion_within_60_calendar_days(pt: Dflow, accepted: str, last: str, late: str) -> None:
    days = (date.fromisoformat(late) - date.fromisoformat(accepted)).days
    for day, marked in ((last, []), (late, _late(days, 60))):
        case = new(pt)
        bring_to(
            pt,
            case,
            "opinion",
            acceptance={"accepted_on": accepted, "notified_on": accepted},
            handling={"heard_on": accepted},
        )
        record(pt, case, "opinion", opinion_on=day, delivered_on=day)
        complete(pt, case, "opinion")
        assert marks(pt, case, "opinion") == marked


EXTENDED = {"extended": "true", "extension_reason": "涉及多个部门，需进一步核实", "approved_by": "张乡长"}


def test_petition_opinion_extended_at_most_30_days_with_approval(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "opinion")
    extended = {**EXTENDED, "reason_sent_on": "2024-12-05", "opinion_on": "2025-01-10", "delivered_on": "2025-01-10"}
    fails(
        pt(*args(pt, case, "opinion", {**extended, "extension_days": "31"})),
        3,
        "cannot record on step opinion\n"
        "  · [Petition Regs Art. 32] extension_days is 31 days; an extension is at most 30 days\n",
    )
    record(pt, case, "opinion", **extended, extension_days="30")  # 90 days: 60 and the approved 30
    complete(pt, case, "opinion")
    assert marks(pt, case, "opinion") == []
    late = new(pt)
    bring_to(pt, late, "opinion")
    record(
        pt,
        late,
        "opinion",
        **{**extended, "opinion_on": "2025-01-11", "delivered_on": "2025-01-11"},
        extension_days="30",
    )
    complete(pt, late, "opinion")
    assert marks(pt, late, "opinion") == _late(91, 90, 30)


def test_petition_opinion_extension_needs_the_heads_approval_and_the_reason_sent(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "opinion")
    fails(
        pt(*args(pt, case, "opinion", {"extended": "true", "extension_days": "20", "extension_reason": "待核实"})),
        3,
        "cannot record on step opinion\n"
        "  · [Petition Regs Art. 32] an extension (extension_days) counts only with approved_by, reason_sent_on"
        " recorded\n",
    )
    record(pt, case, "opinion", extended="true")
    fails(
        pt("complete", case, "opinion", "--as", OFFICER),
        3,
        "step opinion cannot be completed\n"
        "  · [Petition Regs Art. 32] extended is true: extension_days must be recorded\n"
        "  · [Petition Regs Art. 32] extended is true: extension_reason must be recorded\n",
    )


def test_petition_opinion_is_one_of_the_three(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "opinion")
    fails(  # a value that is no choice: invalid input (2), as for any enum field
        pt(*args(pt, case, "opinion", {"opinion": "partly"})),
        2,
        "opinion must be one of support, explain, not_support, not 'partly'\n",
    )


# ---------------------------------------------------------------------------- review and re-review (Arts. 35–36)


@pytest.mark.parametrize(
    ("delivered", "last"),
    [
        ("2024-12-09", "2025-01-08"),
        # the 30th day is a rest day or holiday: the period ends on the first working day after it
        # (Civil Code Art. 203 ¶1): 2025-02-09 a Sunday after the Spring Festival; 2026-02-19
        # inside the 2026 Spring Festival (02-15..02-23)
        ("2025-01-10", "2025-02-10"),
        ("2026-01-20", "2026-02-24"),
    ],
)
def test_petition_review_requested_within_30_days(pt: Dflow, delivered: str, last: str) -> None:
    """A request after the 30 days is not accepted (Art. 35): refused, not marked."""
    case = new(pt)
    bring_to(pt, case, "review", opinion={"opinion_on": "2024-12-06", "delivered_on": delivered})
    late = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    days = (date.fromisoformat(late) - date.fromisoformat(delivered)).days
    record(pt, case, "review", requested_on=late, answered_on=late, delivered_on=late)
    before = pt.json("show", case)
    fails(
        pt("complete", case, "review", "--as", OFFICER),
        3,
        "step review cannot be completed\n"
        f"  · [Petition Regs Art. 35] requested_on is {days} days after delivered_on: the period of 30 days has"
        " passed, and with it the right\n",
    )
    assert pt.json("show", case) == before
    record(pt, case, "review", requested_on=last, answered_on=last, delivered_on=last)
    complete(pt, case, "review")
    assert marks(pt, case, "review") == []


def test_petition_review_answer_late_is_marked(pt: Dflow) -> None:
    """The body's own lateness is marked (the petitioner's right does not lapse with it); the 30th
    day, 2025-01-19, is a Sunday, so 01-20 is on time and 01-21 late."""
    case = new(pt)
    bring_to(pt, case, "review")
    record(pt, case, "review", requested_on="2024-12-20", answered_on="2025-01-20", delivered_on="2025-01-20")
    complete(pt, case, "review")
    assert marks(pt, case, "review") == []
    case = new(pt)
    bring_to(pt, case, "review")
    record(pt, case, "review", requested_on="2024-12-20", answered_on="2025-01-21", delivered_on="2025-01-21")
    complete(pt, case, "review")
    assert marks(pt, case, "review") == [
        ("Petition Regs Art. 35", "answered_on is 32 days after requested_on; due within 30 (recorded as late)")
    ]


def test_petition_review_request_needs_its_answer(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "review")
    pt.ok("record", case, "review", "--set", "review=requested", "--as", OFFICER)
    fails(
        pt("complete", case, "review", "--as", OFFICER),
        3,
        "step review cannot be completed\n"
        "  · [Petition Regs Art. 35] review is requested: requested_on must be recorded\n"
        "  · [Petition Regs Art. 35] review is requested: answered_on must be recorded\n"
        "  · [Petition Regs Art. 35] review is requested: review_opinion must be recorded\n"
        "  · [Petition Regs Art. 35] review is requested: delivered_on must be recorded\n",
    )


def test_petition_re_review_hearing_days_not_counted(pt: Dflow) -> None:
    late = new(pt)  # 2025-02-10 to 2025-03-20 is 38 days: late without a hearing
    bring_to(pt, late, "re_review")
    record(pt, late, "re_review", answered_on="2025-03-20")
    complete(pt, late, "re_review")
    assert marks(pt, late, "re_review") == [
        ("Petition Regs Art. 36 ¶2", "answered_on is 38 days after requested_on; due within 30 (recorded as late)")
    ]
    heard = new(pt)
    bring_to(pt, heard, "re_review")
    record(pt, heard, "re_review", answered_on="2025-03-20", hearing_held="true")
    fails(
        pt("complete", heard, "re_review", "--as", OFFICER),
        3,
        "step re_review cannot be completed\n"
        "  · [Petition Regs Art. 36 ¶2] hearing_held is true: hearing_days must be recorded\n"
        "  · [Petition Regs Art. 36 ¶2] hearing_held is true: evidence hearing_record must be attached\n",
    )
    hearing = evidence_file(pt.files, "hearing_record")
    pt.ok(
        "record", heard, "re_review", "--set", "hearing_days=8", "--attach", f"hearing_record={hearing}",
        "--as", OFFICER,
    )  # fmt: skip
    complete(pt, heard, "re_review")
    assert marks(pt, heard, "re_review") == []  # 38 days less the 8 of the hearing
    assert pt.ok("advance", heard, "--as", OFFICER).stdout == f"decision {heard} moved to archived\n"


def test_petition_re_review_request_within_30_days(pt: Dflow) -> None:
    """The review opinion was delivered on 2025-01-17; the 30th day, 02-16, is a Sunday, so a
    request on 02-17 is in time and one on 02-18 is not accepted (Art. 36)."""
    case = new(pt)
    bring_to(pt, case, "re_review")
    record(pt, case, "re_review", requested_on="2025-02-18", answered_on="2025-03-05")
    fails(
        pt("complete", case, "re_review", "--as", OFFICER),
        3,
        "step re_review cannot be completed\n"
        "  · [Petition Regs Art. 36] requested_on is 32 days after delivered_on: the period of 30 days has"
        " passed, and with it the right\n",
    )
    record(pt, case, "re_review", requested_on="2025-02-17")
    complete(pt, case, "re_review")
    assert marks(pt, case, "re_review") == []


# ---------------------------------------------------------------------------- the invariants, from the terminal


def test_petition_workflow_check_accepts_the_shipped_file(pt: Dflow) -> None:
    assert pt.ok("workflow", "check", SHIPPED).stdout == f"{SHIPPED}: OK (petition v3, 6 stages)\n"


GATES_REMOVED = [
    (
        'kind = "deadline_extended", since_step = "acceptance"',
        None,
        "opinion.rules: opinion must keep its rule deadline_extended 60 + ≤30 [Petition Regs Art. 32]",
    ),
    (
        'kind = "blocks_leaving", field = "same_matter_re_reviewed"',
        None,
        "acceptance.rules: acceptance must keep its rule blocks_leaving same_matter_re_reviewed"
        " [Petition Regs Art. 36 ¶3]",
    ),
    (
        "max_extension = 30",
        "max_extension = 60",
        "opinion.rules: opinion must keep its rule deadline_extended 60 + ≤30 [Petition Regs Art. 32]",
    ),
    (
        "max = 5,",
        "max = 10,",
        "registration.rules: registration must keep its rule max_items representatives ≤ 5 [Petition Regs Arts. 19–20]",
    ),
    (
        'period = { days = 15, unit = "calendar" }',
        'period = { days = 20, unit = "calendar" }',
        "acceptance.rules: acceptance must keep its rule deadline 15 [Petition Regs Art. 23 ¶2]",
    ),
    (
        'period = { days = 5, unit = "working" }',
        'period = { days = 5, unit = "calendar" }',
        "acceptance.rules: acceptance must keep its rule deadline 5 working days [Petition Regs Art. 23 ¶3]",
    ),
    (  # a late request for review is not accepted: refused, never merely marked (Art. 35)
        'period = { days = 30, unit = "calendar" }, refuse = true',
        'period = { days = 30, unit = "calendar" }',
        "review.rules: review must keep its rule deadline 30, refuse = true [Petition Regs Art. 35]",
    ),
    (
        'diverted = "close"',
        'diverted = "advance"',
        "acceptance.outcome: acceptance: the outcome disposition must route accepted → advance, diverted → close"
        " [Petition Regs Arts. 28, 31]",
    ),
]


@pytest.mark.parametrize(("find", "replace", "problem"), GATES_REMOVED)
def test_petition_workflow_check_rejects_a_copy_with_a_gate_removed(
    pt: Dflow, tmp_path: Path, find: str, replace: str | None, problem: str
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert find in text
    if replace is None:
        changed = "".join(line for line in text.splitlines(keepends=True) if find not in line)
    else:
        changed = text.replace(find, replace)
    copy = tmp_path / "petition-copy.toml"
    copy.write_text(changed, encoding="utf-8")
    fails(pt("workflow", "check", copy), 2, f"{copy}: {problem}\n")


def test_petition_workflow_check_rejects_a_waivable_opinion(pt: Dflow, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        'waiver = { policy = "never", article = "Petition Regs Art. 32" }',
        'waiver = { policy = "unless_flag", flag = "urgent", article = "Petition Regs Art. 32" }',
    )
    copy = tmp_path / "petition-copy.toml"
    copy.write_text(text.replace("[choices]", '[flags]\nurgent = { zh = "紧急", en = "urgent" }\n\n[choices]'), "utf-8")
    fails(
        pt("workflow", "check", copy),
        2,
        f"{copy}: opinion.waiver: opinion can never be waived (Petition Regs Art. 32)\n",
    )


def test_petition_workflow_check_rejects_a_copy_without_re_review(pt: Dflow, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    copy = tmp_path / "petition-copy.toml"
    copy.write_text(
        text[: text.index("# ---------------------------------------------------------------- 6.")], "utf-8"
    )
    result = pt("workflow", "check", copy)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{copy}: ") and "re_review" in result.stderr, result.stderr


# ---------------------------------------------------------------------------- dflow due


def test_petition_due_lists_its_deadlines(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "acceptance")
    assert pt.ok("due", "--today", "2024-10-08", "--all-organs").stdout.splitlines() == [
        "due as of 2024-10-08, soonest first:",
        f"2024-10-10  2 working days left  #{case} {TITLE} (沙河乡人民政府) — acceptance: objection_on within 5"
        " working days after received_on (2024-09-27) [Petition Regs Art. 23 ¶3]",
        f"2024-10-12  4 working days left  #{case} {TITLE} (沙河乡人民政府) — acceptance: notified_on within 15 days"
        " after received_on (2024-09-27) [Petition Regs Art. 23 ¶2]",
    ]
    record(pt, case, "acceptance")
    pt.ok("advance", case, "--as", OFFICER)
    record(pt, case, "handling")
    pt.ok("advance", case, "--as", OFFICER)
    due = pt.json("due", "--today", "2024-12-01", "--all-organs")
    assert [(d["due_on"], d["what"], d["article"]) for d in due["items"]] == [
        ("2024-12-11", "opinion: opinion_on within 60 days after accepted_on (2024-10-12)", "Petition Regs Art. 32")
    ]
    # an approved extension moves the date by its days
    record(
        pt,
        case,
        "opinion",
        **EXTENDED,
        extension_days="20",
        reason_sent_on="2024-12-05",
        opinion_on="",
        delivered_on="",
    )
    due = pt.json("due", "--today", "2024-12-01", "--all-organs")
    assert [(d["due_on"], d["what"]) for d in due["items"]] == [
        ("2024-12-31", "opinion: opinion_on within 80 days after accepted_on (2024-10-12)")
    ]


# ---------------------------------------------------------------------------- citations and the demo


def test_petition_articles_render_in_chinese() -> None:
    assert article("Petition Regs Art. 23 ¶2", "zh") == "《信访工作条例》第23条第2款"
    assert article("Petition Regs Arts. 28, 31", "zh") == "《信访工作条例》第28、31条"
    assert article("Petition Regs Art. 36 ¶3", "en") == "Petition Regs Art. 36 ¶3"
    text = SHIPPED.read_text(encoding="utf-8")
    for cited in set(re.findall(r'article = "([^"]+)"', text)):
        assert not re.search(r"[A-Za-z]", article(cited, "zh")), cited


def test_petition_demo_walks_to_the_end() -> None:
    from decision_flow.engine import demo

    summary = demo.run_demo(procedure="petition")
    assert (summary["workflow"], summary["status"]) == ("petition", "archived")
    assert [r["rule"] for r in summary["refused"]] == ["stage_order"]  # the skip to the opinion
    assert summary["verify"]["ok"] is True


# ---------------------------------------------------------------------------- the rule kinds it added


def test_petition_rule_kinds_parameters_are_typed(pt: Dflow, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    for find, replace, where in (
        ("max = 5,", 'max = "5",', "stages[0].steps[0].rules[1].max: must be int, not str"),
        (
            "max_extension = 30,",
            'max_extension = "30",',
            "stages[3].steps[0].rules[0].max_extension: must be int, not str",
        ),
        ('extension = "extension_days"', 'extension = "no_such_field"', "opinion.rules.deadline_extended.extension"),
    ):
        copy = tmp_path / "petition-copy.toml"
        copy.write_text(text.replace(find, replace), encoding="utf-8")
        result = pt("workflow", "check", copy)
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith(f"{copy}: {where}"), result.stderr
