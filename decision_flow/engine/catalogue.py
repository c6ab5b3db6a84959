"""An organ's decision-item catalogue for a year (决策事项目录, Decree 713 Art. 3 ¶3), as audited
changes: its items added and removed, the same-level Party committee's consent (党委同意), its
publication; and the catalogue as read, each item with the case made from it.

Who: an officer or an admin of the organ (their own, a membership, or an admin above it) changes
it; whoever may read the organ reads it. Every act is an event in the organ's own audit chain,
written in the change's transaction. The rules (Art. 3, cited when refused):

- the catalogue is published only once the consent is recorded, on or after the consent's date;
- once published, an item added needs a reason (an adjustment during the year is explained);
  a removal always gives one, and an item a case was made from is never removed;
- an item is never deleted: a removed one keeps its row, with when, who and why.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import decision_flow.engine.catalogue_items as items
import decision_flow.engine.reach as reach
from decision_flow.core.errors import Blocked, Forbidden, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text, parse_date
from decision_flow.engine.change import reader
from decision_flow.store.row import insert, rows_as, select_all, update
from decision_flow.store.rows import Catalogue, CatalogueItem, Organ
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.change import Change
    from decision_flow.engine.engine import Engine
    from decision_flow.store.tx import Tx

ARTICLE = items.ARTICLE
FIRST_YEAR, LAST_YEAR = 2000, 2100
EDITORS = frozenset({"officer", "admin"})


def check_year(year: int | str) -> int:
    """A catalogue's year, as typed (four ASCII digits) or given, from FIRST_YEAR to LAST_YEAR."""
    text = str(year).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise InvalidInput(Msg("catalogue.bad_year", {"value": text[:20], "first": FIRST_YEAR, "last": LAST_YEAR}))
    return int(text)


def _past(engine: Engine, text: str, what: str) -> date:
    """A date a fact happened on (a consent, a publication): a real date, and not after today."""
    day = parse_date(text, what)
    today = engine.today()
    if day > today:
        raise InvalidInput(Msg("catalogue.future", {"what": what, "on": day.isoformat(), "today": today.isoformat()}))
    return day


def _opened(c: Change, organ: str, year: int) -> Catalogue:
    """The organ's catalogue for `year`, made if it has none yet, locked for this change, which
    the acting user must be an officer or an admin of the organ to make."""
    reach.get(c.s, organ)
    c.within(organ)
    if not c.roles & EDITORS:
        msg = Msg("catalogue.role", {"user": c.user.name, "organ": organ})
        raise Forbidden(msg, [Reason("role", ARTICLE, msg)])
    raw = cursor_of(c.s)
    raw.run(
        "INSERT INTO catalogues (organ, year, created_at, created_by) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (organ, year) DO NOTHING",
        organ,
        year,
        c.stamp(),
        c.user.name,
    )
    lock = " FOR UPDATE" if raw.postgres else ""
    found = raw.all(f"{select_all(Catalogue)} WHERE organ = ? AND year = ?{lock}", organ, year)
    return rows_as(Catalogue, found)[0]


def _published(cat: Catalogue, key: str) -> Blocked:
    """A refusal naming the catalogue's publication."""
    published = cat.published_on
    return Blocked.because("catalogue_published", ARTICLE, key, organ=cat.organ, year=cat.year, published=published)


def _write(c: Change, cat: Catalogue, **changes: Any) -> None:
    """Write the catalogue's changed columns (its row is locked by this change)."""
    sets = ", ".join(f"{name} = ?" for name in changes)
    cursor_of(c.s).run(
        f"UPDATE catalogues SET {sets} WHERE organ = ? AND year = ?", *changes.values(), cat.organ, cat.year
    )


# ---------------------------------------------------------------------------- changes


