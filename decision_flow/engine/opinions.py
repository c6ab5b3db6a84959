"""The public's opinions on a draft (公众意见, Decree 713 Arts. 14-15) and how each was handled
(意见采纳情况, Art. 29), as the consultation page takes them.

An opinion is taken only while the case's consultation step (the procedure's
``Procedure.consultation``) is open: the case is at that step's stage, the step pending, and
today within its recorded period (opened on to closed on, both days included); never for a case
flagged as not disclosable. Its text (2,000 characters at most, no control characters, the same
text once per case) is stored with its SHA-256, and the ``opinion_received`` event in the case's
chain carries that hash and the opinion's id, never the text of who gave it: the name, unit and
phone given are kept apart (``opinion_submitters``), read only by a role in the case's organ, and
are in no event and no export. The event is signed by the account the page runs as (``dflow serve
--as``), an officer of the organ, who receives the opinion. An officer marks each opinion
adopted, partly adopted or not adopted, with a reason (``opinion_marked``). Every opinion and
every mark writes the step's counts (:mod:`.tally`). Once the period has closed, the feedback
table is public: the submitters' names masked (朱**), phone numbers never shown.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from decision_flow.core.errors import Blocked, InvalidInput, NotFound, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.privacy import mask
from decision_flow.core.values import clean_text, parse_date
from decision_flow.engine import tally
from decision_flow.engine.change import load_case, reader
from decision_flow.engine.definitions import of_case
from decision_flow.engine.reach import roles_in
from decision_flow.procedures import of as procedure_of
from decision_flow.procedures.model import Consultation
from decision_flow.store.row import insert, rows_as, select_all, update
from decision_flow.store.rows import (
    ConsultationPage,
    Decision,
    Opinion,
    OpinionSubmitter,
    PublicFile,
    StepRecord,
)
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.change import Change
    from decision_flow.engine.engine import Engine
    from decision_flow.store.sql import Cursor
    from decision_flow.store.tx import Tx

MAX_TEXT = 2000  # characters of an opinion
MAX_NAME, MAX_UNIT, MAX_PHONE = 50, 100, 20
MARKS = ("adopted", "partly", "not_adopted")
CHANNELS = ("web", "letter", "meeting")
PERSONAL_ARTICLE = "PIPL Arts. 10, 28"


# ---------------------------------------------------------------------------- what is typed


def clean_opinion(text: str) -> str:
    """An opinion's text as given: line ends made ``\\n``, control characters refused, 1 to
    MAX_TEXT characters."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"), "text", MAX_TEXT)
    if not text:
        raise InvalidInput(Msg("opinion.empty", {}))
    return text


def _optional(value: str | None, what: str, limit: int) -> str | None:
    return clean_text(value or "", what, limit) or None


def _phone(value: str | None) -> str | None:
    phone = _optional(value, "phone", MAX_PHONE)
    if phone is not None and not all(ch.isdigit() or ch in "+- " for ch in phone):
        raise InvalidInput(Msg("opinion.bad_phone", {}))
    return phone


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- the case's period


def consultation_of(dec: Decision, s: Tx) -> Consultation:
    """The procedure's consultation step, or NotFound (a case of a procedure without one, or one
    never disclosed: there is no page to find)."""
    cons = procedure_of(of_case(s, dec)).consultation
    if cons is None or json.loads(dec.flags).get(cons.hidden_flag):
        raise NotFound(Msg("opinion.no_page", {"id": dec.id}))
    return cons


def _record(raw: Cursor, dec: Decision, cons: Consultation) -> StepRecord | None:
    found = raw.all(f"{select_all(StepRecord)} WHERE decision_id = ? AND step = ? AND active", dec.id, cons.step)
    return rows_as(StepRecord, found)[0] if found else None


def page_of(raw: Cursor, decision_id: int) -> ConsultationPage | None:
    found = raw.all(f"{select_all(ConsultationPage)} WHERE decision_id = ?", decision_id)
    return rows_as(ConsultationPage, found)[0] if found else None


def _state(dec: Decision, rec: StepRecord | None, held: ConsultationPage, today: date, stage: str) -> str:
    """Where the page stands: ``not_yet`` (before its period), ``open``, or ``closed`` (after
    it, or the case has moved on)."""
    if today.isoformat() < held.opens_on:
        return "not_yet"
    if today.isoformat() > held.closes_on or dec.stage != stage or dec.status != "active":
        return "closed"
    return "open" if rec is None or rec.status == "pending" else "closed"


