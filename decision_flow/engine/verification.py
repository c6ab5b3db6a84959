"""Verifying the database's audit trail (`dflow audit verify`, docs/audit-format.md sections 4-5):
every chain walked once — the registry's first, whose key events say which key each actor held at
every registry position, then each organ's — then every evidence file, every imported calendar
year and every kept workflow definition against what the trail recorded; and checkpoints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import decision_flow.engine.definitions as definitions
from decision_flow.core.errors import NotFound
from decision_flow.core.i18n import Msg
from decision_flow.engine.change import load_case, reader
from decision_flow.engine.engine import Engine
from decision_flow.store import calendar_years
from decision_flow.store.rows import CalendarYear
from decision_flow.store.tx import cursor_of
from decision_flow.trail import audit, chainwalk
from decision_flow.trail.canonical import REGISTRY

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx
    from decision_flow.trail.checkpoint import Checkpoint
    from decision_flow.trail.verified import Verified


def require_reader(engine: Engine, actor: str | None) -> None:
    """Refuse a read as `actor` unless they are a registered, active user (Forbidden); nothing
    to check, and no session opened, when no one is named (see :func:`change.reader`)."""
    if actor:
        with engine.db.reading() as s:
            reader(s, actor)


def _evidence_named(data: str) -> list[tuple[str, str]]:
    """(sha256, kind) of the evidence a recorded event names; nothing if its data was mangled
    (the hash check then names that event). Data that does not hold the text `"sha256"` names
    none and is not parsed: canonical JSON writes that key as itself, and the walk refuses data
    that is not canonical before any evidence is looked at (tests/test_verify_fast.py)."""
    return _evidence_parsed(data) if '"sha256"' in data else []


def _evidence_parsed(data: str) -> list[tuple[str, str]]:
    """(sha256, kind) of the evidence named in an event's data, parsed whatever it holds."""
    try:
        items = json.loads(data).get("evidence", [])
    except (ValueError, AttributeError):
        return []
    if not isinstance(items, list):
        return []
    return [
        (i["sha256"], str(i.get("kind"))) for i in items if isinstance(i, dict) and isinstance(i.get("sha256"), str)
    ]


def _seq_of(s: Tx, chain: str, digest: str) -> int | None:
    row = cursor_of(s).one("SELECT seq FROM audit_events WHERE chain = ? AND hash = ?", chain, digest)
    return int(row[0]) if row is not None else None


def _data_of(data: str) -> dict[str, Any]:
    """An event's data as a mapping; empty if it was mangled (the hash check then names the event)."""
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _calendar_mismatch(
    rows: list[CalendarYear], imports: dict[Any, tuple[int, str, Any]]
) -> tuple[int | None, Msg] | None:
    """The first imported calendar year whose row is not what its latest import event (in the
    registry chain) wrote (content and sha256, importer), or that has a row without an event or an
    event without a row: (the event's seq, why). None when every year matches."""
    by_year = {r.year: r for r in rows}
    for year in sorted(set(by_year) | {y for y in imports if isinstance(y, int)}):
        row, event = by_year.get(year), imports.get(year)
        if event is None:
            return None, Msg("verify.calendar_no_event", {"year": year})
        seq, actor, data = event
        if row is None:
            return seq, Msg("verify.calendar_missing", {"year": year, "seq": seq})
        held = calendar_years.content_of(row)
        if held is None or held.sha256 != row.sha256 or row.sha256 != data.get("sha256") or row.imported_by != actor:
            return seq, Msg("verify.calendar_altered", {"year": year, "seq": seq})
    return None


class _Stale(Exception):
    """A chain no longer holds what an earlier verification vouched for."""


class _Apart(Exception):
    """The organs' chains, walked apart, found a fault, or a decision in two of them: they are
    walked again one after another, so the verdict is exactly the one walk's."""


APART_FROM = 20_000


