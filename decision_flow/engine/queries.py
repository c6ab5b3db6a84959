"""Reading decisions: show (with what is still missing), list, the trail, and verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from decision_flow.core.i18n import Msg
from decision_flow.engine.change import load_case
from decision_flow.engine.engine import Engine
from decision_flow.engine.procedure import load_context, missing_items, records_of
from decision_flow.procedures import get as get_workflow
from decision_flow.store.models import AuditEvent, Decision
from decision_flow.trail import audit, canonical

if TYPE_CHECKING:
    from decision_flow.trail.checkpoint import Checkpoint
    from decision_flow.trail.verified import Verified


def show(engine: Engine, decision_id: int) -> dict[str, Any]:
    """The decision in the JSON shape of `dflow show --json`."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        dec = load_case(s, decision_id)
        wf = get_workflow(dec.workflow)
        records = records_of(s, dec)
        ctx = load_context(s, dec, wf, engine.today(), engine.calendar, records=records)
        steps = []
        for step in wf.steps():
            state = ctx.state(step.name)
            rec = records.get(step.name)
            steps.append(
                {
                    "step": step.name,
                    "stage": step.stage,
                    "status": state.status,
                    "fields": state.fields,
                    "evidence": [
                        {"kind": kind, "name": name, "sha256": sha}
                        for kind, files in state.evidence.items()
                        for name, sha in files
                    ],
                    "missing": missing_items(ctx, step) if state.status == "pending" else [],
                    "marks": json.loads(rec.marks) if rec else [],
                    "waiver_reason": rec.waiver_reason if rec else None,
                }
            )
        return {
            "id": dec.id,
            "title": dec.title,
            "workflow": dec.workflow,
            "workflow_version": dec.workflow_version,
            "stage": dec.stage,
            "status": dec.status,
            "flags": json.loads(dec.flags),
            "steps": steps,
        }


def state(engine: Engine, decision_id: int) -> dict[str, Any]:
    """Where a decision stands (id, stage, status): what a change reports afterwards, read
    without the rest of `show`."""
    with engine.db.session(write=False) as s:
        dec = load_case(s, decision_id)
        return {"id": dec.id, "stage": dec.stage, "status": dec.status}


