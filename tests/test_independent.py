"""A corpus of altered trails on which decision-flow's verifiers and an independent one must agree.

`tests/independent/verify_trail.py` was written from docs/audit-format.md alone. Here the engine
writes a real trail (signed events, a key rotation, a revocation and a new key, a change of roles,
signed and unsigned refusals, two decisions interleaved); each case alters one export file or one
copy of the database and both verifiers must give the same (ok, event named, kind of fault). A
disagreement is a place where the document, or one of its readings, is wrong.

Forgeries marked "forged" are careful: the edited event's hash, every hash after it that links to
a changed one, the signatures of the events re-hashed (with the keys that signed them before, as a
forger holding every key file would) and the digest are recomputed, so that only the rule under
test can catch them.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from decision_flow.core.errors import Blocked, Forbidden, InvalidInput
from decision_flow.engine import Engine, queries, users
from decision_flow.store.db import Database
from decision_flow.trail import filecheck
from tests.conftest import TODAY, Clock
from tests.flow import ADMIN, AUDITOR, EXECUTIVE, OFFICER, REVIEWER, new_decision, record_valid, register_users
from tests.independent.verify_trail import (
    CONTENT_KEYS,
    DIGEST_DOMAIN,
    KEY_ACTIONS,
    SIGN_DOMAIN,
    V1,
    V2,
    ZEROS,
    Finding,
    canonical,
    content_hash,
    signed_by,
    verify_export,
    verify_sqlite,
)

VECTOR = Path(__file__).parent / "vectors" / "trail-export.json"
COLUMNS = (
    "seq",
    "at",
    "actor",
    "action",
    "decision_id",
    "decision_seq",
    "decision_prev",
    "stage",
    "step",
    "data",
    "prev_hash",
    "hash",
    "signature",
)


class Stranger:
    """A key no user holds, signing as the engine's signers do (docs §4a)."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes_raw()
        self.public = "ed25519:" + base64.b64encode(raw).decode()

    def sign(self, hash_hex: str) -> str:
        return base64.b64encode(self.key.sign(SIGN_DOMAIN + hash_hex.encode())).decode()


@dataclass
class Trail:
    """One engine-written trail, built once: its database, the export of decision 1, the signers."""

    db: Path
    export: bytes  # as the engine wrote it
    v2: bytes  # the engine's file if it is v2, else written from the database by section 6
    v1: bytes  # the engine's file if it is v1, else the v2 file without keys and signatures
    seq: dict[str, int]  # the events the cases alter, by name
    signer: dict[str, Any]  # "zhao" (current key), "zhao_old", "qian", "qian_old", ...
    public: dict[str, str] = field(default_factory=dict)
    version: str = V2  # the format the export cases start from

    def raw(self) -> bytes:
        return self.v2 if self.version == V2 else self.v1

    def doc(self, version: str | None = None) -> dict[str, Any]:
        return json.loads(self.v2 if (version or self.version) == V2 else self.v1)  # type: ignore[no-any-return]

    def resign(self, old_sig: str, old_hash: str, new_hash: str) -> str:
        """Sign `new_hash` with the key that made `old_sig` over `old_hash`."""
        for signer in self.signer.values():
            if signed_by(signer.public, old_sig, old_hash):
                return signer.sign(new_hash)  # type: ignore[no-any-return]
        return old_sig


# ---------------------------------------------------------------- writing and forging export files


def dump(doc: dict[str, Any], *, keep_digest: bool = False, count: int | None = None) -> bytes:
    """The file of section 6 for `doc`, its digest recomputed unless kept."""
    version = doc["format"]

    def section(items: list[Any]) -> list[bytes]:
        return [canonical(item) + (b"," if i < len(items) - 1 else b"") for i, item in enumerate(items)]

    head = b'{"format":' + canonical(version) + b',"exported_at":' + canonical(doc["exported_at"])
    head += b',"checkpoint":' + canonical(doc["checkpoint"]) + b',"decision":' + canonical(doc["decision"])
    lines = [head + (b',"keys":[' if "keys" in doc else b',"events":[')]
    if "keys" in doc:
        lines += section(doc["keys"]) + [b'],"events":[']
    lines += section(doc["events"])
    n = len(doc["events"]) if count is None else count
    body = b"\n".join(lines) + b'\n],"count":' + str(n).encode() + b',"digest":"'
    domain = DIGEST_DOMAIN.get(version, DIGEST_DOMAIN[V2])
    digest = doc["digest"] if keep_digest else hashlib.sha256(domain + body).hexdigest()
    return body + digest.encode() + b'"}\n'


def rehash(ev: dict[str, Any]) -> None:
    """Section 2's formula over the line's content."""
    ev["hash"] = content_hash({k: ev[k] for k in CONTENT_KEYS}, canonical(ev["data"]))


def seq_order(ev: dict[str, Any]) -> float:
    return ev["seq"] if type(ev["seq"]) is int else float("inf")


def forge(doc: dict[str, Any], t: Trail, sign: dict[int, Any] | None = None) -> dict[str, Any]:
    """Recompute every hash in seq order, relink what linked to a changed hash, re-sign what was
    re-hashed (`sign`: seq -> the signer to use instead of the one that signed before)."""
    changed: dict[str, str] = {}
    for ev in sorted(doc.get("keys", []) + doc["events"], key=seq_order):
        for link in ("prev_hash", "decision_prev"):
            if isinstance(ev[link], str) and ev[link] in changed:
                ev[link] = changed[ev[link]]
        old = ev["hash"]
        rehash(ev)
        if ev["hash"] != old:
            changed[old] = ev["hash"]
            if sign and ev["seq"] in sign and "signature" in ev:
                ev["signature"] = sign[ev["seq"]].sign(ev["hash"])
            elif ev.get("signature") is not None:
                ev["signature"] = t.resign(ev["signature"], old, ev["hash"])
    head = doc["checkpoint"]["head"]
    doc["checkpoint"]["head"] = changed.get(head, head)
    return doc


def line(doc: dict[str, Any], seq: int) -> dict[str, Any]:
    return next(ev for ev in doc.get("keys", []) + doc["events"] if ev["seq"] == seq)


def drop(doc: dict[str, Any], *seqs: int) -> dict[str, Any]:
    if "keys" in doc:
        doc["keys"] = [ev for ev in doc["keys"] if ev["seq"] not in seqs]
    doc["events"] = [ev for ev in doc["events"] if ev["seq"] not in seqs]
    return doc


def v2_from_database(db: Path, v1: bytes) -> bytes:
    """Section 6's v2 file for the decision of a v1 file, its events and key events read from the
    database: used while the engine still writes v1."""
    doc = json.loads(v1)
    with closing(sqlite3.connect(db)) as con:
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_events ORDER BY seq").fetchall()
    lines = []
    for row in rows:
        r = dict(zip(COLUMNS, row, strict=True))
        if r["seq"] > doc["checkpoint"]["size"]:
            continue
        ev = {k: r[k] for k in COLUMNS if k not in ("decision_id", "data")}
        ev |= {"decision": r["decision_id"], "data": json.loads(r["data"])}
        lines.append(ev)
    doc["format"] = V2
    doc["keys"] = [ev for ev in lines if ev["action"] in KEY_ACTIONS and ev["decision"] is None]
    doc["events"] = [ev for ev in lines if ev["decision"] == doc["decision"]["id"]]
    return dump({k: doc[k] for k in ("format", "exported_at", "checkpoint", "decision", "keys", "events")})


