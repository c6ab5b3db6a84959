"""One year of the official calendar as the State Council's notice gives it (国务院办公厅关于
部分节假日安排的通知): its holiday periods and adjusted working days (调休上班日), read from the
small TOML (or JSON) file an admin imports with ``dflow calendar import`` (docs/calendar.md).

Every problem is refused as a one-line :class:`InvalidInput` naming the file. The year's
canonical content (:meth:`OfficialYear.content`) is what the table stores, what the audit event
carries and what its SHA-256 covers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text

MAX_BYTES = 64 * 1024  # a year's notice is a few hundred bytes as a file
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_ENTRIES = 40  # holiday periods, or adjusted working days, in one year
MAX_PERIOD_DAYS = 31
MAX_NOTICE, MAX_NAME = 100, 50
TOP_KEYS = ("year", "notice", "notice_date", "holidays", "workdays")
HOLIDAY_KEYS = ("name", "from", "to")
WORKDAY_KEYS = ("name", "date")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOML_AT = re.compile(r"at line (\d+), column (\d+)")


@dataclass(frozen=True)
class HolidayPeriod:
    """A holiday period as the notice states it (放假), first and last day included."""

    first: date
    last: date
    name: str = ""

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)

    def as_dict(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "name": self.name}


@dataclass(frozen=True)
class AdjustedWorkday:
    """A Saturday or Sunday the notice makes a working day (调休上班)."""

    day: date
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "name": self.name}


@dataclass(frozen=True)
class OfficialYear:
    """One year's notice: its number and date, holiday periods and adjusted working days. The
    New Year holiday and its adjusted working days may begin in the December before (the notices
    for 2007, 2008, 2012, 2019 and 2023 did); those days are this notice's too."""

    year: int
    notice: str
    notice_date: date
    holidays: tuple[HolidayPeriod, ...]
    workdays: tuple[AdjustedWorkday, ...] = ()

    @cached_property
    def holiday_dates(self) -> frozenset[date]:
        return frozenset(day for period in self.holidays for day in period.days())

    @cached_property
    def workday_dates(self) -> frozenset[date]:
        return frozenset(w.day for w in self.workdays)

    @cached_property
    def listed(self) -> frozenset[date]:
        """Every day the notice names (a holiday or an adjusted working day)."""
        return self.holiday_dates | self.workday_dates

    def is_workday(self, day: date) -> bool:
        """A working day under this notice: an adjusted working day, or a weekday it makes no holiday."""
        return day in self.workday_dates or (day.weekday() < 5 and day not in self.holiday_dates)

    def kind(self, day: date) -> str:
        """holiday, workday (adjusted working day), weekday or weekend, under this notice."""
        if day in self.holiday_dates:
            return "holiday"
        if day in self.workday_dates:
            return "workday"
        return "weekday" if day.weekday() < 5 else "weekend"

    def content(self) -> dict[str, Any]:
        """The canonical content: what is stored, put in the audit event, and hashed."""
        return {
            "year": self.year,
            "notice": self.notice,
            "notice_date": self.notice_date.isoformat(),
            "holidays": [p.as_dict() for p in self.holidays],
            "workdays": [w.as_dict() for w in self.workdays],
        }

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the content as canonical JSON (keys sorted, no spaces, UTF-8)."""
        text = json.dumps(self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> OfficialYear:
        """The year from its canonical content (as stored); ValueError, KeyError or TypeError if
        it is not that."""
        return cls(
            year=int(content["year"]),
            notice=str(content["notice"]),
            notice_date=date.fromisoformat(content["notice_date"]),
            holidays=tuple(
                HolidayPeriod(date.fromisoformat(p["from"]), date.fromisoformat(p["to"]), str(p["name"]))
                for p in content["holidays"]
            ),
            workdays=tuple(AdjustedWorkday(date.fromisoformat(w["date"]), str(w["name"])) for w in content["workdays"]),
        )


# ---------------------------------------------------------------------------- reading a file


def read(path: Path) -> OfficialYear:
    """The year in the file at `path` (JSON if it ends in .json, else TOML), strictly checked."""
    return parse(_read_text(path), str(path), "json" if path.suffix.lower() == ".json" else "toml")


def _bad(source: str, problem: str, **params: Any) -> InvalidInput:
    return InvalidInput(Msg(f"calendar.file.{problem}", {"file": source, **params}))


def _read_text(path: Path) -> str:
    source = str(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _bad(source, "missing") from None
    except IsADirectoryError:
        raise _bad(source, "folder") from None
    except OSError as exc:
        raise _bad(source, "unreadable", why=exc.strerror or type(exc).__name__) from None
    except ValueError:  # e.g. a NUL byte in the name
        raise _bad(source, "missing") from None
    if len(data) > MAX_BYTES:
        raise _bad(source, "too_big", max=MAX_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(source, "not_utf8", at=exc.start) from None


def _load(text: str, source: str, fmt: str) -> Any:
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(source, "syntax", format="JSON", line=exc.lineno, column=exc.colno) from None
        except RecursionError:
            raise _bad(source, "syntax", format="JSON", line="—", column="—") from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        line, column = (at.group(1), at.group(2)) if at else ("—", "—")
        raise _bad(source, "syntax", format="TOML", line=line, column=column) from None


def parse(text: str, source: str, fmt: str = "toml") -> OfficialYear:
    """The year in `text` (TOML or JSON), every rule of docs/calendar.md checked."""
    data = _load(text, source, fmt)
    if not isinstance(data, dict):
        raise _bad(source, "not_table", where=source)
    _known(data, TOP_KEYS, source, None)
    year = data.get("year")
    if "year" not in data:
        raise _bad(source, "missing_key", where="year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise _bad(source, "not_int", where="year", value=str(year)[:40])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _bad(source, "year_range", year=year, first=FIRST_YEAR, last=LAST_YEAR)
    notice = _text(data, "notice", source, "notice", MAX_NOTICE, required=True)
    notice_date = _date(data, "notice_date", source, "notice_date")
    if notice_date.year > year:
        raise _bad(source, "notice_late", date=notice_date.isoformat(), year=year)
    holidays = _holidays(_entries(data, "holidays", source, required=True), source, year)
    workdays = _workdays(_entries(data, "workdays", source, required=False), source, year)
    _no_day_twice(holidays, workdays, source)
    return OfficialYear(year, notice, notice_date, holidays, workdays)


def _known(table: Mapping[str, Any], keys: tuple[str, ...], source: str, where: str | None) -> None:
    for key in table:
        if key not in keys:
            params = {"key": str(key)[:40], "known": ", ".join(keys)}
            if where is None:
                raise _bad(source, "unknown_key", **params)
            raise _bad(source, "unknown_entry_key", where=where, **params)


def _text(table: Mapping[str, Any], key: str, source: str, where: str, limit: int, required: bool) -> str:
    if key not in table:
        if required:
            raise _bad(source, "missing_key", where=where)
        return ""
    value = table[key]
    if not isinstance(value, str):
        raise _bad(source, "not_text", where=where)
    value = clean_text(value, f"{source}: {where}", limit)
    if required and not value:
        raise _bad(source, "empty", where=where)
    return value


def _date(table: Mapping[str, Any], key: str, source: str, where: str) -> date:
    if key not in table:
        raise _bad(source, "missing_key", where=where)
    value = table[key]
    if isinstance(value, date) and not isinstance(value, datetime):  # a TOML date, unquoted
        return value
    if isinstance(value, str) and _ISO.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _bad(source, "not_date", where=where, value=str(value)[:40])


def _entries(data: Mapping[str, Any], key: str, source: str, required: bool) -> list[tuple[str, Mapping[str, Any]]]:
    """The entries of the list `key`, each with where it is (e.g. 'holidays #2')."""
    if key not in data:
        if required:
            raise _bad(source, "missing_key", where=key)
        return []
    items = data[key]
    if not isinstance(items, list):
        raise _bad(source, "not_list", where=key)
    if required and not items:
        raise _bad(source, "empty", where=key)
    if len(items) > MAX_ENTRIES:
        raise _bad(source, "too_many", where=key, count=len(items), max=MAX_ENTRIES)
    entries: list[tuple[str, Mapping[str, Any]]] = []
    for n, item in enumerate(items, 1):
        where = f"{key} #{n}"
        if not isinstance(item, dict):
            raise _bad(source, "not_table", where=where)
        entries.append((where, item))
    return entries


def _in_notice(day: date, year: int, source: str, where: str, december_before: bool) -> None:
    """A day of the notice for `year`: in that year, or (when `december_before` may hold) in the
    December before, for the New Year holiday."""
    if day.year == year or (december_before and day.year == year - 1 and day.month == 12):
        return
    raise _bad(source, "outside_year", where=where, date=day.isoformat(), year=year)


def _holidays(entries: list[tuple[str, Mapping[str, Any]]], source: str, year: int) -> tuple[HolidayPeriod, ...]:
    periods: list[tuple[str, HolidayPeriod]] = []
    for where, item in entries:
        _known(item, HOLIDAY_KEYS, source, where)
        name = _text(item, "name", source, f"{where}: name", MAX_NAME, required=False)
        first = _date(item, "from", source, f"{where}: from")
        last = _date(item, "to", source, f"{where}: to")
        if last < first:
            raise _bad(source, "period_order", where=where, first=first.isoformat(), last=last.isoformat())
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise _bad(source, "period_long", where=where, days=(last - first).days + 1, max=MAX_PERIOD_DAYS)
        _in_notice(last, year, source, f"{where}: to", december_before=False)
        _in_notice(first, year, source, f"{where}: from", december_before=True)
        periods.append((where, HolidayPeriod(first, last, name)))
    periods.sort(key=lambda p: p[1].first)
    for (where_a, a), (where_b, b) in zip(periods, periods[1:], strict=False):
        if b.first <= a.last:
            one, other = sorted((where_a, where_b), key=lambda w: int(w.split("#")[1]))
            raise _bad(source, "overlap", first=one, second=other, date=b.first.isoformat())
    return tuple(p for _, p in periods)


def _workdays(entries: list[tuple[str, Mapping[str, Any]]], source: str, year: int) -> tuple[AdjustedWorkday, ...]:
    seen: dict[date, str] = {}
    days = []
    for where, item in entries:
        _known(item, WORKDAY_KEYS, source, where)
        name = _text(item, "name", source, f"{where}: name", MAX_NAME, required=False)
        day = _date(item, "date", source, f"{where}: date")
        _in_notice(day, year, source, f"{where}: date", december_before=True)
        if day.weekday() < 5:
            raise _bad(source, "not_weekend", where=where, date=day.isoformat())
        if day in seen:
            raise _bad(source, "duplicate", first=seen[day], second=where, date=day.isoformat())
        seen[day] = where
        days.append(AdjustedWorkday(day, name))
    return tuple(sorted(days, key=lambda w: w.day))


def _no_day_twice(holidays: tuple[HolidayPeriod, ...], workdays: tuple[AdjustedWorkday, ...], source: str) -> None:
    for w in workdays:
        for period in holidays:
            if period.first <= w.day <= period.last:
                span = f"{period.first.isoformat()}–{period.last.isoformat()}"
                raise _bad(source, "both", date=w.day.isoformat(), period=span)