# ---------------------------------------------------------------------------- changes


def open_page(engine: Engine, decision_id: int, opens_on: str, closes_on: str, actor: str | None) -> dict[str, Any]:
    """Open the case's consultation page for the period its notice announces (``page_opened``), by
    an officer of the organ while the case is at the consultation step's stage; opened again, the
    period is changed (each change an event)."""
    start, end = parse_date(opens_on, "--from"), parse_date(closes_on, "--to")
    if end < start:
        raise InvalidInput(Msg("opinion.period_backwards", {"from": start.isoformat(), "to": end.isoformat()}))

    def op(c: Change) -> dict[str, Any]:
        cons = consultation_of(c.dec, c.s)
        step = c.open_step(cons.step)
        c.pending_record(step)
        raw = cursor_of(c.s)
        held = page_of(raw, c.dec.id or 0)
        at = c.stamp()
        if held is None:
            insert(
                raw,
                ConsultationPage(
                    decision_id=c.dec.id or 0, opens_on=start.isoformat(), closes_on=end.isoformat(), opened_at=at,
                    opened_by=c.user.name,
                ),
            )  # fmt: skip
        else:
            update(raw, held, opens_on=start.isoformat(), closes_on=end.isoformat(), opened_at=at)
        c.save()
        c.event("page_opened", step.name, opens_on=start.isoformat(), closes_on=end.isoformat())
        return {"decision": c.dec.id, "opens_on": start.isoformat(), "closes_on": end.isoformat()}

    args = {"from": opens_on[:20], "to": closes_on[:20]}
    return engine.change("page_open", actor, decision_id, args, op)


def submit(
    engine: Engine,
    decision_id: int,
    text: str,
    name: str | None,
    unit: str | None,
    phone: str | None,
    receiver: str | None,
    channel: str = "web",
) -> dict[str, Any]:
    """Take an opinion on the case's draft, received by `receiver` (the page's account, an officer
    of the case's organ): refused outside the period, for a case not disclosed, and for a text the
    case already holds. Returns ``{"id", "decision", "sha256", "received_at"}``."""
    body = clean_opinion(text)
    who = (_optional(name, "name", MAX_NAME), _optional(unit, "unit", MAX_UNIT), _phone(phone))
    if channel not in CHANNELS:
        raise InvalidInput(Msg("opinion.bad_channel", {"channel": channel[:20], "channels": ", ".join(CHANNELS)}))
    sha = sha256_of(body)

    def op(c: Change) -> dict[str, Any]:
        cons = consultation_of(c.dec, c.s)
        step = c.open_step(cons.step)
        rec = c.pending_record(step)
        raw = cursor_of(c.s)
        held = page_of(raw, c.dec.id or 0)
        if held is None:
            raise NotFound(Msg("opinion.no_page", {"id": c.dec.id}))
        if _state(c.dec, rec, held, c.today, step.stage) != "open":
            period = Msg("opinion.period.detail", {"from": held.opens_on, "to": held.closes_on})
            raise Blocked(Msg("opinion.period", {"id": c.dec.id}), [Reason("period", cons.article, period)])
        if raw.one("SELECT id FROM opinions WHERE decision_id = ? AND sha256 = ?", c.dec.id, sha):
            raise InvalidInput(Msg("opinion.duplicate", {"id": c.dec.id}))
        at = c.stamp()
        row = Opinion(decision_id=c.dec.id or 0, received_at=at, channel=channel, text=body, sha256=sha)
        insert(raw, row)
        given = any(who)
        if given:
            insert(raw, OpinionSubmitter(opinion_id=row.id or 0, name=who[0], unit=who[1], phone=who[2]))
        fields = tally.write_counts(c, cons, rec)
        c.save()
        c.event(
            "opinion_received",
            step.name,
            opinion_id=row.id,
            sha256=sha,
            chars=len(body),
            channel=channel,
            submitter=given,  # a reference only: who it was is in opinion_submitters, never here
            received=fields[cons.received],
        )
        return {"id": row.id, "decision": c.dec.id, "sha256": sha, "received_at": at}

    args = {"opinion_sha256": sha, "channel": channel}
    return engine.change("opinion_submit", receiver, decision_id, args, op)


def _opinion(raw: Cursor, opinion_id: int) -> Opinion:
    found = raw.all(f"{select_all(Opinion)} WHERE id = ?", opinion_id)
    if not found:
        raise NotFound(Msg("opinion.unknown", {"id": opinion_id}))
    return rows_as(Opinion, found)[0]


