"""The audit trail (审计记录): one append-only chain of events, each hashed over its canonical
content and the previous event's hash (:mod:`decision_flow.trail.canonical` has the formula). An
event of a decision also carries its number within that decision (``decision_seq``, from 1)
and the hash of the decision's previous event (``decision_prev``, null for the first): a
decision's events form a chain of their own, so an export of one decision verifies on its own.

Each event is also signed by its actor: ``signature`` (beside ``hash``, not part of the
content) is their Ed25519 signature of the hash (:mod:`decision_flow.identity.keys`), checked while the
chain is walked by :mod:`decision_flow.trail.signatures`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from decision_flow.core.i18n import Msg, t
from decision_flow.store.models import AuditEvent
from decision_flow.store.rawsql import Raw
from decision_flow.trail.canonical import (
    DOMAIN,
    GENESIS,
    canonical_json,
    content_of,
    hash_content,
    plain_bytes,
    stored_content,
    type_fault,
)

_LAST = (
    "SELECT (SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1),"
    " (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1),"
    " (SELECT decision_seq FROM audit_events WHERE decision_id = ? ORDER BY seq DESC LIMIT 1),"
    " (SELECT hash FROM audit_events WHERE decision_id = ? ORDER BY seq DESC LIMIT 1)"
)
_COLUMNS = (
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
_INSERT = f"INSERT INTO audit_events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"


def append(
    session: Session,
    *,
    at: str,
    actor: str,
    action: str,
    decision: int | None = None,
    stage: str | None = None,
    step: str | None = None,
    data: dict[str, Any] | None = None,
    sign: Callable[[str], str] | None = None,
) -> tuple[int, str]:
    """Append one event inside the caller's transaction (which commits it with the change);
    `sign` (the actor's key) signs its hash. Returns the event's seq and hash."""
    raw = Raw(session)  # plain SQL: this runs once per change (decision_flow.store.rawsql)
    if raw.postgres:
        # Serialise appenders for the rest of this transaction; the seq and prev_hash
        # uniqueness constraints would refuse a fork anyway.
        raw.one("SELECT pg_advisory_xact_lock(7130713)")
    head = raw.one(_LAST, decision, decision)  # the chain's head and the decision's last event
    assert head is not None
    seq, prev = (head[0] + 1, head[1]) if head[0] is not None else (1, GENESIS)
    decision_seq, decision_prev = None, None
    if decision is not None:
        decision_seq, decision_prev = ((head[2] or 0) + 1, head[3]) if head[3] is not None else (1, None)
    stored = canonical_json(data or {}).decode("utf-8")
    content = stored_content(seq, at, actor, action, decision, decision_seq, decision_prev, stage, step, stored, prev)
    digest = hash_content(content)
    row = {
        **content,
        "decision_id": decision,
        "data": stored,
        "hash": digest,
        "signature": sign(digest) if sign else None,
    }
    raw.run(_INSERT, *(row[c] for c in _COLUMNS))
    return seq, digest


def head(session: Session) -> tuple[int, str]:
    """The chain's size and head hash (64 zeros for an empty chain)."""
    row = session.exec(select(AuditEvent.seq, AuditEvent.hash).order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def decision_head(session: Session, decision: int) -> tuple[int, str]:
    """A decision's own chain: its number of events and its last event's hash (64 zeros if none)."""
    row = session.exec(
        select(AuditEvent.decision_seq, AuditEvent.hash)
        .where(AuditEvent.decision_id == decision)
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).first()
    return (int(row[0] or 0), row[1]) if row else (0, GENESIS)


@dataclass(frozen=True, eq=False)
class Verdict:
    """The result of walking the chain: ok, how many events, and the first bad one with why
    (a message, shown in the reader's language; its English text is the JSON `reason`)."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    why: Msg | str | None = None
    signed: int | None = None  # how many signatures were checked, if any
    recalled: int = 0  # of those, checked by an earlier run on this machine
    signers: tuple[tuple[str, str], ...] = ()  # (actor, key fingerprint) of each key that signed, in a file
    note: Msg | None = None  # what the verdict does not cover (a file of the first version: no signatures)

    @property
    def reason(self) -> str | None:
        """Why, in English: the `reason` of `dflow audit verify --json`, a stable contract."""
        return None if self.why is None else t(self.why, "en")

    def _compared(self) -> tuple[bool, int, int | None, str | None]:
        return self.ok, self.events, self.first_bad_seq, self.reason

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "ok": self.ok,
            "events": self.events,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
        }
        if self.signers:  # a verified export file: whose keys signed it (the database's shape is fixed)
            shown["signatures"] = self.signed
            shown["signers"] = [{"actor": actor, "fingerprint": key} for actor, key in self.signers]
        if self.note is not None:
            shown["note"] = t(self.note, "en")
        return shown


def verify_events(events: Iterable[AuditEvent]) -> Verdict:
    """Walk the whole chain in seq order: recompute each hash, check numbering and both links."""
    return verify_contents(((_content_or_none(e), e.hash) for e in events), whole_chain=True)


_ROWS = (
    "SELECT seq, at, actor, action, decision_id, decision_seq, decision_prev, stage, step, {data}, prev_hash, hash,"
    " signature FROM audit_events WHERE {after} ORDER BY seq LIMIT ?"
)


def _text(data: str | bytes) -> str:
    """Stored data as text; bytes that are not UTF-8 (an edit) become replacement characters,
    so the hash no longer matches and verification names the event."""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _batches(session: Session, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """The stored rows in seq order, `batch` at a time, read through the driver's own cursor in
    the session's transaction (one snapshot; SQLAlchemy's row objects cost a second a million)."""
    raw = Raw(session)
    last: int | None = None  # the first batch starts at the lowest seq stored, 0 or below included
    while True:
        after, args = ("seq > ?", (last, batch)) if last is not None else ("1 = 1", (batch,))
        try:
            rows = raw.all(_ROWS.format(data="data", after=after), *args)
        except OperationalError:  # SQLite: TEXT that is not UTF-8 (an edit); this batch as bytes
            if raw.postgres:
                raise
            rows = [
                (*r[:9], _text(r[9]), *r[10:])
                for r in raw.all(_ROWS.format(data="CAST(data AS BLOB)", after=after), *args)
            ]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def iter_stored(session: Session, batch: int = 20000) -> Iterator[tuple[dict[str, Any], str, str | None, str]]:
    """Every event as (content with its stored data as RawJSON, stored hash, signature, the hash
    of its content as stored), in seq order, read as plain rows in batches: the fast, flat-memory
    path of verification."""
    sha256 = hashlib.sha256
    for rows in _batches(session, batch):
        for seq, at, actor, action, decision, dseq, dprev, stage, step, data, prev, digest, signature in rows:
            content = stored_content(seq, at, actor, action, decision, dseq, dprev, stage, step, data, prev)
            if data is None:  # NULL is JSON null, like every other column (then a wrong type)
                content["data"] = None
            plain = plain_bytes(action, actor, at, content["data"], decision, dprev, dseq, prev, seq, stage, step)
            computed = sha256(DOMAIN + plain).hexdigest() if plain is not None else hash_content(content)
            yield content, digest, signature, computed


def _content_or_none(event: AuditEvent) -> dict[str, Any] | None:
    try:
        return content_of(event)
    except (ValueError, TypeError):
        return None


def _written_as(content: dict[str, Any], stored_hash: str, locate: Callable[[str], int | None] | None) -> int | None:
    """The seq an event was written with, if its content hashes right under another seq."""
    if locate is None:
        return None
    prev = content.get("prev_hash")
    before = 0 if prev == GENESIS else locate(prev) if isinstance(prev, str) else None
    if before is None or before + 1 == content.get("seq"):
        return None
    return before + 1 if hash_content({**content, "seq": before + 1}) == stored_hash else None


def verify_contents(
    items: Iterable[tuple[Any, ...]],
    whole_chain: bool,
    locate: Callable[[str], int | None] | None = None,
    then: Callable[..., Msg | None] | None = None,
    checked_until: int = 0,
    admit: Callable[[dict[str, Any]], Msg | None] | None = None,
) -> Verdict:
    """Verify (content, hash, …) tuples in order (a fourth item, if any, is the content's hash,
    already computed). With `whole_chain` the global numbering and links are checked too;
    without, only each decision's own chain (an export of one decision).
    A content of None stands for an event whose stored data does not parse. `locate` (the seq
    of the event with a given hash) lets a failure tell an event moved from one edited. `then`,
    called with each whole tuple once its hash and links are right, returns why it is bad (the
    signature check), or None. Stored data of events up to `checked_until` (bytes an earlier
    verification checked, :mod:`decision_flow.trail.verified`) is not parsed again. `admit`,
    called once an event's hash and types are right, says why it does not belong where it is
    (a key line of an export that is no key event), or None.
    The event named for a fault is always one that is there: for a missing event, the one found
    in its place (the reason names the missing number)."""
    prev_hash, expected_seq, count = GENESIS, None if not whole_chain else 1, 0
    decisions: dict[Any, tuple[int, str]] = {}  # decision -> (last decision_seq, last hash)
    for item in items:
        content, stored_hash = item[0], item[1]
        count += 1
        seq = content.get("seq") if content else None
        if content is None:
            return Verdict(False, count, seq, Msg("verify.data_not_json"))
        if expected_seq is not None and seq != expected_seq:
            missing = isinstance(seq, int) and seq > expected_seq
            found = {"expected": expected_seq, "found": str(seq)}
            why = Msg("verify.seq_missing" if missing else "verify.seq_order", found)
            return Verdict(False, count, seq if isinstance(seq, int) else None, why)
        if (item[3] if len(item) > 3 else hash_content(content)) != stored_hash:
            moved_from = _written_as(content, stored_hash, locate)
            if moved_from is not None:
                return Verdict(False, count, seq, Msg("verify.moved", {"seq": seq, "written": moved_from}))
            return Verdict(False, count, seq, Msg("verify.hash"))
        fault = type_fault(content, check_data=not (type(seq) is int and seq <= checked_until))
        if fault is not None:
            named = seq if type(seq) is int else None
            return Verdict(False, count, named, Msg("verify.type", {"key": fault[0], "kind": Msg(f"type.{fault[1]}")}))
        if len(item) > 2 and item[2] is not None and type(item[2]) is not str:
            return Verdict(False, count, seq, Msg("verify.type", {"key": "signature", "kind": Msg("type.signature")}))
        if admit is not None:
            refused = admit(content)
            if refused is not None:
                return Verdict(False, count, seq, refused)
        if whole_chain and content.get("prev_hash") != prev_hash:
            return Verdict(False, count, seq, Msg("verify.prev_link"))
        decision = content.get("decision")
        if decision is not None:
            last_seq, last_hash = decisions.get(decision, (0, None))
            if content.get("decision_seq") != last_seq + 1:
                missing = (content.get("decision_seq") or 0) > last_seq + 1
                found = {"decision": decision, "expected": last_seq + 1, "found": str(content.get("decision_seq"))}
                why = Msg("verify.decision_missing" if missing else "verify.decision_order", found)
                return Verdict(False, count, seq, why)
            if content.get("decision_prev") != last_hash:
                return Verdict(False, count, seq, Msg("verify.decision_link", {"decision": decision}))
            decisions[decision] = (last_seq + 1, stored_hash)
        if then is not None:
            bad = then(*item)
            if bad is not None:
                return Verdict(False, count, seq, bad)
        prev_hash = stored_hash
        if expected_seq is not None:
            expected_seq += 1
    return Verdict(True, count)


def iter_chain(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    """Every event in seq order, fetched in batches so memory stays flat."""
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.seq) > last).order_by(col(AuditEvent.seq)).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def iter_decision(session: Session, decision: int, batch: int = 5000) -> Iterator[AuditEvent]:
    """A decision's events in order, fetched in batches so memory stays flat."""
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.decision_id == decision, col(AuditEvent.seq) > last)
            .order_by(col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


KEY_ACTIONS = ("user_added", "user_roles_changed", "key_registered", "key_rotated", "key_revoked")


def iter_key_events(session: Session, size: int) -> Iterator[AuditEvent]:
    """The events that register, rotate and revoke keys and grant roles (all of no decision),
    up to seq `size`, in order: what an export carries so its signatures can be checked."""
    rows = session.exec(
        select(AuditEvent)
        .where(
            col(AuditEvent.decision_id).is_(None),
            col(AuditEvent.seq) <= size,
            col(AuditEvent.action).in_(KEY_ACTIONS),
        )
        .order_by(col(AuditEvent.seq))
    ).all()
    yield from rows


def trail(session: Session, decision: int) -> list[AuditEvent]:
    """The events of one decision, in order."""
    return list(
        session.exec(select(AuditEvent).where(AuditEvent.decision_id == decision).order_by(col(AuditEvent.seq))).all()
    )


def as_dict(event: AuditEvent) -> dict[str, Any]:
    """An event in the JSON shape of `dflow audit ID --json`."""
    return {
        "seq": event.seq,
        "at": event.at,
        "actor": event.actor,
        "action": event.action,
        "stage": event.stage,
        "step": event.step,
        "data": json.loads(event.data),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
