"""The official Chinese working-day calendar (法定节假日与调休), for periods counted in working days.

Two sources: the years an admin imported from the State Council's notices (``dflow calendar
import``, :mod:`decision_flow.core.calendar_file`), and the `chinese-calendar` package, which
carries the notices up to its release. An imported year takes precedence: it is what the office
declared, in the signed trail. A year neither has is refused (:class:`CalendarNotCovered`),
never guessed: a weekend-only count is wrong around every holiday (Art. 26).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from decision_flow.core.value import Value

if TYPE_CHECKING:  # a year of the notice is made only when asked for
    from decision_flow.core.calendar_file import OfficialYear


NEW_YEARS_DAY = "New Year's Day"  # chinese-calendar's name of the 元旦 holiday


class CalendarNotCovered(Exception):
    """The calendar has no holiday notice for this year: chinese-calendar does not cover it
    (`first`–`last`) and no admin imported it (`imported`: the years that are)."""

    def __init__(self, year: int, first: int, last: int, imported: tuple[int, ...] = ()) -> None:
        years = ", ".join(map(str, imported)) or "none"
        super().__init__(f"the official calendar has no data for {year} ({first}–{last}; imported: {years})")
        self.year, self.first, self.last, self.imported = year, first, last, imported


class WorkCalendar(Protocol):
    """What the rules need of a calendar; tests may pass their own. `is_workday` raises
    :class:`CalendarNotCovered` for a year it has no data for."""

    def is_workday(self, day: date) -> bool: ...


class ChinaCalendar:
    """The official calendar as the installed `chinese-calendar` package carries it."""

    def __init__(self) -> None:
        import chinese_calendar  # imported on first use: it is only needed by working-day rules

        self._cc = chinese_calendar
        years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
        self._years: tuple[int, int] = (years[0], years[-1])

    def covered_years(self) -> tuple[int, int]:
        return self._years

    def covers(self, year: int) -> bool:
        return self._years[0] <= year <= self._years[1]

    @staticmethod
    def version() -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("chinese-calendar")
        except PackageNotFoundError:  # pragma: no cover - installed with decision-flow
            return "?"

    def is_workday(self, day: date) -> bool:
        first, last = self._years
        if not first <= day.year <= last:
            raise CalendarNotCovered(day.year, first, last)
        return bool(self._cc.is_workday(day))

    def kind(self, day: date) -> str:
        """holiday, workday (adjusted working day), weekday or weekend, as the package has it."""
        if day in self._cc.holidays:
            return "holiday"
        if day in self._cc.workdays:
            return "workday"
        return "weekday" if day.weekday() < 5 else "weekend"

    def next_new_year(self, day: date) -> bool | None:
        """Whether a December day is a working day under the next year's notice, when that
        notice names it (the New Year holiday or its adjusted working days, begun in December);
        None when it does not, or the package has no next year."""
        if day.month != 12 or not self.covers(day.year + 1):
            return None
        if day in self._cc.workdays:
            return True
        return False if self._cc.holidays.get(day) == NEW_YEARS_DAY else None

    def _of_notice(self, day: date, year: int) -> bool:
        """Whether the package's day belongs to the notice for `year` (the New Year holiday of
        `year` may begin in the December before; that December is not the year before's)."""
        if day.year == year:
            return self.next_new_year(day) is None
        return day.year == year - 1 and self.next_new_year(day) is not None

    def year(self, year: int) -> OfficialYear:
        """The notice for `year` as the package has it: holiday periods (consecutive days of one
        holiday, named in Chinese as the notices name them) and adjusted working days."""
        from decision_flow.core.calendar_file import AdjustedWorkday, HolidayPeriod, OfficialYear

        chinese = {h.value: h.chinese for h in self._cc.Holiday}
        periods: list[HolidayPeriod] = []
        for day, name in sorted(self._cc.holidays.items()):
            if not self._of_notice(day, year):
                continue
            label = chinese.get(name, name)
            last = periods[-1] if periods else None
            if last is not None and last.last + timedelta(days=1) == day and last.name == label:
                periods[-1] = HolidayPeriod(last.first, day, label)
            else:
                periods.append(HolidayPeriod(day, day, label))
        workdays = tuple(
            AdjustedWorkday(d, chinese.get(n, n))
            for d, n in sorted(self._cc.workdays.items())
            if self._of_notice(d, year)
        )
        return OfficialYear(year, "", date(year, 1, 1), tuple(periods), workdays)


