"""An independent verifier of decision-flow's audit trail, written from docs/audit-format.md alone.

It reads neither the package nor its tests: where this module and `decision_flow.trail` agree on a
corpus of altered trails, two readings of one document agree. Section numbers (§) refer to that
document. Only the chains, the types and the signatures are checked (§2, §3, §4, §4a, §6):
evidence files, calendars and workflow definitions are not.

    verify_export(raw)  an export file (decision-flow/trail-export/v3, and v2, v1: §6)
    verify_sqlite(path) a database file's table audit_events: the registry chain, then one chain per organ (§4)

Both return a Finding: ok, the event named (its seq, or None for a fault of no event), the
fault's words before the first colon as the document writes them ("content edited", ...), or
"malformed" for input that is not a trail at all (exit 2), and for a database's fault the chain
the event is in (§4: "names the chain and the event").
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

EVENT_DOMAIN = b"decision-flow/audit/v1\n"  # §2, an event of version 1
EVENT_DOMAIN_V2 = b"decision-flow/audit/v2\n"  # §2, an event of version 2
EVENT_DOMAINS = {1: EVENT_DOMAIN, 2: EVENT_DOMAIN_V2}
SIGN_DOMAIN = b"decision-flow/sign/v1\n"  # §4a
V1, V2, V3 = "decision-flow/trail-export/v1", "decision-flow/trail-export/v2", "decision-flow/trail-export/v3"
DIGEST_DOMAIN = {version: version.encode() + b"/digest\n" for version in (V1, V2, V3)}  # §6
ZEROS = "0" * 64
REGISTRY = "registry"  # §3: the registry chain's name
# §2: the eleven keys of the hashed content of version 1, and the thirteen of version 2
CONTENT_KEYS = frozenset(
    ("seq", "at", "actor", "action", "decision", "decision_seq", "decision_prev", "stage", "step", "data", "prev_hash")
)
CONTENT_KEYS_V2 = CONTENT_KEYS | {"chain", "registry"}
CONTENT_KEYS_OF = {1: CONTENT_KEYS, 2: CONTENT_KEYS_V2}
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
    chain: str | None = None  # a database's fault: the chain of the event named (§4)


class Fault(Exception):
    def __init__(self, kind: str, seq: Any = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.seq = seq if is_int(seq) else None
        self.chain: str | None = None


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


def content_hash(values: dict[str, Any], data: bytes, version: int = 1) -> str:
    """§2 and §4: the hash of the content of an event of that version (its keys and its domain), with
    `data` written as the given bytes."""
    keys = sorted(CONTENT_KEYS_OF[version])
    members = [canonical(k) + b":" + (data if k == "data" else canonical(values[k])) for k in keys]
    return hashlib.sha256(EVENT_DOMAINS[version] + b"{" + b",".join(members) + b"}").hexdigest()


def position(ev: dict[str, Any], version: int) -> int:
    """§4a: an event's registry position: `seq` - 1 in the registry chain, `registry` in an organ's chain."""
    in_registry = version == 1 or same(ev["chain"], REGISTRY)
    return int(ev["seq"]) - 1 if in_registry else int(ev["registry"])


def type_fault(ev: dict[str, Any], version: int = 1) -> str | None:
    """§2 Types: the first key (in the tables' order) that does not hold its type."""
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
    if version == 2:  # a string of 1 to 40 characters; null in the registry chain, else an integer >= 0
        checks["chain"] = isinstance(ev["chain"], str) and 1 <= len(ev["chain"]) <= 40
        checks["registry"] = (
            ev["registry"] is None if same(ev["chain"], REGISTRY) else is_int(ev["registry"]) and ev["registry"] >= 0
        )
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
    """§4a: walking the registry chain in seq order, who holds which key, who is an admin, which keys are
    retired. Up to a registry position it is the state an event of an organ's chain is checked against."""

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
        """The registry chain's first key, registered by its holder for themselves (`user_added`, `key_registered`)."""
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


class Replay:
    """§4a: the keys and roles at a registry position, replaying the registry chain's key events (checked
    already, in seq order) up to it: after the first `position` events. Along one chain positions only go
    forward (one that goes back is a fault found before the signature is checked)."""

    def __init__(self, key_events: list[dict[str, Any]]) -> None:
        self.keys = Keys()
        self.key_events = key_events
        self.replayed = 0

    def at(self, registry_position: int) -> Keys:
        while self.replayed < len(self.key_events) and self.key_events[self.replayed]["seq"] <= registry_position:
            self.keys.apply(self.key_events[self.replayed])
            self.replayed += 1
        return self.keys


# ---------------------------------------------------------------- the export file (§6)


def verify_export(raw: bytes) -> Finding:
    try:
        _verify_export(raw)
    except Malformed:
        return Finding(False, None, "malformed")
    except Fault as fault:
        return Finding(False, fault.seq, fault.kind)
    return Finding(True, None, "ok")


def _decision_keys(version: str) -> set[str]:
    """§6 `D`; files of version 2 and 1 have no `organ`."""
    keys = {"id", "stage", "status", "title", "workflow", "workflow_version"}
    return keys | {"organ"} if version == V3 else keys


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
    if not isinstance(doc, dict) or not any(same(doc.get("format"), v) for v in (V1, V2, V3)):
        raise Malformed
    section = "events" if doc["format"] == V1 else "keys"
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
        or set(dec) != _decision_keys(doc["format"])
        or not all(is_int(dec[k]) for k in ("id", "workflow_version"))
        or not all(isinstance(dec[k], str) for k in dec if k not in ("id", "workflow_version"))
    ):
        raise Malformed
    expected = b"".join(
        (b'{"format":', canonical(doc["format"]), b',"exported_at":', canonical(doc["exported_at"]))
        + (b',"checkpoint":', canonical(cp), b',"decision":', canonical(dec), b',"' + section.encode() + b'":[')
    )
    return doc, expected


