"""Reading decisions: show (with what is still missing), list, the trail, and verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlmodel import Session, col, select

import decision_flow.engine.definitions as definitions
import decision_flow.engine.reach as reach
from decision_flow.core.calendar_cn import CalendarNotCovered, WorkCalendar, working_days_after
from decision_flow.core.errors import DflowError
from decision_flow.core.i18n import Msg
from decision_flow.engine.change import load_case, reader
from decision_flow.engine.engine import Engine
from decision_flow.engine.procedure import load_context, missing_items, records_of
from decision_flow.procedures import of as procedure_of
from decision_flow.procedures.model import Column
from decision_flow.store import calendar_years
from decision_flow.store.models import AuditEvent, CalendarYear, Decision, StepRecord
from decision_flow.trail import audit, canonical

if TYPE_CHECKING:
    from decision_flow.trail.checkpoint import Checkpoint
    from decision_flow.trail.verified import Verified


def require_reader(engine: Engine, actor: str | None) -> None:
    """Refuse a read as `actor` unless they are a registered, active user (Forbidden); nothing
    to check, and no session opened, when no one is named (see :func:`change.reader`)."""
    if actor:
        with engine.db.session(write=False) as s:
            reader(s, actor)


def require_case_reader(engine: Engine, decision_id: int, actor: str | None) -> None:
    """Refuse a read of the case as `actor` unless they are a registered, active user and, for a
    case that may not be disclosed, hold a role in its organ (Forbidden); NotFound for no case."""
    with engine.db.session(write=False) as s:
        user = reader(s, actor)
        reach.require_reader_of(s, user, load_case(s, decision_id))


def show(engine: Engine, decision_id: int, actor: str | None = None) -> dict[str, Any]:
    """The decision in the JSON shape of `dflow show --json`, read as `actor` (optional).
    A step is `carried_over` while its record is pending and started from the one a return
    superseded (its values and evidence are those recorded before the return)."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        user = reader(s, actor)
        dec = load_case(s, decision_id)
        reach.require_reader_of(s, user, dec)
        wf = definitions.of_case(s, dec)
        records = records_of(s, dec)
        ctx = load_context(s, dec, wf, engine.today(), engine.calendar_in(s), records=records)
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
                    "carried_over": rec is not None and rec.status == "pending" and rec.carried_from is not None,
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


