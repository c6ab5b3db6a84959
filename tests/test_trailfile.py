"""The independently verifiable trail (docs/audit-format.md): exports that verify offline,
checkpoints that catch truncation and rewriting, and the test vectors.

The verifier below is written from the document alone, with hashlib and json — never
decision_flow.trail.audit — and must agree with `trailfile.verify_file`, with the database verifier
and with the listing printed in the document itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tracemalloc
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_flow.core.errors import Blocked, IntegrityError, InvalidInput, NotFound
from decision_flow.engine import Engine, queries
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database
from decision_flow.trail import checkpoint as checkpoint_mod
from decision_flow.trail import trailfile
from decision_flow.trail.checkpoint import Checkpoint
from decision_flow.trail.trailfile import Verdict
from tests.conftest import TODAY
from tests.flow import OFFICER, new_decision, record_valid

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "audit-format.md"
VECTOR = ROOT / "tests" / "vectors" / "trail-export.json"
HASHES = ROOT / "tests" / "vectors" / "expected-hashes.txt"
VECTOR_BYTES = VECTOR.read_bytes()

# ---------------------------------------------------------------------------- from the document

FORMAT = "decision-flow/trail-export/v1"
EVENT_DOMAIN = b"decision-flow/audit/v1\n"
DIGEST_DOMAIN = b"decision-flow/trail-export/v1/digest\n"
GENESIS = "0" * 64
KEYS = {
    "seq",
    "at",
    "actor",
    "action",
    "decision",
    "decision_seq",
    "decision_prev",
    "stage",
    "step",
    "data",
    "prev_hash",
}
DECISION = {"id": int, "title": str, "workflow": str, "workflow_version": int, "stage": str, "status": str}
TOP = ["format", "exported_at", "checkpoint", "decision", "events", "count", "digest"]


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def event_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(EVENT_DOMAIN + canonical(content)).hexdigest()


def reject(text: str) -> Any:
    raise ValueError(text)


@dataclass(frozen=True)
class Finding:
    ok: bool
    seq: int | None
    kind: str  # "ok", "malformed", or the reason's words before the colon


def layout(doc: dict[str, Any]) -> bytes:
    """The file the document's section 6 prescribes for these values."""
    events = doc["events"]
    raw: bytes = (
        b'{"format":' + canonical(doc["format"]) + b',"exported_at":' + canonical(doc["exported_at"])
        + b',"checkpoint":' + canonical(doc["checkpoint"]) + b',"decision":' + canonical(doc["decision"])
        + b',"events":[\n' + b"".join(canonical(e) + (b",\n" if i < len(events) - 1 else b"\n")
                                      for i, e in enumerate(events))
        + b'],"count":' + canonical(doc["count"]) + b',"digest":"' + doc["digest"].encode() + b'"}\n'
    )  # fmt: skip
    return raw


def independent_verify(raw: bytes) -> Finding:
    """A verifier of an export written from docs/audit-format.md alone."""
    try:
        doc = json.loads(raw.decode("utf-8"), parse_float=reject, parse_constant=reject)
        if not isinstance(doc, dict) or list(doc) != TOP or doc["format"] != FORMAT:
            return Finding(False, None, "malformed")
        if set(doc["checkpoint"]) != {"head", "size"} or set(doc["decision"]) != set(DECISION):
            return Finding(False, None, "malformed")
        if not all(type(doc["decision"][k]) is t for k, t in DECISION.items()):
            return Finding(False, None, "malformed")
        if type(doc["checkpoint"]["size"]) is not int or not isinstance(doc["checkpoint"]["head"], str):
            return Finding(False, None, "malformed")
        rebuilt = layout(doc)
    except (ValueError, TypeError, KeyError, AttributeError):
        return Finding(False, None, "malformed")
    if rebuilt != raw:
        return Finding(False, None, "file altered")
    try:
        return check_events(doc, raw)
    except (TypeError, KeyError, AttributeError):
        return Finding(False, None, "malformed")


def check_events(doc: dict[str, Any], raw: bytes) -> Finding:
    dec, cp, events = doc["decision"], doc["checkpoint"], doc["events"]
    prev_hash: str | None = None
    prev_seq = 0
    for number, line in enumerate(events, 1):
        event = dict(line)
        stored = event.pop("hash", None)
        seq: Any = event.get("seq")
        if set(event) != KEYS or event_hash(event) != stored:
            return Finding(False, seq, "content edited")
        if event["decision"] != dec["id"]:
            return Finding(False, seq, "file altered")
        if event["decision_seq"] != number:
            ahead = isinstance(event["decision_seq"], int) and event["decision_seq"] > number
            later = any(e.get("decision_seq") == number for e in events[number:])
            return Finding(False, seq, "event missing" if ahead and not later else "order broken")
        if event["decision_prev"] != prev_hash:
            return Finding(False, seq, "link broken")
        if seq <= prev_seq:
            return Finding(False, seq, "order broken")
        if seq == prev_seq + 1 and event["prev_hash"] != (prev_hash or GENESIS):
            return Finding(False, seq, "link broken")
        if seq > cp["size"] or (seq == cp["size"] and stored != cp["head"]):
            return Finding(False, seq, "file altered")
        if number == 1 and (
            event["action"] != "created"
            or any(event["data"].get(k) != dec[k] for k in ("title", "workflow", "workflow_version"))
        ):
            return Finding(False, seq, "file altered")
        prev_hash, prev_seq = stored, seq
    if doc["count"] != len(events) or not events:
        return Finding(False, None, "event missing" if doc["count"] > len(events) or not events else "file altered")
    if hashlib.sha256(DIGEST_DOMAIN + raw[:-67]).hexdigest() != doc["digest"]:
        return Finding(False, None, "file altered")
    return Finding(True, None, "ok")


