"""The administrative penalty procedure's periods, counted across the National Day and Spring
Festival holidays (Art. 85: the Law's 5- and 7-day periods are working days; Art. 60's 90 days are
calendar days), `dflow due`, the invariants (`dflow workflow check` refuses a copy with a gate
removed), the demonstration walk and the citations and messages in both languages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from decision_flow.core.i18n import article
from decision_flow.core.messages import MESSAGES
from decision_flow.core.messages import enforcement as enforcement_messages
from tests.enforcement_flow import (
    GATES_REMOVED,
    OFFICER,
    SHIPPED,
    TITLE,
    ZH,
    bring_to,
    complete,
    marks,
    new,
    record,
    refused,
    setup,
)
from tests.test_cli import Dflow, fails


@pytest.fixture
def enf(tmp_path: Path) -> Dflow:
    return setup(tmp_path)


def _late(article_: str, field: str, since: str, days: int, most: int, unit: str) -> list[tuple[str, str]]:
    counted = f"{days} working days" if unit == "working" else f"{days} days"
    return [(article_, f"{field} is {counted} after {since}; due within {most} (recorded as late)")]


# ---------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("preserved", "last", "late"),
    [
        ("2024-09-26", "2024-10-11", "2024-10-12"),  # 09-29 and 10-12 are adjusted working days
        ("2025-09-26", "2025-10-13", "2025-10-14"),  # National Day 2025: 10-01..10-08
    ],
)
def test_enforcement_decision_preservation_decided_within_7_working_days(
    enf: Dflow, preserved: str, last: str, late: str
) -> None:
    for decided, marked in (
        (last, []),
        (late, _late("Penalty Law Arts. 56, 85", "preservation_decided_on", "preserved_on", 8, 7, "working")),
    ):
        case = new(enf)
        bring_to(enf, case, "investigation")
        record(enf, case, "investigation", evidence_preserved="true", preserved_on=preserved,
               preservation_decided_on=decided)  # fmt: skip
        enf.ok("record", case, "investigation", "--attach", f"preservation_record={SHIPPED}", "--as", OFFICER)
        complete(enf, case, "investigation")
        assert marks(enf, case, "investigation") == marked


@pytest.mark.parametrize(
    ("notified", "last", "late"),
    [
        ("2024-09-27", "2024-10-10", "2024-10-11"),  # National Day 2024 (10-01..10-07) not counted
        ("2025-01-24", "2025-02-07", "2025-02-08"),  # Spring Festival 2025; 01-26 and 02-08 are working days
    ],
)
def test_enforcement_decision_hearing_requested_within_5_working_days(
    enf: Dflow, notified: str, last: str, late: str
) -> None:
    """A late request loses the right to a hearing (Art. 64(1)): refused, not marked."""
    held = {"hearing_notice_on": "2025-02-10", "held_on": "2025-02-19"} if notified > "2025" else {}
    case = new(enf)
    bring_to(enf, case, "hearing", filing={"filed_on": notified}, prior_notice={"notified_on": notified})
    record(enf, case, "hearing", requested_on=late, **held)
    refused(
        enf,
        case,
        ("complete", case, "hearing", "--as", OFFICER),
        "step hearing cannot be completed\n  · [Penalty Law Arts. 64(1), 85] requested_on is 6 working days after"
        " notified_on: the period of 5 working days has passed, and with it the right\n",
    )
    record(enf, case, "hearing", requested_on=last, **held)
    complete(enf, case, "hearing")
    assert marks(enf, case, "hearing") == []


@pytest.mark.parametrize(
    ("filed", "last", "late"),
    [
        ("2024-11-20", "2025-02-18", "2025-02-19"),  # calendar days: the Spring Festival is counted
        ("2024-09-02", "2024-12-02", "2024-12-03"),  # day 90 (12-01) a Sunday: ends on Monday (Civil Code Art. 203)
        ("2024-10-30", "2025-02-05", "2025-02-06"),  # day 90 (01-28) in the Spring Festival: ends on 02-05
    ],
)
def test_enforcement_decision_decided_within_90_calendar_days(enf: Dflow, filed: str, last: str, late: str) -> None:
    days = (date.fromisoformat(late) - date.fromisoformat(filed)).days
    for decided, marked in ((last, []), (late, _late("Penalty Law Art. 60", "decided_on", "filed_on", days, 90, "cd"))):
        case = new(enf, ())
        bring_to(enf, case, "hearing", filing={"filed_on": filed}, prior_notice={"notified_on": filed})
        for step in ("hearing", "legal_review"):
            enf.ok("waive", case, step, "--reason", "不适用", "--as", OFFICER)
            enf.ok("advance", case, "--as", OFFICER)
        record(enf, case, "case_decision", decided_on=decided)
        complete(enf, case, "case_decision")
        assert marks(enf, case, "case_decision") == marked


def _at_delivery(enf: Dflow, decided: str, flags: tuple[str, ...] = ()) -> int:
    case = new(enf, flags)
    # a decision in 2025 is made on a case filed and noticed that day (dates never run backwards)
    early = {} if decided < "2024-12" else {"filing": {"filed_on": decided}, "prior_notice": {"notified_on": decided}}
    bring_to(enf, case, "hearing", **early)
    for step in ("hearing", "legal_review"):
        enf.ok("waive", case, step, "--reason", "不适用", "--as", OFFICER)
        enf.ok("advance", case, "--as", OFFICER)
    record(enf, case, "case_decision", decided_on=decided)
    enf.ok("advance", case, "--as", OFFICER)
    return case


@pytest.mark.parametrize(
    ("decided", "last", "late"),
    [
        ("2024-10-30", "2024-11-08", "2024-11-11"),
        ("2025-01-24", "2025-02-10", "2025-02-11"),  # Spring Festival 2025 (01-28..02-04) not counted
        ("2025-09-26", "2025-10-13", "2025-10-14"),  # National Day 2025 (10-01..10-08) not counted
    ],
)
def test_enforcement_decision_delivered_within_7_working_days(enf: Dflow, decided: str, last: str, late: str) -> None:
    for delivered, marked in (
        (last, []),
        (late, _late("Penalty Law Arts. 61, 85", "delivered_on", "decided_on", 8, 7, "working")),
    ):
        case = _at_delivery(enf, decided)
        record(enf, case, "delivery", delivered_on=delivered)
        complete(enf, case, "delivery")
        assert marks(enf, case, "delivery") == marked


def test_enforcement_decision_publicity_within_7_working_days_and_owed_with_social_impact(enf: Dflow) -> None:
    case = _at_delivery(enf, "2024-09-27", ("social_impact",))
    record(enf, case, "delivery", delivered_on="2024-10-08")
    enf.ok("advance", case, "--as", OFFICER)
    refused(
        enf,
        case,
        ("waive", case, "publicity", "--reason", "无需公开", "--as", OFFICER),
        "step publicity cannot be waived\n"
        "  · [Penalty Law Art. 48] publicity is mandatory for a social_impact decision\n",
    )
    record(enf, case, "publicity", published_on="2024-10-12")  # 09-29, 09-30, 10-08..10-12: 6 working days
    complete(enf, case, "publicity")
    assert marks(enf, case, "publicity") == []
    late = _at_delivery(enf, "2024-09-27")
    record(enf, late, "delivery", delivered_on="2024-10-08")
    enf.ok("advance", late, "--as", OFFICER)
    record(enf, late, "publicity", published_on="2024-10-14")
    complete(enf, late, "publicity")
    assert marks(enf, late, "publicity") == _late("GOB 118 §6", "published_on", "decided_on", 8, 7, "working")


# ---------------------------------------------------------------------------- dflow due


def test_enforcement_decision_due_lists_the_90_day_clock_and_the_delivery(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "investigation")
    assert enf.ok("due", "--today", "2024-10-08", "--all-organs").stdout.splitlines() == [
        "due as of 2024-10-08, soonest first:",
        f"2024-12-02  40 working days left  #{case} {TITLE} (沙河乡人民政府) — case_decision: decided_on within 90 days"
        " after filed_on (2024-09-02) [Penalty Law Art. 60]",
    ]
    bring_to(enf, case, "delivery", start="investigation")
    due = enf.json("due", "--today", "2024-11-01", "--all-organs")
    assert [(d["due_on"], d["what"], d["article"]) for d in due["items"]] == [
        ("2024-11-08", "delivery: delivered_on within 7 working days after decided_on (2024-10-30)",
         "Penalty Law Arts. 61, 85"),
        ("2024-11-08", "publicity: published_on within 7 working days after decided_on (2024-10-30)", "GOB 118 §6"),
    ]  # fmt: skip


# ---------------------------------------------------------------------------- the invariants, from the terminal


def test_enforcement_decision_workflow_check_accepts_the_shipped_file(enf: Dflow) -> None:
    assert enf.ok("workflow", "check", SHIPPED).stdout == f"{SHIPPED}: OK (enforcement-decision v1, 9 stages)\n"


@pytest.mark.parametrize(("find", "replace", "problem"), GATES_REMOVED)
def test_enforcement_decision_workflow_check_rejects_a_copy_with_a_gate_removed(
    enf: Dflow, tmp_path: Path, find: str, replace: str | None, problem: str
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert find in text
    if replace is None:
        changed = "".join(line for line in text.splitlines(keepends=True) if find not in line)
    else:
        changed = text.replace(find, replace)
    copy = tmp_path / "enforcement-copy.toml"
    copy.write_text(changed, encoding="utf-8")
    fails(enf("workflow", "check", copy), 2, f"{copy}: {problem}\n")


def test_enforcement_decision_workflow_check_rejects_a_copy_without_legal_review(enf: Dflow, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("# ---------------------------------------------------------------- 6.")
    end = text.index("# ---------------------------------------------------------------- 7.")
    copy = tmp_path / "enforcement-copy.toml"
    copy.write_text(text[:start] + text[end:], encoding="utf-8")
    fails(
        enf("workflow", "check", copy),
        2,
        f"{copy}: stages: the legal_review stage is missing (Penalty Law Arts. 54–65: never skipped)\n",
    )


# ---------------------------------------------------------------------------- citations, messages and the demo


def test_enforcement_decision_articles_render_in_chinese() -> None:
    assert article("Penalty Law Art. 64(2)", "zh") == "《行政处罚法》第64条第（二）项"
    assert (
        article("Penalty Law Art. 58; GOB 118 §12", "zh") == "《行政处罚法》第58条；《国办发〔2018〕118号》第（十二）项"
    )
    assert article("GOB 118 §§12–13", "zh") == "《国办发〔2018〕118号》第（十二）至（十三）项"
    text = SHIPPED.read_text(encoding="utf-8")
    for cited in set(re.findall(r'article = "([^"]+)"', text)):
        assert not re.search(r"[A-Za-z]", article(cited, "zh")), cited


def test_enforcement_decision_messages_in_both_languages(enf: Dflow) -> None:
    for key in enforcement_messages.MESSAGES:
        en, zh = MESSAGES[key]
        assert en and zh and re.search(r"[\u4e00-\u9fff]", zh), key
    case = new(enf)
    bring_to(enf, case, "investigation")
    record(enf, case, "investigation", investigators="张执法", investigators_certified="false")
    fails(
        enf("complete", case, "investigation", "--as", OFFICER, env=ZH),
        3,
        "步骤 调查取证 不能完成\n"
        "  · [《行政处罚法》第42条] 执法人员（不少于两人） 至少须 2 项\n"
        "  · [《行政处罚法》第42条] 执法人员均具有行政执法资格 必须为 是\n",
    )


def test_enforcement_decision_demo_walks_to_the_end(enf: Dflow) -> None:
    walked = enf.json("demo", "--workflow", "enforcement-decision")
    assert (walked["workflow"], walked["status"], walked["verify"]["ok"]) == ("enforcement-decision", "archived", True)
    assert [(r["rule"], r["article"]) for r in walked["refused"]] == [("stage_order", "Penalty Law Arts. 54–65")]
    told = enf.ok("demo", "--workflow", "enforcement-decision", env=ZH).stdout
    assert "法制审核" in told and "《行政处罚法》" in told