def v1_from_v2(v2: bytes) -> bytes:
    doc = json.loads(v2)
    del doc["keys"]
    for ev in doc["events"]:
        del ev["signature"]
    doc["format"] = V1
    return dump(doc)


# ---------------------------------------------------------------- the trail


def commit_key(key_file: Any) -> None:
    """Put a new key file in place as the command line does after its transaction."""
    if key_file.pending is not None and Path(key_file.pending).exists():
        Path(key_file.pending).replace(key_file.path)


def refused(act: Callable[[], Any]) -> None:
    with pytest.raises((Blocked, Forbidden)):
        act()


@pytest.fixture(scope="module")
def trail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trail]:
    tmp = tmp_path_factory.mktemp("trail")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DFLOW_KEYS", str(tmp / "keys"))
        mp.setenv("XDG_CACHE_HOME", str(tmp / "cache"))
        mp.delenv("DFLOW_PASSPHRASE", raising=False)
        mp.delenv("DFLOW_NEW_PASSPHRASE", raising=False)
        db = Database(f"sqlite:///{tmp / 'dflow.db'}")
        eng = Engine(db, now=Clock(), today=lambda: TODAY)
        files = tmp / "files"
        files.mkdir()
        register_users(eng)  # 1-5 user_added, the admin's own key first

        def signer_of(name: str) -> Any:  # through another engine: the key ring remembers what it loaded
            return Engine(db, now=Clock(), today=lambda: TODAY).keys.signer(name)

        signer = {name: signer_of(name) for name in (ADMIN, OFFICER, REVIEWER, EXECUTIVE, AUDITOR)}
        signer["zhao_old"], signer["qian_old"] = signer.pop(OFFICER), signer.pop(REVIEWER)
        d1 = new_decision(eng)
        record_valid(eng, d1, "initiation", files)
        d2 = new_decision(eng, title="沙河乡第二项决策")
        refused(lambda: eng.advance(d1, OFFICER, to="legality_review"))  # signed refusal
        commit_key(users.rotate(eng, OFFICER))
        eng.complete(d1, "initiation", OFFICER)  # right after a key event: links to a key line
        record_valid(eng, d2, "initiation", files)
        users.set_roles(eng, EXECUTIVE, ["executive", "officer"], ADMIN)
        users.revoke(eng, REVIEWER, "钥匙遗失", ADMIN)
        (tmp / "keys" / f"{REVIEWER}.key").rename(tmp / "qian-revoked.key")
        commit_key(users.issue(eng, REVIEWER, ADMIN))
        refused(lambda: eng.complete(d1, "initiation", REVIEWER))  # signed with the new key
        (tmp / "keys" / f"{AUDITOR}.key").rename(tmp / "li.key")
        refused(lambda: eng.complete(d1, "initiation", AUDITOR))  # no key file: unsigned
        (tmp / "li.key").rename(tmp / "keys" / f"{AUDITOR}.key")
        eng.advance(d1, OFFICER)
        signer[OFFICER], signer[REVIEWER] = signer_of(OFFICER), signer_of(REVIEWER)
        signer["stranger"] = Stranger()
        pristine = tmp / "pristine.db"
        with closing(sqlite3.connect(str(eng.db.path))) as src, closing(sqlite3.connect(pristine)) as dst:
            src.backup(dst)
        export = tmp / "export.json"
        queries.export_trail(eng, d1, export)
        db.dispose()
    with closing(sqlite3.connect(pristine)) as con:
        rows = con.execute("SELECT seq, actor, action, decision_id, signature FROM audit_events").fetchall()
    seq: dict[str, int] = {}
    names = {
        (OFFICER, "created", d1): "created",
        (OFFICER, "recorded", d1): "recorded",
        (OFFICER, "created", d2): "d2_created",
        (OFFICER, "recorded", d2): "d2_recorded",
        (OFFICER, "key_rotated", None): "rotated",
        (OFFICER, "completed", d1): "completed",
        (ADMIN, "user_roles_changed", None): "roles",
        (ADMIN, "key_revoked", None): "revoked",
        (ADMIN, "key_registered", None): "registered",
        (OFFICER, "advanced", d1): "advanced",
    }
    for number, actor, action, decision, signature in rows:
        if (actor, action, decision) in names:
            seq[names[actor, action, decision]] = number
        elif action == "refused":
            seq[f"refused_{actor}" if signature else "refused_unsigned"] = number
        elif action == "user_added":
            seq[f"added_{len([k for k in seq if k.startswith('added_')]) + 1}"] = number
    raw = export.read_bytes()
    v2 = raw if raw.startswith(b'{"format":"' + V2.encode()) else v2_from_database(pristine, raw)
    v1 = raw if raw.startswith(b'{"format":"' + V1.encode()) else v1_from_v2(raw)
    t = Trail(pristine, raw, v2, v1, seq, signer)
    t.public = {name: s.public for name, s in signer.items()}
    yield t


# ---------------------------------------------------------------- both verifiers


def theirs_file(path: Path) -> Finding:
    try:
        verdict = filecheck.verify_file(path)
    except InvalidInput:
        return Finding(False, None, "malformed")
    except Exception as exc:  # a crash is a finding too: it is reported, not hidden
        return Finding(False, None, f"raised {type(exc).__name__}")
    return Finding(verdict.ok, verdict.first_bad_seq, "ok" if verdict.ok else (verdict.reason or "").split(":")[0])


def theirs_db(path: Path) -> Finding:
    db = Database(f"sqlite:///{path}")
    try:
        verdict = queries.verify(Engine(db, now=Clock(), today=lambda: TODAY), full=True, remember=False)
    except InvalidInput:
        return Finding(False, None, "malformed")
    except Exception as exc:
        return Finding(False, None, f"raised {type(exc).__name__}")
    finally:
        db.dispose()
    return Finding(verdict.ok, verdict.first_bad_seq, "ok" if verdict.ok else (verdict.reason or "").split(":")[0])


# ---------------------------------------------------------------- the export corpus

EXPORT_CASES: dict[str, Callable[[Trail], bytes]] = {}
V1_TOO: set[str] = set()  # cases that also run on the v1 file, as "v1: NAME"


def export_case(name: str, v1: bool = False) -> Callable[[Callable[[Trail], bytes]], Callable[[Trail], bytes]]:
    def register(fn: Callable[[Trail], bytes]) -> Callable[[Trail], bytes]:
        assert name not in EXPORT_CASES, name
        EXPORT_CASES[name] = fn
        if v1:
            V1_TOO.add(name)
        return fn

    return register


def edit(t: Trail, name: str, key: str, value: Any) -> dict[str, Any]:
    doc = t.doc()
    line(doc, t.seq[name])[key] = value
    return doc


def with_recomputed_hash(doc: dict[str, Any], seq: int) -> dict[str, Any]:
    rehash(line(doc, seq))
    return doc


