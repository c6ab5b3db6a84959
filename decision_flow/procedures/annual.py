"""What a procedure tells the annual rule-of-law report (法治政府建设年度报告, Inspection Rules
Art. 24) about its cases of the year: figures, each with the ids of the cases it counts, and the
review times its legality reviews took.

A procedure declares the day its cases are opened (``Procedure.opened``: a step and a date field)
and a function (``Procedure.annual``) from the year's cases, as :class:`Case`, to an
:class:`Annual`. The helpers here (:func:`total`, :func:`by_value`, :func:`timeliness`,
:func:`rate`, :func:`review_times`) count; a procedure names only its own steps and fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from decision_flow.core.value import as_dict
from decision_flow.definition.workflow import Title, Workflow

SECTIONS = ("decisions", "reviews", "enforcement", "disputes", "study", "services", "oversight", "shortcomings")
UNITS = ("cases", "percent", "activities", "people", "copies", "days", "events", "items", "villages", "opinions")

COMPLETED = "completed"
LATE_MARKS = frozenset({"late", "overdue"})  # done after its time limit (overdue: with a recorded reason)

# The words every procedure's parts share.
OPEN = Title("在办", "in progress")
DONE = Title("已办结", "concluded")
ON_TIME = Title("按期", "on time")
LATE = Title("逾期", "late")
RECORDED = Title("已履行", "done")
WAIVED = Title("依法不适用", "not applicable by law")


@dataclass(frozen=True)
class Rec:
    """A case's active record of one step, as the report reads it."""

    status: str  # pending | completed | waived
    fields: dict[str, Any]
    marks: tuple[str, ...]  # what its completion was marked (e.g. "late", "overdue")


@dataclass(frozen=True)
class Case:
    """One case of the year: where it stands and what its steps record."""

    id: int
    title: str
    workflow: Workflow
    opened_on: str
    stage: str
    status: str  # active | archived | rejected | closed
    steps: dict[str, Rec]

    def value(self, step: str, name: str) -> Any:
        """The value recorded for field `name` of `step` (None: not recorded)."""
        rec = self.steps.get(step)
        return rec.fields.get(name) if rec is not None and rec.status == COMPLETED else None

    def done(self, step: str) -> bool:
        rec = self.steps.get(step)
        return rec is not None and rec.status == COMPLETED

    def waived(self, step: str) -> bool:
        rec = self.steps.get(step)
        return rec is not None and rec.status == "waived"

    def late(self, step: str) -> bool:
        rec = self.steps.get(step)
        return rec is not None and rec.status == COMPLETED and bool(LATE_MARKS & set(rec.marks))

    @property
    def ended(self) -> bool:
        return self.status != "active"


@dataclass(frozen=True)
class Part:
    """A share of a figure (e.g. the archived decisions of all the year's decisions)."""

    key: str
    title: Title
    value: int
    ids: tuple[int | str, ...]  # of cases, activities, items; an event's: "chain:seq"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": as_dict(self.title), "value": self.value, "ids": list(self.ids)}


@dataclass(frozen=True)
class Figure:
    """A figure of the report: its value (None: the data cannot support it, `why` says why), the
    ids behind it (of cases, activities, catalogue items or events: `of`) and its parts."""

    key: str
    section: str
    title: Title
    value: int | float | None
    unit: str
    ids: tuple[int | str, ...]  # of cases, activities, items; an event's: "chain:seq"
    parts: tuple[Part, ...] = ()
    of: str = "cases"
    why: str | None = None

    def __post_init__(self) -> None:
        assert self.section in SECTIONS, self.section
        assert self.unit in UNITS, self.unit

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "section": self.section,
            "title": as_dict(self.title),
            "value": self.value,
            "unit": self.unit,
            "of": self.of,
            "ids": list(self.ids),
            "parts": [p.as_dict() for p in self.parts],
            "why": self.why,
        }


@dataclass(frozen=True)
class Review:
    """A legality review's time: the working days from submission to opinion, against the legal
    minimum the workflow sets (None: none set)."""

    id: int
    days: int
    minimum: int | None


@dataclass
class Annual:
    """What one procedure says of its year: its figures (None, a figure the data has nothing for,
    left out) and its reviews' times."""

    figures: list[Figure] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)

    @classmethod
    def of(cls, figures: Iterable[Figure | list[Figure] | None], reviews: Iterable[Review] = ()) -> Annual:
        flat = [g for f in figures for g in (f if isinstance(f, list) else [f])]
        return cls([f for f in flat if f is not None], list(reviews))


# Working days from one recorded day (ISO) to another, on the official calendar; None where the
# calendar does not cover them.
Days = Callable[[str, str], int | None]
Report = Callable[[list[Case], Days], Annual]


def ids(cases: Iterable[Case]) -> tuple[int, ...]:
    return tuple(sorted(c.id for c in cases))


def total(key: str, section: str, title: Title, cases: list[Case], parts: Iterable[Part] = ()) -> Figure:
    """How many cases, with their parts; with no case at all the report leaves a placeholder (the
    organ may keep these cases elsewhere: 0 would be a claim the data cannot make)."""
    if not cases:
        return Figure(key, section, title, None, "cases", (), why="nothing_recorded")
    return Figure(key, section, title, len(cases), "cases", ids(cases), tuple(p for p in parts if p.value))


def count(key: str, section: str, title: Title, cases: list[Case], parts: Iterable[Part] = ()) -> Figure:
    """How many of a procedure's cases of the year did something (0 is a fact: they are all here)."""
    return Figure(key, section, title, len(cases), "cases", ids(cases), tuple(p for p in parts if p.value))


