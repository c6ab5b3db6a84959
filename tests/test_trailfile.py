"""The independently verifiable trail (docs/audit-format.md): exports that verify offline,
checkpoints that catch truncation and rewriting, and the test vectors.

Every export is also checked by the independent verifier of tests/independent/verify_trail.py
(`verify_export`, written from the document alone, never decision_flow.trail; one verifier, not a
third copy here), which must agree with `filecheck.verify_file` and with the database verifier. It
reads every export version: v3 (the registry chain's key events, the decision's events of version
1 and 2, registry positions and chains per organ), v2 (the key events and every signature, all
events of version 1) and v1 (no keys, no signatures). That module has no checkpoints: the check of
an export against one (section 5) is `anchored_verify` below. The listing printed in the
document's section 7 is run on the v3 and v2 vectors and on altered copies of them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import tracemalloc
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_flow.core.errors import Blocked, IntegrityError, InvalidInput, NotFound
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.identity import keys as identity_keys
from decision_flow.identity.keys import KeyRing, Signer
from decision_flow.store.db import Database
from decision_flow.trail import checkpoint as checkpoint_mod
from decision_flow.trail import filecheck, trailfile
from decision_flow.trail.chainwalk import Verdict
from decision_flow.trail.checkpoint import Checkpoint
from tests.conftest import TODAY
from tests.flow import ADMIN, OFFICER, REVIEWER, new_decision, record_valid
from tests.independent.verify_trail import verify_export
from tests.vectors import make_vectors

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "audit-format.md"
VECTORS = ROOT / "tests" / "vectors"
VECTOR = VECTORS / "trail-export.json"  # v3
HASHES = VECTORS / "expected-hashes.txt"
VECTOR_V2 = VECTORS / "trail-export-v2.json"
HASHES_V2 = VECTORS / "expected-hashes-v2.txt"
VECTOR_V1 = VECTORS / "trail-export-v1.json"
HASHES_V1 = VECTORS / "expected-hashes-v1.txt"
VECTOR_BYTES = VECTOR.read_bytes()
VECTOR_V2_BYTES = VECTOR_V2.read_bytes()
VECTOR_V1_BYTES = VECTOR_V1.read_bytes()
VECTOR_DOC: dict[str, Any] = json.loads(VECTOR_BYTES)
VECTOR_V2_DOC: dict[str, Any] = json.loads(VECTOR_V2_BYTES)

# ---------------------------------------------------------------------------- from the document

FORMAT = "decision-flow/trail-export/v3"
FORMAT_V2 = "decision-flow/trail-export/v2"
FORMAT_V1 = "decision-flow/trail-export/v1"
FORMATS = (FORMAT, FORMAT_V2, FORMAT_V1)
EVENT_DOMAINS = {1: b"decision-flow/audit/v1\n", 2: b"decision-flow/audit/v2\n"}  # section 2, by event version
SIGN_DOMAIN = b"decision-flow/sign/v1\n"
DIGEST_DOMAINS = {form: form.encode() + b"/digest\n" for form in FORMATS}  # section 6
DIGEST_DOMAIN = DIGEST_DOMAINS[FORMAT]
GENESIS = "0" * 64
REGISTRY = "registry"  # section 3: the registry chain's name
MAIN = "main"  # the vectors' organ
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
KEYS_V2 = KEYS | {"chain", "registry"}  # the thirteen keys of an event of version 2
KEY_ACTIONS = ("user_added", "user_roles_changed", "key_registered", "key_rotated", "key_revoked")
TOP = {
    FORMAT: ["format", "exported_at", "checkpoint", "decision", "keys", "events", "count", "digest"],
    FORMAT_V2: ["format", "exported_at", "checkpoint", "decision", "keys", "events", "count", "digest"],
    FORMAT_V1: ["format", "exported_at", "checkpoint", "decision", "events", "count", "digest"],
}
DECISION_TYPES: dict[str, type] = {
    "id": int,
    "title": str,
    "workflow": str,
    "workflow_version": int,
    "stage": str,
    "status": str,
}
DECISION_OF = {FORMAT: {**DECISION_TYPES, "organ": str}, FORMAT_V2: DECISION_TYPES, FORMAT_V1: DECISION_TYPES}
BETWEEN = b'],"events":['  # the line between the key lines and the event lines (v3, v2)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def version_of(content: dict[str, Any]) -> int:
    """An event's version (section 2): its keys say it, `chain` and `registry` only in version 2."""
    return 2 if "chain" in content else 1


def event_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(EVENT_DOMAINS[version_of(content)] + canonical(content)).hexdigest()


def content_of(line: dict[str, Any]) -> dict[str, Any]:
    """A key or event line's hashed content: all but `hash` and `signature`."""
    return {k: v for k, v in line.items() if k not in ("hash", "signature")}


def position(event: dict[str, Any]) -> int:
    """An event's registry position (section 4a): `registry` for an event of an organ's chain,
    `seq` - 1 for one of the registry chain (every event of version 1)."""
    if event.get("chain", REGISTRY) != REGISTRY:
        return int(event["registry"])
    return int(event["seq"]) - 1


@dataclass(frozen=True)
class Finding:
    ok: bool
    seq: int | None
    kind: str  # "ok", "malformed", "invalid input" (a checkpoint that cannot vouch), or the reason's words


def public_bytes(text: Any) -> bytes | None:
    """The 32 bytes of a public key written `ed25519:` + standard base64 (section 4a), or None."""
    if not isinstance(text, str) or not text.startswith("ed25519:"):
        return None
    try:
        raw = base64.b64decode(text.removeprefix("ed25519:"), validate=True)
    except ValueError:
        return None
    if len(raw) != 32 or "ed25519:" + base64.b64encode(raw).decode() != text:
        return None
    return raw


def fingerprint(public: str) -> str:
    raw = public_bytes(public)
    assert raw is not None
    return "SHA256:" + hashlib.sha256(raw).hexdigest()[:16]


@cache  # a pure function: the many altered copies of one file check the same signatures again
def signature_holds(public: str, digest: str, signature: str) -> bool:
    """Whether `signature` is base64 of the Ed25519 signature, by `public`, of the domain line and
    the event hash (section 4a: always an 86-byte message)."""
    raw = public_bytes(public)
    try:
        assert raw is not None
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(signature, validate=True), SIGN_DOMAIN + digest.encode("ascii")
        )
    except (InvalidSignature, ValueError, AssertionError):
        return False
    return True


@dataclass
class KeyWalk:
    """Which key each user holds and which roles, walking the registry chain in seq order (section 4a)."""

    keys: dict[str, str] = field(default_factory=dict)  # user -> public key
    roles: dict[str, set[str]] = field(default_factory=dict)
    retired: set[str] = field(default_factory=set)  # keys revoked or rotated away
    era: bool = False  # a key has been registered: from here on every act but a refusal is signed

    def check(self, event: dict[str, Any], digest: str, signature: str | None) -> str | None:
        """The kind of the event's fault by rules 1-3, for a key event in the order (a) its
        signature, (b) the user it names, (c) its authority, (d) the key's spelling, (e) the rules
        of a key's life; or None. A key event that passes changes the keys held."""
        actor, action, data = event["actor"], event["action"], event["data"]
        if action in KEY_ACTIONS and not isinstance(data, dict):
            return "key event unreadable"
        if signature is not None:
            public = self.keys.get(actor)
            if public is None and not self.era and action in ("user_added", "key_registered"):
                if data.get("name") == actor:  # the chain's first key, registered by its holder
                    public = data.get("public_key")
            if public is None or public_bytes(public) is None:
                return "signature without a key"
            if not signature_holds(public, digest, signature):
                return "signature invalid"
        elif self.era and action != "refused":
            return "signature missing"
        return self._follow(event, signed=signature is not None) if action in KEY_ACTIONS else None

    def _follow(self, event: dict[str, Any], signed: bool) -> str | None:
        actor, action, data = event["actor"], event["action"], event["data"]
        name = data.get("name")
        if not isinstance(name, str):
            return "key event unreadable"
        if action == "user_added" and isinstance(data.get("roles"), list):
            self.roles[name] = {role for role in data["roles"] if type(role) is str}
        held = self.keys.get(name)
        admin = signed and "admin" in self.roles.get(actor, set())
        if action == "user_roles_changed":
            if self.era and not admin:
                return "roles changed without authority"
            if isinstance(data.get("new"), list):
                self.roles[name] = {role for role in data["new"] if type(role) is str}
            return None
        if action == "key_registered" or (action == "user_added" and data.get("public_key") is not None):
            # the chain's first key: signed with the key it registers, by its holder, an admin
            first = not self.era and name == actor and signed and "admin" in self.roles.get(name, set())
            if not admin and not first:
                return "key registered without authority"
            if public_bytes(data.get("public_key")) is None:
                return "key event unreadable"
            if action == "key_registered" and held is not None:
                return "key registered over a held key"
            return self._register(name, data.get("public_key"))
        if action == "user_added" and self.era and not admin:
            return "key registered without authority"
        if action == "key_rotated":
            if name != actor or not signed:
                return "key rotated without authority"
            if public_bytes(data.get("public_key")) is None:
                return "key event unreadable"
            if held is None or data.get("previous") != held:
                return "key rotated from a key not held"
            self.retired.add(self.keys.pop(name))
            return self._register(name, data.get("public_key"))
        if action == "key_revoked":
            if not admin:
                return "key revoked without authority"
            if public_bytes(data.get("public_key")) is None:
                return "key event unreadable"
            if held is None or data.get("public_key") != held:
                return "key revoked that is not held"
            self.retired.add(self.keys.pop(name))
        return None

    def _register(self, name: str, public: Any) -> str | None:
        if public_bytes(public) is None:
            return "key event unreadable"
        if public in self.retired:
            return "retired key registered again"
        if any(key == public and user != name for user, key in self.keys.items()):
            return "key of another user registered"
        self.keys[name] = public
        self.era = True
        return None


# ---------------------------------------------------------------------------- the independent verifier


def independent_verify(raw: bytes) -> Finding:
    """The independent verifier of tests/independent/, written from docs/audit-format.md alone."""
    found = verify_export(raw)
    return Finding(found.ok, found.seq, found.kind)


@dataclass(frozen=True)
class Anchor:
    """A checkpoint kept outside the system (section 5): a chain's (`chain`: `registry` or an
    organ's code), or one decision's own chain's (`decision`)."""

    size: int
    head: str
    chain: str = REGISTRY
    decision: int | None = None


def anchored_verify(raw: bytes, anchor: Anchor) -> Finding:
    """An export file checked against a checkpoint kept elsewhere (section 5, "Checkpoints for an
    export file"): the file must first verify on its own (the independent verifier), then hold the
    event the checkpoint names — a decision's by its `decision_seq`, a chain's by (`chain`, `seq`),
    where a key line and a version 1 event line are of the registry chain — with hash `head`. A
    decision checkpoint of another decision, or a chain checkpoint whose event the file does not
    hold, cannot vouch for the file: invalid input. A checkpoint of size 0 protects nothing."""
    found = independent_verify(raw)
    if not found.ok or anchor.size == 0:
        return found
    doc = json.loads(raw)
    if anchor.decision is not None:
        if anchor.decision != doc["decision"]["id"]:
            return Finding(False, None, "invalid input")
        held = [e for e in doc["events"] if e["decision_seq"] == anchor.size]
        if not held:
            return Finding(False, None, "truncated")
        return found if held[0]["hash"] == anchor.head else Finding(False, held[0]["seq"], "rewritten")
    lines = doc.get("keys", []) + doc["events"]
    named = [e for e in lines if e.get("chain", REGISTRY) == anchor.chain and e["seq"] == anchor.size]
    if not named:
        return Finding(False, None, "invalid input")
    return found if named[0]["hash"] == anchor.head else Finding(False, anchor.size, "rewritten")


ABSENT: Any = object()


def doc_verifier() -> Callable[[bytes], int]:
    """The `verify` of the standalone listing printed in the document (section 7)."""
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
        v = filecheck.verify_file(path)
    except InvalidInput as exc:
        assert "\n" not in str(exc)
        return Finding(False, None, "malformed")
    return Finding(True, None, "ok") if v.ok else Finding(False, v.first_bad_seq, kind(v))


# ---------------------------------------------------------------------------- file surgery


def form_of(header: bytes) -> str:
    match = re.match(rb'\{"format":"([^"]*)"', header)
    assert match is not None
    return match.group(1).decode()


def split(raw: bytes) -> tuple[bytes, list[bytes], list[bytes], bytes]:
    """Line 1, the key lines and the event lines without separators, and the closing line, of
    an export (a v1 file has no key lines)."""
    lines = raw.split(b"\n")
    assert lines[-1] == b""
    header, body, closing_line = lines[0], lines[1:-2], lines[-2]
    key_lines: list[bytes] = []
    if header.endswith(b'"keys":['):
        cut = body.index(BETWEEN)
        key_lines, body = body[:cut], body[cut + 1 :]
    return header, [k.removesuffix(b",") for k in key_lines], [e.removesuffix(b",") for e in body], closing_line


def join(
    header: bytes, key_lines: list[bytes], events: list[bytes], count: int | None = None, digest: str | None = None
) -> bytes:
    """An export with these lines, laid out as the document says for the header's format; the
    digest recomputed by the document's formula unless given (a forger's careful edit)."""

    def section(lines: list[bytes]) -> bytes:
        return b"".join(e + (b",\n" if i < len(lines) - 1 else b"\n") for i, e in enumerate(lines))

    form = form_of(header)
    v1 = form == FORMAT_V1
    assert not (v1 and key_lines), "a v1 file has no key lines"
    prefix = header + b"\n" + (b"" if v1 else section(key_lines) + BETWEEN + b"\n") + section(events)
    prefix += b'],"count":' + str(len(events) if count is None else count).encode() + b',"digest":"'
    return prefix + (digest or hashlib.sha256(DIGEST_DOMAINS[form] + prefix).hexdigest()).encode() + b'"}\n'


def digest_of(raw: bytes) -> str:
    return str(json.loads(raw)["digest"])


def edited(line: bytes, rehash: bool = False, sign: Callable[[str], str] | None = None, **changes: Any) -> bytes:
    """A key or event line with `changes` (ABSENT removes a member); its hash recomputed if `rehash` (with the domain of
    the version its keys say), and signed again by `sign` (a signer's `sign`: what a careful
    forger holding that key writes) if given."""
    event = json.loads(line)
    event.update(changes)
    event = {k: v for k, v in event.items() if v is not ABSENT}
    if rehash:
        event["hash"] = event_hash(content_of(event))
    if sign is not None:
        event["signature"] = sign(event["hash"])
    return canonical(event)


def without(line: bytes, *names: str) -> bytes:
    """A line without some of its members."""
    event = json.loads(line)
    for name in names:
        del event[name]
    return canonical(event)


def seq(line: bytes) -> int:
    return int(json.loads(line)["seq"])


def hash_of(line: bytes) -> str:
    return str(json.loads(line)["hash"])


