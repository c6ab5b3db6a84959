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
SEPARATOR = b'],"events":['  # §6: the line between the sections
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


def is_canonical(value: Any, text: bytes) -> bool:
    """§1: `text` is byte for byte the canonical form of `value` (a fraction or a lone surrogate has none)."""
    try:
        return canonical(value) == text
    except (TypeError, ValueError):
        return False


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
    of_decision = is_int(decision) and decision >= 1
    checks = {
        "seq": is_int(ev["seq"]) and ev["seq"] >= 1,
        "at": isinstance(ev["at"], str),
        "actor": isinstance(ev["actor"], str),
        "action": isinstance(ev["action"], str),
        "decision": decision is None or of_decision,
        # an integer >= 1 when `decision` is an integer, null when it is null
        "decision_seq": (is_int(ev["decision_seq"]) and ev["decision_seq"] >= 1)
        if of_decision
        else ev["decision_seq"] is None,
        # a hash or null when `decision` is an integer, null when it is null
        "decision_prev": ev["decision_prev"] is None or (of_decision and is_hash(ev["decision_prev"])),
        "stage": ev["stage"] is None or isinstance(ev["stage"], str),
        "step": ev["step"] is None or isinstance(ev["step"], str),
        "data": isinstance(ev["data"], dict),
        "prev_hash": is_hash(ev["prev_hash"]),
    }
    return next((key for key, good in checks.items() if not good), None)


def readable_key(value: Any) -> bool:
    """§4a (d): `ed25519:` + the standard base64 (with padding) of 32 bytes, in its one spelling."""
    if not isinstance(value, str) or PUBLIC_KEY.fullmatch(value) is None:
        return False
    raw = base64.b64decode(value[8:], validate=True)
    return len(raw) == 32 and base64.b64encode(raw).decode() == value[8:]


def key_of(text: Any) -> Ed25519PublicKey | None:
    """The Ed25519 key a `public_key` text gives (`ed25519:` + base64 of 32 bytes), or None if it is not a key.
    Its one spelling is checked apart, by readable_key (§4a: the key form is check (d), after (a) to (c))."""
    if not isinstance(text, str) or not text.startswith("ed25519:"):
        return None
    try:
        raw = base64.b64decode(text[8:], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw) if len(raw) == 32 else None
    except (ValueError, binascii.Error):
        return None


