"""The numbered rules R1–R27 of spec/PROCEDURE.md, each with a case the procedure lets through
and a case the engine refuses (citing the rule and its article of Decree 713).

Every refusal here is checked with :func:`refused`, which also proves that a refused change
writes nothing (``queries.show`` before == after) and leaves a ``refused`` event as the last
entry of the decision's trail, carrying the same rule and article.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.calendar_cn import ChinaCalendar, add_working_days, working_days_after
from decision_flow.core.errors import Blocked, InvalidInput
from decision_flow.engine import Engine, queries, verification
from decision_flow.procedures import get as get_workflow
from decision_flow.procedures.major_decision import DATES_ARTICLE, ORDER_ARTICLE
from decision_flow.store.db import Database
from tests.flow import (
    ACTOR,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    VALID,
    evidence_file,
    new_decision,
    record_valid,
)

TOWNSHIP = "major-decision-township"
CALENDAR = ChinaCalendar()


# ---------------------------------------------------------------------------- helpers


@contextmanager
def refused(
    engine: Engine, decision: int, rule: str, article: str, key: str | None = None, text: str | None = None
) -> Iterator[pytest.ExceptionInfo[Blocked]]:
    """Expect the body to be refused (Blocked) with a reason of `rule` citing `article`
    (optionally of message `key`, optionally whose English detail contains `text`); then check
    nothing changed and the refusal is the trail's last event."""
    before = queries.show(engine, decision)
    with pytest.raises(Blocked) as info:
        yield info
    matching = [r for r in info.value.reasons if r.rule == rule and r.article == article]
    found = [r.as_dict("en") for r in info.value.reasons]
    assert matching, f"no reason {rule!r} citing {article!r} in {found}"
    if key is not None:
        assert any(r.msg.key == key for r in matching), (key, found)
    if text is not None:
        assert any(text in r.detail("en") for r in matching), (text, found)
    assert all(r.blocking for r in info.value.reasons)
    assert queries.show(engine, decision) == before, "a refused change altered the decision"
    last = queries.trail(engine, decision)["events"][-1]
    assert last["action"] == "refused"
    assert {"rule": rule, "article": article} in [
        {"rule": r["rule"], "article": r["article"]} for r in last["data"]["reasons"]
    ]


def stage(engine: Engine, decision: int) -> str:
    return str(queries.show(engine, decision)["stage"])


def step_of(engine: Engine, decision: int, name: str) -> dict[str, Any]:
    return next(s for s in queries.show(engine, decision)["steps"] if s["step"] == name)


def walk(
    engine: Engine,
    decision: int,
    to: str,
    files: Path,
    workflow: str = "major-decision",
    over: Mapping[str, Mapping[str, str]] | None = None,
    waive: Mapping[str, str | None] | None = None,
) -> None:
    """Like flow.bring_to, with per-step field overrides and steps waived (step -> reference)."""
    over, waive = over or {}, waive or {}
    stages = get_workflow(workflow).stages
    start = [s.name for s in stages].index(stage(engine, decision))
    for st in stages[start:]:
        current = stage(engine, decision)
        if current == to:
            return
        assert current == st.name, (current, st.name)
        for step in st.steps:
            if step.name in waive:
                engine.waive(
                    decision, step.name, "not applicable to this matter", ACTOR[step.name], reference=waive[step.name]
                )
            else:
                record_valid(engine, decision, step.name, files, workflow, **over.get(step.name, {}))
        engine.advance(decision, ACTOR[st.steps[0].name])
    raise AssertionError(f"never reached {to}")


def attach(engine: Engine, decision: int, step: str, files: Path, *kinds: str) -> None:
    engine.record(decision, step, [], [f"{k}={evidence_file(files, k)}" for k in kinds], ACTOR[step])


def later_steps_pending(engine: Engine, decision: int, first_stage: str, before: Mapping[str, Any]) -> None:
    """Every step of `first_stage` and later stages is pending again, starting from the values and
    evidence it held `before` the return (shown as carried over when it held any)."""
    stages = [s.name for s in get_workflow("major-decision").stages]
    shown = queries.show(engine, decision)
    for step, earlier in zip(shown["steps"], before["steps"], strict=True):
        if stages.index(step["stage"]) >= stages.index(first_stage):
            assert step["status"] == "pending", step
            assert (step["fields"], step["evidence"]) == (earlier["fields"], earlier["evidence"]), step
            assert step["carried_over"] == bool(earlier["fields"] or earlier["evidence"]), step
            assert step["marks"] == [] and step["waiver_reason"] is None, step
        else:
            assert step["status"] == "completed", step
            assert step == earlier


