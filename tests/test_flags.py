"""Changing a flag after creation: an audited act with a reason (PROCEDURE.md, "Flags")."""

from __future__ import annotations

from pathlib import Path

import pytest

from decision_flow.core.errors import Blocked, Forbidden, InvalidInput
from decision_flow.engine import Engine, queries
from tests.flow import AUDITOR, OFFICER, bring_to, new_decision, record_valid


def statuses(engine: Engine, decision: int) -> dict[str, str]:
    return {s["step"]: s["status"] for s in queries.show(engine, decision)["steps"]}


def test_setting_technical_reopens_a_waived_expert_review(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    engine.waive(i, "expert_review", "not a technical matter", OFFICER)
    assert engine.set_flag(i, "technical", True, "the science bureau finds it technical", OFFICER) == ["expert_review"]
    assert statuses(engine, i)["expert_review"] == "pending"
    assert queries.show(engine, i)["flags"] == {"technical": True}
    event = queries.trail(engine, i)["events"][-1]
    assert event["action"] == "flag_changed"
    assert event["data"] == {
        "flag": "technical",
        "value": True,
        "reopened": ["expert_review"],
        "reason": "the science bureau finds it technical",
    }
    with pytest.raises(Blocked) as refused:  # the waiver is no longer lawful (Art. 19)
        engine.waive(i, "expert_review", "still not technical", OFFICER)
    assert refused.value.reasons[0].article == "Art. 19"


def test_setting_hearing_required_reopens_a_completed_participation_without_hearing(
    engine: Engine, files: Path
) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    record_valid(engine, i, "public_participation", files)
    engine.complete(i, "public_participation", OFFICER)
    assert engine.set_flag(i, "hearing_required", True, "Price Law Art. 23 applies", OFFICER) == [
        "public_participation"
    ]
    with pytest.raises(Blocked) as refused:
        engine.complete(i, "public_participation", OFFICER)
    assert {(r.rule, r.article) for r in refused.value.reasons} >= {("flag_requires", "Art. 16")}


def test_clearing_a_flag_keeps_what_is_still_lawful(engine: Engine, files: Path) -> None:
    i = new_decision(engine, ["non_disclosable"])
    bring_to(engine, i, "consultation", files)
    engine.waive(i, "public_participation", "state secret (Art. 14)", OFFICER)
    record_valid(engine, i, "expert_review", files)
    engine.complete(i, "expert_review", OFFICER)
    reopened = engine.set_flag(i, "non_disclosable", False, "declassified", OFFICER)
    assert reopened == ["public_participation"]  # its waiver needed the flag; expert review stays done
    assert statuses(engine, i)["expert_review"] == "completed"


def test_flag_change_after_consultation_is_refused(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "legality_review", files)
    before = queries.show(engine, i)
    with pytest.raises(Blocked) as refused:
        engine.set_flag(i, "stability_risk", True, "late discovery", OFFICER)
    assert (refused.value.reasons[0].rule, refused.value.reasons[0].article) == ("flag_change", "Arts. 26–27")
    assert queries.show(engine, i) == before
    assert queries.trail(engine, i)["events"][-1]["action"] == "refused"


def test_flag_change_needs_a_known_flag_a_reason_a_change_and_an_officer(engine: Engine) -> None:
    i = new_decision(engine)
    with pytest.raises(InvalidInput):
        engine.set_flag(i, "urgent", True, "why", OFFICER)
    with pytest.raises(InvalidInput):
        engine.set_flag(i, "technical", True, "   ", OFFICER)
    with pytest.raises(InvalidInput):
        engine.set_flag(i, "technical", False, "already off", OFFICER)
    with pytest.raises(Forbidden):
        engine.set_flag(i, "technical", True, "an auditor may not", AUDITOR)
    assert queries.show(engine, i)["flags"] == {}


def test_workflow_diagram_draws_every_stage_and_only_forward_advances() -> None:
    from decision_flow.definition.diagram import mermaid
    from decision_flow.procedures import get

    wf = get("major-decision-township")
    text = mermaid(wf, "zh")
    names = [s.name for s in wf.stages]
    assert text.startswith("stateDiagram-v2\n    [*] --> initiation\n")
    assert "legality_review : 合法性审查" in text
    advances = [line.split(" : ")[0].split(" --> ") for line in text.splitlines() if line.endswith(": 推进")]
    assert [(a.strip(), b) for a, b in advances] == list(zip(names, names[1:] + ["archived"], strict=True))
    assert "collective_decision --> rejected : 否决" in text and "    rejected : 已否决" in text
    assert "collective_decision --> rejected : reject" in mermaid(wf, "en")
