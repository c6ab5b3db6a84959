"""An independent verifier of decision-flow's audit trail, written from docs/audit-format.md alone.

It reads neither the package nor its tests: where this module and `decision_flow.trail` agree on a
corpus of altered trails, two readings of one document agree. Section numbers (§) refer to that
document. Only the chain, the types and the signatures are checked (§2, §3, §4, §4a, §6):
evidence files, calendars and workflow definitions are not.

    verify_export(raw)  an export file (decision-flow/trail-export/v2, and v1: §6)
    verify_sqlite(path) a database file's table audit_events (§4)

Both return a Finding: ok, the event named (its seq, or None for a fault of no event) and the
fault's words before the first colon as the document writes them ("content edited", ...), or
"malformed" for input that is not a trail at all (exit 2).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EVENT_DOMAIN = b"decision-flow/audit/v1\n"  # §2
SIGN_DOMAIN = b"decision-flow/sign/v1\n"  # §4a
V1, V2 = "decision-flow/trail-export/v1", "decision-flow/trail-export/v2"
DIGEST_DOMAIN = {V1: b"decision-flow/trail-export/v1/digest\n", V2: b"decision-flow/trail-export/v2/digest\n"}  # §6
ZEROS = "0" * 64
# §2: the eleven keys of the hashed content
CONTENT_KEYS = frozenset(
    ("seq", "at", "actor", "action", "decision", "decision_seq", "decision_prev", "stage", "step", "data", "prev_hash")
)
# §6: the key events an export carries
KEY_ACTIONS = frozenset(("user_added", "user_roles_changed", "key_registered", "key_rotated", "key_revoked"))
HASH = re.compile(r"[0-9a-f]{64}")
PUBLIC_KEY = re.compile(r"ed25519:[A-Za-z0-9+/]{43}=")  # §4a: "ed25519:" + base64 of 32 bytes
FOOTER = re.compile(rb'\],"count":(0|[1-9][0-9]*),"digest":"([0-9a-f]{64})"\}')  # §6 check 1


@dataclass(frozen=True)
class Finding:
    ok: bool
    seq: int | None
    kind: str


class Fault(Exception):
    def __init__(self, kind: str, seq: Any = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.seq = seq if is_int(seq) else None


class Malformed(Exception):
    pass


class Fraction:
    """A JSON number with a fraction or exponent, kept aside: §1 writes integers only."""

    def __init__(self, text: str) -> None:
        self.text = text


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # §2: true/false are not integers


def is_hash(value: Any) -> bool:
    return isinstance(value, str) and HASH.fullmatch(value) is not None


def same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def canonical(value: Any) -> bytes:
    """§1. Raises TypeError for a value canonical JSON cannot hold (a Fraction)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def parse(text: str | bytes) -> Any:
    def no_constant(name: str) -> Any:
        raise ValueError(name)  # NaN, Infinity: not JSON

    return json.loads(text, parse_float=Fraction, parse_constant=no_constant)


def content_hash(values: dict[str, Any], data: bytes) -> str:
    """§2 and §4: the hash of the content, with `data` written as the given bytes."""
    members = [canonical(k) + b":" + (data if k == "data" else canonical(values[k])) for k in sorted(CONTENT_KEYS)]
    return hashlib.sha256(EVENT_DOMAIN + b"{" + b",".join(members) + b"}").hexdigest()


def type_fault(ev: dict[str, Any]) -> str | None:
    """§2 Types: the first key (in the table's order) that does not hold its type."""
    decision = ev["decision"]
    checks = {
        "seq": is_int(ev["seq"]) and ev["seq"] >= 1,
        "at": isinstance(ev["at"], str),
        "actor": isinstance(ev["actor"], str),
        "action": isinstance(ev["action"], str),
        "decision": decision is None or (is_int(decision) and decision >= 1),
        "decision_seq": (ev["decision_seq"] is None)
        if decision is None
        else (is_int(ev["decision_seq"]) and ev["decision_seq"] >= 1),
        "decision_prev": ev["decision_prev"] is None or is_hash(ev["decision_prev"]),
        "stage": ev["stage"] is None or isinstance(ev["stage"], str),
        "step": ev["step"] is None or isinstance(ev["step"], str),
        "data": isinstance(ev["data"], dict),
        "prev_hash": is_hash(ev["prev_hash"]),
    }
    return next((key for key, good in checks.items() if not good), None)


