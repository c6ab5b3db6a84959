"""`return` (and a meeting's `amend`) reopens the steps it sends the case back over with what they
held carried over: each is pending again with the same values and evidence (the evidence rows
copied, the files stored by content, not copied), its record pointing at the one superseded;
completing it is done again, every rule with it. Marks and waivers are not carried.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.errors import Blocked
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.procedures import get as get_workflow
from decision_flow.procedures.major_decision import DATES_ARTICLE
from tests.flow import (
    ACTOR,
    ADMIN,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    bring_to,
    engine_stage,
    evidence_file,
    new_decision,
    record_valid,
)
from tests.test_cli import Dflow

WF = get_workflow("major-decision")


def steps(engine: Engine, decision: int) -> dict[str, dict[str, Any]]:
    return {s["step"]: s for s in queries.show(engine, decision)["steps"]}


def records(engine: Engine, decision: int) -> list[dict[str, Any]]:
    """Every step record of the decision, active or not, with its evidence rows, in id order."""
    path = engine.db.path
    assert path is not None
    with closing(sqlite3.connect(path)) as con:
        con.row_factory = sqlite3.Row
        found = [
            dict(r) for r in con.execute("SELECT * FROM step_records WHERE decision_id = ? ORDER BY id", (decision,))
        ]
        for rec in found:
            rec["evidence"] = [
                dict(e) for e in con.execute("SELECT * FROM evidence WHERE record_id = ? ORDER BY id", (rec["id"],))
            ]
    return found


def stored_files(engine: Engine) -> list[Path]:
    return sorted(p for p in engine.db.evidence_dir.rglob("*") if p.is_file())


def advance_carried(engine: Engine, decision: int, to: str) -> None:
    """Advance stage after stage on what was carried over, recording nothing, until `to`."""
    while engine_stage(engine, decision) != to:
        stage = WF.stage(engine_stage(engine, decision))
        engine.advance(decision, ACTOR[stage.steps[0].name])


def returned_event(engine: Engine, decision: int) -> dict[str, Any]:
    (last,) = [e for e in queries.trail(engine, decision)["events"] if e["action"] == "returned"][-1:]
    return dict(last["data"])


# ---------------------------------------------------------------------------- what is carried


def test_return_to_drafting_carries_values_and_evidence(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    record_valid(engine, i, "public_participation", files)  # recorded, not yet completed
    before, old = steps(engine, i), {r["step"]: r for r in records(engine, i)}
    on_disk = stored_files(engine)
    engine.send_back(i, "drafting", "草案须补充依据", OFFICER)

    after = steps(engine, i)
    assert engine_stage(engine, i) == "drafting"
    assert after["initiation"] == before["initiation"]  # an earlier stage is untouched
    for name in ("drafting", "public_participation"):
        assert after[name]["status"] == "pending" and after[name]["carried_over"] is True
        assert (after[name]["fields"], after[name]["evidence"]) == (before[name]["fields"], before[name]["evidence"])
        assert after[name]["missing"] == []
    for name in ("expert_review", "risk_assessment"):  # nothing recorded, nothing to carry
        assert after[name]["carried_over"] is False and after[name]["fields"] == {}

    active = {r["step"]: r for r in records(engine, i) if r["active"]}
    for name in ("drafting", "public_participation"):
        new, superseded = active[name], old[name]
        assert new["carried_from"] == superseded["id"] and new["id"] != superseded["id"]
        assert (new["status"], new["fields"], new["marks"]) == ("pending", superseded["fields"], "[]")
        assert (new["closed_at"], new["closed_by"]) == (None, None)
        copied = [(e["kind"], e["name"], e["sha256"], e["size"], e["attached_by"]) for e in new["evidence"]]
        assert copied == [
            (e["kind"], e["name"], e["sha256"], e["size"], e["attached_by"]) for e in superseded["evidence"]
        ]
        assert {e["record_id"] for e in new["evidence"]} == {new["id"]}
    superseded_rows = [r for r in records(engine, i) if not r["active"]]
    assert sorted(r["step"] for r in superseded_rows) == ["drafting", "public_participation"]
    assert all(r["evidence"] for r in superseded_rows)  # the history keeps its own rows
    assert stored_files(engine) == on_disk  # nothing copied on disk

    assert returned_event(engine, i) == {
        "from": "consultation",
        "to": "drafting",
        "reason": "草案须补充依据",
        "carried": ["drafting", "public_participation"],
    }
    assert verification.verify(engine).ok


def test_amend_outcome_carries_every_step_from_drafting(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "collective_decision", files)
    record_valid(engine, i, "collective_decision", files, head_decision="amend", head_reasons="补充补偿方案")
    before = steps(engine, i)
    assert engine.complete(i, "collective_decision", EXECUTIVE) == "drafting"

    after = steps(engine, i)
    carried = ["drafting", "public_participation", "expert_review", "risk_assessment", "legality_review"]
    carried.append("collective_decision")
    for name in carried:
        assert after[name]["status"] == "pending" and after[name]["carried_over"], name
        assert (after[name]["fields"], after[name]["evidence"]) == (before[name]["fields"], before[name]["evidence"])
    assert after["collective_decision"]["fields"]["head_decision"] == "amend"
    assert returned_event(engine, i) == {
        "from": "collective_decision",
        "to": "drafting",
        "reason": "head_decision=amend",
        "carried": carried,
    }


def test_a_waived_step_comes_back_pending_without_its_waiver(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    engine.record(i, "expert_review", ["held_on=2024-05-10"], [], OFFICER)
    engine.waive(i, "expert_review", "非专业性事项", OFFICER)
    engine.waive(i, "risk_assessment", "不涉及社会稳定", OFFICER)
    engine.send_back(i, "drafting", "重拟", OFFICER)
    after = steps(engine, i)
    expert, risk = after["expert_review"], after["risk_assessment"]
    assert (expert["status"], expert["waiver_reason"], expert["carried_over"]) == ("pending", None, True)
    assert expert["fields"] == {"held_on": "2024-05-10"}  # what was recorded before the waiver
    assert (risk["status"], risk["waiver_reason"], risk["carried_over"], risk["fields"]) == ("pending", None, False, {})
    assert returned_event(engine, i)["carried"] == ["drafting", "expert_review"]


def test_marks_are_not_carried_and_are_found_again(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "publication", files)
    record_valid(engine, i, "publication", files, published_on="2024-07-19")  # the 21st working day: late
    engine.advance(i, OFFICER)
    assert steps(engine, i)["publication"]["marks"] == ["late"]
    engine.send_back(i, "drafting", "公布后发现依据有误", OFFICER)
    publication = steps(engine, i)["publication"]
    assert (publication["status"], publication["marks"], publication["carried_over"]) == ("pending", [], True)
    advance_carried(engine, i, "archiving")
    assert steps(engine, i)["publication"]["marks"] == ["late"]  # the rule ran again


# ---------------------------------------------------------------------------- completion is done again


def test_completing_a_carried_step_reruns_its_rules(engine: Engine, files: Path) -> None:
    """A flag set after the return makes the carried public participation insufficient."""
    i = new_decision(engine)
    bring_to(engine, i, "legality_review", files)
    engine.send_back(i, "drafting", "须举行听证", OFFICER)
    engine.set_flag(i, "hearing_required", True, "法律规定应当听证", OFFICER)
    advance_carried(engine, i, "consultation")
    with pytest.raises(Blocked) as info:
        engine.complete(i, "public_participation", OFFICER)
    assert ("flag_requires", "Art. 16") in [(r.rule, r.article) for r in info.value.reasons]
    with pytest.raises(Blocked):
        engine.advance(i, OFFICER)
    assert steps(engine, i)["public_participation"]["status"] == "pending"
    engine.record(
        i,
        "public_participation",
        ["hearing_held=true", "hearing_materials_sent_on=2024-04-08", "hearing_on=2024-04-18"],
        [f"hearing_record={evidence_file(files, 'hearing_record')}"],
        OFFICER,
    )
    assert steps(engine, i)["public_participation"]["carried_over"] is True  # still pending: still marked
    engine.complete(i, "public_participation", OFFICER)
    assert steps(engine, i)["public_participation"]["carried_over"] is False
    assert engine.advance(i, OFFICER) == "legality_review"


def test_carried_dates_are_checked_again_against_the_stages_redone(engine: Engine, files: Path) -> None:
    """R26 at completion for a carried record: a legality opinion dated before the consultation
    that was done again after the return is refused until it is recorded anew."""
    i = new_decision(engine)
    bring_to(engine, i, "collective_decision", files)
    record_valid(engine, i, "collective_decision", files, head_decision="amend", head_reasons="重新征求意见")
    engine.complete(i, "collective_decision", EXECUTIVE)
    advance_carried(engine, i, "consultation")
    engine.record(i, "public_participation", ["opened_on=2024-07-01", "closed_on=2024-08-01"], [], OFFICER)
    engine.advance(i, OFFICER)
    assert engine_stage(engine, i) == "legality_review"
    with pytest.raises(Blocked) as info:
        engine.complete(i, "legality_review", REVIEWER)
    assert [(r.rule, r.article) for r in info.value.reasons] == [("date_order", DATES_ARTICLE)] * 2
    assert "public_participation.closed_on" in info.value.reasons[0].detail("en")
    with pytest.raises(Blocked):
        engine.advance(i, REVIEWER)
    engine.record(i, "legality_review", ["submitted_on=2024-08-05", "opinion_on=2024-08-16"], [], REVIEWER)
    assert engine.advance(i, REVIEWER) == "collective_decision"
    with pytest.raises(Blocked) as info:  # the meeting carried over predates the new opinion too
        engine.complete(i, "collective_decision", EXECUTIVE)
    assert ("date_order", DATES_ARTICLE) in [(r.rule, r.article) for r in info.value.reasons]


def test_r11_a_carried_uncontrollable_risk_blocks_until_recorded_again(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    for step in ("public_participation", "expert_review"):
        record_valid(engine, i, step, files)
    record_valid(engine, i, "risk_assessment", files, controllable="false")
    engine.complete(i, "risk_assessment", OFFICER)
    engine.send_back(i, "drafting", "风险不可控：修改草案", OFFICER)
    advance_carried(engine, i, "consultation")
    risk = steps(engine, i)["risk_assessment"]
    assert (risk["status"], risk["fields"]["controllable"], risk["carried_over"]) == ("pending", False, True)
    for attempt in range(2):
        with pytest.raises(Blocked) as info:
            engine.advance(i, OFFICER)
        assert ("blocks_leaving", "Art. 24") in [(r.rule, r.article) for r in info.value.reasons]
        assert engine_stage(engine, i) == "consultation"
        if attempt == 0:
            assert engine.complete(i, "public_participation", OFFICER) == "consultation"
    engine.record(i, "risk_assessment", ["controllable=true", "completed_on=2024-05-25"], [], OFFICER)
    assert engine.advance(i, OFFICER) == "legality_review"


def test_separation_of_duties_follows_who_recorded_not_what_was_carried(engine: Engine, files: Path) -> None:
    """Whoever recorded the drafting stays barred from its legality review after a return that
    carries their draft over; whoever returned the case or completed the carried steps (recording
    nothing) is not: duties follow the `recorded` events, and a return records nothing."""
    both, other = "wu", "zheng"  # each officer and legal reviewer
    users.add(engine, both, ["officer", "legal_reviewer"], ADMIN)
    users.add(engine, other, ["officer", "legal_reviewer"], ADMIN)
    i = new_decision(engine)
    bring_to(engine, i, "drafting", files)
    engine.record(
        i, "drafting", ["legal_basis=《农产品市场管理办法》"], [f"draft={evidence_file(files, 'draft')}"], both
    )
    engine.advance(i, OFFICER)
    for step in ("public_participation", "expert_review", "risk_assessment"):
        record_valid(engine, i, step, files)
    engine.advance(i, OFFICER)
    engine.send_back(i, "drafting", "补充法律依据", other)  # a reviewer sends it back
    engine.advance(i, other)  # and completes the carried draft: other recorded nothing
    engine.advance(i, OFFICER)
    assert engine_stage(engine, i) == "legality_review"
    review = ["submitted_on=2024-06-03", "opinion_on=2024-06-14", "reviewer_unit=沙河乡司法所"]
    review += ["legal_adviser=李律师", "opinion=lawful"]
    kinds = [f"{k}={evidence_file(files, k)}" for k in ("review_packet", "legality_opinion")]
    with pytest.raises(Blocked) as info:
        engine.record(i, "legality_review", review, kinds, both)
    assert [(r.rule, r.article) for r in info.value.reasons] == [("independent_review", "Arts. 25–28")]
    engine.record(i, "legality_review", review, kinds, other)
    assert engine.advance(i, other) == "collective_decision"


# ---------------------------------------------------------------------------- archiving checks the carried rows


def test_archiving_checks_the_carried_evidence(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "archiving", files)
    engine.send_back(i, "drafting", "归档前发现草案版本有误", OFFICER)
    advance_carried(engine, i, "archiving")
    record_valid(engine, i, "archiving", files)
    sha = steps(engine, i)["drafting"]["evidence"][0]["sha256"]
    path = engine.store.path_for(sha)
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original + b"x")
    with pytest.raises(Blocked) as info:
        engine.advance(i, OFFICER)
    found = [r for r in info.value.reasons if r.rule == "archive_integrity"]
    assert found and "drafting/draft/draft.txt (SHA-256)" in found[0].detail("en")
    path.write_bytes(original)
    assert engine.advance(i, OFFICER) == "archived"
    assert verification.verify(engine).ok


# ---------------------------------------------------------------------------- dflow show


@pytest.fixture
def returned(tmp_path: Path) -> Dflow:
    """dflow with decision 1 returned from consultation to drafting (drafting carried over)."""
    d = Dflow.initialised(tmp_path, (OFFICER,))
    d.ok("new", "沙河乡农贸市场搬迁", "--workflow", "major-decision", "--as", OFFICER)
    d.bring_to(1, "consultation")
    d.ok("return", 1, "--to", "drafting", "--reason", "草案须补充依据", "--as", OFFICER)
    return d


def drafting_row(text: str) -> str:
    """The table's lines of the drafting step (from its first line to the next step's)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if re.search(r"│ (Drafting|拟定决策草案) ", line))
    end = next(
        n for n, line in enumerate(lines[start + 1 :], start + 1) if "─" in line or "Public" in line or "公众" in line
    )
    return "\n".join(lines[start:end])


