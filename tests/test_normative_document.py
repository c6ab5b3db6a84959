"""Legality review of normative documents (行政规范性文件合法性审核), 国办发〔2018〕115号: every
rule of the procedure proven by a case that passes and one that is refused (``test_nd_<rule>_…``),
each refusal with its article; the invariants no locality's file may break; the review ledger;
and both workflows (county and township) walked from the terminal to the end.

The shipped files are abstract bases (the filing deadline is the province's), so the tests run
a county locality and a township locality (沙河乡, its judicial office as the reviewer) that
extend them and set the settings, installed by the admin (`dflow workflow install`) as a county
or a township would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from decision_flow import procedures
from decision_flow.core.calendar_cn import ChinaCalendar
from decision_flow.core.errors import Blocked, DflowError, WorkflowError
from decision_flow.core.i18n import article
from decision_flow.definition.workflow import Workflow
from decision_flow.engine import Engine, queries, versions
from decision_flow.rules import Context, StepState, run
from tests.flow import ADMIN, EXECUTIVE, OFFICER, REVIEWER, ROLES_OF, evidence_file, organ_for
from tests.test_cli import Dflow, fails

REPO = Path(__file__).resolve().parent.parent
SHIPPED_COUNTY = REPO / "workflows" / "normative-document.toml"
SHIPPED_TOWNSHIP = REPO / "workflows" / "normative-document-township.toml"
COUNTY, TOWNSHIP = "normative-document-test-county", "normative-document-shahe"

# A county locality: its province files within 3 working days (a county rule of that kind is
# cited in the rules digest) and consults for at least 30 days.
COUNTY_FILE = f"""
extends = "normative-document"
name = "{COUNTY}"
[settings]
filing_deadline = {{ days = 3, unit = "working" }}
consultation_period = {{ days = 30, unit = "calendar" }}
"""
# 沙河乡: files with the county within 15 calendar days, consults the public, needs no separate
# assessment (its own choice; Art. 75 of the Organic Law binds county level and above).
TOWNSHIP_FILE = f"""
extends = "normative-document-township"
name = "{TOWNSHIP}"
title = {{ zh = "沙河乡行政规范性文件合法性审核", en = "Shahe township: legality review of normative documents" }}
[settings]
filing_deadline = {{ days = 15, unit = "calendar" }}
consultation_period = {{ days = 30, unit = "calendar" }}
assessment_required = false
consultation_required = true
"""

ACTOR = {
    "scope_test": OFFICER,
    "assessment": OFFICER,
    "public_consultation": OFFICER,
    "submission": OFFICER,
    "legality_review": REVIEWER,
    "revision": OFFICER,
    "deliberation": EXECUTIVE,
    "registration": OFFICER,
    "publication": OFFICER,
    "filing": OFFICER,
}
STAGES = [
    ("scope", ["scope_test"]),
    ("consultation", ["assessment", "public_consultation"]),
    ("submission", ["submission"]),
    ("legality_review", ["legality_review"]),
    ("revision", ["revision"]),
    ("deliberation", ["deliberation"]),
    ("registration", ["registration"]),
    ("publication", ["publication"]),
    ("filing", ["filing"]),
]
# Per step: field values and evidence kinds that pass every rule (2024, inside the calendar data).
VALID: dict[str, tuple[dict[str, str], list[str]]] = {
    "scope_test": (
        {"drafting_unit": "沙河乡农业农村办公室", "scope_decided_on": "2024-03-01", "scope": "in_scope"},
        [],
    ),
    "assessment": ({"assessed_on": "2024-03-20", "assessed_by": "沙河乡农业农村办公室"}, ["assessment_report"]),
    "public_consultation": (
        {
            "opened_on": "2024-04-01",
            "closed_on": "2024-05-01",
            "channels": "县政府网站,乡政务公开栏",
            "opinions_received": "12",
            "opinions_adopted": "5",
        },
        ["notice", "consultation_record"],
    ),
    "submission": (
        {"submitted_on": "2024-06-03", "legal_basis": "《中华人民共和国土地管理法》第六十二条"},
        ["draft", "explanation", "drafting_unit_opinion"],
    ),
    "legality_review": (
        {
            "reviewer_unit": "沙河乡司法所",
            "packet_complete": "true",
            "review_form": "written_review",
            "opinion": "lawful",
            "opinion_on": "2024-06-14",
            "legal_adviser": "李律师",
        },
        ["legality_opinion"],
    ),
    "revision": ({"opinion_fully_adopted": "true"}, []),
    "deliberation": (
        {"meeting_type": "standing_meeting", "held_on": "2024-06-20", "decision": "adopted"},
        ["minutes"],
    ),
    "registration": (
        {"registration_number": "DJ-2024-017", "document_number": "沙政发〔2024〕5号", "issued_on": "2024-06-24"},
        [],
    ),
    "publication": ({"published_on": "2024-07-01", "channels": "县政府网站,乡政务公开栏"}, ["publication_copy"]),
    "filing": ({"filed_on": "2024-07-03", "filed_with": "县人民政府"}, ["filing_report"]),
}
TOWNSHIP_MEETING = "township_office_meeting"
TITLE = "沙河乡人民政府关于规范农村村民住宅建设管理的通知"


def locality(text: str, source: str = "locality.toml") -> Workflow:
    """A locality's file, loaded as `dflow workflow check` loads it (its base: the shipped files)."""
    return procedures.load_text(text, source)


def locality_files(directory: Path) -> list[Path]:
    """The two locality files (a county's, 沙河乡's) written to `directory`."""
    paths = []
    for text, name in ((COUNTY_FILE, COUNTY), (TOWNSHIP_FILE, TOWNSHIP)):
        path = directory / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def engine(engine: Engine, tmp_path: Path) -> Engine:
    """The usual engine (tests/conftest.py), with the two locality files installed by the admin
    (`dflow workflow install`), as a county or a township would before opening cases."""
    for path in locality_files(tmp_path):
        versions.install(engine, path, ADMIN)
    return engine


# ---------------------------------------------------------------------------- helpers


def record(engine: Engine, case: int, step: str, files: Path, workflow: str = COUNTY, **overrides: str) -> None:
    """Record the VALID data of `step` with `overrides` (field -> raw value; "" drops a field)."""
    values, kinds = VALID[step]
    values = dict(values)
    if step == "deliberation" and workflow == TOWNSHIP:
        values["meeting_type"] = TOWNSHIP_MEETING
    values.update(overrides)
    sets = [f"{k}={v}" for k, v in values.items() if v != ""]
    engine.record(case, step, sets, [f"{k}={evidence_file(files, k)}" for k in kinds], ACTOR[step])


def new_case(engine: Engine, workflow: str = COUNTY, title: str = TITLE) -> int:
    dec = engine.new(title, workflow, [], OFFICER, organ_for(engine, workflow))
    assert dec.id is not None
    return dec.id


def stage_of(engine: Engine, case: int) -> str:
    return str(queries.state(engine, case)["stage"])


def bring_to(engine: Engine, case: int, stage: str, files: Path, workflow: str = COUNTY) -> None:
    """Walk `case` with VALID data until it stands at `stage`."""
    for name, steps in STAGES:
        if stage_of(engine, case) == stage:
            return
        assert stage_of(engine, case) == name
        for step in steps:
            record(engine, case, step, files, workflow)
        engine.advance(case, ACTOR[steps[0]])
    raise AssertionError(f"never reached {stage}")


