"""The official Chinese working-day calendar (法定节假日与调休), for periods counted in working days.

Backed by the `chinese-calendar` package, which carries the State Council's yearly holiday
notices. A year it has no data for is refused (:class:`CalendarNotCovered`), never guessed:
a weekend-only count is wrong around every holiday (Art. 26).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol


class CalendarNotCovered(Exception):
    """The calendar data has no holiday notice for this year."""

    def __init__(self, year: int, first: int, last: int) -> None:
        super().__init__(f"the official calendar data covers {first}–{last}, not {year}")
        self.year, self.first, self.last = year, first, last


class WorkCalendar(Protocol):
    """What the rules need of a calendar; tests may pass their own."""

    def is_workday(self, day: date) -> bool: ...

    def covered_years(self) -> tuple[int, int]: ...


class ChinaCalendar:
    """The official calendar of the People's Republic of China (State Council notices)."""

    def __init__(self) -> None:
        import chinese_calendar  # imported on first use: it is only needed by working-day rules

        self._cc = chinese_calendar
        years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
        self._years = (years[0], years[-1])

    def covered_years(self) -> tuple[int, int]:
        return self._years

    def is_workday(self, day: date) -> bool:
        first, last = self._years
        if not first <= day.year <= last:
            raise CalendarNotCovered(day.year, first, last)
        return bool(self._cc.is_workday(day))


def working_days_after(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (the start day is not counted)."""
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += calendar.is_workday(day)
        day += timedelta(days=1)
    return count


def add_working_days(calendar: WorkCalendar, start: date, days: int) -> date:
    """The date on which `days` working days after `start` have passed."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        left -= calendar.is_workday(day)
    return day