def doc_verifier() -> Callable[[bytes], int]:
    """The `verify` of the standalone listing printed in the document."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```python\n(#!/usr/bin/env python3\n.*?)```", text, re.S)
    assert block is not None, "the document lost its verifier listing"
    namespace: dict[str, Any] = {"__name__": "listing"}
    exec(compile(block.group(1), "audit-format.md", "exec"), namespace)
    verify: Callable[[bytes], int] = namespace["verify"]
    return verify


def kind(verdict: Verdict) -> str:
    assert not verdict.ok and verdict.reason
    return verdict.reason.split(":")[0]


def judged(path: Path) -> Finding:
    """verify_file's verdict as a Finding (InvalidInput as malformed)."""
    try:
        v = trailfile.verify_file(path)
    except InvalidInput as exc:
        assert "\n" not in str(exc)
        return Finding(False, None, "malformed")
    return Finding(True, None, "ok") if v.ok else Finding(False, v.first_bad_seq, kind(v))


# ---------------------------------------------------------------------------- file surgery


def split(raw: bytes) -> tuple[bytes, list[bytes], bytes]:
    """Line 1, the event lines without separators, and the closing line, of an export."""
    lines = raw.split(b"\n")
    assert lines[-1] == b""
    return lines[0], [line.removesuffix(b",") for line in lines[1:-2]], lines[-2]


def join(header: bytes, events: list[bytes], count: int | None = None, digest: str | None = None) -> bytes:
    """An export with these lines, laid out as the document says; the digest recomputed by
    the document's formula unless given (a forger's careful edit)."""
    body = b"".join(e + (b",\n" if i < len(events) - 1 else b"\n") for i, e in enumerate(events))
    prefix = header + b"\n" + body + b'],"count":' + str(len(events) if count is None else count).encode()
    prefix += b',"digest":"'
    return prefix + (digest or hashlib.sha256(DIGEST_DOMAIN + prefix).hexdigest()).encode() + b'"}\n'


def digest_of(raw: bytes) -> str:
    return str(json.loads(raw)["digest"])


def edited(line: bytes, rehash: bool = False, **changes: Any) -> bytes:
    """An event line with `changes` to its content; its hash recomputed if `rehash`."""
    event = json.loads(line)
    event.update(changes)
    if rehash:
        event["hash"] = event_hash({k: v for k, v in event.items() if k != "hash"})
    return canonical(event)


def seq(line: bytes) -> int:
    return int(json.loads(line)["seq"])


# ---------------------------------------------------------------------------- databases


def attacker(engine: Engine) -> sqlite3.Connection:
    """A sqlite3 connection to the engine's file as someone holding it: the append-only
    triggers are proven to refuse, then dropped."""
    assert engine.db.path is not None
    con = sqlite3.connect(engine.db.path, isolation_level=None)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_events WHERE seq = 1")
    con.execute("DROP TRIGGER audit_events_no_update")
    con.execute("DROP TRIGGER audit_events_no_delete")
    return con


def rehash_from(con: sqlite3.Connection, start: int) -> None:
    """Recompute, by the documented formula, the hash of every event from `start` on and
    every link to them: a consistent rewrite of history."""
    renamed: dict[str, str] = {}
    cursor = con.execute("SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq", (start,))
    names = [d[0] for d in cursor.description]
    for row in [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]:
        content = {
            ("decision" if k == "decision_id" else k): v for k, v in row.items() if k not in ("hash", "signature")
        }
        content["data"] = json.loads(row["data"])
        content["prev_hash"] = renamed.get(row["prev_hash"], row["prev_hash"])
        content["decision_prev"] = renamed.get(row["decision_prev"], row["decision_prev"])
        new = event_hash(content)
        con.execute(
            "UPDATE audit_events SET prev_hash = ?, decision_prev = ?, hash = ? WHERE seq = ?",
            (content["prev_hash"], content["decision_prev"], new, row["seq"]),
        )
        renamed[row["hash"]] = new


def resign_from(con: sqlite3.Connection, start: int, ring: KeyRing) -> None:
    """Sign again, with each actor's own key from `ring`, every signed event from `start` on:
    what an attacker holding every user's key file could do after `rehash_from`."""
    for seq, actor, digest in con.execute(
        "SELECT seq, actor, hash FROM audit_events WHERE seq >= ? AND signature IS NOT NULL ORDER BY seq", (start,)
    ).fetchall():
        con.execute("UPDATE audit_events SET signature = ? WHERE seq = ?", (ring.signer(actor).sign(digest), seq))