def refused(exc: pytest.ExceptionInfo[DflowError], rule: str, cited: str) -> str:
    """The reason of `rule` in a refusal: it cites `cited`; returns its detail."""
    found = [r for r in exc.value.reasons if r.rule == rule]
    assert found, [r.as_dict("en") for r in exc.value.reasons]
    assert found[0].article == cited, found[0].as_dict("en")
    return found[0].detail("en")


def step_view(engine: Engine, case: int, step: str) -> dict[str, Any]:
    return next(s for s in queries.show(engine, case)["steps"] if s["step"] == step)


def events(engine: Engine, case: int) -> list[dict[str, Any]]:
    return list(queries.trail(engine, case)["events"])


# ---------------------------------------------------------------------------- 1. scope (115 §3)


def test_nd_scope_in_scope_goes_on(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    record(engine, case, "scope_test", files)
    assert engine.complete(case, "scope_test", OFFICER) == "scope"
    assert engine.advance(case, OFFICER) == "consultation"


def test_nd_scope_out_of_scope_ends_case(engine: Engine, files: Path) -> None:
    case = new_case(engine, title="沙河乡2025年法治政府建设工作要点")
    record(
        engine, case, "scope_test", files, scope="out_of_scope", excluded_as="work_plan", scope_reason="内部工作安排"
    )
    assert engine.complete(case, "scope_test", OFFICER) == "closed"
    assert queries.state(engine, case) == {"id": case, "stage": "scope", "status": "closed"}
    last = events(engine, case)[-1]
    assert (last["action"], last["step"], last["data"]) == ("closed", "scope_test", {"outcome": "out_of_scope"})
    assert step_view(engine, case, "scope_test")["fields"]["scope_reason"] == "内部工作安排"
    with pytest.raises(Blocked) as exc:  # the case has left the procedure: nothing more is done on it
        engine.advance(case, OFFICER)
    assert refused(exc, "closed", "GOB 115 §§3–7") == "the decision is closed"


def test_nd_scope_out_of_scope_needs_its_finding(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    record(engine, case, "scope_test", files, scope="out_of_scope")
    with pytest.raises(Blocked) as exc:
        engine.complete(case, "scope_test", OFFICER)
    assert refused(exc, "required_when", "GOB 115 §3") == "scope is out_of_scope: excluded_as must be recorded"
    assert [r.detail("en") for r in exc.value.reasons][1] == "scope is out_of_scope: scope_reason must be recorded"
    assert queries.state(engine, case)["status"] == "active"


def test_nd_scope_test_never_waived(engine: Engine) -> None:
    case = new_case(engine)
    with pytest.raises(Blocked) as exc:
        engine.waive(case, "scope_test", "显然不涉及权利义务", OFFICER)
    assert refused(exc, "waiver", "GOB 115 §3") == "scope_test can never be waived"


# ---------------------------------------------------------------------------- 2. assessment and consultation


def test_nd_county_consultation_never_waived(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "consultation", files)
    for step in ("assessment", "public_consultation"):
        with pytest.raises(Blocked) as exc:
            engine.waive(case, step, "时间紧", OFFICER)
        assert refused(exc, "waiver", "Organic Law Art. 75") == f"{step} can never be waived"


def test_nd_township_consultation_waivable_per_setting(engine: Engine, files: Path) -> None:
    case = new_case(engine, TOWNSHIP)
    bring_to(engine, case, "consultation", files, TOWNSHIP)
    engine.waive(case, "assessment", "本乡不要求单独评估论证（assessment_required = false）", OFFICER)
    assert step_view(engine, case, "assessment")["status"] == "waived"
    with pytest.raises(Blocked) as exc:
        engine.waive(case, "public_consultation", "时间紧", OFFICER)
    detail = refused(exc, "waiver", "GOB 115 §4")
    assert detail == "public_consultation is mandatory here: the locality setting consultation_required requires it"


def test_nd_consultation_period_is_a_setting(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "consultation", files)
    record(engine, case, "assessment", files)
    record(engine, case, "public_consultation", files, closed_on="2024-04-30")
    with pytest.raises(Blocked) as exc:
        engine.complete(case, "public_consultation", OFFICER)
    assert refused(exc, "min_period", "provincial rule") == (
        "opened_on to closed_on is 29 days; at least 30 are required unless urgency_reason is recorded"
    )
    record(engine, case, "public_consultation", files, closed_on="2024-05-01")
    assert engine.advance(case, OFFICER) == "submission"


# ---------------------------------------------------------------------------- 3. the packet (115 §5)


def test_nd_packet_needs_drafting_units_opinion(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "submission", files)
    engine.record(
        case,
        "submission",
        ["submitted_on=2024-06-03", "legal_basis=《土地管理法》"],
        [f"{k}={evidence_file(files, k)}" for k in ("draft", "explanation")],
        OFFICER,
    )
    with pytest.raises(Blocked) as exc:
        engine.advance(case, OFFICER)
    assert refused(exc, "required_evidence", "GOB 115 §5") == (
        "submission: evidence drafting_unit_opinion is not attached"
    )
    assert stage_of(engine, case) == "submission"
    engine.record(
        case, "submission", [], [f"drafting_unit_opinion={evidence_file(files, 'drafting_unit_opinion')}"], OFFICER
    )
    assert engine.advance(case, OFFICER) == "legality_review"


def test_nd_incomplete_packet_returned(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    engine.record(case, "legality_review", ["reviewer_unit=县司法局", "packet_complete=false"], [], REVIEWER)
    with pytest.raises(Blocked) as exc:  # the reviewer lists what is missing
        engine.complete(case, "legality_review", REVIEWER)
    assert refused(exc, "required_when", "GOB 115 §5") == "packet_complete is false: missing_items must be recorded"
    engine.record(case, "legality_review", ["missing_items=制定依据材料,征求意见采纳情况说明"], [], REVIEWER)
    # even an opinion given on the incomplete packet goes no further
    record(engine, case, "legality_review", files, packet_complete="false", opinion_on="2024-06-14")
    engine.complete(case, "legality_review", REVIEWER)
    with pytest.raises(Blocked) as exc:
        engine.advance(case, REVIEWER)
    assert refused(exc, "blocks_leaving", "GOB 115 §5") == (
        "legality_review recorded packet_complete=False: return the decision to submission"
    )
    engine.send_back(case, "submission", "送审材料不齐：缺制定依据材料、征求意见采纳情况说明", REVIEWER)
    assert stage_of(engine, case) == "submission"
    returned = events(engine, case)[-1]
    assert (returned["action"], returned["actor"], returned["data"]["to"]) == ("returned", REVIEWER, "submission")
    # supplemented and submitted again, the review starts afresh
    record(engine, case, "submission", files, submitted_on="2024-06-05")
    engine.record(case, "submission", [], [f"basis_materials={evidence_file(files, 'basis_materials')}"], OFFICER)
    engine.advance(case, OFFICER)
    carried = step_view(engine, case, "legality_review")  # the earlier review is the starting point
    assert carried["carried_over"] and carried["status"] == "pending"
    assert carried["fields"]["packet_complete"] is False
    record(engine, case, "legality_review", files, opinion_on="2024-06-14")
    assert engine.advance(case, REVIEWER) == "revision"


# ---------------------------------------------------------------------------- 4. the review (115 §§5–7)


def test_nd_review_at_least_5_working_days(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    record(engine, case, "legality_review", files, opinion_on="2024-06-07")
    with pytest.raises(Blocked) as exc:
        engine.complete(case, "legality_review", REVIEWER)
    assert refused(exc, "min_working_days", "GOB 115 §5") == (
        "submitted_on to opinion_on is 4 working days on the official calendar; at least 5 are required"
        " unless urgency_reason is recorded"
    )
    # 06-11: the Dragon Boat Festival (06-10) is no working day, so this is the fifth
    record(engine, case, "legality_review", files, opinion_on="2024-06-11")
    assert engine.complete(case, "legality_review", REVIEWER) == "legality_review"


def _at_review_from(engine: Engine, files: Path, submitted_on: str) -> int:
    case = new_case(engine)
    bring_to(engine, case, "submission", files)
    record(engine, case, "submission", files, submitted_on=submitted_on)
    engine.advance(case, OFFICER)
    return case


def test_nd_review_at_most_15_working_days(engine: Engine, files: Path) -> None:
    case = _at_review_from(engine, files, "2024-09-20")
    # 09-29 and 10-12 are adjusted working days, 10-01..07 the National Day holiday: 16 working days
    record(engine, case, "legality_review", files, opinion_on="2024-10-17")
    with pytest.raises(Blocked) as exc:
        engine.complete(case, "legality_review", REVIEWER)
    assert refused(exc, "max_working_days", "GOB 115 §5") == (
        "submitted_on to opinion_on is 16 working days on the official calendar; at most 15 are allowed"
        " unless overdue_reason records why"
    )
    record(engine, case, "legality_review", files, opinion_on="2024-10-16")
    engine.complete(case, "legality_review", REVIEWER)
    assert step_view(engine, case, "legality_review")["marks"] == []


def test_nd_review_beyond_15_working_days_is_marked_overdue_with_its_reason(engine: Engine, files: Path) -> None:
    case = _at_review_from(engine, files, "2024-09-20")
    record(
        engine, case, "legality_review", files, opinion_on="2024-10-17", overdue_reason="送审稿涉及多部门职权，协调延后"
    )
    engine.complete(case, "legality_review", REVIEWER)
    assert step_view(engine, case, "legality_review")["marks"] == ["overdue"]
    mark = [e for e in events(engine, case) if e["action"] == "completed"][-1]["data"]["marks"]
    assert mark == [
        {
            "rule": "overdue",
            "article": "GOB 115 §5",
            "detail": "submitted_on to opinion_on is 16 working days, beyond 15; recorded as overdue, with the reason"
            " in overdue_reason",
            "msg": {
                "key": "rule.overdue",
                "params": {
                    "days": 16,
                    "end": "opinion_on",
                    "max": 15,
                    "start": "submitted_on",
                    "unless": "overdue_reason",
                },
            },
        }
    ]


def test_nd_urgent_exception_needs_reason(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    record(engine, case, "legality_review", files, opinion_on="2024-06-05")  # 2 working days
    with pytest.raises(Blocked) as exc:
        engine.complete(case, "legality_review", REVIEWER)
    refused(exc, "min_working_days", "GOB 115 §5")
    record(engine, case, "legality_review", files, urgency_reason="防汛应急：县防指紧急通知要求立即执行")
    with pytest.raises(Blocked) as exc:  # the exception names its ground: an emergency or an order from above
        engine.complete(case, "legality_review", REVIEWER)
    assert refused(exc, "required_when", "GOB 115 §5") == (
        "urgency_reason is recorded: urgency_ground must be recorded too"
    )
    record(engine, case, "legality_review", files, urgency_ground="urgent_order")
    assert engine.complete(case, "legality_review", REVIEWER) == "legality_review"


def test_nd_review_never_waived(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    with pytest.raises(Blocked) as exc:
        engine.waive(case, "legality_review", "内容简单", REVIEWER)
    assert refused(exc, "waiver", "GOB 115 §7") == "legality_review can never be waived"
    record(engine, case, "legality_review", files)
    assert engine.advance(case, REVIEWER) == "revision"


def test_nd_reviewer_independent_of_drafting_unit(engine: Engine, files: Path) -> None:
    from decision_flow.engine import users

    users.add(engine, "zhou", ["officer", "legal_reviewer"], ADMIN)
    case = new_case(engine)
    bring_to(engine, case, "submission", files)
    values, kinds = VALID["submission"]
    sets = [f"{k}={v}" for k, v in values.items()]
    engine.record(case, "submission", sets, [f"{k}={evidence_file(files, k)}" for k in kinds], "zhou")
    engine.advance(case, "zhou")
    with pytest.raises(Blocked) as exc:
        engine.record(case, "legality_review", ["opinion=lawful"], [], "zhou")
    assert refused(exc, "independent_review", "GOB 115 §4") == (
        f"zhou recorded submission of case {case} and may not act on its legality review: the reviewing body is"
        " not the drafting unit"
    )
    record(engine, case, "legality_review", files)  # 沙河乡司法所's own reviewer
    assert engine.advance(case, REVIEWER) == "revision"


# ---------------------------------------------------------------------------- 5. gates before deliberation


def test_nd_unlawful_never_reaches_deliberation(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    record(engine, case, "legality_review", files, opinion="unlawful")
    engine.complete(case, "legality_review", REVIEWER)
    with pytest.raises(Blocked) as exc:
        engine.advance(case, REVIEWER)
    assert refused(exc, "blocks_leaving", "GOB 115 §7") == (
        "legality_review recorded opinion=unlawful: return the decision to submission"
    )
    with pytest.raises(Blocked) as exc:
        engine.advance(case, REVIEWER, to="deliberation")
    assert [(r.rule, r.article) for r in exc.value.reasons] == [("stage_order", "GOB 115 §§3–7")]
    engine.send_back(case, "submission", "审核意见：设定罚款无上位法依据，不合法", REVIEWER)
    assert stage_of(engine, case) == "submission"
    # redrafted and reviewed again, now lawful: on to the revision account, then the meeting
    record(engine, case, "submission", files, submitted_on="2024-06-05")
    engine.advance(case, OFFICER)
    record(engine, case, "legality_review", files, opinion_on="2024-06-14")
    assert engine.advance(case, REVIEWER) == "revision"


def test_nd_unreviewed_never_reaches_deliberation(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "submission", files)
    record(engine, case, "submission", files)
    with pytest.raises(Blocked) as exc:
        engine.advance(case, OFFICER, to="deliberation")
    assert [(r.rule, r.article, r.detail("en")) for r in exc.value.reasons] == [
        (
            "stage_order",
            "GOB 115 §§3–7",
            "cannot go to deliberation: the decision is at submission and only legality_review comes next",
        ),
        ("never_skipped", "GOB 115 §7", "legality_review can never be skipped"),
    ]
    assert stage_of(engine, case) == "submission"
    engine.advance(case, OFFICER)
    record(engine, case, "legality_review", files)
    assert engine.advance(case, REVIEWER) == "revision"


def _deliberation_context(wf: Workflow, review: StepState) -> Context:
    records = {"legality_review": review}
    return Context(wf, {}, records, date(2024, 12, 31), ChinaCalendar())


def test_nd_deliberation_gate_needs_a_completed_written_review() -> None:
    """The gate itself, on the deliberation step: whatever else the meeting records (the reviewer
    sat in, countersigned), only a completed written review that did not find the document
    unlawful lets it deliberate."""
    wf = locality(COUNTY_FILE)
    meeting = wf.step("deliberation")
    sat_in = {"reviewer_attended": True, "countersigned_by": ["县司法局"], "decision": "adopted"}
    written = {"review_form": "written_review", "opinion": "lawful"}
    cases = [
        (StepState("pending", {}), ["review_form", "opinion"]),  # unreviewed
        (StepState("completed", {"review_form": "countersigned", "opinion": "lawful"}), ["review_form"]),
        (StepState("completed", {"review_form": "written_review", "opinion": "unlawful"}), ["opinion"]),
        (StepState("waived", written), ["review_form", "opinion"]),
        (StepState("completed", written), []),
        (StepState("completed", {"review_form": "written_review", "opinion": "must_revise"}), []),
    ]
    for review, failing in cases:
        ctx = _deliberation_context(wf, review)
        ctx.records = {**ctx.records, "deliberation": StepState("pending", sat_in)}
        reasons = run(ctx, meeting, "record")
        assert [r.article for r in reasons] == ["GOB 115 §7"] * len(failing), review
        assert [r.msg.params["field"] for r in reasons] == failing, review


def test_nd_countersign_never_replaces_review(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    for form in ("countersigned", "attended", "commented"):
        record(engine, case, "legality_review", files, review_form=form)
        with pytest.raises(Blocked) as exc:
            engine.complete(case, "legality_review", REVIEWER)
        assert refused(exc, "field_equals", "GOB 115 §7") == "review_form must be written_review"
    record(engine, case, "legality_review", files, review_form="written_review")
    assert engine.advance(case, REVIEWER) == "revision"


def test_nd_must_revise_needs_revision_account(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "legality_review", files)
    record(engine, case, "legality_review", files, opinion="must_revise")
    engine.advance(case, REVIEWER)
    record(engine, case, "revision", files)
    with pytest.raises(Blocked) as exc:
        engine.advance(case, OFFICER)
    assert refused(exc, "required_when", "GOB 115 §6") == (
        "legality_review.opinion is must_revise: revision_account must be recorded"
    )
    record(engine, case, "revision", files, revision_account="删去第五条“逾期不拆除的处以罚款”")
    assert engine.advance(case, OFFICER) == "deliberation"


def test_nd_opinion_not_fully_adopted_needs_reasons(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "revision", files)
    record(engine, case, "revision", files, opinion_fully_adopted="false")
    with pytest.raises(Blocked) as exc:
        engine.complete(case, "revision", OFFICER)
    assert refused(exc, "required_when", "GOB 115 §6") == (
        "opinion_fully_adopted is false: non_adoption_reasons must be recorded"
    )
    record(engine, case, "revision", files, non_adoption_reasons="第三条依据省实施办法保留，已在审议时说明")
    assert engine.advance(case, OFFICER) == "deliberation"


# ---------------------------------------------------------------------------- 6. the deliberation


def test_nd_deliberation_meeting_types_by_level(engine: Engine, files: Path) -> None:
    county = new_case(engine)
    bring_to(engine, county, "deliberation", files)
    with pytest.raises(Blocked) as exc:  # a township's meeting type, which the county's law excludes
        record(engine, county, "deliberation", files, meeting_type=TOWNSHIP_MEETING)
    assert refused(exc, "choice", "Organic Law Art. 75") == (
        "meeting_type must be one of standing_meeting, plenary_meeting, not 'township_office_meeting'"
    )
    township = new_case(engine, TOWNSHIP)
    bring_to(engine, township, "deliberation", files, TOWNSHIP)
    with pytest.raises(Blocked) as exc:
        record(engine, township, "deliberation", files, TOWNSHIP, meeting_type="standing_meeting")
    refused(exc, "choice", "GOB 115 §7")
    record(engine, township, "deliberation", files, TOWNSHIP)
    assert engine.advance(township, EXECUTIVE) == "registration"


def test_nd_deliberation_outcomes(engine: Engine, files: Path) -> None:
    rejected = new_case(engine)
    bring_to(engine, rejected, "deliberation", files)
    record(engine, rejected, "deliberation", files, decision="rejected")
    assert engine.complete(rejected, "deliberation", EXECUTIVE) == "rejected"
    assert queries.state(engine, rejected)["status"] == "rejected"
    amended = new_case(engine)
    bring_to(engine, amended, "deliberation", files)
    record(engine, amended, "deliberation", files, decision="amend")
    assert engine.complete(amended, "deliberation", EXECUTIVE) == "submission"  # amended text: reviewed again
    assert step_view(engine, amended, "legality_review")["status"] == "pending"


# ---------------------------------------------------------------------------- 7. 三统一, publication, filing


def test_nd_three_unifications_before_publication(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "registration", files)
    with pytest.raises(Blocked) as exc:  # publication is next, but only once the document is registered
        engine.advance(case, OFFICER, to="publication")
    assert refused(exc, "stage_incomplete", "GOB 37") == "step registration is neither completed nor lawfully waived"
    engine.record(case, "registration", ["registration_number=DJ-2024-017", "issued_on=2024-06-24"], [], OFFICER)
    with pytest.raises(Blocked) as exc:
        engine.advance(case, OFFICER)
    assert refused(exc, "required_field", "GOB 37") == "registration: document_number is not recorded"
    with pytest.raises(Blocked) as exc:
        engine.waive(case, "registration", "乡镇文件无统一编号", OFFICER)
    refused(exc, "waiver", "GOB 37")
    record(engine, case, "registration", files)
    assert engine.advance(case, OFFICER) == "publication"


def test_nd_registration_never_skipped_from_deliberation(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "deliberation", files)
    record(engine, case, "deliberation", files)
    with pytest.raises(Blocked) as exc:
        engine.advance(case, EXECUTIVE, to="publication")
    assert ("never_skipped", "GOB 37") in [(r.rule, r.article) for r in exc.value.reasons]
    assert engine.advance(case, EXECUTIVE) == "registration"


def test_nd_publication_never_waived(engine: Engine, files: Path) -> None:
    case = new_case(engine)
    bring_to(engine, case, "publication", files)
    with pytest.raises(Blocked) as exc:
        engine.waive(case, "publication", "内部执行", OFFICER)
    refused(exc, "waiver", "Organic Law Art. 75")
    record(engine, case, "publication", files)
    assert engine.advance(case, OFFICER) == "filing"


def test_nd_filing_late_is_marked_not_refused_working_days(engine: Engine, files: Path) -> None:
    on_time, late = new_case(engine), new_case(engine, title="县人民政府关于农村集体经营性建设用地入市的办法")
    for case, filed_on in ((on_time, "2024-07-04"), (late, "2024-07-05")):
        bring_to(engine, case, "filing", files)
        record(engine, case, "filing", files, filed_on=filed_on)
        assert engine.advance(case, OFFICER) == "archived"
    assert step_view(engine, on_time, "filing")["marks"] == []
    assert step_view(engine, late, "filing")["marks"] == ["late"]
    completed = [e for e in events(engine, late) if e["action"] == "completed"][-1]
    assert completed["data"]["marks"] == [
        {
            "rule": "late",
            "article": "Filing Regs Art. 25; provincial rule",
            "detail": "filed_on is 4 working days after published_on; due within 3 (recorded as late)",
            "msg": {
                "key": "rule.late_working",
                "params": {"days": 4, "field": "filed_on", "max": 3, "since": "published_on"},
            },
        }
    ]


def test_nd_filing_late_is_marked_not_refused_calendar_days(engine: Engine, files: Path) -> None:
    on_time, late = new_case(engine, TOWNSHIP), new_case(engine, TOWNSHIP, "沙河乡村庄公共设施管护办法")
    for case, filed_on in ((on_time, "2024-07-16"), (late, "2024-07-17")):
        bring_to(engine, case, "filing", files, TOWNSHIP)
        record(engine, case, "filing", files, TOWNSHIP, filed_on=filed_on)
        assert engine.advance(case, OFFICER) == "archived"
    assert step_view(engine, on_time, "filing")["marks"] == []
    assert step_view(engine, late, "filing")["marks"] == ["late"]
    completed = [e for e in events(engine, late) if e["action"] == "completed"][-1]
    assert completed["data"]["marks"][0]["detail"] == (
        "filed_on is 16 days after published_on; due within 15 (recorded as late)"
    )


# ---------------------------------------------------------------------------- 8. the filing deadline is a setting


UNSET = (
    "locality.toml: settings.filing_deadline: is not set; the filing deadline is the province's rule, which no"
    ' national text fixes: set it in the file, e.g. filing_deadline = { days = 15, unit = "calendar" }'
    " (unit: working or calendar)"
)


def test_nd_filing_deadline_is_a_setting() -> None:
    without = COUNTY_FILE.replace('filing_deadline = { days = 3, unit = "working" }\n', "")
    with pytest.raises(WorkflowError) as exc:
        locality(without)
    assert exc.value.message("en") == UNSET
    assert exc.value.message("zh") == (
        "locality.toml：settings.filing_deadline 未设置；备案期限由省级规定，全国性文件未作规定：请在流程文件中设置，"
        '例如 filing_deadline = { days = 15, unit = "calendar" }（unit 为 working 工作日或 calendar 自然日）'
    )
    wf = locality(COUNTY_FILE)
    assert not wf.abstract and wf.settings["filing_deadline"] == {"days": 3, "unit": "working"}
    assert wf.step("filing").rules[0].params["period"] == {"days": 3, "unit": "working"}


def test_nd_filing_deadline_is_a_setting_of_the_township_too() -> None:
    without = TOWNSHIP_FILE.replace('filing_deadline = { days = 15, unit = "calendar" }\n', "")
    with pytest.raises(WorkflowError) as exc:
        locality(without)
    assert exc.value.message("en") == UNSET
    for name in ("assessment_required", "consultation_required", "consultation_period"):
        text = "\n".join(line for line in TOWNSHIP_FILE.splitlines() if not line.startswith(name))
        with pytest.raises(WorkflowError) as exc:
            locality(text)
        assert exc.value.message("en").startswith(f"locality.toml: settings.{name}: is not set; ")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('{ days = 15, unit = "weeks" }', "unit must be working or calendar, not 'weeks'"),
        ('{ days = 0, unit = "calendar" }', "days must be a whole number of days above 0, not 0"),
        ("15", 'must be a table { days = N, unit = "working" | "calendar" }'),
        ('{ days = 15, unit = "calendar", from = "issued_on" }', 'must be a table { days = N, unit = "working" |'),
    ],
)
def test_nd_filing_deadline_setting_has_its_shape(value: str, problem: str) -> None:
    text = COUNTY_FILE.replace('{ days = 3, unit = "working" }', value)
    with pytest.raises(WorkflowError) as exc:
        locality(text)
    assert exc.value.message("en").startswith(f"locality.toml: settings.filing_deadline: {problem}")


def test_nd_unknown_setting_refused() -> None:
    with pytest.raises(WorkflowError) as exc:
        locality(COUNTY_FILE + "filing_deadlin = 3\n")
    assert exc.value.message("en") == (
        "locality.toml: settings.filing_deadlin: unknown setting (procedure normative-document takes:"
        " filing_deadline, consultation_period, assessment_required, consultation_required)"
    )


def test_nd_abstract_base_opens_no_cases(engine: Engine) -> None:
    for name in ("normative-document", "normative-document-township"):
        with pytest.raises(Blocked) as exc:
            engine.new(TITLE, name, [], OFFICER, organ_for(engine, name))
        assert exc.value.message("en").startswith(f"{name} is a base workflow and opens no cases: it leaves ")
        refused(exc, "setting", "Filing Regs Art. 25")
    assert [r.article for r in exc.value.reasons] == [
        "Filing Regs Art. 25",
        "provincial rule",
        "GOB 115 §4",
        "GOB 115 §4",
    ]
    assert queries.list_decisions(engine) == []
    assert new_case(engine) == 1  # a locality's file that sets them opens cases


def test_nd_abstract_is_never_inherited() -> None:
    assert procedures.get("normative-document").abstract
    assert procedures.get("normative-document-township").abstract
    assert not locality(COUNTY_FILE).abstract and not locality(TOWNSHIP_FILE).abstract
    # a locality may keep its file a base too, for its townships to extend: then it says so
    assert locality(COUNTY_FILE.replace("[settings]", "abstract = true\n[settings]")).abstract


# ---------------------------------------------------------------------------- 9. invariants


def county_text(*edits: tuple[str, str]) -> str:
    """The shipped county file made a concrete locality file, with `edits` (old, new) applied."""
    text = SHIPPED_COUNTY.read_text(encoding="utf-8").replace("abstract = true\n", "")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return (
        text
        + '\n[settings]\nfiling_deadline = { days = 15, unit = "calendar" }\n'
        + ('consultation_period = { days = 30, unit = "calendar" }\n')
    )


def refused_at_load(text: str, where: str, problem: str) -> None:
    with pytest.raises(WorkflowError) as exc:
        locality(text)
    assert exc.value.message("en") == f"locality.toml: {where}: {problem}"


REVIEW_RULE_MIN = 'days = 5, unless = "urgency_reason"'
REVIEW_RULE_MAX = 'days = 15, unless = "overdue_reason"'


def test_nd_invariants_accept_the_shipped_procedure_as_a_locality_file() -> None:
    wf = locality(county_text())
    assert [s.name for s in wf.stages] == [name for name, _ in STAGES]


def test_nd_invariant_review_never_waivable() -> None:
    flag = '[flags]\nsimple = { zh = "内容简单", en = "simple" }\n'
    waivable = '[steps.legality_review]\nwaiver = { policy = "only_when_flag", flag = "simple", article = "x" }\n'
    for base in (COUNTY_FILE, TOWNSHIP_FILE):
        refused_at_load(
            base + flag + waivable, "legality_review.waiver", "legality_review can never be waived (GOB 115 §7)"
        )
    for step, cited in (("deliberation", "GOB 115 §7"), ("registration", "GOB 37"), ("filing", "Filing Regs Art. 25")):
        waivable = f'[steps.{step}]\nwaiver = {{ policy = "only_when_flag", flag = "simple", article = "x" }}\n'
        refused_at_load(COUNTY_FILE + flag + waivable, f"{step}.waiver", f"{step} can never be waived ({cited})")


def test_nd_invariant_review_never_dropped() -> None:
    text = county_text()
    start = text.index("# ---------------------------------------------------------------- 4. legality review")
    end = text.index("# ---------------------------------------------------------------- 5. revision")
    dropped = text[:start] + text[end:]
    dropped = dropped.replace('when_step = "legality_review"', 'when_step = "submission"')
    refused_at_load(dropped, "stages", "the legality_review stage is missing (GOB 115 §§3–7: never skipped)")


def test_nd_invariant_review_min_5_working_days() -> None:
    refused_at_load(
        county_text((REVIEW_RULE_MIN, 'days = 3, unless = "urgency_reason"')),
        "legality_review.rules",
        "the review needs min_working_days of at least 5 (GOB 115 §5)",
    )
    refused_at_load(  # an exception of its own making is no exception
        county_text((REVIEW_RULE_MIN, 'days = 5, unless = "reviewer_unit"')),
        "legality_review.rules",
        "the review needs min_working_days of at least 5 (GOB 115 §5)",
    )
    assert locality(county_text((REVIEW_RULE_MIN, 'days = 7, unless = "urgency_reason"')))  # stricter: allowed


def test_nd_invariant_review_max_15_working_days() -> None:
    refused_at_load(
        county_text((REVIEW_RULE_MAX, 'days = 20, unless = "overdue_reason"')),
        "legality_review.rules",
        "the review needs max_working_days of at most 15, and no fewer than its least (5) (GOB 115 §5)",
    )
    refused_at_load(
        county_text((REVIEW_RULE_MAX, 'days = 4, unless = "overdue_reason"')),
        "legality_review.rules",
        "the review needs max_working_days of at most 15, and no fewer than its least (5) (GOB 115 §5)",
    )
    assert locality(county_text((REVIEW_RULE_MAX, 'days = 10, unless = "overdue_reason"')))  # a faster review


def test_nd_invariant_opinion_gate_kept() -> None:
    gate = (
        '  { kind = "requires_outcome", prior_step = "legality_review", prior_field = "opinion", values = ["lawful",'
        ' "must_revise"], article = "GOB 115 §7" },\n'
    )
    problem = (
        "the deliberation needs requires_outcome of legality_review.opinion among lawful, must_revise"
        " (GOB 115 §7: an unreviewed or unlawful document is never deliberated)"
    )
    refused_at_load(county_text((gate, "")), "deliberation.rules", problem)
    widened = gate.replace('["lawful", "must_revise"]', '["lawful", "must_revise", "unlawful"]')
    refused_at_load(county_text((gate, widened)), "deliberation.rules", problem)
    written = '  { kind = "requires_outcome", prior_step = "legality_review", prior_field = "review_form"'
    refused_at_load(
        county_text((written, written.replace("review_form", "reviewer_unit"))),
        "deliberation.rules",
        "the deliberation needs requires_outcome of legality_review.review_form among written_review"
        " (GOB 115 §7: an unreviewed or unlawful document is never deliberated)",
    )
    unlawful = '  { kind = "blocks_leaving", field = "opinion", value = "unlawful"'
    refused_at_load(
        county_text((unlawful, unlawful.replace('"unlawful"', '"must_revise"'))),
        "legality_review.rules",
        "an unlawful opinion must block the stage (GOB 115 §7)",
    )
    refused_at_load(
        county_text(
            ('field = "review_form", value = "written_review"', 'field = "review_form", value = "countersigned"')
        ),
        "legality_review.rules",
        "only a written review counts: countersigning or sitting in never does (GOB 115 §7)",
    )


def test_nd_invariant_opinions_are_the_three_of_115() -> None:
    refused_at_load(
        county_text(('choices = ["lawful", "unlawful", "must_revise"]', 'choices = ["lawful", "unlawful", "noted"]')),
        "legality_review.fields.opinion",
        "the opinion is lawful, unlawful or must_revise (GOB 115 §6)",
    )


def test_nd_invariant_packet_keeps_the_drafting_units_opinion() -> None:
    refused_at_load(
        county_text(('{ kind = "drafting_unit_opinion", required = true', '{ kind = "drafting_unit_opinion"')),
        "submission.evidence",
        "drafting_unit_opinion must be required evidence (GOB 115 §5)",
    )


def test_nd_invariant_scope_out_of_scope_closes() -> None:
    refused_at_load(
        county_text(('out_of_scope = "close"', 'out_of_scope = "advance"')),
        "scope_test.outcome",
        "scope must route in_scope to advance and out_of_scope to close (GOB 115 §3: what touches rights and"
        " duties is reviewed; what does not leaves the procedure, with the finding recorded)",
    )


def test_nd_invariant_county_consultation_mandatory() -> None:
    county = COUNTY_FILE + (
        'assessment_required = false\n[steps.assessment]\nwaiver = { policy = "unless_setting",'
        ' setting = "assessment_required", article = "x" }\n'
    )
    refused_at_load(
        county, "assessment.waiver", "assessment is mandatory at county level and above (Organic Law Art. 75)"
    )


def test_nd_invariant_revision_account_kept() -> None:
    account = '  { kind = "required_when", field = "revision_account"'
    refused_at_load(
        county_text((account, account.replace("revision_account", "non_adoption_reasons"))),
        "revision.rules",
        "a must_revise opinion needs the drafting unit's account of revisions (GOB 115 §6)",
    )


def test_nd_invariant_filing_deadline_from_the_setting() -> None:
    refused_at_load(
        county_text(('period = { setting = "filing_deadline" }', 'period = { days = 60, unit = "calendar" }')),
        "filing.rules",
        "filing is due within the setting filing_deadline (Filing Regs Art. 25: the province's)",
    )


def test_nd_invariant_registration_before_publication() -> None:
    text = county_text()
    start = text.index("# ---------------------------------------------------------------- 7. 三统一")
    middle = text.index("# ---------------------------------------------------------------- 8. publication")
    end = text.index("# ---------------------------------------------------------------- 9. filing")
    swapped = text[:start] + text[middle:end] + text[start:middle] + text[end:]
    refused_at_load(
        swapped,
        "stages",
        "the stages must come in the order scope, consultation, submission, legality_review, revision,"
        " deliberation, registration, publication, filing (GOB 115 §§3–7)",
    )


# ---------------------------------------------------------------------------- 10. the ledger (115 §9)

LEDGER_KEYS = [
    "id",
    "title",
    "drafting_unit",
    "submitted_on",
    "opinion_on",
    "working_days",
    "opinion",
    "deliberated_on",
    "registration_number",
    "document_number",
    "filed_on",
    "stage",
    "status",
]


def test_nd_ledger_columns(engine: Engine, files: Path) -> None:
    done, reviewing = new_case(engine, TOWNSHIP), new_case(engine, TOWNSHIP, "沙河乡村庄公共设施管护办法")
    bring_to(engine, done, "filing", files, TOWNSHIP)
    record(engine, done, "filing", files, TOWNSHIP)
    engine.advance(done, OFFICER)
    bring_to(engine, reviewing, "legality_review", files, TOWNSHIP)
    other = new_case(engine)  # the county locality's case: not in the township's ledger
    ledger = queries.list_decisions(engine, workflow=TOWNSHIP)
    assert [list(row) for row in ledger] == [LEDGER_KEYS, LEDGER_KEYS]
    assert ledger[0] == {
        "id": done,
        "title": TITLE,
        "drafting_unit": "沙河乡农业农村办公室",
        "submitted_on": "2024-06-03",
        "opinion_on": "2024-06-14",
        "working_days": 8,
        "opinion": "lawful",
        "deliberated_on": "2024-06-20",
        "registration_number": "DJ-2024-017",
        "document_number": "沙政发〔2024〕5号",
        "filed_on": "2024-07-03",
        "stage": "filing",
        "status": "archived",
    }
    assert ledger[1]["submitted_on"] == "2024-06-03" and ledger[1]["opinion_on"] is None
    assert ledger[1]["working_days"] is None and ledger[1]["stage"] == "legality_review"
    assert [row["id"] for row in queries.list_decisions(engine, workflow=COUNTY)] == [other]
    # without --workflow, the list keeps its shape
    assert queries.list_decisions(engine)[0] == {"id": done, "title": TITLE, "stage": "filing", "status": "archived"}


def test_nd_ledger_columns_only_where_the_procedure_keeps_one(engine: Engine) -> None:
    engine.new("沙河乡农贸市场搬迁", "major-decision", [], OFFICER)
    new_case(engine)
    assert queries.list_decisions(engine, workflow="major-decision") == [
        {"id": 1, "title": "沙河乡农贸市场搬迁", "stage": "initiation", "status": "active"}
    ]
    with pytest.raises(DflowError) as exc:
        queries.list_decisions(engine, workflow="no-such-workflow")
    assert exc.value.exit_code == 4


# ---------------------------------------------------------------------------- 11. from the terminal


@pytest.fixture
def nd(tmp_path: Path) -> Dflow:
    """dflow on an initialised database with the admin and the four other kinds of user."""
    cli = Dflow.initialised(tmp_path)
    for path in locality_files(tmp_path):
        cli.ok("workflow", "install", path, "--as", ADMIN)
    # the township organ its township cases belong to, every user with their usual role there
    cli.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    for name, role in ROLES_OF.items():
        cli.ok("user", "grant", name, "--organ", "shahe", "--role", role, "--as", ADMIN)
    return cli


def cli_record(cli: Dflow, case: int, step: str, workflow: str, **overrides: str) -> None:
    values, kinds = VALID[step]
    values = {
        **values,
        **({"meeting_type": TOWNSHIP_MEETING} if step == "deliberation" and workflow == TOWNSHIP else {}),
    }
    values.update(overrides)
    args: list[Any] = ["record", case, step]
    for name, value in values.items():
        args += ["--set", f"{name}={value}"]
    for kind in kinds:
        args += ["--attach", f"{kind}={evidence_file(cli.files, kind)}"]
    assert cli.ok(*args, "--as", ACTOR[step]).stdout == f"recorded on step {step}\n"


def walk(cli: Dflow, workflow: str, waived: tuple[str, ...] = ()) -> Iterator[str]:
    """Walk case 1 of `workflow` from the terminal through every stage; yield each stage reached."""
    for _stage, steps in STAGES:
        for step in steps:
            if step in waived:
                assert cli.ok("waive", 1, step, "--reason", "本乡不要求单独评估论证", "--as", ACTOR[step]).stdout == (
                    f"step {step} waived\n"
                )
            else:
                cli_record(cli, 1, step, workflow)
        moved = cli.ok("advance", 1, "--as", ACTOR[steps[0]]).stdout
        reached = re.fullmatch(r"decision 1 moved to (\w+)\n", moved)
        assert reached, moved
        yield reached.group(1)


def test_nd_county_walked_end_to_end_from_the_terminal(nd: Dflow) -> None:
    fails(
        nd("new", TITLE, "--workflow", "normative-document", "--as", OFFICER),
        3,
        "normative-document is a base workflow and opens no cases: it leaves filing_deadline, consultation_period"
        " to the locality. Write a locality file that extends it and sets them in [settings], check it with"
        " dflow workflow check FILE, then install it (dflow workflow install FILE) and open cases under its"
        " name\n"
        "  · [Filing Regs Art. 25] the filing deadline is the province's rule, which no national text fixes: set"
        ' it in the file, e.g. filing_deadline = { days = 15, unit = "calendar" } (unit: working or calendar)\n'
        "  · [provincial rule] the shortest public-consultation period is the province's rule: set it in the"
        ' file, e.g. consultation_period = { days = 30, unit = "calendar" }\n',
    )
    title = "县人民政府关于农村集体经营性建设用地入市的办法"
    assert nd.json("new", title, "--workflow", COUNTY, "--as", OFFICER) == {
        "id": 1,
        "stage": "scope",
        "status": "active",
    }
    fails(
        nd("advance", 1, "--to", "legality_review", "--as", OFFICER),
        3,
        "cannot go to legality_review: the decision is at scope and only consultation comes next [GOB 115 §§3–7]\n",
    )
    assert list(walk(nd, COUNTY)) == [
        "consultation",
        "submission",
        "legality_review",
        "revision",
        "deliberation",
        "registration",
        "publication",
        "filing",
        "archived",
    ]
    assert nd.json("show", 1)["status"] == "archived"
    verified = nd.ok("audit", "verify").stdout
    assert verified.startswith("audit trail verified: ") and "chain intact" in verified
    assert nd.json("audit", "verify")["ok"] is True
    trail = nd.json("audit", 1)["events"]
    assert [e["action"] for e in trail].count("advanced") == 9


def test_nd_township_walked_end_to_end_from_the_terminal(nd: Dflow) -> None:
    assert nd.json("new", TITLE, "--workflow", TOWNSHIP, "--organ", "shahe", "--as", OFFICER)["id"] == 1
    stages = walk(nd, TOWNSHIP, waived=("assessment",))
    assert next(stages) == "consultation"
    assert next(stages) == "submission"
    assert next(stages) == "legality_review"
    # 沙河乡司法所 reviews; the officer who drafted may not, and the packet must be the full one
    fails(
        nd("record", 1, "legality_review", "--set", "opinion=lawful", "--as", OFFICER),
        5,
        "zhao may not act on legality_review: it needs the role legal_reviewer\n"
        "  · [GOB 115 §§5–6] this needs the role legal_reviewer\n",
    )
    zh = nd(
        "record", 1, "legality_review", "--set", "review_form=countersigned", "--as", REVIEWER, env={"DFLOW_LANG": "zh"}
    )
    assert zh.exit_code == 0
    fails(
        nd("complete", 1, "legality_review", "--as", REVIEWER, env={"DFLOW_LANG": "zh"}),
        3,
        "步骤 合法性审核 不能完成\n"
        "  · [《国办发〔2018〕115号》第（五）至（六）项] 合法性审核：未记录 审核机构（司法所或乡镇指定的机构、人员）\n"
        "  · [《国办发〔2018〕115号》第（六）项] 合法性审核：未记录 审核意见\n"
        "  · [《国办发〔2018〕115号》第（五）至（六）项] 合法性审核：未记录 出具意见日期\n"
        "  · [《国办发〔2018〕115号》第（五）至（六）项] 合法性审核：未附 合法性审核意见书 材料\n"
        "  · [《国办发〔2018〕115号》第（七）项] 审核方式 必须为 书面合法性审核\n"
        "  · [《国办发〔2018〕115号》第（五）项] 须先记录 出具意见日期\n",
    )
    assert list(stages) == ["revision", "deliberation", "registration", "publication", "filing", "archived"]
    ledger = nd.json("list", "--workflow", TOWNSHIP)
    assert [list(row) for row in ledger] == [LEDGER_KEYS]
    assert (ledger[0]["working_days"], ledger[0]["opinion"], ledger[0]["status"]) == (8, "lawful", "archived")
    table = nd.ok("list", "--workflow", TOWNSHIP, env={"DFLOW_LANG": "zh"}).stdout
    for heading in ("起草单位", "送审日期", "审核用时（工作日）", "审核意见", "文号", "报备日期", "已归档"):
        assert heading in table, table
    assert re.search(r"│ 1 +│ .+│ 沙河乡农业农村办公室 +│ 2024年6月3日 +│ 2024年6月14日 +│ 8 +│ 合法 +│", table), table
    assert nd.json("list") == [{"id": 1, "title": TITLE, "stage": "filing", "status": "archived"}]
    assert nd.json("audit", "verify")["ok"] is True
    fails(nd("list", "--workflow", "no-such"), 4, "no workflow named 'no-such' (known: " + _known() + ")\n")


def _known() -> str:
    return ", ".join(sorted({p.stem for p in procedures.shipped()} | {COUNTY, TOWNSHIP}))


def test_nd_workflow_check_from_the_terminal(nd: Dflow, tmp_path: Path) -> None:
    good = tmp_path / f"{TOWNSHIP}.toml"
    good.write_text(TOWNSHIP_FILE, encoding="utf-8")
    assert nd.ok("workflow", "check", good).stdout == f"{good}: OK ({TOWNSHIP} v1, 9 stages)\n"
    bad = tmp_path / "locality.toml"
    bad.write_text(COUNTY_FILE.replace('filing_deadline = { days = 3, unit = "working" }\n', ""), encoding="utf-8")
    fails(nd("workflow", "check", bad), 2, UNSET.replace("locality.toml", str(bad)) + "\n")
    for shipped in (SHIPPED_COUNTY, SHIPPED_TOWNSHIP):  # the bases themselves check, as bases
        assert nd.ok("workflow", "check", shipped).stdout.endswith(": OK (" + shipped.stem + " v1, 9 stages)\n")


# ---------------------------------------------------------------------------- citations


def test_nd_articles_render_in_chinese() -> None:
    assert article("GOB 115 §5", "zh") == "《国办发〔2018〕115号》第（五）项"
    assert article("GOB 115 §§3–7", "zh") == "《国办发〔2018〕115号》第（三）至（七）项"
    assert article("GOB 37", "zh") == "《国办发〔2018〕37号》"
    assert article("Organic Law Art. 75", "zh") == "《地方组织法》第75条"
    assert article("Filing Regs Art. 25; provincial rule", "zh") == "《法规规章备案审查条例》第25条；省级规定"
    assert article("GOB 115 §5", "en") == "GOB 115 §5"
    assert article("Art. 26", "zh") == "第26条"  # Decree 713's citations as before


def test_nd_every_article_cited_renders_without_english() -> None:
    wf = locality(TOWNSHIP_FILE)
    cited = {wf.stage(s.stage).article for s in wf.steps()} | {s.article for s in wf.steps()}
    cited |= {s.waiver.article for s in wf.steps()} | {r.article for s in wf.steps() for r in s.rules}
    cited |= {f.article for s in wf.steps() for f in s.fields if f.article}
    for county in locality(COUNTY_FILE).steps():
        cited |= {county.article, county.waiver.article} | {r.article for r in county.rules}
    for text in cited:
        assert not re.search(r"[A-Za-z]", article(text, "zh")), text


def test_nd_json_error_carries_the_articles(nd: Dflow) -> None:
    result = nd(
        "new", TITLE, "--workflow", "normative-document-township", "--organ", "shahe", "--as", OFFICER, "--json"
    )
    assert result.exit_code == 3
    doc = json.loads(result.stdout)["error"]
    assert doc["code"] == "blocked"
    assert [r["article"] for r in doc["reasons"]] == [
        "Filing Regs Art. 25",
        "provincial rule",
        "GOB 115 §4",
        "GOB 115 §4",
    ]


# ---------------------------------------------------------------------------- the generic parts it added


def test_closed_state_only_where_an_outcome_may_close() -> None:
    assert procedures.get("major-decision").machine_spec()["states"][-2:] == ["rejected", "archived"]
    spec = locality(COUNTY_FILE).machine_spec()
    assert spec["states"][-3:] == ["rejected", "archived", "closed"]
    assert {"trigger": "close", "source": ["scope"], "dest": "closed"} in spec["transitions"]
    from decision_flow.definition.diagram import mermaid

    assert mermaid(locality(COUNTY_FILE)).endswith("archived --> [*]\n    rejected --> [*]\n    closed --> [*]\n")


def test_rule_parameter_from_an_undeclared_setting_refused() -> None:
    refused_at_load(
        county_text(('period = { setting = "filing_deadline" }', 'period = { setting = "filing_days" }')),
        "stages[8].steps[0].rules[0].period",
        "no setting 'filing_days' in procedure normative-document",
    )


def test_a_field_of_another_step_must_come_before() -> None:
    later = (
        '{ kind = "min_working_days", from_step = "filing", from = "filed_on", to = "issued_on", days = 1,'
        ' article = "x" }'
    )
    refused_at_load(
        COUNTY_FILE + f"[steps.registration]\nrules = [{later}]\n",
        "registration.rules.min_working_days.from_step",
        "filing does not come before step registration",
    )
    gate = (
        '{ kind = "requires_outcome", prior_step = "registration", prior_field = "issued_on", values = ["x"],'
        ' article = "x" }'
    )
    refused_at_load(
        COUNTY_FILE + f"[steps.registration]\nrules = [{gate}]\n",
        "registration.rules.requires_outcome.prior_step",
        "registration does not come before step registration",
    )


def test_a_waiver_names_a_setting_only_with_unless_setting() -> None:
    refused_at_load(
        county_text(
            (
                'waiver = { policy = "never", article = "GOB 115 §3" }',
                'waiver = { policy = "never", setting = "assessment_required", article = "GOB 115 §3" }',
            )
        ),
        "stages[0].steps[0].waiver.setting",
        "only the policy unless_setting names a setting, not never",
    )


# ---------------------------------------------------------------------------- the exports


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_nd_exports_name_the_review_not_a_major_decision(engine: Engine, files: Path, tmp_path: Path, fmt: str) -> None:
    """An export of a review's trail is titled as the review's record, in its own words."""
    from pypdf import PdfReader

    from decision_flow.presentation.exports import export

    case = new_case(engine, TOWNSHIP)
    bring_to(engine, case, "legality_review", files, TOWNSHIP)
    out = tmp_path / f"review.{fmt}"
    export(engine, case, fmt, out, lambda done, total: None)
    if fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
    else:
        text = out.read_text("utf-8")
    for words in ("行政规范性文件合法性审核审计记录", "审核编号", "一、审核概况", "二、审核程序", "合法性审核"):
        assert words in text.replace(" ", ""), words
    assert "重大行政决策" not in text and "决策编号" not in text