def list_decisions(
    engine: Engine,
    stage: str | None = None,
    status: str | None = None,
    workflow: str | None = None,
    actor: str | None = None,
    organ: str | None = None,
    all_organs: bool = False,
) -> list[dict[str, Any]]:
    """Decisions at a glance, read as `actor` (optional), optionally filtered by stage, status and
    workflow (its cases and those of every workflow that extends it, e.g. a province's file over
    a shipped one). The cases of a workflow whose procedure keeps a ledger (e.g. the
    legality-review ledger, 合法性审核台账) carry its columns too, between the title and the stage.
    Read as someone, the cases of the organs they hold a role in (by default), of one of them
    (`organ`), or of all (`all_organs`, for whom reaches every organ); read as no one, all of them
    or one organ's."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        user = reader(s, actor)
        query = select(Decision.id, Decision.title, Decision.stage, Decision.status).order_by(col(Decision.id))
        scope = reach.scope(s, user, organ, all_organs)
        if scope is not None:
            query = query.where(col(Decision.organ).in_(scope))
        if stage:
            query = query.where(Decision.stage == stage)
        if status:
            query = query.where(Decision.status == status)
        columns: tuple[Column, ...] = ()
        names: list[str] = []
        if workflow is not None:
            wf = definitions.newest(s, workflow)  # NotFound for an unknown name
            names = [n for n in s.exec(select(Decision.workflow).distinct()).all() if workflow in _lineage(s, n)]
            query = query.where(col(Decision.workflow).in_(names))
            columns = procedure_of(wf).ledger
        rows: list[dict[str, Any]] = [
            {"id": i, "title": t, "stage": st, "status": ss} for i, t, st, ss in s.exec(query).all()
        ]
        if not columns or not rows:
            return rows
        values = _ledger_values(s, names, columns)
        calendar = engine.calendar_in(s)
        ledger = []
        for row in rows:
            found = values.get(row["id"], {})
            cells = {c.key: _cell(calendar, c, found) for c in columns}
            ledger.append(
                {"id": row["id"], "title": row["title"], **cells, "stage": row["stage"], "status": row["status"]}
            )
    return ledger


def _lineage(s: Session, name: str) -> list[str]:
    """`name` and the names of the workflows its newest definition extends, nearest first."""
    wf = definitions.newest(s, name)
    names = [wf.name]
    while wf.base_sha256:
        wf = definitions.by_sha(s, wf.base_sha256, wf.extends)
        names.append(wf.name)
    return names


def _ledger_values(
    s: Session, workflows: list[str], columns: tuple[Column, ...]
) -> dict[int, dict[str, dict[str, Any]]]:
    """The fields of the active records of the steps `columns` read, of every case of
    `workflows`: case id -> step -> fields (one query)."""
    steps = sorted({c.step for c in columns} | {c.since[0] for c in columns if c.since})
    query = select(StepRecord.decision_id, StepRecord.step, StepRecord.fields).where(
        col(StepRecord.active),
        col(StepRecord.step).in_(steps),
        col(StepRecord.decision_id).in_(select(Decision.id).where(col(Decision.workflow).in_(workflows))),
    )
    found: dict[int, dict[str, dict[str, Any]]] = {}
    for decision_id, step, fields in s.exec(query).all():
        found.setdefault(decision_id, {})[step] = json.loads(fields)
    return found


def _cell(calendar: WorkCalendar, column: Column, records: dict[str, dict[str, Any]]) -> Any:
    """One ledger cell: the recorded value, or the working days from `since` to it."""
    value = records.get(column.step, {}).get(column.field)
    if column.since is None:
        return value
    start = records.get(column.since[0], {}).get(column.since[1])
    if not isinstance(start, str) or not isinstance(value, str):
        return None
    try:
        return working_days_after(calendar, date.fromisoformat(start), date.fromisoformat(value))
    except CalendarNotCovered:
        return None


def trail(engine: Engine, decision_id: int, actor: str | None = None) -> dict[str, Any]:
    """The decision's audit events in the JSON shape of `dflow audit ID --json`, read as `actor`
    (optional)."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        user = reader(s, actor)
        dec = load_case(s, decision_id)
        reach.require_reader_of(s, user, dec)
        try:  # resolved here so the trail is drawn in its workflow's words; the trail is read whatever happens
            definitions.of_case(s, dec)
        except DflowError:
            pass
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
    """The first imported calendar year whose row is not what its latest import event wrote
    (content and sha256, importer), or that has a row without an event or an event without a
    row: (the event's seq, why). None when every year matches."""
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
    """The chain no longer holds what an earlier verification vouched for."""