def readable_key(value: Any) -> bool:
    """§4a: `ed25519:` + the standard base64 (with padding) of 32 bytes, in its one spelling."""
    if not isinstance(value, str) or PUBLIC_KEY.fullmatch(value) is None:
        return False
    raw = base64.b64decode(value[8:], validate=True)
    return len(raw) == 32 and base64.b64encode(raw).decode() == value[8:]


def signed_by(public_key: str, signature: str, hash_hex: str) -> bool:
    """§4a: base64(Ed25519-sign(key, "decision-flow/sign/v1\\n" + hash))."""
    try:
        sig = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key[8:])).verify(
            sig, SIGN_DOMAIN + hash_hex.encode("ascii")
        )
    except (InvalidSignature, ValueError, binascii.Error, UnicodeError):
        return False
    return True


class Keys:
    """§4a: walking the chain in seq order, who holds which key, who is an admin, which keys are retired."""

    def __init__(self) -> None:
        self.held: dict[str, str | None] = {}
        self.roles: dict[str, list[Any]] = {}
        self.retired: set[str] = set()
        self.any_key = False  # "once any key has been registered"

    @staticmethod
    def registered(ev: dict[str, Any]) -> str | None:
        """The key an event registers: user_added with a key, key_registered, key_rotated's new key."""
        data = ev["data"]
        if ev["action"] in ("key_registered", "key_rotated") or (
            ev["action"] == "user_added" and data.get("public_key") is not None
        ):
            return data.get("public_key")  # type: ignore[no-any-return]
        return None

    def check(self, ev: dict[str, Any], hash_hex: str, signature: str | None) -> None:
        """The rule of §4a for one event, in its order: signature (rules 1, 2), authority, a key's life."""
        seq, actor, action, data = ev["seq"], ev["actor"], ev["action"], ev["data"]
        key_event = action in KEY_ACTIONS
        if key_event:  # §4a: "A key event's data must be an object naming the user in name ..."
            needs_key = action in ("key_registered", "key_rotated", "key_revoked") or (
                action == "user_added" and data.get("public_key") is not None
            )
            if not isinstance(data.get("name"), str) or (needs_key and not readable_key(data.get("public_key"))):
                raise Fault("key event unreadable", seq)
        new_key = self.registered(ev) if key_event else None
        held = self.held.get(actor)
        # the chain's first key, registered by its holder for themselves and signed with it (reading: an
        # unsigned first key is not "signed with the key it registers", so it has no authority)
        first_key = not self.any_key and new_key is not None and data["name"] == actor
        if signature is not None:  # rule 1
            key = held if held is not None else (new_key if first_key and action != "key_rotated" else None)
            if key is None:
                raise Fault("signature without a key", seq)
            if not signed_by(key, signature, hash_hex):
                raise Fault("signature invalid", seq)
        elif self.any_key and action != "refused":  # rule 2
            raise Fault("signature missing", seq)
        if not key_event:
            return
        name = data["name"]
        admin = "admin" in self.roles.get(actor, [])
        signed_holder = signature is not None and held is not None
        if action == "key_rotated":  # rule 3: name themselves, with the old key
            if not (signed_holder and actor == name):
                raise Fault("key rotated without authority", seq)
        elif action == "key_revoked" or new_key is not None:  # rule 3: an admin holding a key
            if held is None and first_key and signature is not None:
                roles = data.get("roles") if action == "user_added" else self.roles.get(actor)
                entitled = isinstance(roles, list) and "admin" in roles
            else:
                entitled = signed_holder and admin
            if not entitled:
                verb = "revoked" if action == "key_revoked" else "registered"
                raise Fault(f"key {verb} without authority", seq)
        current = self.held.get(name)
        # a key's life
        if action == "key_rotated" and not same(data.get("previous"), current):
            raise Fault("key rotated from a key not held", seq)
        if action == "key_revoked" and data["public_key"] != current:
            raise Fault("key revoked that is not held", seq)
        if action == "key_registered" and current is not None:
            raise Fault("key registered over a held key", seq)
        if new_key is not None:
            if new_key in self.retired:
                raise Fault("retired key registered again", seq)
            if any(key == new_key for user, key in self.held.items() if user != name):
                raise Fault("key of another user registered", seq)
        self.apply(ev)

    def apply(self, ev: dict[str, Any]) -> None:
        """The effect of a key event (§4a table), checked already."""
        action, data = ev["action"], ev["data"]
        if action not in KEY_ACTIONS:
            return
        name = data["name"]
        if action == "user_added":
            self.roles[name] = data.get("roles") if isinstance(data.get("roles"), list) else []
        if action == "user_roles_changed":
            self.roles[name] = data.get("new") if isinstance(data.get("new"), list) else []
        if action in ("key_rotated", "key_revoked") and self.held.get(name) is not None:
            self.retired.add(self.held[name])  # type: ignore[arg-type]
        if action == "key_revoked":
            self.held[name] = None
        new_key = self.registered(ev)
        if new_key is not None:
            self.held[name] = new_key
            self.any_key = True