@dataclass(frozen=True)
class Line:
    """A key or event line whose keys, hash and types are checked: its content, hash, signature and the
    version of its event (§6: "A line's keys say its version")."""

    content: dict[str, Any]
    hash: str
    signature: str | None
    version: int

    @property
    def seq(self) -> int:
        return int(self.content["seq"])

    @property
    def position(self) -> int:
        return position(self.content, self.version)


def _line_versions(version: str) -> dict[frozenset[str], int]:
    """The keys a line of that file may have, and the event version each set says (§6; files of version 2
    hold version 1 events only, files of version 1 have no `signature`)."""
    if version == V1:
        return {CONTENT_KEYS | {"hash"}: 1}
    lines = {CONTENT_KEYS | {"hash", "signature"}: 1}
    return lines | {CONTENT_KEYS_V2 | {"hash", "signature"}: 2} if version == V3 else lines


def _line_content(ev: Any, version: str) -> Line:
    """§6 checks 2-3, the first three: keys, hash (with its version's domain), types."""
    seq = ev.get("seq") if isinstance(ev, dict) else None
    event_version = _line_versions(version).get(frozenset(ev)) if isinstance(ev, dict) else None
    if event_version is None:
        raise Fault("content edited", seq)
    content = {k: ev[k] for k in CONTENT_KEYS_OF[event_version]}
    if content_hash(content, canonical(content["data"]), event_version) != ev["hash"]:
        raise Fault("content edited", seq)
    signature = ev.get("signature")
    if type_fault(content, event_version) is not None or not (signature is None or isinstance(signature, str)):
        raise Fault("wrong type", seq)
    return Line(content, ev["hash"], signature, event_version)


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
            if not self.ended(i):  # §6 check 1: the file ends inside this line: it was cut short
                raise Fault("file altered", None) from exc
            raise Malformed from exc
        if not isinstance(ev, dict):  # §6 check 1: a line that is JSON but no object is not an event line
            if not self.ended(i):
                raise Fault("file altered", None)
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


def agrees_with_checkpoint(cp: dict[str, Any], seq: int, hash_hex: str) -> None:
    """§6 checks 2 and 4: a registry chain event's `seq` <= C.size, and its hash C.head if equal."""
    if seq > cp["size"] or (seq == cp["size"] and hash_hex != cp["head"]):
        raise Fault("file altered", seq)


def _key_section(lines: Lines, start: int, cp: dict[str, Any], version: str) -> tuple[list[Line], int]:
    """§6 check 2: the key events, each against the key events before it. Returns them and where the
    section ends."""
    keys = Keys()
    found: list[Line] = []
    prev_seq, prev_hash = 0, ZEROS
    key_range, end = lines.section(start)
    for i in key_range:
        line = _line_content(lines.read(i), version)
        ev, seq = line.content, line.seq
        if ev["decision"] is not None or ev["action"] not in KEY_ACTIONS:
            raise Fault("file altered", seq)  # event S is not a key event
        if line.version == 2 and ev["chain"] != REGISTRY:
            raise Fault("file altered", seq)  # nor is an event of an organ's chain
        if line.version == 1 and any(key.version == 2 for key in found):
            raise Fault("format out of place", seq)
        keys.check(ev, line.hash, line.signature)
        if seq <= prev_seq:
            raise Fault("order broken", seq)
        if seq == prev_seq + 1 and ev["prev_hash"] != prev_hash:
            raise Fault("link broken", seq)
        agrees_with_checkpoint(cp, seq, line.hash)
        found.append(line)
        prev_seq, prev_hash = seq, line.hash
    return found, end