def verify(engine: Engine, full: bool = False, remember: bool = True, actor: str | None = None) -> audit.Verdict:
    """Walk the whole chain once (hashes, numbering, both links, each actor's signature against
    the key they held at that point), then re-hash every evidence file the trail names against
    the SHA-256 recorded when it was attached.

    Signatures this machine verified before (:mod:`decision_flow.trail.verified`) are not checked
    again unless `full`; should the chain not hold exactly what was verified then, or should
    anything fail, the whole verification is done again with every signature, so the verdict is
    the one a full check gives. Without `remember`, what a passing run checked is not kept
    (a throwaway database, as the demo's, leaves nothing behind). `actor`, if named, must be a
    registered, active user."""
    from decision_flow.trail import verified  # loaded only to verify: `dflow record` imports this module too

    engine.db.require()
    require_reader(engine, actor)
    with engine.db.session(write=False) as s:
        if not inspect(s.connection()).has_table("audit_events"):  # dropped: no chain left to verify
            return audit.Verdict(False, 0, None, Msg("verify.trail_missing"))
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
    calendars: dict[Any, tuple[int, str, Any]] = {}  # year -> (seq, actor, data) of its latest import
    sigs = verified.SignatureDigest()
    last: list[Any] = [None]  # the last item walked

    def collect(
        items: Iterator[tuple[dict[str, Any], str, str | None, str]],
    ) -> Iterator[tuple[dict[str, Any], str, str | None, str]]:
        for item in items:
            content = item[0]
            action = content["action"]
            if not isinstance(content["data"], str):
                pass  # NULL data: the type check names the event
            elif action == "recorded" and '"sha256"' in content["data"]:
                for sha, kind in _evidence_named(content["data"]):
                    attached.setdefault(sha, (content["seq"], kind))
            elif action == "calendar_imported":
                data = _data_of(content["data"])
                calendars[data.get("year")] = (content["seq"], content["actor"], data)
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
                checked_until=checked_until,
            )
            failure = parallel.first_failure() if parallel else None
        finally:
            if parallel:
                parallel.close()
        calendar_rows = calendar_years.rows(s) if verdict.ok else []
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
    calendar_bad = _calendar_mismatch(calendar_rows, calendars)
    if calendar_bad is not None:
        if earlier is not None:
            raise _Stale
        return audit.Verdict(False, verdict.events, *calendar_bad)
    with engine.db.session(write=False) as s:
        bad = definitions.altered(s)
    if bad is not None:
        if earlier is not None:
            raise _Stale
        name, version, sha, named_at = bad
        why = Msg("verify.definition", {"name": name, "version": version, "sha256": sha})
        return audit.Verdict(False, verdict.events, named_at, why)
    if last_seq and remember:
        verified.remember(engine.db, verified.Verified(int(last_seq), str(last_hash), sigs.hexdigest()))
    return replace(verdict, signed=signatures.signed, recalled=signatures.recalled)


def verify_anchor(engine: Engine, cp: Checkpoint, actor: str | None = None) -> audit.Verdict:
    """Whether today's chain verifies and still extends `cp` (the event numbered cp.size is
    still there with the hash cp.head), so a cut-off tail or a rewritten history is found."""
    verdict = verify(engine, actor=actor)
    if not verdict.ok or cp.size == 0:
        return verdict
    if cp.decision is not None:
        with engine.db.session(write=False) as s:
            size, _ = audit.decision_head(s, cp.decision)
            row = s.exec(
                select(AuditEvent.seq, AuditEvent.hash).where(
                    AuditEvent.decision_id == cp.decision, AuditEvent.decision_seq == cp.size
                )
            ).first()
        named = {"decision": cp.decision, "size": size, "checkpoint": cp.size, "n": cp.size}
        if row is None:
            return audit.Verdict(False, verdict.events, None, Msg("verify.decision_truncated", named))
        if row[1] != cp.head:
            return audit.Verdict(False, verdict.events, row[0], Msg("verify.decision_rewritten", named))
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


def checkpoint(engine: Engine, actor: str | None = None, decision: int | None = None) -> Checkpoint:
    """The chain's checkpoint now, on the engine's clock, taken as `actor` (optional); with
    `decision`, that decision's own (which the actor must be allowed to read)."""
    from decision_flow.trail.checkpoint import checkpoint as checkpoint_at

    engine.db.require()
    require_reader(engine, actor)
    if decision is not None:
        with engine.db.session(write=False) as s:
            load_case(s, decision)  # an unknown decision is not found
    return checkpoint_at(engine.db, engine.stamp(), decision)


def export_trail(engine: Engine, decision_id: int, out: Path) -> int:
    """Export one decision's trail as JSON to `out`; return how many events."""
    from decision_flow.trail.trailfile import write_json

    return write_json(engine.db, decision_id, out, engine.stamp())
