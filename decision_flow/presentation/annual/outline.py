"""The annual report's outline (年度报告提纲): the report dict of ``dflow report annual --json``
(docs/annual-report.md) turned into a neutral list of blocks, in the order and numbering that
Art. 24 of the Inspection Rules fixes and a township's report uses (一、…（一）…), which the DOCX
and PDF writers lay out each in its own way.

Every figure becomes one sentence built from its title, value, unit and parts; a figure the data
cannot support (value null) becomes a marked placeholder 【待填写：…】, as do the parts of the
report no data can write (the causes of shortcomings, the leaders' duty, next year's plans).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decision_flow.core.i18n import Msg, t
from decision_flow.core.messages import MESSAGES
from decision_flow.presentation import labels

Report = Mapping[str, Any]

# The subsections of 一、主要举措和成效, by the figures' `section`, in the outline's order.
MEASURES = ("decisions", "reviews", "enforcement", "disputes", "study", "services", "oversight")
# Where each chart goes: the intro of 一 (before its first subsection), a subsection, or the end of 一.
CHART_PLACE = {"cases_by_month": "intro", "review_days": "reviews"}
END = "end"
NUMERALS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: 一、 2: （一） 3: an appendix entry


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A chart to draw (:mod:`.charts`) from `data`, one of the report's ``charts``."""

    key: str
    title: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Placeholder:
    """Text the officer writes before publication; shown marked (highlighted) in every format."""

    text: str


Block = Title | Heading | Paragraph | Table | Chart | Placeholder


def title(report: Report, lang: str) -> str:
    """沙河乡2025年度法治政府建设工作报告 / Annual report on building a law-based government, 2025."""
    return t(Msg("report.title", {"organ": organ(report), "year": report["year"]}), lang)


def organ(report: Report) -> str:
    """The organ's name where the report gives one, else its code, else the codes of the organs it
    covers."""
    return str(report.get("organ_name") or report.get("organ") or "、".join(report.get("organs") or ()))