# every content key of an event, edited: hash kept; its own hash recomputed; forged
EDITS: dict[str, tuple[str, Any]] = {
    "seq": ("recorded", 8),
    "at": ("recorded", "2025-01-02T03:04:05.000000Z"),
    "actor": ("recorded", EXECUTIVE),
    "action": ("recorded", "waived"),
    "decision": ("recorded", 2),
    "decision_seq": ("recorded", 3),
    "decision_prev": ("recorded", "a" * 64),
    "stage": ("recorded", "drafting"),
    "step": ("recorded", None),
    "data": ("recorded", {"evidence": [], "fields": {"undertaking_unit": "沙河乡财政所"}}),
    "prev_hash": ("completed", "b" * 64),
}


def _edit_cases() -> None:
    for key, (name, value) in EDITS.items():

        def kept(t: Trail, key: str = key, name: str = name, value: Any = value) -> bytes:
            return dump(edit(t, name, key, value), keep_digest=True)

        def own_hash(t: Trail, key: str = key, name: str = name, value: Any = value) -> bytes:
            return dump(with_recomputed_hash(edit(t, name, key, value), t.seq[name] if key != "seq" else value))

        def forged(t: Trail, key: str = key, name: str = name, value: Any = value) -> bytes:
            sign = {t.seq[name]: t.signer[value]} if key == "actor" else None
            return dump(forge(edit(t, name, key, value), t, sign))

        export_case(f"{key} edited, hash kept", v1=True)(kept)
        export_case(f"{key} edited, its hash and the digest recomputed", v1=True)(own_hash)
        export_case(f"{key} edited, forged", v1=True)(forged)


_edit_cases()


@export_case("original v2")
def _original(t: Trail) -> bytes:
    return t.raw()


@export_case("original v1")
def _original_v1(t: Trail) -> bytes:
    return t.v1


@export_case("test vector v1")
def _vector(t: Trail) -> bytes:
    return VECTOR.read_bytes()


@export_case("key event data edited, forged by the admin")
def _key_data(t: Trail) -> bytes:
    doc = edit(t, "roles", "data", {"name": EXECUTIVE, "new": ["executive"], "old": ["executive"]})
    return dump(forge(doc, t))


@export_case("key event edited, hash kept")
def _key_kept(t: Trail) -> bytes:
    return dump(edit(t, "revoked", "at", "2025-01-01T00:00:00.000000Z"))


@export_case("hash member edited", v1=True)
def _hash_edited(t: Trail) -> bytes:
    return dump(edit(t, "recorded", "hash", "c" * 64))


@export_case("a content key removed, forged", v1=True)
def _key_removed(t: Trail) -> bytes:
    doc = t.doc()
    del line(doc, t.seq["recorded"])["step"]
    ev = line(doc, t.seq["recorded"])
    ev["hash"] = hashlib.sha256(
        b"decision-flow/audit/v1\n" + canonical({k: ev[k] for k in ev if k != "hash"})
    ).hexdigest()
    return dump(doc)


@export_case("a key added to an event, hash kept", v1=True)
def _key_added(t: Trail) -> bytes:
    return dump(edit(t, "recorded", "note", "补记"))


# ---- wrong types, every hash and the digest recomputed (issue 18)


def typed(name: str, key: str, value: Any) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        return dump(forge(edit(t, name, key, value), t))

    return build


for _name, _key, _value, _what in (
    ("created", "decision_seq", True, "decision_seq as true"),
    ("recorded", "data", [], "data as []"),
    ("recorded", "stage", 7, "stage as 7"),
    ("recorded", "actor", None, "actor as null"),
    ("refused_qian", "prev_hash", None, "prev_hash as null in the middle of the chain"),
    ("created", "decision", True, "decision as true"),
    ("recorded", "seq", "7", "seq as a string"),
    ("recorded", "decision_prev", None, "decision_prev as null after the first event"),
    ("recorded", "step", ["initiation"], "step as a list"),
    ("recorded", "at", 1735606800, "at as a number"),
    ("created", "decision", None, "decision as null"),
    ("completed", "prev_hash", "B" * 64, "prev_hash in capitals"),
    ("completed", "decision_prev", "d" * 63, "decision_prev of 63 digits"),
    ("revoked", "decision_seq", 1, "decision_seq on a key event"),
    ("roles", "data", "name=sun", "key event data as a string"),
):
    export_case(f"wrong type: {_what}, forged", v1=_name not in ("revoked", "roles"))(typed(_name, _key, _value))


@export_case("wrong type: signature as a number")
def _sig_number(t: Trail) -> bytes:
    return dump(edit(t, "recorded", "signature", 5))


@export_case("decision_seq as 2.0, forged", v1=True)
def _fraction(t: Trail) -> bytes:
    raw = dump(forge(edit(t, "recorded", "decision_seq", 2), t))
    return raw.replace(b'"decision_seq":2,', b'"decision_seq":2.0,', 1)


# ---- events deleted, swapped, duplicated, moved


@export_case("event deleted", v1=True)
def _deleted(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["recorded"]))


@export_case("event deleted, count kept", v1=True)
def _deleted_count(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["recorded"]), count=len(t.doc()["events"]))


@export_case("first event deleted", v1=True)
def _deleted_first(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["created"]))


@export_case("last event deleted", v1=True)
def _deleted_last(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["advanced"]))


@export_case("last event deleted, count kept", v1=True)
def _deleted_last_count(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["advanced"]), count=len(t.doc()["events"]))


@export_case("last event line cut out of the file", v1=True)
def _cut(t: Trail) -> bytes:
    lines = t.raw().split(b"\n")
    return b"\n".join(lines[:-3] + lines[-2:])


@export_case("file ends after an event line and its comma", v1=True)
def _ends_after_comma(t: Trail) -> bytes:
    lines = t.raw().split(b"\n")
    first_event = lines.index(b'],"events":[') + 1 if b'],"events":[' in lines else 1
    return b"\n".join(lines[: first_event + 1]) + b"\n"


@export_case("file ends after the last event line", v1=True)
def _ends_after_last(t: Trail) -> bytes:
    lines = t.raw().split(b"\n")
    return b"\n".join(lines[:-2]) + b"\n"


@export_case("two events swapped", v1=True)
def _swapped(t: Trail) -> bytes:
    doc = t.doc()
    ev = doc["events"]
    ev[1], ev[2] = ev[2], ev[1]
    return dump(doc)


@export_case("two events swapped, numbers and links rewritten, forged", v1=True)
def _swapped_forged(t: Trail) -> bytes:
    doc = t.doc()
    a, b = doc["events"][1], doc["events"][2]
    for k in ("seq", "decision_seq", "decision_prev", "prev_hash", "stage", "step"):
        a[k], b[k] = b[k], a[k]
    a["data"], b["data"], a["action"], b["action"] = b["data"], a["data"], b["action"], a["action"]
    return dump(forge(doc, t))


@export_case("event duplicated", v1=True)
def _duplicated(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].insert(2, copy.deepcopy(doc["events"][1]))
    return dump(doc)


@export_case("last event duplicated", v1=True)
def _duplicated_last(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].append(copy.deepcopy(doc["events"][-1]))
    return dump(doc)


@export_case("event moved to decision 2, forged", v1=True)
def _moved(t: Trail) -> bytes:
    doc = edit(t, "completed", "decision", 2)
    return dump(forge(doc, t))


