"""The imported years of the official calendar (table ``calendar_years``): read, written, and
turned back into :class:`~decision_flow.core.calendar_file.OfficialYear`. Each row is written
together with its audited, signed ``calendar_imported`` event (decision_flow.engine.calendar)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from decision_flow.core.errors import Conflict, IntegrityError
from decision_flow.core.i18n import Msg
from decision_flow.store.row import columns, rows_as, select_all
from decision_flow.store.rows import CalendarYear
from decision_flow.store.sql import integrity_error
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:  # a year is read back only when a rule first counts working days
    from decision_flow.core.calendar_file import OfficialYear
    from decision_flow.store.tx import Tx


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rows(s: Tx) -> list[CalendarYear]:
    """Every imported year's row, by year."""
    return rows_as(CalendarYear, cursor_of(s).all(f"{select_all(CalendarYear)} ORDER BY year"))


def row(s: Tx, year: int) -> CalendarYear | None:
    found = cursor_of(s).all(f"{select_all(CalendarYear)} WHERE year = ?", year)
    return rows_as(CalendarYear, found)[0] if found else None


def content_of(r: CalendarYear) -> OfficialYear | None:
    """The year a row holds, or None when its columns are not a year's content (an edit)."""
    try:
        from decision_flow.core.calendar_file import OfficialYear

        return OfficialYear.from_content(
            {
                "year": r.year,
                "notice": r.notice,
                "notice_date": r.notice_date,
                "holidays": json.loads(r.holidays),
                "workdays": json.loads(r.workdays),
            }
        )
    except (ValueError, KeyError, TypeError):
        return None


def year_of(r: CalendarYear) -> OfficialYear:
    """The year a row holds, refused (exit 7) when it does not hash to the row's own sha256: a
    period is never counted on a calendar someone edited outside dflow."""
    year = content_of(r)
    if year is None or year.sha256 != r.sha256:
        raise IntegrityError(Msg("calendar.damaged", {"year": r.year}))
    return year


def imported(s: Tx) -> list[OfficialYear]:
    """Every imported year, checked against its own sha256 (one query: the rules ask once per change)."""
    return [year_of(r) for r in rows(s)]


def write(s: Tx, year: OfficialYear, at: str, by: str, previous: str | None) -> None:
    """Insert the year, or (when `previous`, the sha256 it replaces, is given) overwrite the row
    that still holds `previous`; a row someone else wrote meanwhile is a conflict."""
    values = {
        "year": year.year,
        "holidays": _json([p.as_dict() for p in year.holidays]),
        "workdays": _json([w.as_dict() for w in year.workdays]),
        "notice": year.notice,
        "notice_date": year.notice_date.isoformat(),
        "sha256": year.sha256,
        "imported_at": at,
        "imported_by": by,
    }
    raw = cursor_of(s)
    if previous is None:
        if raw.one("SELECT year FROM calendar_years WHERE year = ?", year.year) is not None:
            raise Conflict(Msg("calendar.conflict", {"year": year.year}))
        names = columns(CalendarYear)
        try:
            raw.run(
                f"INSERT INTO calendar_years ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                *(values[c] for c in names),
            )
        except Exception as exc:  # PostgreSQL: another import of the year committed meanwhile
            if not integrity_error(exc):
                raise
            raise Conflict(Msg("calendar.conflict", {"year": year.year})) from None
        return
    changed = {k: v for k, v in values.items() if k != "year"}
    count = raw.run(
        f"UPDATE calendar_years SET {', '.join(f'{c} = ?' for c in changed)} WHERE year = ? AND sha256 = ?",
        *changed.values(),
        year.year,
        previous,
    )
    if count != 1:
        raise Conflict(Msg("calendar.conflict", {"year": year.year}))
