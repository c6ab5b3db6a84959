"""Reading decisions: show (with what is still missing), list and the trail, in a transaction
for reading only through the driver (`Database.reading`: on SQLite no ORM is loaded, issue 17).
Verifying the trail is :mod:`.verification`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import decision_flow.engine.definitions as definitions
import decision_flow.engine.lifecycle as lifecycle
import decision_flow.engine.privacy as privacy
import decision_flow.engine.reach as reach
from decision_flow.core.calendar_cn import CalendarNotCovered, WorkCalendar, working_days_after
from decision_flow.core.errors import DflowError
from decision_flow.core.i18n import language
from decision_flow.core.privacy import NONE, Redactor
from decision_flow.engine.change import load_case, reader
from decision_flow.engine.procedure import load_context, missing_items, records_of
from decision_flow.procedures import of as procedure_of
from decision_flow.trail import audit

if TYPE_CHECKING:
    from decision_flow.definition.workflow import Workflow
    from decision_flow.engine.engine import Engine
    from decision_flow.procedures.model import Column
    from decision_flow.store.sql import Cursor


def require_case_reader(engine: Engine, decision_id: int, actor: str | None) -> None:
    """Refuse a read of the case as `actor` unless they are a registered, active user and, for a
    case that may not be disclosed, hold a role in its organ (Forbidden); NotFound for no case."""
    with engine.db.reading() as s:
        user = reader(s, actor)
        reach.require_reader_of(s, user, load_case(s, decision_id))


def hidden_from(engine: Engine, decision_id: int, actor: str | None, lang: str) -> Redactor:
    """What `actor` (None: no one) may not see of the case: personal data and confidential
    material, as a Redactor (empty when they may see it all)."""
    with engine.db.reading() as s:
        dec = load_case(s, decision_id)
        return privacy.redactor(s, reader(s, actor), dec, definitions.of_case(s, dec), lang)


def show(engine: Engine, decision_id: int, actor: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """The decision in the JSON shape of `dflow show --json`, read as `actor` (optional).
    A step is `carried_over` while its record is pending and started from the one a return
    superseded (its values and evidence are those recorded before the return). Personal data is
    masked and confidential material withheld (in `lang`) unless `actor` may read them
    (:mod:`.privacy`); `masked` says whether anything was."""
    engine.db.require()
    with engine.db.reading() as s:
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
        hide = privacy.redactor(s, user, dec, wf, lang or language())
        view = {
            "id": dec.id,
            "title": dec.title,
            "workflow": dec.workflow,
            "workflow_version": dec.workflow_version,
            "stage": dec.stage,
            "status": dec.status,
            "flags": json.loads(dec.flags),
            "steps": steps,
            "life": dec.life,
            "supersedes": dec.supersedes,
            "adjustment": dec.adjustment,
            "superseded_by": lifecycle.superseded_by(s, decision_id),
            "life_acts": lifecycle.acts(s, decision_id),
        }
        return {**hide.value(view), "masked": bool(hide), "organ": dec.organ}


def last_change(engine: Engine, decision_id: int) -> int:
    """The number of the case's last audit event that is not a refusal (0: none, or no such case)."""
    engine.db.require()
    with engine.db.reading() as s:
        found = s.one(
            "SELECT MAX(decision_seq) FROM audit_events WHERE decision_id = ? AND action <> 'refused'", decision_id
        )
        return int(found[0] or 0) if found else 0


def changed_since(engine: Engine, decision_id: int, before: int) -> bool:
    """Whether a change to the case (not a refusal) was committed after its event `before`."""
    return last_change(engine, decision_id) > before


def workflow_of(engine: Engine, decision_id: int) -> Workflow:
    """The workflow definition the case runs (NotFound for no case)."""
    with engine.db.reading() as s:
        return definitions.of_case(s, load_case(s, decision_id))


def state(engine: Engine, decision_id: int) -> dict[str, Any]:
    """Where a decision stands (id, stage, status): what a change reports afterwards, read
    without the rest of `show`."""
    with engine.db.reading() as s:
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
    with engine.db.reading() as s:
        user = reader(s, actor)
        where: list[str] = []
        params: list[Any] = []

        def among(column: str, values: list[str]) -> None:
            where.append(f"{column} IN ({', '.join('?' for _ in values)})" if values else "1 = 0")
            params.extend(values)

        scope = reach.scope(s, user, organ, all_organs)
        if scope is not None:
            among("organ", scope)
        if stage:
            where.append("stage = ?")
            params.append(stage)
        if status:
            where.append("status = ?")
            params.append(status)
        columns: tuple[Column, ...] = ()
        names: list[str] = []
        if workflow is not None:
            wf = definitions.newest(s, workflow)  # NotFound for an unknown name
            kept = [str(n) for (n,) in s.all("SELECT DISTINCT workflow FROM decisions")]
            names = [n for n in kept if workflow in _lineage(s, n)]
            among("workflow", names)
            columns = procedure_of(wf).ledger
        query = "SELECT id, title, stage, status FROM decisions"
        query += f" WHERE {' AND '.join(where)} ORDER BY id" if where else " ORDER BY id"
        rows: list[dict[str, Any]] = [
            {"id": i, "title": t, "stage": st, "status": ss} for i, t, st, ss in s.all(query, *params)
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


def _lineage(s: Cursor, name: str) -> list[str]:
    """`name` and the names of the workflows its newest definition extends, nearest first."""
    wf = definitions.newest(s, name)
    names = [wf.name]
    while wf.base_sha256:
        wf = definitions.by_sha(s, wf.base_sha256, wf.extends)
        names.append(wf.name)
    return names


def _ledger_values(
    s: Cursor, workflows: list[str], columns: tuple[Column, ...]
) -> dict[int, dict[str, dict[str, Any]]]:
    """The fields of the active records of the steps `columns` read, of every case of
    `workflows`: case id -> step -> fields (one query)."""
    steps = sorted({c.step for c in columns} | {c.since[0] for c in columns if c.since})
    query = (
        "SELECT decision_id, step, fields FROM step_records WHERE active"
        f" AND step IN ({', '.join('?' for _ in steps)})"
        f" AND decision_id IN (SELECT id FROM decisions WHERE workflow IN ({', '.join('?' for _ in workflows)}))"
    )
    found: dict[int, dict[str, dict[str, Any]]] = {}
    for decision_id, step, fields in s.all(query, *steps, *workflows):
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


def trail(engine: Engine, decision_id: int, actor: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """The decision's audit events in the JSON shape of `dflow audit ID --json`, read as `actor`
    (optional), personal data masked and confidential material withheld as in :func:`show`."""
    engine.db.require()
    with engine.db.reading() as s:
        user = reader(s, actor)
        dec = load_case(s, decision_id)
        reach.require_reader_of(s, user, dec)
        try:  # resolved here so the trail is drawn in its workflow's words; the trail is read whatever happens
            hide = privacy.redactor(s, user, dec, definitions.of_case(s, dec), lang or language())
        except DflowError:
            hide = NONE
        events = [hide.value(audit.as_dict(e)) for e in audit.trail(s, decision_id)]
        return {"decision": decision_id, "events": events, "masked": bool(hide), "organ": dec.organ}


def export_trail(engine: Engine, decision_id: int, out: Path) -> int:
    """Export one decision's trail as JSON to `out`; return how many events."""
    from decision_flow.trail.trailfile import write_json

    return write_json(engine.db, decision_id, out, engine.stamp())