@export_case("event of decision 2 inserted", v1=True)
def _inserted(t: Trail) -> bytes:
    doc = t.doc()
    with closing(sqlite3.connect(t.db)) as con:
        row = con.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_events WHERE seq = ?", (t.seq["d2_created"],))
        r = dict(zip(COLUMNS, row.fetchone(), strict=True))
    ev = {k: r[k] for k in COLUMNS if k not in ("decision_id", "data")}
    ev |= {"decision": r["decision_id"], "data": json.loads(r["data"])}
    if "signature" not in doc["events"][0]:
        del ev["signature"]
    doc["events"].insert(2, ev)
    return dump(doc)


@export_case("decision id in the header changed to 2", v1=True)
def _header_id(t: Trail) -> bytes:
    doc = t.doc()
    doc["decision"]["id"] = 2
    return dump(doc)


# ---- signatures


def signature(t: Trail, name: str, value: Callable[[dict[str, Any]], Any]) -> bytes:
    doc = t.doc()
    ev = line(doc, t.seq[name])
    ev["signature"] = value(ev)
    return dump(doc)


@export_case("signature removed")
def _sig_removed(t: Trail) -> bytes:
    return signature(t, "completed", lambda ev: None)


@export_case("signature removed from a signed refusal")
def _sig_removed_refusal(t: Trail) -> bytes:
    return signature(t, "refused_zhao", lambda ev: None)


@export_case("signature removed from a key event")
def _sig_removed_key(t: Trail) -> bytes:
    return signature(t, "registered", lambda ev: None)


@export_case("signature removed from the first key")
def _sig_removed_first(t: Trail) -> bytes:
    return signature(t, "added_1", lambda ev: None)


@export_case("signatures swapped between two events")
def _sig_swapped(t: Trail) -> bytes:
    doc = t.doc()
    a, b = line(doc, t.seq["created"]), line(doc, t.seq["recorded"])
    a["signature"], b["signature"] = b["signature"], a["signature"]
    return dump(doc)


@export_case("signature made by another user's key")
def _sig_other(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: t.signer[EXECUTIVE].sign(ev["hash"]))


@export_case("signature made by a key no user holds")
def _sig_stranger(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: t.signer["stranger"].sign(ev["hash"]))


@export_case("signature made with the key rotated away")
def _sig_rotated(t: Trail) -> bytes:
    return signature(t, "completed", lambda ev: t.signer["zhao_old"].sign(ev["hash"]))


@export_case("signature made with the new key before the rotation")
def _sig_too_early(t: Trail) -> bytes:
    return signature(t, "refused_zhao", lambda ev: t.signer[OFFICER].sign(ev["hash"]))


@export_case("signature made with the revoked key")
def _sig_revoked(t: Trail) -> bytes:
    return signature(t, "refused_qian", lambda ev: t.signer["qian_old"].sign(ev["hash"]))


@export_case("signature of the rotation made with the new key")
def _sig_rotation_new(t: Trail) -> bytes:
    return signature(t, "rotated", lambda ev: t.signer[OFFICER].sign(ev["hash"]))


@export_case("signature of the first key made by a key no user holds")
def _sig_first_stranger(t: Trail) -> bytes:
    return signature(t, "added_1", lambda ev: t.signer["stranger"].sign(ev["hash"]))


@export_case("event given a key event's seq, forged", v1=True)
def _same_seq(t: Trail) -> bytes:
    return dump(forge(edit(t, "completed", "seq", t.seq["rotated"]), t))


@export_case("signature not base64")
def _sig_garbage(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: "not base64!")


@export_case("signature of another message")
def _sig_message(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: t.signer[OFFICER].sign("0" * 64))


@export_case("signature added to an unsigned refusal, by the actor's key")
def _sig_added(t: Trail) -> bytes:
    return signature(t, "refused_unsigned", lambda ev: t.signer[AUDITOR].sign(ev["hash"]))


@export_case("signature added to an unsigned refusal, by another key")
def _sig_added_other(t: Trail) -> bytes:
    return signature(t, "refused_unsigned", lambda ev: t.signer[ADMIN].sign(ev["hash"]))


@export_case("signatures removed from every line")
def _sig_none(t: Trail) -> bytes:
    doc = t.doc()
    for ev in doc["keys"] + doc["events"]:
        ev["signature"] = None
    return dump(doc)


# ---- key events


@export_case("revocation removed from the keys")
def _no_revocation(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["revoked"]))


@export_case("revocation and new key removed from the keys")
def _no_revocation_issue(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["revoked"], t.seq["registered"]))


@export_case("revocation and new key removed, then signed with the revoked key")
def _no_revocation_resigned(t: Trail) -> bytes:
    doc = drop(t.doc(), t.seq["revoked"], t.seq["registered"])
    ev = line(doc, t.seq["refused_qian"])
    ev["signature"] = t.signer["qian_old"].sign(ev["hash"])
    return dump(doc)


@export_case("rotation removed from the keys")
def _no_rotation(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["rotated"]))


@export_case("roles change removed from the keys")
def _no_roles(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["roles"]))


@export_case("every key event removed")
def _no_keys(t: Trail) -> bytes:
    doc = t.doc()
    doc["keys"] = []
    return dump(doc)


@export_case("first key event removed")
def _no_first_key(t: Trail) -> bytes:
    return dump(drop(t.doc(), t.seq["added_1"]))


@export_case("two key events swapped")
def _keys_swapped(t: Trail) -> bytes:
    doc = t.doc()
    i = next(i for i, ev in enumerate(doc["keys"]) if ev["seq"] == t.seq["revoked"])
    doc["keys"][i], doc["keys"][i + 1] = doc["keys"][i + 1], doc["keys"][i]
    return dump(doc)


@export_case("key event duplicated")
def _key_dup(t: Trail) -> bytes:
    doc = t.doc()
    i = next(i for i, ev in enumerate(doc["keys"]) if ev["seq"] == t.seq["roles"])
    doc["keys"].insert(i + 1, copy.deepcopy(doc["keys"][i]))
    return dump(doc)


@export_case("decision event copied into the keys")
def _event_in_keys(t: Trail) -> bytes:
    doc = t.doc()
    doc["keys"].insert(0, copy.deepcopy(doc["events"][0]))
    return dump(doc)


@export_case("key event given a decision, forged")
def _key_with_decision(t: Trail) -> bytes:
    doc = edit(t, "roles", "decision", 1)
    line(doc, t.seq["roles"])["decision_seq"] = 9
    return dump(forge(doc, t))


@export_case("key event copied into the events")
def _key_in_events(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].insert(3, copy.deepcopy(line(doc, t.seq["rotated"])))
    return dump(doc)


def key_data(
    name: str, change: Callable[[dict[str, Any], Trail], None], sign: str | None = None
) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        doc = t.doc()
        ev = line(doc, t.seq[name])
        change(ev, t)
        return dump(forge(doc, t, {ev["seq"]: t.signer[sign]} if sign else None))

    return build


def set_data(key: str, value: Callable[[Trail], Any]) -> Callable[[dict[str, Any], Trail], None]:
    def change(ev: dict[str, Any], t: Trail) -> None:
        ev["data"][key] = value(t)

    return change