def part(key: str, title: Title, cases: Iterable[Case]) -> Part:
    found = ids(cases)
    return Part(key, title, len(found), found)


def spread(key: str, section: str, title: Title, parts: Iterable[Part]) -> Figure | None:
    """A figure that is only its parts (e.g. how many decisions went through each statutory
    procedure): its value and ids those of every case a part counts; None when none counts one."""
    shown = tuple(p for p in parts if p.value)
    if not shown:
        return None
    every = tuple(sorted({i for p in shown for i in p.ids}))
    return Figure(key, section, title, len(every), "cases", every, shown)


def choice_title(cases: list[Case], value: str) -> Title:
    """The label of an enum value as the cases' workflow gives it."""
    for c in cases:
        if value in c.workflow.choices:
            return c.workflow.choices[value]
    return Title(value, value)


def by_value(cases: list[Case], step: str, name: str, unrecorded: Title | None = None) -> list[Part]:
    """The cases by the value of `name` recorded on `step`, in the order of the field's choices;
    the cases without it as one part titled `unrecorded` (None: left out)."""
    order: list[str] = []
    for c in cases:
        st = c.workflow.steps_by_name.get(step)
        f = st.field(name) if st is not None else None
        order += [v for v in (f.choices if f is not None else ()) if v not in order]
    values = {c.id: c.value(step, name) for c in cases}
    order += sorted({str(v) for v in values.values() if v is not None} - set(order))
    found = [part(v, choice_title(cases, v), (c for c in cases if values[c.id] == v)) for v in order]
    if unrecorded is not None:
        found.append(part("unrecorded", unrecorded, (c for c in cases if values[c.id] is None)))
    return [p for p in found if p.value]


def timeliness(key: str, section: str, title: Title, cases: list[Case], steps: tuple[str, ...]) -> Figure | None:
    """Of the cases that recorded any of `steps`, those on time and those marked late on one
    (None: no case has recorded one yet)."""
    acted = [c for c in cases if any(c.done(s) for s in steps)]
    late = [c for c in acted if any(c.late(s) for s in steps)]
    on_time = [c for c in acted if c not in late]
    if not acted:
        return None
    parts = (part("on_time", ON_TIME, on_time), part("late", LATE, late))
    return Figure(key, section, title, len(acted), "cases", ids(acted), tuple(p for p in parts if p.value))


def rate(key: str, section: str, title: Title, hits: list[Case], of: list[Case]) -> Figure:
    """`hits` as a percentage of `of` (one decimal); a placeholder when `of` is empty."""
    if not of:
        return Figure(key, section, title, None, "percent", (), why="nothing_concluded")
    return Figure(key, section, title, round(100 * len(hits) / len(of), 1), "percent", ids(hits))


def summed(
    key: str, section: str, title: Title, unit: str, cases: list[Case], at: tuple[str, str], of: tuple[str, Title]
) -> Figure | None:
    """The sum of the whole numbers recorded as `at` (a step and a field) over the cases, with the
    sum of the field `of` names (on the same step) as its part; the ids those of the cases that
    recorded it (None: no case did)."""
    step, name = at
    counted = [c for c in cases if isinstance(c.value(step, name), int)]
    if not counted:
        return None
    part_of = [c for c in counted if isinstance(c.value(step, of[0]), int)]
    shares = Part(of[0], of[1], sum(int(c.value(step, of[0])) for c in part_of), ids(part_of))
    total = sum(int(c.value(step, name)) for c in counted)
    return Figure(key, section, title, total, unit, ids(counted), (shares,))


def minimum_days(wf: Workflow, step: str) -> int | None:
    """The shortest review time (working days) a `min_working_days` rule of `step` sets."""
    st = wf.steps_by_name.get(step)
    for spec in st.rules if st is not None else ():
        if spec.kind == "min_working_days" and isinstance(spec.params.get("days"), int):
            return int(spec.params["days"])
    return None


AT_LEAST = Title("不少于法定最短时间", "at least the legal minimum")
SHORTER = Title("短于法定最短时间", "shorter than the legal minimum")


def review_times(
    key: str,
    section: str,
    titles: tuple[Title, Title],
    cases: list[Case],
    days: Days,
    since: tuple[str, str],
    until: tuple[str, str],
) -> tuple[list[Review], list[Figure]]:
    """Each case's review time (working days from `since` to `until`, each a step and a date
    field), and two figures (none when no review has both days): their average (`key`), and the
    reviews by whether they took at least the workflow's shortest review time or less (an urgent
    case's, or one to look into; `key` + ``_minimum``), titled `titles`."""
    reviews = []
    for c in cases:
        start, end = c.value(*since), c.value(*until)
        if isinstance(start, str) and isinstance(end, str):
            found = days(start, end)
            if found is not None:
                reviews.append(Review(c.id, found, minimum_days(c.workflow, until[0])))
    if not reviews:
        return [], []
    average = round(sum(r.days for r in reviews) / len(reviews), 1)
    short = tuple(sorted(r.id for r in reviews if r.minimum is not None and r.days < r.minimum))
    long = tuple(sorted(r.id for r in reviews if r.id not in short))
    parts = (Part("at_least_minimum", AT_LEAST, len(long), long), Part("below_minimum", SHORTER, len(short), short))
    reviewed = tuple(sorted(r.id for r in reviews))
    return reviews, [
        Figure(key, section, titles[0], average, "days", reviewed),
        Figure(
            f"{key}_minimum", section, titles[1], len(reviews), "cases", reviewed, tuple(p for p in parts if p.value)
        ),
    ]