def line_number(key_lines: list[bytes], index: int, event_line: bool = True) -> int:
    """The file's line number of the index-th (from 0) event line, or key line."""
    return (len(key_lines) + 3 if event_line else 2) + index


def with_checkpoint(header: bytes, size: int, head: str) -> bytes:
    return re.sub(rb'"checkpoint":\{[^}]*\}', b'"checkpoint":' + canonical({"head": head, "size": size}), header)


def write(tmp_path: Path, raw: bytes) -> Path:
    path = tmp_path / "surgery.json"
    path.unlink(missing_ok=True)
    path.write_bytes(raw)
    return path


def pick(key_lines: list[bytes], lines: list[bytes], where: str) -> tuple[list[bytes], int]:
    """The section and index a line is named by in the parameters: "key 3" (the key line of seq 3)
    or "event 3" (the decision's third event line)."""
    section, number = where.split()
    return (key_lines, int(number) - 1) if section == "key" else (lines, int(number) - 1)


@cache
def vector_signers() -> dict[str, Signer]:
    """Every key pair of the vectors' chains, by public key: made again from the fixed seeds of
    tests/vectors/make_vectors.py (admin, zhao, qian, then zhao's rotated key). The v2 vector was
    made with the same seeds."""
    with make_vectors.seeded_keys():
        made = [identity_keys.generate(name) for name in (ADMIN, OFFICER, REVIEWER, OFFICER)]
    return {signer.public: signer for signer in made}


def vector_signer(actor: str, at: int, doc: dict[str, Any] = VECTOR_DOC) -> Signer:
    """The key `actor` holds at registry position `at` in a vector (after its first `at` registry
    events; for a self-registration, the key it registers): what their signature of an event of
    that position is made with."""
    walk = KeyWalk()
    for line in doc["keys"]:
        if line["seq"] <= at:
            assert walk.check(content_of(line), line["hash"], line["signature"]) is None
    public = walk.keys.get(actor)
    if public is None:
        public = next(k["data"]["public_key"] for k in doc["keys"] if k["seq"] == at + 1)
    return vector_signers()[public]


def vector_sign(event: dict[str, Any], doc: dict[str, Any] = VECTOR_DOC) -> str:
    """The signature the actor of an event of a vector makes of its (new) hash, with the key they
    hold at the event's registry position."""
    return vector_signer(event["actor"], position(event), doc).sign(event["hash"])


def v2_vector_sign(event: dict[str, Any]) -> str:
    return vector_sign(event, VECTOR_V2_DOC)


def line_signer(line: bytes, doc: dict[str, Any] = VECTOR_DOC) -> Callable[[str], str]:
    """The `sign` of the key a vector line's actor holds at the line's registry position."""
    event = json.loads(line)
    return vector_signer(event["actor"], position(event), doc).sign


def ring_sign(ring: KeyRing) -> Callable[[dict[str, Any]], str]:
    """Each event signed again with its actor's key from `ring` (an attacker holding every key file)."""
    return lambda event: ring.signer(event["actor"]).sign(event["hash"])


def forge_chain(
    lines: list[bytes], edits: dict[int, dict[str, Any]], sign: Callable[[dict[str, Any]], str] | None = None
) -> list[bytes]:
    """The event lines with `edits` (line index -> changes; ABSENT removes a member) applied and
    every hash after the first edit recomputed, with decision_prev and, where seq runs on within a
    chain, prev_hash relinked: what a careful forger of one file writes; each recomputed line
    signed again by `sign` if given (a forger holding the keys), else left with its old signature."""
    chain: list[bytes] = []
    tails: dict[str, tuple[int, str]] = {}  # chain -> its last line's seq and hash
    for i, line in enumerate(lines):
        event = json.loads(line)
        if i >= min(edits):
            change = edits.get(i, {})
            name = change.get("chain", event.get("chain", REGISTRY))
            tail = tails.get(REGISTRY if name is ABSENT else name)
            event["decision_seq"] = i + 1
            if chain:
                event["decision_prev"] = hash_of(chain[-1])
            if tail is not None and change.get("seq", event["seq"]) == tail[0] + 1:
                event["prev_hash"] = tail[1]
            event.update(change)
            event = {k: v for k, v in event.items() if v is not ABSENT}
            event["hash"] = event_hash(content_of(event))
            if sign is not None:
                event["signature"] = sign(event)
        tails[event.get("chain", REGISTRY)] = (event["seq"], event["hash"])
        chain.append(canonical(event))
    return chain


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