class EventSection:
    """§6 check 3 (and 4): the decision's event lines, each in turn, in the order of checks on one line."""

    def __init__(self, lines: Lines, doc: dict[str, Any], key_lines: list[Line]) -> None:
        self.lines, self.version = lines, doc["format"]
        self.cp, self.dec = doc["checkpoint"], doc["decision"]
        self.key_hashes = {key.seq: key.hash for key in key_lines}
        self.replay = Replay([key.content for key in key_lines])
        self.last: Line | None = None  # the previous event line
        self.last_of: dict[int, Line] = {}  # the previous event line of each version (of each chain)

    def check(self, number: int, i: int, event_range: range) -> None:
        line = _line_content(self.lines.read(i), self.version)
        self.belongs(line)
        self.decision_chain(line, number, event_range)
        self.registry_position(line)
        if self.version != V1:  # its signature and the key rules, as the database verifier would at that point
            self.replay.at(line.position).check(line.content, line.hash, line.signature)
        self.chain_link(line)
        if line.version == 1:
            agrees_with_checkpoint(self.cp, line.seq, line.hash)  # §6 check 4
        if number == 1:
            self.first_event(line)
        self.last = self.last_of[line.version] = line

    def belongs(self, line: Line) -> None:
        """Its `decision`, its `chain`, its version's place."""
        ev, seq = line.content, line.seq
        if not same(ev["decision"], self.dec["id"]):
            raise Fault("file altered", seq)  # event S belongs to decision X
        if line.version == 2 and not same(ev["chain"], self.dec["organ"]):
            raise Fault("file altered", seq)  # event S is in another organ's chain
        if line.version == 1 and 2 in self.last_of:
            raise Fault("format out of place", seq)

    def decision_chain(self, line: Line, number: int, event_range: range) -> None:
        """`decision_seq` and `decision_prev`: "event missing" only if the skipped event is nowhere later."""
        ev, seq = line.content, line.seq
        if ev["decision_seq"] > number:
            later = (self.lines.peek(j) for j in event_range[number:])
            skipped_later = any(isinstance(x, dict) and same(x.get("decision_seq"), number) for x in later)
            raise Fault("order broken" if skipped_later else "event missing", seq)
        if ev["decision_seq"] < number:
            raise Fault("order broken", seq)
        if ev["decision_prev"] != (self.last.hash if self.last else None):
            raise Fault("link broken", seq)
        if line.version == 2 and same(ev["chain"], REGISTRY):
            raise Fault("decision in two chains", seq)  # a decision's version 2 event is never the registry's

    def registry_position(self, line: Line) -> None:
        """At most C.size, then no less than the previous event line's (version 3 files only); a version 2
        event line is no key event."""
        if self.version != V3:
            return
        if line.position > self.cp["size"]:
            raise Fault("registry ahead", line.seq)
        if self.last is not None and line.position < self.last.position:
            raise Fault("registry went back", line.seq)
        if line.version == 2 and line.content["action"] in KEY_ACTIONS:
            raise Fault("key event outside the registry", line.seq)

    def chain_link(self, line: Line) -> None:
        """`seq` increases among the lines of its version (a version 1 event's is no key line's), and
        `prev_hash` is the hash of the same chain's event `seq` - 1 where the file holds it."""
        seq, previous = line.seq, self.last_of.get(line.version)
        prev_seq, prev_hash = (previous.seq, previous.hash) if previous else (0, ZEROS)
        if seq <= prev_seq or (line.version == 1 and seq in self.key_hashes):
            raise Fault("order broken", seq)
        if seq == prev_seq + 1:
            before: str | None = prev_hash
        else:
            before = self.key_hashes.get(seq - 1) if line.version == 1 else None
        if before is not None and line.content["prev_hash"] != before:
            raise Fault("link broken", seq)

    def first_event(self, line: Line) -> None:
        """§6 check 4: the first event is `created`, of D's title, workflow and workflow version."""
        data = line.content["data"]
        if line.content["action"] != "created" or not all(
            same(data.get(k), self.dec[k]) for k in ("title", "workflow", "workflow_version")
        ):
            raise Fault("file altered", line.seq)


