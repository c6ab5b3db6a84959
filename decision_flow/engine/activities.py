"""The register of what no procedure records (issue 15): an organ's study sessions (集中学法),
publicity events and the materials handed out (普法宣传活动), legal consultations (法律咨询) and the
legal advisers it appoints to its villages (一村一法律顾问), which its annual rule-of-law report
counts (法治政府建设年度报告).

Who: an officer or an admin of the organ (their own, a membership, or an admin above it) records
and withdraws; whoever may read the organ reads its register. Each act is an event in the
organ's own audit chain, written in the change's transaction; a refusal is recorded there too.
An activity is never deleted: one recorded by mistake is withdrawn, with when, who and why, and
no longer counts. The files kept for one (a sign-in sheet, photographs) are stored by SHA-256
as a step's evidence is, listed in ``activity_evidence`` and named in the event, so
``dflow audit verify`` re-hashes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import decision_flow.engine.reach as reach
from decision_flow.core import labels
from decision_flow.core.errors import Forbidden, InvalidInput, NotFound, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text, half_width, parse_date
from decision_flow.engine.catalogue import check_year
from decision_flow.engine.change import reader
from decision_flow.store.row import insert, rows_as, select_all, update
from decision_flow.store.rows import Activity, ActivityEvidence
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.change import Change
    from decision_flow.engine.engine import Engine
    from decision_flow.store.sql import Cursor

# The 2019 rules on inspecting the building of a law-based government (法治政府建设与责任落实督察
# 工作规定): the government reports each year on its rule-of-law work, and answers for the report.
ARTICLE = "Inspection Rules Art. 24"
KINDS = tuple(labels.ACTIVITY_KINDS)  # study_session, publicity_event, legal_consultation, adviser_appointment
NEEDS_VILLAGE = frozenset({"adviser_appointment"})
EDITORS = frozenset({"officer", "admin"})
MAX_COUNT = 1_000_000
EVIDENCE_KIND = "activity"  # the kind the event gives its files, as a step's evidence has one


def check_kind(kind: str) -> str:
    """A kind of activity as typed: one of KINDS."""
    kind = kind.strip()
    if kind not in KINDS:
        raise InvalidInput(Msg("activity.bad_kind", {"kind": kind[:40], "kinds": ", ".join(KINDS)}))
    return kind


def check_number(value: int | str | None, what: str, optional: bool = False) -> int | None:
    """A count as typed (full-width digits read as ASCII): a whole number from 0 to MAX_COUNT."""
    if value is None or (optional and str(value).strip() == ""):
        if optional:
            return None
        raise InvalidInput(Msg("activity.bad_number", {"what": what, "value": "", "most": MAX_COUNT}))
    text = half_width(str(value).strip())
    if not (text.isascii() and text.isdigit() and len(text) <= 7 and int(text) <= MAX_COUNT):
        raise InvalidInput(Msg("activity.bad_number", {"what": what, "value": text[:20], "most": MAX_COUNT}))
    return int(text)


def _files(files: list[str]) -> list[tuple[Path, str]]:
    """Each file to keep, and its name: it must exist before anything is written."""
    found = []
    for given in files:
        clean_text(given, "--attach", 4096)
        path = Path(given)
        if not path.is_file():
            raise InvalidInput(Msg("evidence.not_a_file", {"path": given[:200]}))
        found.append((path, clean_text(path.name, "--attach", 255)))
    return found


def _editor(c: Change, organ: str) -> None:
    """The acting user is an officer or an admin of `organ`, which this change then acts in."""
    reach.get(c.s, organ)
    c.within(organ)
    if not c.roles & EDITORS:
        msg = Msg("activity.role", {"user": c.user.name, "organ": organ})
        raise Forbidden(msg, [Reason("role", ARTICLE, msg)])


def _load(raw: Cursor, activity_id: int, lock: bool = False) -> Activity:
    sql = f"{select_all(Activity)} WHERE id = ?" + (" FOR UPDATE" if lock and raw.postgres else "")
    found = raw.all(sql, activity_id)
    if not found:
        raise NotFound(Msg("activity.unknown", {"id": activity_id}))
    return rows_as(Activity, found)[0]


# ---------------------------------------------------------------------------- changes


def add(
    engine: Engine,
    organ: str,
    kind: str,
    held_on: str,
    count: int | str,
    title: str | None,
    materials: int | str | None,
    village: str | None,
    notes: str | None,
    files: list[str],
    actor: str | None,
) -> dict[str, Any]:
    """Record an activity the organ held on `held_on` (not after today): its kind, how many took
    part (or were advised), the materials handed out, the village it concerns (required for an
    adviser's appointment), and the files kept for it (stored by SHA-256). Returns it as
    :func:`listed` shows it."""
    code, kind = reach.check_code(organ), check_kind(kind)
    day = parse_date(held_on, "--on")
    if day > engine.today():
        raise InvalidInput(Msg("activity.future", {"on": day.isoformat(), "today": engine.today().isoformat()}))
    number = check_number(count, "--count") or 0
    handed = check_number(materials, "--materials", optional=True)
    title = clean_text(title or "", "--title", 500)
    place = clean_text(village or "", "--village", 200) or None
    if kind in NEEDS_VILLAGE and place is None:
        raise InvalidInput(Msg("activity.no_village", {"kind": kind}))
    said = clean_text(notes or "", "--notes", 2000) or None
    kept = _files(files)

    def op(c: Change) -> dict[str, Any]:
        _editor(c, code)
        row = Activity(
            organ=code,
            kind=kind,
            held_on=day.isoformat(),
            title=title,
            count=number,
            materials=handed,
            village=place,
            notes=said,
            created_at=c.stamp(),
            created_by=c.user.name,
        )
        cur = cursor_of(c.s)
        insert(cur, row)
        stored: list[dict[str, Any]] = []
        for path, name in kept:
            sha, size = c.store.put(path, c.s)
            if any(e["sha256"] == sha for e in stored):  # the same file twice: kept once
                continue
            insert(cur, ActivityEvidence(activity_id=row.id or 0, sha256=sha, name=name, size=size))
            stored.append({"kind": EVIDENCE_KIND, "name": name, "sha256": sha, "size": size})
        c.event(
            "activity_added",
            chain=code,
            activity=row.id,
            organ=code,
            kind=kind,
            held_on=row.held_on,
            title=title,
            count=number,
            materials=handed,
            village=place,
            notes=said,
            evidence=stored,
        )
        return _activity(row, [{k: e[k] for k in ("name", "sha256", "size")} for e in stored])

    args = {"organ": code, "kind": kind, "on": day.isoformat(), "count": number, "title": title[:200]}
    return engine.change("activity_add", actor, None, args, op, code)


def withdraw(engine: Engine, activity_id: int, reason: str, actor: str | None) -> Activity:
    """Withdraw an activity recorded by mistake, with the reason: its row stays, marked with when,
    who and why, and it is no longer counted."""
    why = clean_text(reason, "--reason", 2000)
    if not why:
        raise InvalidInput(Msg("activity.no_reason", {}))

    def op(c: Change) -> Activity:
        found = _load(cursor_of(c.s), activity_id)
        _editor(c, found.organ)
        row = _load(cursor_of(c.s), activity_id, lock=True)
        if row.withdrawn_at is not None:
            raise InvalidInput(Msg("activity.already_withdrawn", {"id": activity_id, "reason": row.withdrawn_reason}))
        update(cursor_of(c.s), row, withdrawn_at=c.stamp(), withdrawn_by=c.user.name, withdrawn_reason=why)
        c.event(
            "activity_withdrawn",
            chain=row.organ,
            activity=activity_id,
            organ=row.organ,
            kind=row.kind,
            held_on=row.held_on,
            title=row.title,
            count=row.count,
            reason=why,
        )
        return row

    engine.db.require()
    with engine.db.reading() as s:  # whose chain a refusal goes to: the activity's organ's
        held = s.one("SELECT organ FROM activities WHERE id = ?", activity_id)
    organ = held[0] if held is not None else None
    return engine.change("activity_withdraw", actor, None, {"activity": activity_id, "reason": why[:200]}, op, organ)


# ---------------------------------------------------------------------------- reads


def listed(engine: Engine, organ: str | None, year: int | str, actor: str | None = None) -> dict[str, Any]:
    """The register of `year` in the JSON shape of ``dflow activity list --json``: of `organ`,
    else of every organ the reader holds a role in (read as no one: every organ). Each activity
    with its files and, if withdrawn, when, who and why; then what the annual report counts, per
    kind: the activities, the people taking part, the materials handed out, and the ids behind
    each figure (withdrawn ones not counted)."""
    year = check_year(year)
    code = reach.check_code(organ) if organ is not None else None
    engine.db.require()
    with engine.db.reading() as s:
        scope = reach.scope(s, reader(s, actor), code, False)
        raw = cursor_of(s)
        where, params = "held_on >= ? AND held_on <= ?", [f"{year}-01-01", f"{year}-12-31"]
        if scope is not None:
            if not scope:
                return {"organ": code, "year": year, "activities": [], "totals": _totals([])}
            where += f" AND organ IN ({', '.join('?' for _ in scope)})"
            params += scope
        rows = rows_as(Activity, raw.all(f"{select_all(Activity)} WHERE {where} ORDER BY held_on, id", *params))
        files = _evidence_of(raw, [r.id or 0 for r in rows])
    shown = [_activity(r, files.get(r.id or 0, [])) for r in rows]
    return {"organ": code, "year": year, "activities": shown, "totals": _totals(rows)}


def _evidence_of(raw: Cursor, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    sql = f"{select_all(ActivityEvidence)} WHERE activity_id IN ({marks}) ORDER BY activity_id, name, sha256"
    found: dict[int, list[dict[str, Any]]] = {}
    for e in rows_as(ActivityEvidence, raw.all(sql, *ids)):
        found.setdefault(e.activity_id, []).append({"name": e.name, "sha256": e.sha256, "size": e.size})
    return found


def _totals(rows: list[Activity]) -> dict[str, dict[str, Any]]:
    """Per kind (every kind, none counted as 0): what the annual report counts."""
    totals: dict[str, dict[str, Any]] = {k: {"activities": 0, "count": 0, "materials": 0, "ids": []} for k in KINDS}
    for r in rows:
        if r.withdrawn_at is not None:
            continue
        t = totals[r.kind]
        t["activities"] += 1
        t["count"] += r.count
        t["materials"] += r.materials or 0
        t["ids"].append(r.id)
    return totals


def _activity(r: Activity, files: list[dict[str, Any]]) -> dict[str, Any]:
    withdrawn = None
    if r.withdrawn_at is not None:
        withdrawn = {"at": r.withdrawn_at, "by": r.withdrawn_by, "reason": r.withdrawn_reason}
    return {
        "id": r.id,
        "organ": r.organ,
        "kind": r.kind,
        "held_on": r.held_on,
        "title": r.title,
        "count": r.count,
        "materials": r.materials,
        "village": r.village,
        "notes": r.notes,
        "evidence": files,
        "created_at": r.created_at,
        "created_by": r.created_by,
        "withdrawn": withdrawn,
    }


def as_json(r: Activity) -> dict[str, Any]:
    """One activity (its files not listed) as ``dflow activity withdraw --json`` prints it."""
    return _activity(r, [])
