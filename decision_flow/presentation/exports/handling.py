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
from decision_flow.presentation.exports.pdf_pages import TOP, TablePages
from decision_flow.procedures import of as procedure_of

ZH = "zh"
COLUMNS = (
    ("handling.col.no", 12.0),
    ("handling.col.text", 92.0),
    ("handling.col.mark", 22.0),
    ("handling.col.reason", 54.0),
)


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


class HandlingPDF(TablePages):
    """The document's A4 pages: its title, the case and period, the counts, then the table."""

    columns = COLUMNS

    def __init__(self, shown: Mapping[str, Any], out: BinaryIO) -> None:
        self.shown, self.title = shown, t(Msg("handling.title", {}), ZH)
        super().__init__(out, f"{shown['title']} · {self.title}")

    def heads(self) -> list[str]:
        return [t(Msg(key, {}), ZH) for key, _ in COLUMNS]

    def page_label(self, number: int, total: int) -> str:
        return t(Msg("handling.page", {"n": number, "total": total}), ZH)

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
        self.table(
            [
                [
                    str(n),
                    self.clean(" ".join(o["text"].split())),
                    labels.opinion_mark(o["mark"], ZH),
                    self.clean(" ".join((o["reason"] or "—").split())),
                ]
                for n, o in enumerate(listed, 1)
            ]
        )
        if not listed:
            self.para(t(Msg("handling.none", {}), ZH), self.size, indent=self.pad)
        return self.finish(f"{shown['title']} {self.title}", at)