def load_vectors(db: Database) -> Engine:
    """A database holding exactly the vector's events (its whole chain) and its decision, with
    a clock stopped at the vector's export time."""
    doc = json.loads(VECTOR_BYTES)
    db.init()
    assert db.path is not None
    created, dec = doc["events"][0], doc["decision"]
    with closing(sqlite3.connect(db.path, isolation_level=None)) as con:
        for e in doc["events"]:
            con.execute(
                "INSERT INTO audit_events (seq, at, actor, action, decision_id, stage, step, data, decision_seq,"
                " decision_prev, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (e["seq"], e["at"], e["actor"], e["action"], e["decision"], e["stage"], e["step"],
                 canonical(e["data"]).decode(), e["decision_seq"], e["decision_prev"], e["prev_hash"], e["hash"]),
            )  # fmt: skip
        con.execute(
            "INSERT INTO decisions (id, title, workflow, workflow_version, workflow_sha256, stage, status, flags,"
            " version, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 1, ?, ?)",
            (dec["id"], dec["title"], dec["workflow"], dec["workflow_version"], created["data"]["workflow_sha256"],
             dec["stage"], dec["status"], created["at"], created["actor"]),
        )  # fmt: skip
    at = datetime.fromisoformat(doc["exported_at"])
    return Engine(db, now=lambda: at, today=lambda: TODAY)


@pytest.fixture
def walked(engine: Engine, files: Path) -> tuple[Engine, int, int]:
    """Decision A walked to consultation (evidence, a refusal), interleaved with decision B,
    so A's events have gaps in seq; A's last event is the chain's head."""
    a = new_decision(engine)
    b = new_decision(engine, title="沙河乡集贸市场升级改造")
    record_valid(engine, a, "initiation", files)
    with pytest.raises(Blocked):
        engine.advance(a, OFFICER, to="legality_review")
    engine.advance(a, OFFICER)
    record_valid(engine, b, "initiation", files)
    record_valid(engine, a, "drafting", files)
    engine.advance(a, OFFICER)
    return engine, a, b


@pytest.fixture
def exported(walked: tuple[Engine, int, int], tmp_path: Path) -> tuple[Path, bytes]:
    engine, a, _ = walked
    out = tmp_path / "a.json"
    queries.export_trail(engine, a, out)
    return out, out.read_bytes()


# ---------------------------------------------------------------------------- the vectors


def test_vectors_verify_by_every_verifier_with_the_expected_hashes(tmp_path: Path) -> None:
    assert trailfile.verify_file(VECTOR) == Verdict(True, 5)
    assert independent_verify(VECTOR_BYTES) == Finding(True, None, "ok")
    assert doc_verifier()(VECTOR_BYTES) == 5
    doc = json.loads(VECTOR_BYTES)
    expected = [line.split() for line in HASHES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    events = [[str(e["seq"]), event_hash({k: v for k, v in e.items() if k != "hash"})] for e in doc["events"]]
    assert expected == [
        *events,
        ["checkpoint", str(doc["checkpoint"]["size"]), doc["checkpoint"]["head"]],
        ["digest", hashlib.sha256(DIGEST_DOMAIN + VECTOR_BYTES[:-67]).hexdigest()],
    ]
    assert [e["hash"] for e in doc["events"]] == [h for _, h in events]
    # what the vector promises to show: a refusal, Chinese text, an escaped line break
    assert [e["action"] for e in doc["events"]] == ["created", "refused", "recorded", "completed", "advanced"]
    assert doc["decision"]["title"] == "沙河乡农贸市场搬迁" and "沙河乡".encode() in VECTOR_BYTES
    assert b"\\n\xef\xbc\x88" in VECTOR_BYTES  # "\n（" written as an escape then raw UTF-8


def test_document_worked_example_is_the_vectors_first_event() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"is this single line \((\d+) bytes\):\n\n    (\{.*\})\n\nand its hash is `([0-9a-f]{64})`", text)
    assert match is not None
    line = match.group(2).encode()
    first = json.loads(VECTOR_BYTES)["events"][0]
    assert line == canonical({k: v for k, v in first.items() if k != "hash"})
    assert len(line) == int(match.group(1))
    assert event_hash(json.loads(line)) == match.group(3) == first["hash"]
    # the document's table names exactly the hashed content
    section = text[text.index("## 2.") : text.index("## 3.")]
    assert set(re.findall(r"^\| `(\w+)` \|", section, re.M)) == KEYS == trailfile.CONTENT_KEYS


def test_vectors_loaded_into_a_database_verify_there_and_export_to_the_same_bytes(db: Database, tmp_path: Path) -> None:
    engine = load_vectors(db)
    assert queries.verify(engine) == Verdict(True, 5)
    doc = json.loads(VECTOR_BYTES)
    anchor = Checkpoint(doc["checkpoint"]["size"], doc["checkpoint"]["head"], doc["exported_at"])
    assert queries.checkpoint(engine) == anchor
    assert queries.verify_anchor(engine, anchor) == Verdict(True, 5)
    out = tmp_path / "again.json"
    assert queries.export_trail(engine, 1, out) == 5
    assert out.read_bytes() == VECTOR_BYTES  # the writer still writes the documented bytes


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("column", ["actor", "data", "stage"])
def test_an_edit_of_the_vectors_is_named_alike_by_all_verifiers(
    db: Database, tmp_path: Path, column: str, k: int
) -> None:
    engine = load_vectors(db)
    event = json.loads(VECTOR_BYTES)["events"][k - 1]
    value: Any = {"actor": "mallory", "stage": "archiving", "data": {**event["data"], "note": "事后补记"}}[column]
    with closing(attacker(engine)) as con:
        stored = canonical(value).decode() if column == "data" else value
        con.execute(f"UPDATE audit_events SET {column} = ? WHERE seq = ?", (stored, k))
    in_db = queries.verify(engine)
    header, lines, _ = split(VECTOR_BYTES)
    lines[k - 1] = edited(lines[k - 1], **{column: value})
    raw = join(header, lines)
    path = tmp_path / "edited.json"
    path.write_bytes(raw)
    assert (in_db.ok, in_db.first_bad_seq, kind(in_db)) == (False, k, "content edited")
    assert judged(path) == independent_verify(raw) == Finding(False, k, "content edited")
    with pytest.raises(ValueError, match=f"event {k}: content edited"):
        doc_verifier()(raw)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_a_deletion_from_the_vectors_is_an_event_missing_for_all_verifiers(
    db: Database, tmp_path: Path, k: int
) -> None:
    engine = load_vectors(db)
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE seq = ?", (k,))
    in_db = queries.verify(engine)
    assert (in_db.ok, in_db.first_bad_seq, kind(in_db)) == (False, k, "event missing")
    header, lines, _ = split(VECTOR_BYTES)
    del lines[k - 1]
    raw = join(header, lines)
    path = tmp_path / "deleted.json"
    path.write_bytes(raw)
    # the file cannot know the missing seq: it names the event found in its place
    assert judged(path) == independent_verify(raw) == Finding(False, k + 1, "event missing")
    with pytest.raises(ValueError, match="event missing"):
        doc_verifier()(raw)