def _apart_pays(in_organs: int, to_check: int) -> bool:
    """Whether the organs' chains, `in_organs` events in all, are best walked at once, one per
    CPU: when there are enough of them (forking the workers costs about 20 ms) and nearly all
    signatures (all but `to_check`) were verified before. A first verification is bound by the
    signature checks, which :mod:`decision_flow.trail.sigcheck` spreads over the CPUs evenly
    whatever the chains' sizes, so there the walk stays one."""
    return in_organs >= APART_FROM and 4 * to_check <= in_organs


def verify(
    engine: Engine, full: bool = False, remember: bool = True, actor: str | None = None, organ: str | None = None
) -> chainwalk.Verdict:
    """Walk every chain once (hashes, numbering, links, registry positions, each actor's
    signature against the key they held at that point), then re-hash every evidence file the
    trail names against the SHA-256 recorded when it was attached; with `organ`, the registry's
    chain and that organ's only.

    Signatures this machine verified before (:mod:`decision_flow.trail.verified`) are not checked
    again unless `full`; should a chain not hold exactly what was verified then, or should
    anything fail, the whole verification is done again with every signature, so the verdict is
    the one a full check gives. Without `remember`, what a passing run checked is not kept
    (a throwaway database, as the demo's, leaves nothing behind). `actor`, if named, must be a
    registered, active user."""
    from decision_flow.trail import verified  # loaded only to verify: `dflow record` imports this module too

    engine.db.require()
    require_reader(engine, actor)
    with engine.db.reading() as s:
        if not s.has_table("audit_events"):  # dropped: no chain left to verify
            return chainwalk.Verdict(False, 0, None, Msg("verify.trail_missing"))
        if organ is not None and organ != REGISTRY and s.one("SELECT code FROM organs WHERE code = ?", organ) is None:
            raise NotFound(Msg("organ.unknown", {"code": organ}))
    earlier = {} if full else verified.recall(engine.db)
    if earlier:
        try:
            return _verify_exactly(engine, earlier, remember, organ)
        except _Stale:
            pass
    return _verify_exactly(engine, {}, remember, organ)


def _verify_exactly(
    engine: Engine, earlier: dict[str, Verified], remember: bool, organ: str | None
) -> chainwalk.Verdict:
    """The verification, its organs' chains walked apart where that pays; walked again one after
    another if that found anything wrong, so a fault is reported as the one walk reports it."""
    try:
        return _verify(engine, earlier, remember, organ, apart=True)
    except _Apart:
        return _verify(engine, earlier, remember, organ, apart=False)