def signed_by(public_key: str, signature: str, hash_hex: str) -> bool:
    """§4a: base64(Ed25519-sign(key, "decision-flow/sign/v1\\n" + hash))."""
    key = key_of(public_key)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), SIGN_DOMAIN + hash_hex.encode("ascii"))
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
    def registers(ev: dict[str, Any]) -> bool:
        """A registration (§4a, a key's life): `user_added` with a key, `key_registered`, `key_rotated`'s new key."""
        action = ev["action"]
        return action in ("key_registered", "key_rotated") or (
            action == "user_added" and ev["data"].get("public_key") is not None
        )

    def first_key(self, ev: dict[str, Any]) -> bool:
        """The chain's first key, registered by its holder for themselves (`user_added` or `key_registered`)."""
        return (
            not self.any_key
            and ev["action"] in ("user_added", "key_registered")
            and self.registers(ev)
            and same(ev["data"].get("name"), ev["actor"])
        )

    def check(self, ev: dict[str, Any], hash_hex: str, signature: str | None) -> None:
        """The rule of §4a for one event; for a key event in the order (a) signature, (b) `name`,
        (c) authority, (d) the key's form, (e) the rules of a key's life, then its effect."""
        seq, actor, action, data = ev["seq"], ev["actor"], ev["action"], ev["data"]
        held = self.held.get(actor)
        first = self.first_key(ev)
        # (a) rules 1 and 2
        if signature is not None:
            if held is not None:
                key: Any = held
            elif first:  # checked with the key it registers: one that is not a key leaves no key
                key = data.get("public_key")
                if key_of(key) is None:
                    raise Fault("signature without a key", seq)
            else:
                raise Fault("signature without a key", seq)
            if not signed_by(key, signature, hash_hex):
                raise Fault("signature invalid", seq)
        elif self.any_key and action != "refused":
            raise Fault("signature missing", seq)
        if action not in KEY_ACTIONS:
            return
        # (b) the user it names
        name = data.get("name")
        if not isinstance(name, str):
            raise Fault("key event unreadable", seq)
        # (c) its writer's authority (rule 3)
        admin_with_key = signature is not None and held is not None and "admin" in self.roles.get(actor, [])
        if action == "key_rotated":  # name themselves, signed with the old key
            if not (actor == name and signature is not None and held is not None):
                raise Fault("key rotated without authority", seq)
        elif action == "key_revoked":
            if not admin_with_key:
                raise Fault("key revoked without authority", seq)
        elif action == "user_roles_changed":
            if self.any_key and not admin_with_key:
                raise Fault("roles changed without authority", seq)
        elif first:  # signed with that very key (a), its holder an admin from that user_added or before
            roles = data.get("roles") if action == "user_added" else self.roles.get(name)
            if not (signature is not None and isinstance(roles, list) and "admin" in roles):
                raise Fault("key registered without authority", seq)
        elif (self.registers(ev) or self.any_key) and not admin_with_key:
            raise Fault("key registered without authority", seq)  # incl. a user_added without a key
        # (d) the key it registers, rotates to or revokes, in its one spelling
        if (self.registers(ev) or action == "key_revoked") and not readable_key(data.get("public_key")):
            raise Fault("key event unreadable", seq)
        # (e) a key's life, in the order the document lists
        current = self.held.get(name)
        if action == "key_rotated" and (current is None or not same(data.get("previous"), current)):
            raise Fault("key rotated from a key not held", seq)
        if action == "key_revoked" and (current is None or data["public_key"] != current):
            raise Fault("key revoked that is not held", seq)
        if action == "key_registered" and current is not None:
            raise Fault("key registered over a held key", seq)
        if self.registers(ev):
            new_key = data["public_key"]
            if new_key in self.retired:
                raise Fault("retired key registered again", seq)
            if any(key == new_key for user, key in self.held.items() if user != name):
                raise Fault("key of another user registered", seq)
        self.apply(ev)

    def apply(self, ev: dict[str, Any]) -> None:
        """The effect of a key event (§4a table), checked already."""
        action, data = ev["action"], ev["data"]
        name = data.get("name") if isinstance(data, dict) else None
        if action not in KEY_ACTIONS or not isinstance(name, str):
            return
        if action == "user_added":
            self.roles[name] = data.get("roles") if isinstance(data.get("roles"), list) else []
        if action == "user_roles_changed":
            self.roles[name] = data.get("new") if isinstance(data.get("new"), list) else []
        if action in ("key_rotated", "key_revoked") and self.held.get(name) is not None:
            self.retired.add(self.held[name])  # type: ignore[arg-type]
        if action == "key_revoked":
            self.held[name] = None
        if self.registers(ev):
            self.held[name] = data.get("public_key")
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


def _header(first: bytes) -> tuple[dict[str, Any], bytes]:
    """§6 check 1, line 1: it must be the header of this format, ending with `[` (its line feed is
    checked by the caller), else the file is malformed, as is a header with other keys or the wrong
    JSON types; one that parses but is not its canonical form was altered. Returns the header's
    values and the line it must be."""
    if not first.endswith(b"["):
        raise Malformed  # CR LF line ends, or not an export at all
    try:
        doc = parse(first.decode("utf-8") + "]}")  # the section the line opens, closed empty
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Malformed from exc
    if not isinstance(doc, dict) or not same(doc.get("format"), V1) and not same(doc.get("format"), V2):
        raise Malformed
    section = "keys" if doc["format"] == V2 else "events"
    cp, dec = doc.get("checkpoint"), doc.get("decision")
    if (
        set(doc) != {"format", "exported_at", "checkpoint", "decision", section}
        or doc[section] != []
        or not isinstance(doc["exported_at"], str)
        or not isinstance(cp, dict)
        or set(cp) != {"head", "size"}
        or not isinstance(cp["head"], str)
        or not is_int(cp["size"])  # JSON types only: a size below an event is found by check 4
        or not isinstance(dec, dict)
        or set(dec) != {"id", "stage", "status", "title", "workflow", "workflow_version"}
        or not all(is_int(dec[k]) for k in ("id", "workflow_version"))
        or not all(isinstance(dec[k], str) for k in ("stage", "status", "title", "workflow"))
    ):
        raise Malformed
    expected = b"".join(
        (b'{"format":', canonical(doc["format"]), b',"exported_at":', canonical(doc["exported_at"]))
        + (b',"checkpoint":', canonical(cp), b',"decision":', canonical(dec), b',"' + section.encode() + b'":[')
    )
    return doc, expected


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


