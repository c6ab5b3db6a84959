"""Test helper: a township's year of known work (2024, organ 沙河乡) in every procedure and in
the activity register, built through the engine's public functions, so the annual report's
figures can be checked against counts known in advance (tests/test_annual_report.py).

`build` returns what it made, by name; the comments say what each case must count as.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decision_flow.core.errors import Blocked
from decision_flow.engine import Engine, activities, catalogue, queries, versions
from tests import enforcement_flow, mediation_flow
from tests import test_normative_document as nd
from tests import test_petition as pt
from tests.flow import ADMIN, OFFICER, REVIEWER, bring_to, evidence_file, new_decision, record_valid, township

MAJOR = "major-decision-township"
PETITIONER = "王某某"  # the petitioner's name, which the title repeats: masked for outsiders


def _walk(engine: Engine, case: int, valid: dict[str, Any], files: Path, last: str, **over: dict[str, str]) -> None:
    """Record each step of `valid` (a procedure's VALID: step -> (values, kinds)) by the officer,
    advancing after each, up to and including `last`."""
    for step in list(valid)[: list(valid).index(last) + 1]:
        values, kinds = valid[step]
        merged = {**values, **over.get(step, {})}
        engine.record(
            case,
            step,
            [f"{k}={v}" for k, v in merged.items() if v != ""],
            [f"{k}={evidence_file(files, k)}" for k in kinds],
            OFFICER,
        )
        engine.advance(case, OFFICER)


def _new(engine: Engine, title: str, workflow: str, flags: tuple[str, ...] = ()) -> int:
    dec = engine.new(title, workflow, list(flags), OFFICER, "shahe")
    assert dec.id is not None
    return dec.id


def build(engine: Engine, files: Path) -> dict[str, Any]:
    """The year 2024 of 沙河乡, and a case and an activity of 2023 that the report of 2024 leaves out."""
    township(engine)
    made: dict[str, Any] = {}
    # Major decisions: one through every procedure to the archive, one at its legality review,
    # one approved for a start in 2023 (another year's).
    made["md_archived"] = new_decision(engine, workflow=MAJOR)
    bring_to(engine, made["md_archived"], "archiving", files, MAJOR)
    record_valid(engine, made["md_archived"], "archiving", files, MAJOR)
    engine.advance(made["md_archived"], OFFICER)
    made["md_open"] = new_decision(engine, workflow=MAJOR, title="沙河乡集镇停车场建设")
    bring_to(engine, made["md_open"], "legality_review", files, MAJOR)
    made["md_2023"] = new_decision(engine, workflow=MAJOR, title="沙河乡2023年度饮水工程")
    record_valid(engine, made["md_2023"], "initiation", files, MAJOR, start_approved_on="2023-11-01")
    # A skip refused: counted under the article it was refused by.
    try:
        engine.advance(made["md_open"], REVIEWER, to="collective_decision")
    except Blocked:
        pass
    else:
        raise AssertionError("the skip was not refused")
    # Normative documents (沙河乡's own file): one through to filing, one submitted, unreviewed.
    for path in nd.locality_files(files):
        versions.install(engine, path, ADMIN)
    made["nd_filed"] = nd.new_case(engine, nd.TOWNSHIP)
    nd.bring_to(engine, made["nd_filed"], "filing", files, nd.TOWNSHIP)
    nd.record(engine, made["nd_filed"], "filing", files, nd.TOWNSHIP)
    engine.advance(made["nd_filed"], OFFICER)
    made["nd_submitted"] = nd.new_case(engine, nd.TOWNSHIP, "沙河乡人民政府关于加强农村建房管理的通知")
    nd.bring_to(engine, made["nd_submitted"], "legality_review", files, nd.TOWNSHIP)
    # Petitions: one answered with a supporting opinion, one only registered.
    made["pt_answered"] = _new(engine, f"{PETITIONER}请求兑付土地征收补偿款", "petition")
    _walk(engine, made["pt_answered"], pt.VALID, files, "opinion")
    made["pt_registered"] = _new(engine, "东村村民反映道路损毁", "petition")
    engine.record(
        made["pt_registered"],
        "registration",
        _sets(pt.VALID["registration"][0]),
        _files(pt.VALID, "registration", files),
        OFFICER,
    )
    # Mediation: one agreement (performed), one failed.
    made["md_agreed"] = _new(engine, "东村宅基地界址纠纷", "mediation")
    _walk(engine, made["md_agreed"], mediation_flow.VALID, files, "supervision")
    made["md_failed"] = _new(engine, "西村土地承包纠纷", "mediation")
    _walk(engine, made["md_failed"], mediation_flow.VALID, files, "sessions")
    failed = {"result": "failed", "concluded_on": "2024-09-20", "termination_reason": "一方拒绝继续调解"}
    engine.record(made["md_failed"], "ending", [*_sets(failed), "routes_told=仲裁,司法途径"], [], OFFICER)
    engine.complete(made["md_failed"], "ending", OFFICER)  # terminated: the case closes (Art. 26)
    # Enforcement: one through publicity, published late; one only filed.
    made["en_published"] = _new(engine, enforcement_flow.TITLE, "enforcement-decision", enforcement_flow.FULL)
    _walk(
        engine,
        made["en_published"],
        enforcement_flow.VALID,
        files,
        "publicity",
        publicity={"published_on": "2024-11-20"},
    )
    made["en_filed"] = _new(engine, "沙河乡某商户占道经营案", "enforcement-decision", enforcement_flow.FULL)
    values, _kinds = enforcement_flow.VALID["filing"]
    engine.record(made["en_filed"], "filing", _sets(values), _files(enforcement_flow.VALID, "filing", files), OFFICER)

    # The register: two study sessions, a publicity event, consultations, two villages' advisers
    # (one village twice), a withdrawn session, a session of 2023.
    def add(kind: str, on: str, count: int, materials: int | None = None, village: str | None = None) -> int:
        return int(activities.add(engine, "shahe", kind, on, count, None, materials, village, None, [], OFFICER)["id"])

    made["study"] = [add("study_session", "2024-03-15", 40), add("study_session", "2024-09-20", 35)]
    withdrawn = add("study_session", "2024-10-10", 99)
    activities.withdraw(engine, withdrawn, "重复登记", OFFICER)
    made["study_2023"] = add("study_session", "2023-12-20", 30)
    made["publicity"] = [add("publicity_event", "2024-12-04", 300, materials=600)]
    made["consultations"] = [add("legal_consultation", "2024-06-30", 27), add("legal_consultation", "2024-12-30", 14)]
    made["advisers"] = [
        add("adviser_appointment", "2024-01-10", 1, village="东村"),
        add("adviser_appointment", "2024-01-10", 1, village="西村"),
        add("adviser_appointment", "2024-07-01", 1, village="东村"),
    ]
    # The catalogue of 2024: one item (no case made from it yet).
    item = catalogue.add(
        engine, 2024, "shahe", "沙河乡集贸市场改造", "沙河乡经济发展办公室", "2024-10-31", None, None, OFFICER
    )
    made["item"] = item.id
    assert queries.state(engine, made["md_archived"])["status"] == "archived"
    return made


def _sets(values: dict[str, str]) -> list[str]:
    return [f"{k}={v}" for k, v in values.items() if v != ""]


def _files(valid: dict[str, Any], step: str, files: Path) -> list[str]:
    return [f"{k}={evidence_file(files, k)}" for k in valid[step][1]]