def twin(public: str) -> str:
    """The same 32 key bytes in another base64 spelling (other padding bits in the last digit)."""
    import base64

    raw = base64.b64decode(public[8:])
    return next(
        public[:-2] + c + "="
        for c in "ACEGIKMOQSUWYacegikmoqsuwy02468+"
        if c != public[-2] and base64.b64decode(public[8:-2] + c + "=") == raw
    )


def set_actor(actor: str) -> Callable[[dict[str, Any], Trail], None]:
    def change(ev: dict[str, Any], t: Trail) -> None:
        ev["actor"] = actor

    return change


for _what, _name, _change, _sign in (
    ("rotation from a key not held", "rotated", set_data("previous", lambda t: t.public[EXECUTIVE]), None),
    ("rotation written by the admin", "rotated", set_actor(ADMIN), ADMIN),
    ("rotation to another user's key", "rotated", set_data("public_key", lambda t: t.public[EXECUTIVE]), None),
    ("revocation written by an officer", "revoked", set_actor(OFFICER), OFFICER),
    ("revocation of a key not held", "revoked", set_data("public_key", lambda t: t.public[EXECUTIVE]), None),
    ("revocation of another user", "revoked", set_data("name", lambda t: EXECUTIVE), None),
    ("new key is the revoked key", "registered", set_data("public_key", lambda t: t.public["qian_old"]), None),
    ("new key is a rotated-away key", "registered", set_data("public_key", lambda t: t.public["zhao_old"]), None),
    ("new key is another user's key", "registered", set_data("public_key", lambda t: t.public[EXECUTIVE]), None),
    ("new key registered by an officer", "registered", set_actor(OFFICER), OFFICER),
    ("new key registered over a held key", "registered", set_data("name", lambda t: EXECUTIVE), None),
    ("new key registered by its holder", "registered", set_actor(REVIEWER), "qian_old"),
    ("user added with the admin's key", "added_2", set_data("public_key", lambda t: t.public[ADMIN]), None),
    ("user added by themselves", "added_2", set_actor(OFFICER), "zhao_old"),
    ("first key not an admin's", "added_1", set_data("roles", lambda t: ["officer"]), None),
    ("first key spelled another way", "added_1", set_data("public_key", lambda t: twin(t.public[ADMIN])), None),
    ("roles changed by an officer", "roles", set_actor(OFFICER), OFFICER),
    ("roles change takes the admin's role", "roles", set_data("name", lambda t: ADMIN), None),
    ("key event data without a name", "roles", set_data("name", lambda t: None), None),
    ("key event public key not base64", "registered", set_data("public_key", lambda t: "ed25519:not-a-key"), None),
    (
        "key event public key of 31 bytes",
        "revoked",
        set_data("public_key", lambda t: "ed25519:" + "A" * 40 + "="),
        None,
    ),
):
    export_case(f"key rule: {_what}, forged")(key_data(_name, _change, _sign))


@export_case("key rule: a stranger's key registered for the reviewer, forged")
def _stranger_key(t: Trail) -> bytes:
    doc = t.doc()
    ev = line(doc, t.seq["registered"])
    ev["data"] = {"name": REVIEWER, "public_key": t.public["stranger"]}
    ev = line(doc, t.seq["refused_qian"])
    doc = forge(doc, t)
    ev["signature"] = t.signer["stranger"].sign(ev["hash"])
    return dump(doc)


# ---- checkpoint, header, count, digest, layout


def header(change: Callable[[dict[str, Any]], None], keep_digest: bool = False) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        doc = t.doc()
        change(doc)
        return dump(doc, keep_digest=keep_digest)

    return build


def event_hash(doc: dict[str, Any], seq: int) -> str:
    return line(doc, seq)["hash"]  # type: ignore[no-any-return]


