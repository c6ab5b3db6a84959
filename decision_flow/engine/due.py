"""What is due (期限), for `dflow due`: every deadline the engine knows across the organs a reader
reaches, soonest first, each with its case, the working days left and the article behind it.

Each kind of deadline is a *source*: a small function registered with :func:`source` that
reads its items for the organs in scope, in one or two queries whatever the number of cases.
The sources here are the time limits the workflows' own rules set (R23's publication within
20 working days, a normative document's legality review within 15, its filing: whatever a
rule of a kind :mod:`decision_flow.rules.due` knows sets), the decision-item catalogue's
planned dates (Art. 3) and the post-decision evaluations' due dates (Art. 36). A procedure
added later brings its limits as rules in its workflow files, which the first source reads
already; one whose dates live elsewhere adds a source here. Nothing is entered for this
command: it reads what officers record anyway.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import decision_flow.engine.definitions as definitions
import decision_flow.engine.reach as reach
from decision_flow.core.calendar_cn import CalendarNotCovered, WorkCalendar, working_days_after
from decision_flow.core.errors import DflowError, InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.core.values import parse_date
from decision_flow.definition.workflow import Workflow
from decision_flow.engine.change import reader
from decision_flow.engine.engine import Engine
from decision_flow.rules.due import deadlines, has_deadlines
from decision_flow.rules.kinds import Context, StepState
from decision_flow.store.row import columns, rows_as, select_all
from decision_flow.store.rows import CatalogueItem, Decision, LifeAct
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

CATALOGUE_ARTICLE = "Art. 3"  # the decision-item catalogue (决策事项目录)
EVALUATION_ARTICLE = "Art. 36"  # post-decision evaluation (决策后评估)
EVALUATION_STARTED, EVALUATION_REPORTED = "evaluation_started", "evaluation_reported"
MAX_WITHIN = 3660  # days: ten years ahead is as far as --within looks
_WITHIN = re.compile(r"([0-9]{1,5})d")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Reading:
    """What a source reads with: the session, the organs in scope (None: every organ), today
    and the official calendar."""

    s: Tx
    organs: list[str] | None
    today: date
    calendar: WorkCalendar

    def in_scope(self, column: str) -> tuple[str, tuple[str, ...]]:
        """A condition keeping rows whose `column` names an organ in scope (true when every
        organ is), and its parameters."""
        if self.organs is None:
            return "1 = 1", ()
        if not self.organs:
            return "1 = 0", ()
        return f"{column} IN ({', '.join('?' for _ in self.organs)})", tuple(self.organs)


@dataclass(frozen=True)
class Item:
    """One thing due: what (`what`, a message naming it), by when (`due_on`; None when the
    official calendar lacks `uncovered`, a year the count reaches), under which `article`,
    in which case (`case`, None for a catalogue item no case was made from) and organ.
    `workflow` names the case's steps and fields in the reader's words; `detail` is what
    ``--json`` adds (step, field, since, the catalogue item)."""

    source: str
    due_on: date | None
    what: Msg
    article: str
    case: int | None
    title: str
    organ: str | None
    workflow: Workflow | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    uncovered: int | None = None


@dataclass(frozen=True)
class Due(Item):
    """An item as listed: with the working days left until it (negative: overdue by so many;
    None when the calendar cannot count them) and the organ's name."""

    left: int | None = None
    overdue: bool = False
    organ_name: str | None = None


@dataclass(frozen=True)
class Agenda:
    """What `dflow due` lists: the items, soonest first, as of `today`, within `within` days
    (None: all)."""

    today: date
    within: int | None
    items: list[Due]


Source = Callable[[Reading], Iterable[Item]]
SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    """Register a source of deadlines under `name` (the `source` of its items in ``--json``)."""

    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        return fn

    return register


def parse_within(text: str) -> int:
    """`--within 10d`: a number of calendar days (0 to ten years), or InvalidInput."""
    found = _WITHIN.fullmatch(text.strip())
    if found is None or int(found.group(1)) > MAX_WITHIN:
        raise InvalidInput(Msg("due.bad_within", {"value": text[:40], "max": MAX_WITHIN}))
    return int(found.group(1))


def parse_today(text: str) -> date:
    """`--today YYYY-MM-DD`, or InvalidInput."""
    if not _ISO_DAY.fullmatch(text):
        raise InvalidInput(Msg("value.date", {"what": "--today", "value": text[:40]}))
    return parse_date(text, "--today")


def due(
    engine: Engine,
    actor: str | None = None,
    organ: str | None = None,
    all_organs: bool = False,
    within: int | None = None,
    today: date | None = None,
) -> Agenda:
    """Everything due in the organs `actor` reads (as `dflow list` scopes them: their own by
    default, one `organ`, or `all_organs`), soonest first; with `within`, only what falls due
    within that many calendar days of `today` (default: the engine's), and all that is overdue."""
    engine.db.require()
    today = today or engine.today()
    with engine.db.reading() as s:
        user = reader(s, actor)
        reading = Reading(s, reach.scope(s, user, organ, all_organs), today, engine.calendar_in(s))
        names = {code: name for code, name in s.all("SELECT code, name FROM organs")}
        found = [item for read in SOURCES.values() for item in read(reading)]
        if within is not None:
            last = today + timedelta(days=within)
            found = [i for i in found if i.due_on is None or i.due_on <= last]
        listed = [_listed(reading, item, names) for item in found]
    listed.sort(key=lambda d: (d.due_on or date.max, d.case or 0, d.source, d.what.key))
    return Agenda(today, within, listed)


