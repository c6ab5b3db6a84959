"""The hashed form of an audit event (docs/audit-format.md): its content, the canonical JSON of
that content, and the hash.

    hash = SHA-256( b"decision-flow/audit/v2\\n" + canonical_json(content) )
    content = {"seq", "at", "actor", "action", "decision", "decision_seq", "decision_prev",
               "stage", "step", "data", "prev_hash", "chain", "registry"}

Events written before chains per organ are of version 1: no ``chain`` or ``registry`` key, and
the domain ``decision-flow/audit/v1``. A content's keys say its version.

canonical_json sorts keys, uses no insignificant whitespace and writes UTF-8 without escaping
non-ASCII; event data holds only strings, integers, booleans, null, lists and objects (no
floats), so the form is unambiguous. The first event's ``prev_hash`` is 64 zeros.

Verification hashes every stored event, so the canonical bytes of an event of the engine's own
types are filled into one template (:func:`plain_bytes`); anything else is built key by key.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring
from typing import Any

from decision_flow.store.rows import AuditEvent

# The events that register, rotate and revoke keys and grant roles: what says which key was whose.
KEY_ACTIONS = ("user_added", "user_roles_changed", "key_registered", "key_rotated", "key_revoked")

DOMAIN = b"decision-flow/audit/v1\n"
DOMAIN_V2 = b"decision-flow/audit/v2\n"
GENESIS = "0" * 64
REGISTRY = "registry"  # the chain of users, keys, organs, calendars and definitions


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value (sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def stored_content(
    seq: Any,
    at: Any,
    actor: Any,
    action: Any,
    decision: Any,
    decision_seq: Any,
    decision_prev: Any,
    stage: Any,
    step: Any,
    data: str,
    prev_hash: Any,
    chain: Any = None,
    registry: Any = None,
    version: int = 2,
) -> dict[str, Any]:
    """The hashed content of an event from its stored columns, in the table's order, with the
    data as the very canonical text stored (what is hashed, byte for byte); `chain` and
    `registry` are content only in an event of version 2."""
    content = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "decision": decision,
        "decision_seq": decision_seq,
        "decision_prev": decision_prev,
        "stage": stage,
        "step": step,
        "data": RawJSON(data),
        "prev_hash": prev_hash,
    }
    if version == 2:
        content["chain"], content["registry"] = chain, registry
    return content


def content_of(event: AuditEvent) -> dict[str, Any]:
    """The hashed content of an event, as stored, with its data parsed (ValueError if it is not
    JSON)."""
    e = event
    content = stored_content(
        e.seq,
        e.at,
        e.actor,
        e.action,
        e.decision_id,
        e.decision_seq,
        e.decision_prev,
        e.stage,
        e.step,
        e.data,
        e.prev_hash,
        e.chain,
        e.registry_position,
        e.format,
    )
    return {**content, "data": json.loads(e.data)}


class RawJSON(str):
    """Stored event data that is already canonical JSON text: hashed byte for byte as it is
    stored (so verification need not parse and re-serialise it)."""


CONTENT_KEYS = (
    "action",
    "actor",
    "at",
    "data",
    "decision",
    "decision_prev",
    "decision_seq",
    "prev_hash",
    "seq",
    "stage",
    "step",
)
CONTENT_KEYS_V2 = tuple(sorted((*CONTENT_KEYS, "chain", "registry")))


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return encode_basestring(value)  # what json.dumps(ensure_ascii=False) writes for a str
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


_PLAIN = (
    '{"action":%s,"actor":%s,"at":%s,"data":%s,"decision":%s,"decision_prev":%s,"decision_seq":%s,'
    '"prev_hash":%s,"seq":%d,"stage":%s,"step":%s}'
)
_PLAIN_V2 = (
    '{"action":%s,"actor":%s,"at":%s,"chain":%s,"data":%s,"decision":%s,"decision_prev":%s,"decision_seq":%s,'
    '"prev_hash":%s,"registry":%s,"seq":%d,"stage":%s,"step":%s}'
)


def plain_bytes(
    action: Any,
    actor: Any,
    at: Any,
    data: Any,
    decision: Any,
    prev: Any,
    dseq: Any,
    prev_hash: Any,
    seq: Any,
    stage: Any,
    step: Any,
    chain: Any = None,
    registry: Any = None,
    version: int = 1,
) -> bytes | None:
    """The canonical bytes of an event (its content's values in key order, `chain` and `registry`
    for version 2) whose every value has the type the engine writes (text, whole numbers, null,
    data already canonical), filled into one template; None otherwise. Verification spends most
    of its time here."""
    if not (
        type(data) is RawJSON
        and type(seq) is int
        and type(action) is str
        and type(actor) is str
        and type(at) is str
        and type(prev_hash) is str
        and (decision is None or type(decision) is int)
        and (dseq is None or type(dseq) is int)
        and (prev is None or type(prev) is str)
        and (stage is None or type(stage) is str)
        and (step is None or type(step) is str)
    ):
        return None
    esc = encode_basestring
    dec, dseq_, dprev = "null" if decision is None else decision, "null" if dseq is None else dseq, "null"
    if prev is not None:
        dprev = esc(prev)
    stage_, step_ = "null" if stage is None else esc(stage), "null" if step is None else esc(step)
    if version == 1:
        return (
            _PLAIN % (esc(action), esc(actor), esc(at), data, dec, dprev, dseq_, esc(prev_hash), seq, stage_, step_)
        ).encode("utf-8")
    if type(chain) is not str or not (registry is None or type(registry) is int):
        return None
    reg = "null" if registry is None else registry
    values = (
        esc(action),
        esc(actor),
        esc(at),
        esc(chain),
        data,
        dec,
        dprev,
        dseq_,
        esc(prev_hash),
        reg,
        seq,
        stage_,
        step_,
    )
    return (_PLAIN_V2 % values).encode("utf-8")


def version_of(content: dict[str, Any]) -> int:
    """2 for a content with `chain` (version 2), else 1."""
    return 2 if "chain" in content else 1


def content_bytes(content: dict[str, Any]) -> bytes:
    """canonical_json(content): from one template when the values are of the engine's types (the
    hot path of verify), else built key by key for the known keys."""
    keys = CONTENT_KEYS_V2 if "chain" in content else CONTENT_KEYS
    if len(content) != len(keys) or any(k not in content for k in keys):
        return canonical_json(content)
    c = content
    plain = plain_bytes(
        c["action"], c["actor"], c["at"], c["data"], c["decision"], c["decision_prev"], c["decision_seq"],
        c["prev_hash"], c["seq"], c["stage"], c["step"], c.get("chain"), c.get("registry"), version_of(c),
    )  # fmt: skip
    if plain is not None:
        return plain
    data = content["data"]
    parts = [f'"{k}":{data if k == "data" and isinstance(data, RawJSON) else _scalar(content[k])}' for k in keys]
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def _is_hash(value: Any) -> bool:
    """64 lowercase hexadecimal digits (stripping them leaves nothing: twice as fast as a regex)."""
    return type(value) is str and len(value) == 64 and not value.strip("0123456789abcdef")


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 1


def type_fault(content: dict[str, Any], check_data: bool = True) -> tuple[str, str] | None:
    """The first key of an event's content (in the document's table order) whose value is not of
    the JSON type docs/audit-format.md names for it, with that type's name; None if all are.
    Stored data (RawJSON) must be the canonical text of an object; `check_data=False` skips that
    parse, for bytes an earlier verification already checked."""
    c = content
    decision = c["decision"]
    if not _is_count(c["seq"]):
        return "seq", "integer_1"
    for key in ("at", "actor", "action"):
        if type(c[key]) is not str:
            return key, "string"
    if decision is not None and not _is_count(decision):
        return "decision", "integer_1_or_null"
    if (decision is None and c["decision_seq"] is not None) or (
        decision is not None and not _is_count(c["decision_seq"])
    ):
        return "decision_seq", "integer_1_with_decision"
    if c["decision_prev"] is not None and (decision is None or not _is_hash(c["decision_prev"])):
        return "decision_prev", "hash_or_null_with_decision"
    for key in ("stage", "step"):
        if c[key] is not None and type(c[key]) is not str:
            return key, "string_or_null"
    data = c["data"]
    if type(data) is RawJSON:
        if check_data and not _canonical_object(data):
            return "data", "object_text"
    elif type(data) is not dict:
        return "data", "object"
    if not _is_hash(c["prev_hash"]):
        return "prev_hash", "hash"
    if "chain" in c:
        chain, registry = c["chain"], c["registry"]
        if type(chain) is not str or not 1 <= len(chain) <= 40:
            return "chain", "chain_name"
        if (chain == REGISTRY and registry is not None) or (
            chain != REGISTRY and not (type(registry) is int and registry >= 0)
        ):
            return "registry", "registry_position"
    return None


def _refuse(text: str) -> Any:
    raise ValueError(text)


# Made once: json.loads and json.dumps with options build a new decoder or encoder at every call,
# which cost a first verification 1.5 µs an event.
_DECODE = json.JSONDecoder(parse_float=_refuse, parse_constant=_refuse).decode
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def _canonical_object(text: str) -> bool:
    """Whether stored data is the canonical JSON text of an object (section 1): it parses, and
    canonical_json writes it back to exactly the same bytes (as text here: equal text encodes to
    equal bytes, and text that is not UTF-8 fails to encode)."""
    if not text.startswith("{"):
        return False
    try:
        value = _DECODE(text)
        if type(value) is not dict or _ENCODE(value) != text:
            return False
        text.encode("utf-8")  # a lone surrogate is no UTF-8 (UnicodeEncodeError, a ValueError)
        return True
    except (ValueError, RecursionError):
        return False


def hash_content(content: dict[str, Any]) -> str:
    """The event hash: SHA-256 over its version's domain prefix and the canonical content."""
    return hashlib.sha256((DOMAIN_V2 if "chain" in content else DOMAIN) + content_bytes(content)).hexdigest()