def _verify(
    engine: Engine, earlier: dict[str, Verified], remember: bool, organ: str | None, apart: bool
) -> chainwalk.Verdict:
    from decision_flow.trail import sigcheck, verified
    from decision_flow.trail.signatures import UNSIGNED_SHOWN, Signatures, invalid

    attached: dict[str, tuple[tuple[int, int], str | None, str]] = {}  # sha256 -> ((place, seq), chain, kind) first
    calendars: dict[Any, tuple[int, str, Any]] = {}  # year -> (seq, actor, data) of its latest import
    received: dict[Any, tuple[int, str | None, Any]] = {}  # opinion id -> (seq, chain, the text's sha256)
    digests: dict[str | None, verified.SignatureDigest] = {}
    last: dict[str | None, tuple[int, str]] = {}  # chain -> its last event walked (seq, hash)
    walked_apart: dict[str, str] = {}  # chain -> the digest of its signatures, for a chain walked in a worker

    def collect(chain: str | None, place: int, items: Iterator[audit.Stored]) -> Iterator[audit.Stored]:
        sigs = digests.setdefault(chain, verified.SignatureDigest())
        before = earlier.get(chain) if chain is not None else None
        for item in items:
            content = item[0]
            action = content["action"]
            if not isinstance(content["data"], str):
                pass  # NULL data: the type check names the event
            elif action == "calendar_imported" and chain == REGISTRY:
                data = _data_of(content["data"])
                calendars[data.get("year")] = (content["seq"], content["actor"], data)
            elif action == "opinion_received":
                data = _data_of(content["data"])
                received[data.get("opinion_id")] = (content["seq"], chain, data.get("sha256"))
            elif '"evidence"' in content["data"]:  # a step's record, or an act of the decision's life
                for sha, kind in _evidence_named(content["data"]):
                    attached.setdefault(sha, ((place, content["seq"]), chain, kind))
            sigs.add(item[2])
            last[chain] = (content["seq"], item[1])
            if before is not None and content["seq"] == before.seq:
                if item[1] != before.head or sigs.hexdigest() != before.signatures:
                    raise _Stale
            yield item

    with engine.db.reading() as s:
        names = audit.chains(s)
        if organ is not None:
            names = [REGISTRY, *([organ] if organ in names and organ != REGISTRY else [])]
        sizes = {chain: audit.head(s, chain)[0] for chain in names}
        to_check = sum(size - (earlier[c].seq if c in earlier else 0) for c, size in sizes.items())
        processes = sigcheck.workers()
        organs = [c for c in names[1:] if isinstance(c, str)] if names[:1] == [REGISTRY] else []
        organs = organs if len(organs) == len(names) - 1 else []
        in_organs = sum(sizes[c] for c in organs)
        apart = apart and processes > 0 and len(organs) >= 2 and _apart_pays(in_organs, to_check)
        apart = apart and engine.db.forkable and sigcheck.can_fork()
        parallel = None
        if not apart and to_check >= sigcheck.PARALLEL_FROM and processes:
            parallel = sigcheck.ParallelChecks(processes)
        signatures = Signatures(
            defer=parallel.add if parallel else None, checked_until={c: v.seq for c, v in earlier.items()}
        )
        walk = chainwalk.Walk(registry_size=sizes[REGISTRY])
        verdict, walked = chainwalk.Verdict(True, 0), 0

        def walk_one(s: Tx, place: int, chain: str | None) -> chainwalk.Verdict:
            signatures.place = place
            return chainwalk.verify_contents(
                collect(chain, place, audit.iter_stored(s, chain, until=sizes[chain])),
                whole_chain=True,
                locate=lambda digest: _seq_of(s, chain, digest),  # type: ignore[arg-type]
                then=signatures.check,
                checked_until=earlier[chain].seq if chain is not None and chain in earlier else 0,
                chain=chain,
                walk=walk,
            )

        def walk_in_worker(place: int, chain: str) -> tuple[Any, ...] | None:
            """One organ's chain, in a worker forked once the registry's was walked, in a
            transaction of its own: what it found and gathered (None: not what was verified before).
            Each chain starts from what the registry's walk left, whichever chains the worker
            walked before it."""
            attached.clear()
            received.clear()
            known, counts = dict(walk.decisions), (signatures.signed, signatures.recalled, signatures.unsigned)
            signatures.unsigned_why = {}
            try:
                with engine.db.reading() as own:
                    found = walk_one(own, place, chain)
                changed = {d: state for d, state in walk.decisions.items() if known.get(d) != state}
            except _Stale:
                return None
            finally:
                walk.decisions = known
            now = (signatures.signed, signatures.recalled, signatures.unsigned)
            deltas = tuple(b - a for a, b in zip(counts, now, strict=True))
            gathered = (dict(attached), dict(received), signatures.unsigned_why)
            return found, *gathered, digests[chain].hexdigest(), last.get(chain), changed, deltas

        def walk_organs_apart() -> chainwalk.Verdict:
            """The organs' chains at once, one worker per CPU; merged in the walk's order, as one
            walk would have gathered them. A fault, a decision in two chains (whose second part the
            one walk would check against the first), or workers that could not run, is left to
            the one walk (_Apart)."""
            from concurrent.futures.process import BrokenProcessPool

            tasks = list(enumerate(organs, start=1))
            try:
                results = sigcheck.forked(walk_in_worker, tasks, [sizes[c] for _, c in tasks], processes + 1)
            except (OSError, BrokenProcessPool):  # no worker could be forked, or one was killed: the one walk
                raise _Apart from None
            owner: dict[Any, str] = {}
            total = walked
            for (_, chain), got in zip(tasks, results, strict=True):
                if got is None:
                    raise _Stale
                found, gathered, texts, why, digest, end, changed, (signed, recalled, unsigned) = got
                if not found.ok or any(owner.setdefault(d, chain) != chain for d in changed):
                    raise _Apart
                walk.decisions.update(changed)
                for sha, first in gathered.items():
                    attached.setdefault(sha, first)
                received.update(texts)
                walked_apart[chain] = digest
                if end is not None:
                    last[chain] = end
                signatures.signed += signed
                signatures.recalled += recalled
                signatures.unsigned += unsigned
                for reason, (count, first) in why.items():
                    had, shown = signatures.unsigned_why.get(reason, (0, []))
                    signatures.unsigned_why[reason] = (had + count, shown + first[: UNSIGNED_SHOWN - len(shown)])
                total += found.events
            return chainwalk.Verdict(True, total)

        try:
            for place, chain in enumerate(names):
                if apart and place == 1:
                    verdict = walk_organs_apart()
                    break
                found = walk_one(s, place, chain)
                verdict = replace(found, events=walked + found.events)
                walked += found.events
                if not found.ok:
                    break
            failure = parallel.first_failure() if parallel else None
        finally:
            if parallel:
                parallel.close()
        calendar_rows = calendar_years.rows(s) if verdict.ok else []
        bad_definition = definitions.altered(s) if verdict.ok else None
        texts = (
            {r[0]: (r[1], r[2]) for r in cursor_of(s).all("SELECT id, text, sha256 FROM opinions")} if received else {}
        )
    done = all(last.get(c, (0, ""))[0] >= v.seq for c, v in earlier.items() if c in names)
    if earlier and not (verdict.ok and failure is None and done):
        raise _Stale  # a shorter chain, or a failure: its report must be the full check's
    if failure is not None:
        (place, seq), actor = failure
        bad_place = names.index(verdict.chain) if verdict.chain in names else len(names)
        if verdict.ok or (place, seq) < (bad_place, verdict.first_bad_seq or 0):
            before = sum(sizes[c] for c in names[:place])
            return chainwalk.Verdict(False, before + seq, seq, invalid(actor), chain=names[place])
    if not verdict.ok:
        return verdict
    for sha, (_, chain, kind) in sorted(attached.items(), key=lambda item: item[1][0]):
        if not engine.store.intact(sha):
            if earlier:
                raise _Stale
            why = Msg("verify.evidence", {"sha256": sha, "kind": kind})
            return chainwalk.Verdict(False, verdict.events, attached[sha][0][1], why, chain=chain)
    for opinion, (seq, chain, sha) in received.items():  # an opinion's text is the one its event hashed
        text, kept_sha = texts.get(opinion, (None, None))
        if text is None or kept_sha != sha or hashlib.sha256(str(text).encode("utf-8")).hexdigest() != sha:
            if earlier:
                raise _Stale
            return chainwalk.Verdict(False, verdict.events, seq, Msg("verify.opinion", {"id": opinion}), chain=chain)
    calendar_bad = _calendar_mismatch(calendar_rows, calendars)
    if calendar_bad is not None:
        if earlier:
            raise _Stale
        return chainwalk.Verdict(False, verdict.events, *calendar_bad, chain=REGISTRY)
    if bad_definition is not None:
        if earlier:
            raise _Stale
        name, version, sha, named_at, named_in = bad_definition
        why = Msg("verify.definition", {"name": name, "version": version, "sha256": sha})
        return chainwalk.Verdict(False, verdict.events, named_at, why, chain=named_in)
    if remember and last:
        kept = {c: v for c, v in earlier.items() if c not in names} if organ is not None else {}
        for chain, (seq, head) in last.items():
            if chain is not None:
                signed_digest = walked_apart[chain] if chain in walked_apart else digests[chain].hexdigest()
                kept[chain] = verified.Verified(int(seq), str(head), signed_digest)
        verified.remember(engine.db, kept)
    return replace(
        verdict,
        signed=signatures.signed,
        recalled=signatures.recalled,
        unsigned=tuple((why, n, tuple(first)) for why, (n, first) in sorted(signatures.unsigned_why.items())),
    )