def stored_content(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row's hashed content (sections 2 and 4): `decision_id` as `decision`, and for a row
    of format 2 its `chain` and `registry_position` as `chain` and `registry`."""
    content = {
        ("decision" if k == "decision_id" else k): row[k]
        for k in (
            "seq",
            "at",
            "actor",
            "action",
            "decision_id",
            "decision_seq",
            "decision_prev",
            "stage",
            "step",
            "prev_hash",
        )
    }
    content["data"] = json.loads(row["data"])
    if row["format"] == 2:
        content["chain"], content["registry"] = row["chain"], row["registry_position"]
    return content


def rehash_from(con: sqlite3.Connection, chain: str, start: int) -> None:
    """Recompute, by the documented formula, the hash of every event of `chain` from `start` on
    and every link to them: a consistent rewrite of that chain's history."""
    renamed: dict[str, str] = {}
    cursor = con.execute("SELECT * FROM audit_events WHERE chain = ? AND seq >= ? ORDER BY seq", (chain, start))
    names = [d[0] for d in cursor.description]
    for row in [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]:
        content = stored_content(row)
        content["prev_hash"] = renamed.get(row["prev_hash"], row["prev_hash"])
        content["decision_prev"] = renamed.get(row["decision_prev"], row["decision_prev"])
        new = event_hash(content)
        con.execute(
            "UPDATE audit_events SET prev_hash = ?, decision_prev = ?, hash = ? WHERE chain = ? AND seq = ?",
            (content["prev_hash"], content["decision_prev"], new, chain, row["seq"]),
        )
        renamed[row["hash"]] = new


def resign_from(con: sqlite3.Connection, chain: str, start: int, ring: KeyRing) -> None:
    """Sign again, with each actor's own key from `ring`, every signed event of `chain` from
    `start` on: what an attacker holding every user's key file could do after `rehash_from`."""
    for number, actor, digest in con.execute(
        "SELECT seq, actor, hash FROM audit_events WHERE chain = ? AND seq >= ? AND signature IS NOT NULL ORDER BY seq",
        (chain, start),
    ).fetchall():
        con.execute(
            "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
            (ring.signer(actor).sign(digest), chain, number),
        )


def users_of(key_lines: list[dict[str, Any]]) -> dict[str, tuple[str, str | None, str]]:
    """The users the key events register, as the users table holds them at the end: name ->
    (roles, comma separated; the key they hold, if any; when they were added)."""
    found: dict[str, tuple[str, str | None, str]] = {}
    for e in key_lines:
        data, action = e["data"], e["action"]
        roles, public, created = found.get(data["name"], ("", None, e["at"]))
        if action == "user_added":
            roles, public = ",".join(data["roles"]), data.get("public_key")
        elif action == "user_roles_changed":
            roles = ",".join(data["new"])
        elif action in ("key_registered", "key_rotated"):
            public = data["public_key"]
        elif action == "key_revoked":
            public = None
        found[data["name"]] = (roles, public, created)
    return found


EVENT_COLUMNS = (
    "chain, seq, at, actor, action, decision_id, stage, step, data, decision_seq, decision_prev, prev_hash, hash,"
    " signature, registry_position, format"
)
INSERT_EVENT = f"INSERT INTO audit_events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 16)})"


def row_of(e: dict[str, Any]) -> tuple[Any, ...]:
    """A key or event line as the row of audit_events it was exported from: an event of version 2
    in its chain with its registry position, one of version 1 in the registry chain (format 1)."""
    v2 = version_of(e) == 2
    return (
        e["chain"] if v2 else REGISTRY, e["seq"], e["at"], e["actor"], e["action"], e["decision"], e["stage"],
        e["step"], canonical(e["data"]).decode(), e["decision_seq"], e["decision_prev"], e["prev_hash"], e["hash"],
        e.get("signature"), e["registry"] if v2 else None, 2 if v2 else 1,
    )  # fmt: skip


def load_vectors(db: Database, raw: bytes = VECTOR_BYTES) -> Engine:
    """A database holding exactly a vector's events, key lines and event lines with their
    signatures (its whole chains), the organ and users its key lines register and its decision,
    with a clock stopped at the vector's export time."""
    doc = json.loads(raw)
    db.init()
    assert db.path is not None
    created, dec = doc["events"][0], doc["decision"]
    with closing(sqlite3.connect(db.path, isolation_level=None)) as con:
        for e in doc.get("keys", []) + doc["events"]:
            con.execute(INSERT_EVENT, row_of(e))
        con.execute(
            "INSERT INTO organs (code, name, level, parent, created_at) VALUES (?, '本机关', 'county', NULL, ?)",
            (dec.get("organ", MAIN), created["at"]),
        )
        for name, (roles, public, added) in users_of(doc.get("keys", [])).items():
            con.execute(
                "INSERT INTO users (name, roles, active, created_at, public_key, organ) VALUES (?, ?, 1, ?, ?, ?)",
                (name, roles, added, public, dec.get("organ", MAIN)),
            )
        con.execute(
            "INSERT INTO decisions (id, title, workflow, workflow_version, workflow_sha256, stage, status, flags,"
            " version, created_at, created_by, organ) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 1, ?, ?, ?)",
            (dec["id"], dec["title"], dec["workflow"], dec["workflow_version"], created["data"]["workflow_sha256"],
             dec["stage"], dec["status"], created["at"], created["actor"], dec.get("organ", MAIN)),
        )  # fmt: skip
    at = datetime.fromisoformat(doc["exported_at"])
    return Engine(db, now=lambda: at, today=lambda: TODAY)


def stored_users(engine: Engine) -> list[tuple[Any, ...]]:
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        return con.execute("SELECT name, roles, active, public_key FROM users ORDER BY name").fetchall()


def chain_head(engine: Engine, chain: str) -> tuple[int, str]:
    """A chain's size and head hash, read straight from the table."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        row = con.execute(
            "SELECT seq, hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1", (chain,)
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def checkpoint_of(engine: Engine, chain: str) -> Checkpoint:
    """`dflow audit head --organ CHAIN`: one chain's checkpoint now."""
    cp = verification.checkpoint(engine, organ=chain)
    assert isinstance(cp, Checkpoint) and cp.chain == chain and cp.decision is None
    return cp


@pytest.fixture
def walked(engine: Engine, files: Path) -> tuple[Engine, int, int]:
    """Decision A walked to consultation (evidence, a refusal), interleaved with decision B (both
    in the organ main), so A's events have gaps in seq; A's last event is the organ chain's head."""
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


def expected_lines(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def test_the_v1_vector_still_verifies_with_its_expected_hashes() -> None:
    """A file of the first version, written before signatures: still verified, and said to be
    unsigned."""
    verdict = filecheck.verify_file(VECTOR_V1)
    assert verdict == Verdict(True, 5) and not verdict.signed and not verdict.signers
    assert verdict.note is not None and verdict.as_dict()["note"] == (
        "a file of the first export version: it holds no signatures, so who signed each event is not proven"
    )
    assert independent_verify(VECTOR_V1_BYTES) == Finding(True, None, "ok")
    doc = json.loads(VECTOR_V1_BYTES)
    assert list(doc) == TOP[FORMAT_V1] and doc["format"] == FORMAT_V1
    assert VECTOR_V1_BYTES.split(b"\n")[0].endswith(b',"events":[')
    events = [[str(e["seq"]), event_hash(content_of(e))] for e in doc["events"]]
    assert expected_lines(HASHES_V1) == [
        *events,
        ["checkpoint", str(doc["checkpoint"]["size"]), doc["checkpoint"]["head"]],
        ["digest", hashlib.sha256(DIGEST_DOMAINS[FORMAT_V1] + VECTOR_V1_BYTES[:-67]).hexdigest()],
    ]
    assert [e["hash"] for e in doc["events"]] == [h for _, h in events]
    assert all(set(e) == KEYS | {"hash"} for e in doc["events"])  # no signature member in v1
    # what the vector promises to show: a refusal, Chinese text, an escaped line break
    assert [e["action"] for e in doc["events"]] == ["created", "refused", "recorded", "completed", "advanced"]
    assert doc["decision"]["title"] == "沙河乡农贸市场搬迁" and "沙河乡".encode() in VECTOR_V1_BYTES
    assert b"\\n\xef\xbc\x88" in VECTOR_V1_BYTES  # "\n（" written as an escape then raw UTF-8


def test_the_v2_vector_still_verifies_with_its_expected_hashes_and_signatures() -> None:
    """A file of version 2, written before chains per organ: nine events of version 1, the whole
    single chain of its time (four key lines, the decision's five events), still verified."""
    verdict = filecheck.verify_file(VECTOR_V2)
    assert verdict == Verdict(True, 5) and verdict.note is None
    assert independent_verify(VECTOR_V2_BYTES) == Finding(True, None, "ok")
    doc = VECTOR_V2_DOC
    assert list(doc) == TOP[FORMAT_V2] and doc["format"] == FORMAT_V2 and doc["count"] == len(doc["events"]) == 5
    assert set(doc["decision"]) == set(DECISION_TYPES)  # no organ in a v2 header
    lines = doc["keys"] + doc["events"]
    assert all(set(e) == KEYS | {"hash", "signature"} for e in lines)  # every line an event of version 1
    # the vector's chain is whole: seq 1 to 9, each linked to the one before, across the sections
    assert [e["seq"] for e in lines] == list(range(1, 10))
    assert [e["prev_hash"] for e in lines] == [GENESIS] + [e["hash"] for e in lines[:-1]]
    walk, signers = KeyWalk(), []
    for e in lines:
        public = walk.keys.get(e["actor"]) or e["data"]["public_key"]  # seq 1: the key it registers
        assert signature_holds(public, e["hash"], e["signature"]), e["seq"]
        signers.append((e["actor"], fingerprint(public)))
        assert walk.check(content_of(e), e["hash"], e["signature"]) is None
    assert verdict.signed == 9 and verdict.signers == tuple(dict.fromkeys(signers))
    registered = sorted({(e["data"]["name"], e["data"]["public_key"]) for e in doc["keys"]})
    assert expected_lines(HASHES_V2) == [
        *[[str(e["seq"]), hashlib.sha256(EVENT_DOMAINS[1] + canonical(content_of(e))).hexdigest(), e["signature"]]
          for e in lines],
        *[["key", name, public, fingerprint(public)] for name, public in registered],
        ["checkpoint", str(doc["checkpoint"]["size"]), doc["checkpoint"]["head"]],
        ["digest", hashlib.sha256(DIGEST_DOMAINS[FORMAT_V2] + VECTOR_V2_BYTES[:-67]).hexdigest()],
    ]  # fmt: skip
    assert doc["checkpoint"] == {"size": 9, "head": lines[-1]["hash"]}


def test_the_v3_vector_verifies_by_every_verifier_with_the_expected_hashes_and_signatures() -> None:
    verdict = filecheck.verify_file(VECTOR)
    assert verdict == Verdict(True, 5) and verdict.note is None
    assert independent_verify(VECTOR_BYTES) == Finding(True, None, "ok")
    doc = VECTOR_DOC
    assert list(doc) == TOP[FORMAT] and doc["format"] == FORMAT and doc["count"] == len(doc["events"]) == 5
    assert doc["decision"]["organ"] == MAIN and set(doc["decision"]) == set(DECISION_OF[FORMAT])
    lines = doc["keys"] + doc["events"]
    assert all(set(e) == KEYS_V2 | {"hash", "signature"} for e in lines)  # every line an event of version 2
    # two chains, each whole: the registry's (the key lines, registry position null) and the organ
    # main's (the event lines, each of registry position 4), each from seq 1, linked within itself
    for section, chain, registry in ((doc["keys"], REGISTRY, None), (doc["events"], MAIN, 4)):
        assert [(e["chain"], e["registry"]) for e in section] == [(chain, registry)] * len(section)
        assert [e["seq"] for e in section] == list(range(1, len(section) + 1))
        assert [e["prev_hash"] for e in section] == [GENESIS] + [e["hash"] for e in section[:-1]]
    # the header's checkpoint is the registry chain's: its size and the hash of its last event
    assert doc["checkpoint"] == {"size": 4, "head": doc["keys"][-1]["hash"]}
    # each hash with the domain of version 2, never that of version 1
    for e in lines:
        assert e["hash"] == hashlib.sha256(EVENT_DOMAINS[2] + canonical(content_of(e))).hexdigest()
        assert e["hash"] != hashlib.sha256(EVENT_DOMAINS[1] + canonical(content_of(e))).hexdigest()
    # every signature holds under the key its actor held at the event's registry position
    walk, signers = KeyWalk(), []
    for e in doc["keys"]:
        public = walk.keys.get(e["actor"]) or e["data"]["public_key"]  # seq 1: the key it registers
        assert signature_holds(public, e["hash"], e["signature"]), e["seq"]
        signers.append((e["actor"], fingerprint(public)))
        assert walk.check(content_of(e), e["hash"], e["signature"]) is None
    for e in doc["events"]:  # position 4: after every key line, zhao's rotated key
        assert signature_holds(walk.keys[e["actor"]], e["hash"], e["signature"]), e["seq"]
        signers.append((e["actor"], fingerprint(walk.keys[e["actor"]])))
    assert verdict.signed == 9 and verdict.signers == tuple(dict.fromkeys(signers))
    registered = sorted({(e["data"]["name"], e["data"]["public_key"]) for e in doc["keys"]})
    assert expected_lines(HASHES) == [
        *[[e["chain"], str(e["seq"]), event_hash(content_of(e)), e["signature"]] for e in lines],
        *[["key", name, public, fingerprint(public)] for name, public in registered],
        ["checkpoint", str(doc["checkpoint"]["size"]), doc["checkpoint"]["head"]],
        ["digest", hashlib.sha256(DIGEST_DOMAIN + VECTOR_BYTES[:-67]).hexdigest()],
    ]
    # what the vector promises to show: the first admin's own key, two users registered by
    # them, a rotation signed with the old key; then a refusal, Chinese text, an escaped line break
    assert [(e["action"], e["actor"], e["data"]["name"]) for e in doc["keys"]] == [
        ("user_added", ADMIN, ADMIN),
        ("user_added", ADMIN, OFFICER),
        ("user_added", ADMIN, REVIEWER),
        ("key_rotated", OFFICER, OFFICER),
    ]
    rotation = doc["keys"][3]
    assert rotation["data"]["previous"] == doc["keys"][1]["data"]["public_key"] != rotation["data"]["public_key"]
    assert signature_holds(rotation["data"]["previous"], rotation["hash"], rotation["signature"])
    assert [e["action"] for e in doc["events"]] == ["created", "refused", "recorded", "completed", "advanced"]
    assert doc["decision"]["title"] == "沙河乡农贸市场搬迁" and "沙河乡".encode() in VECTOR_BYTES
    assert b"\\n\xef\xbc\x88" in VECTOR_BYTES  # "\n（" written as an escape then raw UTF-8


def test_the_documents_listing_verifies_the_v3_and_v2_vectors() -> None:
    """The listing of section 7 reads files of version 3 and 2 (a v1 file is neither)."""
    assert doc_verifier()(VECTOR_BYTES) == 5
    assert doc_verifier()(VECTOR_V2_BYTES) == 5
    with pytest.raises(ValueError, match="not a decision-flow/trail-export/v3"):
        doc_verifier()(VECTOR_V1_BYTES)


def unsigned_content(line: bytes) -> bytes:
    """A key or event line cut down to its canonical content as section 6 says: without the
    last `,"hash":"<64 hex>"` member and without the `,"signature":…` member before `stage`."""
    cut = line.rindex(b',"hash":"')
    line = line[:cut] + line[cut + len(b',"hash":"') + 65 :]
    head, tail = line.rsplit(b',"stage":', 1)
    return head[: head.rindex(b',"signature":')] + b',"stage":' + tail


@pytest.mark.parametrize("raw", [VECTOR_BYTES, VECTOR_V2_BYTES], ids=["v3", "v2"])
def test_a_line_is_its_content_with_its_hash_and_signature_sorted_in(raw: bytes) -> None:
    doc = json.loads(raw)
    header, key_lines, lines, closing_line = split(raw)
    assert header.endswith(b',"decision":' + canonical(doc["decision"]) + b',"keys":[')
    assert closing_line == b'],"count":5,"digest":"' + doc["digest"].encode() + b'"}'
    assert raw.count(b"\n" + BETWEEN + b"\n") == 1
    for line in key_lines + lines:
        event = json.loads(line)
        content = unsigned_content(line)
        assert content == canonical(content_of(event))
        # a line's keys say its version, and the version the domain its hash is made with
        version = 2 if b',"chain":"' in line.split(b',"data":')[0] else 1
        assert version == (2 if raw is VECTOR_BYTES else 1) == version_of(event)
        assert hashlib.sha256(EVENT_DOMAINS[version] + content).hexdigest() == event["hash"]
        assert b',"seq":%d,"signature":"%s","stage":' % (event["seq"], event["signature"].encode()) in line
        message = SIGN_DOMAIN + event["hash"].encode("ascii")
        assert len(message) == 86 and len(base64.b64decode(event["signature"], validate=True)) == 64
    # the chain's first key signs its own registration, with the key it registers
    first = json.loads(key_lines[0])
    assert first["actor"] == first["data"]["name"] == ADMIN and first["seq"] == 1
    assert signature_holds(first["data"]["public_key"], first["hash"], first["signature"])
    # the key of the document's example is in the one spelling of a public key
    assert public_bytes("ed25519:Vv9H1Yw3wI4FkU8zP/ZM90Dk23ta1YHN9UCk0rCZdnk=") is not None
    assert public_bytes("ed25519:Vv9H1Yw3wI4FkU8zP/ZM90Dk23ta1YHN9UCk0rCZdnk") is None  # padding is part of it


def test_document_worked_example_is_the_v1_vectors_first_event() -> None:
    """Section 2's worked example: the first event of tests/vectors/trail-export-v1.json, an event
    of version 1, hashed with the domain of version 1."""
    text = DOC.read_text(encoding="utf-8")
    assert "the first event of `tests/vectors/trail-export-v1.json`" in text
    match = re.search(r"is this single line \((\d+) bytes\):\n\n    (\{.*\})\n\nand its hash is `([0-9a-f]{64})`", text)
    assert match is not None
    line = match.group(2).encode()
    first = json.loads(VECTOR_V1_BYTES)["events"][0]
    assert line == canonical(content_of(first))
    assert len(line) == int(match.group(1))
    assert event_hash(json.loads(line)) == match.group(3) == first["hash"]
    assert hashlib.sha256(EVENT_DOMAINS[2] + line).hexdigest() != first["hash"]  # the domain separates versions
    # the document's tables name exactly the hashed content: eleven keys, and two more in version 2
    section = text[text.index("## 2.") : text.index("## 3.")]
    tables = re.findall(r"\| key \| type \| meaning \| stored column \|\n\|[-|]+\|\n((?:\|.*\|\n)+)", section)
    assert len(tables) == 2
    named = [set(re.findall(r"^\| `(\w+)` \|", table, re.M)) for table in tables]
    assert named == [KEYS, KEYS_V2 - KEYS] == [set(trailfile.CONTENT_KEYS), trailfile.CONTENT_KEYS_V2 - KEYS]


def test_the_committed_vectors_are_what_make_vectors_writes_today(tmp_path: Path) -> None:
    engine, decision = make_vectors.build(tmp_path)
    try:
        out = tmp_path / "again.json"
        assert queries.export_trail(engine, decision, out) == 5
        assert out.read_bytes() == VECTOR_BYTES
        assert make_vectors.expected_hashes(out) == HASHES.read_text(encoding="utf-8")
        # the keys made again from the seeds are those the engine holds at the end, and sign as it does
        for name in (ADMIN, OFFICER, REVIEWER):
            assert engine.keys.signer(name).public == vector_signer(name, 4).public
        lines = VECTOR_DOC["keys"] + VECTOR_DOC["events"]
        assert [vector_sign(e) for e in lines] == [e["signature"] for e in lines]
        v2_lines = VECTOR_V2_DOC["keys"] + VECTOR_V2_DOC["events"]
        assert [v2_vector_sign(e) for e in v2_lines] == [e["signature"] for e in v2_lines]
        # the users table as load_vectors writes it from the key lines
        held = users_of(VECTOR_DOC["keys"])
        assert stored_users(engine) == sorted((name, roles, 1, public) for name, (roles, public, _) in held.items())
        # and the rows as load_vectors writes them from the lines: chain, registry position, format
        assert engine.db.path is not None
        with closing(sqlite3.connect(engine.db.path)) as con:
            rows = con.execute(f"SELECT {EVENT_COLUMNS} FROM audit_events").fetchall()
        assert sorted(rows) == sorted(row_of(e) for e in lines)
    finally:
        engine.db.dispose()


def test_vectors_loaded_into_a_database_verify_there_and_export_to_the_same_bytes(db: Database, tmp_path: Path) -> None:
    engine = load_vectors(db)
    verdict = verification.verify(engine)
    assert verdict == Verdict(True, 9) and verdict.signed == 9
    assert stored_users(engine) == [
        (ADMIN, "admin", 1, VECTOR_DOC["keys"][0]["data"]["public_key"]),
        (REVIEWER, "legal_reviewer", 1, VECTOR_DOC["keys"][2]["data"]["public_key"]),
        (OFFICER, "officer", 1, VECTOR_DOC["keys"][3]["data"]["public_key"]),  # the rotated key
    ]
    doc = VECTOR_DOC
    at = doc["exported_at"]
    registry = Checkpoint(doc["checkpoint"]["size"], doc["checkpoint"]["head"], at)
    main = Checkpoint(5, doc["events"][-1]["hash"], at, chain=MAIN)
    assert verification.checkpoint(engine) == [registry, main]  # every chain's, the registry's first
    assert checkpoint_of(engine, REGISTRY) == registry and checkpoint_of(engine, MAIN) == main
    assert verification.verify_anchor(engine, [registry, main]) == Verdict(True, 9)
    out = tmp_path / "again.json"
    assert queries.export_trail(engine, 1, out) == 5
    assert out.read_bytes() == VECTOR_BYTES  # the writer still writes the documented bytes


def test_the_v2_vector_loaded_as_an_upgraded_database_exports_as_v3_with_the_same_lines(
    db: Database, tmp_path: Path
) -> None:
    """A database from before chains per organ (section 3): its one chain, of version 1 events, is
    the registry chain as it stands. The export of its decision is a v3 file whose key lines and
    event lines are the v2 vector's, byte for byte, and the v2 vector's checkpoint still holds."""
    engine = load_vectors(db, VECTOR_V2_BYTES)
    verdict = verification.verify(engine)
    assert verdict == Verdict(True, 9) and verdict.signed == 9
    doc = VECTOR_V2_DOC
    old = Checkpoint(doc["checkpoint"]["size"], doc["checkpoint"]["head"], doc["exported_at"])
    assert verification.checkpoint(engine) == [old]  # one chain: the registry's
    anchor = tmp_path / "anchor.txt"
    anchor.write_text(old.plain().replace(f"chain: {REGISTRY}\n", ""), encoding="utf-8")  # taken before chains
    assert checkpoint_mod.read_anchor(anchor) == old
    assert verification.verify_anchor(engine, checkpoint_mod.read_anchor(anchor)) == Verdict(True, 9)
    out = tmp_path / "again.json"
    assert queries.export_trail(engine, 1, out) == 5
    raw = out.read_bytes()
    header, key_lines, lines, _ = split(raw)
    header_v2, key_lines_v2, lines_v2, _ = split(VECTOR_V2_BYTES)
    assert (key_lines, lines) == (key_lines_v2, lines_v2)
    assert json.loads(header + b"]}") == {
        **json.loads(header_v2 + b"]}"),
        "format": FORMAT,
        "decision": {**doc["decision"], "organ": MAIN},
    }
    assert filecheck.verify_file(out) == Verdict(True, 5)
    assert independent_verify(raw) == Finding(True, None, "ok")
    assert anchored_verify(raw, Anchor(old.size, old.head)) == Finding(True, None, "ok")  # the last event line's
    assert filecheck.verify_file(out, old) == Verdict(True, 5)


def test_the_v1_vector_loaded_into_a_database_exports_as_v3_without_key_lines(db: Database, tmp_path: Path) -> None:
    """A database from before signing and before chains: no key events, no signatures, every event
    of version 1 in the registry chain. Its export is a v3 file whose key section is empty (line 1
    directly followed by the line between the sections) and whose lines carry "signature":null."""
    engine = load_vectors(db, VECTOR_V1_BYTES)
    verdict = verification.verify(engine)
    assert verdict == Verdict(True, 5) and not verdict.signed
    out = tmp_path / "again.json"
    assert queries.export_trail(engine, 1, out) == 5
    raw = out.read_bytes()
    assert raw.split(b"\n")[1] == BETWEEN
    header, key_lines, lines, _ = split(raw)
    header_v1, _, lines_v1, _ = split(VECTOR_V1_BYTES)
    before = json.loads(header_v1 + b"]}")
    assert key_lines == [] and json.loads(header + b"]}") == {
        "format": FORMAT,
        "exported_at": before["exported_at"],
        "checkpoint": before["checkpoint"],  # the registry chain's: the old single chain
        "decision": {**before["decision"], "organ": MAIN},
        "keys": [],
    }
    assert [without(line, "signature") for line in lines] == lines_v1
    assert all(json.loads(line)["signature"] is None for line in lines)
    verdict = filecheck.verify_file(out)
    assert verdict == Verdict(True, 5) and not verdict.signed and verdict.note is None
    assert independent_verify(raw) == Finding(True, None, "ok")


V3_LINES = [f"key {n}" for n in range(1, 5)] + [f"event {n}" for n in range(1, 6)]  # the v3 vector's nine lines
VALUES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "actor": lambda event: "mallory",
    "stage": lambda event: "archiving",
    "data": lambda event: {**event["data"], "note": "事后补记"},
}


def edited_vector(raw: bytes, where: str, column: str) -> tuple[bytes, dict[str, Any], Any]:
    """A vector with one column of one line changed (no hash recomputed): the file, the line's
    event as it was, and the new value."""
    header, key_lines, lines, _ = split(raw)
    section, i = pick(key_lines, lines, where)
    event = json.loads(section[i])
    value = VALUES[column](event)
    section[i] = edited(section[i], **{column: value})
    return join(header, key_lines, lines), event, value


@pytest.mark.parametrize("where", V3_LINES)
@pytest.mark.parametrize("column", ["actor", "data", "stage"])
def test_an_edit_of_the_vectors_is_named_alike_by_all_verifiers(
    db: Database, tmp_path: Path, column: str, where: str
) -> None:
    engine = load_vectors(db)
    raw, event, value = edited_vector(VECTOR_BYTES, where, column)
    chain, number = event["chain"], event["seq"]
    with closing(attacker(engine)) as con:
        stored = canonical(value).decode() if column == "data" else value
        con.execute(f"UPDATE audit_events SET {column} = ? WHERE chain = ? AND seq = ?", (stored, chain, number))
    in_db = verification.verify(engine)
    path = write(tmp_path, raw)
    # the database names the chain and the event's number there (section 4)
    assert (in_db.ok, in_db.first_bad_seq, in_db.reason, in_db.chain) == (
        False,
        number,
        "content edited: hash does not match content",
        chain,
    )
    assert in_db.as_dict()["chain"] == chain
    assert filecheck.verify_file(path).reason == "content edited: hash does not match content"
    assert judged(path) == independent_verify(raw) == Finding(False, number, "content edited")


@pytest.mark.parametrize("where", [f"key {n}" for n in range(1, 5)] + [f"event {n}" for n in range(1, 6)])
@pytest.mark.parametrize("vector", ["v3", "v2"])
def test_the_documents_listing_names_an_edit_of_the_vectors(vector: str, where: str) -> None:
    """The listing of section 7 names an edited line of a v3 or v2 file by its seq."""
    for column in VALUES:
        raw, event, _ = edited_vector(VECTOR_BYTES if vector == "v3" else VECTOR_V2_BYTES, where, column)
        with pytest.raises(ValueError, match=f"event {event['seq']}: content edited"):
            doc_verifier()(raw)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("column", ["actor", "data", "stage"])
def test_an_edit_of_the_v1_vector_is_named_alike_by_all_verifiers(
    db: Database, tmp_path: Path, column: str, k: int
) -> None:
    engine = load_vectors(db, VECTOR_V1_BYTES)
    raw, _, value = edited_vector(VECTOR_V1_BYTES, f"event {k}", column)
    with closing(attacker(engine)) as con:
        stored = canonical(value).decode() if column == "data" else value
        con.execute(f"UPDATE audit_events SET {column} = ? WHERE chain = ? AND seq = ?", (stored, REGISTRY, k))
    in_db = verification.verify(engine)
    path = write(tmp_path, raw)
    assert (in_db.ok, in_db.first_bad_seq, kind(in_db), in_db.chain) == (False, k, "content edited", REGISTRY)
    assert judged(path) == independent_verify(raw) == Finding(False, k, "content edited")


DELETIONS = [(vector, number) for vector in ("v3", "v2", "v1") for number in (1, 2, 3, 4)]
RAW_OF = {"v3": VECTOR_BYTES, "v2": VECTOR_V2_BYTES, "v1": VECTOR_V1_BYTES}


def deleted_from(vector: str, number: int) -> tuple[bytes, str, int]:
    """A vector without the decision's event `number`: the file, the chain and seq of the event
    taken out."""
    header, key_lines, lines, _ = split(RAW_OF[vector])
    event = json.loads(lines.pop(number - 1))
    return join(header, key_lines, lines), event.get("chain", REGISTRY), event["seq"]


@pytest.mark.parametrize(("vector", "number"), DELETIONS)
def test_a_deletion_from_the_vectors_is_an_event_missing_for_all_verifiers(
    db: Database, tmp_path: Path, vector: str, number: int
) -> None:
    """Every verifier names the event found in the deleted one's place; the reason, the number
    missing. In the v3 vector the decision's events are seq 1 to 5 of the organ main's chain; in
    the v2 vector seq 5 to 9 of the single chain (after four key lines); in the v1 vector 1 to 5."""
    raw, chain, k = deleted_from(vector, number)
    assert (chain, k) == ((MAIN, number) if vector == "v3" else (REGISTRY, number + 4 if vector == "v2" else number))
    engine = load_vectors(db, RAW_OF[vector])
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE chain = ? AND seq = ?", (chain, k))
    in_db = verification.verify(engine)
    assert (in_db.ok, in_db.first_bad_seq, in_db.reason, in_db.chain) == (
        False,
        k + 1,
        f"event missing: expected seq {k}, found {k + 1}",
        chain,
    )
    path = write(tmp_path, raw)
    assert judged(path) == independent_verify(raw) == Finding(False, k + 1, "event missing")
    assert filecheck.verify_file(path).reason == (
        f"event missing: decision 1 expected its event {number}, found {number + 1}"
    )


@pytest.mark.parametrize(("vector", "number"), [d for d in DELETIONS if d[0] != "v1"])
def test_the_documents_listing_names_a_deletion_from_the_vectors(vector: str, number: int) -> None:
    raw, _, k = deleted_from(vector, number)
    with pytest.raises(ValueError, match=f"event {k + 1}: event missing"):
        doc_verifier()(raw)


def test_a_stored_rewrite_of_data_is_carried_into_the_export_not_smoothed_over(db: Database, tmp_path: Path) -> None:
    engine = load_vectors(db)
    con = attacker(engine)
    with closing(con):
        rewritten = {}
        for chain, number in ((REGISTRY, 2), (MAIN, 3)):  # a key event and an event of the decision
            (data,) = con.execute(
                "SELECT data FROM audit_events WHERE chain = ? AND seq = ?", (chain, number)
            ).fetchone()
            spaced = json.dumps(json.loads(data), ensure_ascii=False)  # the same object, other bytes
            assert spaced != data
            con.execute("UPDATE audit_events SET data = ? WHERE chain = ? AND seq = ?", (spaced, chain, number))
            rewritten[chain] = data, spaced
        in_db = verification.verify(engine)
        assert (in_db.first_bad_seq, kind(in_db), in_db.chain) == (2, "content edited", REGISTRY)
        out = tmp_path / "rewritten.json"
        queries.export_trail(engine, 1, out)
        assert all(spaced.encode() in out.read_bytes() for _, spaced in rewritten.values())
        assert filecheck.verify_file(out) == Verdict(False, 2, 2, "file altered: line 3 is not in canonical form")
        assert independent_verify(out.read_bytes()) == Finding(False, 2, "file altered")
        con.execute("UPDATE audit_events SET data = ? WHERE chain = ? AND seq = 2", (rewritten[REGISTRY][0], REGISTRY))
        in_db = verification.verify(engine)
        assert (in_db.first_bad_seq, kind(in_db), in_db.chain) == (3, "content edited", MAIN)
        queries.export_trail(engine, 1, out)
        assert filecheck.verify_file(out) == Verdict(False, 3, 3, "file altered: line 9 is not in canonical form")
        assert independent_verify(out.read_bytes()) == Finding(False, 3, "file altered")
        # stored data that is no JSON at all cannot make a JSON file: the export refuses
        con.execute("UPDATE audit_events SET data = '{\"name\":' WHERE chain = ? AND seq = 3", (MAIN,))
        with pytest.raises(IntegrityError, match="event 3 cannot be exported"):
            queries.export_trail(engine, 1, tmp_path / "broken.json")
    assert sorted(p.name for p in tmp_path.iterdir() if ".json" in p.name) == ["rewritten.json"]


def test_the_vectors_cut_short_are_found_against_their_checkpoint(db: Database, tmp_path: Path) -> None:
    engine = load_vectors(db)
    anchors = verification.checkpoint(engine)
    assert isinstance(anchors, list) and [cp.chain for cp in anchors] == [REGISTRY, MAIN]
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE chain = ? AND seq = 5", (MAIN,))
    assert verification.verify(engine) == Verdict(True, 8)  # a shorter chain is still a chain
    assert verification.verify_anchor(engine, anchors) == Verdict(
        False, 8, 5, "truncated: chain main has 4 events, the checkpoint 5", chain=MAIN
    )
    # the registry chain's checkpoint fixes the registry chain only: the cut is in the organ's
    assert verification.verify_anchor(engine, anchors[0]) == Verdict(True, 8)
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    path = write(tmp_path, join(header, key_lines, lines[:-1], count=5))
    assert judged(path) == independent_verify(path.read_bytes()) == Finding(False, None, "event missing")
    assert filecheck.verify_file(path).reason == "event missing: the file declares 5 events and holds 4"


# ---------------------------------------------------------------------------- key lines and signatures


def verdict_of(tmp_path: Path, raw: bytes) -> tuple[int | None, str | None]:
    """verify_file's (event named, reason) for a file; the independent verifier must agree on the
    event and the kind of fault."""
    v = filecheck.verify_file(write(tmp_path, raw))
    finding = independent_verify(raw)
    if v.ok:
        assert finding == Finding(True, None, "ok")
    else:
        assert finding == Finding(False, v.first_bad_seq, kind(v)), (finding, v.reason)
    return v.first_bad_seq, v.reason


@pytest.mark.parametrize(
    ("k", "named", "reason", "in_db"),
    [
        # the chain's first key left out: the admin's next act is signed by no key held
        (
            1,
            2,
            "signature without a key: 'admin' holds no registered key at this point",
            (REGISTRY, 2, "event missing: expected seq 1, found 2"),
        ),
        # zhao's registration left out: his rotation is signed by no key held
        (
            2,
            4,
            "signature without a key: 'zhao' holds no registered key at this point",
            (REGISTRY, 3, "event missing: expected seq 2, found 3"),
        ),
        # qian's registration left out: she signs nothing in the file, and a gap in seq is no fault
        (3, None, None, (REGISTRY, 4, "event missing: expected seq 3, found 4")),
        # the rotation left out: zhao's acts are signed with a key he does not hold in the file; in the
        # database the registry chain is then one event shorter than the organ's events say it was
        (
            4,
            1,
            "signature invalid: not made with 'zhao''s registered key",
            (MAIN, 1, "registry ahead: the event's registry position is 4, the registry chain holds 3 events"),
        ),
    ],
)
def test_key_lines_that_lost_an_event(
    db: Database, tmp_path: Path, k: int, named: int | None, reason: str | None, in_db: tuple[str, int, str]
) -> None:
    """The file proves who signed relative to the key events it carries (section 6): one left out
    is found only where a later signature depends on it."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    raw = join(header, key_lines[: k - 1] + key_lines[k:], lines)
    assert verdict_of(tmp_path, raw) == (named, reason)
    if named is None:
        verdict = filecheck.verify_file(write(tmp_path, raw))
        assert verdict == Verdict(True, 5) and verdict.signed == 8
        assert [actor for actor, _ in verdict.signers] == [ADMIN, OFFICER, OFFICER]
    # the database holds the whole chains: there the gap itself is the fault
    engine = load_vectors(db)
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE chain = ? AND seq = ?", (REGISTRY, k))
    verdict = verification.verify(engine)
    assert (verdict.chain, verdict.first_bad_seq, verdict.reason) == in_db


def forged_act(header: bytes, lines: list[bytes], signer: Signer, at: int | None = None) -> bytes:
    """An act of the decision appended after its last event line, in its organ's chain, in the name
    and with the key of `signer`, of registry position `at` (by default the registry chain's size in
    the header's checkpoint): hashed and linked by the document's formulas."""
    last = json.loads(lines[-1])
    size = json.loads(header + b"]}")["checkpoint"]["size"]
    event = {
        "seq": last["seq"] + 1, "at": "2024-12-31T23:00:00.000000Z", "actor": signer.name, "action": "advanced",
        "decision": last["decision"], "decision_seq": last["decision_seq"] + 1, "decision_prev": last["hash"],
        "stage": "initiation", "step": None, "data": {"from": "initiation", "to": "drafting"},
        "prev_hash": last["hash"], "chain": last["chain"], "registry": size if at is None else at,
    }  # fmt: skip
    event["hash"] = event_hash(event)
    event["signature"] = signer.sign(event["hash"])
    return canonical(event)


def test_a_revocation_left_out_of_the_key_lines(engine: Engine, key_dir: Path, tmp_path: Path) -> None:
    """zhao's key is revoked; someone who kept his key file signs an act in his name. With the
    revocation in the file the act has no key; without it the file verifies, and only the
    fingerprint the verifier prints (or a checkpoint kept outside) shows the revoked key signed."""
    a = new_decision(engine)
    kept = engine.keys.signer(OFFICER)
    users.revoke(engine, OFFICER, "笔记本电脑遗失", ADMIN)
    out = tmp_path / "a.json"
    queries.export_trail(engine, a, out)
    assert filecheck.verify_file(out).ok
    header, key_lines, lines, _ = split(out.read_bytes())
    revoked = [i for i, line in enumerate(key_lines) if json.loads(line)["action"] == "key_revoked"]
    assert revoked == [len(key_lines) - 1]
    forged = forged_act(header, lines, kept)
    assert json.loads(forged)["registry"] == seq(key_lines[-1])  # after the revocation
    assert verdict_of(tmp_path, join(header, key_lines, [*lines, forged])) == (
        seq(forged),
        "signature without a key: 'zhao' holds no registered key at this point",
    )
    unrevoked = join(header, key_lines[:-1], [*lines, forged])
    assert verdict_of(tmp_path, unrevoked) == (None, None)
    verdict = filecheck.verify_file(write(tmp_path, unrevoked))
    assert verdict == Verdict(True, 2)
    assert (OFFICER, fingerprint(kept.public)) in verdict.signers
    assert [u.public_key for u in users.list_users(engine) if u.name == OFFICER] == [None]  # not his key on record

    # a new key issued after the revocation: leaving the revocation out now breaks a key's life
    (key_dir / f"{OFFICER}.key").unlink()
    users.issue(engine, OFFICER, ADMIN)
    engine.keys.forget(OFFICER)
    with pytest.raises(Blocked):
        engine.advance(a, OFFICER, to="legality_review")  # refused, and signed with the new key
    queries.export_trail(engine, a, out)
    header, key_lines, lines, _ = split(out.read_bytes())
    assert [json.loads(line)["action"] for line in key_lines[-2:]] == ["key_revoked", "key_registered"]
    registered = seq(key_lines[-1])
    assert verdict_of(tmp_path, join(header, key_lines[:-2] + key_lines[-1:], lines)) == (
        registered,
        "key registered over a held key: 'zhao' already holds a key (revoke it first)",
    )
    # both left out: the act signed with the new key is signed by a key zhao does not hold in the file
    assert verdict_of(tmp_path, join(header, key_lines[:-2], lines)) == (
        seq(lines[-1]),
        "signature invalid: not made with 'zhao''s registered key",
    )
    # the revoked key's act backdated to a registry position before the revocation, where zhao still
    # held it: the signature holds there, but the decision's event before it had a later position
    before_revocation = seq(key_lines[-2]) - 1
    assert json.loads(lines[-1])["registry"] > before_revocation
    backdated = forged_act(header, lines, kept, at=before_revocation)
    assert verdict_of(tmp_path, join(header, key_lines, [*lines, backdated])) == (
        seq(backdated),
        f"registry went back: the event's registry position is {before_revocation},"
        f" an event before it had {json.loads(lines[-1])['registry']}",
    )


def test_a_key_line_that_is_not_a_key_event(tmp_path: Path) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    # a key line turned into another act, hashed and signed again by its actor (the admin)
    noted = edited(key_lines[1], rehash=True, sign=line_signer(key_lines[1]), action="noted")
    assert verdict_of(tmp_path, join(header, [key_lines[0], noted, *key_lines[2:]], lines)) == (
        2,
        "file altered: event 2 is not a key event",
    )
    # an event of the decision moved into the key section
    assert verdict_of(tmp_path, join(header, [*key_lines, lines[1]], lines[:1] + lines[2:])) == (
        2,
        "file altered: event 2 is not a key event",
    )
    # a key event of version 2 that says it is in an organ's chain, hashed and signed again with the key
    # its actor held there, the header's checkpoint recomputed: a key line is of the registry chain
    outside = edited(key_lines[3], rehash=True, sign=line_signer(key_lines[3]), chain=MAIN, registry=3)
    raw = join(with_checkpoint(header, 4, hash_of(outside)), [*key_lines[:3], outside], lines)
    assert verdict_of(tmp_path, raw) == (4, "file altered: event 4 is not a key event")


DECISION_PREV_TYPE = (
    "decision_prev must be a hash (64 lowercase hexadecimal digits) or null when decision is an integer,"
    " null when decision is null"
)


def test_a_key_line_with_a_decision_link(tmp_path: Path) -> None:
    """An event of no decision has decision_seq and decision_prev null (section 2, "Types"), which a
    key line must keep even hashed and signed again."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    linked = edited(key_lines[2], rehash=True, sign=line_signer(key_lines[2]), decision_prev=hash_of(key_lines[1]))
    raw = join(with_checkpoint(header, 4, hash_of(key_lines[3])), [*key_lines[:2], linked, key_lines[3]], lines)
    v = filecheck.verify_file(write(tmp_path, raw))
    assert (v.first_bad_seq, v.reason) == (3, f"wrong type: {DECISION_PREV_TYPE}")
    assert independent_verify(raw) == Finding(False, 3, "wrong type")


def test_an_event_with_the_seq_of_a_key_line(tmp_path: Path) -> None:
    """Among the version 1 event lines (here the v2 vector's) seq must not be a key line's: both are
    of the registry chain. Version 2 event lines are of an organ's chain, whose numbers are its own:
    the v3 vector's event lines 1 to 4 have the key lines' numbers, and that is no fault."""
    _, v3_keys, v3_lines, _ = split(VECTOR_BYTES)
    assert {seq(line) for line in v3_lines} & {seq(line) for line in v3_keys} == {1, 2, 3, 4}
    header, key_lines, lines, _ = split(VECTOR_V2_BYTES)
    # the created event renumbered as seq 4, the rotation's, and signed with the key zhao held
    # before seq 4 (his first): its signature holds, its number is taken
    first_key = vector_signer(OFFICER, 3, VECTOR_V2_DOC)
    renumbered = edited(lines[0], rehash=True, sign=first_key.sign, seq=4)
    assert verdict_of(tmp_path, join(header, key_lines, [renumbered, *lines[1:]])) == (
        4,
        "order broken: event 4 has the number of a key event",
    )
    # signed with his key of the time the event was made: by the keys before seq 4 it is not his,
    # and the signature is checked before the seq order (section 6)
    renumbered = edited(lines[0], rehash=True, sign=vector_signer(OFFICER, 4, VECTOR_V2_DOC).sign, seq=4)
    assert verdict_of(tmp_path, join(header, key_lines, [renumbered, *lines[1:]])) == (
        4,
        "signature invalid: not made with 'zhao''s registered key",
    )


def test_a_signature_swapped_between_two_lines(tmp_path: Path) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    first, second = json.loads(lines[2])["signature"], json.loads(lines[3])["signature"]
    swapped = [*lines[:2], edited(lines[2], signature=second), edited(lines[3], signature=first), *lines[4:]]
    assert verdict_of(tmp_path, join(header, key_lines, swapped)) == (
        3,
        "signature invalid: not made with 'zhao''s registered key",
    )
    first, second = json.loads(key_lines[1])["signature"], json.loads(key_lines[2])["signature"]
    swapped = [key_lines[0], edited(key_lines[1], signature=second), edited(key_lines[2], signature=first)]
    assert verdict_of(tmp_path, join(header, [*swapped, key_lines[3]], lines)) == (
        2,
        "signature invalid: not made with 'admin''s registered key",
    )


@pytest.mark.parametrize(
    ("where", "named", "reason"),
    [
        ("event 3", 3, "signature missing: 'zhao' must sign every act once keys are registered"),
        ("key 4", 4, "signature missing: 'zhao' must sign every act once keys are registered"),  # the rotation
        # a refusal may be unsigned once keys exist (rule 2): the attempt of someone who could not
        # prove who they were is kept as evidence
        ("event 2", None, None),
        # the chain's first key must be signed with the key it registers (section 4a)
        ("key 1", 1, "key registered without authority: 'admin' is not an admin holding a key"),
    ],
)
def test_a_signature_removed(tmp_path: Path, where: str, named: int | None, reason: str | None) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    section, i = pick(key_lines, lines, where)
    section[i] = edited(section[i], signature=None)
    raw = join(header, key_lines, lines)
    assert verdict_of(tmp_path, raw) == (named, reason)
    if named is None:
        assert filecheck.verify_file(write(tmp_path, raw)).signed == 8


@pytest.mark.parametrize(("where", "k"), [("key 1", 1), ("event 3", 3)])
def test_a_lines_signature_member_removed_is_content_edited(tmp_path: Path, where: str, k: int) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    section, i = pick(key_lines, lines, where)
    section[i] = without(section[i], "signature")
    assert verdict_of(tmp_path, join(header, key_lines, lines)) == (
        k,
        "content edited: the event's keys are not the hashed content's",
    )


@pytest.mark.parametrize(("where", "k"), [("key 1", 1), ("event 3", 3)])
@pytest.mark.parametrize("value", [12345, True, {"sig": "x"}])
def test_a_signature_that_is_no_string_is_a_wrong_type(tmp_path: Path, where: str, k: int, value: Any) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    section, i = pick(key_lines, lines, where)
    section[i] = edited(section[i], signature=value)
    assert verdict_of(tmp_path, join(header, key_lines, lines)) == (k, "wrong type: signature must be a string or null")


def typed_wrong(key: str, value: Any, where: str) -> bytes:
    """The v3 vector with one line's `key` set to `value`, hashed and signed again with the key its
    actor holds at the line's registry position; the header's checkpoint (the last key line's hash)
    and the digest recomputed."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    section, i = pick(key_lines, lines, where)
    section[i] = edited(section[i], rehash=True, sign=line_signer(section[i]), **{key: value})
    return join(with_checkpoint(header, 4, hash_of(key_lines[3])), key_lines, lines)


REGISTRY_TYPE = "registry must be null in the registry chain, an integer of at least 0 in an organ's"
WRONG_TYPES = [
    (
        "decision_seq",
        True,
        "decision_seq must be an integer of at least 1 when decision is one, null when decision is null",
    ),
    ("data", [], "data must be an object"),
    ("stage", 7, "stage must be a string or null"),
    ("actor", None, "actor must be a string"),
    ("prev_hash", None, "prev_hash must be a hash (64 lowercase hexadecimal digits)"),
    ("decision", True, "decision must be an integer of at least 1, or null"),
    # and the other keys
    ("at", 5, "at must be a string"),
    ("action", None, "action must be a string"),
    ("decision_prev", "AB" * 32, DECISION_PREV_TYPE),
    ("step", [], "step must be a string or null"),
    ("data", "{}", "data must be an object"),
    # and the two keys of an event of version 2
    ("chain", "", "chain must be a string of 1 to 40 characters"),
    ("chain", "x" * 41, "chain must be a string of 1 to 40 characters"),
    ("chain", 7, "chain must be a string of 1 to 40 characters"),
    ("registry", -1, REGISTRY_TYPE),
    ("registry", True, REGISTRY_TYPE),
    ("registry", "4", REGISTRY_TYPE),
]


@pytest.mark.parametrize("where", ["key 3", "event 3"], ids=["key-line", "event-line"])
@pytest.mark.parametrize(("key", "value", "why"), WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_a_wrong_json_type_is_named_though_every_hash_signature_and_the_digest_agree(
    tmp_path: Path, where: str, key: str, value: Any, why: str
) -> None:
    """A hash proves bytes, not meaning (section 2, Types): a line in the middle of the file with
    a value of the wrong type, hashed and signed again with its actor's key, is refused."""
    raw = typed_wrong(key, value, where)
    _, key_lines, lines, _ = split(raw)
    section, i = pick(key_lines, lines, where)
    event = json.loads(section[i])
    assert event[key] == value and event["hash"] == event_hash(content_of(event))
    _, vector_keys, vector_lines, _ = split(VECTOR_BYTES)
    original = json.loads(pick(vector_keys, vector_lines, where)[0][i])
    assert signature_holds(
        vector_signer(original["actor"], position(original)).public, event["hash"], event["signature"]
    )
    assert verdict_of(tmp_path, raw) == (event["seq"], f"wrong type: {why}")


@pytest.mark.parametrize(("where", "value"), [("key 3", 2), ("event 3", None)])
def test_a_registry_position_of_the_other_chains_kind_is_a_wrong_type(tmp_path: Path, where: str, value: Any) -> None:
    """`registry` is null in the registry chain and an integer in an organ's (section 2): a key
    line with a position, an event line without one, each hashed and signed again."""
    raw = typed_wrong("registry", value, where)
    assert verdict_of(tmp_path, raw) == (3, f"wrong type: {REGISTRY_TYPE}")


# An event line's `decision` of the wrong type, and a `seq` that is no integer, hashed and signed
# again: section 2 and section 6's order of checks ("its keys and hash; its types; … its
# decision's chain") make each a *wrong type*, naming the event where its seq is a number.
TYPED_BEFORE_DECISION = [
    ("decision", "1", "event 3", 3, "decision must be an integer of at least 1, or null"),
    ("decision", 0, "event 3", 3, "decision must be an integer of at least 1, or null"),
    (
        "decision",
        None,
        "event 3",
        3,
        "decision_seq must be an integer of at least 1 when decision is one, null when decision is null",
    ),
    ("seq", "3", "key 3", None, "seq must be an integer of at least 1"),
    ("seq", "3", "event 3", None, "seq must be an integer of at least 1"),
    ("seq", True, "event 3", None, "seq must be an integer of at least 1"),
]
TYPED_IDS = ["decision-string", "decision-0", "decision-null", "seq-string-key-line", "seq-string", "seq-true"]


@pytest.mark.parametrize(("key", "value", "where", "named", "why"), TYPED_BEFORE_DECISION, ids=TYPED_IDS)
def test_an_event_lines_decision_or_seq_of_the_wrong_type_is_refused_and_named(
    tmp_path: Path, key: str, value: Any, where: str, named: int | None, why: str
) -> None:
    raw = typed_wrong(key, value, where)
    assert independent_verify(raw) == Finding(False, named, "wrong type")
    v = filecheck.verify_file(write(tmp_path, raw))
    assert (v.ok, v.first_bad_seq) == (False, named)


@pytest.mark.parametrize(("key", "value", "where", "named", "why"), TYPED_BEFORE_DECISION, ids=TYPED_IDS)
def test_an_event_lines_decision_or_seq_of_the_wrong_type_is_a_wrong_type(
    tmp_path: Path, key: str, value: Any, where: str, named: int | None, why: str
) -> None:
    assert filecheck.verify_file(write(tmp_path, typed_wrong(key, value, where))).reason == f"wrong type: {why}"


def registration_without_a_key() -> bytes:
    """The v3 vector with qian's user_added turned into a key_registered that names no key,
    signed by the admin; the rotation after it relinked and signed again, the checkpoint head too."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    registered = edited(
        key_lines[2], rehash=True, sign=line_signer(key_lines[2]), action="key_registered", data={"name": REVIEWER}
    )
    rotation = edited(key_lines[3], rehash=True, sign=line_signer(key_lines[3]), prev_hash=hash_of(registered))
    return join(with_checkpoint(header, 4, hash_of(rotation)), [*key_lines[:2], registered, rotation], lines)


def test_a_key_registration_that_names_no_key_is_refused_by_the_independent_verifier() -> None:
    assert independent_verify(registration_without_a_key()) == Finding(False, 3, "key event unreadable")


def test_a_key_registration_that_names_no_key_is_unreadable(tmp_path: Path) -> None:
    v = filecheck.verify_file(write(tmp_path, registration_without_a_key()))
    assert (v.ok, v.first_bad_seq, kind(v) if not v.ok else None) == (False, 3, "key event unreadable")


# ---------------------------------------------------------------------------- any one-byte change


def must_fail(raw: bytes, path: Path) -> None:
    path.unlink(missing_ok=True)  # rather than truncate: ext4 flushes a truncated file on rewrite
    path.write_bytes(raw)
    finding = judged(path)
    assert not finding.ok, raw
    assert not independent_verify(raw).ok


@pytest.mark.parametrize("raw", [VECTOR_BYTES, VECTOR_V2_BYTES, VECTOR_V1_BYTES], ids=["v3", "v2", "v1"])
def test_every_single_byte_deletion_and_bit_flip_of_the_vectors_fails(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "changed.json"
    for i in range(len(raw)):
        must_fail(raw[:i] + raw[i + 1 :], path)
        must_fail(raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :], path)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    op=st.sampled_from(["flip", "insert", "delete"]),
    raw=st.sampled_from([VECTOR_BYTES, VECTOR_V2_BYTES, VECTOR_V1_BYTES]),
)
def test_any_single_byte_change_of_an_export_fails(tmp_path: Path, data: st.DataObject, op: str, raw: bytes) -> None:
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
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM audit_events ORDER BY chain, seq")]
        (organ,) = con.execute("SELECT organ FROM decisions WHERE id = ?", (a,)).fetchone()
    assert organ == MAIN
    key_rows = [r for r in rows if r["chain"] == REGISTRY and r["action"] in KEY_ACTIONS]
    verdict = filecheck.verify_file(path)
    assert verdict == Verdict(True, len(trail))
    assert verdict.signed == len(key_rows) + len(trail)
    assert [actor for actor, _ in verdict.signers] == [ADMIN, OFFICER]
    assert independent_verify(raw) == Finding(True, None, "ok")
    doc = json.loads(raw)
    assert list(doc) == TOP[FORMAT] and doc["format"] == FORMAT and doc["count"] == len(trail)
    shown = queries.show(engine, a)
    assert doc["decision"] == {
        **{k: shown[k] for k in ("id", "title", "workflow", "workflow_version", "stage", "status")},
        "organ": organ,
    }
    cp = checkpoint_of(engine, REGISTRY)  # the header's checkpoint is the registry chain's
    assert doc["checkpoint"] == {"size": cp.size, "head": cp.head}
    assert re.fullmatch(r"2024-12-31T01:\d\d:\d\d\.000000Z", doc["exported_at"])
    # every key event of the registry chain, as stored, with its signature
    assert [(e["seq"], e["hash"], e["signature"], e["actor"], e["data"]) for e in doc["keys"]] == [
        (r["seq"], r["hash"], r["signature"], r["actor"], json.loads(r["data"])) for r in key_rows
    ]
    assert [e["action"] for e in doc["keys"]] == ["user_added"] * 5 and key_rows[0]["seq"] == 1
    assert all((e["chain"], e["registry"]) == (REGISTRY, None) for e in doc["keys"])
    # every event of the decision, in its organ's chain, with its registry position, as stored
    by_seq = {(r["chain"], r["seq"]): r for r in rows}
    assert [(e["seq"], e["hash"], e["data"], e["actor"]) for e in doc["events"]] == [
        (e["seq"], e["hash"], e["data"], e["actor"]) for e in trail
    ]
    assert [e["chain"] for e in trail] == [organ] * len(trail)
    stored = [by_seq[(e["chain"], e["seq"])] for e in doc["events"]]
    assert [(e["signature"], e["registry"]) for e in doc["events"]] == [
        (r["signature"], r["registry_position"]) for r in stored
    ]
    assert all(e["chain"] == organ and 0 <= e["registry"] <= cp.size for e in doc["events"])
    assert {r["format"] for r in rows} == {2}  # a database made today writes events of version 2 only
    assert all(isinstance(e["signature"], str) for e in doc["keys"] + doc["events"])
    assert all(set(e) == KEYS_V2 | {"hash", "signature"} for e in doc["keys"] + doc["events"])
    assert all(e["decision"] == a for e in doc["events"]) and all(e["decision"] is None for e in doc["keys"])
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


@pytest.mark.parametrize("recompute", [False, True], ids=["digest-kept", "digest-recomputed"])
def test_deleted_swapped_or_inserted_event_lines_are_named(
    exported: tuple[Path, bytes], walked: tuple[Engine, int, int], tmp_path: Path, recompute: bool
) -> None:
    engine, _, b = walked
    _, raw = exported
    header, key_lines, lines, _ = split(raw)
    old = None if recompute else digest_of(raw)

    def verdict(new_lines: list[bytes], count: int | None = None) -> tuple[int | None, str]:
        changed = join(header, key_lines, new_lines, count, old)
        v = filecheck.verify_file(write(tmp_path, changed))
        assert not v.ok and not independent_verify(changed).ok
        return v.first_bad_seq, str(v.reason)

    def taken_out(i: int) -> list[bytes]:
        return lines[:i] + lines[i + 1 :]

    # deleted: the next event's number jumps
    for i in (0, 1, 3):
        bad, reason = verdict(taken_out(i))
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
    other_header, other_keys, other_lines, _ = split(other.read_bytes())
    assert other_keys == key_lines  # the same registry chain: the same key events
    foreign = other_lines[0]
    bad, reason = verdict(lines[:2] + [foreign] + lines[2:])
    assert (bad, reason) == (seq(foreign), f"file altered: event {seq(foreign)} belongs to decision {b}, not 1")
    # a key line moved among the event lines
    bad, reason = verdict(lines[:2] + [key_lines[-1]] + lines[2:])
    assert (bad, reason) == (
        seq(key_lines[-1]),
        f"file altered: event {seq(key_lines[-1])} belongs to decision —, not 1",
    )


def test_deleted_swapped_or_inserted_key_lines_are_named(exported: tuple[Path, bytes], tmp_path: Path) -> None:
    _, raw = exported
    header, key_lines, lines, _ = split(raw)
    assert [seq(line) for line in key_lines] == [1, 2, 3, 4, 5]

    def verdict(new_keys: list[bytes]) -> tuple[int | None, str | None]:
        return verdict_of(tmp_path, join(header, new_keys, lines))

    # swapped: the later one first, then the earlier one goes back
    assert verdict([key_lines[0], key_lines[2], key_lines[1], *key_lines[3:]]) == (
        2,
        "order broken: event 2 follows event 3",
    )
    # a copy: the same number twice
    assert verdict([*key_lines[:2], key_lines[1], *key_lines[2:]]) == (2, "order broken: event 2 follows event 2")
    # the first admin's registration moved to the end: the admin's acts before it hold no key
    assert verdict([*key_lines[1:], key_lines[0]]) == (
        2,
        "signature without a key: 'admin' holds no registered key at this point",
    )


def test_header_edits_are_found(exported: tuple[Path, bytes], tmp_path: Path) -> None:
    _, raw = exported
    header, key_lines, lines, _ = split(raw)
    closing_number = len(key_lines) + len(lines) + 3

    def reason(changed: bytes) -> str | None:
        assert not independent_verify(changed).ok
        return filecheck.verify_file(write(tmp_path, changed)).reason

    other_title = header.replace("沙河乡农贸市场搬迁".encode(), "沙河乡农贸市场扩建".encode())
    assert reason(join(other_title, key_lines, lines)) == (
        "file altered: the decision's title differs from its created event's"
    )
    assert reason(join(other_title, key_lines, lines, digest=digest_of(raw))) == (
        "file altered: the decision's title differs from its created event's"
    )
    later = re.sub(rb'"exported_at":"2024', b'"exported_at":"2025', header)
    assert later != header
    assert reason(join(later, key_lines, lines, digest=digest_of(raw))) == "file altered: digest does not match"
    spaced = header.replace(b'"decision":{', b'"decision": {')
    assert reason(join(spaced, key_lines, lines)) == "file altered: line 1 (the header) is not in canonical form"
    assert reason(raw + b"\n") == f"file altered: bytes after line {closing_number}, the closing line"
    assert reason(raw.replace(b',"digest"', b', "digest"')) == (
        f"file altered: line {closing_number} (the closing line) is not in canonical form"
    )
    # a checkpoint whose head is no hash, the digest recomputed
    upper = re.sub(rb'"head":"([0-9a-f]{64})"', lambda m: b'"head":"' + m.group(1).upper() + b'"', header)
    assert upper != header
    assert reason(join(upper, key_lines, lines)) == "file altered: the checkpoint is not a chain size and head hash"
    # the digest domain of an earlier version on a v3 file: the formula is the version's
    for form in (FORMAT_V2, FORMAT_V1):
        earlier = hashlib.sha256(DIGEST_DOMAINS[form] + raw[:-67]).hexdigest()
        assert reason(join(header, key_lines, lines, digest=earlier)) == "file altered: digest does not match"


def test_rehashed_events_break_the_decisions_chain_or_the_checkpoint_head(
    walked: tuple[Engine, int, int], exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    engine, a, _ = walked
    _, raw = exported
    header, key_lines, lines, _ = split(raw)
    actor = json.loads(lines[1])["actor"]
    backdated: dict[str, Any] = {"at": "2020-01-01T00:00:00.000000Z"}
    # one event edited and its hash recomputed by someone without the actor's key: its signature fails
    forged = [lines[0], edited(lines[1], rehash=True, at=backdated["at"]), *lines[2:]]
    assert verdict_of(tmp_path, join(header, key_lines, forged)) == (
        seq(lines[1]),
        f"signature invalid: not made with {actor!r}'s registered key",
    )
    forged = [lines[0], edited(lines[1], rehash=True, actor="mallory"), *lines[2:]]
    assert verdict_of(tmp_path, join(header, key_lines, forged)) == (
        seq(lines[1]),
        "signature without a key: 'mallory' holds no registered key at this point",
    )
    # ... and signed again by a forger holding the actor's key: the next event's link no longer holds
    forged = [
        lines[0],
        edited(lines[1], rehash=True, sign=engine.keys.signer(actor).sign, at=backdated["at"]),
        *lines[2:],
    ]
    assert verdict_of(tmp_path, join(header, key_lines, forged)) == (
        seq(lines[2]),
        "link broken: decision_prev is not decision 1's previous hash",
    )
    # the decision's whole chain recomputed after an edit, without the keys: the signature first
    changed = join(header, key_lines, forge_chain(lines, {1: backdated}))
    assert verdict_of(tmp_path, changed) == (
        seq(lines[1]),
        f"signature invalid: not made with {actor!r}'s registered key",
    )
    # ... and signed again with every key: the file verifies on its own, for the header's checkpoint
    # is the registry chain's, and the decision's events are in its organ's chain
    chain = forge_chain(lines, {1: backdated}, sign=ring_sign(engine.keys))
    rewritten = join(header, key_lines, chain)
    assert verdict_of(tmp_path, rewritten) == (None, None)
    # only a checkpoint kept outside finds it: the organ chain's, whose event the file holds
    main = checkpoint_of(engine, MAIN)
    last = seq(lines[-1])
    assert (main.size, main.head) == (last, hash_of(lines[-1]))  # A's last event is the organ chain's head
    path = write(tmp_path, rewritten)
    assert filecheck.verify_file(path, main) == Verdict(
        False, len(lines), last, f"rewritten: event {last} of chain main differs from the checkpoint"
    )
    assert anchored_verify(rewritten, Anchor(main.size, main.head, MAIN)) == Finding(False, last, "rewritten")
    # or the decision's own
    mine = verification.checkpoint(engine, decision=a)
    assert isinstance(mine, Checkpoint) and (mine.decision, mine.size, mine.head) == (a, len(lines), main.head)
    assert filecheck.verify_file(path, mine) == Verdict(
        False, len(lines), last, f"rewritten: decision {a}'s event {len(lines)} differs from the checkpoint"
    )
    assert anchored_verify(rewritten, Anchor(mine.size, mine.head, decision=a)) == Finding(False, last, "rewritten")


def test_a_forged_global_link_is_found_where_seq_runs_on(tmp_path: Path) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    # event 3 of the organ's chain moved onto another predecessor, everything after it signed again
    # with the actors' keys: the vector's run of seq 1..5 in the chain main still exposes it
    forged = forge_chain(lines, {2: {"prev_hash": "ab" * 32}}, sign=vector_sign)
    assert verdict_of(tmp_path, join(header, key_lines, forged)) == (3, "link broken: prev_hash is not event 2's hash")
    # the organ chain's first event links to 64 zeros
    forged = forge_chain(lines, {0: {"prev_hash": "ab" * 32}}, sign=vector_sign)
    named, reason = verdict_of(tmp_path, join(header, key_lines, forged))
    assert (named, str(reason).split(":")[0]) == (1, "link broken")
    # and between key lines: the rotation moved onto another predecessor, signed again with zhao's old
    # key, the header's checkpoint (the rotation is the registry chain's head) recomputed
    rotation = edited(key_lines[3], rehash=True, sign=line_signer(key_lines[3]), prev_hash="ab" * 32)
    raw = join(with_checkpoint(header, 4, hash_of(rotation)), [*key_lines[:3], rotation], lines)
    assert verdict_of(tmp_path, raw) == (4, "link broken: prev_hash is not event 3's hash")


def test_a_forged_global_link_of_the_v2_vector_is_found_across_the_sections(tmp_path: Path) -> None:
    """In a file of version 2 every line is of the one chain of its time: the decision's first
    event follows the last key line (seq 4), and that link is checked too."""
    header, key_lines, lines, _ = split(VECTOR_V2_BYTES)
    forged = forge_chain(lines, {2: {"prev_hash": "ab" * 32}}, sign=v2_vector_sign)
    changed = join(with_checkpoint(header, 9, hash_of(forged[-1])), key_lines, forged)
    assert verdict_of(tmp_path, changed) == (7, "link broken: prev_hash is not event 6's hash")
    forged = forge_chain(lines, {0: {"prev_hash": "ab" * 32}}, sign=v2_vector_sign)
    changed = join(with_checkpoint(header, 9, hash_of(forged[-1])), key_lines, forged)
    assert verdict_of(tmp_path, changed) == (5, "link broken: prev_hash is not event 4's hash")


def test_a_forged_global_link_of_the_v1_vector_is_found(tmp_path: Path) -> None:
    header, _, lines, _ = split(VECTOR_V1_BYTES)
    forged = forge_chain(lines, {2: {"prev_hash": "ab" * 32}})
    changed = join(with_checkpoint(header, 5, hash_of(forged[-1])), [], forged)
    v = filecheck.verify_file(write(tmp_path, changed))
    assert (v.first_bad_seq, v.reason) == (3, "link broken: prev_hash is not event 2's hash")
    assert independent_verify(changed) == Finding(False, 3, "link broken")


def test_careful_forgeries_still_disagree_with_the_header_or_the_layout(tmp_path: Path) -> None:
    header, key_lines, lines, _ = split(VECTOR_BYTES)

    def reason(
        new_header: bytes, new_lines: list[bytes], new_keys: list[bytes] = key_lines
    ) -> tuple[int | None, str | None]:
        changed = join(new_header, new_keys, new_lines)
        assert not independent_verify(changed).ok
        v = filecheck.verify_file(write(tmp_path, changed))
        return v.first_bad_seq, v.reason

    # the created event taken out and the rest renumbered and signed again: a trail must open with its creation
    rest = forge_chain(lines[1:], {0: {"decision_prev": None}}, sign=vector_sign)
    assert verdict_of(tmp_path, join(header, key_lines, rest)) == (
        2,
        "file altered: the first event is not the decision's creation",
    )
    # a key event beyond the header's checkpoint (the registry chain's)
    assert verdict_of(tmp_path, join(with_checkpoint(header, 3, hash_of(key_lines[2])), key_lines, lines)) == (
        4,
        "file altered: event 4 lies beyond the checkpoint's 3 events",
    )
    # an event of version 1 beyond it (the v2 vector, whose events are of the registry chain)
    v2_header, v2_keys, v2_lines, _ = split(VECTOR_V2_BYTES)
    beyond = join(with_checkpoint(v2_header, 8, hash_of(v2_lines[3])), v2_keys, v2_lines)
    assert verdict_of(tmp_path, beyond) == (9, "file altered: event 9 lies beyond the checkpoint's 8 events")
    # seq going back while the decision's own chain holds and every signature is right
    back = forge_chain(lines, {3: {"seq": 2}}, sign=vector_sign)
    assert verdict_of(tmp_path, join(header, key_lines, back)) == (2, "order broken: event 2 follows event 3")
    # the same content written another way (an escape for 沙) is another file
    escaped = lines[:2] + [lines[2].replace("沙".encode(), b"\\u6c99")] + lines[3:]
    assert json.loads(escaped[2]) == json.loads(lines[2])
    assert reason(header, escaped) == (3, "file altered: line 9 is not in canonical form")
    spaced = lines[:2] + [lines[2].replace(b'"actor":', b'"actor": ')] + lines[3:]
    assert reason(header, spaced) == (3, "file altered: line 9 is not in canonical form")
    spaced_key = [key_lines[0], key_lines[1].replace(b'"actor":', b'"actor": '), *key_lines[2:]]
    assert reason(header, lines, spaced_key) == (2, "file altered: line 3 is not in canonical form")
    assert independent_verify(join(header, spaced_key, lines)) == Finding(False, 2, "file altered")


V3_HEADER = VECTOR_BYTES.split(b"\n")[0]
V2_HEADER = VECTOR_V2_BYTES.split(b"\n")[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\xff\xfe{}\n", "line 1 is not UTF-8"),
        (b"seq,hash\n1,abc\n", "not a decision-flow trail export"),
        (b'{"format":"decision-flow/trail-export/v9","events":[\n],"count":0}\n', "not a decision-flow trail export"),
        ('\ufeff{"format":"decision-flow/trail-export/v1"'.encode(), "not a decision-flow trail export"),
        ('\ufeff{"format":"decision-flow/trail-export/v2"'.encode(), "not a decision-flow trail export"),
        ('\ufeff{"format":"decision-flow/trail-export/v3"'.encode(), "not a decision-flow trail export"),
        # a v3 header must open the key section, a v1 header the event lines
        (
            V3_HEADER.replace(b'"keys":[', b'"events":[') + b'\n],"count":0}\n',
            "the header's keys are not format, exported_at, checkpoint, decision, keys",
        ),
        (
            V3_HEADER.replace(FORMAT.encode(), FORMAT_V1.encode()) + b"\n" + BETWEEN + b"\n",
            "the header's keys are not format, exported_at, checkpoint, decision, events",
        ),
        # a v3 header names the decision's organ, a v2 header does not
        (
            V3_HEADER.replace(b'"organ":"main",', b"") + b"\n" + BETWEEN + b"\n",
            "decision does not have the keys id, title, workflow, workflow_version, stage, status, organ",
        ),
        (
            V3_HEADER.replace(b'"organ":"main"', b'"organ":7') + b"\n" + BETWEEN + b"\n",
            "decision organ is not a string",
        ),
        (
            V2_HEADER.replace(b'"decision":{"id":1,', b'"decision":{"id":1,"organ":"main",') + b"\n" + BETWEEN + b"\n",
            "decision does not have the keys id, title, workflow, workflow_version, stage, status$",
        ),
    ],
)
def test_a_file_that_is_no_export_is_invalid_input(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InvalidInput, match=message) as caught:
        filecheck.verify_file(path)
    assert "\n" not in str(caught.value)
    assert independent_verify(content) == Finding(False, None, "malformed")
    with pytest.raises(InvalidInput, match="cannot read"):
        filecheck.verify_file(tmp_path / "missing.json")


def test_an_event_line_that_is_not_json_or_not_utf8_is_invalid_input(
    exported: tuple[Path, bytes], tmp_path: Path
) -> None:
    _, raw = exported
    header, key_lines, lines, _ = split(raw)
    second = line_number(key_lines, 1)
    with pytest.raises(InvalidInput, match=f"line {second}: an event line that is not valid JSON"):
        filecheck.verify_file(write(tmp_path, join(header, key_lines, lines[:1] + [lines[1][:-1]] + lines[2:])))
    first = line_number(key_lines, 0)
    with pytest.raises(InvalidInput, match=f"line {first} is not UTF-8"):
        broken = [lines[0].replace("沙".encode(), b"\xe6\xb2")] + lines[1:]
        filecheck.verify_file(write(tmp_path, join(header, key_lines, broken)))
    # a number with a fraction is JSON, but never canonical: the line was altered (section 6, step 1)
    fraction = join(header, key_lines, [lines[0].replace(b'"decision":1', b'"decision":1.0')])
    v = filecheck.verify_file(write(tmp_path, fraction))
    assert (v.ok, v.reason) == (False, f"file altered: line {first} is not in canonical form")
    assert independent_verify(fraction).kind == "file altered"
    # a key line alike
    assert line_number(key_lines, 1, event_line=False) == 3
    with pytest.raises(InvalidInput, match="line 3: an event line that is not valid JSON"):
        filecheck.verify_file(write(tmp_path, join(header, [key_lines[0], key_lines[1][:-1], *key_lines[2:]], lines)))
    with pytest.raises(InvalidInput, match="line 2: an event line that is not a JSON object"):
        filecheck.verify_file(write(tmp_path, join(header, [b"[1,2]", *key_lines[1:]], lines)))
    assert independent_verify(join(header, [b"[1,2]", *key_lines[1:]], lines)) == Finding(False, None, "malformed")


# ---------------------------------------------------------------------------- what v3 adds
#
# Each file below is forged with care: every hash recomputed with its version's domain, every line
# signed again with the key its actor holds at the line's registry position (the seeded keys of
# tests/vectors/make_vectors.py), the decision's chain and the chain links relinked, the header's
# checkpoint and the digest recomputed where they depend on the change, so that only the rule under
# test can find it. Each also has a control nearby: the same kind of change that the rule allows.

FORMAT_PLACE = (
    "format out of place: a version 1 event outside the registry chain, after a version 2 event,"
    " or of a format that does not exist"
)


def forge_keys(key_lines: list[bytes], edits: dict[int, dict[str, Any]]) -> list[bytes]:
    """The key lines with `edits` (index -> changes; ABSENT removes a member) applied, every hash from
    the first edit on recomputed, relinked where seq runs on and signed again with the key each actor
    holds at the line's registry position in the vector (its position as it was)."""
    out: list[bytes] = []
    for i, line in enumerate(key_lines):
        if i >= min(edits):
            event = json.loads(line)
            if out and event["seq"] == seq(out[-1]) + 1:
                event["prev_hash"] = hash_of(out[-1])
            event.update(edits.get(i, {}))
            event = {k: v for k, v in event.items() if v is not ABSENT}
            event["hash"] = event_hash(content_of(event))
            event["signature"] = line_signer(line)(event["hash"])
            line = canonical(event)
        out.append(line)
    return out


def test_an_event_line_whose_registry_position_lies_beyond_the_checkpoint_is_registry_ahead(tmp_path: Path) -> None:
    """Section 6, check 3: an event's registry position is at most C.size, the registry chain's size
    when the export was read. The last event line claimed at position 5, hashed and signed again with
    the key zhao holds there (the key events up to 5 are those up to 4: his rotated key): its hash,
    links and signature hold, only its position lies ahead of the registry chain."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    assert json.loads(header + b"]}")["checkpoint"]["size"] == 4
    ahead = edited(lines[4], rehash=True, sign=vector_signer(OFFICER, 5).sign, registry=5)
    assert signature_holds(vector_signer(OFFICER, 4).public, hash_of(ahead), json.loads(ahead)["signature"])
    assert verdict_of(tmp_path, join(header, key_lines, [*lines[:4], ahead])) == (
        5,
        "registry ahead: the event's registry position is 5, the registry chain holds 4 events",
    )
    # control: a position at the checkpoint's size, or below it where the key still verifies, is fine
    at_size = edited(lines[4], rehash=True, sign=vector_signer(OFFICER, 4).sign, registry=4)
    assert at_size == lines[4]
    # an event line of version 1 (in the registry chain, position seq - 1) is bounded alike
    v1 = forge_chain(
        lines,
        {0: {"chain": ABSENT, "registry": ABSENT, "seq": 6, "prev_hash": "cd" * 32}},
        sign=vector_sign,
    )
    assert json.loads(v1[0])["seq"] - 1 == 5 and version_of(json.loads(v1[0])) == 1
    assert verdict_of(tmp_path, join(header, key_lines, v1)) == (
        6,
        "registry ahead: the event's registry position is 5, the registry chain holds 4 events",
    )


def test_a_later_event_line_with_a_smaller_registry_position_is_registry_went_back(tmp_path: Path) -> None:
    """Section 6, check 3: an event's registry position is no less than the previous event line's.
    The decision's third event claimed at position 3 — before zhao's rotation, registry event 4 —
    and signed with the key he held there (his first); the lines after it relinked and signed again:
    its signature holds at its position, but the event before it was at position 4."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    old_key, new_key = vector_signer(OFFICER, 3), vector_signer(OFFICER, 4)
    assert old_key.public != new_key.public
    forged = forge_chain(lines, {2: {"registry": 3}}, sign=vector_sign)
    assert signature_holds(old_key.public, hash_of(forged[2]), json.loads(forged[2])["signature"])
    assert verdict_of(tmp_path, join(header, key_lines, forged)) == (
        3,
        "registry went back: the event's registry position is 3, an event before it had 4",
    )
    # control: positions that never go back, the first three at 3 (signed with zhao's first key), verify
    early = forge_chain(lines, {0: {"registry": 3}, 1: {"registry": 3}, 2: {"registry": 3}}, sign=vector_sign)
    assert verdict_of(tmp_path, join(header, key_lines, early)) == (None, None)
    # and at 3 the rotated key is not yet zhao's: the third event signed with it is signed by no key he holds
    wrong_key = forge_chain(
        lines,
        {0: {"registry": 3}, 1: {"registry": 3}, 2: {"registry": 3}},
        sign=lambda e: new_key.sign(e["hash"]) if e["seq"] == 3 else vector_sign(e),
    )
    assert verdict_of(tmp_path, join(header, key_lines, wrong_key)) == (
        3,
        "signature invalid: not made with 'zhao''s registered key",
    )


def test_an_event_line_in_another_organs_chain(tmp_path: Path) -> None:
    """Section 6, check 3: a version 2 event line's `chain` is the decision's organ, D.organ. The
    decision's last three events said to be of the chain of another organ, shahe — hashed and signed
    again, relinked, so their seq and prev_hash run on whether the file's version 2 lines are read as
    one chain or as one per name — are named at the first of them."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    moved = forge_chain(lines, {i: {"chain": "shahe"} for i in (2, 3, 4)}, sign=vector_sign)
    assert [json.loads(line)["prev_hash"] for line in moved[2:]] == [hash_of(line) for line in moved[1:4]]
    assert verdict_of(tmp_path, join(header, key_lines, moved)) == (
        3,
        "file altered: event 3 is in chain shahe, not in organ main's",
    )
    # every line in shahe's chain: named at the first
    everywhere = forge_chain(lines, {i: {"chain": "shahe"} for i in range(5)}, sign=vector_sign)
    assert verdict_of(tmp_path, join(header, key_lines, everywhere)) == (
        1,
        "file altered: event 1 is in chain shahe, not in organ main's",
    )
    # the header's organ alone changed, the digest recomputed: the lines are main's
    shahe = header.replace(b'"organ":"main"', b'"organ":"shahe"')
    assert shahe != header
    assert verdict_of(tmp_path, join(shahe, key_lines, lines)) == (
        1,
        "file altered: event 1 is in chain main, not in organ shahe's",
    )
    # control: the header and every line agreeing on the organ is a file of that organ's chain
    assert verdict_of(tmp_path, join(shahe, key_lines, everywhere)) == (None, None)


def test_a_version_1_line_after_a_version_2_line_is_format_out_of_place(tmp_path: Path) -> None:
    """Section 6, checks 2 and 3: within each section, events of version 1 (written before chains per
    organ, in the registry chain) come before every event of version 2."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    # the key section: the rotation written as an event of version 1 — no chain, no registry, hashed
    # with the domain of version 1, signed again with zhao's old key — after three of version 2; the
    # header's checkpoint (the rotation is the registry chain's head) recomputed
    old_rotation = forge_keys(key_lines, {3: {"chain": ABSENT, "registry": ABSENT}})
    assert version_of(json.loads(old_rotation[3])) == 1
    raw = join(with_checkpoint(header, 4, hash_of(old_rotation[3])), old_rotation, lines)
    assert verdict_of(tmp_path, raw) == (4, FORMAT_PLACE)
    # control: a key line of version 1 before those of version 2, the rest relinked and signed again
    first_old = forge_keys(key_lines, {0: {"chain": ABSENT, "registry": ABSENT}})
    assert [version_of(json.loads(line)) for line in first_old] == [1, 2, 2, 2]
    assert verdict_of(tmp_path, join(with_checkpoint(header, 4, hash_of(first_old[3])), first_old, lines)) == (
        None,
        None,
    )
    # the event section: the decision's third event written as an event of version 1, in the registry
    # chain as its event 5 (after the key lines, linked to the last of them, so of position 4), signed
    # with zhao's key there; the header's checkpoint grown to it, the lines after it relinked and signed
    v1_edit = {"chain": ABSENT, "registry": ABSENT, "seq": 5, "prev_hash": hash_of(key_lines[3])}
    third = forge_chain(lines, {2: v1_edit}, sign=vector_sign)
    assert [version_of(json.loads(line)) for line in third] == [2, 2, 1, 2, 2]
    raw = join(with_checkpoint(header, 5, hash_of(third[2])), key_lines, third)
    assert verdict_of(tmp_path, raw) == (5, FORMAT_PLACE)
    # control: the same event of version 1 first — a decision begun before chains per organ — verifies
    first = forge_chain(lines, {0: v1_edit}, sign=vector_sign)
    assert [version_of(json.loads(line)) for line in first] == [1, 2, 2, 2, 2]
    assert verdict_of(tmp_path, join(with_checkpoint(header, 5, hash_of(first[0])), key_lines, first)) == (None, None)


def test_a_lines_keys_say_its_version_and_its_version_the_hashs_domain(tmp_path: Path) -> None:
    """Section 2: the prefix of version 2 for a line with `chain` and `registry`, that of version 1
    for one without: the same content hashed with the other domain is content edited."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    for where in ("key 2", "event 3"):
        section, i = pick(key_lines, lines, where)
        event = json.loads(section[i])
        other = hashlib.sha256(EVENT_DOMAINS[1] + canonical(content_of(event))).hexdigest()
        kept = section[i]
        section[i] = edited(kept, hash=other, signature=line_signer(kept)(other))
        assert verdict_of(tmp_path, join(header, key_lines, lines)) == (
            event["seq"],
            "content edited: hash does not match content",
        )
        section[i] = kept
    # a line of version 1 hashed with the domain of version 2
    _, v2_keys, v2_lines, _ = split(VECTOR_V2_BYTES)
    event = json.loads(v2_lines[2])
    other = hashlib.sha256(EVENT_DOMAINS[2] + canonical(content_of(event))).hexdigest()
    forged = edited(v2_lines[2], hash=other, signature=line_signer(v2_lines[2], VECTOR_V2_DOC)(other))
    v2_header = VECTOR_V2_BYTES.split(b"\n")[0]
    assert verdict_of(tmp_path, join(v2_header, v2_keys, [*v2_lines[:2], forged, *v2_lines[3:]])) == (
        7,
        "content edited: hash does not match content",
    )


def test_a_chain_checkpoint_vouches_for_an_export_through_its_event(tmp_path: Path) -> None:
    """Section 5, "Checkpoints for an export file": a checkpoint of the organ's chain (`chain: main`)
    vouches for the v3 vector through the organ chain's event it names, which the file holds; one
    whose event the file does not hold cannot vouch for it (invalid input, exit 2)."""
    header, key_lines, lines, _ = split(VECTOR_BYTES)
    at = VECTOR_DOC["exported_at"]
    main = Checkpoint(5, hash_of(lines[4]), at, chain=MAIN)
    anchor = tmp_path / "anchor.txt"
    anchor.write_text(main.plain(), encoding="utf-8")
    assert "chain: main\n" in main.plain() and checkpoint_mod.read_anchor(anchor) == main
    anchor.write_text(json.dumps(main.as_dict()), encoding="utf-8")
    assert main.as_dict()["chain"] == MAIN and checkpoint_mod.read_anchor(anchor) == main
    assert filecheck.verify_file(VECTOR, main, anchor) == Verdict(True, 5)
    assert anchored_verify(VECTOR_BYTES, Anchor(5, main.head, MAIN)) == Finding(True, None, "ok")
    # any event of the organ's chain the file holds, and the registry chain's through a key line
    for cp in (Checkpoint(3, hash_of(lines[2]), at, chain=MAIN), Checkpoint(2, hash_of(key_lines[1]), at)):
        assert filecheck.verify_file(VECTOR, cp) == Verdict(True, 5)
        assert anchored_verify(VECTOR_BYTES, Anchor(cp.size, cp.head, cp.chain)) == Finding(True, None, "ok")
    # the organ's chain rewritten by someone holding every key, every line signed again: the file
    # verifies on its own (the header's checkpoint is the registry chain's), the kept checkpoint finds it
    rewritten = forge_chain(lines, {2: {"at": "2020-01-01T00:00:00.000000Z"}}, sign=vector_sign)
    raw = join(header, key_lines, rewritten)
    assert verdict_of(tmp_path, raw) == (None, None)
    path = write(tmp_path, raw)
    assert filecheck.verify_file(path, main, anchor) == Verdict(
        False, 5, 5, "rewritten: event 5 of chain main differs from the checkpoint"
    )
    assert anchored_verify(raw, Anchor(5, main.head, MAIN)) == Finding(False, 5, "rewritten")
    # ... as a checkpoint of the registry chain cannot: the key lines are untouched
    registry = Checkpoint(4, hash_of(key_lines[3]), at)
    assert filecheck.verify_file(path, registry) == Verdict(True, 5)
    assert anchored_verify(raw, Anchor(4, registry.head)) == Finding(True, None, "ok")
    # checkpoints whose event the file does not hold: of the organ's chain beyond the file's events, of
    # the registry chain beyond its key lines, of another organ's chain
    for cp in (
        Checkpoint(6, "ab" * 32, at, chain=MAIN),
        Checkpoint(5, hash_of(lines[4]), at),
        Checkpoint(5, hash_of(lines[4]), at, chain="shahe"),
    ):
        unheld = f"names event {cp.size} of chain {cp.chain}, which the file does not hold"
        with pytest.raises(InvalidInput, match=unheld):
            filecheck.verify_file(VECTOR, cp, anchor)
        assert anchored_verify(VECTOR_BYTES, Anchor(cp.size, cp.head, cp.chain)) == Finding(
            False, None, "invalid input"
        )
    # an export is checked against exactly one checkpoint: `dflow audit head`'s every chain is refused
    anchor.write_text(Checkpoint(4, hash_of(key_lines[3]), at).plain() + "\n" + main.plain(), encoding="utf-8")
    assert len(checkpoint_mod.read_anchors(anchor)) == 2
    with pytest.raises(InvalidInput, match="not a checkpoint: it holds 2 checkpoints"):
        checkpoint_mod.read_anchor(anchor)


# ---------------------------------------------------------------------------- checkpoints


def test_a_checkpoint_reads_back_from_its_plain_and_json_forms(walked: tuple[Engine, int, int], tmp_path: Path) -> None:
    engine, _, _ = walked
    every = verification.checkpoint(engine)  # `dflow audit head`: every chain's, the registry's first
    assert isinstance(every, list) and [cp.chain for cp in every] == [REGISTRY, MAIN]
    for cp in every:
        assert (cp.size, cp.head) == chain_head(engine, cp.chain) and cp.decision is None
        one = checkpoint_of(engine, cp.chain)  # `dflow audit head --organ CHAIN`: the same, read on the clock
        assert (one.chain, one.size, one.head) == (cp.chain, cp.size, cp.head)
    registry, cp = every
    assert cp.plain() == f"decision-flow audit checkpoint\nchain: main\nsize: {cp.size}\nhead: {cp.head}\nat: {cp.at}\n"
    assert cp.as_dict() == {"chain": MAIN, "size": cp.size, "head": cp.head, "at": cp.at}
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
    # every chain's, as `dflow audit head` prints them: plain blocks separated by an empty line, a JSON list
    for form in ("\n".join(c.plain() for c in every), json.dumps([c.as_dict() for c in every])):
        path.write_text(form, encoding="utf-8")
        assert checkpoint_mod.read_anchors(path) == every, form
    # a checkpoint without a chain (taken before chains per organ) is the registry chain's
    assert registry.plain().count("\nchain: registry\n") == 1
    for form in (
        registry.plain().replace("chain: registry\n", ""),
        json.dumps({k: v for k, v in registry.as_dict().items() if k != "chain"}),
    ):
        path.write_text(form, encoding="utf-8")
        assert checkpoint_mod.read_anchor(path) == registry, form


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
        # a chain and a decision both, a chain named twice, a chain with no name or too long a name
        "decision-flow audit checkpoint\nchain: main\ndecision: 7\nsize: 3\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nchain: main\nchain: main\nsize: 3\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nchain: \nsize: 3\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        "decision-flow audit checkpoint\nchain: " + "a" * 41 + "\nsize: 3\nhead: {h}\nat: 2024-12-31T01:00:00Z\n",
        '{{"size": 3, "head": "{h}"}}',
        '{{"size": "3", "head": "{h}", "at": "2024-12-31T01:00:00Z"}}',
        '{{"size": true, "head": "{h}", "at": "2024-12-31T01:00:00Z"}}',
        '{{"size": 3, "head": "{h}", "at": "2024-12-31T01:00:00Z", "x": 1}}',
        '{{"size": 3, "head": "{h}", "at": "2024-12-31T01:00:00Z"',
        '{{"chain": 5, "size": 3, "head": "{h}", "at": "2024-12-31T01:00:00Z"}}',
        '{{"chain": "main", "decision": 7, "size": 3, "head": "{h}", "at": "2024-12-31T01:00:00Z"}}',
        "[]",
        "[3]",
    ],
)
def test_anything_else_is_not_a_checkpoint(tmp_path: Path, text: str) -> None:
    path = tmp_path / "anchor.txt"
    path.write_text(text.format(h="ab" * 32), encoding="utf-8")
    with pytest.raises(InvalidInput, match="not a checkpoint") as caught:
        checkpoint_mod.read_anchors(path)
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
    registry, cp = checkpoint_of(engine, REGISTRY), checkpoint_of(engine, MAIN)
    total = verification.verify(engine).events
    assert total == registry.size + cp.size
    with closing(attacker(engine)) as con:
        con.execute("DELETE FROM audit_events WHERE chain = ? AND seq > ?", (MAIN, cp.size - 3))
    assert verification.verify(engine) == Verdict(True, total - 3)
    expected = Verdict(
        False,
        total - 3,
        cp.size,
        f"truncated: chain main has {cp.size - 3} events, the checkpoint {cp.size}",
        chain=MAIN,
    )
    assert verification.verify_anchor(engine, cp) == expected
    assert verification.verify_anchor(engine, [registry, cp]) == expected
    assert verification.verify_anchor(engine, registry) == Verdict(True, total - 3)  # the registry chain is whole
    # the chain grown back past the checkpoint is another history: rewritten
    for _ in range(4):
        with pytest.raises(Blocked):
            engine.advance(b, OFFICER, to="archiving")  # refusals of a decision: in its organ's chain
    assert verification.verify(engine).ok
    assert chain_head(engine, MAIN)[0] == cp.size + 1
    assert verification.verify_anchor(engine, cp) == Verdict(
        False, total + 1, cp.size, f"rewritten: event {cp.size} of chain main differs from the checkpoint", chain=MAIN
    )


def _edited_seq(engine: Engine, a: int, size: int, first_edited: str) -> int:
    events = queries.trail(engine, a)["events"]
    return {"first": 1, "refusal": next(e["seq"] for e in events if e["action"] == "refused"), "last": size}[
        first_edited
    ]


@pytest.mark.parametrize("first_edited", ["first", "refusal", "last"])
def test_a_rewritten_history_is_found_by_the_signatures(walked: tuple[Engine, int, int], first_edited: str) -> None:
    """Someone with the database but not the users' keys edits an event of the organ's chain and
    recomputes every hash after it: the chain is consistent again, the signatures are not."""
    engine, a, _ = walked
    cp = checkpoint_of(engine, MAIN)
    k = _edited_seq(engine, a, cp.size, first_edited)
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET data = '{}', actor = 'mallory' WHERE chain = ? AND seq = ?", (MAIN, k))
        assert not verification.verify(engine).ok
        rehash_from(con, MAIN, k)
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.first_bad_seq, verdict.chain) == (False, k, MAIN)
    assert verdict.reason == "signature without a key: 'mallory' holds no registered key at this point"
    assert verification.verify_anchor(engine, cp) == verdict


@pytest.mark.parametrize("first_edited", ["first", "refusal", "last"])
def test_a_rewritten_history_signed_with_every_key_is_found_against_an_earlier_checkpoint(
    walked: tuple[Engine, int, int], first_edited: str
) -> None:
    """Someone holding the database and every user's key file backdates an event and signs
    everything again: only a checkpoint kept outside the system finds it."""
    engine, a, _ = walked
    registry, cp = checkpoint_of(engine, REGISTRY), checkpoint_of(engine, MAIN)
    total = registry.size + cp.size
    k = _edited_seq(engine, a, cp.size, first_edited)
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET at = '2020-01-01T00:00:00.000000Z' WHERE chain = ? AND seq = ?", (MAIN, k))
        rehash_from(con, MAIN, k)
        resign_from(con, MAIN, k, engine.keys)
    assert verification.verify(engine) == Verdict(True, total)  # consistent: plain verification passes
    assert verification.verify_anchor(engine, registry) == Verdict(True, total)  # the registry chain is untouched
    assert verification.verify_anchor(engine, [registry, cp]) == Verdict(
        False, total, cp.size, f"rewritten: event {cp.size} of chain main differs from the checkpoint", chain=MAIN
    )


def test_a_grown_chain_still_extends_its_checkpoint(walked: tuple[Engine, int, int], tmp_path: Path) -> None:
    engine, a, b = walked
    every = verification.checkpoint(engine)
    assert isinstance(every, list)
    _, main = every
    path = tmp_path / "anchor.txt"
    path.write_text("\n".join(cp.plain() for cp in every), encoding="utf-8")
    engine.advance(b, OFFICER)  # completes B's initiation and moves it to drafting
    with pytest.raises(Blocked):
        engine.advance(a, OFFICER, to="archiving")
    grown = verification.verify(engine)
    assert grown.ok and grown.events == sum(cp.size for cp in every) + 3
    assert chain_head(engine, MAIN)[0] == main.size + 3
    assert verification.verify_anchor(engine, checkpoint_mod.read_anchors(path)) == grown
    assert verification.verify_anchor(engine, Checkpoint(0, GENESIS, main.at, chain=MAIN)) == grown
    wrong_head = Checkpoint(main.size, "f" * 64, main.at, chain=MAIN)
    assert (
        verification.verify_anchor(engine, wrong_head).reason
        == f"rewritten: event {main.size} of chain main differs from the checkpoint"
    )
    # a chain that no longer verifies fails as such, whatever the checkpoint
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET actor = 'mallory' WHERE chain = ? AND seq = 2", (REGISTRY,))
    broken = verification.verify_anchor(engine, every)
    assert (broken.first_bad_seq, kind(broken), broken.chain) == (2, "content edited", REGISTRY)


# ---------------------------------------------------------------------------- streaming


def append_raw(engine: Engine, decision: int, until: int) -> None:
    """Append events of version 2 to `decision` straight into its organ's chain, hashed by the
    documented formula (of the registry chain's size as their position) and signed with the
    officer's key, until it holds `until` of them (a large trail without thousands of engine calls)."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path, isolation_level=None)) as con:
        (organ,) = con.execute("SELECT organ FROM decisions WHERE id = ?", (decision,)).fetchone()
        last, prev = con.execute(
            "SELECT seq, hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1", (organ,)
        ).fetchone()
        number, decision_prev = con.execute(
            "SELECT decision_seq, hash FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1",
            (decision,),
        ).fetchone()
        (registry,) = con.execute("SELECT max(seq) FROM audit_events WHERE chain = ?", (REGISTRY,)).fetchone()
        rows = []
        officer = engine.keys.signer(OFFICER)
        for seq in range(last + 1, last + 1 + until - number):
            number += 1
            content = {
                "seq": seq, "at": "2024-12-31T02:00:00.000000Z", "actor": OFFICER, "action": "noted",
                "decision": decision, "decision_seq": number, "decision_prev": decision_prev, "stage": "initiation",
                "step": None, "data": {"note": "沙河乡" * 20, "n": seq}, "prev_hash": prev,
                "chain": organ, "registry": registry,
            }  # fmt: skip
            prev = decision_prev = event_hash(content)
            content |= {"hash": prev, "signature": officer.sign(prev)}
            rows.append(row_of(content))
        con.execute("BEGIN")
        con.executemany(INSERT_EVENT, rows)
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
        assert filecheck.verify_file(out) == Verdict(True, total)
    assert verification.verify(engine).ok
    # twice the events, not twice the memory: rows are read in batches (audit.iter_decision)
    assert peaks[1] < peaks[0] * 1.25, peaks


def test_the_documents_signed_worked_example_is_the_vectors_first_key_line() -> None:
    """Section 4a's worked example: its content, hash and signature are the first key line of the
    v3 vector (an event of version 2, hashed with that version's domain), and the hash and size it
    gives for the same event as written before chains per organ are the v2 vector's first key line
    (version 1)."""
    text = DOC.read_text(encoding="utf-8")
    line = json.loads(split(VECTOR_BYTES)[1][0])
    digest, signature = line.pop("hash"), line.pop("signature")
    content = canonical(line)
    assert f"({len(content)} bytes):\n\n    {content.decode()}\n" in text
    assert f"`decision-flow/audit/v2` + line feed, to\n`{digest}`" in text and f"`{signature}`." in text
    assert event_hash(line) == digest and version_of(line) == 2
    assert signature_holds(line["data"]["public_key"], digest, signature)
    old = json.loads(split(VECTOR_V2_BYTES)[1][0])
    old_digest = old.pop("hash")
    old.pop("signature")
    assert version_of(old) == 1 and event_hash(old) == old_digest
    assert f"{len(canonical(old))} bytes without `chain` and `registry`, hash\n`{old_digest}`" in text
