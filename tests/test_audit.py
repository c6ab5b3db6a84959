"""The audit trail as legal evidence: one event per act, hash chains (the registry's and one per
organ) recomputed here from the documented formula, refusals recorded while the state stays
untouched, tampering found by verification, and a change committed together with its event.

Every check reads the real SQLite file with the standard library's sqlite3 module, never
through the engine, so the engine cannot vouch for itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import decision_flow.trail.audit
from decision_flow.core.errors import Blocked, Forbidden
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.identity import keys
from tests.flow import (
    ADMIN,
    AUDITOR,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    bring_to,
    evidence_file,
    new_decision,
    record_valid,
)

GENESIS = "0" * 64
TABLES = ("decisions", "step_records", "evidence", "users", "meta")
REGISTRY = "registry"  # the chain of users, keys, organs, ... (docs/audit-format.md, section 3)
MAIN = "main"  # the organ `users.init` makes: the tests' decisions are its, their events in its chain
# The hashed content of docs/audit-format.md, section 2: eleven keys in version 1, two more in
# version 2, each from its stored column (decision_id as "decision", registry_position as
# "registry"); the stored `format` says the version and chooses the domain prefix.
V1_COLUMNS = {
    "seq": "seq",
    "at": "at",
    "actor": "actor",
    "action": "action",
    "decision": "decision_id",
    "decision_seq": "decision_seq",
    "decision_prev": "decision_prev",
    "stage": "stage",
    "step": "step",
    "data": "data",
    "prev_hash": "prev_hash",
}
V2_COLUMNS = {**V1_COLUMNS, "chain": "chain", "registry": "registry_position"}


# ---------------------------------------------------------------------------- helpers


def connect(engine: Engine) -> sqlite3.Connection:
    """A plain sqlite3 connection to the engine's file, in autocommit mode."""
    assert engine.db.path is not None and engine.db.path.is_file()
    return sqlite3.connect(engine.db.path, isolation_level=None)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but audit_events, exactly as stored."""
    with closing(connect(engine)) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def rows(engine: Engine) -> list[dict[str, Any]]:
    """The stored audit events of every chain in the order they were written (SQLite's rowid:
    there is no global seq any more), as column -> value."""
    with closing(connect(engine)) as con:
        cursor = con.execute("SELECT * FROM audit_events ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def by_chain(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The events of each chain, in seq order."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for event in sorted(events, key=lambda e: e["seq"]):
        chains.setdefault(event["chain"], []).append(event)
    return chains


def documented_hash(row: dict[str, Any]) -> str:
    """The hash of a stored event by the documented formula, written out here: sha256 of
    b"decision-flow/audit/v1\n" (a row of format 1) or b"decision-flow/audit/v2\n" (format 2)
    + canonical JSON of the content of that version. The signature is stored beside the hash and
    is not part of the content (it signs the hash); neither is `format`."""
    assert row["format"] in (1, 2), row["format"]
    columns = V2_COLUMNS if row["format"] == 2 else V1_COLUMNS
    content = {key: row[column] for key, column in columns.items()}
    content["data"] = json.loads(row["data"])
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(f"decision-flow/audit/v{row['format']}\n".encode() + body).hexdigest()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def event_of(engine: Engine, action: str, step: str | None = None) -> dict[str, Any]:
    """The first event written with `action` (and `step`)."""
    return next(r for r in rows(engine) if r["action"] == action and (step is None or r["step"] == step))


def place_of(engine: Engine, action: str, step: str | None = None) -> tuple[str, int]:
    """(chain, seq) of the first event written with `action` (and `step`)."""
    event = event_of(engine, action, step)
    return event["chain"], event["seq"]


@pytest.fixture
def walked(engine: Engine, files: Path) -> tuple[Engine, int]:
    """A decision at consultation with a trail of every kind of act, evidence included."""
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    record_valid(engine, i, "public_participation", files)
    with pytest.raises(Blocked):
        engine.advance(i, OFFICER, to="legality_review")
    engine.waive(i, "expert_review", "非专业性、技术性事项", OFFICER)
    assert verification.verify(engine).ok
    return engine, i


@pytest.fixture
def tamper(walked: tuple[Engine, int]) -> Iterator[sqlite3.Connection]:
    """A sqlite3 connection to the walked database after proving the append-only triggers
    refuse UPDATE and DELETE, and then dropping them as an attacker with the file would."""
    engine, _ = walked
    with closing(connect(engine)) as con:
        before = con.execute("SELECT * FROM audit_events ORDER BY rowid").fetchall()
        for chain in (REGISTRY, MAIN):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute("UPDATE audit_events SET actor = 'mallory' WHERE chain = ? AND seq = 2", (chain,))
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute("DELETE FROM audit_events WHERE chain = ? AND seq = 2", (chain,))
        assert con.execute("SELECT * FROM audit_events ORDER BY rowid").fetchall() == before
        con.execute("DROP TRIGGER audit_events_no_update")
        con.execute("DROP TRIGGER audit_events_no_delete")
        yield con


# ---------------------------------------------------------------------------- one event per act


IN_MAIN = {"organ": "main"}
ROOT_ORGAN = {"organ": "main", "organ_name": "本机关", "organ_level": "county"}


def test_every_act_writes_one_event_with_its_actor_stage_step_and_data(engine: Engine, files: Path) -> None:
    setup = rows(engine)
    key = {name: engine.keys.signer(name).public for name in (ADMIN, OFFICER, REVIEWER, EXECUTIVE, AUDITOR)}
    assert [(r["actor"], r["action"], r["decision_id"], json.loads(r["data"])) for r in setup] == [
        # the first admin's registration makes the first organ, the root of the tree
        (ADMIN, "user_added", None, {"name": ADMIN, "roles": ["admin"], "public_key": key[ADMIN]} | ROOT_ORGAN),
        (ADMIN, "user_added", None, {"name": OFFICER, "roles": ["officer"], "public_key": key[OFFICER]} | IN_MAIN),
        (
            ADMIN,
            "user_added",
            None,
            {"name": REVIEWER, "roles": ["legal_reviewer"], "public_key": key[REVIEWER]} | IN_MAIN,
        ),
        (
            ADMIN,
            "user_added",
            None,
            {"name": EXECUTIVE, "roles": ["executive"], "public_key": key[EXECUTIVE]} | IN_MAIN,
        ),
        (ADMIN, "user_added", None, {"name": AUDITOR, "roles": ["auditor"], "public_key": key[AUDITOR]} | IN_MAIN),
    ]
    draft = evidence_file(files, "draft")
    decision: dict[str, int] = {}
    zhou = keys.generate("zhou").public  # made on zhou's own machine; the admin registers the public half

    def new() -> None:
        decision["id"] = new_decision(engine)

    def refused_skip() -> None:
        with pytest.raises(Blocked):
            engine.advance(decision["id"], OFFICER, to="legality_review")

    # (act, (actor, action, stage, step, data)); the workflow's sha256 and the refusal's
    # message are checked apart below
    acts: list[tuple[Callable[[], object], tuple[str, str, str | None, str | None, Any]]] = [
        (
            new,
            (
                OFFICER,
                "created",
                "initiation",
                None,
                {
                    "title": "沙河乡农贸市场搬迁",
                    "workflow": "major-decision",
                    "workflow_version": 2,
                    "workflow_sha256": None,
                    "flags": [],
                    "organ": "main",
                },
            ),
        ),
        (
            lambda: record_valid(engine, decision["id"], "initiation", files),
            (
                OFFICER,
                "recorded",
                "initiation",
                "initiation",
                {
                    "fields": {
                        "proposer_kind": "organ_leader",
                        "undertaking_unit": "沙河乡经济发展办公室",
                        "start_approved_on": "2024-03-01",
                    },
                    "evidence": [],
                },
            ),
        ),
        (
            lambda: engine.complete(decision["id"], "initiation", OFFICER),
            (OFFICER, "completed", "initiation", "initiation", {"marks": []}),
        ),
        (
            lambda: engine.advance(decision["id"], OFFICER),
            (OFFICER, "advanced", "initiation", None, {"from": "initiation", "to": "drafting"}),
        ),
        (
            lambda: record_valid(engine, decision["id"], "drafting", files),
            (
                OFFICER,
                "recorded",
                "drafting",
                "drafting",
                {
                    "fields": {"legal_basis": "《农产品市场管理办法》", "alternatives": 2},
                    "evidence": [
                        {"kind": "draft", "name": "draft.txt", "sha256": sha256_of(draft), "size": draft.stat().st_size}
                    ],
                },
            ),
        ),
        (
            lambda: engine.complete(decision["id"], "drafting", OFFICER),
            (OFFICER, "completed", "drafting", "drafting", {"marks": []}),
        ),
        (
            lambda: engine.advance(decision["id"], OFFICER),
            (OFFICER, "advanced", "drafting", None, {"from": "drafting", "to": "consultation"}),
        ),
        (
            lambda: engine.waive(decision["id"], "expert_review", "非专业性事项", OFFICER),
            (OFFICER, "waived", "consultation", "expert_review", {"reason": "非专业性事项", "reference": None}),
        ),
        (
            lambda: engine.send_back(decision["id"], "drafting", "草案须补充备选方案", OFFICER),
            (
                OFFICER,
                "returned",
                "consultation",
                None,
                # drafting's record is carried over; the waived expert review held nothing to carry
                {"from": "consultation", "to": "drafting", "reason": "草案须补充备选方案", "carried": ["drafting"]},
            ),
        ),
        (refused_skip, (OFFICER, "refused", "drafting", None, None)),
        (
            lambda: users.add(engine, "zhou", ["officer", "executive"], ADMIN, public_key=zhou),
            (
                ADMIN,
                "user_added",
                None,
                None,
                {"name": "zhou", "roles": ["officer", "executive"], "public_key": zhou} | IN_MAIN,
            ),
        ),
        (
            lambda: users.set_roles(engine, "zhou", ["executive"], ADMIN),
            (
                ADMIN,
                "user_roles_changed",
                None,
                None,
                {"name": "zhou", "old": ["officer", "executive"], "new": ["executive"]},
            ),
        ),
        (
            lambda: users.deactivate(engine, "zhou", ADMIN),
            (ADMIN, "user_deactivated", None, None, {"name": "zhou", "roles": ["executive"]}),
        ),
    ]
    for act, (actor, action, stage, step, data) in acts:
        count = len(rows(engine))
        act()
        after = rows(engine)
        assert len(after) == count + 1, f"{action} wrote {len(after) - count} events"
        event = after[-1]
        assert (event["actor"], event["action"], event["stage"], event["step"]) == (actor, action, stage, step)
        assert event["decision_id"] == (None if action.startswith("user_") else decision["id"])
        # a decision's events go to its organ's chain, a user's to the registry's
        assert event["chain"] == (REGISTRY if action.startswith("user_") else MAIN)
        stored = json.loads(event["data"])
        if action == "created":
            assert len(stored["workflow_sha256"]) == 64
            data = {**data, "workflow_sha256": stored["workflow_sha256"]}
        if action == "refused":
            assert stored["attempted"] == "advance" and stored["args"] == {"to": "legality_review"}
            assert stored["error"] == "blocked"
            assert [(r["rule"], r["article"]) for r in stored["reasons"]][:1] == [("stage_order", "Chs. 2–3")]
            assert "legality_review" in stored["message"]
        else:
            assert stored == data
    # the JSON shape of `dflow audit ID --json` carries the same events
    shown = queries.trail(engine, decision["id"])
    assert shown["decision"] == decision["id"]
    assert [e["action"] for e in shown["events"]] == [
        "created",
        "recorded",
        "completed",
        "advanced",
        "recorded",
        "completed",
        "advanced",
        "waived",
        "returned",
        "refused",
    ]
    assert all(
        set(e) == {"seq", "chain", "at", "actor", "action", "stage", "step", "data", "prev_hash", "hash"}
        for e in shown["events"]
    )
    assert {e["chain"] for e in shown["events"]} == {MAIN}
    stored_rows = {(r["chain"], r["seq"]): r for r in rows(engine)}
    for e in shown["events"]:
        assert e["hash"] == stored_rows[e["chain"], e["seq"]]["hash"]
        assert e["data"] == json.loads(stored_rows[e["chain"], e["seq"]]["data"])


def test_advance_that_closes_pending_steps_writes_their_completion_then_the_advance(
    engine: Engine, files: Path
) -> None:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    count = len(rows(engine))
    engine.advance(i, OFFICER)
    new = rows(engine)[count:]
    assert [(e["action"], e["stage"], e["step"]) for e in new] == [
        ("completed", "initiation", "initiation"),
        ("advanced", "initiation", None),
    ]


# ---------------------------------------------------------------------------- the chain


def test_chain_is_gap_free_linked_and_hashed_by_the_documented_formula(walked: tuple[Engine, int]) -> None:
    engine, _ = walked
    events = rows(engine)
    chains = by_chain(events)
    assert set(chains) == {REGISTRY, MAIN}
    assert len(events) >= 15 and len(chains[MAIN]) >= 10
    for chain, its in chains.items():
        assert [e["seq"] for e in its] == list(range(1, len(its) + 1)), chain
        assert its[0]["prev_hash"] == GENESIS
        for previous, event in zip(its, its[1:], strict=False):
            assert event["prev_hash"] == previous["hash"], (chain, event["seq"])
    for event in events:
        assert event["format"] == 2  # every event written now is of version 2
        assert event["hash"] == documented_hash(event), (event["chain"], event["seq"])
        # data is stored in its canonical form, so the stored bytes are the hashed bytes
        assert event["data"] == json.dumps(
            json.loads(event["data"]), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        # timestamps are UTC
        assert event["at"].endswith("Z")
        datetime.strptime(event["at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)  # written in the clock's order
    verdict = verification.verify(engine)
    assert verdict.as_dict() == {"ok": True, "events": len(events), "first_bad_seq": None, "reason": None}


VECTORS = Path(__file__).parent / "vectors"


@pytest.mark.parametrize(("name", "fmt"), [("trail-export-v1.json", 1), ("trail-export.json", 2)])
def test_the_formula_written_here_gives_the_published_vectors_of_each_version(name: str, fmt: int) -> None:
    """documented_hash, which the other tests trust, reproduces the hashes of the published
    vector files: version 1 events (the file of before chains per organ) by the v1 content and
    domain, version 2 events (key lines and event lines of an export v3) by the v2 ones."""
    export = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    lines = export.get("keys", []) + export["events"]
    assert lines
    for line in lines:
        assert ("chain" in line) == (fmt == 2)
        row = {column: line[key] for key, column in V1_COLUMNS.items() if key != "data"}
        row |= {"data": json.dumps(line["data"], ensure_ascii=False), "format": fmt}
        row |= {"chain": line.get("chain", REGISTRY), "registry_position": line.get("registry")}
        assert documented_hash(row) == line["hash"], (name, line["seq"])
        assert documented_hash({**row, "format": 3 - fmt}) != line["hash"]  # the domain tells the versions apart


def test_decisions_go_to_their_organs_chain_and_users_and_keys_to_the_registrys(engine: Engine, files: Path) -> None:
    """Chains per organ (docs/audit-format.md, section 3): every event of a decision is in the
    chain named by its organ's code, every event of users, keys, organs and memberships, and a
    refused attempt of no decision, in the registry chain; each chain numbered 1, 2, 3, ...
    without a gap and linked within itself; an organ's event records how many registry events
    there were when it was written, a registry event none."""
    county = new_decision(engine)
    town = new_decision(engine, workflow="major-decision-township")  # makes the organ shahe and its memberships
    record_valid(engine, county, "initiation", files)
    users.rotate(engine, OFFICER)
    record_valid(engine, town, "initiation", files, workflow="major-decision-township")
    with pytest.raises(Blocked):
        engine.advance(town, OFFICER, to="legality_review")  # a refusal about a decision: in its organ's chain
    with pytest.raises(Forbidden):
        users.add(engine, "zhou", ["officer"], OFFICER)  # a refusal of no decision: in the registry's
    engine.complete(county, "initiation", OFFICER)
    users.add(engine, "zhou", ["officer"], ADMIN)
    engine.complete(town, "initiation", OFFICER)
    assert verification.verify(engine).ok

    events = rows(engine)
    organ_of = {county: MAIN, town: "shahe"}
    registry_written = 0  # registry events written so far
    for event in events:
        if event["decision_id"] is not None:
            assert event["chain"] == organ_of[event["decision_id"]], event
            assert event["registry_position"] == registry_written, event
        else:
            assert event["chain"] == REGISTRY, event
            assert event["registry_position"] is None, event
            registry_written += 1
    chains = by_chain(events)
    assert set(chains) == {REGISTRY, MAIN, "shahe"}
    for chain, its in chains.items():
        assert [e["seq"] for e in its] == list(range(1, len(its) + 1)), chain
        assert [e["prev_hash"] for e in its] == [GENESIS] + [e["hash"] for e in its[:-1]], chain
        assert all(e["hash"] == documented_hash(e) for e in its), chain
    registry_actions = [e["action"] for e in chains[REGISTRY]]
    assert {"user_added", "key_rotated", "organ_added", "membership_changed", "refused"} <= set(registry_actions)
    for chain in (MAIN, "shahe"):
        assert {e["action"] for e in chains[chain]} >= {"created", "recorded", "completed"}
    assert [e["action"] for e in chains["shahe"]] == ["created", "recorded", "refused", "completed"]
    assert [e["action"] for e in chains[MAIN]] == ["created", "recorded", "completed"]


# ---------------------------------------------------------------------------- refusals are evidence


def _at_initiation(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    return i


def _at_consultation(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    bring_to(engine, i, "consultation", files)
    record_valid(engine, i, "expert_review", files)
    return i


def _with_short_comment_period(engine: Engine, files: Path) -> int:
    i = _at_consultation(engine, files)
    record_valid(engine, i, "public_participation", files, closed_on="2024-04-10")
    return i


def _at_legality_review(engine: Engine, files: Path) -> int:
    i = new_decision(engine)
    bring_to(engine, i, "legality_review", files)
    record_valid(engine, i, "legality_review", files)
    return i


# name: (setup, attempt(engine, id, files), error, actor, stage, step, attempted, [(rule, article)])
REFUSALS: dict[str, tuple[Any, ...]] = {
    "skip_to_legality_review": (
        _at_initiation,
        lambda e, i, f: e.advance(i, OFFICER, to="legality_review"),
        Blocked,
        OFFICER,
        "initiation",
        None,
        "advance",
        [("stage_order", "Chs. 2–3")],
    ),
    "skip_over_consultation": (
        _at_consultation,
        lambda e, i, f: e.advance(i, OFFICER, to="collective_decision"),
        Blocked,
        OFFICER,
        "consultation",
        None,
        "advance",
        [("stage_order", "Chs. 2–3")],
    ),
    "advance_with_open_steps": (
        _at_consultation,
        lambda e, i, f: e.advance(i, OFFICER),
        Blocked,
        OFFICER,
        "consultation",
        None,
        "advance",
        [("stage_incomplete", "Arts. 26–27"), ("stage_incomplete", "Arts. 26–27")],
    ),
    "waive_legality_review": (
        _at_legality_review,
        lambda e, i, f: e.waive(i, "legality_review", "时间紧迫", REVIEWER),
        Blocked,
        REVIEWER,
        "legality_review",
        "legality_review",
        "waive",
        [("waiver", "Art. 25")],
    ),
    "waive_public_participation_without_flag": (
        _at_consultation,
        lambda e, i, f: e.waive(i, "public_participation", "不必公开", OFFICER),
        Blocked,
        OFFICER,
        "consultation",
        "public_participation",
        "waive",
        [("waiver", "Art. 14")],
    ),
    "more_opinions_adopted_than_received": (
        _at_consultation,
        lambda e, i, f: record_valid(e, i, "public_participation", f, opinions_adopted="13"),
        Blocked,
        OFFICER,
        "consultation",
        "public_participation",
        "record",
        [("not_greater", "Art. 15")],
    ),
    "comment_period_too_short": (
        _with_short_comment_period,
        lambda e, i, f: e.complete(i, "public_participation", OFFICER),
        Blocked,
        OFFICER,
        "consultation",
        "public_participation",
        "complete",
        [("min_days", "Art. 15")],
    ),
    "auditor_records": (
        _at_initiation,
        lambda e, i, f: e.record(i, "initiation", ["undertaking_unit=审计局"], [], AUDITOR),
        Forbidden,
        AUDITOR,
        "initiation",
        "initiation",
        "record",
        [("role", "Arts. 10–11")],
    ),
    "auditor_advances": (
        _at_initiation,
        lambda e, i, f: e.advance(i, AUDITOR),
        Forbidden,
        AUDITOR,
        "initiation",
        None,
        "advance",
        [("role", "Arts. 10–11")],
    ),
    "officer_records_legality_opinion": (
        _at_legality_review,
        lambda e, i, f: e.record(i, "legality_review", ["opinion=lawful"], [], OFFICER),
        Forbidden,
        OFFICER,
        "legality_review",
        "legality_review",
        "record",
        [("role", "Arts. 25–28")],
    ),
    "unknown_user_records": (
        _at_initiation,
        lambda e, i, f: e.record(i, "initiation", ["undertaking_unit=某单位"], [], "wang_wu"),
        Forbidden,
        "wang_wu",
        "initiation",
        "initiation",
        "record",
        None,
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusal_changes_nothing_but_appends_one_refused_event(engine: Engine, files: Path, name: str) -> None:
    setup, attempt, error, actor, stage, step, attempted, reasons = REFUSALS[name]
    i = setup(engine, files)
    tables, events = dump(engine), rows(engine)
    with pytest.raises(error):
        attempt(engine, i, files)
    assert dump(engine) == tables, "a refused change altered the decision's state"
    after = rows(engine)
    assert after[:-1] == events, "a refusal rewrote earlier events"
    assert len(after) == len(events) + 1
    event = after[-1]
    assert (event["actor"], event["action"], event["decision_id"], event["stage"], event["step"]) == (
        actor,
        "refused",
        i,
        stage,
        step,
    )
    data = json.loads(event["data"])
    assert data["attempted"] == attempted
    assert data["error"] == error.code
    assert data["message"]
    assert data["args"].get("step") == step
    if reasons is not None:  # the expected reasons, in order, lead; every reason cites its article
        assert [(r["rule"], r["article"]) for r in data["reasons"]][: len(reasons)] == reasons
        assert all(r["rule"] and r["article"] and r["detail"] for r in data["reasons"])
    assert event["hash"] == documented_hash(event)
    # a refusal about a decision is in its organ's chain, linked to that chain's last event
    assert event["chain"] == MAIN
    assert (event["seq"], event["prev_hash"]) == (len(by_chain(events)[MAIN]) + 1, by_chain(events)[MAIN][-1]["hash"])
    assert verification.verify(engine).ok


def test_unknown_user_refusal_names_its_reason_and_article(engine: Engine, files: Path) -> None:
    i = _at_initiation(engine, files)
    with pytest.raises(Forbidden):
        engine.record(i, "initiation", ["undertaking_unit=某单位"], [], "wang_wu")
    data = json.loads(rows(engine)[-1]["data"])
    assert data["attempted"] == "record"
    assert data["reasons"], "the refused event gives no reason"
    assert all(r["rule"] and r["article"] and r["detail"] for r in data["reasons"])


# ---------------------------------------------------------------------------- tampering


def _verdict(engine: Engine) -> tuple[bool, tuple[str | None, int | None] | None, str]:
    """ok, where the first fault is ((chain, seq); None when there is none), and why."""
    v = verification.verify(engine)
    where = None if (v.chain, v.first_bad_seq) == (None, None) else (v.chain, v.first_bad_seq)
    return v.ok, where, v.reason or ""


def test_untouched_trail_verifies_and_triggers_refuse_changes(
    walked: tuple[Engine, int], tamper: sqlite3.Connection
) -> None:
    engine, _ = walked
    assert _verdict(engine) == (True, None, "")


def test_edited_data_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "recorded", "drafting")
    assert chain == MAIN
    (text,) = tamper.execute("SELECT data FROM audit_events WHERE chain = ? AND seq = ?", (chain, k)).fetchone()
    data = json.loads(text)
    data["fields"]["legal_basis"] = "无"
    edited = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    tamper.execute("UPDATE audit_events SET data = ? WHERE chain = ? AND seq = ?", (edited, chain, k))
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, k))
    assert reason.startswith("content edited")
    shown = verification.verify(engine).as_dict()  # the JSON of `dflow audit verify --json` names the chain
    assert (shown["chain"], shown["first_bad_seq"]) == (chain, k)


def test_data_that_is_no_longer_json_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "waived")
    tamper.execute("UPDATE audit_events SET data = substr(data, 2) WHERE chain = ? AND seq = ?", (chain, k))
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, k))
    assert reason.startswith("content edited")


@pytest.mark.parametrize(
    "edit",
    [
        "substr(data, 2)",  # no longer JSON
        "replace(data, '\"kind\"', '\"kinx\"')",  # still JSON, an evidence key renamed
    ],
)
def test_recorded_event_whose_evidence_list_is_mangled_is_found(
    walked: tuple[Engine, int], tamper: sqlite3.Connection, edit: str
) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "recorded", "drafting")
    tamper.execute(f"UPDATE audit_events SET data = {edit} WHERE chain = ? AND seq = ?", (chain, k))
    try:
        verdict = _verdict(engine)
    except Exception as exc:  # noqa: BLE001 - a crash is the failure this test describes
        raise AssertionError(f"verify raised {type(exc).__name__} instead of naming event {k}") from exc
    ok, bad, reason = verdict
    assert (ok, bad) == (False, (chain, k))
    assert reason.startswith("content edited")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "sun"),
        ("at", "2024-12-31T09:00:00.000000Z"),
        ("action", "completed"),
        ("stage", "drafting"),
        ("step", "risk_assessment"),
        ("decision_id", 2),
        ("registry_position", 0),
    ],
)
def test_edited_column_is_found(
    walked: tuple[Engine, int], tamper: sqlite3.Connection, column: str, value: object
) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "waived")
    tamper.execute(f"UPDATE audit_events SET {column} = ? WHERE chain = ? AND seq = ?", (value, chain, k))
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, k))
    assert reason.startswith("content edited")


@pytest.mark.parametrize(
    ("chain", "seq", "reason"),
    [
        # version 1 events are only in the registry chain: in an organ's, the claim is out of place
        (MAIN, None, "format out of place"),
        # and there only before its first version 2 event
        (REGISTRY, 2, "format out of place"),
        # where one may stand, the claim is checked by the hash: the v1 domain and content differ
        (REGISTRY, 1, "content edited"),
    ],
)
def test_an_event_claiming_version_1_is_found(
    walked: tuple[Engine, int], tamper: sqlite3.Connection, chain: str, seq: int | None, reason: str
) -> None:
    """`format` is not content, but it says how the event is hashed (docs/audit-format.md,
    sections 2 and 4)."""
    engine, _ = walked
    k = seq if seq is not None else place_of(engine, "waived")[1]
    tamper.execute("UPDATE audit_events SET format = 1 WHERE chain = ? AND seq = ?", (chain, k))
    ok, bad, why = _verdict(engine)
    assert (ok, bad) == (False, (chain, k))
    assert why.startswith(reason), why


def test_deleted_event_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "refused")
    tamper.execute("DELETE FROM audit_events WHERE chain = ? AND seq = ?", (chain, k))
    ok, bad, reason = _verdict(engine)
    # the event named is the one found in the missing one's place; the reason names the gap
    assert (ok, bad) == (False, (chain, k + 1))
    assert reason == f"event missing: expected seq {k}, found {k + 1}"


@pytest.mark.parametrize("chain", [REGISTRY, MAIN])
def test_deleted_first_event_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection, chain: str) -> None:
    engine, _ = walked
    tamper.execute("DELETE FROM audit_events WHERE chain = ? AND seq = 1", (chain,))
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, 2))
    assert reason == "event missing: expected seq 1, found 2"


def test_a_decisions_event_moved_to_another_organs_chain_is_found(
    walked: tuple[Engine, int], tamper: sqlite3.Connection
) -> None:
    """A forger holding the keys moves the decision's last event out of its organ's chain into a
    chain of its own (named as another organ), re-hashed and re-signed: both chains are whole and
    the decision's own links hold, but a decision's version 2 events are all in one organ's chain
    (docs/audit-format.md, section 4, check 5)."""
    engine, i = walked
    last = rows(engine)[-1]
    assert (last["chain"], last["decision_id"]) == (MAIN, i)
    moved = {**last, "chain": "shahe", "seq": 1, "prev_hash": GENESIS}
    moved["hash"] = documented_hash(moved)
    moved["signature"] = engine.keys.signer(moved["actor"]).sign(moved["hash"])
    tamper.execute(
        "UPDATE audit_events SET chain = ?, seq = 1, prev_hash = ?, hash = ?, signature = ?"
        " WHERE chain = ? AND seq = ?",
        ("shahe", GENESIS, moved["hash"], moved["signature"], MAIN, last["seq"]),
    )
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, ("shahe", 1))
    assert reason == f"decision in two chains: decision {i}'s events are in chain main"


def _swap(con: sqlite3.Connection, chain: str, j: int, k: int) -> None:
    con.execute("UPDATE audit_events SET seq = -1 WHERE chain = ? AND seq = ?", (chain, j))
    con.execute("UPDATE audit_events SET seq = ? WHERE chain = ? AND seq = ?", (j, chain, k))
    con.execute("UPDATE audit_events SET seq = ? WHERE chain = ? AND seq = -1", (k, chain))


def test_swapped_events_are_found_at_the_first_of_them(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    (chain, j), (other, k) = place_of(engine, "recorded", "public_participation"), place_of(engine, "waived")
    assert chain == other and j < k
    _swap(tamper, chain, j, k)
    ok, bad, _reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, j))


def test_swapped_events_are_reported_as_order_broken(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    (chain, j), (_, k) = place_of(engine, "recorded", "public_participation"), place_of(engine, "waived")
    _swap(tamper, chain, j, k)
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, j))
    assert reason.startswith("order broken"), reason


def _forge(con: sqlite3.Connection, seq: int, prev_hash: str) -> None:
    """Insert a self-consistent event (its hash matches its content, every value of its type) at
    `seq` of the registry chain: an event of no decision, so only its chain's links can tell it is
    forged."""
    row = {
        "chain": REGISTRY,
        "seq": seq,
        "at": "2024-12-31T01:00:30.000000Z",
        "actor": EXECUTIVE,
        "action": "user_deactivated",
        "decision_id": None,
        "decision_seq": None,
        "decision_prev": None,
        "stage": None,
        "step": None,
        "data": json.dumps(
            {"name": "领导", "roles": ["officer"]}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ),
        "prev_hash": prev_hash,
        "registry_position": None,
        "format": 2,
    }
    columns = [d[1] for d in con.execute("PRAGMA table_info(audit_events)")]
    row = {c: row.get(c) for c in columns if c != "hash"}  # any further column stays null
    row["hash"] = documented_hash(row)
    con.execute(f"INSERT INTO audit_events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def _registry_size(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT max(seq) FROM audit_events WHERE chain = ?", (REGISTRY,)).fetchone()[0])


def test_forged_event_inserted_in_the_middle_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    last = _registry_size(tamper)
    k = last // 2 + 1
    for seq in range(last, k - 1, -1):  # make room at k
        tamper.execute("UPDATE audit_events SET seq = seq + 1 WHERE chain = ? AND seq = ?", (REGISTRY, seq))
    # the true prev_hash is taken (UNIQUE in the chain), so the forger chains it to a made-up one
    _forge(tamper, k, hashlib.sha256(b"forged").hexdigest())
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (REGISTRY, k))
    assert reason.startswith("link broken")


def test_forged_event_appended_off_the_chain_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    last = _registry_size(tamper)
    _forge(tamper, last + 1, hashlib.sha256(b"forged").hexdigest())
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (REGISTRY, last + 1))
    assert reason.startswith("link broken")


def test_last_event_rehashed_onto_another_link_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    last = rows(engine)[-1]  # the last event written: the waiver, in the organ's chain
    assert (last["action"], last["chain"]) == ("waived", MAIN)
    forged = {**last, "prev_hash": hashlib.sha256(b"another past").hexdigest()}
    forged["hash"] = documented_hash(forged)
    tamper.execute(
        "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE chain = ? AND seq = ?",
        (forged["prev_hash"], forged["hash"], last["chain"], last["seq"]),
    )
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (last["chain"], last["seq"]))
    assert reason.startswith("link broken")


def test_edited_event_rehashed_breaks_the_next_link(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    chain, waived = place_of(engine, "waived")
    k = waived - 1
    event = next(r for r in rows(engine) if (r["chain"], r["seq"]) == (chain, k))
    forged = {**event, "actor": EXECUTIVE}
    forged["hash"] = documented_hash(forged)
    tamper.execute(
        "UPDATE audit_events SET actor = ?, hash = ? WHERE chain = ? AND seq = ?", (EXECUTIVE, forged["hash"], chain, k)
    )
    ok, bad, reason = _verdict(engine)
    # its hash is right again, but the officer's signature is not the executive's
    assert (ok, bad) == (False, (chain, k))
    assert reason == f"signature invalid: not made with {EXECUTIVE!r}'s registered key"


def test_non_canonical_rewrite_of_data_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "recorded", "drafting")
    tamper.execute("UPDATE audit_events SET data = replace(data, ',', ', ') WHERE chain = ? AND seq = ?", (chain, k))
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (chain, k))
    assert reason.startswith("content edited")


def test_data_edited_into_invalid_utf8_is_found(walked: tuple[Engine, int], tamper: sqlite3.Connection) -> None:
    engine, _ = walked
    chain, k = place_of(engine, "recorded", "drafting")
    (stored,) = tamper.execute(
        "SELECT CAST(data AS BLOB) FROM audit_events WHERE chain = ? AND seq = ?", (chain, k)
    ).fetchone()
    raw = bytearray(stored)
    at = raw.index("农".encode())
    raw[at + 1] = ord("A")  # cuts a three-byte character short
    tamper.execute("UPDATE audit_events SET data = CAST(? AS TEXT) WHERE chain = ? AND seq = ?", (bytes(raw), chain, k))
    try:
        verdict = _verdict(engine)
    except Exception as exc:  # noqa: BLE001 - a crash is the failure this test describes
        raise AssertionError(f"verify raised {type(exc).__name__} instead of naming event {k}") from exc
    ok, bad, reason = verdict
    assert (ok, bad) == (False, (chain, k))
    assert reason.startswith("content edited")


@pytest.mark.parametrize("how", ["altered", "deleted"])
def test_altered_evidence_file_is_found_at_the_event_that_recorded_it(walked: tuple[Engine, int], how: str) -> None:
    engine, _ = walked
    event = event_of(engine, "recorded", "drafting")
    evidence = json.loads(event["data"])["evidence"]
    assert [e["kind"] for e in evidence] == ["draft"]
    path = engine.store.path_for(evidence[0]["sha256"])
    assert path.is_file() and sha256_of(path) == evidence[0]["sha256"]
    if how == "altered":
        path.write_bytes(path.read_bytes().replace("搬迁".encode(), "拆除".encode()))
    else:
        path.unlink()
    ok, bad, reason = _verdict(engine)
    assert (ok, bad) == (False, (event["chain"], event["seq"]))
    assert reason.startswith("evidence altered or missing")
    assert evidence[0]["sha256"] in reason


# ---------------------------------------------------------------------------- one transaction


def _fail_appending(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    """Fault injection: hashing the `action` event being appended raises."""
    real = decision_flow.trail.audit.hash_content

    def failing(content: dict[str, Any]) -> str:
        if content["action"] == action:
            raise RuntimeError(f"disk gone while appending {action}")
        return real(content)

    monkeypatch.setattr(decision_flow.trail.audit, "hash_content", failing)


# name: (stage to bring the decision to, what to record first, the act, the action that fails)
ATOMIC: dict[str, tuple[str, list[str], Callable[[Engine, int, Path], object], str]] = {
    "record": ("drafting", [], lambda e, i, f: record_valid(e, i, "drafting", f), "recorded"),
    "complete": ("drafting", ["drafting"], lambda e, i, f: e.complete(i, "drafting", OFFICER), "completed"),
    "waive": ("consultation", [], lambda e, i, f: e.waive(i, "expert_review", "非技术事项", OFFICER), "waived"),
    "advance_closing_steps": ("drafting", ["drafting"], lambda e, i, f: e.advance(i, OFFICER), "advanced"),
    "send_back": (
        "consultation",
        ["public_participation"],
        lambda e, i, f: e.send_back(i, "drafting", "补充论证", OFFICER),
        "returned",
    ),
}


@pytest.mark.parametrize("name", list(ATOMIC))
def test_change_is_undone_when_its_event_cannot_be_appended(
    engine: Engine, files: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    stage, recorded, act, action = ATOMIC[name]
    i = new_decision(engine)
    bring_to(engine, i, stage, files)
    for step in recorded:
        record_valid(engine, i, step, files)
    tables, events = dump(engine), rows(engine)
    with monkeypatch.context() as patched:  # only this: undoing every patch would drop the test's key directory
        _fail_appending(patched, action)
        with pytest.raises(RuntimeError, match="disk gone"):
            act(engine, i, files)
    assert dump(engine) == tables, "the change landed without its audit event"
    assert rows(engine) == events, "an event landed for a change that did not"
    assert verification.verify(engine).ok
    act(engine, i, files)  # the same act goes through once appending works
    assert dump(engine) != tables
    assert rows(engine)[-1]["action"] == action
    assert verification.verify(engine).ok
