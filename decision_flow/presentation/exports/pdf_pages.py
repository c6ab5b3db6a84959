"""A4 pages of Chinese text (中文 A4 版面), laid out in mm from the top left as on paper, over a
:class:`~decision_flow.presentation.exports.pdf_file.PdfFile` written page by page.

Two TrueType fonts ship in ``decision_flow/fonts``: DejaVu Sans for Latin letters, digits and
punctuation, and Droid Sans Fallback for Chinese (it has no Latin glyphs). Lines are wrapped and
split into runs per font here. A document (the audit trail, the decision-item catalogue)
subclasses :class:`A4Pages` and draws its own header and footer.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from importlib import resources
from typing import BinaryIO

from decision_flow.presentation.exports.pdf_file import BLACK, Canvas, Color, Face, PdfFile

LATIN, CJK = "latin", "cjk"
LEFT, RIGHT, TOP, BOTTOM = 15.0, 15.0, 20.0, 22.0  # mm; the header and footer sit in the margins
PT = 25.4 / 72  # mm per point
A4 = (210.0, 297.0)  # mm
GREY: Color = (110, 110, 110)
RED: Color = (170, 0, 0)
CLOSING = frozenset("》）」』】〕，。、；：！？”’)]}.,;:!?")  # what Chinese typesetting never puts at a line's start


def _font(name: str) -> str:
    return str(resources.files("decision_flow") / "fonts" / name)


class A4Pages:
    """A4 pages with a text layer of their own (wrap, measure, draw) over the two shipped fonts;
    `header` is drawn on each page as it starts, `footer` on every page once the count is known."""

    w, h = A4

    def __init__(self, out: BinaryIO) -> None:
        self.faces = {LATIN: Face(_font("DejaVuSans.ttf")), CJK: Face(_font("DroidSansFallbackFull.ttf"))}
        self.file = PdfFile(out, (self.w / PT, self.h / PT), list(self.faces.values()))
        self.canvas: Canvas | None = None
        self._glyph: dict[str, tuple[str, int]] = {}
        self.width = self.w - LEFT - RIGHT
        self.y = TOP

    # ------------------------------------------------------------------ what a document draws

    def header(self) -> None:
        """Drawn on each new page as it starts, in the top margin; it may draw below `TOP` too
        (e.g. a table's column heads), moving `y` past what it drew."""

    def footer(self, number: int, total: int) -> None:
        """Drawn on page `number` of `total` once the last page is known (nothing by default)."""

    # ------------------------------------------------------------------ text layer

    def clean(self, text: str) -> str:
        """Text the fonts can draw: tabs become spaces, and a character neither font has (or a
        control character) is shown as its code point, e.g. [U+1F4CE], never as a blank box."""
        out = []
        for ch in text:
            if ch == "\t":
                out.append(" ")
            elif ch in self._glyph or (
                unicodedata.category(ch)[0] != "C" and any(ord(ch) in f.glyphs for f in self.faces.values())
            ):
                out.append(ch)
            else:
                out.append(f"[U+{ord(ch):04X}]")
        return "".join(out)

    def glyph(self, ch: str) -> tuple[str, int]:
        """The font that draws `ch` (DejaVu first) and its advance in 1/1000 em."""
        found = self._glyph.get(ch)
        if found is None:
            font = LATIN if ord(ch) in self.faces[LATIN].glyphs else CJK
            found = self._glyph[ch] = (font, self.faces[font].glyphs[ord(ch)][1])
        return found

    def measure(self, text: str, size: float) -> float:
        return sum(self.glyph(ch)[1] for ch in text) * size * PT / 1000

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Clean `text` and break it into lines no wider than `width` mm: at a space where a line
        has one (Latin words), anywhere otherwise (Chinese, hashes)."""
        limit = width * 1000 / (size * PT)
        lines: list[str] = []
        for para in self.clean("\n".join(text.splitlines())).split("\n"):
            start, used, space = 0, 0, -1
            for i, ch in enumerate(para):
                advance = self.glyph(ch)[1]
                if used + advance > limit and i > start:
                    cut = space + 1 if space > start else i
                    if cut == i and ch in CLOSING and i - 1 > start:  # 》 or ， never starts a line: its char goes too
                        cut = i - 1
                    lines.append(para[start:cut].rstrip(" "))
                    start, space = cut, -1
                    used = sum(self.glyph(c)[1] for c in para[start:i])
                used += advance
                if ch == " ":
                    space = i
            lines.append(para[start:])
        return lines

    def draw(self, x: float, baseline: float, text: str, size: float, color: Color = BLACK) -> None:
        """Draw one line of clean text, switching font wherever the script changes."""
        run, font = "", ""
        for ch in text:
            face = self.glyph(ch)[0]
            if face != font and run:
                x = self._run(x, baseline, run, font, size, color)
                run = ""
            run, font = run + ch, face
        if run:
            self._run(x, baseline, run, font, size, color)

    def _run(self, x: float, baseline: float, run: str, font: str, size: float, color: Color) -> float:
        assert self.canvas is not None
        self.canvas.text(x / PT, (self.h - baseline) / PT, self.faces[font], size, run, color)
        return x + self.measure(run, size)

    def line(self, x1: float, y1: float, x2: float, y2: float, color: Color) -> None:
        assert self.canvas is not None
        self.canvas.line(x1 / PT, (self.h - y1) / PT, x2 / PT, (self.h - y2) / PT, color)

    # ------------------------------------------------------------------ layout

    def add_page(self) -> None:
        """Write the page drawn so far and start the next, with its header."""
        if self.canvas is not None:
            self.file.end_page(self.canvas)
        self.canvas = self.file.new_page()
        self.y = TOP
        self.header()

    def finish(self, title: str, created: datetime) -> int:
        """Write the last page, every page's footer and the fonts; return the number of pages."""
        if self.canvas is not None:
            self.file.end_page(self.canvas)

        def footer(canvas: Canvas, number: int, total: int) -> None:
            self.canvas = canvas
            self.footer(number, total)

        self.file.close(footer, title, created)
        self.canvas = None
        return self.file.pages

    def need(self, height: float) -> None:
        """Start a new page unless `height` mm still fit above the footer."""
        if self.y + height > self.h - BOTTOM:
            self.add_page()

    def para(self, text: str, size: float = 9, indent: float = 0, color: Color = BLACK, keep: bool = False) -> None:
        """A wrapped paragraph; with `keep` it moves whole to the next page rather than split."""
        step = size * PT * 1.45
        lines = self.wrap(text, size, self.width - indent)
        if keep:
            self.need(step * len(lines))
        for line in lines:
            self.need(step)
            self.draw(LEFT + indent, self.y + size * PT * 1.05, line, size, color)
            self.y += step

    def heading(self, text: str, size: float = 12) -> None:
        self.need(size * PT * 4)
        self.y += size * PT * 0.6
        self.para(text, size)
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
        self.y += 1.5

    def centred(self, text: str, size: float) -> None:
        """One line of clean text centred across the page, at the current position."""
        self.draw((self.w - self.measure(text, size)) / 2, self.y + size * PT * 1.05, text, size)
        self.y += size * PT * 1.45


class TablePages(A4Pages):
    """A4 pages holding a table whose column heads repeat at the top of every page it runs onto
    (the published catalogue, the opinion-handling document): a running title and rule at the
    top of each page, the page count centred at the foot. `columns` are (key, width in mm), the
    widths filling the 180 mm between the margins; `heads` names them."""

    columns: tuple[tuple[str, float], ...] = ()
    size = 9.0  # the table's type size, in points
    pad = 1.5  # mm inside each cell

    def __init__(self, out: BinaryIO, running: str) -> None:
        super().__init__(out)
        self.running = running
        self.in_table = False  # while a table is being drawn, a new page starts with its heads

    def heads(self) -> list[str]:
        """The column heads, in the order of `columns`."""
        raise NotImplementedError

    def page_label(self, number: int, total: int) -> str:
        return f"第 {number} 页 共 {total} 页"

    def header(self) -> None:
        self.draw(LEFT, 12, self.clean(self.running), 8, GREY)
        self.line(LEFT, 14, self.w - RIGHT, 14, GREY)
        if self.in_table:
            self.draw_heads()

    def footer(self, number: int, total: int) -> None:
        pages = self.page_label(number, total)
        self.draw(LEFT + (self.width - self.measure(pages, 8)) / 2, self.h - BOTTOM + 15.3, pages, 8)

    def draw_heads(self) -> None:
        """The column heads, between two rules."""
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
        self.row(self.heads(), rule=False)
        self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)
        self.y += 0.6

    def row(self, cells: list[str], rule: bool = True) -> None:
        """One row, its cells wrapped to their columns; a row that fits on a page is never split,
        a longer one goes on line by line (the heads repeat on the next page)."""
        size, pad = self.size, self.pad
        wrapped = [self.wrap(text, size, width - 2 * pad) for text, (_, width) in zip(cells, self.columns, strict=True)]
        step = size * PT * 1.45
        height = max(len(lines) for lines in wrapped) * step + 2 * pad
        if height <= self.h - BOTTOM - TOP - 20:
            self.need(height)
        self.y += pad
        for k in range(max(len(lines) for lines in wrapped)):
            self.need(step + pad)
            x = LEFT
            for lines, (_, width) in zip(wrapped, self.columns, strict=True):
                if k < len(lines):
                    self.draw(x + pad, self.y + size * PT * 1.05, lines[k], size)
                x += width
            self.y += step
        self.y += pad
        if rule:
            self.line(LEFT, self.y, self.w - RIGHT, self.y, GREY)

    def table(self, rows: list[list[str]]) -> None:
        """The whole table: its heads, then each row, the heads repeated on every new page."""
        self.in_table = True
        self.draw_heads()
        for cells in rows:
            self.row(cells)
        self.in_table = False