def test_a_stored_rewrite_of_data_is_carried_into_the_export_not_smoothed_over(db: Database, tmp_path: Path) -> None:
    engine = load_vectors(db)
    con = attacker(engine)
    with closing(con):
        (data,) = con.execute("SELECT data FROM audit_events WHERE seq = 3").fetchone()
        spaced = json.dumps(json.loads(data), ensure_ascii=False)  # the same object, other bytes
        assert spaced != data
        con.execute("UPDATE audit_events SET data = ? WHERE seq = 3", (spaced,))
        in_db = queries.verify(engine)
        assert (in_db.first_bad_seq, kind(in_db)) == (3, "content edited")
        out = tmp_path / "rewritten.json"
        queries.export_trail(engine, 1, out)
        assert spaced.encode() in out.read_bytes()
        assert trailfile.verify_file(out) == Verdict(False, 3, 3, "file altered: line 4 is not in canonical form")
        assert independent_verify(out.read_bytes()) == Finding(False, None, "file altered")
        # stored data that is no JSON at all cannot make a JSON file: the export refuses
        con.execute("UPDATE audit_events SET data = '{\"name\":' WHERE seq = 3")
        with pytest.raises(IntegrityError, match="event 3 cannot be exported"):
            queries.export_trail(engine, 1, tmp_path / "broken.json")
    assert sorted(p.name for p in tmp_path.iterdir() if ".json" in p.name) == ["rewritten.json"]


def test_the_vectors_cut_short_are_found_against_their_checkpoint(db: Database, tmp_path: Path) -> None:
    engine = load_vectors(db)
    anchor = queries.checkpoint(engine)
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE seq = 5")
    assert queries.verify(engine) == Verdict(True, 4)  # a shorter chain is still a chain
    assert queries.verify_anchor(engine, anchor) == Verdict(
        False, 4, 5, "truncated: the chain has 4 events, the checkpoint 5"
    )
    header, lines, _ = split(VECTOR_BYTES)
    path = tmp_path / "short.json"
    path.write_bytes(join(header, lines[:-1], count=5))
    assert judged(path) == independent_verify(path.read_bytes()) == Finding(False, None, "event missing")
    assert trailfile.verify_file(path).reason == "event missing: the file declares 5 events and holds 4"


# ---------------------------------------------------------------------------- any one-byte change


def must_fail(raw: bytes, path: Path) -> None:
    path.unlink(missing_ok=True)  # rather than truncate: ext4 flushes a truncated file on rewrite
    path.write_bytes(raw)
    finding = judged(path)
    assert not finding.ok, raw
    assert not independent_verify(raw).ok


def test_every_single_byte_deletion_and_bit_flip_of_the_vectors_fails(tmp_path: Path) -> None:
    path = tmp_path / "changed.json"
    for i in range(len(VECTOR_BYTES)):
        must_fail(VECTOR_BYTES[:i] + VECTOR_BYTES[i + 1 :], path)
        must_fail(VECTOR_BYTES[:i] + bytes([VECTOR_BYTES[i] ^ 0x01]) + VECTOR_BYTES[i + 1 :], path)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), op=st.sampled_from(["flip", "insert", "delete"]))
def test_any_single_byte_change_of_an_export_fails(tmp_path: Path, data: st.DataObject, op: str) -> None:
    raw = VECTOR_BYTES
    i = data.draw(st.integers(0, len(raw) - (0 if op == "insert" else 1)), label="position")
    if op == "flip":
        changed = raw[:i] + bytes([raw[i] ^ data.draw(st.integers(1, 255), label="xor")]) + raw[i + 1 :]
    elif op == "insert":
        changed = raw[:i] + bytes([data.draw(st.integers(0, 255), label="byte")]) + raw[i:]
    else:
        changed = raw[:i] + raw[i + 1 :]
    must_fail(changed, tmp_path / "changed.json")


def test_every_single_byte_deletion_of_a_fresh_export_fails(exported: tuple[Path, bytes], tmp_path: Path) -> None:
    _, raw = exported
    for i in range(len(raw)):
        must_fail(raw[:i] + raw[i + 1 :], tmp_path / "changed.json")


# ---------------------------------------------------------------------------- round trip