def number(value: float) -> str:
    """A figure's value as written: 3, 66.7, 100 (a percentage has at most one decimal)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(int(value))


def _unit(unit: str, value: Any, lang: str) -> str:
    key = f"report.unit.{unit}"
    if value == 1 and f"{key}.one" in MESSAGES:
        key += ".one"
    return t(Msg(key), lang) if key in MESSAGES else ""


def sentence(figure: Mapping[str, Any], lang: str) -> Block:
    """One figure as a sentence ("重大行政决策 3 件，其中已归档 2 件、在办 1 件。"), or the placeholder
    that stands for it when its value is null."""
    name = figure["title"][lang]
    value = figure["value"]
    if value is None:
        why = figure.get("why")
        key = f"report.todo.{why}" if why in ("nothing_recorded", "nothing_concluded") else "report.todo.unknown"
        return Placeholder(t(Msg(key, {"title": name}), lang))
    unit = figure["unit"]
    parts = [
        t(
            Msg(
                "report.part",
                {
                    "title": p["title"][lang],
                    "value": "—" if p["value"] is None else number(p["value"]),
                    "unit": _unit(unit, p["value"], lang),
                },
            ),
            lang,
        )
        for p in figure.get("parts") or []
    ]
    said = {"title": name, "value": number(value), "unit": _unit(unit, value, lang)}
    if parts:
        joined = "、".join(parts) if lang == "zh" else ", ".join(parts)
        return Paragraph(t(Msg("report.figure_parts", {**said, "parts": joined}), lang))
    return Paragraph(t(Msg("report.figure", said), lang))


def chart_is_empty(chart: Mapping[str, Any]) -> bool:
    """A chart with nothing to draw: no series holding a case, no review measured (a chart is
    known by its shape: ``series`` of twelve months, or ``items`` measured against a minimum)."""
    if "series" in chart:
        return not any(v for s in chart.get("series") or [] for v in s.get("values") or [])
    return not chart.get("items")


def _chart(report: Report, chart: Mapping[str, Any], lang: str) -> Block:
    name = chart["title"][lang]
    if chart_is_empty(chart):
        return Paragraph(t(Msg("report.chart.empty", {"title": name, "year": report["year"]}), lang))
    return Chart(chart["key"], name, chart)


def outline(report: Report, lang: str) -> list[Block]:
    """The report as blocks, in the order of Art. 24, in `lang` ("zh" or "en")."""
    year = int(report["year"])
    figures: Sequence[Mapping[str, Any]] = report.get("figures") or []
    charts = {c["key"]: c for c in report.get("charts") or []}
    placed = {key: CHART_PLACE.get(key, END) for key in charts}

    def h(key: str, level: int, **params: Any) -> Heading:
        return Heading(t(Msg(f"report.h.{key}", params), lang), level)

    def charts_at(place: str) -> list[Block]:
        return [_chart(report, charts[key], lang) for key, where in placed.items() if where == place]

    blocks: list[Block] = [Title(title(report, lang))]
    blocks.append(Paragraph(t(Msg("report.intro", {"organ": organ(report), "year": year}), lang)))
    blocks.append(h("measures", 1))
    if "cases_by_month" in charts and not chart_is_empty(charts["cases_by_month"]):
        blocks.append(Paragraph(t(Msg("report.measures_intro", {"year": year}), lang)))
    blocks += charts_at("intro")
    for n, section in enumerate(MEASURES, 1):
        name = t(Msg(f"report.s.{section}"), lang)
        blocks.append(Heading(t(Msg("report.h2", {"n": NUMERALS[n] if lang == "zh" else n, "name": name}), lang), 2))
        said = [sentence(f, lang) for f in figures if f["section"] == section]
        if not said:
            said = [Placeholder(t(Msg("report.todo.section", {"title": name}), lang))]
        blocks += said
        blocks += charts_at(section)
    known = {*MEASURES, "shortcomings"}
    blocks += [sentence(f, lang) for f in figures if f["section"] not in known]  # a section added later
    blocks += charts_at(END)

    blocks.append(h("shortcomings", 1))
    shortcomings = [sentence(f, lang) for f in figures if f["section"] == "shortcomings"]
    blocks += shortcomings or [Placeholder(t(Msg("report.todo.shortcomings"), lang))]
    blocks.append(Placeholder(t(Msg("report.todo.causes"), lang)))

    blocks.append(h("leaders", 1))
    for figure in figures:
        if figure.get("key") == STUDY_SESSIONS and figure["value"] is not None:
            fact = sentence(figure, lang)
            blocks.append(Paragraph(t(Msg("report.leaders_study", {"sentence": getattr(fact, "text", "")}), lang)))
    blocks.append(Placeholder(t(Msg("report.todo.leaders"), lang)))
    blocks.append(h("plans", 1, year=year + 1))
    blocks.append(Placeholder(t(Msg("report.todo.plans", {"year": year + 1}), lang)))
    blocks.append(h("other", 1))
    blocks.append(Placeholder(t(Msg("report.todo.other"), lang)))
    return blocks + appendix(report, lang)


STUDY_SESSIONS = "study.sessions"  # the figure of the organ's study sessions (docs/annual-report.md)


def appendix(report: Report, lang: str) -> list[Block]:
    """附录：数据来源: for each figure with ids, the records it counts; then how a year is
    counted, and when the report was generated."""
    cases = {c["id"]: c for c in report.get("cases") or []}
    activities = {a["id"]: a for a in report.get("activities") or []}
    items = {i["id"]: i for i in report.get("items") or []}
    hidden = t(Msg("report.not_listed"), lang)
    blocks: list[Block] = [Heading(t(Msg("report.h.appendix"), lang), 1)]
    blocks.append(Paragraph(t(Msg("report.sources_intro"), lang)))
    header = tuple(t(Msg(f"report.col.{c}"), lang) for c in ("id", "what", "date"))
    n = 0
    for figure in report.get("figures") or []:
        ids = figure.get("ids") or []
        if not ids:
            continue
        n += 1
        value = figure["value"]
        said = "" if value is None else f"{number(value)}{_unit(figure['unit'], value, lang)}"
        blocks.append(
            Heading(t(Msg("report.source", {"n": n, "title": figure["title"][lang], "value": said}), lang), 3)
        )
        of = figure.get("of")
        if of == "events":
            shown = labels.join((str(i) for i in ids), lang)
            blocks.append(Paragraph(t(Msg("report.events", {"ids": shown}), lang)))
            continue
        rows = []
        for i in ids:
            if of == "cases" and i in cases:
                case = cases[i]
                rows.append((str(i), str(case["title"]), labels.day(str(case["opened_on"]), lang)))
            elif of == "activities" and i in activities:
                a = activities[i]
                what = f"{labels.activity_kind(a['kind'], lang)} · {a['title']}"
                rows.append((str(i), what, labels.day(str(a["held_on"]), lang)))
            elif of == "items" and i in items:
                rows.append((str(i), str(items[i]["title"]), ""))
            else:
                rows.append((str(i), hidden, ""))
        blocks.append(Table(header, tuple(rows)))
    blocks.append(Heading(t(Msg("report.method_heading"), lang), 3))
    blocks.append(Paragraph(t(Msg("report.method"), lang)))
    if report.get("masked"):
        blocks.append(Paragraph(t(Msg("report.masked"), lang)))
    day = labels.day(str(report["generated_on"]), lang)
    blocks.append(Paragraph(t(Msg("report.generated", {"day": day}), lang)))
    return blocks
