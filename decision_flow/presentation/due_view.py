"""What `dflow due` prints: one line per item, soonest first (the due date, the working days
left or overdue, the case, what is due and its article), or one JSON document. Every word is a
message of the catalogue, and a case's steps and fields are named in its workflow's words."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from decision_flow.core.i18n import Msg, article, language, t
from decision_flow.engine.due import Agenda, Due
from decision_flow.presentation import labels
from decision_flow.presentation.render import out


def what(item: Due, lang: str | None = None) -> str:
    """What is due, in the reader's words (a step's and its fields' titles in Chinese)."""
    return labels.message(item.what, item.workflow, item.detail.get("step"), lang)


def left(item: Due, today: date, lang: str | None = None) -> str:
    """The working days left, or how far overdue, or why they cannot be counted."""
    if item.left is None:
        return t(Msg("due.uncounted", {"year": item.uncovered}), lang)
    if item.overdue:
        key = {0: "due.overdue_now", -1: "due.overdue_one"}.get(item.left, "due.overdue")
        return t(Msg(key, {"days": -item.left}), lang)
    if item.due_on is not None and item.due_on == today:
        return t(Msg("due.today"), lang)
    return t(Msg("due.left_one" if item.left == 1 else "due.left", {"days": item.left}), lang)


def case(item: Due, lang: str | None = None) -> str:
    """The case an item belongs to, with its organ (a catalogue item without one: the item)."""
    organ = item.organ_name or item.organ
    if item.case is None:
        return t(Msg("due.no_case", {"title": item.title, "organ": organ}), lang)
    return t(Msg("due.case", {"id": item.case, "title": item.title, "organ": organ}), lang)


def lines(agenda: Agenda, lang: str | None = None) -> list[tuple[str, bool]]:
    """The lines `dflow due` prints, each with whether it is overdue; columns padded to align."""
    lang = lang or language()
    if not agenda.items:
        return [(t(Msg("due.none", {"today": agenda.today}), lang), False)]
    days = [item.due_on.isoformat() if item.due_on else t(Msg("due.no_date"), lang) for item in agenda.items]
    lefts = [left(item, agenda.today, lang) for item in agenda.items]
    wide_day, wide_left = max(map(cell_len, days)), max(map(cell_len, lefts))
    found = [(t(Msg("due.header", {"today": agenda.today}), lang), False)]
    for item, day, gone in zip(agenda.items, days, lefts, strict=True):
        cited = article(item.article, lang)
        text = f"{_pad(day, wide_day)}  {_pad(gone, wide_left)}  {case(item, lang)} — {what(item, lang)} [{cited}]"
        found.append((text, item.overdue))
    return found


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def show(agenda: Agenda) -> None:
    """Print the agenda; overdue lines in bold red."""
    for text, overdue in lines(agenda):
        out.print(Text(text, style="bold red" if overdue else ""))


def as_json(agenda: Agenda) -> dict[str, Any]:
    """The agenda as `dflow due --json` prints it: `what` in the reader's language, the rest
    machine names and ISO dates."""
    return {
        "today": agenda.today.isoformat(),
        "within_days": agenda.within,
        "items": [
            {
                "due_on": item.due_on.isoformat() if item.due_on else None,
                "working_days_left": item.left,
                "overdue": item.overdue,
                "source": item.source,
                "what": what(item),
                "article": item.article,
                "id": item.case,
                "title": item.title,
                "organ": item.organ,
                "organ_name": item.organ_name,
                **item.detail,
                "calendar_missing": item.uncovered if item.left is None else None,
            }
            for item in agenda.items
        ],
    }