def test_an_export_verifies_and_holds_exactly_the_decisions_trail(
    walked: tuple[Engine, int, int], exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    engine, a, _ = walked
    path, raw = exported
    trail = queries.trail(engine, a)["events"]
    assert trailfile.verify_file(path) == Verdict(True, len(trail))
    assert independent_verify(raw) == Finding(True, None, "ok")
    assert doc_verifier()(raw) == len(trail)
    doc = json.loads(raw)
    assert list(doc) == TOP and doc["format"] == FORMAT and doc["count"] == len(trail)
    shown = queries.show(engine, a)
    assert doc["decision"] == {k: shown[k] for k in ("id", "title", "workflow", "workflow_version", "stage", "status")}
    cp = queries.checkpoint(engine)
    assert doc["checkpoint"] == {"size": cp.size, "head": cp.head}
    assert re.fullmatch(r"2024-12-31T01:\d\d:\d\d\.000000Z", doc["exported_at"])
    assert [(e["seq"], e["hash"], e["data"], e["actor"]) for e in doc["events"]] == [
        (e["seq"], e["hash"], e["data"], e["actor"]) for e in trail
    ]
    assert all(set(e) == KEYS | {"hash"} and e["decision"] == a for e in doc["events"])
    seqs = [e["seq"] for e in doc["events"]]
    assert seqs != list(range(seqs[0], seqs[0] + len(seqs)))  # gaps: decision B's events lie between
    assert [e["decision_seq"] for e in doc["events"]] == list(range(1, len(seqs) + 1))
    assert any(e["action"] == "refused" for e in doc["events"])
    assert any(e["data"].get("evidence") for e in doc["events"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".json", ".tmp")) == ["a.json"]
    (tmp_path / "ordinary").touch()
    assert path.stat().st_mode == (tmp_path / "ordinary").stat().st_mode  # not a private temporary file's


def test_an_export_refuses_an_unknown_decision_or_an_unwritable_place(
    walked: tuple[Engine, int, int], tmp_path: Path
) -> None:
    engine, _, _ = walked
    out = tmp_path / "kept.json"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(NotFound):
        queries.export_trail(engine, 99, out)
    with pytest.raises(InvalidInput, match="cannot write"):
        queries.export_trail(engine, 1, tmp_path / "no-such-dir" / "x.json")
    with pytest.raises(InvalidInput, match="cannot write"):
        queries.export_trail(engine, 1, tmp_path)  # a directory
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".json", ".tmp")) == ["kept.json"]


# ---------------------------------------------------------------------------- lines moved, removed, added


def write(tmp_path: Path, raw: bytes) -> Path:
    path = tmp_path / "surgery.json"
    path.unlink(missing_ok=True)
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize("recompute", [False, True], ids=["digest-kept", "digest-recomputed"])
def test_deleted_swapped_or_inserted_event_lines_are_named(
    exported: tuple[Path, bytes], walked: tuple[Engine, int, int], tmp_path: Path, recompute: bool
) -> None:
    engine, _, b = walked
    _, raw = exported
    header, lines, _ = split(raw)
    old = None if recompute else digest_of(raw)

    def verdict(new_lines: list[bytes], count: int | None = None) -> tuple[int | None, str]:
        changed = join(header, new_lines, count, old)
        v = trailfile.verify_file(write(tmp_path, changed))
        assert not v.ok and not independent_verify(changed).ok
        return v.first_bad_seq, str(v.reason)

    def without(i: int) -> list[bytes]:
        return lines[:i] + lines[i + 1 :]

    # deleted: the next event's number jumps
    for i in (0, 1, 3):
        bad, reason = verdict(without(i))
        assert (bad, reason.split(":")[0]) == (seq(lines[i + 1]), "event missing"), reason
    bad, reason = verdict(lines[:-1], count=len(lines))
    assert reason == f"event missing: the file declares {len(lines)} events and holds {len(lines) - 1}"
    # swapped: named at the first of the two
    for i in (0, 2):
        swapped = lines[:i] + [lines[i + 1], lines[i]] + lines[i + 2 :]
        bad, reason = verdict(swapped)
        assert (bad, reason.split(":")[0]) == (seq(lines[i + 1]), "order broken"), reason
    bad, reason = verdict(lines[1:] + lines[:1])  # the created event moved to the end
    assert (bad, reason.split(":")[0]) == (seq(lines[1]), "order broken"), reason
    # inserted: a copy of an event, or an event of another decision
    bad, reason = verdict(lines[:3] + [lines[2]] + lines[3:])
    assert (bad, reason.split(":")[0]) == (seq(lines[2]), "order broken"), reason
    other = tmp_path / "b.json"
    queries.export_trail(engine, b, other)
    foreign = split(other.read_bytes())[1][0]
    bad, reason = verdict(lines[:2] + [foreign] + lines[2:])
    assert (bad, reason) == (seq(foreign), f"file altered: event {seq(foreign)} belongs to decision {b}, not 1")


def test_header_edits_are_found(exported: tuple[Path, bytes], tmp_path: Path) -> None:
    _, raw = exported
    header, lines, _ = split(raw)

    def reason(changed: bytes) -> str | None:
        assert not independent_verify(changed).ok
        return trailfile.verify_file(write(tmp_path, changed)).reason

    other_title = header.replace("沙河乡农贸市场搬迁".encode(), "沙河乡农贸市场扩建".encode())
    assert reason(join(other_title, lines)) == "file altered: the decision's title differs from its created event's"
    assert reason(join(other_title, lines, digest=digest_of(raw))) == (
        "file altered: the decision's title differs from its created event's"
    )
    later = re.sub(rb'"exported_at":"2024', b'"exported_at":"2025', header)
    assert later != header
    assert reason(join(later, lines, digest=digest_of(raw))) == "file altered: digest does not match"
    spaced = header.replace(b'"decision":{', b'"decision": {')
    assert reason(join(spaced, lines)) == "file altered: line 1 (the header) is not in canonical form"
    assert reason(raw + b"\n") == f"file altered: bytes after line {len(lines) + 2}, the closing line"
    assert reason(raw.replace(b',"digest"', b', "digest"')) == (
        f"file altered: line {len(lines) + 2} (the closing line) is not in canonical form"
    )


