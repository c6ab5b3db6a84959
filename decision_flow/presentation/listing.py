"""``dflow list``: the cases as a table, drawn without rich when it fits the screen
(:mod:`decision_flow.presentation.grid`), by rich when a cell must be folded."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from decision_flow.core.i18n import language
from decision_flow.presentation import grid, labels

if TYPE_CHECKING:
    from decision_flow.definition.workflow import Workflow


def decisions(rows: Iterable[Mapping[str, Any]]) -> None:
    """`dflow list`: a decision's stage as the English reader types it (`--stage`), in Chinese by its title."""
    zh = language() == "zh"  # in English the stage's name, as typed back (--stage), with no workflow read
    cells = [
        [
            str(row["id"]),
            row["title"],
            labels.stage(None, row["stage"]) if zh else row["stage"],
            labels.status(row["status"]),
        ]
        for row in rows
    ]
    table([labels.word(key) for key in ("id", "title", "stage", "status")], cells)


def ledger(wf: Workflow, rows: Iterable[Mapping[str, Any]]) -> None:
    """The cases of one workflow as its procedure's ledger (台账): each column it declares,
    between the title and the stage; values as a person reads them (enum values by their label)."""
    from decision_flow.procedures import of as procedure_of

    columns = procedure_of(wf).ledger
    if not columns:
        decisions(rows)
        return
    lang, word = language(), labels.word
    headers = [word("id"), word("title"), *(c.title.get(lang) for c in columns), word("stage"), word("status")]
    cells = []
    for row in rows:
        shown = ["—" if row.get(c.key) is None else labels.value(wf, c.step, c.field, row.get(c.key)) for c in columns]
        cells.append(
            [str(row["id"]), row["title"], *shown, labels.stage(wf, row["stage"]), labels.status(row["status"])]
        )
    table(headers, cells)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table of literal cells: drawn here when it fits, else by rich (which folds the cells)."""
    drawn = grid.draw(headers, rows)
    if drawn is not None:
        sys.stdout.write(drawn)
        return
    from decision_flow.presentation import render

    render.table_of(headers, rows)
