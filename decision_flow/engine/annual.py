"""The figures of an organ's annual rule-of-law report (法治政府建设年度报告, Inspection Rules
Art. 24), counted from the data, each with the ids behind it: the year's cases of every
procedure (what each counts is its own: ``procedures/*/annual.py``), the activities of the
register, the decision-item catalogue, the refused attempts and the acts done late.

A case counts in the year it was opened (the first date its procedure names, recorded; before
that, the day it was created); an activity in the year it was held; a catalogue item in its
catalogue's year; a refusal in the year it was refused. Only what the reader may read is counted,
and the case titles listed are masked as ``dflow show`` masks them (docs/annual-report.md).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import decision_flow.engine.definitions as definitions
import decision_flow.engine.privacy as privacy
import decision_flow.engine.reach as reach
from decision_flow import procedures
from decision_flow.core.calendar_cn import CalendarNotCovered, OfficialCalendar, working_days_after
from decision_flow.core.i18n import article
from decision_flow.core.value import as_dict
from decision_flow.definition.workflow import Title, Workflow
from decision_flow.engine import activities, catalogue
from decision_flow.engine.catalogue import check_year
from decision_flow.engine.change import reader
from decision_flow.procedures.annual import COMPLETED, LATE_MARKS, Case, Figure, Part, Rec, Review, ids
from decision_flow.store.row import rows_as, select_all
from decision_flow.store.rows import Decision, Organ
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.engine import Engine
    from decision_flow.store.sql import Cursor
    from decision_flow.store.tx import Tx

MONTHS = 12
CHUNK = 500  # case ids per query (SQLite takes 32,766 parameters; a short list plans well on both)
CASES_BY_MONTH = Title("各月受理、立项案件数", "Cases opened by month")
REVIEW_DAYS = Title(
    "合法性审核用时与法定最短时间（工作日）", "Legality review times against the legal minimum (working days)"
)
REFUSED = Title("系统依法拒绝的越程序操作", "Attempts the system refused as against the procedure")
LATE = Title("逾期办理的案件", "Cases with an act done late")
CATALOGUE = Title("年度重大行政决策事项目录事项", "Items of the year's decision-item catalogue")
ITEM_DONE = Title("已完成决策并归档", "decided and archived")
ITEM_OPEN = Title("已启动、在办", "begun, in progress")
ITEM_WAITING = Title("尚未启动", "not yet begun")
# The register's figures: (key, kind, section, title, what is summed, unit)
ACTIVITY_FIGURES = (
    ("study.sessions", "study_session", "study", Title("集中学法", "Study sessions"), "activities", "activities"),
    (
        "study.attendance",
        "study_session",
        "study",
        Title("集中学法参学", "Attendance at study sessions"),
        "count",
        "people",
    ),
    (
        "study.publicity",
        "publicity_event",
        "study",
        Title("法治宣传活动", "Legal publicity events"),
        "activities",
        "activities",
    ),
    (
        "study.reached",
        "publicity_event",
        "study",
        Title("法治宣传覆盖群众", "People reached by publicity"),
        "count",
        "people",
    ),
    (
        "study.materials",
        "publicity_event",
        "study",
        Title("发放法治宣传资料", "Publicity materials handed out"),
        "materials",
        "copies",
    ),
    (
        "services.consultations",
        "legal_consultation",
        "services",
        Title("解答群众法律咨询", "Legal consultations given"),
        "count",
        "people",
    ),
    (
        "services.advisers",
        "adviser_appointment",
        "services",
        Title("聘请法律顾问的村（社区）", "Villages with a legal adviser appointed"),
        "villages",
        "villages",
    ),
)


def report(engine: Engine, year: int | str, organ: str | None, actor: str | None, lang: str) -> dict[str, Any]:
    """The report's figures for `year`, of `organ` (else of every organ the reader holds a role in;
    read as no one, of all), in the JSON shape of ``dflow report annual --json``."""
    year = check_year(year)
    code = reach.check_code(organ) if organ is not None else None
    engine.db.require()
    with engine.db.reading() as s:
        user = reader(s, actor)
        scope = reach.scope(s, user, code, False)
        names = {o.code: o.name for o in rows_as(Organ, cursor_of(s).all(select_all(Organ)))}
        organs = sorted(names) if scope is None else sorted(scope)
        cases, masked = _cases(s, organs, year, user, lang)
        calendar = engine.calendar_in(s)
        if isinstance(calendar, OfficialCalendar):
            calendar.read()  # counted on after this read ends
        refusals = _refusals(s, organs, year)
    register = activities.listed(engine, code, year, actor)
    catalogues = catalogue.show(engine, year, code, actor)

    def days(start: str, end: str) -> int | None:
        try:
            return working_days_after(calendar, date.fromisoformat(start), date.fromisoformat(end))
        except (CalendarNotCovered, ValueError):
            return None

    figures: list[Figure] = []
    reviews: list[tuple[str, Review]] = []
    series = []
    for key, procedure in procedures.PROCEDURES.items():
        if procedure.annual is None:
            continue
        mine = [c for c in cases if c.workflow.procedure == key]
        said = procedure.annual(mine, days)
        figures += said.figures
        reviews += [(key, r) for r in said.reviews]
        if mine:
            title = next(f.title for f in said.figures if f.key == f"{key}.cases")
            series.append({"key": key, "title": as_dict(title), "values": _by_month(mine)})
    called = {key: f.title for f in figures for key in procedures.PROCEDURES if f.key == f"{key}.cases"}
    figures += [_catalogue(catalogues), *_activities(register), _refused(refusals, called), _late(cases)]
    return {
        "year": year,
        "organ": code,
        "organ_name": names.get(code) if code else "、".join(names[o] for o in organs if o in names) or None,
        "organs": organs,
        "generated_on": engine.today().isoformat(),
        "masked": masked,
        "figures": [f.as_dict() for f in _ordered(figures)],
        "cases": [_case(c) for c in sorted(cases, key=lambda c: c.id)],
        "activities": [_activity(a) for a in register["activities"] if a["withdrawn"] is None],
        "items": _items(catalogues),
        "charts": [
            {"key": "cases_by_month", "title": as_dict(CASES_BY_MONTH), "series": series},
            {
                "key": "review_days",
                "title": as_dict(REVIEW_DAYS),
                "items": [{"id": r.id, "procedure": p, "days": r.days, "minimum": r.minimum} for p, r in reviews],
            },
        ],
    }


def _cases(s: Tx, organs: list[str], year: int, user: Any, lang: str) -> tuple[list[Case], bool]:
    """The cases of `organs` opened in `year`, as the report reads them, and whether any title
    was masked for the reader."""
    if not organs:
        return [], False
    marks = ", ".join("?" for _ in organs)
    raw = cursor_of(s)
    decisions = rows_as(Decision, raw.all(f"{select_all(Decision)} WHERE organ IN ({marks}) ORDER BY id", *organs))
    # First the steps a case is opened on, of every case: which cases are the year's; then every
    # record of those cases only (a county server holds many years).
    opening = sorted({step for p in procedures.PROCEDURES.values() for step, _field in p.opened})
    first = _records(raw, f"decision_id IN (SELECT id FROM decisions WHERE organ IN ({marks}))", organs, opening)
    workflows: dict[tuple[str, str], Workflow] = {}
    kept: list[tuple[Decision, Workflow, str]] = []
    for dec in decisions:
        wf = workflows.get((dec.workflow, dec.workflow_sha256))
        if wf is None:
            wf = workflows[(dec.workflow, dec.workflow_sha256)] = definitions.of_case(s, dec)
        opened = _opened(procedures.of(wf).opened, first.get(dec.id or 0, {})) or dec.created_at[:10]
        if opened.startswith(f"{year}-"):
            kept.append((dec, wf, opened))
    records: dict[int, dict[str, Rec]] = {}
    for start in range(0, len(kept), CHUNK):
        chunk = [dec.id or 0 for dec, _wf, _on in kept[start : start + CHUNK]]
        records |= _records(raw, f"decision_id IN ({', '.join('?' for _ in chunk)})", chunk)
    found, masked = [], False
    for dec, wf, opened in kept:
        hide = privacy.redactor(s, user, dec, wf, lang)
        masked = masked or bool(hide)
        found.append(
            Case(dec.id or 0, hide.text(dec.title), wf, opened, dec.stage, dec.status, records.get(dec.id or 0, {}))
        )
    return found, masked


def _records(raw: Cursor, where: str, params: list[Any], steps: list[str] | None = None) -> dict[int, dict[str, Rec]]:
    """The active step records the condition `where` selects (of `steps` only, if given), by case
    and step."""
    sql = f"SELECT decision_id, step, status, fields, marks FROM step_records WHERE active = ? AND {where}"
    if steps is not None:
        sql += f" AND step IN ({', '.join('?' for _ in steps)})"
    found: dict[int, dict[str, Rec]] = {}
    for decision_id, step, status, fields, marks in raw.all(sql, True, *params, *(steps or [])):
        found.setdefault(decision_id, {})[step] = Rec(status, json.loads(fields), tuple(json.loads(marks)))
    return found


def _opened(where: tuple[tuple[str, str], ...], steps: dict[str, Rec]) -> str | None:
    for step, name in where:
        rec = steps.get(step)
        value = rec.fields.get(name) if rec is not None else None  # recorded, if not yet completed
        if isinstance(value, str) and len(value) == 10:
            return value
    return None


def _by_month(cases: list[Case]) -> list[int]:
    counts = [0] * MONTHS
    for c in cases:
        counts[int(c.opened_on[5:7]) - 1] += 1
    return counts


def _refusals(s: Tx, organs: list[str], year: int) -> list[tuple[str, str, str | None]]:
    """The attempts refused in the organs' chains in `year`: each event's id (its chain and
    number, ``shahe:12``), the article it was refused under (its first reason's) and the
    procedure of the case it concerned (None: no case, e.g. an activity's)."""
    if not organs:
        return []
    marks = ", ".join("?" for _ in organs)
    sql = (
        "SELECT a.chain, a.seq, a.data, d.workflow FROM audit_events a LEFT JOIN decisions d ON d.id = a.decision_id"
        f" WHERE a.action = ? AND a.chain IN ({marks}) AND a.at >= ? AND a.at < ? ORDER BY a.chain, a.seq"
    )
    found, of = [], {}
    for chain, seq, data, workflow in cursor_of(s).all(sql, "refused", *organs, f"{year}-01-01", f"{year + 1}-01-01"):
        reasons = json.loads(data).get("reasons") or []
        if workflow is not None and workflow not in of:
            of[workflow] = definitions.newest(s, workflow).procedure
        found.append((f"{chain}:{seq}", str(reasons[0].get("article") or "") if reasons else "", of.get(workflow)))
    return found


def _refused(events: list[tuple[str, str, str | None]], names: dict[str, Title]) -> Figure:
    """The refusals by the article (and the procedure) each was refused under, most first."""
    by: dict[tuple[str, str | None], list[str]] = {}
    for event, cited, procedure in events:
        by.setdefault((cited, procedure), []).append(event)
    parts = []
    for (cited, procedure), found in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0][0], kv[0][1] or "")):
        zh, en = (article(cited, "zh"), cited) if cited else ("未引条文", "no article")
        name = names.get(procedure or "")
        if name is not None:
            zh, en = f"{zh}（{name.zh}）", f"{en} ({name.en})"
        parts.append(Part(f"{procedure or ''}:{cited}", Title(zh, en), len(found), tuple(found)))
    every = tuple(e for e, _c, _p in events)
    return Figure("oversight.refused", "oversight", REFUSED, len(events), "events", every, tuple(parts), of="events")


