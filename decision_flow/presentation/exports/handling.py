"""The opinion-handling document of a decision's meeting packet (意见采纳情况及理由, Decree 713
Art. 29), made from the officers' marks and attached to the consultation step as its evidence
through the normal audited path (``dflow record --attach``'s own code): A4 PDF on the audit
trail's pages and embedded fonts, in Chinese whatever the locale (it is for the packet), its words
from the message catalogue. It lists every opinion received, in order, with its mark and reason,
and the counts; never who gave one.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from decision_flow.core.errors import Blocked
from decision_flow.core.i18n import Msg, t
from decision_flow.engine import Engine, opinions, queries
from decision_flow.presentation import labels
from decision_flow.presentation.exports.pdf_pages import BOTTOM, GREY, LEFT, PT, RIGHT, TOP, A4Pages
from decision_flow.procedures import of as procedure_of

ZH = "zh"
COLUMNS = (
    ("handling.col.no", 12.0),
    ("handling.col.text", 92.0),
    ("handling.col.mark", 22.0),
    ("handling.col.reason", 54.0),
)
PAD = 1.5  # mm inside each cell
SIZE = 9.0


def attach(engine: Engine, decision_id: int, actor: str | None) -> dict[str, Any]:
    """Make the document from the marks and attach it to the case's consultation step (as its
    procedure names the evidence kind), as `actor`: refused while the period runs or while an
    opinion is unmarked. Returns the file's name and SHA-256 and the counts."""
    shown = opinions.page(engine, decision_id)
    if shown["today"] <= shown["closes_on"]:
        raise Blocked(Msg("opinion.handling_early", {"id": decision_id, "closes_on": shown["closes_on"]}))
    listed = opinions.listed(engine, decision_id, None)["opinions"]
    unmarked = [o for o in listed if o["mark"] is None]
    if unmarked:
        raise Blocked(Msg("opinion.handling_unmarked", {"id": decision_id, "count": len(unmarked)}))
    cons = procedure_of(queries.workflow_of(engine, decision_id)).consultation
    assert cons is not None  # opinions.page found the case's page
    with tempfile.TemporaryDirectory(prefix="dflow-handling-") as tmp:
        path = Path(tmp) / f"{t(Msg('handling.title', {}), ZH)}.pdf"
        with path.open("wb") as f:
            HandlingPDF(shown, f).render(listed, engine.now().astimezone(UTC))
        engine.record(decision_id, cons.step, [], [f"{cons.handling}={path}"], actor)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"decision": decision_id, "name": path.name, "sha256": sha, "received": shown["received"],
            "adopted": shown["adopted"]}  # fmt: skip


class HandlingPDF(A4Pages):
    """The document's A4 pages: its title, the case and period, the counts, then the table."""

    def __init__(self, shown: Mapping[str, Any], out: BinaryIO) -> None:
        super().__init__(out)
        self.shown, self.title = shown, t(Msg("handling.title", {}), ZH)
        self.in_table = False

    def header(self) -> None:
        self.draw(LEFT, 12, self.clean(f"{self.shown['title']} · {self.title}"), 8, GREY)
        self.line(LEFT, 14, self.w - RIGHT, 14, GREY)
        if self.in_table:
            self.heads()

    def footer(self, number: int, total: int) -> None:
        pages = t(Msg("handling.page", {"n": number, "total": total}), ZH)
        self.draw(LEFT + (self.width - self.measure(pages, 8)) / 2, self.h - BOTTOM + 15.3, pages, 8)

    def heads(self) -> None:
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
        self.row([t(Msg(key, {}), ZH) for key, _ in COLUMNS], rule=False)
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
        self.y += 0.6

    def row(self, cells: list[str], rule: bool = True) -> None:
        """One row, its cells wrapped to their columns (a long one goes on across pages)."""
        wrapped = [self.wrap(text, SIZE, width - 2 * PAD) for text, (_, width) in zip(cells, COLUMNS, strict=True)]
        step = SIZE * PT * 1.45
        height = max(len(lines) for lines in wrapped) * step + 2 * PAD
        if height <= self.h - BOTTOM - TOP - 20:
            self.need(height)
        self.y += PAD
        for k in range(max(len(lines) for lines in wrapped)):
            self.need(step + PAD)
            x = LEFT
            for lines, (_, width) in zip(wrapped, COLUMNS, strict=True):
                if k < len(lines):
                    self.draw(x + PAD, self.y + SIZE * PT * 1.05, lines[k], SIZE)
                x += width
            self.y += step
        self.y += PAD
        if rule:
            self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)

    def render(self, listed: list[Mapping[str, Any]], at: datetime) -> int:
        self.add_page()
        self.y = TOP + 4
        self.centred(self.clean(self.title), 16)
        self.y += 2
        shown = self.shown
        self.para(t(Msg("handling.case", {"id": shown["id"], "title": shown["title"]}), ZH), 10.5)
        period = {"from": labels.day(shown["opens_on"], ZH), "to": labels.day(shown["closes_on"], ZH)}
        self.para(t(Msg("handling.period", period), ZH), 10.5)
        self.para(t(Msg("handling.counts", {"received": shown["received"], "adopted": shown["adopted"]}), ZH), 10.5)
        self.y += 4
        self.need(20)
        self.in_table = True
        self.heads()
        for n, o in enumerate(listed, 1):
            self.row(
                [
                    str(n),
                    self.clean(" ".join(o["text"].split())),
                    labels.opinion_mark(o["mark"], ZH),
                    self.clean(" ".join((o["reason"] or "—").split())),
                ]
            )
        if not listed:
            self.para(t(Msg("handling.none", {}), ZH), SIZE, indent=PAD)
        self.in_table = False
        return self.finish(f"{shown['title']} {self.title}", at)