def test_show_marks_a_carried_step_in_text_and_json(returned: Dflow) -> None:
    doc = returned.json("show", 1)
    carried = {s["step"]: s["carried_over"] for s in doc["steps"]}
    assert carried == {s.name: s.name == "drafting" for s in WF.steps()}
    assert {"step", "stage", "status", "fields", "evidence", "missing", "carried_over"} <= set(doc["steps"][1])

    english = drafting_row(returned.ok("show", 1).stdout)
    assert "↩ carried over from before the return" in english
    assert english.index("↩ carried over") < english.index("legal basis: 《农产品市场管理办法》")
    assert "📎 draft: draft.txt (" in english
    chinese = drafting_row(returned.ok("show", 1, env={"DFLOW_LANG": "zh"}).stdout)
    assert "↩ 沿用退回前记录" in chinese and "carried" not in chinese
    assert "法律法规政策依据: 《农产品市场管理办法》" in chinese

    returned.ok("record", 1, "drafting", "--set", "alternatives=3", "--as", OFFICER)
    assert returned.json("show", 1)["steps"][1]["carried_over"] is True  # pending still: still marked
    returned.ok("complete", 1, "drafting", "--as", OFFICER)
    assert returned.json("show", 1)["steps"][1]["carried_over"] is False
    assert "carried over" not in returned.ok("show", 1).stdout


def test_return_help_says_what_is_carried(returned: Dflow) -> None:
    shown = " ".join(returned("return", "--help").stdout.split())
    assert "carried over as its starting point" in shown
    assert '`dflow show` marks such a step "carried over" until it is completed' in shown
    assert "A waiver is not carried: decide it again." in shown