class Lines:
    """§6 check 1: the file read line by line. `pieces` are the bytes between line feeds; every piece but
    the last ended with a line feed, the last is what follows the last line feed (nothing, in an export)."""

    def __init__(self, raw: bytes) -> None:
        self.pieces = raw.split(b"\n")

    def at_end(self, i: int) -> bool:
        """Nothing is left from piece i on: the file has ended."""
        return i >= len(self.pieces) or (i == len(self.pieces) - 1 and self.pieces[i] == b"")

    def ended(self, i: int) -> bool:
        """Piece i was a whole line, its line feed included."""
        return i < len(self.pieces) - 1

    def section(self, i: int) -> tuple[range, int]:
        """The key or event lines from piece i on, up to the line that ends the section (it starts with
        `]`) or the end of the file; returns them and where the section ends."""
        end = i
        while not self.at_end(end) and not self.pieces[end].startswith(b"]"):
            end += 1
        return range(i, end), end

    @staticmethod
    def body(piece: bytes) -> bytes:
        return piece[:-1] if piece.endswith(b",") else piece

    def read(self, i: int) -> Any:
        """One key or event line, parsed on its own (without its `,` and line feed): a line that is not
        UTF-8 or not JSON makes the file malformed; one that is not its canonical form, or whose separator
        is missing or wrong, was altered (naming the line's event)."""
        piece = self.pieces[i]
        body = self.body(piece)
        try:
            ev = parse(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise Malformed from exc
        if not isinstance(ev, dict):  # §6 check 1: a line that is JSON but no object is not an event line
            raise Malformed
        seq = ev.get("seq")
        if not self.ended(i) or not is_canonical(ev, body):
            raise Fault("file altered", seq)
        if not self.at_end(i + 1):  # a comma ends every line but the last of its section
            last = self.pieces[i + 1].startswith(b"]")
            if (body != piece) == last:
                raise Fault("file altered", seq)
        return ev

    def peek(self, i: int) -> Any:
        """A later line as far as it parses, for the look-ahead of §6 check 3 (None if it does not)."""
        try:
            return parse(self.body(self.pieces[i]).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None


def _verify_export(raw: bytes) -> None:
    lines = Lines(raw)
    if not lines.ended(0):
        raise Malformed  # no first line: not an export
    doc, expected_header = _header(lines.pieces[0])
    version, cp, dec = doc["format"], doc["checkpoint"], doc["decision"]
    signed = version == V2
    if lines.pieces[0] != expected_header:
        raise Fault("file altered")
    # §6 check 1: the checkpoint is a chain size and head, 64 zeros exactly when the size is 0
    if cp["size"] < 0 or not is_hash(cp["head"]) or (cp["size"] == 0) != (cp["head"] == ZEROS):
        raise Fault("file altered")

    def agrees_with_checkpoint(seq: int, hash_hex: str) -> None:  # §6 checks 2 and 4
        if seq > cp["size"] or (seq == cp["size"] and hash_hex != cp["head"]):
            raise Fault("file altered", seq)

    def section_end(i: int, expected: bytes | None) -> None:
        """The line that closes a section: there, whole, and (for the line between the sections) exact."""
        if lines.at_end(i) or not lines.ended(i) or (expected is not None and lines.pieces[i] != expected):
            raise Fault("file altered")

    # §6 check 2: the key events, each against the key events before it
    keys = Keys()
    key_lines: list[dict[str, Any]] = []
    prev_seq, prev_hash = 0, ZEROS
    events_from = 1
    if signed:
        key_range, end = lines.section(1)
        for i in key_range:
            content, hash_hex, signature = _line_content(lines.read(i), signed)
            seq = content["seq"]
            if content["decision"] is not None or content["action"] not in KEY_ACTIONS:
                raise Fault("file altered", seq)  # event S is not a key event
            keys.check(content, hash_hex, signature)
            if seq <= prev_seq:
                raise Fault("order broken", seq)
            if seq == prev_seq + 1 and content["prev_hash"] != prev_hash:
                raise Fault("link broken", seq)
            agrees_with_checkpoint(seq, hash_hex)
            key_lines.append(content | {"hash": hash_hex, "signature": signature})
            prev_seq, prev_hash = seq, hash_hex
        section_end(end, SEPARATOR)
        events_from = end + 1

    # §6 check 3: the decision's events; the keys are those the key events before each one establish
    event_range, end = lines.section(events_from)
    key_hashes = {ev["seq"]: ev["hash"] for ev in key_lines}
    replay, replayed = Keys(), 0
    prev_seq, last_hash = 0, None
    for number, i in enumerate(event_range, 1):
        content, hash_hex, signature = _line_content(lines.read(i), signed)
        seq = content["seq"]
        if not same(content["decision"], dec["id"]):
            raise Fault("file altered", seq)  # event S belongs to decision X
        dseq = content["decision_seq"]
        if dseq > number:  # "event missing" only if the skipped event is nowhere later in the file
            later = (lines.peek(j) for j in event_range[number:])
            skipped_later = any(isinstance(ev, dict) and same(ev.get("decision_seq"), number) for ev in later)
            raise Fault("order broken" if skipped_later else "event missing", seq)
        if dseq < number:
            raise Fault("order broken", seq)
        if content["decision_prev"] != last_hash:
            raise Fault("link broken", seq)
        if signed:  # its signature and the key rules, as the database verifier would at that point
            while replayed < len(key_lines) and key_lines[replayed]["seq"] < seq:
                replay.apply(key_lines[replayed])
                replayed += 1
            replay.check(content, hash_hex, signature)
        if seq <= prev_seq or seq in key_hashes:  # seq increases and is not a key line's
            raise Fault("order broken", seq)
        before = ZEROS if seq == 1 else (last_hash if prev_seq == seq - 1 else key_hashes.get(seq - 1))
        if before is not None and content["prev_hash"] != before:
            raise Fault("link broken", seq)
        agrees_with_checkpoint(seq, hash_hex)  # §6 check 4
        if number == 1:
            data = content["data"]
            if content["action"] != "created" or not all(
                same(data.get(k), dec[k]) for k in ("title", "workflow", "workflow_version")
            ):
                raise Fault("file altered", seq)
        prev_seq, last_hash = seq, hash_hex

    # §6 check 1 for the closing line, which must end the file
    section_end(end, None)
    footer = FOOTER.fullmatch(lines.pieces[end])
    if footer is None or not lines.at_end(end + 1):
        raise Fault("file altered")
    count = len(event_range)
    if int(footer.group(1)) != count or not count:  # §6 check 5
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
            table = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'audit_events'"
            ).fetchone()
            if table is None:
                return Finding(False, None, "trail missing")  # §4: a database without the table
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
    keys = Keys()
    expected, prev_hash = 1, ZEROS
    chains: dict[int, tuple[int, str]] = {}  # decision -> (its last decision_seq, its last hash)
    for row in rows:
        seq, at, actor, action, decision, dseq, dprev, stage, step, stored, prev, hash_hex, signature = row
        # 1. the next number, from 1 (rows numbered 0 or below come first, so they are found)
        if seq != expected:
            raise Fault("event missing" if is_int(seq) and seq > expected else "order broken", seq)
        # a NULL column is JSON null in the content
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
        except (ValueError, TypeError, RecursionError):
            ev["data"] = None
        if type_fault(ev) is not None or not (signature is None or isinstance(signature, str)):
            raise Fault("wrong type", seq)
        # 4. the global link
        if prev != prev_hash:
            raise Fault("link broken", seq)
        # 5. the decision's chain; no look-ahead: ahead is "event missing", back or the same "order broken"
        if decision is not None:
            count, last = chains.get(decision, (0, None))
            if dseq > count + 1:
                raise Fault("event missing", seq)
            if dseq < count + 1:
                raise Fault("order broken", seq)
            if dprev != last:
                raise Fault("link broken", seq)
            chains[decision] = (dseq, hash_hex)
        # 6. the signature and the key rules (§4a)
        keys.check(ev, hash_hex, signature)
        expected, prev_hash = expected + 1, hash_hex
