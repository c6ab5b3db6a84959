"""The audit trail (审计记录): append-only chains of events, each hashed over its canonical
content and the previous event's hash in its chain (:mod:`decision_flow.trail.canonical` has the
formula). The registry chain holds users, keys, organs, calendars and definitions; each organ has
a chain of its own for its decisions' events, so writers in different organs never wait for each
other (docs/audit-format.md, section 3). An event of a decision also carries its number within
that decision (``decision_seq``, from 1) and the hash of the decision's previous event
(``decision_prev``, null for the first): a decision's events form a chain of their own, so an
export of one decision verifies on its own.

Each event is also signed by its actor: ``signature`` (beside ``hash``, not part of the
content) is their Ed25519 signature of the hash (:mod:`decision_flow.identity.keys`), checked while the
chains are walked by :mod:`decision_flow.trail.signatures`. An organ's event records the registry
chain's size when its actor's key was read (``registry``), which says which key was theirs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from decision_flow.core.errors import Conflict
from decision_flow.core.i18n import Msg
from decision_flow.store.row import rows_as, select_all
from decision_flow.store.rows import AuditEvent
from decision_flow.store.tx import cursor_of
from decision_flow.trail.canonical import (
    DOMAIN,
    DOMAIN_V2,
    GENESIS,
    KEY_ACTIONS,
    REGISTRY,
    canonical_json,
    hash_content,
    plain_bytes,
    stored_content,
)

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

_LAST = (
    "SELECT (SELECT seq FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1),"
    " (SELECT hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1),"
    " (SELECT decision_seq FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1),"
    " (SELECT hash FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1),"
    f" (SELECT seq FROM audit_events WHERE chain = '{REGISTRY}' ORDER BY seq DESC LIMIT 1),"
    " (SELECT public_key FROM users WHERE name = ?)"
)
_COLUMNS = (
    "chain",
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
    "registry_position",
    "format",
)
_INSERT = f"INSERT INTO audit_events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
_LOCK = 7130713  # the first key of every chain's advisory lock on PostgreSQL


def append(
    session: Tx,
    *,
    at: str,
    actor: str,
    action: str,
    chain: str = REGISTRY,
    decision: int | None = None,
    stage: str | None = None,
    step: str | None = None,
    data: dict[str, Any] | None = None,
    sign: Callable[[str], str] | None = None,
    key: str | None = None,
) -> tuple[int, str]:
    """Append one event to `chain` inside the caller's transaction (which commits it with the
    change); `sign` (the actor's key, whose public half is `key`) signs its hash. An event of an
    organ's chain records the registry chain's size read with the actor's key in one statement,
    holding the organ's chain: should that key no longer be `key` (rotated or revoked since the
    change began), nothing is written (Conflict); so too for an event of the registry's, read
    holding its chain (`key` None: a change of the actor's own key, which it makes itself).
    Returns the event's seq and hash."""
    raw = cursor_of(session)  # plain SQL through the driver: this runs once per change
    if raw.postgres:
        # Serialise this chain's appenders for the rest of this transaction; other chains go on.
        # The (chain, seq) key and (chain, prev_hash) uniqueness would refuse a fork anyway.
        raw.one("SELECT pg_advisory_xact_lock(?, hashtext(?))", _LOCK, chain)
    head = raw.one(_LAST, chain, chain, decision, decision, actor)  # heads, the registry's size, the key
    assert head is not None
    seq, prev = (head[0] + 1, head[1]) if head[0] is not None else (1, GENESIS)
    decision_seq, decision_prev = None, None
    if decision is not None:
        decision_seq, decision_prev = ((head[2] or 0) + 1, head[3]) if head[3] is not None else (1, None)
    registry = None if chain == REGISTRY else head[4] or 0
    if sign is not None and key is not None and head[5] != key:
        raise Conflict(Msg("audit.key_changed", {"actor": actor}))
    stored = canonical_json(data or {}).decode("utf-8")
    content = stored_content(
        seq, at, actor, action, decision, decision_seq, decision_prev, stage, step, stored, prev, chain, registry
    )
    digest = hash_content(content)
    row = {
        **content,
        "decision_id": decision,
        "data": stored,
        "hash": digest,
        "signature": sign(digest) if sign else None,
        "registry_position": registry,
        "format": 2,
    }
    raw.run(_INSERT, *(row[c] for c in _COLUMNS))
    return seq, digest


def chains(session: Tx) -> list[str | None]:
    """Every chain the trail holds: the registry's first, then the others in byte order, and None
    last if some row names no chain (the schema forbids it: only an edit makes one)."""
    found = {row[0] for row in cursor_of(session).all("SELECT DISTINCT chain FROM audit_events")}
    named = sorted(
        (c for c in found if isinstance(c, str) and c != REGISTRY), key=lambda c: c.encode("utf-8", "replace")
    )
    return [REGISTRY, *named, *([None] if None in found else [])]


def head(session: Tx, chain: str | None = REGISTRY) -> tuple[int, str]:
    """A chain's size and head hash (64 zeros for an empty chain); None: of the rows of no chain."""
    named, of = ("chain = ?", (chain,)) if chain is not None else ("chain IS NULL", ())
    row = cursor_of(session).one(f"SELECT seq, hash FROM audit_events WHERE {named} ORDER BY seq DESC LIMIT 1", *of)
    return (row[0], row[1]) if row else (0, GENESIS)


def decision_head(session: Tx, decision: int) -> tuple[int, str]:
    """A decision's own chain: its number of events and its last event's hash (64 zeros if none)."""
    row = cursor_of(session).one(
        "SELECT decision_seq, hash FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1", decision
    )
    return (int(row[0] or 0), row[1]) if row else (0, GENESIS)


_ROWS = (
    "SELECT seq, at, actor, action, decision_id, decision_seq, decision_prev, stage, step, {data}, prev_hash, hash,"
    " signature, chain, registry_position, format FROM audit_events WHERE {chain} AND {after} ORDER BY seq LIMIT ?"
)


def _text(data: str | bytes) -> str:
    """Stored data as text; bytes that are not UTF-8 (an edit) become replacement characters,
    so the hash no longer matches and verification names the event."""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _batches(session: Tx, chain: str | None, batch: int, until: int | None) -> Iterator[list[tuple[Any, ...]]]:
    """A chain's stored rows in seq order (up to seq `until`, if given), `batch` at a time, read
    through the driver's own cursor in the session's transaction (one snapshot; SQLAlchemy's row
    objects cost a second a million)."""
    raw = cursor_of(session)
    last: int | None = None  # the first batch starts at the lowest seq stored, 0 or below included
    while True:
        named, of = ("chain = ?", (chain,)) if chain is not None else ("chain IS NULL", ())
        after, args = ("seq > ?", (*of, last, batch)) if last is not None else ("1 = 1", (*of, batch))
        if until is not None:
            after, args = f"{after} AND seq <= ?", (*args[:-1], until, batch)
        try:
            rows = raw.all(_ROWS.format(data="data", chain=named, after=after), *args)
        except Exception as exc:  # SQLite: TEXT that is not UTF-8 (an edit); this batch as bytes
            if raw.postgres or not isinstance(getattr(exc, "orig", exc), sqlite3.OperationalError):
                raise
            rows = [
                (*r[:9], _text(r[9]), *r[10:])
                for r in raw.all(_ROWS.format(data="CAST(data AS BLOB)", chain=named, after=after), *args)
            ]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


Stored = tuple[dict[str, Any], str, str | None, str, str]


def iter_stored(
    session: Tx, chain: str | None = REGISTRY, batch: int = 1000, until: int | None = None
) -> Iterator[Stored]:
    """Every event of `chain` as (content with its stored data as RawJSON, stored hash, signature,
    the hash of its content as stored, its format: "v2", "v1", "v1-misplaced" (outside the registry
    chain, or with a registry position) or "none"), in seq order, read
    as plain rows in batches: the fast, flat-memory path of verification. A row's `format` says
    how it is hashed (one of neither version never hashes right); one of version 1 must be of the
    registry chain, with no registry position. `chain` None reads the rows whose chain is NULL.
    A thousand rows at a time: faster than twenty thousand (they stay in the CPU's cache) and a
    fraction of their memory. With `until`, the events numbered up to it (a chain as another
    transaction saw it)."""
    sha256 = hashlib.sha256
    for rows in _batches(session, chain, batch, until):
        for row in rows:
            (seq, at, actor, action, decision, dseq, dprev, stage, step, data, prev, digest, signature,
             stored_chain, registry, fmt) = row  # fmt: skip
            version = 2 if fmt == 2 else 1
            content = stored_content(
                seq, at, actor, action, decision, dseq, dprev, stage, step, data, prev, stored_chain, registry, version
            )
            # the row's format as the walk needs it: a version 1 row out of its place, or of no version
            placed = "v2" if fmt == 2 else "none" if fmt != 1 else "v1"
            if placed == "v1" and (stored_chain != REGISTRY or registry is not None):
                placed = "v1-misplaced"
            if data is None:  # NULL is JSON null, like every other column (then a wrong type)
                content["data"] = None
            plain = plain_bytes(
                action, actor, at, content["data"], decision, dprev, dseq, prev, seq, stage, step,
                stored_chain, registry, version,
            )  # fmt: skip
            domain = DOMAIN_V2 if version == 2 else DOMAIN
            computed = sha256(domain + plain).hexdigest() if plain is not None else hash_content(content)
            if fmt not in (1, 2):  # no version, no domain: it cannot hash right
                computed = ""
            yield content, digest, signature, computed, placed


def iter_decision(session: Tx, decision: int, batch: int = 5000) -> Iterator[AuditEvent]:
    """A decision's events in order (of `decision_seq`: its events may span two chains), fetched
    in batches so memory stays flat."""
    last, cur = 0, cursor_of(session)
    query = f"{select_all(AuditEvent)} WHERE decision_id = ? AND decision_seq > ? ORDER BY decision_seq LIMIT ?"
    while True:
        rows = rows_as(AuditEvent, cur.all(query, decision, last, batch))
        if not rows:
            return
        yield from rows
        last = rows[-1].decision_seq or 0


def iter_key_events(session: Tx, size: int) -> Iterator[AuditEvent]:
    """The events that register, rotate and revoke keys and grant roles (all of no decision, all
    in the registry chain), up to seq `size` of that chain, in order: what an export carries so
    its signatures can be checked."""
    query = (
        f"{select_all(AuditEvent)} WHERE chain = ? AND decision_id IS NULL AND seq <= ?"
        f" AND action IN ({', '.join('?' for _ in KEY_ACTIONS)}) ORDER BY seq"
    )
    yield from rows_as(AuditEvent, cursor_of(session).all(query, REGISTRY, size, *KEY_ACTIONS))


def trail(session: Tx, decision: int) -> list[AuditEvent]:
    """The events of one decision, in order."""
    query = f"{select_all(AuditEvent)} WHERE decision_id = ? ORDER BY decision_seq"
    return rows_as(AuditEvent, cursor_of(session).all(query, decision))


def as_dict(event: AuditEvent) -> dict[str, Any]:
    """An event in the JSON shape of `dflow audit ID --json` (`seq` is its number in `chain`)."""
    return {
        "seq": event.seq,
        "chain": event.chain,
        "at": event.at,
        "actor": event.actor,
        "action": event.action,
        "stage": event.stage,
        "step": event.step,
        "data": json.loads(event.data),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
