"""The annual report as PDF (年度报告 PDF 版): A4, on the audit trail's pages and embedded fonts
(:mod:`decision_flow.presentation.exports.pdf_pages`), the report's title in the top margin of
every page and 第 N 页 共 M 页 at the foot. Placeholders stand on a light yellow ground, as the
DOCX highlights them, so the officer finds every one; charts are embedded as pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from decision_flow.presentation.annual import charts
from decision_flow.presentation.annual.outline import (
    Block,
    Chart,
    Heading,
    Paragraph,
    Placeholder,
    Report,
    Table,
    Title,
    outline,
    title,
)
from decision_flow.presentation.exports.pdf_file import BLACK, Color
from decision_flow.presentation.exports.pdf_pages import BOTTOM, GREY, LEFT, PT, RIGHT, TOP, A4Pages

BODY = 10.5  # points: 五号, the body size of a Chinese official report
CELL = 9.0  # points: the appendix tables
YELLOW: Color = (255, 243, 176)
BROWN: Color = (120, 70, 0)
PAD = 1.2  # mm inside a placeholder's box and a table's cells
CHART_WIDTH = 170.0  # mm
COLUMNS = (18.0, 122.0, 40.0)  # the appendix tables: id, record, date (180 mm between the margins)


class ReportPDF(A4Pages):
    """The report's A4 pages: its title in the header, the page count in the footer."""

    def __init__(self, heading: str, lang: str, out: BinaryIO) -> None:
        super().__init__(out)
        self.heading_text, self.lang = heading, lang

    def header(self) -> None:
        self.draw(LEFT, 12, self.clean(self.heading_text), 8, GREY)
        self.line(LEFT, 14, self.w - RIGHT, 14, GREY)

    def footer(self, number: int, total: int) -> None:
        pages = f"第 {number} 页 共 {total} 页" if self.lang == "zh" else f"Page {number} of {total}"
        self.draw(LEFT + (self.width - self.measure(pages, 8)) / 2, self.h - BOTTOM + 15.3, pages, 8)

    # ------------------------------------------------------------------ blocks

    def body(self, text: str) -> None:
        """A paragraph of the body, its first line indented by two characters in Chinese."""
        self.para(("\u3000\u3000" if self.lang == "zh" else "") + text, BODY)
        self.y += 1.2

    def placeholder(self, text: str) -> None:
        """Text the officer writes, on a yellow ground, kept whole on one page."""
        step = BODY * PT * 1.45
        lines = self.wrap(text, BODY, self.width - 2 * PAD)
        height = len(lines) * step + 2 * PAD
        self.need(height)
        assert self.canvas is not None
        self.canvas.box(LEFT / PT, (self.h - self.y - height) / PT, self.width / PT, height / PT, YELLOW)
        self.y += PAD
        for line in lines:
            self.draw(LEFT + PAD, self.y + BODY * PT * 1.05, line, BODY, BROWN)
            self.y += step
        self.y += PAD + 1.5

    def chart(self, picture: charts.Picture) -> None:
        """A chart, centred, kept whole on one page: drawn a little smaller (down to 70%) rather
        than leave most of a page's foot empty."""
        width = CHART_WIDTH
        room = self.h - BOTTOM - self.y - 2
        if room < width * picture.height / picture.width:
            width = max(width * 0.7, room * picture.width / picture.height)
        height = width * picture.height / picture.width
        self.need(height + 2)
        name = self.file.image(picture.width, picture.height, picture.rgb)
        x = LEFT + (self.width - width) / 2
        assert self.canvas is not None
        self.canvas.image(name, x / PT, (self.h - self.y - height) / PT, width / PT, height / PT)
        self.y += height + 2

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A ruled table of three columns; its head repeats where it runs onto a new page."""
        self.need(self.height(header) + sum(self.height(cells) for cells in rows[:1]))  # the head and a row
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
        self.row(header, GREY)
        for cells in rows:
            if self.y + self.height(cells) > self.h - BOTTOM:
                self.add_page()
                self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
                self.row(header, GREY)
            self.row(cells)
        self.y += 2

    def wrapped(self, cells: Sequence[str]) -> list[list[str]]:
        return [self.wrap(text, CELL, width - 2 * PAD) for text, width in zip(cells, COLUMNS, strict=True)]

    def height(self, cells: Sequence[str]) -> float:
        return max(len(lines) for lines in self.wrapped(cells)) * CELL * PT * 1.45 + 2 * PAD

    def row(self, cells: Sequence[str], color: Color = BLACK) -> None:
        """One row of the table, its cells wrapped to their columns, and the rule under it."""
        step = CELL * PT * 1.45
        x = LEFT
        for lines, width in zip(self.wrapped(cells), COLUMNS, strict=True):
            for k, line in enumerate(lines):
                self.draw(x + PAD, self.y + PAD + k * step + CELL * PT * 1.05, line, CELL, color)
            x += width
        self.y += self.height(cells)
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)

    def block(self, block: Block) -> None:
        match block:
            case Title(text):
                self.y += 4
                for line in self.wrap(text, 16, self.width):
                    self.centred(line, 16)
                self.y += 4
            case Heading(text, 1):
                self.need(len(self.wrap(text, 12, self.width)) * 12 * PT * 1.45 + 20)  # never alone at a page's foot
                self.heading(text, 12)
            case Heading(text, 2):
                self.need(BODY * PT * 5)
                self.y += 1.5
                self.para(text, 11)
                self.y += 0.8
            case Heading(text, _):
                self.need(BODY * PT * 5)
                self.y += 1
                self.para(text, 10)
            case Paragraph(text):
                self.body(text)
            case Placeholder(text):
                self.placeholder(text)
            case Chart(_, _, data):
                self.chart(charts.draw(data, self.lang))
            case Table(header, rows):
                self.table(header, rows)


def render(report: Report, lang: str, out: BinaryIO) -> int:
    """Lay the report out in `lang` and write it to `out`; return the number of pages."""
    heading = title(report, lang)
    pdf = ReportPDF(heading, lang, out)
    pdf.add_page()
    pdf.y = TOP + 2
    for block in outline(report, lang):
        pdf.block(block)
    created = datetime.combine(date.fromisoformat(str(report["generated_on"])), datetime.min.time(), UTC)
    return pdf.finish(heading, created)


def write(report: Report, path: Path, lang: str) -> None:
    """Write the report's PDF to `path`."""
    with path.open("wb") as f:
        render(report, lang, f)


__all__ = ["ReportPDF", "render", "write"]