def _verify_export(raw: bytes) -> None:
    lines = Lines(raw)
    if not lines.ended(0):
        raise Malformed  # no first line: not an export
    doc, expected_header = _header(lines.pieces[0])
    version, cp = doc["format"], doc["checkpoint"]
    if lines.pieces[0] != expected_header:
        raise Fault("file altered")
    # §6 check 1: the checkpoint is a chain size and head, 64 zeros exactly when the size is 0
    if cp["size"] < 0 or not is_hash(cp["head"]) or (cp["size"] == 0) != (cp["head"] == ZEROS):
        raise Fault("file altered")

    def section_end(i: int, expected: bytes | None) -> None:
        """The line that closes a section: there, whole, and (for the line between the sections) exact."""
        if lines.at_end(i) or not lines.ended(i) or (expected is not None and lines.pieces[i] != expected):
            raise Fault("file altered")

    key_lines: list[Line] = []
    events_from = 1
    if version != V1:  # §6 check 2
        key_lines, end = _key_section(lines, 1, cp, version)
        section_end(end, SEPARATOR)
        events_from = end + 1
    event_range, end = lines.section(events_from)  # §6 checks 3 and 4
    events = EventSection(lines, doc, key_lines)
    for number, i in enumerate(event_range, 1):
        events.check(number, i, event_range)
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
    "seq, at, actor, action, decision_id, decision_seq, decision_prev, stage, step, data, prev_hash, hash, signature,"
    " chain, registry_position, format"
)
# A table from before chains per organ has no `chain`, `registry_position` or `format`: its one chain is the
# registry chain as it stands, of version 1 events (§3, "Before chains per organ").
BEFORE_CHAINS = {
    "chain": "'registry' AS chain",
    "registry_position": "NULL AS registry_position",
    "format": "1 AS format",
}


def verify_sqlite(path: str) -> Finding:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            table = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'audit_events'"
            ).fetchone()
            if table is None:
                return Finding(False, None, "trail missing")  # §4: a database without the table
            present = {row[1] for row in con.execute("PRAGMA table_info(audit_events)")}
            columns = ", ".join(BEFORE_CHAINS.get(c, c) if c not in present else c for c in COLUMNS.split(", "))
            rows = con.execute(f"SELECT {columns} FROM audit_events ORDER BY seq").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return Finding(False, None, "malformed")
    try:
        _verify_rows(rows)
    except Fault as fault:
        return Finding(False, fault.seq, fault.kind, fault.chain)
    return Finding(True, None, "ok")


def _data_bytes(stored: Any) -> bytes:
    """The stored text of `data`, hashed byte for byte (§4); a NULL column as JSON's null."""
    if stored is None:
        return b"null"
    if isinstance(stored, bytes):
        return stored
    return str(stored).encode("utf-8", "surrogatepass")


def _chain_order(name: Any) -> tuple[int, bytes]:
    """§4: the registry chain first, then each organ's chain in the byte order of its name; rows whose
    `chain` is no name (NULL, a blob) last, so that they are found too."""
    if same(name, REGISTRY):
        return 0, b""
    if isinstance(name, str):
        return 1, name.encode("utf-8", "surrogatepass")
    return 2, name if isinstance(name, bytes) else b""


def _verify_rows(rows: list[tuple[Any, ...]]) -> None:
    """§4 Database verification: each chain in turn, each event in seq order, stopping at the first fault."""
    chains: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:  # in seq order
        chains.setdefault(row[13], []).append(row)
    walk = Walk(len(chains.get(REGISTRY, [])))
    for name in sorted(chains, key=_chain_order):
        try:
            walk.chain(name, chains[name])
        except Fault as fault:
            fault.chain = name if isinstance(name, str) else None
            raise


@dataclass
class DecisionSoFar:
    """A decision's own chain as walked so far (§3): its last number and hash, the registry position of its
    last event, and the chain of its version 2 events."""

    count: int = 0
    last: str | None = None
    position: int = 0
    chain: Any = None