def setter(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(doc) if callable(value) else value

    return change


for _what, _header_change, _keep in (
    ("checkpoint head edited", setter("checkpoint", "head", value="e" * 64), False),
    ("checkpoint size lowered below the last event", setter("checkpoint", "size", value=lambda d: 17), False),
    (
        "checkpoint moved back to event 17",
        setter("checkpoint", value=lambda d: {"head": event_hash(d, 17), "size": 17}),
        False,
    ),
    ("checkpoint size lowered below a key event", setter("checkpoint", "size", value=lambda d: 12), False),
    ("checkpoint size raised", setter("checkpoint", "size", value=lambda d: d["checkpoint"]["size"] + 1), False),
    ("checkpoint of an empty chain", setter("checkpoint", value={"head": ZEROS, "size": 0}), False),
    ("export time edited, digest kept", setter("exported_at", value="2030-01-01T00:00:00.000000Z"), True),
    ("export time edited, digest recomputed", setter("exported_at", value="2030-01-01T00:00:00.000000Z"), False),
    ("decision title edited", setter("decision", "title", value="别的决策"), False),
    ("decision workflow version edited", setter("decision", "workflow_version", value=1), False),
    ("decision stage edited, digest kept", setter("decision", "stage", value="archiving"), True),
    ("decision stage edited, digest recomputed", setter("decision", "stage", value="archiving"), False),
    ("decision status edited, digest kept", setter("decision", "status", value="closed"), True),
    ("header with another key", setter("decision", "note", value="x"), False),
    ("header checkpoint size as a string", setter("checkpoint", "size", value="18"), False),
    ("header checkpoint head not a hash", setter("checkpoint", "head", value="not a hash"), False),
    (
        "header checkpoint head in capitals",
        setter("checkpoint", "head", value=lambda d: d["checkpoint"]["head"].upper()),
        False,
    ),
    ("header checkpoint size negative", setter("checkpoint", "size", value=-1), False),
    ("header checkpoint size 0 with a head", setter("checkpoint", "size", value=0), False),
    ("header decision id as true", setter("decision", "id", value=True), False),
    ("format of another version", setter("format", value="decision-flow/trail-export/v3"), False),
):
    export_case(_what, v1=True)(header(_header_change, _keep))


@export_case("v2 file without its keys section")
def _v2_no_keys(t: Trail) -> bytes:
    doc = t.doc()
    raw = dump(doc)
    return raw.replace(raw[raw.index(b',"keys":[') : raw.index(b'],"events":[') + 12], b',"events":[')


@export_case("v1 file with a keys section")
def _v1_keys(t: Trail) -> bytes:
    doc = t.doc()
    doc["format"] = V1
    return dump(doc)


@export_case("count wrong", v1=True)
def _count(t: Trail) -> bytes:
    return dump(t.doc(), count=len(t.doc()["events"]) + 1)


@export_case("count zero and no events", v1=True)
def _count_zero(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"] = []
    return dump(doc)


@export_case("digest wrong", v1=True)
def _digest(t: Trail) -> bytes:
    doc = t.doc()
    doc["digest"] = "f" * 64
    return dump(doc, keep_digest=True)


@export_case("digest in capitals", v1=True)
def _digest_caps(t: Trail) -> bytes:
    return t.raw()[:-67] + t.raw()[-67:-3].upper() + t.raw()[-3:]


@export_case("digest of the v1 domain")
def _digest_v1(t: Trail) -> bytes:
    body = t.raw()[:-67]
    return body + hashlib.sha256(DIGEST_DOMAIN[V1] + body).hexdigest().encode() + b'"}\n'


def raw_edit(old: bytes, new: bytes, count: int = 1, digest: bool = True) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        assert old in t.raw(), old
        body = t.raw()[:-67].replace(old, new, count)
        if not digest:
            return body + t.raw()[-67:]
        return body + hashlib.sha256(DIGEST_DOMAIN[t.version] + body).hexdigest().encode() + b'"}\n'

    return build


for _what, _old, _new, _count_, _digest_, _v1 in (
    (
        "a space after a comma in an event line",
        b'"action":"recorded","actor"',
        b'"action":"recorded", "actor"',
        1,
        True,
        True,
    ),
    ("a space in the header", b'{"format":', b'{"format": ', 1, True, True),
    (
        "members reordered in an event line",
        b'{"action":"recorded","actor":"zhao"',
        b'{"actor":"zhao","action":"recorded"',
        1,
        True,
        True,
    ),
    (
        "Chinese escaped as \\u in an event line",
        "沙河乡经济发展办公室".encode(),
        b"\\u6c99\\u6cb3\\u4e61\\u7ecf\\u6d4e\\u53d1\\u5c55\\u529e\\u516c\\u5ba4",
        1,
        True,
        True,
    ),
    ("CRLF line ends", b"\n", b"\r\n", -1, True, True),
    ("the line between the sections altered", b'],"events":[', b'] ,"events":[', 1, True, False),
    ("two event lines joined", b',\n{"action":"recorded"', b',{"action":"recorded"', 1, True, True),
    ("a comma removed after a key line", b',\n{"action":"key_revoked"', b'\n,{"action":"key_revoked"', 1, True, False),
    (
        "title edited in the header, digest kept",
        "沙河乡农贸市场搬迁".encode(),
        "沙河乡农贸市场迁建".encode(),
        1,
        False,
        True,
    ),
):
    export_case(_what, v1=_v1)(raw_edit(_old, _new, _count_, _digest_))


@export_case("newline at the end removed", v1=True)
def _no_newline(t: Trail) -> bytes:
    return t.raw()[:-1]


@export_case("blank line after the end", v1=True)
def _blank(t: Trail) -> bytes:
    return t.raw() + b"\n"


@export_case("text after the end", v1=True)
def _trailing(t: Trail) -> bytes:
    return t.raw() + b"x\n"


@export_case("not JSON: file cut in the middle", v1=True)
def _half(t: Trail) -> bytes:
    return t.raw()[: len(t.raw()) // 2]


@export_case("not UTF-8", v1=True)
def _latin(t: Trail) -> bytes:
    return t.raw().replace("沙".encode(), b"\xff", 1)


@export_case("empty file")
def _empty(t: Trail) -> bytes:
    return b""


@export_case("a JSON array")
def _array(t: Trail) -> bytes:
    return b"[]\n"


@export_case("NaN in an event line", v1=True)
def _nan(t: Trail) -> bytes:
    return t.raw().replace(b'"decision_seq":2,', b'"decision_seq":NaN,', 1)


# ---- v1 files


@export_case("v1: event edited, hash kept")
def _v1_edited(t: Trail) -> bytes:
    doc = t.doc(V1)
    doc["events"][1]["at"] = "2025-01-01T00:00:00.000000Z"
    return dump(doc)


@export_case("v1: event edited, forged")
def _v1_forged(t: Trail) -> bytes:
    doc = t.doc(V1)
    doc["events"][1]["at"] = "2025-01-01T00:00:00.000000Z"
    return dump(forge(doc, t))


@export_case("v1: event deleted")
def _v1_deleted(t: Trail) -> bytes:
    doc = t.doc(V1)
    del doc["events"][1]
    return dump(doc)


@export_case("v1: a line with a signature")
def _v1_signed(t: Trail) -> bytes:
    doc = t.doc(V1)
    doc["events"][0]["signature"] = None
    return dump(doc)


@export_case("v1: digest of the v2 domain")
def _v1_digest(t: Trail) -> bytes:
    body = t.v1[:-67]
    return body + hashlib.sha256(DIGEST_DOMAIN[V2] + body).hexdigest().encode() + b'"}\n'


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")[:90]


ORIGINALS = ("engine's export", "v2 export", "v1 export", "test vector", "database")


@pytest.mark.parametrize("name", ORIGINALS)
def test_original_passes_both(trail: Trail, name: str, tmp_path: Path) -> None:
    if name == "database":
        path = tmp_path / "copy.db"
        shutil.copy(trail.db, path)
        mine, theirs = verify_sqlite(str(path)), theirs_db(path)
    else:
        raw = {"engine's export": trail.export, "v2 export": trail.v2, "v1 export": trail.v1}.get(name)
        raw = VECTOR.read_bytes() if raw is None else raw
        path = tmp_path / "original.json"
        path.write_bytes(raw)
        mine, theirs = verify_export(raw), theirs_file(path)
    assert (mine, theirs) == (Finding(True, None, "ok"), Finding(True, None, "ok"))


@pytest.mark.parametrize("name", list(EXPORT_CASES) + [f"v1: {name}" for name in EXPORT_CASES if name in V1_TOO])
def test_export_case(trail: Trail, name: str, tmp_path: Path) -> None:
    """Both verifiers give the same finding for the altered file; "v1: NAME" alters the v1 file."""
    on_v1 = name.startswith("v1: ") and name[4:] in V1_TOO
    raw = EXPORT_CASES[name[4:]](dataclasses.replace(trail, version=V1)) if on_v1 else EXPORT_CASES[name](trail)
    path = tmp_path / f"{slug(name)}.json"
    path.write_bytes(raw)
    mine, theirs = verify_export(raw), theirs_file(path)
    assert mine == theirs, f"independent: {mine}; decision-flow: {theirs}"


# ---------------------------------------------------------------- the database corpus

DB_CASES: dict[str, Callable[[sqlite3.Connection, Trail], None]] = {}


def db_case(name: str) -> Callable[[Callable[[sqlite3.Connection, Trail], None]], Any]:
    def register(fn: Callable[[sqlite3.Connection, Trail], None]) -> Any:
        assert name not in DB_CASES, name
        DB_CASES[name] = fn
        return fn

    return register


def rows(con: sqlite3.Connection) -> list[dict[str, Any]]:
    return [
        dict(zip(COLUMNS, r, strict=True))
        for r in con.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_events ORDER BY seq")
    ]


def row_hash(r: dict[str, Any]) -> str:
    content = {k: r[k] for k in CONTENT_KEYS if k != "decision"} | {"decision": r["decision_id"]}
    data = b"null" if r["data"] is None else r["data"] if isinstance(r["data"], bytes) else str(r["data"]).encode()
    return content_hash(content, data)


def update(con: sqlite3.Connection, where: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE audit_events SET {sets} WHERE seq = ?", (*values.values(), where))


def db_forge(con: sqlite3.Connection, t: Trail, sign: dict[int, Any] | None = None, relink: bool = False) -> None:
    """Recompute every hash in seq order, relink what linked to a changed hash (`relink`: every link
    rewritten from the rows as they stand), re-sign what was re-hashed."""
    changed: dict[str, str] = {}
    last: dict[Any, str | None] = {}
    prev = ZEROS
    for r in rows(con):
        new = dict(r)
        if relink:
            new["prev_hash"] = prev
            if r["decision_id"] is not None:
                new["decision_prev"] = last.get(r["decision_id"])
        for link in ("prev_hash", "decision_prev"):
            if isinstance(new[link], str) and new[link] in changed:
                new[link] = changed[new[link]]
        new["hash"] = row_hash(new)
        if new["hash"] != r["hash"]:
            changed[r["hash"]] = new["hash"]
            if sign and r["seq"] in sign:
                new["signature"] = sign[r["seq"]].sign(new["hash"])
            elif r["signature"] is not None:
                new["signature"] = t.resign(r["signature"], r["hash"], new["hash"])
        if new != r:
            update(con, r["seq"], **{k: new[k] for k in COLUMNS if new[k] != r[k]})
        prev = new["hash"]
        if r["decision_id"] is not None:
            last[r["decision_id"]] = new["hash"]


def renumber_after(con: sqlite3.Connection, seq: int) -> None:
    for (number,) in con.execute("SELECT seq FROM audit_events WHERE seq > ? ORDER BY seq", (seq,)).fetchall():
        update(con, number, seq=number - 1)


def delete(con: sqlite3.Connection, *seqs: int) -> None:
    for seq in seqs:
        con.execute("DELETE FROM audit_events WHERE seq = ?", (seq,))


def without_unique(con: sqlite3.Connection, not_null: str = " NOT NULL") -> None:
    """Rebuild audit_events without its unique constraints (and NOT NULL), as a database owner can."""
    con.execute("ALTER TABLE audit_events RENAME TO audit_events_old")
    con.execute(
        f"CREATE TABLE audit_events (seq INTEGER NOT NULL PRIMARY KEY, at VARCHAR{not_null}, actor VARCHAR{not_null},"
        f" action VARCHAR{not_null}, decision_id INTEGER, stage VARCHAR, step VARCHAR, data VARCHAR{not_null},"
        f" decision_seq INTEGER, decision_prev VARCHAR(64), prev_hash VARCHAR(64){not_null},"
        f" hash VARCHAR(64){not_null}, signature VARCHAR(100))"
    )
    con.execute("INSERT INTO audit_events SELECT * FROM audit_events_old")
    con.execute("DROP TABLE audit_events_old")


COLUMN_EDITS: dict[str, tuple[str, Any]] = {
    "at": ("recorded", "2025-01-02T03:04:05.000000Z"),
    "actor": ("recorded", EXECUTIVE),
    "action": ("recorded", "waived"),
    "decision_id": ("recorded", 2),
    "decision_seq": ("recorded", 3),
    "decision_prev": ("recorded", "a" * 64),
    "stage": ("recorded", "drafting"),
    "step": ("recorded", None),
    "data": ("recorded", '{"evidence":[],"fields":{"undertaking_unit":"沙河乡财政所"}}'),
    "prev_hash": ("completed", "b" * 64),
}


def _column_cases() -> None:
    for column, (name, value) in COLUMN_EDITS.items():

        def kept(con: sqlite3.Connection, t: Trail, column: str = column, name: str = name, value: Any = value) -> None:
            if column in ("decision_id", "decision_seq"):
                without_unique(con)
            update(con, t.seq[name], **{column: value})

        def forged(
            con: sqlite3.Connection, t: Trail, column: str = column, name: str = name, value: Any = value
        ) -> None:
            kept(con, t, column, name, value)
            db_forge(con, t, {t.seq[name]: t.signer[value]} if column == "actor" else None)

        db_case(f"{column} edited, hash kept")(kept)
        db_case(f"{column} edited, forged")(forged)


_column_cases()


@db_case("signature column edited")
def _db_sig_edit(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], signature=t.signer[OFFICER].sign("0" * 64))


@db_case("hash column edited")
def _db_hash(con: sqlite3.Connection, t: Trail) -> None:
    (h,) = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (t.seq["recorded"],)).fetchone()
    update(con, t.seq["recorded"], hash=h.upper())


@db_case("data rewritten with spaces, hash kept")
def _db_spaces(con: sqlite3.Connection, t: Trail) -> None:
    (data,) = con.execute("SELECT data FROM audit_events WHERE seq = ?", (t.seq["recorded"],)).fetchone()
    update(con, t.seq["recorded"], data=json.dumps(json.loads(data), ensure_ascii=False))


@db_case("data rewritten with spaces, forged")
def _db_spaces_forged(con: sqlite3.Connection, t: Trail) -> None:
    _db_spaces(con, t)
    db_forge(con, t)


@db_case("wrong type: data as [], forged")
def _db_data_list(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], data="[]")
    db_forge(con, t)


@db_case("wrong type: data not JSON, forged")
def _db_data_text(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], data="recorded")
    db_forge(con, t)