def test_rehashed_events_break_the_decisions_chain_or_the_checkpoint_head(
    exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    _, raw = exported
    header, lines, _ = split(raw)
    # one event edited and its own hash recomputed: the next event's link no longer holds
    forged = lines[:1] + [edited(lines[1], rehash=True, actor="mallory")] + lines[2:]
    v = trailfile.verify_file(write(tmp_path, join(header, forged)))
    assert (v.first_bad_seq, kind(v)) == (seq(lines[2]), "link broken")
    assert independent_verify(join(header, forged)) == Finding(False, seq(lines[2]), "link broken")
    # the decision's whole chain recomputed after an edit: only the checkpoint head still knows
    changed = join(header, forge_chain(lines, {1: {"actor": "mallory"}}))
    v = trailfile.verify_file(write(tmp_path, changed))
    last = seq(lines[-1])
    assert (v.first_bad_seq, v.reason) == (last, f"file altered: event {last}'s hash differs from the checkpoint head")
    assert independent_verify(changed) == Finding(False, last, "file altered")


def test_a_forged_global_link_is_found_where_seq_runs_on(tmp_path: Path) -> None:
    header, lines, _ = split(VECTOR_BYTES)
    # event 3 moved onto another global predecessor, everything after it and the header's
    # checkpoint recomputed: the vector's seq run 1..5 still exposes the link
    forged = forge_chain(lines, {2: {"prev_hash": "ab" * 32}})
    head = json.loads(forged[-1])["hash"]
    changed = join(re.sub(rb'"head":"[0-9a-f]{64}"', b'"head":"' + head.encode() + b'"', header), forged)
    v = trailfile.verify_file(write(tmp_path, changed))
    assert (v.first_bad_seq, v.reason) == (3, "link broken: prev_hash is not event 2's hash")
    assert independent_verify(changed) == Finding(False, 3, "link broken")
    with pytest.raises(ValueError, match="event 3: link broken"):
        doc_verifier()(changed)


def with_checkpoint(header: bytes, size: int, head: str) -> bytes:
    return re.sub(rb'"checkpoint":\{[^}]*\}', b'"checkpoint":' + canonical({"head": head, "size": size}), header)


def test_careful_forgeries_still_disagree_with_the_header_or_the_layout(tmp_path: Path) -> None:
    header, lines, _ = split(VECTOR_BYTES)

    def reason(new_header: bytes, new_lines: list[bytes]) -> tuple[int | None, str | None]:
        changed = join(new_header, new_lines)
        assert not independent_verify(changed).ok
        v = trailfile.verify_file(write(tmp_path, changed))
        return v.first_bad_seq, v.reason

    # the created event taken out and the rest renumbered: a trail must open with its creation
    rest = forge_chain(lines[1:], {0: {"decision_prev": None}})
    header_rest = with_checkpoint(header, 5, json.loads(rest[-1])["hash"])
    assert reason(header_rest, rest) == (2, "file altered: the first event is not the decision's creation")
    # an event claimed beyond the checkpoint
    assert reason(with_checkpoint(header, 4, json.loads(lines[3])["hash"]), lines) == (
        5,
        "file altered: event 5 lies beyond the checkpoint's 4 events",
    )
    # seq going back while the decision's own chain holds
    back = forge_chain(lines, {3: {"seq": 2}})
    assert reason(with_checkpoint(header, 5, json.loads(back[-1])["hash"]), back) == (
        2,
        "order broken: event 2 follows event 3",
    )
    # the same content written another way (an escape for 沙) is another file
    escaped = lines[:2] + [lines[2].replace("沙".encode(), b"\\u6c99")] + lines[3:]
    assert json.loads(escaped[2]) == json.loads(lines[2])
    assert reason(header, escaped) == (3, "file altered: line 4 is not in canonical form")
    spaced = lines[:2] + [lines[2].replace(b'"actor":', b'"actor": ')] + lines[3:]
    assert reason(header, spaced) == (3, "file altered: line 4 is not in canonical form")


def forge_chain(lines: list[bytes], edits: dict[int, dict[str, Any]]) -> list[bytes]:
    """The event lines with `edits` (line index -> changes) applied and every hash after the
    first edit recomputed, with decision_prev and, where seq runs on, prev_hash relinked: what
    a careful forger of one file writes."""
    chain: list[bytes] = []
    for i, line in enumerate(lines):
        event = json.loads(line)
        if i >= min(edits):
            event["decision_seq"] = i + 1
            if chain:
                before = json.loads(chain[-1])
                event["decision_prev"] = before["hash"]
                if event["seq"] == before["seq"] + 1:
                    event["prev_hash"] = before["hash"]
            event.update(edits.get(i, {}))
            event["hash"] = event_hash({k: v for k, v in event.items() if k != "hash"})
        chain.append(canonical(event))
    return chain


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\xff\xfe{}\n", "line 1 is not UTF-8"),
        (b"seq,hash\n1,abc\n", "not a decision-flow trail export"),
        (b'{"format":"decision-flow/trail-export/v9","events":[\n],"count":0}\n', "not a decision-flow trail export"),
        ('\ufeff{"format":"decision-flow/trail-export/v1"'.encode(), "not a decision-flow trail export"),
    ],
)
def test_a_file_that_is_no_export_is_invalid_input(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InvalidInput, match=message) as caught:
        trailfile.verify_file(path)
    assert "\n" not in str(caught.value)
    with pytest.raises(InvalidInput, match="cannot read"):
        trailfile.verify_file(tmp_path / "missing.json")