# ---------------------------------------------------------------- the export file (§6)


def verify_export(raw: bytes) -> Finding:
    try:
        _verify_export(raw)
    except Malformed:
        return Finding(False, None, "malformed")
    except Fault as fault:
        return Finding(False, fault.seq, fault.kind)
    return Finding(True, None, "ok")


def _header(raw: bytes) -> dict[str, Any]:
    """§6 check 1: a file not UTF-8, not JSON, not of this format, or whose header has other keys or
    the wrong JSON types, is malformed. Reading: "not JSON" is said of the whole file, so a stray comma
    or text after the end makes it malformed even where a line-by-line reader would see a line altered."""
    try:
        doc = parse(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed from exc
    if not isinstance(doc, dict) or doc.get("format") not in (V1, V2):
        raise Malformed
    top = {"format", "exported_at", "checkpoint", "decision", "events", "count", "digest"}
    if doc["format"] == V2:
        top.add("keys")
    cp, dec = doc.get("checkpoint"), doc.get("decision")
    if (
        set(doc) != top
        or not isinstance(doc["exported_at"], str)
        or not isinstance(cp, dict)
        or set(cp) != {"head", "size"}
        or not isinstance(cp["head"], str)
        or not (is_int(cp["size"]) and cp["size"] >= 0)
        or not isinstance(dec, dict)
        or set(dec) != {"id", "stage", "status", "title", "workflow", "workflow_version"}
        or not all(is_int(dec[k]) for k in ("id", "workflow_version"))
        or not all(isinstance(dec[k], str) for k in ("stage", "status", "title", "workflow"))
        or not isinstance(doc["events"], list)
        or not isinstance(doc.get("keys", []), list)
    ):
        raise Malformed
    return doc


def _line_content(ev: Any, signed: bool) -> tuple[dict[str, Any], str, str | None]:
    """§6 checks 2-3, the first three: keys, hash, types. Returns the content, hash and signature."""
    expected = CONTENT_KEYS | ({"hash", "signature"} if signed else {"hash"})
    seq = ev.get("seq") if isinstance(ev, dict) else None
    if not isinstance(ev, dict) or set(ev) != expected:
        raise Fault("content edited", seq)
    content = {k: ev[k] for k in CONTENT_KEYS}
    if content_hash(content, canonical(content["data"])) != ev["hash"]:
        raise Fault("content edited", seq)
    signature = ev.get("signature")
    if type_fault(content) is not None or not (signature is None or isinstance(signature, str)):
        raise Fault("wrong type", seq)
    return content, ev["hash"], signature


def _verify_export(raw: bytes) -> None:
    doc = _header(raw)
    version, cp, dec = doc["format"], doc["checkpoint"], doc["decision"]
    signed = version == V2
    lines = raw.split(b"\n")
    number = 0

    def next_line(expected: bytes, ev: Any = None) -> None:
        """§6 check 1, line by line in file order: exactly the canonical form."""
        nonlocal number
        number += 1
        if number > len(lines) or lines[number - 1] != expected:
            raise Fault("file altered", ev.get("seq") if isinstance(ev, dict) else None)

    def line_of(ev: Any, last: bool) -> bytes:
        """Reading: a number with a fraction is valid JSON but not canonical (§1), so the line is altered."""
        try:
            return canonical(ev) + (b"" if last else b",")
        except TypeError:
            return b"\0"  # holds a fraction: matches no line

    header = b"".join(
        (b'{"format":', canonical(version), b',"exported_at":', canonical(doc["exported_at"]))
        + (b',"checkpoint":', canonical(cp), b',"decision":', canonical(dec))
        + ((b',"keys":[',) if signed else (b',"events":[',))
    )
    next_line(header)

    def agrees_with_checkpoint(seq: int, hash_hex: str) -> None:  # §6 checks 2 and 4
        if seq > cp["size"] or (seq == cp["size"] and hash_hex != cp["head"]):
            raise Fault("file altered", seq)

    # §6 check 2: the key events, each against the key events before it
    keys = Keys()
    key_lines: list[tuple[dict[str, Any], str]] = []
    prev_seq, prev_hash = 0, ZEROS
    for i, ev in enumerate(doc.get("keys", [])):
        next_line(line_of(ev, i == len(doc["keys"]) - 1), ev)
        content, hash_hex, signature = _line_content(ev, signed)
        seq = content["seq"]
        if content["decision"] is not None or content["action"] not in KEY_ACTIONS:
            raise Fault("file altered", seq)  # event S is not a key event
        keys.check(content, hash_hex, signature)
        if seq <= prev_seq:
            raise Fault("order broken", seq)
        if seq == prev_seq + 1 and content["prev_hash"] != prev_hash:
            raise Fault("link broken", seq)
        agrees_with_checkpoint(seq, hash_hex)
        key_lines.append((content, hash_hex))
        prev_seq, prev_hash = seq, hash_hex
    if signed:
        next_line(b'],"events":[')

    # §6 check 3: the decision's events; the keys are those the key events before each one establish
    events = doc["events"]
    later_dseq = [ev.get("decision_seq") if isinstance(ev, dict) else None for ev in events]
    key_hashes = {content["seq"]: hash_hex for content, hash_hex in key_lines}
    replay, replayed = Keys(), 0
    prev_seq, last_hash = 0, None
    for i, ev in enumerate(events):
        next_line(line_of(ev, i == len(events) - 1), ev)
        content, hash_hex, signature = _line_content(ev, signed)
        seq = content["seq"]
        if not same(content["decision"], dec["id"]):
            raise Fault("file altered", seq)  # event S belongs to decision X
        dseq = content["decision_seq"]
        if dseq > i + 1:  # "event missing" only if the skipped event is nowhere later in the file
            later = any(same(d, i + 1) for d in later_dseq[i + 1 :])
            raise Fault("order broken" if later else "event missing", seq)
        if dseq < i + 1:
            raise Fault("order broken", seq)
        if content["decision_prev"] != last_hash:
            raise Fault("link broken", seq)
        if signed:
            while replayed < len(key_lines) and key_lines[replayed][0]["seq"] < seq:
                replay.apply(key_lines[replayed][0])
                replayed += 1
            if seq in key_hashes:
                raise Fault("order broken", seq)  # a key event and an event with the same seq
            replay.check(content, hash_hex, signature)
        if seq <= prev_seq:
            raise Fault("order broken", seq)
        before = ZEROS if seq == 1 else (last_hash if prev_seq == seq - 1 else key_hashes.get(seq - 1))
        if before is not None and content["prev_hash"] != before:
            raise Fault("link broken", seq)
        agrees_with_checkpoint(seq, hash_hex)  # §6 check 4
        if i == 0:
            data = content["data"]
            if content["action"] != "created" or not all(
                same(data.get(k), dec[k]) for k in ("title", "workflow", "workflow_version")
            ):
                raise Fault("file altered", seq)
        prev_seq, last_hash = seq, hash_hex

    # §6 check 1 for the last line, which must end the file
    number += 1
    footer = FOOTER.fullmatch(lines[number - 1]) if number <= len(lines) else None
    if footer is None or lines[number:] != [b""]:
        raise Fault("file altered")
    if int(footer.group(1)) != len(events) or not events:  # §6 check 5
        raise Fault("event missing")
    digest = hashlib.sha256(DIGEST_DOMAIN[version] + raw[:-67]).hexdigest()  # §6 check 6
    if digest != footer.group(2).decode():
        raise Fault("file altered")


# ---------------------------------------------------------------- the database (§4)

COLUMNS = (
    "seq, at, actor, action, decision_id, decision_seq, decision_prev, stage, step, data, prev_hash, hash, signature"
)


def verify_sqlite(path: str) -> Finding:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute(f"SELECT {COLUMNS} FROM audit_events ORDER BY seq").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return Finding(False, None, "malformed")
    try:
        _verify_rows(rows)
    except Fault as fault:
        return Finding(False, fault.seq, fault.kind)
    return Finding(True, None, "ok")


def _data_bytes(stored: Any) -> bytes:
    """The stored text of `data`, hashed byte for byte (§4); a NULL column as JSON's null."""
    if stored is None:
        return b"null"
    if isinstance(stored, bytes):
        return stored
    return str(stored).encode("utf-8", "surrogatepass")


def _verify_rows(rows: list[tuple[Any, ...]]) -> None:
    """§4 Database verification: each event in seq order, stopping at the first fault."""
    where: dict[tuple[Any, Any], list[int]] = {}  # (decision, decision_seq) -> the seqs holding it
    for row in rows:
        where.setdefault((row[4], row[5]), []).append(row[0])
    keys = Keys()
    expected, prev_hash = 1, ZEROS
    chains: dict[int, tuple[int, str]] = {}  # decision -> (its last decision_seq, its last hash)
    for row in rows:
        seq, at, actor, action, decision, dseq, dprev, stage, step, stored, prev, hash_hex, signature = row
        # 1. the next number
        if seq != expected:
            raise Fault("event missing" if is_int(seq) and seq > expected else "order broken", seq)
        ev = {"seq": seq, "at": at, "actor": actor, "action": action, "decision": decision, "decision_seq": dseq}
        ev |= {"decision_prev": dprev, "stage": stage, "step": step, "data": None, "prev_hash": prev}
        # 2. the hash, over the stored data text byte for byte (§4)
        data = _data_bytes(stored)
        try:
            if content_hash(ev, data) != hash_hex:
                raise Fault("content edited", seq)
        except (TypeError, ValueError) as exc:
            raise Fault("content edited", seq) from exc
        # 3. the types; data must be the canonical JSON text of an object (§2)
        try:
            ev["data"] = parse(data.decode("utf-8"))
            if canonical(ev["data"]) != data:
                raise ValueError("not canonical")
        except (ValueError, TypeError):
            ev["data"] = None
        if type_fault(ev) is not None or not (signature is None or isinstance(signature, str)):
            raise Fault("wrong type", seq)
        # 4. the global link
        if prev != prev_hash:
            raise Fault("link broken", seq)
        # 5. the decision's chain
        if decision is None:
            if dprev is not None:
                raise Fault("link broken", seq)
        else:
            count, last = chains.get(decision, (0, None))
            if dseq > count + 1:  # reading: as §6 says for a file, "order broken" if the skipped one is later
                later = any(s > seq for s in where.get((decision, count + 1), []))
                raise Fault("order broken" if later else "event missing", seq)
            if dseq < count + 1:
                raise Fault("order broken", seq)
            if dprev != last:
                raise Fault("link broken", seq)
            chains[decision] = (dseq, hash_hex)
        # 6. the signature and the key rules (§4a)
        keys.check(ev, hash_hex, signature)
        expected, prev_hash = expected + 1, hash_hex