def _late(cases: list[Case]) -> Figure:
    """The cases with an act marked late, by procedure."""
    late = [
        c for c in cases if any(rec.status == COMPLETED and LATE_MARKS & set(rec.marks) for rec in c.steps.values())
    ]
    by: dict[str, list[Case]] = {}
    for c in late:
        by.setdefault(c.workflow.procedure, []).append(c)
    parts = tuple(
        Part(key, procedures.PROCEDURES[key].case, len(found), ids(found))
        for key, found in by.items()
        if key in procedures.PROCEDURES
    )
    return Figure("shortcomings.late", "shortcomings", LATE, len(late), "cases", ids(late), parts)


def _catalogue(shown: dict[str, Any]) -> Figure:
    items = [i for c in shown["catalogues"] for i in c["items"] if i["removed"] is None]
    if not items:
        return Figure(
            "decisions.catalogue", "decisions", CATALOGUE, None, "items", (), of="items", why="nothing_recorded"
        )
    done = [i["id"] for i in items if i["case"] and i["case"]["status"] == "archived"]
    begun = [i["id"] for i in items if i["case"] and i["id"] not in done]
    waiting = [i["id"] for i in items if not i["case"]]
    parts = tuple(
        Part(key, title, len(found), tuple(found))
        for key, title, found in (
            ("done", ITEM_DONE, done),
            ("open", ITEM_OPEN, begun),
            ("waiting", ITEM_WAITING, waiting),
        )
        if found
    )
    return Figure(
        "decisions.catalogue",
        "decisions",
        CATALOGUE,
        len(items),
        "items",
        tuple(i["id"] for i in items),
        parts,
        of="items",
    )