def test_an_event_line_that_is_not_json_or_not_utf8_is_invalid_input(
    exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    _, raw = exported
    header, lines, _ = split(raw)
    with pytest.raises(InvalidInput, match="line 3: an event line that is not valid JSON"):
        trailfile.verify_file(write(tmp_path, join(header, lines[:1] + [lines[1][:-1]] + lines[2:])))
    with pytest.raises(InvalidInput, match="line 2 is not UTF-8"):
        trailfile.verify_file(write(tmp_path, join(header, [lines[0].replace("沙".encode(), b"\xe6\xb2")] + lines[1:])))
    with pytest.raises(InvalidInput, match="fraction or exponent"):
        trailfile.verify_file(write(tmp_path, join(header, [lines[0].replace(b'"decision":1', b'"decision":1.0')])))


# ---------------------------------------------------------------------------- checkpoints


def test_a_checkpoint_reads_back_from_its_plain_and_json_forms(walked: tuple[Engine, int, int], tmp_path: Path) -> None:
    engine, _, _ = walked
    cp = queries.checkpoint(engine)
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        last = con.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    assert (cp.size, cp.head) == tuple(last)
    assert cp.plain() == f"decision-flow audit checkpoint\nsize: {cp.size}\nhead: {cp.head}\nat: {cp.at}\n"
    assert cp.as_dict() == {"size": cp.size, "head": cp.head, "at": cp.at}
    path = tmp_path / "anchor.txt"
    forms = [
        cp.plain(),
        json.dumps(cp.as_dict()),
        json.dumps(cp.as_dict(), indent=2, sort_keys=True) + "\n",
        "\ufeff" + cp.plain().replace("\n", "\r\n") + "\r\n\r\n",  # saved by a Windows editor
        "  " + cp.plain().replace("head: ", "head:  ").replace(cp.head, cp.head.upper()),
    ]
    for form in forms:
        path.write_text(form, encoding="utf-8")
        assert checkpoint_mod.read_anchor(path) == cp, form


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "decision-flow audit checkpoint\nsize: 3\nhead: {h}\n",
        "decision-flow audit checkpoint\nsize: 3\nsize: 3\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nsize: -3\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nsize: 3\nhead: {h}0\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nsize: 3\nhead: {h}\nat: yesterday\n",
        "decision-flow audit checkpoint\nsize: 0\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nsize: 3\nhead: {h}\nat: 2024-12-31T01:00:00Z\nnote: x\n",
        '{{"size": 3, "head": "{h}"}}',
        '{{"size": "3", "head": "{h}", "at": "2024-12-31T01:00:00Z"}}',
        '{{"size": true, "head": "{h}", "at": "2024-12-31T01:00:00Z"}}',
        '{{"size": 3, "head": "{h}", "at": "2024-12-31T01:00:00Z", "x": 1}}',
        '{{"size": 3, "head": "{h}", "at": "2024-12-31T01:00:00Z"',
        "[3]",
    ],
)
def test_anything_else_is_not_a_checkpoint(tmp_path: Path, text: str) -> None:
    path = tmp_path / "anchor.txt"
    path.write_text(text.format(h="ab" * 32), encoding="utf-8")
    with pytest.raises(InvalidInput, match="not a checkpoint") as caught:
        checkpoint_mod.read_anchor(path)
    assert "\n" not in str(caught.value)


def test_unreadable_anchors_are_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "anchor.txt"
    path.write_bytes(b"decision-flow audit checkpoint\nsize: 3\xff\n")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        checkpoint_mod.read_anchor(path)
    with pytest.raises(InvalidInput, match="cannot read"):
        checkpoint_mod.read_anchor(tmp_path / "missing.txt")


def test_truncation_is_found_against_an_earlier_checkpoint(walked: tuple[Engine, int, int], files: Path) -> None:
    engine, _, b = walked
    cp = queries.checkpoint(engine)
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE seq > ?", (cp.size - 3,))
    assert queries.verify(engine) == Verdict(True, cp.size - 3)
    expected = Verdict(
        False, cp.size - 3, cp.size, f"truncated: the chain has {cp.size - 3} events, the checkpoint {cp.size}"
    )
    assert queries.verify_anchor(engine, cp) == expected
    # the chain grown back past the checkpoint is another history: rewritten
    for _ in range(4):
        with pytest.raises(Blocked):
            engine.advance(b, OFFICER, to="archiving")
    assert queries.verify(engine).ok
    assert queries.verify_anchor(engine, cp) == Verdict(
        False, cp.size + 1, cp.size, f"rewritten: event {cp.size}'s hash differs from the checkpoint"
    )


def _edited_seq(engine: Engine, a: int, size: int, first_edited: str) -> int:
    events = queries.trail(engine, a)["events"]
    return {"first": 1, "refusal": next(e["seq"] for e in events if e["action"] == "refused"), "last": size}[
        first_edited
    ]


