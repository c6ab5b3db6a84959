"""People's mediation (人民调解), 人民调解法 and CPL Art. 205: every rule of the procedure proven
through the CLI by a case that passes and one that is refused (``test_mediation_<rule>_…``),
each refusal with its article; the 30-day judicial-confirmation deadline counted in calendar days
across the National Day and Spring Festival holidays; the invariants no locality's file may break;
both endings (agreement, failure) walked from the terminal; `dflow due`; the demo.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.flow import ADMIN, OFFICER
from tests.mediation_flow import (
    IN_2025,
    SHIPPED,
    STAGES,
    TITLE,
    bring_to,
    completed_notes,
    copy_of,
    new_case,
    record,
)
from tests.test_cli import Dflow, fails


@pytest.fixture
def med(tmp_path: Path) -> Dflow:
    """dflow on an initialised database: the officer (a mediator) in the township organ 沙河乡."""
    cli = Dflow.initialised(tmp_path, users=(OFFICER,))
    cli.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    cli.ok("user", "grant", OFFICER, "--organ", "shahe", "--role", "officer", "--as", ADMIN)
    return cli


# ---------------------------------------------------------------------------- walks


def test_mediation_walked_to_agreement_from_the_terminal(med: Dflow) -> None:
    case = new_case(med, "confirmation_sought")
    fails(
        med("advance", case, "--to", "sessions", "--as", OFFICER),
        3,
        "cannot go to sessions: the decision is at application and only willingness comes next\n"
        "  · [Mediation Law Arts. 17–33] cannot go to sessions: the decision is at application and only"
        " willingness comes next\n"
        "  · [Mediation Law Arts. 17–18] willingness can never be skipped\n"
        "  · [Mediation Law Art. 27] registration can never be skipped\n"
        "  · [Mediation Law Art. 19] assignment can never be skipped\n",
    )
    reached = []
    for _stage, step in STAGES:
        assert record(med, case, step).stdout == f"recorded on step {step}\n"
        moved = med.ok("advance", case, "--as", OFFICER).stdout
        found = re.fullmatch(rf"decision {case} moved to (\w+)\n", moved)
        assert found, moved
        reached.append(found.group(1))
    assert reached == [name for name, _ in STAGES[1:]] + ["archived"]
    assert med.json("show", case)["status"] == "archived"
    assert med.json("audit", "verify")["ok"] is True
    assert "chain intact" in med.ok("audit", "verify").stdout


def test_mediation_skip_refused_in_chinese(med: Dflow) -> None:
    case = new_case(med)
    assert record(med, case, "application", lang="zh").exit_code == 0
    zh = med("advance", case, "--to", "registration", "--as", OFFICER, env={"DFLOW_LANG": "zh"})
    fails(
        zh,
        3,
        "不能跳至 调解登记：决策处于 申请调解或主动调解 阶段，下一阶段只能是 当事人意愿\n"
        "  · [《人民调解法》第17–33条] 不能跳至 调解登记：决策处于 申请调解或主动调解 阶段，下一阶段只能是 当事人意愿\n"
        "  · [《人民调解法》第17–18条] 当事人是否拒绝调解 不得跳过\n",
    )


def test_mediation_failure_ends_the_case_with_the_other_routes_told(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "ending")
    assert record(med, case, "ending", result="failed", concluded_on="2024-09-20").exit_code == 0
    fails(
        med("complete", case, "ending", "--as", OFFICER),
        3,
        "step ending cannot be completed\n"
        "  · [Mediation Law Art. 26] result is failed: termination_reason must be recorded\n"
        "  · [Mediation Law Art. 26] result is failed: routes_told must be recorded\n",
    )
    told = record(
        med,
        case,
        "ending",
        result="failed",
        termination_reason="乙方坚持诉讼",
        routes_told="arbitration,administrative,judicial",
    )
    assert told.exit_code == 0, told.output
    # a failed mediation does not go on to an agreement: it is terminated (completed, closed)
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage ending\n"
        "  · [Mediation Law Art. 26] the meeting decided failed; record it with `dflow complete` instead\n",
    )
    med.ok("complete", case, "ending", "--as", OFFICER)
    shown = med.json("show", case)
    assert (shown["status"], shown["stage"]) == ("closed", "ending")
    assert med.json("audit", "verify")["ok"] is True


# ---------------------------------------------------------------------------- Arts. 17-18: refusal


def test_mediation_refusal_blocks_going_on_to_mediation(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "willingness")
    assert record(med, case, "willingness", party_refused="true").exit_code == 0
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage willingness\n"
        "  · [Mediation Law Arts. 17–18] party_refused is true: refusal_note must be recorded\n",
    )
    assert record(med, case, "willingness", party_refused="true", refusal_note="乙方明确拒绝").exit_code == 0
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage willingness\n"
        "  · [Mediation Law Arts. 17–18] willingness recorded party_refused=True: return the decision to"
        " application\n",
    )
    fails(
        med("advance", case, "--as", OFFICER, env={"DFLOW_LANG": "zh"}),
        3,
        "不能离开 当事人意愿 阶段\n"
        "  · [《人民调解法》第17–18条] 当事人是否拒绝调解 记录 当事人明确拒绝调解=是："
        "须将决策退回 申请调解或主动调解\n",
    )
    assert med.json("show", case)["stage"] == "willingness"


def test_mediation_refusal_closes_the_case_without_mediation(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "willingness")
    refused = record(med, case, "willingness", party_refused="true", acceptance="not_accepted")
    assert refused.exit_code == 0, refused.output
    fails(
        med("complete", case, "willingness", "--as", OFFICER),
        3,
        "step willingness cannot be completed\n"
        "  · [Mediation Law Arts. 17–18] party_refused is true: refusal_note must be recorded\n",
    )
    note = "乙方当场明确表示不同意调解"
    assert (
        record(med, case, "willingness", party_refused="true", acceptance="not_accepted", refusal_note=note).exit_code
        == 0
    )
    med.ok("complete", case, "willingness", "--as", OFFICER)
    shown = med.json("show", case)
    assert (shown["status"], shown["stage"]) == ("closed", "willingness")
    fails(
        med("record", case, "registration", "--set", "registered_on=2024-09-03", "--as", OFFICER),
        3,
        f"decision {case} is closed; it can no longer change\n  · [Mediation Law Arts. 17–33] the decision is closed\n",
    )


# ---------------------------------------------------------------------------- Arts. 19-20: mediators


def test_mediation_mediators_at_least_one(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "assignment")
    assert record(med, case, "assignment", mediators="").exit_code == 0
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage assignment\n"
        "  · [Mediation Law Art. 19] assignment: mediators is not recorded\n"
        "  · [Mediation Law Art. 19] mediators needs at least 1 item(s)\n",
    )
    assert record(med, case, "assignment").exit_code == 0
    med.ok("advance", case, "--as", OFFICER)
    assert med.json("show", case)["stage"] == "sessions"


def test_mediation_others_invited_only_with_consent(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "assignment")
    assert record(med, case, "assignment", others_invited="村民小组长,土地测绘员").exit_code == 0
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage assignment\n"
        "  · [Mediation Law Art. 20] others_invited is recorded: parties_consented must be recorded too\n",
    )
    assert record(med, case, "assignment", parties_consented="false").exit_code == 0
    refused = med("advance", case, "--as", OFFICER)
    assert refused.exit_code == 3 and "[Mediation Law Art. 20]" in refused.stderr, refused.output
    assert record(med, case, "assignment", parties_consented="true").exit_code == 0
    med.ok("advance", case, "--as", OFFICER)
    assert med.json("show", case)["stage"] == "sessions"


# ---------------------------------------------------------------------------- Art. 27: the work record


def test_mediation_work_record_required(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "sessions")
    med.ok(
        "record", case, "sessions", "--set", "first_session_on=2024-09-05", "--set", "sessions_held=1", "--as", OFFICER
    )
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage sessions\n  · [Mediation Law Art. 27] sessions: evidence work_record is not attached\n",
    )
    assert record(med, case, "sessions").exit_code == 0
    med.ok("advance", case, "--as", OFFICER)
    assert med.json("show", case)["stage"] == "ending"


# ---------------------------------------------------------------------------- Arts. 28-30: effective


@pytest.mark.parametrize("unsigned", ["parties_signed", "mediator_signed", "committee_sealed"])
def test_mediation_agreement_effective_only_when_signed_and_sealed(med: Dflow, unsigned: str) -> None:
    case = new_case(med)
    bring_to(med, case, "agreement")
    assert record(med, case, "agreement", **{unsigned: "false"}).exit_code == 0
    refused = med("advance", case, "--as", OFFICER)
    assert refused.exit_code == 3, refused.output
    assert f"  · [Mediation Law Arts. 28–30] {unsigned} must be True\n" in refused.stderr, refused.stderr
    assert record(med, case, "agreement").exit_code == 0
    med.ok("advance", case, "--as", OFFICER)
    assert med.json("show", case)["stage"] == "supervision"


def test_mediation_agreement_oral_recorded(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "agreement")
    assert record(med, case, "agreement", form="oral").exit_code == 0
    med.ok("advance", case, "--as", OFFICER)
    assert med.json("show", case)["stage"] == "supervision"


# ---------------------------------------------------------------------------- Art. 33: confirmation


@pytest.mark.parametrize(
    ("holiday", "overrides", "last_day", "day_after"),
    [
        # 2024-09-20 + 30 days is Sunday 10-20: the period ends on Monday 10-21 (Civil Code Art. 203 ¶1)
        ("national_day_2024", {}, "2024-10-21", "2024-10-22"),
        ("spring_festival_2025", IN_2025, "2025-02-19", "2025-02-20"),
    ],
)
def test_mediation_confirmation_within_30_calendar_days_across_holidays(
    med: Dflow, holiday: str, overrides: dict[str, dict[str, str]], last_day: str, day_after: str
) -> None:
    """An application after the 30 days is refused: the court would not accept it (Mediation Law
    Art. 33; CPL Art. 205), so the case cannot be archived as confirmed-sought with it."""
    on_time, late = new_case(med, "confirmation_sought"), new_case(med, "confirmation_sought")
    bring_to(med, on_time, "confirmation", **overrides)
    assert record(med, on_time, "judicial_confirmation", applied_on=last_day).exit_code == 0
    med.ok("advance", on_time, "--as", OFFICER)
    assert med.json("show", on_time)["status"] == "archived"
    assert completed_notes(med, on_time, "judicial_confirmation") == []

    bring_to(med, late, "confirmation", **overrides)
    assert record(med, late, "judicial_confirmation", applied_on=day_after).exit_code == 0
    effective = overrides.get("agreement", {}).get("effective_on", "2024-09-20")
    days = (date.fromisoformat(day_after) - date.fromisoformat(effective)).days
    before = med.json("show", late)
    fails(
        med("advance", late, "--as", OFFICER),
        3,
        "cannot leave stage confirmation\n"
        f"  · [Mediation Law Art. 33; CPL Art. 205] applied_on is {days} days after effective_on: the period of 30"
        " days has passed, and with it the right\n",
    )
    assert med.json("show", late) == before, holiday


def test_mediation_confirmation_jointly_by_the_parties(med: Dflow) -> None:
    case = new_case(med, "confirmation_sought")
    bring_to(med, case, "confirmation")
    assert record(med, case, "judicial_confirmation", joint_application="false").exit_code == 0
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage confirmation\n  · [Mediation Law Art. 33; CPL Art. 205] joint_application must be True\n",
    )
    assert record(med, case, "judicial_confirmation").exit_code == 0
    med.ok("advance", case, "--as", OFFICER)
    assert med.json("show", case)["status"] == "archived"


def test_mediation_confirmation_optional_unless_sought(med: Dflow) -> None:
    sought, not_sought = new_case(med, "confirmation_sought"), new_case(med)
    for case in (sought, not_sought):
        bring_to(med, case, "confirmation")
    refused = med("waive", sought, "judicial_confirmation", "--reason", "双方未申请", "--as", OFFICER)
    assert refused.exit_code == 3 and "[Mediation Law Art. 33]" in refused.stderr, refused.output
    med.ok("waive", not_sought, "judicial_confirmation", "--reason", "双方认为无需司法确认", "--as", OFFICER)
    med.ok("advance", not_sought, "--as", OFFICER)
    assert med.json("show", not_sought)["status"] == "archived"


def test_mediation_due_lists_the_confirmation_deadline(med: Dflow) -> None:
    case = new_case(med, "confirmation_sought")
    bring_to(med, case, "confirmation")
    assert med.ok("due", "--today", "2024-10-08", "--as", OFFICER).stdout == (
        "due as of 2024-10-08, soonest first:\n"
        f"2024-10-21  10 working days left  #{case} {TITLE} (沙河乡人民政府) — judicial_confirmation: applied_on"
        " within 30 days after effective_on (2024-09-20) [Mediation Law Art. 33; CPL Art. 205]\n"
    )
    (item,) = med.json("due", "--today", "2024-10-08", "--as", OFFICER)["items"]
    assert (item["due_on"], item["step"], item["field"], item["since"]) == (
        "2024-10-21",  # the 30th day, 10-20, is a Sunday (Civil Code Art. 203 ¶1)
        "judicial_confirmation",
        "applied_on",
        "2024-09-20",
    )


# ---------------------------------------------------------------------------- MoJ: one month, a mark


def test_mediation_conclusion_period_marks_late_never_refuses(med: Dflow) -> None:
    """Registered on 2024-09-03: the 30th day, 10-03, is in the National Day holiday, so the
    period ends on 10-08, its first working day after (Civil Code Art. 203 ¶1)."""
    on_time, late = new_case(med), new_case(med)
    for case, concluded_on in ((on_time, "2024-10-08"), (late, "2024-10-09")):
        bring_to(med, case, "ending")
        assert record(med, case, "ending", concluded_on=concluded_on).exit_code == 0
        med.ok("advance", case, "--as", OFFICER)
        assert med.json("show", case)["stage"] == "agreement"
    assert completed_notes(med, on_time, "ending") == []
    (note,) = completed_notes(med, late, "ending")
    assert note.pop("msg") == {
        "key": "rule.late_calendar",
        "params": {"days": 36, "field": "concluded_on", "max": 30, "since": "registered_on"},
    }  # the message itself, so each reader sees it in their own language
    assert note == {
        "rule": "late",
        "article": "MoJ Mediation Rules Art. 33",
        "detail": "concluded_on is 36 days after registered_on; due within 30 (recorded as late)",
    }


# ---------------------------------------------------------------------------- the shipped file


def test_mediation_workflow_check_accepts_the_shipped_file(med: Dflow) -> None:
    assert med.ok("workflow", "check", SHIPPED).stdout == f"{SHIPPED}: OK (mediation v2, 9 stages)\n"


def test_mediation_refusal_gate_removed_is_rejected_by_workflow_check(med: Dflow, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    gate = '  { kind = "blocks_leaving", field = "party_refused", value = true, return_to = "application",'
    assert gate in text
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith(gate)]
    bad = copy_of(tmp_path, "no-refusal-gate.toml", "".join(lines))
    fails(
        med("workflow", "check", bad),
        2,
        f"{bad}: willingness.rules: a party's express refusal (party_refused = true) must block going on to"
        " mediation (Mediation Law Arts. 17–18)\n",
    )
    fails(
        med("workflow", "check", bad, env={"DFLOW_LANG": "zh"}),
        2,
        f"{bad}：willingness.rules：当事人明确拒绝调解的（party_refused = true），"
        "须阻止进入调解（《人民调解法》第17–18条）\n",
    )


def test_mediation_confirmation_in_working_days_is_rejected_by_workflow_check(med: Dflow, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    old = 'period = { days = 30, unit = "calendar" }, refuse = true, article = "Mediation Law Art. 33'
    assert old in text
    working = copy_of(tmp_path, "working-days.toml", text.replace(old, old.replace("calendar", "working")))
    marked = copy_of(tmp_path, "marked.toml", text.replace(old, old.replace(" refuse = true,", "")))
    for bad in (working, marked):
        fails(
            med("workflow", "check", bad),
            2,
            f"{bad}: judicial_confirmation.rules: judicial confirmation is applied for within 30 calendar days of"
            " the agreement taking effect: a deadline rule from agreement.effective_on to applied_on of at most 30"
            " calendar days, refuse = true, is owed (Mediation Law Art. 33; CPL Art. 205)\n",
        )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '{ kind = "min_items", field = "mediators", min = 1,',
            '{ kind = "min_items", field = "mediators", min = 0,',
            "assignment.rules: at least one mediator must be assigned (min_items on mediators, Mediation Law Art. 19)",
        ),
        (
            '{ kind = "field_equals", field = "committee_sealed", value = true,',
            '{ kind = "field_equals", field = "committee_sealed", value = false,',
            "agreement.rules: an agreement takes effect only once committee_sealed is true: the rule field_equals"
            " committee_sealed = true is owed (Mediation Law Arts. 28–30)",
        ),
    ],
)
def test_mediation_weakened_copies_are_rejected_by_workflow_check(
    med: Dflow, tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    bad = copy_of(tmp_path, "weakened.toml", text.replace(old, new))
    fails(med("workflow", "check", bad), 2, f"{bad}: {message}\n")


def test_mediation_articles_render_in_chinese() -> None:
    from decision_flow.core.i18n import article

    assert article("Mediation Law Arts. 17–18", "zh") == "《人民调解法》第17–18条"
    assert article("Mediation Law Art. 33; CPL Art. 205", "zh") == "《人民调解法》第33条；《民事诉讼法》第205条"
    assert article("MoJ Mediation Rules Art. 33", "zh") == "司法部《人民调解工作若干规定》第33条"


# ---------------------------------------------------------------------------- the demo


def test_mediation_demo_walks_from_the_terminal(med: Dflow) -> None:
    walked = med.json("demo", "--workflow", "mediation")
    assert (walked["workflow"], walked["status"], walked["verify"]["ok"]) == ("mediation", "archived", True)
    assert [r["rule"] for r in walked["refused"]] == ["stage_order"]
    told = med.ok("demo", "--workflow", "mediation", env={"DFLOW_LANG": "zh"}).stdout
    assert "已拒绝跳过程序直接进入调解" in told and "当事人意愿" in told
    fails(
        med("demo", "--workflow", "nope"),
        4,
        "no workflow named 'nope' (known: enforcement-decision, major-decision-township, mediation, petition)\n",
    )
    assert med.json("demo")["workflow"] == "major-decision-township"  # the default is unchanged


def test_mediation_refusal_recorded_as_accepted_cannot_go_on_until_returned(med: Dflow) -> None:
    case = new_case(med)
    bring_to(med, case, "willingness")
    refused = {"party_refused": "true", "refusal_note": "乙方明确拒绝"}
    assert record(med, case, "willingness", **refused).exit_code == 0
    med.ok("complete", case, "willingness", "--as", OFFICER)  # accepted, by mistake
    fails(
        med("advance", case, "--as", OFFICER),
        3,
        "cannot leave stage willingness\n"
        "  · [Mediation Law Arts. 17–18] willingness recorded party_refused=True: return the decision to"
        " application\n",
    )
    med.ok("return", case, "--to", "application", "--reason", "误记为受理", "--as", OFFICER)
    med.ok("advance", case, "--as", OFFICER)
    assert record(med, case, "willingness", acceptance="not_accepted", **refused).exit_code == 0
    med.ok("complete", case, "willingness", "--as", OFFICER)
    assert med.json("show", case)["status"] == "closed"
