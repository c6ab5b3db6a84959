"""The administrative penalty procedure (行政处罚法 2021, with 法制审核): every rule proven through
the terminal by a case that passes and one that is refused (exit 3, the article cited, the case
unchanged) or marked late (``test_enforcement_decision_<rule>_…``); walks from filing to the end
(a penalty after a hearing and a legal review; a transfer; a no-penalty decision). The hearing,
the legal review and the decision are in ``test_enforcement_decision_gates.py``; the periods
across the National Day and Spring Festival holidays, `dflow due`, the invariants and the demo
in ``test_enforcement_decision_checks.py``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from decision_flow.procedures import get as get_workflow
from decision_flow.rules import RULE_KINDS
from decision_flow.rules.kinds import Context, StepState
from tests.enforcement_flow import (
    OFFICER,
    STEPS,
    ZH,
    args,
    attach,
    bring_to,
    cannot_complete,
    complete,
    new,
    record,
    refused,
    setup,
)
from tests.test_cli import Dflow


@pytest.fixture
def enf(tmp_path: Path) -> Dflow:
    return setup(tmp_path)


def _complete(case: int, step: str) -> tuple[str, ...]:
    return ("complete", case, step, "--as", OFFICER)


# ---------------------------------------------------------------------------- walks


def test_enforcement_decision_walk_penalty_with_hearing_and_legal_review_from_the_terminal(enf: Dflow) -> None:
    case = new(enf, ("hearing_eligible", "legal_review_required", "complex_or_major", "social_impact"))
    reached = []
    for step in STEPS:
        extra = {"collective_discussion": "true"} if step == "case_decision" else {}
        record(enf, case, step, **extra)
        if step == "case_decision":
            attach(enf, case, step, "discussion_record")
        moved = re.fullmatch(rf"decision {case} moved to (\w+)\n", enf.ok("advance", case, "--as", OFFICER).stdout)
        assert moved
        reached.append(moved.group(1))
    assert reached == [*STEPS[1:], "archived"]
    shown = enf.json("show", case)
    assert (shown["workflow"], shown["status"]) == ("enforcement-decision", "archived")
    assert all(not s.get("marks") for s in shown["steps"])  # every period kept
    assert enf.json("audit", "verify")["ok"] is True


def test_enforcement_decision_walk_transfer_closes_the_case(enf: Dflow) -> None:
    case = new(enf, ())
    bring_to(enf, case, "hearing")
    assert (
        enf.ok("waive", case, "hearing", "--reason", "不属于听证范围", "--as", OFFICER).stdout
        == "step hearing waived\n"
    )
    enf.ok("advance", case, "--as", OFFICER)
    enf.ok("waive", case, "legal_review", "--reason", "非重大执法决定", "--as", OFFICER)
    enf.ok("advance", case, "--as", OFFICER)
    record(enf, case, "case_decision", outcome="transfer", penalty="")
    refused(
        enf,
        case,
        _complete(case, "case_decision"),
        cannot_complete(
            "case_decision",
            ("Penalty Law Arts. 27, 57", "outcome is transfer: evidence transfer_letter must be attached"),
        ),
    )
    attach(enf, case, "case_decision", "transfer_letter")
    assert complete(enf, case, "case_decision") == "step case_decision completed; the decision is at case_decision\n"
    shown = enf.json("show", case)
    assert shown["status"] == "closed"
    last = enf.json("audit", case)["events"][-1]
    assert (last["action"], last["data"]) == ("closed", {"outcome": "transfer"})


def test_enforcement_decision_walk_no_penalty_is_delivered_and_not_published(enf: Dflow) -> None:
    case = new(enf, ())
    bring_to(enf, case, "hearing")
    for step in ("hearing", "legal_review"):
        enf.ok("waive", case, step, "--reason", "不适用", "--as", OFFICER)
        enf.ok("advance", case, "--as", OFFICER)
    record(enf, case, "case_decision", outcome="no_penalty_minor", penalty="")
    assert enf.ok("advance", case, "--as", OFFICER).stdout == f"decision {case} moved to delivery\n"
    record(enf, case, "delivery")
    enf.ok("advance", case, "--as", OFFICER)
    enf.ok("waive", case, "publicity", "--reason", "不予处罚，无社会影响", "--as", OFFICER)
    assert enf.ok("advance", case, "--as", OFFICER).stdout == f"decision {case} moved to archived\n"


def test_enforcement_decision_walk_in_chinese(enf: Dflow) -> None:
    case = new(enf)
    assert enf.ok(*args(enf, case, "filing", {}), env=ZH).stdout == "已记录到步骤 立案\n"
    assert enf.ok("advance", case, "--as", OFFICER, env=ZH).stdout == f"决策 {case} 已进入 调查取证\n"
    record(enf, case, "investigation")
    enf.ok("advance", case, "--as", OFFICER)
    refused(
        enf,
        case,
        ("waive", case, "prior_notice", "--reason", "当场告知", "--as", OFFICER),
        "step prior_notice cannot be waived\n  · [Penalty Law Art. 62] prior_notice can never be waived\n",
    )
    waived = enf("waive", case, "prior_notice", "--reason", "当场告知", "--as", OFFICER, env=ZH)
    assert waived.exit_code == 3 and "[《行政处罚法》第62条]" in waived.stderr, waived.stderr


# ---------------------------------------------------------------------------- filing and investigation


def test_enforcement_decision_filing_never_waived(enf: Dflow) -> None:
    case = new(enf)
    refused(
        enf,
        case,
        ("waive", case, "filing", "--reason", "口头立案", "--as", OFFICER),
        "step filing cannot be waived\n  · [Penalty Law Art. 54] filing can never be waived\n",
    )
    record(enf, case, "filing")
    assert complete(enf, case, "filing") == "step filing completed; the decision is at filing\n"


def test_enforcement_decision_investigators_at_least_two(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "investigation")
    record(enf, case, "investigation", investigators="张执法")
    refused(
        enf,
        case,
        _complete(case, "investigation"),
        cannot_complete("investigation", ("Penalty Law Art. 42", "investigators needs at least 2 item(s)")),
    )
    record(enf, case, "investigation", investigators="张执法,李执法")
    assert complete(enf, case, "investigation").startswith("step investigation completed")


def test_enforcement_decision_investigators_certified(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "investigation")
    record(enf, case, "investigation", investigators_certified="false")
    refused(
        enf,
        case,
        _complete(case, "investigation"),
        cannot_complete("investigation", ("Penalty Law Art. 42", "investigators_certified must be True")),
    )
    record(enf, case, "investigation", investigators_certified="true")
    assert complete(enf, case, "investigation").startswith("step investigation completed")


def test_enforcement_decision_transcripts_required(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "investigation")
    enf.ok(*args(enf, case, "investigation", {}, attach=False))
    refused(
        enf,
        case,
        _complete(case, "investigation"),
        cannot_complete(
            "investigation", ("Penalty Law Arts. 42, 55–56", "investigation: evidence transcripts is not attached")
        ),
    )
    attach(enf, case, "investigation", "transcripts")
    assert complete(enf, case, "investigation").startswith("step investigation completed")


def test_enforcement_decision_preservation_needs_its_dates_and_record(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "investigation")
    record(enf, case, "investigation", evidence_preserved="true")
    refused(
        enf,
        case,
        _complete(case, "investigation"),
        cannot_complete(
            "investigation",
            ("Penalty Law Art. 56", "evidence_preserved is true: preserved_on must be recorded"),
            ("Penalty Law Art. 56", "evidence_preserved is true: preservation_decided_on must be recorded"),
            ("Penalty Law Art. 56", "evidence_preserved is true: evidence preservation_record must be attached"),
        ),
    )
    record(enf, case, "investigation", preserved_on="2024-09-10", preservation_decided_on="2024-09-12")
    attach(enf, case, "investigation", "preservation_record")
    assert complete(enf, case, "investigation").startswith("step investigation completed")


# ---------------------------------------------------------------------------- prior notice (Arts. 44, 62)


def test_enforcement_decision_notice_given_needs_its_date_content_and_letter(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "prior_notice")
    enf.ok("record", case, "prior_notice", "--set", "notice=given", "--as", OFFICER)
    refused(
        enf,
        case,
        _complete(case, "prior_notice"),
        cannot_complete(
            "prior_notice",
            ("Penalty Law Art. 44", "notice is given: notified_on must be recorded"),
            ("Penalty Law Art. 44", "notice is given: proposed_penalty must be recorded"),
            ("Penalty Law Art. 44", "notice is given: rights_told must be recorded"),
            ("Penalty Law Art. 44", "notice is given: evidence notice_letter must be attached"),
        ),
    )
    record(enf, case, "prior_notice")
    assert complete(enf, case, "prior_notice").startswith("step prior_notice completed")


def test_enforcement_decision_notice_waived_only_in_writing(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "prior_notice")
    enf.ok("record", case, "prior_notice", "--set", "notice=waived", "--as", OFFICER)
    refused(
        enf,
        case,
        _complete(case, "prior_notice"),
        cannot_complete(
            "prior_notice", ("Penalty Law Art. 62", "notice is waived: evidence notice_waiver must be attached")
        ),
    )
    attach(enf, case, "prior_notice", "notice_waiver")
    assert complete(enf, case, "prior_notice").startswith("step prior_notice completed")


def test_enforcement_decision_notice_never_waived_nor_skipped(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "investigation")
    record(enf, case, "investigation")
    complete(enf, case, "investigation")
    refused(
        enf,
        case,
        ("advance", case, "--to", "case_decision", "--as", OFFICER),
        "cannot go to case_decision: the decision is at investigation and only prior_notice comes next\n"
        "  · [Penalty Law Arts. 54–65] cannot go to case_decision: the decision is at investigation and only"
        " prior_notice comes next\n"
        "  · [Penalty Law Art. 62] prior_notice can never be skipped\n"
        "  · [Penalty Law Art. 45] statement can never be skipped\n"
        "  · [Penalty Law Art. 63] hearing can never be skipped\n"
        "  · [Penalty Law Art. 58; GOB 118 §12] legal_review can never be skipped\n",
    )
    enf.ok("advance", case, "--as", OFFICER)
    refused(
        enf,
        case,
        ("waive", case, "prior_notice", "--reason", "当场告知", "--as", OFFICER),
        "step prior_notice cannot be waived\n  · [Penalty Law Art. 62] prior_notice can never be waived\n",
    )


GATE_CASES = [("completed", "given", True), ("completed", "waived", True), ("pending", "given", False)]


@pytest.mark.parametrize(("status", "notice", "passes"), [*GATE_CASES, ("waived", None, False)])
def test_enforcement_decision_notice_gate_at_the_decision(status: str, notice: str | None, passes: bool) -> None:
    """The decision's own lock (Art. 62): the CLI never lets a case reach the decision with the
    notice open (the skip above is refused), so the rule is shown on the records directly."""
    wf = get_workflow("enforcement-decision")
    step = wf.steps_by_name["case_decision"]
    spec = next(s for s in step.rules if s.kind == "requires_outcome")
    from decision_flow.core.calendar_cn import ChinaCalendar

    fields = {} if notice is None else {"notice": notice}
    ctx = Context(wf, {}, {"prior_notice": StepState(status, fields)}, date(2024, 10, 30), ChinaCalendar())
    reasons = RULE_KINDS["requires_outcome"].check(ctx, step, spec)
    assert [r.article for r in reasons] == ([] if passes else ["Penalty Law Art. 62"])


# ---------------------------------------------------------------------------- statement and defence (Art. 45)


def test_enforcement_decision_statement_rechecked_and_no_heavier_penalty(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "statement")
    record(enf, case, "statement", statement_made="true", not_heavier_for_defence="false")
    refused(
        enf,
        case,
        _complete(case, "statement"),
        cannot_complete(
            "statement",
            ("Penalty Law Art. 45", "statement_made is true: statement_on must be recorded"),
            ("Penalty Law Art. 45", "statement_made is true: recheck must be recorded"),
            ("Penalty Law Art. 45", "statement_made is true: evidence statement_record must be attached"),
            ("Penalty Law Art. 45 ¶2", "statement_made is true: not_heavier_for_defence must be True"),
        ),
    )
    record(enf, case, "statement", statement_made="true", statement_on="2024-10-08", recheck="理由不成立",
           not_heavier_for_defence="true")  # fmt: skip
    attach(enf, case, "statement", "statement_record")
    assert complete(enf, case, "statement").startswith("step statement completed")