def mark(engine: Engine, opinion_id: int, verdict: str, reason: str | None, actor: str | None) -> dict[str, Any]:
    """Mark how an opinion was handled (adopted, partly, not_adopted), with the reason (required
    unless adopted), by an officer of the case's organ while the consultation step is pending;
    a mark may be changed until then, each change an event. Returns the opinion as listed."""
    if verdict not in MARKS:
        raise InvalidInput(Msg("opinion.bad_mark", {"mark": verdict[:20], "marks": ", ".join(MARKS)}))
    why = clean_text(reason or "", "reason", MAX_TEXT) or None
    if why is None and verdict != "adopted":
        raise InvalidInput(Msg("opinion.no_reason", {}))
    engine.db.require()
    with engine.db.reading() as s:
        decision_id = _opinion(cursor_of(s), opinion_id).decision_id

    def op(c: Change) -> dict[str, Any]:
        cons = consultation_of(c.dec, c.s)
        step = c.open_step(cons.step)
        rec = c.pending_record(step)
        raw = cursor_of(c.s)
        row = _opinion(raw, opinion_id)
        at = c.stamp()
        update(raw, row, mark=verdict, reason=why, marked_by=c.user.name, marked_at=at)
        fields = tally.write_counts(c, cons, rec)
        c.save()
        c.event(
            "opinion_marked",
            step.name,
            opinion_id=opinion_id,
            sha256=row.sha256,
            mark=verdict,
            reason=why,
            adopted=fields[cons.adopted],
        )
        return {**_listed(row, None), "mark": verdict, "reason": why, "decision": c.dec.id}

    args = {"opinion_id": opinion_id, "mark": verdict, "reason": (why or "")[:200]}
    return engine.change("opinion_mark", actor, decision_id, args, op)


def publish_file(engine: Engine, decision_id: int, sha256: str, actor: str | None) -> dict[str, Any]:
    """Show one of the case's evidence files (by SHA-256: the draft, its explanation) on its
    consultation page, by an officer of the organ (``file_published``)."""
    sha = sha256.strip().lower()

    def op(c: Change) -> dict[str, Any]:
        cons = consultation_of(c.dec, c.s)
        c.require_role(c.workflow.step(cons.step).roles, c.workflow.step(cons.step))
        raw = cursor_of(c.s)
        found = raw.all(
            "SELECT e.name, e.kind FROM evidence e JOIN step_records r ON r.id = e.record_id "
            "WHERE r.decision_id = ? AND e.sha256 = ? AND e.withdrawn_at IS NULL ORDER BY e.id",
            c.dec.id,
            sha,
        )
        if not found:
            raise NotFound(Msg("opinion.no_file", {"id": c.dec.id, "sha256": sha[:64]}))
        name, kind = found[0]
        if raw.one("SELECT sha256 FROM public_files WHERE decision_id = ? AND sha256 = ?", c.dec.id, sha) is None:
            insert(
                raw,
                PublicFile(
                    decision_id=c.dec.id or 0,
                    sha256=sha,
                    name=name,
                    kind=kind,
                    published_at=c.stamp(),
                    published_by=c.user.name,
                ),
            )
            c.event("file_published", sha256=sha, name=name, kind=kind)
        return {"decision": c.dec.id, "sha256": sha, "name": name, "kind": kind}

    return engine.change("file_publish", actor, decision_id, {"sha256": sha[:64]}, op)


# ---------------------------------------------------------------------------- reads


def _listed(o: Opinion, who: OpinionSubmitter | None) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": o.id,
        "received_at": o.received_at,
        "channel": o.channel,
        "text": o.text,
        "sha256": o.sha256,
        "mark": o.mark,
        "reason": o.reason,
        "marked_by": o.marked_by,
        "marked_at": o.marked_at,
    }
    if who is not None:
        shown["submitter"] = {"name": who.name, "unit": who.unit, "phone": who.phone}
    return shown


def _rows(raw: Cursor, decision_id: int) -> list[Opinion]:
    return rows_as(Opinion, raw.all(f"{select_all(Opinion)} WHERE decision_id = ? ORDER BY id", decision_id))


def _submitters(raw: Cursor, ids: list[int]) -> dict[int, OpinionSubmitter]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = rows_as(OpinionSubmitter, raw.all(f"{select_all(OpinionSubmitter)} WHERE opinion_id IN ({marks})", *ids))
    return {r.opinion_id: r for r in rows}