def _listed(reading: Reading, item: Item, names: dict[str, str]) -> Due:
    left, uncovered = None, item.uncovered
    if item.due_on is not None:
        try:
            left = _working_days_left(reading.calendar, reading.today, item.due_on)
        except CalendarNotCovered as exc:
            uncovered = exc.year
    overdue = item.due_on is not None and item.due_on < reading.today
    return Due(
        **{**item.__dict__, "uncovered": uncovered},
        left=left,
        overdue=overdue,
        organ_name=names.get(item.organ or ""),
    )


def _working_days_left(calendar: WorkCalendar, today: date, due_on: date) -> int:
    """Working days after today up to the due date; past it, minus those after it up to today."""
    if due_on >= today:
        return working_days_after(calendar, today, due_on)
    return -working_days_after(calendar, due_on, today)


# ---------------------------------------------------------------------------- the sources


@source("rule")
def rule_deadlines(reading: Reading) -> Iterable[Item]:
    """The time limits the rules of each open case's workflow set (two queries, and one per
    workflow definition not yet read in this process)."""
    s, cur = reading.s, cursor_of(reading.s)
    scope, organs = reading.in_scope("organ")
    open_cases = f"SELECT id FROM decisions WHERE status = 'active' AND {scope}"
    cases = rows_as(Decision, cur.all(f"{select_all(Decision)} WHERE id IN ({open_cases}) ORDER BY id", *organs))
    records: dict[int, dict[str, StepState]] = {}
    query = f"SELECT decision_id, step, status, fields FROM step_records WHERE active AND decision_id IN ({open_cases})"
    for decision_id, step, status, fields in cur.all(query, *organs):
        records.setdefault(decision_id, {})[step] = StepState(status, json.loads(fields))
    for dec in cases:
        assert dec.id is not None
        try:
            wf = definitions.of_case(s, dec)
        except DflowError:  # a definition that cannot be read: `dflow show` says why; its dates are unknown
            continue
        if not has_deadlines(wf) or dec.id not in records:
            continue
        ctx = Context(wf, json.loads(dec.flags), records[dec.id], reading.today, reading.calendar)
        for limit in deadlines(ctx):
            since = Msg("due.field_of", {"step": limit.since_step, "field": limit.since_field})
            what = Msg(
                f"due.within_{limit.unit}",
                {
                    "step": limit.step,
                    "field": limit.field,
                    "since_field": since,
                    "since": limit.since,
                    "days": limit.days,
                },
            )
            detail = {"step": limit.step, "field": limit.field, "since": limit.since.isoformat()}
            yield Item(
                "rule", limit.due, what, limit.article, dec.id, dec.title, dec.organ, wf, detail, limit.uncovered
            )


@source("catalogue")
def catalogue_items(reading: Reading) -> Iterable[Item]:
    """Each item of a decision-item catalogue not taken out, whose decision is not archived
    yet: due on its planned date (Art. 3). Two queries."""
    cur = cursor_of(reading.s)
    scope, organs = reading.in_scope("organ")
    query = f"{select_all(CatalogueItem)} WHERE removed_at IS NULL AND {scope} ORDER BY id"
    items = rows_as(CatalogueItem, cur.all(query, *organs))
    ids = [i.id for i in items]
    cases: dict[int, list[tuple[int, str, str]]] = {}
    if ids:
        query = (
            "SELECT catalogue_item, id, title, status FROM decisions"
            f" WHERE catalogue_item IN ({', '.join('?' for _ in ids)}) ORDER BY id"
        )
        for item_id, case_id, title, status in cur.all(query, *ids):
            cases.setdefault(int(item_id or 0), []).append((int(case_id or 0), title, status))
    for item in items:
        made = cases.get(item.id or 0, [])
        if any(status == "archived" for _, _, status in made):
            continue
        planned = _day(item.planned_on)
        if planned is None:
            continue
        case, title = (made[-1][0], made[-1][1]) if made else (None, item.title)
        what = Msg("due.catalogue", {"year": item.year, "item": item.id, "title": item.title})
        detail = {"catalogue_item": item.id}
        yield Item("catalogue", planned, what, CATALOGUE_ARTICLE, case, title, item.organ, None, detail)


@source("evaluation")
def evaluations(reading: Reading) -> Iterable[Item]:
    """Each post-decision evaluation begun with a due date and not reported since (Art. 36).
    One query."""
    scope, organs = reading.in_scope("d.organ")
    selected = ", ".join(f"a.{name}" for name in columns(LifeAct))
    query = (
        f"SELECT {selected}, d.title, d.organ FROM life_acts a JOIN decisions d ON d.id = a.decision_id"
        f" WHERE a.kind IN (?, ?) AND {scope} ORDER BY a.id"
    )
    found = cursor_of(reading.s).all(query, EVALUATION_STARTED, EVALUATION_REPORTED, *organs)
    width = len(columns(LifeAct))  # each row: the act's columns, then its case's title and organ
    read = rows_as(LifeAct, [r[:width] for r in found])
    begun: dict[int, list[tuple[LifeAct, str, str | None]]] = {}
    for act, (title, organ) in zip(read, (r[width:] for r in found), strict=True):
        if act.kind == EVALUATION_REPORTED:
            begun.pop(act.decision_id, None)  # reports every evaluation begun before it
        else:
            begun.setdefault(act.decision_id, []).append((act, title, organ))
    for decision_id, acts in begun.items():
        for act, title, organ in acts:
            due_on = _day(_object(act.data).get("due_on"))
            if due_on is None:
                continue
            what = Msg("due.evaluation", {"started": act.at[:10]})
            yield Item("evaluation", due_on, what, EVALUATION_ARTICLE, decision_id, title, organ, None, {"act": act.id})


def _day(value: Any) -> date | None:
    """An ISO date as stored, or None for anything else."""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _object(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