def list_decisions(engine: Engine, stage: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """Decisions at a glance, optionally filtered by stage and status."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        query = select(Decision.id, Decision.title, Decision.stage, Decision.status).order_by(col(Decision.id))
        if stage:
            query = query.where(Decision.stage == stage)
        if status:
            query = query.where(Decision.status == status)
        return [{"id": i, "title": t, "stage": st, "status": ss} for i, t, st, ss in s.exec(query).all()]


def trail(engine: Engine, decision_id: int) -> dict[str, Any]:
    """The decision's audit events in the JSON shape of `dflow audit ID --json`."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        load_case(s, decision_id)
        return {"decision": decision_id, "events": [audit.as_dict(e) for e in audit.trail(s, decision_id)]}


def _evidence_named(data: str) -> list[tuple[str, str]]:
    """(sha256, kind) of the evidence a recorded event names; nothing if its data was mangled
    (the hash check then names that event)."""
    try:
        items = json.loads(data).get("evidence", [])
    except (ValueError, AttributeError):
        return []
    if not isinstance(items, list):
        return []
    return [
        (i["sha256"], str(i.get("kind"))) for i in items if isinstance(i, dict) and isinstance(i.get("sha256"), str)
    ]


def _seq_of(s: Session, digest: str) -> int | None:
    row = s.exec(select(AuditEvent.seq).where(AuditEvent.hash == digest)).first()
    return int(row) if row is not None else None


class _Stale(Exception):
    """The chain no longer holds what an earlier verification vouched for."""


def verify(engine: Engine, full: bool = False, remember: bool = True) -> audit.Verdict:
    """Walk the whole chain once (hashes, numbering, both links, each actor's signature against
    the key they held at that point), then re-hash every evidence file the trail names against
    the SHA-256 recorded when it was attached.

    Signatures this machine verified before (:mod:`decision_flow.trail.verified`) are not checked
    again unless `full`; should the chain not hold exactly what was verified then, or should
    anything fail, the whole verification is done again with every signature, so the verdict is
    the one a full check gives. Without `remember`, what a passing run checked is not kept
    (a throwaway database, as the demo's, leaves nothing behind)."""
    from decision_flow.trail import verified  # loaded only to verify: `dflow record` imports this module too

    engine.db.require()
    earlier = None if full else verified.recall(engine.db)
    if earlier is not None:
        try:
            return _verify(engine, earlier, remember)
        except _Stale:
            pass
    return _verify(engine, None, remember)


def _verify(engine: Engine, earlier: Verified | None, remember: bool) -> audit.Verdict:
    from decision_flow.trail import sigcheck, verified
    from decision_flow.trail.signatures import Signatures, invalid

    attached: dict[str, tuple[int, str]] = {}  # sha256 -> (seq of the event that recorded it, kind)
    sigs = verified.SignatureDigest()
    last: list[Any] = [None]  # the last item walked

    def collect(
        items: Iterator[tuple[dict[str, Any], str, str | None, str]],
    ) -> Iterator[tuple[dict[str, Any], str, str | None, str]]:
        for item in items:
            content = item[0]
            if content["action"] == "recorded" and '"sha256"' in content["data"]:
                for sha, kind in _evidence_named(content["data"]):
                    attached.setdefault(sha, (content["seq"], kind))
            sigs.add(item[2])
            last[0] = item
            if earlier is not None and content["seq"] == earlier.seq:
                if item[1] != earlier.head or sigs.hexdigest() != earlier.signatures:
                    raise _Stale
            yield item

    checked_until = earlier.seq if earlier is not None else 0
    with engine.db.session(write=False) as s:
        size = audit.head(s)[0]
        parallel = (
            sigcheck.ParallelChecks(sigcheck.workers()) if size - checked_until >= sigcheck.PARALLEL_FROM else None
        )
        signatures = Signatures(defer=parallel.add if parallel else None, checked_until=checked_until)
        try:
            verdict = audit.verify_contents(
                collect(audit.iter_stored(s)),
                whole_chain=True,
                locate=lambda h: _seq_of(s, h),
                then=signatures.check,
            )
            failure = parallel.first_failure() if parallel else None
        finally:
            if parallel:
                parallel.close()
    last_seq, last_hash = (last[0][0]["seq"], last[0][1]) if last[0] is not None else (0, canonical.GENESIS)
    if earlier is not None and not (verdict.ok and failure is None and last_seq >= earlier.seq):
        raise _Stale  # a shorter chain, or a failure: its report must be the full check's
    if failure is not None and (verdict.ok or failure[0] < (verdict.first_bad_seq or 0)):
        seq, actor = failure
        return audit.Verdict(False, seq, seq, invalid(actor))  # the whole chain: event `seq` is the seq-th
    if not verdict.ok:
        return verdict
    for sha, (seq, kind) in sorted(attached.items(), key=lambda item: item[1][0]):
        if not engine.store.intact(sha):
            if earlier is not None:
                raise _Stale
            why = Msg("verify.evidence", {"sha256": sha, "kind": kind})
            return audit.Verdict(False, verdict.events, seq, why)
    if last_seq and remember:
        verified.remember(engine.db, verified.Verified(int(last_seq), str(last_hash), sigs.hexdigest()))
    return replace(verdict, signed=signatures.signed, recalled=signatures.recalled)


def verify_anchor(engine: Engine, cp: Checkpoint) -> audit.Verdict:
    """Whether today's chain verifies and still extends `cp` (the event numbered cp.size is
    still there with the hash cp.head), so a cut-off tail or a rewritten history is found."""
    verdict = verify(engine)
    if not verdict.ok or cp.size == 0:
        return verdict
    with engine.db.session(write=False) as s:
        size, _ = audit.head(s)
        event = s.get(AuditEvent, cp.size)
    if event is None:
        why = Msg("verify.truncated", {"size": size, "checkpoint": cp.size})
        return audit.Verdict(False, verdict.events, cp.size, why)
    if event.hash != cp.head:
        return audit.Verdict(False, verdict.events, cp.size, Msg("verify.rewritten", {"seq": cp.size}))
    return verdict


def checkpoint(engine: Engine) -> Checkpoint:
    """The chain's checkpoint now, on the engine's clock."""
    from decision_flow.trail.checkpoint import checkpoint as checkpoint_at

    return checkpoint_at(engine.db, engine.stamp())


def export_trail(engine: Engine, decision_id: int, out: Path) -> int:
    """Export one decision's trail as JSON to `out`; return how many events."""
    from decision_flow.trail.trailfile import write_json

    return write_json(engine.db, decision_id, out, engine.stamp())