def add(
    engine: Engine,
    year: int | str,
    organ: str,
    title: str,
    unit: str,
    planned: str,
    basis: str | None,
    reason: str | None,
    actor: str | None,
) -> CatalogueItem:
    """Add an item to the organ's catalogue for `year`: a decision it plans to make, its
    undertaking unit (承办单位), the date it is planned by (within the year) and its basis; once the
    catalogue is published, with a `reason` (refused without one, Art. 3)."""
    year, code = check_year(year), reach.check_code(organ)
    title = clean_text(title, "--title", 500)
    if not title:
        raise InvalidInput(Msg("catalogue.no_title", {}))
    unit = clean_text(unit, "--unit", 200)
    if not unit:
        raise InvalidInput(Msg("catalogue.no_unit", {}))
    planned_on = parse_date(planned, "--planned")
    if planned_on.year != year:
        raise InvalidInput(Msg("catalogue.planned_other_year", {"planned": planned_on.isoformat(), "year": year}))
    basis = clean_text(basis or "", "--basis", 2000)
    why = clean_text(reason, "--reason", 2000) if reason is not None else ""

    def op(c: Change) -> CatalogueItem:
        cat = _opened(c, code, year)
        if cat.published_on is not None and not why:
            raise _published(cat, "catalogue.reason_after_publication")
        item = CatalogueItem(
            organ=code,
            year=year,
            title=title,
            undertaking_unit=unit,
            planned_on=planned_on.isoformat(),
            basis=basis,
            added_at=c.stamp(),
            added_by=c.user.name,
        )
        insert(cursor_of(c.s), item)
        c.event(
            "catalogue_item_added",
            chain=code,
            item=item.id,
            organ=code,
            year=year,
            title=title,
            undertaking_unit=unit,
            planned_on=item.planned_on,
            basis=basis,
            reason=why or None,
            published=cat.published_on is not None,
        )
        return item

    args = {"organ": code, "year": year, "title": title[:200], "unit": unit[:100], "planned": planned_on.isoformat()}
    return engine.change("catalogue_add", actor, None, args | ({"reason": why[:200]} if why else {}), op, code)


def remove(engine: Engine, item_id: int, reason: str, actor: str | None) -> CatalogueItem:
    """Take an item off its catalogue, with the reason: never deleted, its row keeps when, who
    and why; refused (Art. 3) for an item a case was made from."""
    why = clean_text(reason, "--reason", 2000)
    if not why:
        raise InvalidInput(Msg("catalogue.no_reason", {}))

    def op(c: Change) -> CatalogueItem:
        found = items.load(c.s, item_id)
        cat = _opened(c, found.organ, found.year)
        item = items.load(c.s, item_id, lock=True)  # after the catalogue's lock, as every act takes them
        if item.removed_at is not None:
            raise InvalidInput(Msg("catalogue.already_removed", {"id": item_id, "reason": item.removed_reason}))
        made = items.case_of(c.s, item_id)
        if made is not None:
            raise Blocked.because("catalogue_used", ARTICLE, "catalogue.item_used", id=item_id, case=made)
        update(cursor_of(c.s), item, removed_at=c.stamp(), removed_by=c.user.name, removed_reason=why)
        c.event(
            "catalogue_item_removed",
            chain=item.organ,
            item=item_id,
            organ=item.organ,
            year=item.year,
            title=item.title,
            reason=why,
            published=cat.published_on is not None,
        )
        return item

    engine.db.require()
    with engine.db.reading() as s:  # whose chain a refusal goes to: the item's organ's
        held = s.one("SELECT organ FROM catalogue_items WHERE id = ?", item_id)
    organ = held[0] if held is not None else None
    return engine.change("catalogue_remove", actor, None, {"item": item_id, "reason": why[:200]}, op, organ)


def consent(engine: Engine, year: int | str, organ: str, on: str, body: str, actor: str | None) -> Catalogue:
    """Record the same-level Party committee's consent to the catalogue (the body and the date),
    before it is published; recorded again, the event keeps what it replaces."""
    year, code = check_year(year), reach.check_code(organ)
    body = clean_text(body, "--body", 200)
    if not body:
        raise InvalidInput(Msg("catalogue.no_body", {}))
    day = _past(engine, on, "--on")

    def op(c: Change) -> Catalogue:
        cat = _opened(c, code, year)
        if cat.published_on is not None:
            raise _published(cat, "catalogue.consent_published")
        before = {"on": cat.consent_on, "body": cat.consent_body} if cat.consent_on else None
        _write(c, cat, consent_on=day.isoformat(), consent_body=body)
        c.event(
            "catalogue_consented", chain=code, organ=code, year=year, on=day.isoformat(), body=body, replaces=before
        )
        cat.consent_on, cat.consent_body = day.isoformat(), body
        return cat

    args = {"organ": code, "year": year, "on": day.isoformat(), "body": body[:200]}
    return engine.change("catalogue_consent", actor, None, args, op, code)


