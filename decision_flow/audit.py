"""The audit trail (审计记录): one append-only chain of events, each hashed over its canonical
content and the previous event's hash.

    hash = SHA-256( b"decision-flow/audit/v1\\n" + canonical_json(content) )
    content = {"seq", "at", "actor", "action", "decision", "stage", "step", "data", "prev_hash"}

canonical_json sorts keys, uses no insignificant whitespace and writes UTF-8 without escaping
non-ASCII; event data holds only strings, integers, booleans, null, lists and objects (no
floats), so the form is unambiguous. The first event's ``prev_hash`` is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from decision_flow.models import AuditEvent

DOMAIN = b"decision-flow/audit/v1\n"
GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value (sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def content_of(event: AuditEvent) -> dict[str, Any]:
    """The hashed content of an event, as stored."""
    return {
        "seq": event.seq,
        "at": event.at,
        "actor": event.actor,
        "action": event.action,
        "decision": event.decision_id,
        "stage": event.stage,
        "step": event.step,
        "data": json.loads(event.data),
        "prev_hash": event.prev_hash,
    }


def hash_content(content: dict[str, Any]) -> str:
    return hashlib.sha256(DOMAIN + canonical_json(content)).hexdigest()


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
) -> AuditEvent:
    """Append one event inside the caller's transaction (which commits it with the change)."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders for the rest of this transaction; the seq and prev_hash
        # uniqueness constraints would refuse a fork anyway.
        session.execute(text("SELECT pg_advisory_xact_lock(7130713)"))
    head = session.exec(select(AuditEvent.seq, AuditEvent.hash).order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    payload = data or {}
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        decision_id=decision,
        stage=stage,
        step=step,
        data=canonical_json(payload).decode("utf-8"),
        prev_hash=prev,
        hash="",
    )
    event.hash = hash_content(content_of(event))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Verdict:
    """The result of walking the chain: ok, how many events, and the first bad one with why."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "first_bad_seq": self.first_bad_seq, "reason": self.reason}


def verify_events(events: Iterable[AuditEvent]) -> Verdict:
    """Walk events in seq order: recompute each hash, check the links and the numbering."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            why = "event missing" if event.seq > expected_seq else "order broken"
            return Verdict(
                False,
                count,
                expected_seq if event.seq > expected_seq else event.seq,
                f"{why}: expected seq {expected_seq}, found {event.seq}",
            )
        try:
            recomputed = hash_content(content_of(event))
        except (ValueError, TypeError):
            return Verdict(False, count, event.seq, "content edited: data is not valid JSON")
        if recomputed != event.hash:
            return Verdict(False, count, event.seq, "content edited: hash does not match content")
        if event.prev_hash != prev_hash:
            return Verdict(False, count, event.seq, "link broken: prev_hash is not the previous hash")
        prev_hash, expected_seq = event.hash, expected_seq + 1
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