def verify_anchor(
    engine: Engine, anchors: Checkpoint | list[Checkpoint], actor: str | None = None
) -> chainwalk.Verdict:
    """Whether today's chains verify and still extend every checkpoint in `anchors` (the chain's
    event numbered cp.size is still there with the hash cp.head; a decision's event numbered
    cp.size, for a decision's), so a cut-off tail or a rewritten history is found."""
    verdict = verify(engine, actor=actor)
    if not verdict.ok:
        return verdict
    held = anchors if isinstance(anchors, list) else [anchors]
    for cp in held:
        if cp.size == 0:
            continue
        found = _against(engine, verdict, cp)
        if found is not None:
            return found
    said = ", ".join(f"{cp.chain if cp.decision is None else f'#{cp.decision}'} {cp.size}" for cp in held)
    return replace(verdict, anchor=said)


def _against(engine: Engine, verdict: chainwalk.Verdict, cp: Checkpoint) -> chainwalk.Verdict | None:
    """Why the trail no longer extends checkpoint `cp`, or None."""
    raw_row: tuple[Any, ...] | None
    with engine.db.reading() as s:
        raw = cursor_of(s)
        if cp.decision is not None:
            size, _ = audit.decision_head(s, cp.decision)
            raw_row = raw.one(
                "SELECT seq, hash, chain FROM audit_events WHERE decision_id = ? AND decision_seq = ?",
                cp.decision,
                cp.size,
            )
            named = {"decision": cp.decision, "size": size, "checkpoint": cp.size, "n": cp.size}
            if raw_row is None:
                return chainwalk.Verdict(False, verdict.events, None, Msg("verify.decision_truncated", named))
            if raw_row[1] != cp.head:
                why = Msg("verify.decision_rewritten", named)
                return chainwalk.Verdict(False, verdict.events, raw_row[0], why, chain=raw_row[2])
            return None
        size, _ = audit.head(s, cp.chain)
        raw_row = raw.one("SELECT hash FROM audit_events WHERE chain = ? AND seq = ?", cp.chain, cp.size)
    if raw_row is None:
        why = Msg("verify.truncated", {"size": size, "checkpoint": cp.size, "chain": cp.chain})
        return chainwalk.Verdict(False, verdict.events, cp.size if size else None, why, chain=cp.chain)
    if raw_row[0] != cp.head:
        why = Msg("verify.rewritten", {"seq": cp.size, "chain": cp.chain})
        return chainwalk.Verdict(False, verdict.events, cp.size, why, chain=cp.chain)
    return None


def checkpoint(
    engine: Engine, actor: str | None = None, decision: int | None = None, organ: str | None = None
) -> Checkpoint | list[Checkpoint]:
    """A checkpoint now, on the engine's clock, taken as `actor` (optional): that of every chain
    (a list), of one organ's chain (`organ`; "registry" for the registry's), or of one decision's
    own chain (which the actor must be allowed to read)."""
    from decision_flow.trail.checkpoint import checkpoint as checkpoint_at
    from decision_flow.trail.checkpoint import checkpoints

    engine.db.require()
    require_reader(engine, actor)
    if decision is not None:
        with engine.db.reading() as s:
            load_case(s, decision)  # an unknown decision is not found
        return checkpoint_at(engine.db, engine.stamp(), decision)
    if organ is not None:
        if organ != REGISTRY:
            with engine.db.reading() as s:
                if s.one("SELECT code FROM organs WHERE code = ?", organ) is None:
                    raise NotFound(Msg("organ.unknown", {"code": organ}))
        return checkpoint_at(engine.db, engine.stamp(), chain=organ)
    return checkpoints(engine.db, engine.stamp())


__all__ = ["checkpoint", "require_reader", "verify", "verify_anchor"]