@pytest.mark.parametrize("first_edited", ["first", "refusal", "last"])
def test_a_rewritten_history_is_found_by_the_signatures(walked: tuple[Engine, int, int], first_edited: str) -> None:
    """Someone with the database but not the users' keys edits an event and recomputes every
    hash after it: the chain is consistent again, the signatures are not."""
    engine, a, _ = walked
    cp = queries.checkpoint(engine)
    k = _edited_seq(engine, a, cp.size, first_edited)
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET data = '{}', actor = 'mallory' WHERE seq = ?", (k,))
        assert not queries.verify(engine).ok
        rehash_from(con, k)
    verdict = queries.verify(engine)
    assert (verdict.ok, verdict.first_bad_seq) == (False, k)
    assert verdict.reason == "signature without a key: 'mallory' holds no registered key at this point"
    assert queries.verify_anchor(engine, cp) == verdict


@pytest.mark.parametrize("first_edited", ["first", "refusal", "last"])
def test_a_rewritten_history_signed_with_every_key_is_found_against_an_earlier_checkpoint(
    walked: tuple[Engine, int, int], first_edited: str
) -> None:
    """Someone holding the database and every user's key file backdates an event and signs
    everything again: only a checkpoint kept outside the system finds it."""
    engine, a, _ = walked
    cp = queries.checkpoint(engine)
    k = _edited_seq(engine, a, cp.size, first_edited)
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = ?", (k,))
        rehash_from(con, k)
        resign_from(con, k, engine.keys)
    assert queries.verify(engine) == Verdict(True, cp.size)  # consistent: plain verification passes
    assert queries.verify_anchor(engine, cp) == Verdict(
        False, cp.size, cp.size, f"rewritten: event {cp.size}'s hash differs from the checkpoint"
    )


def test_a_grown_chain_still_extends_its_checkpoint(walked: tuple[Engine, int, int], tmp_path: Path) -> None:
    engine, a, b = walked
    cp = queries.checkpoint(engine)
    path = tmp_path / "anchor.txt"
    path.write_text(cp.plain(), encoding="utf-8")
    engine.advance(b, OFFICER)  # completes B's initiation and moves it to drafting
    with pytest.raises(Blocked):
        engine.advance(a, OFFICER, to="archiving")
    grown = queries.verify(engine)
    assert grown.ok and grown.events == cp.size + 3
    assert queries.verify_anchor(engine, checkpoint_mod.read_anchor(path)) == grown
    assert queries.verify_anchor(engine, Checkpoint(0, GENESIS, cp.at)) == grown
    wrong_head = Checkpoint(cp.size, "f" * 64, cp.at)
    assert (
        queries.verify_anchor(engine, wrong_head).reason
        == f"rewritten: event {cp.size}'s hash differs from the checkpoint"
    )
    # a chain that no longer verifies fails as such, whatever the checkpoint
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
    broken = queries.verify_anchor(engine, cp)
    assert (broken.first_bad_seq, kind(broken)) == (2, "content edited")


# ---------------------------------------------------------------------------- streaming


def append_raw(engine: Engine, decision: int, until: int) -> None:
    """Append events to `decision` straight into the file, hashed by the documented formula and
    signed with the officer's key, until it holds `until` of them (a large trail without
    thousands of engine calls)."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path, isolation_level=None)) as con:
        last, prev, number = con.execute(
            "SELECT seq, hash, (SELECT max(decision_seq) FROM audit_events WHERE decision_id = ?)"
            " FROM audit_events ORDER BY seq DESC LIMIT 1",
            (decision,),
        ).fetchone()
        decision_prev = con.execute(
            "SELECT hash FROM audit_events WHERE decision_id = ? ORDER BY seq DESC LIMIT 1", (decision,)
        ).fetchone()[0]
        rows = []
        officer = engine.keys.signer(OFFICER)
        for seq in range(last + 1, last + 1 + until - number):
            number += 1
            content = {
                "seq": seq, "at": "2024-12-31T02:00:00.000000Z", "actor": OFFICER, "action": "noted",
                "decision": decision, "decision_seq": number, "decision_prev": decision_prev, "stage": "initiation",
                "step": None, "data": {"note": "沙河乡" * 20, "n": seq}, "prev_hash": prev,
            }  # fmt: skip
            prev = decision_prev = event_hash(content)
            rows.append([content[k] for k in ("seq", "at", "actor", "action", "decision", "stage", "step")]
                        + [canonical(content["data"]).decode(), number, content["decision_prev"],
                           content["prev_hash"], prev, officer.sign(prev)])  # fmt: skip
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO audit_events (seq, at, actor, action, decision_id, stage, step, data, decision_seq,"
            " decision_prev, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.execute("COMMIT")


def test_export_memory_stays_flat_as_the_trail_grows(engine: Engine, tmp_path: Path) -> None:
    a = new_decision(engine)
    peaks = []
    for total in (10_000, 20_000):
        append_raw(engine, a, total)
        out = tmp_path / f"big-{total}.json"
        tracemalloc.start()
        try:
            assert queries.export_trail(engine, a, out) == total
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert trailfile.verify_file(out) == Verdict(True, total)
    assert queries.verify(engine).ok
    # twice the events, not twice the memory: rows are read in batches (audit.iter_decision)
    assert peaks[1] < peaks[0] * 1.25, peaks