@db_case("wrong type: decision_seq as text, forged")
def _db_dseq_text(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], decision_seq="two")
    db_forge(con, t)


@db_case("wrong type: decision_id as text, forged")
def _db_decision_text(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], decision_id="one")
    db_forge(con, t)


@db_case("wrong type: decision_prev in capitals, forged")
def _db_dprev_caps(con: sqlite3.Connection, t: Trail) -> None:
    (h,) = con.execute("SELECT decision_prev FROM audit_events WHERE seq = ?", (t.seq["recorded"],)).fetchone()
    update(con, t.seq["recorded"], decision_prev=h.upper())
    db_forge(con, t)


@db_case("wrong type: decision_seq on an event of no decision, forged")
def _db_dseq_none(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["roles"], decision_seq=1)
    db_forge(con, t)


@db_case("wrong type: decision_seq as 2.5, forged")
def _db_dseq_real(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], decision_seq=2.5)
    db_forge(con, t)


@db_case("wrong type: actor as null, forged")
def _db_actor_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.seq["recorded"], actor=None)
    db_forge(con, t)


@db_case("wrong type: prev_hash as null in the middle of the chain, forged")
def _db_prev_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.seq["completed"], prev_hash=None)
    db_forge(con, t)


@db_case("wrong type: data as null, forged")
def _db_data_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.seq["recorded"], data=None)
    db_forge(con, t)


@db_case("wrong type: data as the JSON null, forged")
def _db_data_json_null(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], data="null")
    db_forge(con, t)


@db_case("decision_prev null after the first event, forged")
def _db_dprev_null(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], decision_prev=None)
    db_forge(con, t)


@db_case("decision_prev on an event of no decision, forged")
def _db_dprev_nodecision(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["roles"], decision_prev="a" * 64)
    db_forge(con, t)


@db_case("event deleted")
def _db_deleted(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["recorded"])


@db_case("last event deleted")
def _db_deleted_last(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["advanced"])


@db_case("event deleted, later events renumbered and forged")
def _db_deleted_renumbered(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["recorded"])
    renumber_after(con, t.seq["recorded"])
    db_forge(con, t, relink=True)


@db_case("event of decision 2 deleted, renumbered and forged")
def _db_deleted_d2(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["d2_recorded"])
    renumber_after(con, t.seq["d2_recorded"])
    db_forge(con, t, relink=True)


@db_case("event deleted, every number and link rewritten, forged")
def _db_deleted_all(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["recorded"])
    renumber_after(con, t.seq["recorded"])
    for r in rows(con):
        if r["decision_id"] == 1 and r["seq"] >= t.seq["recorded"]:
            update(con, r["seq"], decision_seq=r["decision_seq"] - 1)
    db_forge(con, t, relink=True)


