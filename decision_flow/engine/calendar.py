"""The official working-day calendar past the shipped data (法定工作日历): an admin imports a
year from the State Council's notice as an audited, signed change (the ``calendar_years`` row
and its ``calendar_imported`` event in one transaction); anyone shows a year, or compares the
imported years with the installed chinese-calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import decision_flow.engine.reach as reach
from decision_flow.core import calendar_file
from decision_flow.core.articles import IDENTITY_ARTICLE
from decision_flow.core.calendar_cn import ChinaCalendar, disagreements
from decision_flow.core.calendar_file import OfficialYear
from decision_flow.core.errors import Forbidden, InvalidInput, NotFound, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text
from decision_flow.engine.change import Change
from decision_flow.engine.engine import Engine
from decision_flow.store import calendar_years

IMPORTED = "calendar_imported"  # the action of the event each import appends


def import_file(
    engine: Engine, path: Path, actor: str | None, replace: bool = False, reason: str | None = None
) -> dict[str, Any]:
    """Import one year of the official calendar from a notice file (admin only), refused if
    the year is imported already unless `replace` with a `reason` (the event names the sha256
    it replaces). Returns what was imported."""
    year = calendar_file.read(path)  # every problem of the file before anything is opened
    reason = clean_text(reason, "--reason", 2000) if reason is not None else None
    if replace and not reason:
        raise InvalidInput(Msg("calendar.no_reason", {}))
    if reason and not replace:
        raise InvalidInput(Msg("calendar.reason_alone", {}))
    today = engine.today()
    if year.notice_date > today:
        raise InvalidInput(
            Msg("calendar.notice_future", {"file": str(path), "date": year.notice_date.isoformat(), "today": today})
        )

    def op(c: Change) -> dict[str, Any]:
        top = reach.root(c.s)  # a calendar is every organ's: the top organ's admin imports it
        if "admin" not in (reach.roles_in(c.s, c.user, top) if top is not None else c.roles):
            msg = Msg("calendar.admin", {})
            raise Forbidden(msg, [Reason("role", IDENTITY_ARTICLE, msg)])
        existing = calendar_years.row(c.s, year.year)
        if existing is not None and not replace:
            raise InvalidInput(
                Msg("calendar.exists", {"year": year.year, "notice": existing.notice, "sha256": existing.sha256})
            )
        if existing is None and replace:
            raise InvalidInput(Msg("calendar.nothing_to_replace", {"year": year.year}))
        if existing is not None and existing.sha256 == year.sha256:
            raise InvalidInput(Msg("calendar.unchanged", {"year": year.year, "sha256": year.sha256}))
        previous = existing.sha256 if existing is not None else None
        calendar_years.write(c.s, year, c.stamp(), c.user.name, previous)
        data: dict[str, Any] = {"file": path.name, "sha256": year.sha256, **year.content()}
        if previous is not None:
            data |= {"replaces": previous, "reason": reason}
        c.event(IMPORTED, **data)
        return summary(year) | {"replaces": previous}

    args: dict[str, Any] = {"year": year.year, "file": path.name[:200], "sha256": year.sha256, "replace": replace}
    if reason:
        args["reason"] = reason[:200]
    return engine.change("calendar_import", actor, None, args, op)


def summary(year: OfficialYear) -> dict[str, Any]:
    return {
        "year": year.year,
        "notice": year.notice,
        "notice_date": year.notice_date.isoformat(),
        "holidays": len(year.holidays),
        "workdays": len(year.workdays),
        "sha256": year.sha256,
    }


def show(engine: Engine, year: int) -> dict[str, Any]:
    """A year of the official calendar as the rules count on it: where it comes from (imported:
    the notice, who imported it and when, its sha256; or chinese-calendar and its version),
    its holiday periods and its adjusted working days."""
    engine.db.require()
    with engine.db.reading() as s:
        found = calendar_years.row(s, year)
        imported = [r.year for r in calendar_years.rows(s)] if found is None else []
    shipped = engine.shipped_calendar()
    base = {"year": year, "chinese_calendar": shipped.version()}
    if found is not None:
        official = calendar_years.year_of(found)
        return (
            base
            | {"source": "imported", "overrides_chinese_calendar": shipped.covers(year)}
            | _days(official)
            | {
                "notice": official.notice,
                "notice_date": official.notice_date.isoformat(),
                "imported_by": found.imported_by,
                "imported_at": found.imported_at,
                "sha256": found.sha256,
            }
        )
    if shipped.covers(year):
        return base | {"source": "chinese-calendar"} | _days(shipped.year(year))
    first, last = shipped.covered_years()
    raise NotFound(
        Msg(
            "rule.calendar",
            {"year": year, "first": first, "last": last, "imported": ", ".join(map(str, imported)) or None},
        )
    )


def _days(year: OfficialYear) -> dict[str, Any]:
    return {"holidays": [p.as_dict() for p in year.holidays], "workdays": [w.as_dict() for w in year.workdays]}


def check(engine: Engine) -> dict[str, Any]:
    """Compare every imported year with the installed chinese-calendar where it covers that
    year: each day they see differently. `ok` when there is none."""
    engine.db.require()
    with engine.db.reading() as s:
        years = [calendar_years.year_of(r) for r in calendar_years.rows(s)]
    shipped: ChinaCalendar = engine.shipped_calendar()
    report = []
    for year in years:
        found = disagreements(year, shipped)
        report.append(
            {
                "year": year.year,
                "compared": found is not None,
                "disagreements": [d.as_dict() for d in found or []],
            }
        )
    ok = not any(item["disagreements"] for item in report)
    return {"ok": ok, "chinese_calendar": shipped.version(), "years": report}