class Walk:
    """§4: the checks on each event, in the document's order; the registry chain is walked first, so its
    key events are all known when an organ's chain is."""

    def __init__(self, registry_size: int) -> None:
        self.registry_size = registry_size
        self.keys = Keys()  # the registry chain's keys, as it is walked
        self.key_events: list[dict[str, Any]] = []  # the registry chain's key events, for the organs' chains
        self.decisions: dict[Any, DecisionSoFar] = {}

    def chain(self, name: Any, rows: list[tuple[Any, ...]]) -> None:
        expected, prev_hash, last_position, any_v2 = 1, ZEROS, 0, False
        replay = Replay(self.key_events)
        for row in rows:
            seq, *_, hash_hex, signature, chain, registry, fmt = row
            # 1. the next number of its chain; a version 1 event in the registry chain, before any version 2 one
            if seq != expected:
                raise Fault("event missing" if is_int(seq) and seq > expected else "order broken", seq)
            if same(fmt, 1) and (not same(chain, REGISTRY) or registry is not None or any_v2):
                raise Fault("format out of place", seq)
            ev = self.content(row)  # 2. the hash, 3. the types
            # 4. the link in its chain
            if ev["prev_hash"] != prev_hash:
                raise Fault("link broken", seq)
            self.decision_chain(ev, fmt, hash_hex)  # 5.
            # 6. the registry position, for an event of an organ's chain; key events only in the registry chain
            version = 2 if same(fmt, 2) else 1
            pos = position(ev, version)
            if not same(chain, REGISTRY):
                self.registry_position(ev, pos, last_position)
                if ev["action"] in KEY_ACTIONS:
                    raise Fault("key event outside the registry", seq)
            # 7. the signature and the key rules, with the keys at its registry position
            if same(chain, REGISTRY):
                self.keys.check(ev, hash_hex, signature)
                if ev["action"] in KEY_ACTIONS:
                    self.key_events.append(ev)
            else:
                replay.at(pos).check(ev, hash_hex, signature)
            self.remember(ev, hash_hex, pos)
            expected, prev_hash, last_position, any_v2 = expected + 1, hash_hex, pos, any_v2 or version == 2

    @staticmethod
    def content(row: tuple[Any, ...]) -> dict[str, Any]:
        """Steps 2 and 3: the row's content of its version (a NULL column is JSON null), its hash over the
        stored `data` text byte for byte, then its types (`data` the canonical JSON text of an object)."""
        seq, at, actor, action, decision, dseq, dprev, stage, step, stored, prev, hash_hex, signature, *rest = row
        chain, registry, fmt = rest
        ev = {"seq": seq, "at": at, "actor": actor, "action": action, "decision": decision, "decision_seq": dseq}
        ev |= {"decision_prev": dprev, "stage": stage, "step": step, "data": None, "prev_hash": prev}
        if not (same(fmt, 1) or same(fmt, 2)):  # a row of no version has no domain: its hash cannot match
            raise Fault("content edited", seq)
        if fmt == 2:
            ev |= {"chain": chain, "registry": registry}
        data = _data_bytes(stored)
        try:
            if content_hash(ev, data, fmt) != hash_hex:
                raise Fault("content edited", seq)
        except (TypeError, ValueError) as exc:
            raise Fault("content edited", seq) from exc
        try:
            ev["data"] = parse(data.decode("utf-8"))
            if canonical(ev["data"]) != data:
                raise ValueError("not canonical")
        except (ValueError, TypeError, RecursionError):
            ev["data"] = None
        if type_fault(ev, fmt) is not None or not (signature is None or isinstance(signature, str)):
            raise Fault("wrong type", seq)
        return ev

    def decision_chain(self, ev: dict[str, Any], fmt: Any, hash_hex: str) -> None:
        """Step 5, without look-ahead: ahead is "event missing", back or the same "order broken"; then the
        link; then a decision's version 2 events all in one organ's chain."""
        if ev["decision"] is None:
            return
        so_far = self.decisions.get(ev["decision"], DecisionSoFar())
        seq, dseq = ev["seq"], ev["decision_seq"]
        if dseq > so_far.count + 1:
            raise Fault("event missing", seq)
        if dseq < so_far.count + 1:
            raise Fault("order broken", seq)
        if ev["decision_prev"] != so_far.last:
            raise Fault("link broken", seq)
        if fmt == 2 and (same(ev["chain"], REGISTRY) or so_far.chain not in (None, ev["chain"])):
            raise Fault("decision in two chains", seq)

    def registry_position(self, ev: dict[str, Any], pos: int, last_position: int) -> None:
        """Step 6 for an event of an organ's chain: at most the registry chain's size, and no less than the
        position of its chain's previous event or of its decision's previous event."""
        if pos > self.registry_size:
            raise Fault("registry ahead", ev["seq"])
        so_far = self.decisions.get(ev["decision"]) if ev["decision"] is not None else None
        if pos < last_position or (so_far is not None and pos < so_far.position):
            raise Fault("registry went back", ev["seq"])

    def remember(self, ev: dict[str, Any], hash_hex: str, pos: int) -> None:
        if ev["decision"] is not None:
            chain = ev.get("chain")  # a version 2 event's; a version 1 event's is the registry chain
            previous = self.decisions.get(ev["decision"], DecisionSoFar()).chain
            self.decisions[ev["decision"]] = DecisionSoFar(ev["decision_seq"], hash_hex, pos, chain or previous)