def publish(engine: Engine, year: int | str, organ: str, on: str, actor: str | None) -> tuple[Catalogue, list[int]]:
    """Record the catalogue's publication on `on`: refused (Art. 3) before the Party committee's
    consent is recorded, or dated before it. Returns the catalogue and the items it lists."""
    year, code = check_year(year), reach.check_code(organ)
    day = _past(engine, on, "--on")

    def op(c: Change) -> tuple[Catalogue, list[int]]:
        cat = _opened(c, code, year)
        if cat.published_on is not None:
            raise _published(cat, "catalogue.published_already")
        if cat.consent_on is None:
            raise Blocked.because("catalogue_consent", ARTICLE, "catalogue.no_consent", organ=code, year=year)
        if day < date.fromisoformat(cat.consent_on):
            raise Blocked.because(
                "catalogue_consent", ARTICLE, "catalogue.before_consent", on=day.isoformat(), consent_on=cat.consent_on
            )
        listed = [i.id or 0 for i in _items(c.s, [code], year) if i.removed_at is None]
        _write(c, cat, published_on=day.isoformat())
        c.event(
            "catalogue_published",
            chain=code,
            organ=code,
            year=year,
            on=day.isoformat(),
            consent={"on": cat.consent_on, "body": cat.consent_body},
            items=listed,
        )
        cat.published_on = day.isoformat()
        return cat, listed

    return engine.change(
        "catalogue_publish", actor, None, {"organ": code, "year": year, "on": day.isoformat()}, op, code
    )


# ---------------------------------------------------------------------------- reads


def _items(s: Tx, organs: list[str], year: int) -> list[CatalogueItem]:
    marks = ", ".join("?" for _ in organs)
    sql = f"{select_all(CatalogueItem)} WHERE year = ? AND organ IN ({marks}) ORDER BY organ, id"
    return rows_as(CatalogueItem, cursor_of(s).all(sql, year, *organs))


def show(engine: Engine, year: int | str, organ: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """The catalogues of `year` in the JSON shape of ``dflow catalogue show --json``: of `organ`
    (even if it has none yet: then empty), else of every organ the reader holds a role in (read as
    no one: every organ) that has one. Each item with the case made from it (its id, stage and
    status), a removed one with when, who and why."""
    year = check_year(year)
    code = reach.check_code(organ) if organ is not None else None
    engine.db.require()
    with engine.db.reading() as s:
        user = reader(s, actor)
        scope = reach.scope(s, user, code, False)
        names = {o.code: o.name for o in rows_as(Organ, cursor_of(s).all(select_all(Organ)))}
        codes = sorted(names) if scope is None else scope
        held = {
            c.organ: c for c in rows_as(Catalogue, cursor_of(s).all(f"{select_all(Catalogue)} WHERE year = ?", year))
        }
        shown = [c for c in codes if c in held or c == code]
        listed = _items(s, shown, year) if shown else []
        made = items.cases_of(s, [i.id or 0 for i in listed])
        return {"year": year, "catalogues": [_catalogue(c, names[c], held.get(c), listed, made) for c in shown]}


def _catalogue(
    code: str,
    name: str,
    cat: Catalogue | None,
    listed: list[CatalogueItem],
    made: dict[int, tuple[int, str, str]],
) -> dict[str, Any]:
    consent = {"on": cat.consent_on, "body": cat.consent_body} if cat and cat.consent_on else None
    return {
        "organ": code,
        "organ_name": name,
        "consent": consent,
        "published_on": cat.published_on if cat else None,
        "items": [_item(i, made.get(i.id or 0)) for i in listed if i.organ == code],
    }


def _item(item: CatalogueItem, made: tuple[int, str, str] | None) -> dict[str, Any]:
    removed = None
    if item.removed_at is not None:
        removed = {"at": item.removed_at, "by": item.removed_by, "reason": item.removed_reason}
    return {
        "id": item.id,
        "title": item.title,
        "undertaking_unit": item.undertaking_unit,
        "planned_on": item.planned_on,
        "basis": item.basis,
        "added_at": item.added_at,
        "added_by": item.added_by,
        "removed": removed,
        "case": {"id": made[0], "stage": made[1], "status": made[2]} if made else None,
    }
