"""The administrative penalty procedure's hearing (Arts. 63–65), legal review (Art. 58; GOB 118
§§12–13) and decision (Arts. 57, 59): each rule proven through the terminal by a case that passes
and one that is refused (exit 3, the article cited, the case unchanged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.enforcement_flow import (
    OFFICER,
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


# ---------------------------------------------------------------------------- hearing (Arts. 63–65)


def test_enforcement_decision_hearing_not_waived_for_a_listed_penalty(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "hearing")
    refused(
        enf,
        case,
        ("waive", case, "hearing", "--reason", "当事人未要求", "--as", OFFICER),
        "step hearing cannot be waived\n"
        "  · [Penalty Law Art. 63] hearing is mandatory for a hearing_eligible decision\n",
    )
    record(enf, case, "hearing", hearing_requested="false", requested_on="", hearing_notice_on="", held_on="",
           presiding_officer="", presiding_not_investigator="", party_absent="")  # fmt: skip
    assert complete(enf, case, "hearing").startswith("step hearing completed")  # not requested: nothing more owed


def test_enforcement_decision_hearing_requested_owes_its_dates_and_presiding_officer(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "hearing")
    enf.ok("record", case, "hearing", "--set", "hearing_requested=true", "--as", OFFICER)
    refused(
        enf,
        case,
        _complete(case, "hearing"),
        cannot_complete(
            "hearing",
            ("Penalty Law Art. 64(1)", "hearing_requested is true: requested_on must be recorded"),
            ("Penalty Law Art. 64(2)", "hearing_requested is true: hearing_notice_on must be recorded"),
            ("Penalty Law Art. 64", "hearing_requested is true: held_on must be recorded"),
            ("Penalty Law Arts. 64(2), 85", "hearing_notice_on, held_on must be recorded for this check"),
            ("Penalty Law Art. 64(4)", "hearing_requested is true: presiding_officer must be recorded"),
            ("Penalty Law Art. 64(4)", "hearing_requested is true: presiding_not_investigator must be True"),
            ("Penalty Law Art. 64(6)", "hearing_requested is true: party_absent must be recorded"),
        ),
    )
    record(enf, case, "hearing")
    assert complete(enf, case, "hearing").startswith("step hearing completed")


def test_enforcement_decision_hearing_presided_by_a_non_investigator(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "hearing")
    record(enf, case, "hearing", presiding_not_investigator="false")
    refused(
        enf,
        case,
        _complete(case, "hearing"),
        cannot_complete(
            "hearing", ("Penalty Law Art. 64(4)", "hearing_requested is true: presiding_not_investigator must be True")
        ),
    )
    record(enf, case, "hearing", presiding_not_investigator="true")
    assert complete(enf, case, "hearing").startswith("step hearing completed")


@pytest.mark.parametrize(
    ("notice_on", "too_soon", "held_on"),
    [
        ("2024-10-10", "2024-10-17", "2024-10-18"),  # 10-12 (an adjusted working Saturday) counts
        ("2024-09-27", "2024-10-11", "2024-10-12"),  # 09-29 and 10-12 count; the National Day holiday does not
        ("2025-01-24", "2025-02-08", "2025-02-10"),  # across the 2025 Spring Festival (01-28..02-04)
    ],
)
def test_enforcement_decision_hearing_noticed_7_working_days_before(
    enf: Dflow, notice_on: str, too_soon: str, held_on: str
) -> None:
    case = new(enf)
    bring_to(enf, case, "hearing")
    record(enf, case, "hearing", hearing_notice_on=notice_on, held_on=too_soon)
    refused(
        enf,
        case,
        _complete(case, "hearing"),
        cannot_complete(
            "hearing",
            (
                "Penalty Law Arts. 64(2), 85",
                "hearing_notice_on to held_on is 6 working days on the official calendar; at least 7 are required",
            ),
        ),
    )
    record(enf, case, "hearing", hearing_notice_on=notice_on, held_on=held_on)
    assert complete(enf, case, "hearing").startswith("step hearing completed")


def test_enforcement_decision_hearing_transcript_signed_unless_the_party_stayed_away(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "hearing")
    enf.ok(*args(enf, case, "hearing", {}, attach=False))
    refused(
        enf,
        case,
        _complete(case, "hearing"),
        cannot_complete(
            "hearing", ("Penalty Law Art. 64(8)", "party_absent is False: evidence hearing_transcript must be attached")
        ),
    )
    enf.ok("record", case, "hearing", "--set", "party_absent=true", "--as", OFFICER)  # absent: the hearing waived
    assert complete(enf, case, "hearing").startswith("step hearing completed")


# ---------------------------------------------------------------------------- legal review (Art. 58; GOB 118)


def test_enforcement_decision_legal_review_mandatory_when_flagged(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "legal_review")
    refused(
        enf,
        case,
        ("waive", case, "legal_review", "--reason", "案情简单", "--as", OFFICER),
        "step legal_review cannot be waived\n  · [Penalty Law Art. 58; GOB 118 §12] legal_review is mandatory for a"
        " legal_review_required decision\n",
    )
    other = new(enf, ("hearing_eligible",))
    bring_to(enf, other, "legal_review")
    assert enf.ok("waive", other, "legal_review", "--reason", "不属于第五十八条情形", "--as", OFFICER).stdout == (
        "step legal_review waived\n"
    )


def test_enforcement_decision_legal_review_first_time_reviewer_qualified(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "legal_review")
    record(enf, case, "legal_review", reviewer_qualified="false")
    refused(
        enf,
        case,
        _complete(case, "legal_review"),
        cannot_complete(
            "legal_review", ("Penalty Law Art. 58 ¶2", "reviewer_first_time is true: reviewer_qualified must be True")
        ),
    )
    record(enf, case, "legal_review", reviewer_first_time="false", reviewer_qualified="false")
    assert complete(enf, case, "legal_review").startswith("step legal_review completed")


def test_enforcement_decision_legal_review_problems_send_the_case_back(enf: Dflow) -> None:
    case = new(enf)
    bring_to(enf, case, "legal_review")
    record(enf, case, "legal_review", opinion="problems")
    complete(enf, case, "legal_review")
    refused(
        enf,
        case,
        ("advance", case, "--as", OFFICER),
        "cannot leave stage legal_review\n  · [Penalty Law Art. 58; GOB 118 §13] legal_review recorded"
        " opinion=problems: return the decision to investigation\n",
    )
    assert enf.ok("return", case, "--to", "investigation", "--reason", "证据不足", "--as", OFFICER).stdout == (
        f"decision {case} returned to investigation\n"
    )
    bring_to(enf, case, "legal_review", start="investigation")  # fixed and resubmitted
    record(enf, case, "legal_review", opinion="agree", reviewed_on="2024-10-28")
    assert enf.ok("advance", case, "--as", OFFICER).stdout == f"decision {case} moved to case_decision\n"


# ---------------------------------------------------------------------------- the decision (Arts. 57, 59)


def test_enforcement_decision_collective_discussion_for_complex_cases(enf: Dflow) -> None:
    case = new(enf, ("complex_or_major",))
    bring_to(enf, case, "hearing")
    for step in ("hearing", "legal_review"):
        enf.ok("waive", case, step, "--reason", "不适用", "--as", OFFICER)
        enf.ok("advance", case, "--as", OFFICER)
    record(enf, case, "case_decision")
    refused(
        enf,
        case,
        _complete(case, "case_decision"),
        cannot_complete(
            "case_decision",
            ("Penalty Law Art. 57 ¶2", "the decision is complex_or_major: collective_discussion must be True"),
        ),
    )
    record(enf, case, "case_decision", collective_discussion="true")
    attach(enf, case, "case_decision", "discussion_record")
    assert complete(enf, case, "case_decision").startswith("step case_decision completed")


@pytest.mark.parametrize("outcome", ["penalty", "no_penalty_minor", "no_penalty_facts"])
def test_enforcement_decision_decision_document_required(enf: Dflow, outcome: str) -> None:
    case = new(enf, ())
    bring_to(enf, case, "hearing")
    for step in ("hearing", "legal_review"):
        enf.ok("waive", case, step, "--reason", "不适用", "--as", OFFICER)
        enf.ok("advance", case, "--as", OFFICER)
    enf.ok(*args(enf, case, "case_decision", {"outcome": outcome}, attach=False))
    refused(
        enf,
        case,
        _complete(case, "case_decision"),
        cannot_complete(
            "case_decision",
            ("Penalty Law Art. 59", f"outcome is {outcome}: evidence decision_document must be attached"),
        ),
    )
    attach(enf, case, "case_decision", "decision_document")
    assert complete(enf, case, "case_decision").startswith("step case_decision completed")


def test_enforcement_decision_penalty_named_and_delivery_never_waived(enf: Dflow) -> None:
    case = new(enf, ())
    bring_to(enf, case, "hearing")
    for step in ("hearing", "legal_review"):
        enf.ok("waive", case, step, "--reason", "不适用", "--as", OFFICER)
        enf.ok("advance", case, "--as", OFFICER)
    record(enf, case, "case_decision", penalty="")
    refused(
        enf,
        case,
        _complete(case, "case_decision"),
        cannot_complete("case_decision", ("Penalty Law Art. 59", "outcome is penalty: penalty must be recorded")),
    )
    record(enf, case, "case_decision")
    assert enf.ok("advance", case, "--as", OFFICER).stdout == f"decision {case} moved to delivery\n"
    refused(
        enf,
        case,
        ("waive", case, "delivery", "--reason", "当事人已知悉", "--as", OFFICER),
        "step delivery cannot be waived\n  · [Penalty Law Art. 61] delivery can never be waived\n",
    )
    record(enf, case, "delivery")
    assert complete(enf, case, "delivery").startswith("step delivery completed")