class OfficialCalendar:
    """The calendar every rule counts on: the imported years over chinese-calendar's data.

    `imported` is called once, the first time a day is asked about (so a change that counts no
    working days reads nothing); `shipped` gives the chinese-calendar data, also on first need.
    A December day named by the next year's notice (the New Year holiday begun early, or its
    adjusted working day) is answered by that notice; any other day by its own year's source.
    """

    def __init__(self, shipped: Callable[[], ChinaCalendar], imported: Callable[[], Iterable[OfficialYear]]) -> None:
        self._shipped, self._read = shipped, imported
        self._years: dict[int, OfficialYear] | None = None

    @property
    def years(self) -> dict[int, OfficialYear]:
        """The imported years, read on first use."""
        if self._years is None:
            self._years = {y.year: y for y in self._read()}
        return self._years

    def read(self) -> OfficialCalendar:
        """The calendar with the imported years read now (it is then used outside the
        transaction it reads them in)."""
        _ = self.years
        return self

    def is_workday(self, day: date) -> bool:
        years = self.years
        following = years.get(day.year + 1)
        if following is not None and day in following.listed:
            return following.is_workday(day)
        own = years.get(day.year)
        if own is not None:
            said = self._shipped().next_new_year(day) if day.month == 12 else None
            return own.is_workday(day) if said is None else said
        shipped = self._shipped()
        try:
            return shipped.is_workday(day)
        except CalendarNotCovered as exc:
            raise CalendarNotCovered(exc.year, exc.first, exc.last, tuple(sorted(years))) from None


class Disagreement(Value):
    """A day an imported year and chinese-calendar see differently; `counts` when one says it
    is a working day and the other not (a period's count would differ)."""

    day: date
    imported: str
    shipped: str
    counts: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "imported": self.imported,
            "chinese_calendar": self.shipped,
            "counts": self.counts,
        }


def disagreements(year: OfficialYear, shipped: ChinaCalendar) -> list[Disagreement] | None:
    """Every day of an imported year's notice (the year, and the December days before it names)
    on which chinese-calendar says otherwise; None if the package does not cover the year. A
    December day the package gives to the next year's New Year holiday is not this notice's."""
    if not shipped.covers(year.year):
        return None
    december = [date(year.year - 1, 12, d) for d in range(1, 32)]
    days = [d for d in december if d in year.listed or shipped.next_new_year(d) is not None]
    day = date(year.year, 1, 1)
    while day.year == year.year:
        days.append(day)
        day += timedelta(days=1)
    found = []
    for day in days:
        ours = year.kind(day)
        if day.year == year.year and shipped.next_new_year(day) is not None:
            theirs = "weekday" if day.weekday() < 5 else "weekend"  # the next notice's day, not this one's
        else:
            theirs = shipped.kind(day)
        if ours != theirs:
            counts = (ours in ("workday", "weekday")) != (theirs in ("workday", "weekday"))
            found.append(Disagreement(day, ours, theirs, counts))
    return found


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


def last_day(calendar: WorkCalendar, start: date, days: int) -> date:
    """The last day of a period of `days` calendar days after `start` (the start day not
    counted, Civil Code Art. 201): when it falls on a holiday or a rest day, the first working
    day after it (Civil Code Art. 203 ¶1; CPL Art. 85 ¶3). CalendarNotCovered when the calendar
    cannot say whether a day is one."""
    day = start + timedelta(days=days)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day