def _activities(register: dict[str, Any]) -> list[Figure]:
    """The register's figures: per kind the activities, the people, the materials, the villages."""
    shown = [a for a in register["activities"] if a["withdrawn"] is None]
    figures = []
    for key, kind, section, title, summed, unit in ACTIVITY_FIGURES:
        mine = [a for a in shown if a["kind"] == kind]
        if summed == "materials":
            mine = [a for a in mine if a["materials"] is not None]
        if not mine:
            figures.append(Figure(key, section, title, None, unit, (), of="activities", why="nothing_recorded"))
            continue
        if summed == "activities":
            value = len(mine)
        elif summed == "villages":
            value = len({a["village"] for a in mine})
        else:
            value = sum(int(a[summed]) for a in mine)
        figures.append(Figure(key, section, title, value, unit, tuple(a["id"] for a in mine), of="activities"))
    return figures


SECTION_ORDER = ("decisions", "reviews", "enforcement", "disputes", "study", "services", "oversight", "shortcomings")


def _ordered(figures: list[Figure]) -> list[Figure]:
    return sorted(figures, key=lambda f: SECTION_ORDER.index(f.section))


def _case(c: Case) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "procedure": c.workflow.procedure,
        "workflow": c.workflow.name,
        "opened_on": c.opened_on,
        "stage": c.stage,
        "status": c.status,
    }


def _activity(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] for k in ("id", "organ", "kind", "held_on", "title", "count", "materials", "village")}


def _items(shown: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": i["id"],
            "organ": c["organ"],
            "title": i["title"],
            "planned_on": i["planned_on"],
            "case": i["case"]["id"] if i["case"] else None,
        }
        for c in shown["catalogues"]
        for i in c["items"]
        if i["removed"] is None
    ]