@db_case("revocation deleted, renumbered and forged")
def _db_no_revocation(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["revoked"])
    renumber_after(con, t.seq["revoked"])
    db_forge(con, t, relink=True)


@db_case("revocation and new key deleted, renumbered and forged")
def _db_no_revocation_issue(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.seq["revoked"], t.seq["registered"])
    renumber_after(con, t.seq["registered"])
    renumber_after(con, t.seq["revoked"])
    db_forge(con, t, relink=True)


@db_case("revocation and new key deleted, then signed with the revoked key")
def _db_no_revocation_resigned(con: sqlite3.Connection, t: Trail) -> None:
    _db_no_revocation_issue(con, t)
    seq = t.seq["refused_qian"] - 2
    (h,) = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (seq,)).fetchone()
    update(con, seq, signature=t.signer["qian_old"].sign(h))


def db_key_data(
    name: str, key: str, value: Callable[[Trail], Any], sign: str | None = None
) -> Callable[[sqlite3.Connection, Trail], None]:
    def build(con: sqlite3.Connection, t: Trail) -> None:
        (data,) = con.execute("SELECT data FROM audit_events WHERE seq = ?", (t.seq[name],)).fetchone()
        obj = json.loads(data)
        obj[key] = value(t)
        update(con, t.seq[name], data=canonical(obj).decode())
        db_forge(con, t, {t.seq[name]: t.signer[sign]} if sign else None)

    return build


for _what, _name, _key, _new_value in (
    ("rotation from a key not held", "rotated", "previous", lambda t: t.public[EXECUTIVE]),
    ("revocation of a key not held", "revoked", "public_key", lambda t: t.public[EXECUTIVE]),
    ("new key is the revoked key", "registered", "public_key", lambda t: t.public["qian_old"]),
    ("new key is another user's key", "registered", "public_key", lambda t: t.public[EXECUTIVE]),
    ("new key registered over a held key", "registered", "name", lambda t: EXECUTIVE),
    ("roles change takes the admin's role", "roles", "name", lambda t: ADMIN),
    ("key event public key not base64", "registered", "public_key", lambda t: "ed25519:not-a-key"),
):
    db_case(f"key rule: {_what}, forged")(db_key_data(_name, _key, _new_value))


@db_case("key rule: revocation written by an officer, forged")
def _db_revoke_officer(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["revoked"], actor=OFFICER)
    db_forge(con, t, {t.seq["revoked"]: t.signer[OFFICER]})


@db_case("key rule: rotation written by the admin, forged")
def _db_rotate_admin(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["rotated"], actor=ADMIN)
    db_forge(con, t, {t.seq["rotated"]: t.signer[ADMIN]})


@db_case("signature removed")
def _db_sig_removed(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["completed"], signature=None)


@db_case("signature removed from a refusal")
def _db_sig_refusal(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["refused_zhao"], signature=None)


@db_case("signature removed from the first key")
def _db_sig_first(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["added_1"], signature=None)


@db_case("signatures swapped between two events")
def _db_sig_swapped(con: sqlite3.Connection, t: Trail) -> None:
    a, b = t.seq["created"], t.seq["recorded"]
    (sa,), (sb,) = (con.execute("SELECT signature FROM audit_events WHERE seq = ?", (s,)).fetchone() for s in (a, b))
    update(con, a, signature=sb)
    update(con, b, signature=sa)


@db_case("signature made by another user's key")
def _db_sig_other(con: sqlite3.Connection, t: Trail) -> None:
    (h,) = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (t.seq["recorded"],)).fetchone()
    update(con, t.seq["recorded"], signature=t.signer[EXECUTIVE].sign(h))


@db_case("signature made with the revoked key")
def _db_sig_revoked(con: sqlite3.Connection, t: Trail) -> None:
    (h,) = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (t.seq["refused_qian"],)).fetchone()
    update(con, t.seq["refused_qian"], signature=t.signer["qian_old"].sign(h))


@db_case("two events of decision 1 swapped, forged")
def _db_swapped(con: sqlite3.Connection, t: Trail) -> None:
    a, b = t.seq["recorded"], t.seq["refused_zhao"]
    ra, rb = (rows_by_seq(con)[s] for s in (a, b))
    for column in ("at", "action", "stage", "step", "data", "signature"):
        update(con, a, **{column: rb[column]})
        update(con, b, **{column: ra[column]})
    db_forge(con, t, {a: t.signer["zhao_old"], b: t.signer["zhao_old"]}, relink=True)


def rows_by_seq(con: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    return {r["seq"]: r for r in rows(con)}


@db_case("two events swapped by their decision numbers, forged")
def _db_swapped_dseq(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con)
    a, b = t.seq["recorded"], t.seq["refused_zhao"]
    ra, rb = (rows_by_seq(con)[s] for s in (a, b))
    update(con, a, decision_seq=rb["decision_seq"])
    update(con, b, decision_seq=ra["decision_seq"])
    db_forge(con, t, relink=True)


@db_case("event duplicated at the end, forged")
def _db_duplicated(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con)
    r = rows_by_seq(con)[t.seq["completed"]]
    last = max(rows_by_seq(con))
    con.execute(
        f"INSERT INTO audit_events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        tuple({**r, "seq": last + 1}[k] for k in COLUMNS),
    )
    db_forge(con, t, relink=True)


@db_case("seq of the last event jumps ahead")
def _db_seq_gap(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["advanced"], seq=t.seq["advanced"] + 100)


@db_case("seq 0 before the first event")
def _db_seq_zero(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["added_1"], seq=0)


@db_case("event moved to decision 2 with decision 2's numbers, forged")
def _db_moved(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["advanced"], decision_id=2, decision_seq=3)
    db_forge(con, t, relink=True)


@db_case("stage stored as the integer 7, forged")
def _db_stage_int(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.seq["recorded"], stage=7)
    db_forge(con, t)


@db_case("unsigned refusal signed by its actor")
def _db_sig_added(con: sqlite3.Connection, t: Trail) -> None:
    (h,) = con.execute("SELECT hash FROM audit_events WHERE seq = ?", (t.seq["refused_unsigned"],)).fetchone()
    update(con, t.seq["refused_unsigned"], signature=t.signer[AUDITOR].sign(h))


@db_case("not a database")
def _db_garbage(con: sqlite3.Connection, t: Trail) -> None:
    con.execute("DROP TABLE audit_events")


@pytest.mark.parametrize("name", list(DB_CASES))
def test_database_case(trail: Trail, name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{slug(name)}.db"
    shutil.copy(trail.db, path)
    with closing(sqlite3.connect(path)) as con:
        triggers = con.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN"
            " ('audit_events_no_update', 'audit_events_no_delete')"
        ).fetchall()
        con.execute("DROP TRIGGER audit_events_no_update")
        con.execute("DROP TRIGGER audit_events_no_delete")
        DB_CASES[name](con, trail)
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_events'").fetchone():
            for (sql,) in triggers:
                con.execute(sql)
        con.commit()
    mine, theirs = verify_sqlite(str(path)), theirs_db(path)
    assert mine == theirs, f"independent: {mine}; decision-flow: {theirs}"