@pytest.fixture
def at_consultation(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    walk(engine, i, "consultation", files)
    return i


@pytest.fixture
def at_legality(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    return i


@pytest.fixture
def at_meeting(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    walk(engine, i, "collective_decision", files)
    return i


# ---------------------------------------------------------------------------- R1 order


def test_r1_advance_to_the_next_stage_only(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    with refused(engine, i, "stage_order", ORDER_ARTICLE, key="advance.skip"):
        engine.advance(i, OFFICER, to="consultation")
    with refused(engine, i, "stage_order", ORDER_ARTICLE):
        engine.advance(i, OFFICER, to="archived")
    assert engine.advance(i, OFFICER, to="drafting") == "drafting"


def test_r1_record_on_a_step_of_another_stage_refused(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    with refused(engine, i, "stage_order", ORDER_ARTICLE, key="step.other_stage"):
        record_valid(engine, i, "drafting", files)
    with refused(engine, i, "stage_order", ORDER_ARTICLE, key="step.other_stage"):
        record_valid(engine, i, "legality_review", files)
    record_valid(engine, i, "initiation", files)
    assert step_of(engine, i, "initiation")["fields"]["undertaking_unit"] == "沙河乡经济发展办公室"


def test_r1_send_back_only_to_an_earlier_stage(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    with refused(engine, i, "stage_order", ORDER_ARTICLE, key="return.not_earlier"):
        engine.send_back(i, "consultation", "redo", OFFICER)
    with refused(engine, i, "stage_order", ORDER_ARTICLE, key="return.not_earlier"):
        engine.send_back(i, "legality_review", "redo", OFFICER)
    engine.send_back(i, "drafting", "redo the draft", OFFICER)
    assert stage(engine, i) == "drafting"


# ---------------------------------------------------------------------------- R2 consultation before review


def test_r2_open_consultation_step_blocks_legality_review(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files)
    record_valid(engine, i, "risk_assessment", files)
    with refused(engine, i, "stage_incomplete", "Arts. 26–27", text="expert_review"):
        engine.advance(i, OFFICER)
    assert stage(engine, i) == "consultation"


def test_r2_completed_or_waived_consultation_reaches_review(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files)
    engine.waive(i, "expert_review", "no technical question", OFFICER)
    record_valid(engine, i, "risk_assessment", files)
    assert engine.advance(i, OFFICER) == "legality_review"
    assert step_of(engine, i, "expert_review")["status"] == "waived"


def test_r2_record_on_review_during_consultation_refused(engine: Engine, files: Path, at_consultation: int) -> None:
    with refused(engine, at_consultation, "stage_order", ORDER_ARTICLE):
        record_valid(engine, at_consultation, "legality_review", files)


# ---------------------------------------------------------------------------- R3 public participation


def test_r3_public_participation_waiver_refused_without_non_disclosable(engine: Engine, at_consultation: int) -> None:
    with refused(engine, at_consultation, "waiver", "Art. 14", key="waiver.only_when"):
        engine.waive(at_consultation, "public_participation", "urgent", OFFICER)


def test_r3_public_participation_waivable_when_non_disclosable(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["non_disclosable"])
    walk(engine, i, "legality_review", files, waive={"public_participation": None})
    assert step_of(engine, i, "public_participation")["status"] == "waived"


# ---------------------------------------------------------------------------- R4 comment period (Civil Code count)


@pytest.mark.parametrize("opened, closed", [("2024-04-01", "2024-05-01"), ("2024-03-01", "2024-03-31")])
def test_r4_thirty_days_counted_as_the_civil_code_counts_pass(
    engine: Engine, files: Path, at_consultation: int, opened: str, closed: str
) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files, opened_on=opened, closed_on=closed)
    assert engine.complete(i, "public_participation", OFFICER) == "consultation"
    assert step_of(engine, i, "public_participation")["status"] == "completed"


def test_r4_first_day_counted_is_refused(engine: Engine, files: Path, at_consultation: int) -> None:
    # a notice calling 03-01..03-30 "30 days" counts the opening day: only 29 under Art. 201
    i = at_consultation
    record_valid(engine, i, "public_participation", files, opened_on="2024-03-01", closed_on="2024-03-30")
    with refused(engine, i, "min_days", "Art. 15", key="rule.min_days_unless"):
        engine.complete(i, "public_participation", OFFICER)
    with refused(engine, i, "min_days", "Art. 15"):
        engine.advance(i, OFFICER)


def test_r4_short_period_with_urgency_reason_passes(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files, opened_on="2024-04-01", closed_on="2024-04-10")
    with refused(engine, i, "min_days", "Art. 15"):
        engine.complete(i, "public_participation", OFFICER)
    engine.record(i, "public_participation", ["urgency_reason=汛期前必须完成搬迁"], [], OFFICER)
    assert engine.complete(i, "public_participation", OFFICER) == "consultation"


# ---------------------------------------------------------------------------- R5–R7 hearing

HEARING = {"hearing_held": "true", "hearing_on": "2024-04-20", "hearing_materials_sent_on": "2024-04-13"}


@pytest.fixture
def hearing_case(engine: Engine, files: Path) -> int:
    i = new_decision(engine, ["hearing_required"])
    walk(engine, i, "consultation", files)
    return i


@pytest.mark.parametrize("held", [None, "false"])
def test_r5_hearing_required_without_hearing_refused(
    engine: Engine, files: Path, hearing_case: int, held: str | None
) -> None:
    i = hearing_case
    record_valid(engine, i, "public_participation", files, **({"hearing_held": held} if held else {}))
    with refused(engine, i, "flag_requires", "Art. 16", key="rule.flag_requires"):
        engine.complete(i, "public_participation", OFFICER)


def test_r5_hearing_required_with_hearing_held_passes(engine: Engine, files: Path, hearing_case: int) -> None:
    i = hearing_case
    record_valid(engine, i, "public_participation", files, **HEARING)
    attach(engine, i, "public_participation", files, "hearing_record")
    assert engine.complete(i, "public_participation", OFFICER) == "consultation"


def test_r6_hearing_materials_sent_seven_days_before_pass(engine: Engine, files: Path, hearing_case: int) -> None:
    i = hearing_case
    record_valid(engine, i, "public_participation", files, **HEARING)  # 04-13 -> 04-20: exactly 7
    attach(engine, i, "public_participation", files, "hearing_record")
    engine.complete(i, "public_participation", OFFICER)
    assert step_of(engine, i, "public_participation")["status"] == "completed"


def test_r6_hearing_materials_sent_six_days_before_refused(engine: Engine, files: Path, hearing_case: int) -> None:
    i = hearing_case
    record_valid(engine, i, "public_participation", files, **{**HEARING, "hearing_materials_sent_on": "2024-04-14"})
    attach(engine, i, "public_participation", files, "hearing_record")
    with refused(engine, i, "min_days", "Art. 17", key="rule.min_days"):
        engine.complete(i, "public_participation", OFFICER)


def test_r6_applies_to_any_held_hearing_and_needs_its_dates(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation  # no hearing_required flag, but a hearing was held
    record_valid(engine, i, "public_participation", files, hearing_held="true")
    attach(engine, i, "public_participation", files, "hearing_record")
    with refused(engine, i, "min_days", "Art. 17", key="rule.needs_fields"):
        engine.complete(i, "public_participation", OFFICER)


def test_r7_held_hearing_without_signed_record_refused(engine: Engine, files: Path, hearing_case: int) -> None:
    i = hearing_case
    record_valid(engine, i, "public_participation", files, **HEARING)
    assert "hearing_record" in step_of(engine, i, "public_participation")["missing"]
    with refused(engine, i, "evidence_when", "Art. 17", key="rule.evidence_when"):
        engine.complete(i, "public_participation", OFFICER)
    attach(engine, i, "public_participation", files, "hearing_record")
    assert engine.complete(i, "public_participation", OFFICER) == "consultation"


# ---------------------------------------------------------------------------- R8–R9 experts


def test_r8_expert_review_not_waivable_when_technical(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["technical"])
    walk(engine, i, "consultation", files)
    with refused(engine, i, "waiver", "Art. 19", key="waiver.unless"):
        engine.waive(i, "expert_review", "no time", OFFICER)
    with refused(engine, i, "waiver", "Art. 19"):
        engine.waive(i, "expert_review", "reviewed before", OFFICER, reference="REF-1")
    record_valid(engine, i, "expert_review", files)
    assert engine.complete(i, "expert_review", OFFICER) == "consultation"


def test_r8_expert_review_waivable_with_reason_when_not_technical(engine: Engine, at_consultation: int) -> None:
    engine.waive(at_consultation, "expert_review", "no professional or technical question", OFFICER)
    shown = step_of(engine, at_consultation, "expert_review")
    assert shown["status"] == "waived" and shown["waiver_reason"]


def test_r9_at_least_one_expert(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "expert_review", files, experts=" , ")
    with refused(engine, i, "min_items", "Art. 19", key="rule.min_items"):
        engine.complete(i, "expert_review", OFFICER)
    engine.record(i, "expert_review", ["experts=王工"], [], OFFICER)
    assert engine.complete(i, "expert_review", OFFICER) == "consultation"


def test_r9_no_expert_with_a_direct_interest(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "expert_review", files, conflicts_declared="false")
    with refused(engine, i, "field_equals", "Art. 20", key="rule.field_equals"):
        engine.complete(i, "expert_review", OFFICER)


def test_r9_signed_written_opinions_required(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    fields, _ = VALID["expert_review"]
    engine.record(i, "expert_review", fields, [f"expert_handling={evidence_file(files, 'expert_handling')}"], OFFICER)
    with refused(engine, i, "required_evidence", "Arts. 19–21", text="expert_opinions"):
        engine.complete(i, "expert_review", OFFICER)
    attach(engine, i, "expert_review", files, "expert_opinions")
    assert engine.complete(i, "expert_review", OFFICER) == "consultation"


# ---------------------------------------------------------------------------- R10–R11 risk


def test_r10_risk_assessment_waiver_needs_reference_when_stability_risk(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["stability_risk"])
    walk(engine, i, "consultation", files)
    with refused(engine, i, "waiver", "Arts. 22–23", key="waiver.unless_ref"):
        engine.waive(i, "risk_assessment", "assessed elsewhere", OFFICER)
    with refused(engine, i, "waiver", "Arts. 22–23"):
        engine.waive(i, "risk_assessment", "assessed elsewhere", OFFICER, reference="   ")
    engine.waive(
        i, "risk_assessment", "assessed under the land-use rules", OFFICER, reference="县社会稳定风险评估〔2024〕12号"
    )
    assert step_of(engine, i, "risk_assessment")["status"] == "waived"
    last = queries.trail(engine, i)["events"][-1]
    assert last["action"] == "waived" and last["data"]["reference"] == "县社会稳定风险评估〔2024〕12号"


def test_r10_risk_assessment_waivable_with_reason_without_flag(engine: Engine, at_consultation: int) -> None:
    engine.waive(at_consultation, "risk_assessment", "no effect on stability", OFFICER)
    assert step_of(engine, at_consultation, "risk_assessment")["status"] == "waived"


def test_r11_uncontrollable_risk_blocks_leaving(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files)
    record_valid(engine, i, "expert_review", files)
    record_valid(engine, i, "risk_assessment", files, controllable="false")
    assert engine.complete(i, "risk_assessment", OFFICER) == "consultation"  # the finding is recorded
    with refused(engine, i, "blocks_leaving", "Art. 24", key="rule.blocks_leaving"):
        engine.advance(i, OFFICER)
    with refused(engine, i, "stage_order", ORDER_ARTICLE):
        engine.advance(i, OFFICER, to="collective_decision")
    with refused(engine, i, "stage_order", ORDER_ARTICLE):  # nothing later than drafting qualifies
        engine.send_back(i, "consultation", "reassess only", OFFICER)
    with refused(engine, i, "step_closed", "Arts. 22–24"):  # the finding cannot be overwritten in place
        engine.record(i, "risk_assessment", ["controllable=true"], [], OFFICER)
    assert stage(engine, i) == "consultation"


def test_r11_uncontrollable_risk_blocks_even_when_advance_completes_it(
    engine: Engine, files: Path, at_consultation: int
) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files)
    record_valid(engine, i, "expert_review", files)
    record_valid(engine, i, "risk_assessment", files, controllable="false")
    with refused(engine, i, "blocks_leaving", "Art. 24"):
        engine.advance(i, OFFICER)
    assert step_of(engine, i, "risk_assessment")["status"] == "pending"


def test_r11_uncontrollable_finding_cannot_be_waived_away(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    record_valid(engine, i, "public_participation", files)
    record_valid(engine, i, "expert_review", files)
    record_valid(engine, i, "risk_assessment", files, controllable="false")
    try:
        engine.waive(i, "risk_assessment", "no longer needed", OFFICER)
    except Blocked as exc:  # refusing the waiver itself is a correct fix too
        assert ("blocks_leaving", "Art. 24") in [(r.rule, r.article) for r in exc.reasons]
    else:
        with refused(engine, i, "blocks_leaving", "Art. 24"):
            engine.advance(i, OFFICER)
    assert stage(engine, i) == "consultation"


def test_r11_revised_and_reassessed_after_return_to_drafting(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    for step in ("public_participation", "expert_review"):
        record_valid(engine, i, step, files)
    record_valid(engine, i, "risk_assessment", files, controllable="false")
    engine.complete(i, "risk_assessment", OFFICER)
    before = queries.show(engine, i)
    engine.send_back(i, "drafting", "uncontrollable risk: revise the draft", OFFICER)
    assert stage(engine, i) == "drafting"
    later_steps_pending(engine, i, "drafting", before)
    assert step_of(engine, i, "risk_assessment")["fields"]["controllable"] is False  # carried, still blocking
    walk(engine, i, "legality_review", files)  # revised and reassessed: controllable
    assert step_of(engine, i, "risk_assessment")["fields"]["controllable"] is True


# ---------------------------------------------------------------------------- R12 legality review never skipped


def test_r12_legality_review_never_waived(engine: Engine, files: Path, at_legality: int) -> None:
    with refused(engine, at_legality, "waiver", "Art. 25", key="waiver.never"):
        engine.waive(at_legality, "legality_review", "obviously lawful", REVIEWER)
    with refused(engine, at_legality, "stage_incomplete", "Arts. 25–28"):
        engine.advance(at_legality, REVIEWER)
    record_valid(engine, at_legality, "legality_review", files)
    assert engine.advance(at_legality, REVIEWER) == "collective_decision"


def test_r12_legality_review_never_skipped(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation
    for step in ("public_participation", "expert_review", "risk_assessment"):
        record_valid(engine, i, step, files)
    with refused(engine, i, "stage_order", ORDER_ARTICLE, text="legality_review"):
        engine.advance(i, OFFICER, to="collective_decision")
    with refused(engine, i, "never_skipped", "Art. 25", text="legality_review"):
        engine.advance(i, OFFICER, to="collective_decision")
    assert engine.advance(i, OFFICER, to="legality_review") == "legality_review"


# ---------------------------------------------------------------------------- R13 working days


def review(engine: Engine, decision: int, files: Path, submitted: str, opinion: str, **over: str) -> None:
    record_valid(engine, decision, "legality_review", files, submitted_on=submitted, opinion_on=opinion, **over)


def test_r13_national_day_holiday_is_not_working_days(engine: Engine, files: Path, at_legality: int) -> None:
    # 09-29 (Sunday) and 09-30 are working days, 10-01..10-07 the holiday, 10-08 working: only 3
    i = at_legality
    review(engine, i, files, "2024-09-27", "2024-10-08")
    with refused(engine, i, "min_working_days", "Art. 26", key="rule.min_working_days"):
        engine.complete(i, "legality_review", REVIEWER)
    with refused(engine, i, "min_working_days", "Art. 26"):
        engine.advance(i, REVIEWER)


def test_r13_adjusted_saturday_counts(engine: Engine, files: Path, at_legality: int) -> None:
    # Saturday 2024-10-12 is an adjusted working day (调休): the seventh working day
    assert working_days_after(CALENDAR, date(2024, 9, 27), date(2024, 10, 12)) == 7
    i = at_legality
    review(engine, i, files, "2024-09-27", "2024-10-12")
    assert engine.complete(i, "legality_review", REVIEWER) == "legality_review"
    assert engine.advance(i, REVIEWER) == "collective_decision"


def test_r13_weekend_only_count_would_pass_but_holiday_refuses(engine: Engine, files: Path, at_legality: int) -> None:
    # a Mon–Fri count finds 8 working days from 09-27 to 10-09; the official calendar finds 4
    i = at_legality
    review(engine, i, files, "2024-09-27", "2024-10-09")
    with refused(engine, i, "min_working_days", "Art. 26"):
        engine.complete(i, "legality_review", REVIEWER)


def test_r13_weekend_only_count_would_refuse_but_adjusted_day_passes(
    engine: Engine, files: Path, at_legality: int
) -> None:
    # a Mon–Fri count finds 6 working days from 10-08 to 10-16; Saturday 10-12 makes it 7
    assert working_days_after(CALENDAR, date(2024, 10, 8), date(2024, 10, 16)) == 7
    i = at_legality
    review(engine, i, files, "2024-10-08", "2024-10-16")
    assert engine.complete(i, "legality_review", REVIEWER) == "legality_review"


def test_r13_six_plain_working_days_refused(engine: Engine, files: Path, at_legality: int) -> None:
    i = at_legality
    review(engine, i, files, "2024-06-03", "2024-06-11")  # Tue..Tue minus the weekend: 6
    with refused(engine, i, "min_working_days", "Art. 26"):
        engine.complete(i, "legality_review", REVIEWER)


# ---------------------------------------------------------------------------- R14 legal adviser


def test_r14_legal_adviser_took_part(engine: Engine, files: Path, at_legality: int) -> None:
    i = at_legality
    review(engine, i, files, "2024-06-03", "2024-06-14", legal_adviser="")
    assert "legal_adviser" in step_of(engine, i, "legality_review")["missing"]
    with refused(engine, i, "required_field", "Art. 28", text="legal_adviser"):
        engine.complete(i, "legality_review", REVIEWER)
    engine.record(i, "legality_review", ["legal_adviser=县司法局公职律师 周某"], [], REVIEWER)
    assert engine.complete(i, "legality_review", REVIEWER) == "legality_review"


# ---------------------------------------------------------------------------- R15 unlawful opinion


@pytest.fixture
def unlawful(engine: Engine, files: Path, at_legality: int) -> int:
    record_valid(engine, at_legality, "legality_review", files, opinion="unlawful")
    assert engine.complete(at_legality, "legality_review", REVIEWER) == "legality_review"
    return at_legality


def test_r15_unlawful_opinion_never_reaches_collective_decision(engine: Engine, unlawful: int) -> None:
    with refused(engine, unlawful, "blocks_leaving", "Art. 25", key="rule.blocks_leaving"):
        engine.advance(unlawful, REVIEWER)
    with refused(engine, unlawful, "blocks_leaving", "Art. 25"):
        engine.advance(unlawful, REVIEWER, to="collective_decision")
    assert stage(engine, unlawful) == "legality_review"
    assert step_of(engine, unlawful, "legality_review")["status"] == "completed"


def test_r15_unlawful_opinion_returns_to_drafting_not_later(engine: Engine, files: Path, unlawful: int) -> None:
    i = unlawful
    with refused(engine, i, "blocks_leaving", "Art. 25", key="rule.blocks_leaving"):
        engine.send_back(i, "consultation", "consult again", OFFICER)
    before = queries.show(engine, i)
    engine.send_back(i, "drafting", "unlawful: revise the draft", OFFICER)
    assert stage(engine, i) == "drafting"
    later_steps_pending(engine, i, "drafting", before)
    walk(engine, i, "collective_decision", files)  # revised draft, new lawful opinion
    assert step_of(engine, i, "legality_review")["fields"]["opinion"] == "lawful"


def test_r15_lawful_with_revisions_may_proceed(engine: Engine, files: Path, at_legality: int) -> None:
    record_valid(engine, at_legality, "legality_review", files, opinion="lawful_with_revisions")
    assert engine.advance(at_legality, REVIEWER) == "collective_decision"


# ---------------------------------------------------------------------------- R16 collective decision never skipped


def test_r16_collective_decision_never_waived(engine: Engine, files: Path, at_meeting: int) -> None:
    with refused(engine, at_meeting, "waiver", "Art. 30", key="waiver.never"):
        engine.waive(at_meeting, "collective_decision", "head approved in writing", EXECUTIVE)
    with refused(engine, at_meeting, "stage_incomplete", "Arts. 29–30"):
        engine.advance(at_meeting, EXECUTIVE)
    record_valid(engine, at_meeting, "collective_decision", files)
    assert engine.advance(at_meeting, EXECUTIVE) == "party_report"


def test_r16_collective_decision_never_skipped(engine: Engine, files: Path, at_legality: int) -> None:
    record_valid(engine, at_legality, "legality_review", files)
    with refused(engine, at_legality, "stage_order", ORDER_ARTICLE):
        engine.advance(at_legality, REVIEWER, to="party_report")
    with refused(engine, at_legality, "never_skipped", "Art. 30", text="collective_decision"):
        engine.advance(at_legality, REVIEWER, to="party_report")
    assert stage(engine, at_legality) == "legality_review"


# ---------------------------------------------------------------------------- R17 meeting type by level


def test_r17_township_meeting_types(engine: Engine, files: Path) -> None:
    i = new_decision(engine, workflow=TOWNSHIP)
    walk(engine, i, "collective_decision", files, workflow=TOWNSHIP)
    with refused(engine, i, "choice", "Arts. 30, 42", key="field.choice"):
        record_valid(engine, i, "collective_decision", files, TOWNSHIP, meeting_type="standing_meeting")
    record_valid(engine, i, "collective_decision", files, TOWNSHIP, meeting_type="township_office_meeting")
    assert engine.advance(i, EXECUTIVE) == "party_report"


def test_r17_township_joint_meeting_accepted(engine: Engine, files: Path) -> None:
    i = new_decision(engine, workflow=TOWNSHIP)
    walk(engine, i, "collective_decision", files, workflow=TOWNSHIP)
    record_valid(engine, i, "collective_decision", files, TOWNSHIP, meeting_type="party_government_joint_meeting")
    assert engine.advance(i, EXECUTIVE) == "party_report"


@pytest.mark.parametrize("meeting", ["township_office_meeting", "party_government_joint_meeting"])
def test_r17_county_refuses_township_meetings(engine: Engine, files: Path, at_meeting: int, meeting: str) -> None:
    with refused(engine, at_meeting, "choice", "Arts. 30, 42"):
        record_valid(engine, at_meeting, "collective_decision", files, meeting_type=meeting)
    record_valid(engine, at_meeting, "collective_decision", files, meeting_type="plenary_meeting")
    assert engine.advance(at_meeting, EXECUTIVE) == "party_report"


# ---------------------------------------------------------------------------- R18–R19 stances


DISAGREEING = "张乡长:disagree,王副乡长:disagree,刘委员:agree"


def test_r18_disagree_without_dissent_refused(engine: Engine, files: Path, at_meeting: int) -> None:
    with refused(engine, at_meeting, "stances", "Art. 30", key="rule.dissent"):
        record_valid(
            engine, at_meeting, "collective_decision", files, stances="张乡长:agree,王副乡长:disagree,刘委员:agree"
        )


def test_r18_disagree_with_dissent_passes(engine: Engine, files: Path, at_meeting: int) -> None:
    record_valid(
        engine,
        at_meeting,
        "collective_decision",
        files,
        stances="张乡长:agree,王副乡长:disagree,刘委员:agree",
        dissent="王副乡长：选址离学校过近",
    )
    assert engine.advance(at_meeting, EXECUTIVE) == "party_report"
    assert step_of(engine, at_meeting, "collective_decision")["fields"]["stances"] == [
        "张乡长:agree",
        "王副乡长:disagree",
        "刘委员:agree",
    ]


@pytest.mark.parametrize(
    "stances", ["wang:maybe", "张乡长:agree,wang:maybe", "张乡长:agree,张乡长:agree", "agree", "张乡长:agree,:disagree"]
)
def test_r18_malformed_stances_refused(engine: Engine, files: Path, at_meeting: int, stances: str) -> None:
    with refused(engine, at_meeting, "stances", "Art. 30", key="rule.stances_format"):
        record_valid(engine, at_meeting, "collective_decision", files, stances=stances)


def test_r19_approved_against_disagreeing_majority_needs_reasons(engine: Engine, files: Path, at_meeting: int) -> None:
    i = at_meeting
    with refused(engine, i, "stances", "Art. 30", key="rule.head_reasons"):
        record_valid(engine, i, "collective_decision", files, stances=DISAGREEING, dissent="选址不当")
    record_valid(
        engine,
        i,
        "collective_decision",
        files,
        stances=DISAGREEING,
        dissent="选址不当",
        head_reasons="搬迁期限由上级规定，不能推迟",
    )
    assert engine.advance(i, EXECUTIVE) == "party_report"


def test_r19_rejected_against_agreeing_majority_needs_reasons(engine: Engine, files: Path, at_meeting: int) -> None:
    i = at_meeting
    with refused(engine, i, "stances", "Art. 30", key="rule.head_reasons"):
        record_valid(engine, i, "collective_decision", files, head_decision="rejected")
    record_valid(engine, i, "collective_decision", files, head_decision="rejected", head_reasons="财政无力承担")
    assert engine.complete(i, "collective_decision", EXECUTIVE) == "rejected"


def test_r19_following_the_majority_needs_no_reasons(engine: Engine, files: Path, at_meeting: int) -> None:
    record_valid(
        engine,
        at_meeting,
        "collective_decision",
        files,
        stances=DISAGREEING,
        dissent="选址不当",
        head_decision="rejected",
    )
    assert engine.complete(at_meeting, "collective_decision", EXECUTIVE) == "rejected"


# ---------------------------------------------------------------------------- R20 Art. 29 packet


def test_r20_market_affecting_needs_fair_competition_review(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["market_affecting"])
    walk(engine, i, "collective_decision", files)
    with refused(engine, i, "packet", "Art. 29", key="rule.packet", text="fair_competition_review"):
        record_valid(engine, i, "collective_decision", files)
    # the packet is checked when the head's decision is recorded, not before
    fields = [f for f in VALID["collective_decision"][0] if not f.startswith("head_decision=")]
    engine.record(i, "collective_decision", fields, [], EXECUTIVE)
    with refused(engine, i, "packet", "Art. 29"):
        engine.record(i, "collective_decision", ["head_decision=approved"], [], EXECUTIVE)
    attach(engine, i, "collective_decision", files, "fair_competition_review", "minutes")
    engine.record(i, "collective_decision", ["head_decision=approved"], [], EXECUTIVE)
    assert engine.advance(i, EXECUTIVE) == "party_report"


def test_r20_packet_without_flag_does_not_ask_for_fair_competition_review(
    engine: Engine, files: Path, at_meeting: int
) -> None:
    record_valid(engine, at_meeting, "collective_decision", files)
    assert engine.advance(at_meeting, EXECUTIVE) == "party_report"


def test_r20_waived_steps_are_not_asked_for(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["non_disclosable"])
    walk(
        engine,
        i,
        "collective_decision",
        files,
        waive={"expert_review": None, "risk_assessment": None, "public_participation": None},
    )
    record_valid(engine, i, "collective_decision", files)
    assert engine.advance(i, EXECUTIVE) == "party_report"


# ---------------------------------------------------------------------------- R21 outcomes


def test_r21_approved_goes_on(engine: Engine, files: Path, at_meeting: int) -> None:
    record_valid(engine, at_meeting, "collective_decision", files)
    assert engine.complete(at_meeting, "collective_decision", EXECUTIVE) == "collective_decision"
    assert engine.advance(at_meeting, EXECUTIVE) == "party_report"
    assert queries.show(engine, at_meeting)["status"] == "active"


def test_r21_rejected_ends(engine: Engine, files: Path, at_meeting: int) -> None:
    i = at_meeting
    record_valid(
        engine, i, "collective_decision", files, stances=DISAGREEING, dissent="选址不当", head_decision="rejected"
    )
    with refused(engine, i, "outcome", "Art. 30", key="advance.outcome"):
        engine.advance(i, EXECUTIVE)
    assert engine.complete(i, "collective_decision", EXECUTIVE) == "rejected"
    assert queries.show(engine, i)["status"] == "rejected"
    with refused(engine, i, "closed", ORDER_ARTICLE):
        engine.advance(i, EXECUTIVE)
    with refused(engine, i, "closed", ORDER_ARTICLE):
        engine.send_back(i, "drafting", "try again", OFFICER)


def test_r21_amend_returns_to_drafting(engine: Engine, files: Path, at_meeting: int) -> None:
    i = at_meeting
    record_valid(engine, i, "collective_decision", files, head_decision="amend", head_reasons="补充补偿方案")
    with refused(engine, i, "outcome", "Art. 30"):
        engine.advance(i, EXECUTIVE)
    before = queries.show(engine, i)
    assert engine.complete(i, "collective_decision", EXECUTIVE) == "drafting"
    assert stage(engine, i) == "drafting"
    later_steps_pending(engine, i, "drafting", before)
    actions = [e["action"] for e in queries.trail(engine, i)["events"][-2:]]
    assert actions == ["completed", "returned"]


@pytest.mark.parametrize("outcome", ["deferred", "rediscuss"])
def test_r21_deferred_or_rediscuss_stays_for_a_later_meeting(
    engine: Engine, files: Path, at_meeting: int, outcome: str
) -> None:
    i = at_meeting
    record_valid(engine, i, "collective_decision", files, head_decision=outcome, head_reasons="待补充材料")
    with refused(engine, i, "outcome", "Art. 30"):
        engine.advance(i, EXECUTIVE)
    assert engine.complete(i, "collective_decision", EXECUTIVE) == "collective_decision"
    shown = step_of(engine, i, "collective_decision")
    assert stage(engine, i) == "collective_decision" and queries.show(engine, i)["status"] == "active"
    assert shown["status"] == "pending" and shown["fields"] == {} and shown["evidence"] == []
    assert step_of(engine, i, "legality_review")["status"] == "completed"
    record_valid(engine, i, "collective_decision", files, held_on="2024-06-27")
    assert engine.advance(i, EXECUTIVE) == "party_report"


# ---------------------------------------------------------------------------- R22 Party committee report


def test_r22_party_report_before_publication(engine: Engine, files: Path, at_meeting: int) -> None:
    i = at_meeting
    record_valid(engine, i, "collective_decision", files)
    with refused(engine, i, "stage_order", ORDER_ARTICLE, text="party_report"):
        engine.advance(i, EXECUTIVE, to="publication")
    engine.advance(i, EXECUTIVE)
    with refused(engine, i, "stage_order", ORDER_ARTICLE):
        record_valid(engine, i, "publication", files)
    with refused(engine, i, "waiver", "Art. 31", key="waiver.never"):
        engine.waive(i, "party_report", "the committee was told orally", OFFICER)
    with refused(engine, i, "stage_incomplete", "Art. 31"):
        engine.advance(i, OFFICER)
    record_valid(engine, i, "party_report", files)
    assert engine.advance(i, OFFICER) == "publication"


# ---------------------------------------------------------------------------- R23 publication deadline


@pytest.fixture
def at_publication(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    walk(engine, i, "publication", files)
    return i


def test_r23_publication_within_twenty_working_days_unmarked(engine: Engine, files: Path, at_publication: int) -> None:
    assert add_working_days(CALENDAR, date(2024, 6, 20), 20) == date(2024, 7, 18)
    record_valid(engine, at_publication, "publication", files, published_on="2024-07-18")
    assert engine.advance(at_publication, OFFICER) == "archiving"
    shown = step_of(engine, at_publication, "publication")
    assert shown["status"] == "completed" and shown["marks"] == []


def test_r23_late_publication_recorded_and_marked_late(engine: Engine, files: Path, at_publication: int) -> None:
    i = at_publication
    record_valid(engine, i, "publication", files, published_on="2024-07-19")  # the 21st working day
    assert engine.complete(i, "publication", OFFICER) == "publication"
    shown = step_of(engine, i, "publication")
    assert shown["status"] == "completed" and shown["marks"] == ["late"]
    last = queries.trail(engine, i)["events"][-1]
    assert last["action"] == "completed"
    assert [(m["rule"], m["article"]) for m in last["data"]["marks"]] == [("late", "Art. 32; Disclosure Regs Art. 26")]
    assert engine.advance(i, OFFICER) == "archiving"


def test_r23_publication_needs_its_date(engine: Engine, files: Path, at_publication: int) -> None:
    record_valid(engine, at_publication, "publication", files, published_on="")
    with refused(engine, at_publication, "required_field", "Art. 32", text="published_on"):
        engine.complete(at_publication, "publication", OFFICER)


# ---------------------------------------------------------------------------- R24 publication waiver


def test_r24_publication_waiver_refused_unless_non_disclosable(engine: Engine, at_publication: int) -> None:
    with refused(engine, at_publication, "waiver", "Art. 32", key="waiver.only_when"):
        engine.waive(at_publication, "publication", "internal matter", OFFICER)


def test_r24_publication_waivable_when_non_disclosable(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["non_disclosable"])
    walk(engine, i, "publication", files)
    engine.waive(i, "publication", "涉及国家秘密，依法不予公开", OFFICER)
    assert engine.advance(i, OFFICER) == "archiving"
    record_valid(engine, i, "archiving", files)
    assert engine.advance(i, OFFICER) == "archived"
    assert queries.show(engine, i)["status"] == "archived"


# ---------------------------------------------------------------------------- R25 archive integrity


@pytest.fixture
def at_archiving(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    walk(engine, i, "archiving", files)
    record_valid(engine, i, "archiving", files)
    return i


def stored_file(engine: Engine, decision: int, step: str) -> Path:
    sha = step_of(engine, decision, step)["evidence"][0]["sha256"]
    path = engine.store.path_for(sha)
    assert path.is_file()
    return path


def test_r25_archive_refused_when_evidence_altered(engine: Engine, at_archiving: int) -> None:
    i = at_archiving
    path = stored_file(engine, i, "legality_review")
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original.replace("材料".encode(), "假的".encode()))
    with refused(engine, i, "archive_integrity", "Art. 33", key="rule.archive", text="legality_review/"):
        engine.advance(i, OFFICER)
    with refused(engine, i, "archive_integrity", "Art. 33"):
        engine.complete(i, "archiving", OFFICER)
    assert not verification.verify(engine).ok
    path.write_bytes(original)  # restored: the hashes match again
    assert engine.advance(i, OFFICER) == "archived"


def test_r25_archive_refused_when_evidence_missing(engine: Engine, at_archiving: int) -> None:
    path = stored_file(engine, at_archiving, "drafting")
    path.chmod(0o644)
    path.unlink()
    with refused(engine, at_archiving, "archive_integrity", "Art. 33", text="drafting/draft"):
        engine.advance(at_archiving, OFFICER)


def test_r25_archive_passes_when_intact(engine: Engine, at_archiving: int) -> None:
    assert engine.advance(at_archiving, OFFICER) == "archived"
    assert queries.show(engine, at_archiving)["status"] == "archived"
    assert verification.verify(engine).ok


def test_r25_archive_needs_its_own_record(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    walk(engine, i, "archiving", files)
    record_valid(engine, i, "archiving", files, archive_ref="")
    with refused(engine, i, "required_field", "Art. 33", text="archive_ref"):
        engine.advance(i, OFFICER)


# ---------------------------------------------------------------------------- R26 dates


def test_r26_date_in_the_future_refused(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    with refused(engine, i, "date_future", DATES_ARTICLE, key="date.future"):
        record_valid(engine, i, "initiation", files, start_approved_on="2025-01-01")
    record_valid(engine, i, "initiation", files, start_approved_on="2024-12-31")  # today is fine
    assert step_of(engine, i, "initiation")["fields"]["start_approved_on"] == "2024-12-31"


def test_r26_date_before_previous_stage_refused(engine: Engine, files: Path, at_consultation: int) -> None:
    i = at_consultation  # initiation started 2024-03-01
    with refused(
        engine, i, "date_order", DATES_ARTICLE, key="date.before_previous", text="initiation.start_approved_on"
    ):
        record_valid(engine, i, "public_participation", files, opened_on="2024-02-28", closed_on="2024-04-01")
    record_valid(engine, i, "public_participation", files, opened_on="2024-03-01", closed_on="2024-03-31")


def test_r26_meeting_before_the_legality_opinion_refused(engine: Engine, files: Path, at_meeting: int) -> None:
    with refused(engine, at_meeting, "date_order", DATES_ARTICLE, text="legality_review.opinion_on"):
        record_valid(engine, at_meeting, "collective_decision", files, held_on="2024-06-13")
    record_valid(engine, at_meeting, "collective_decision", files, held_on="2024-06-14")


@pytest.mark.parametrize("bad", ["2024-02-30", "2024-13-01", "24-03-01", "2024/03/01", "20240301"])
def test_r26_malformed_date_invalid(engine: Engine, files: Path, bad: str) -> None:
    i = new_decision(engine)
    before = queries.show(engine, i)
    with pytest.raises(InvalidInput):
        record_valid(engine, i, "initiation", files, start_approved_on=bad)
    assert queries.show(engine, i) == before


# ---------------------------------------------------------------------------- R27 uncovered calendar year


def first_uncovered_year() -> int:
    return ChinaCalendar().covered_years()[1] + 1


@pytest.fixture
def in_uncovered_year(engine: Engine) -> tuple[Engine, int]:
    year = first_uncovered_year()
    engine.today = lambda: date(year, 3, 1)
    return engine, year


def test_r27_review_in_uncovered_year_refused(in_uncovered_year: tuple[Engine, int], files: Path) -> None:
    engine, year = in_uncovered_year
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    review(engine, i, files, f"{year}-01-05", f"{year}-02-20")
    with refused(engine, i, "min_working_days", "Art. 26", key="rule.calendar", text=str(year)):
        engine.complete(i, "legality_review", REVIEWER)
    with refused(engine, i, "min_working_days", "Art. 26", text=str(year)):
        engine.advance(i, REVIEWER)


def test_r27_review_reaching_into_uncovered_year_refused(in_uncovered_year: tuple[Engine, int], files: Path) -> None:
    engine, year = in_uncovered_year
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    review(engine, i, files, f"{year - 1}-12-21", f"{year}-01-06")
    with refused(engine, i, "min_working_days", "Art. 26", key="rule.calendar", text=str(year)):
        engine.complete(i, "legality_review", REVIEWER)


def test_r27_review_inside_covered_years_passes(in_uncovered_year: tuple[Engine, int], files: Path) -> None:
    engine, year = in_uncovered_year
    start = date(year - 1, 9, 1)
    end = add_working_days(CALENDAR, start, 7)
    assert end.year == year - 1
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    review(engine, i, files, start.isoformat(), end.isoformat())
    assert engine.advance(i, REVIEWER) == "collective_decision"


def test_r27_publication_deadline_in_uncovered_year_refused(in_uncovered_year: tuple[Engine, int], files: Path) -> None:
    engine, year = in_uncovered_year
    i = new_decision(engine)
    walk(
        engine,
        i,
        "publication",
        files,
        over={
            "collective_decision": {"held_on": f"{year - 1}-12-28"},
            "party_report": {"reported_on": f"{year - 1}-12-29"},
        },
    )
    record_valid(engine, i, "publication", files, published_on=f"{year}-01-05")
    with refused(
        engine, i, "deadline_working_days", "Art. 32; Disclosure Regs Art. 26", key="rule.calendar", text=str(year)
    ):
        engine.complete(i, "publication", OFFICER)


def test_r27_own_engine_in_uncovered_year(db: Database, files: Path) -> None:
    """The same refusal from an engine built here, not the fixture."""
    from decision_flow.engine import users
    from tests.conftest import Clock
    from tests.flow import ADMIN

    year = first_uncovered_year()
    eng = Engine(db, now=Clock(), today=lambda: date(year, 6, 30))
    users.init(eng, ADMIN)
    for name, role in ((OFFICER, "officer"), (REVIEWER, "legal_reviewer"), (EXECUTIVE, "executive")):
        users.add(eng, name, [role], ADMIN)
    i = new_decision(eng)
    walk(eng, i, "legality_review", files)
    review(eng, i, files, f"{year}-03-02", f"{year}-03-20")
    with refused(eng, i, "min_working_days", "Art. 26", text=f"{year}"):
        eng.advance(i, REVIEWER)
    # the same review dated inside the covered years goes through
    start = date(year - 1, 3, 2)
    end = add_working_days(CALENDAR, start, 7)
    assert stage(eng, i) == "legality_review"
    eng.record(i, "legality_review", [f"submitted_on={start}", f"opinion_on={end}"], [], REVIEWER)
    assert eng.advance(i, REVIEWER) == "collective_decision"