def listed(engine: Engine, decision_id: int, actor: str | None) -> dict[str, Any]:
    """The case's opinions, each with its mark; who gave each only for a reader holding a role in
    the case's organ (``"submitter"`` is absent for anyone else). With the counts."""
    engine.db.require()
    with engine.db.reading() as s:
        dec = load_case(s, decision_id)
        consultation_of(dec, s)
        user = reader(s, actor)
        sees = user is not None and bool(roles_in(s, user, dec.organ))
        raw = cursor_of(s)
        rows = _rows(raw, decision_id)
        who = _submitters(raw, [r.id or 0 for r in rows]) if sees else {}
        received, adopted = tally.counts(raw, decision_id)
    shown = [_listed(r, who.get(r.id or 0, OpinionSubmitter(opinion_id=0)) if sees else None) for r in rows]
    return {"decision": decision_id, "received": received, "adopted": adopted, "opinions": shown}


def page(engine: Engine, decision_id: int) -> dict[str, Any]:
    """What the public page of the case shows (anyone may read it): the title, the period and
    the days left, the channels, whether the form is open, and the files made public. NotFound
    for a case with no page (never opened, or not disclosed)."""
    engine.db.require()
    today = engine.today()
    with engine.db.reading() as s:
        dec = load_case(s, decision_id)
        cons = consultation_of(dec, s)
        raw = cursor_of(s)
        held = page_of(raw, decision_id)
        if held is None:
            raise NotFound(Msg("opinion.no_page", {"id": decision_id}))
        rec = _record(raw, dec, cons)
        stage = of_case(s, dec).step(cons.step).stage
        files = rows_as(PublicFile, raw.all(f"{select_all(PublicFile)} WHERE decision_id = ? ORDER BY name", dec.id))
        received, adopted = tally.counts(raw, decision_id)
    fields = json.loads(rec.fields) if rec is not None else {}
    closes = date.fromisoformat(held.closes_on)
    return {
        "id": dec.id,
        "title": dec.title,
        "organ": dec.organ,
        "state": _state(dec, rec, held, today, stage),
        "opens_on": held.opens_on,
        "closes_on": held.closes_on,
        "days_left": max((closes - today).days + 1, 0) if today.isoformat() >= held.opens_on else None,
        "channels": tally.channels(fields.get(cons.channels)),
        "web_channel": cons.web_channel,
        "files": [{"name": f.name, "kind": f.kind, "sha256": f.sha256} for f in files],
        "received": received,
        "adopted": adopted,
        "today": today.isoformat(),
    }


def feedback(engine: Engine, decision_id: int) -> dict[str, Any]:
    """The public feedback table (意见反馈), once the period has closed: 序号, who gave it
    (a name masked, 朱**; else nothing), the opinion, its mark and the reason.
    Phone numbers are never in it. Blocked while the period runs."""
    shown = page(engine, decision_id)
    if shown["today"] <= shown["closes_on"]:
        raise Blocked(Msg("opinion.feedback_early", {"id": decision_id}))
    with engine.db.reading() as s:
        raw = cursor_of(s)
        rows = _rows(raw, decision_id)
        who = _submitters(raw, [r.id or 0 for r in rows])
    table = []
    for n, r in enumerate(rows, start=1):
        w = who.get(r.id or 0)
        by = mask("name", w.name) if w is not None and w.name else None  # never the phone, nor the unit
        table.append({"no": n, "by": by, "text": r.text, "mark": r.mark, "reason": r.reason})
    return {**shown, "rows": table}


def pages(engine: Engine, actor: str | None = None) -> list[dict[str, Any]]:
    """Every consultation page anyone may read, newest case first (as :func:`page` shows each);
    with `actor`, only those of the organs where they hold a role (an officer's own list)."""
    engine.db.require()
    with engine.db.reading() as s:
        rows = cursor_of(s).all(
            "SELECT p.decision_id, d.organ FROM consultation_pages p JOIN decisions d ON d.id = p.decision_id "
            "ORDER BY p.decision_id DESC"
        )
        user = reader(s, actor)
        if user is not None:
            rows = [r for r in rows if roles_in(s, user, r[1])]
    shown = []
    for decision_id, _organ in rows:
        try:
            shown.append(page(engine, decision_id))
        except NotFound:  # a case flagged not disclosable after its page was opened
            continue
    return shown
