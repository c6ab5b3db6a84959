"""The PDF export (fpdf2): A4, Chinese labels, every font embedded (and subset) from the package.

Two TrueType fonts ship in ``decision_flow/fonts``: DejaVu Sans for Latin letters, digits and
punctuation, and Droid Sans Fallback for Chinese (it has no Latin glyphs). Lines are wrapped and
split into runs per font here, and drawn with ``FPDF.text``: fpdf2's own ``multi_cell`` with
fallback fonts re-measures each line per character and costs about ten times as much.

Events are streamed from the database in batches; fpdf2 itself keeps each finished page's
content stream in memory until ``output`` (it needs the page count for 第 N 页 共 M 页), so the
memory of a PDF export grows with its page count, by roughly the size of the page contents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from decision_flow.exports.source import ACTIONS, Event, Source

LATIN, CJK = "latin", "cjk"
LEFT, RIGHT, TOP, BOTTOM = 15.0, 15.0, 20.0, 22.0  # mm; the header and footer sit in the margins
PT = 25.4 / 72  # mm per point
GREY, RED, BLACK = (110, 110, 110), (170, 0, 0), (0, 0, 0)


def _font(name: str) -> str:
    return str(resources.files("decision_flow") / "fonts" / name)


class AuditPDF(FPDF):
    """An A4 document with the audit header and footer on every page and a text layer of its own
    (wrap, measure, draw) over the two shipped fonts."""

    def __init__(self, source: Source) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.source = source
        self.add_font(LATIN, fname=_font("DejaVuSans.ttf"))
        self.add_font(CJK, fname=_font("DroidSansFallbackFull.ttf"))
        self.set_fallback_fonts([CJK], exact_match=False)  # used by cell(), for the page-count line
        self.set_auto_page_break(False)  # pages are broken here, line by line
        self.set_margins(LEFT, TOP, RIGHT)
        self.alias_nb_pages()
        self.set_title(f"重大行政决策审计记录 决策 {source.decision_id}")
        self.set_creator("decision-flow")
        self.set_lang("zh-CN")
        self.set_creation_date(source.exported_at)
        faces: dict[str, TTFFont] = {}
        for name in (LATIN, CJK):
            face = self.fonts[name]
            assert isinstance(face, TTFFont)
            faces[name] = face
        self._cmaps = {name: face.cmap for name, face in faces.items()}
        self._widths = {name: face.cw for name, face in faces.items()}
        self._glyph: dict[str, tuple[str, int]] = {}
        self.width = self.w - LEFT - RIGHT

    # ------------------------------------------------------------------ text layer

    def clean(self, text: str) -> str:
        """Text the fonts can draw: tabs become spaces, and a character neither font has (or a
        control character) is shown as its code point, e.g. [U+1F4CE], never as a blank box."""
        out = []
        for ch in text:
            if ch == "\t":
                out.append(" ")
            elif ch in self._glyph or (
                unicodedata.category(ch)[0] != "C" and any(ord(ch) in cmap for cmap in self._cmaps.values())
            ):
                out.append(ch)
            else:
                out.append(f"[U+{ord(ch):04X}]")
        return "".join(out)

    def glyph(self, ch: str) -> tuple[str, int]:
        """The font that draws `ch` (DejaVu first) and its advance in 1/1000 em."""
        found = self._glyph.get(ch)
        if found is None:
            font = LATIN if ord(ch) in self._cmaps[LATIN] else CJK
            found = self._glyph[ch] = (font, int(self._widths[font][ord(ch)]))
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
                    lines.append(para[start:cut].rstrip(" "))
                    start, space = cut, -1
                    used = sum(self.glyph(c)[1] for c in para[start:i])
                used += advance
                if ch == " ":
                    space = i
            lines.append(para[start:])
        return lines

    def draw(self, x: float, baseline: float, text: str, size: float, color: tuple[int, int, int] = BLACK) -> None:
        """Draw one line of clean text, switching font wherever the script changes."""
        self.set_text_color(*color)
        run, font = "", ""
        for ch in text:
            face = self.glyph(ch)[0]
            if face != font and run:
                x = self._run(x, baseline, run, font, size)
                run = ""
            run, font = run + ch, face
        if run:
            self._run(x, baseline, run, font, size)

    def _run(self, x: float, baseline: float, run: str, font: str, size: float) -> float:
        self.set_font(font, size=size)
        self.text(x, baseline, run)
        return x + self.measure(run, size)

    # ------------------------------------------------------------------ layout

    def need(self, height: float) -> None:
        """Start a new page unless `height` mm still fit above the footer."""
        if self.y + height > self.h - BOTTOM:
            self.add_page()
            self.set_y(TOP)

    def para(
        self, text: str, size: float = 9, indent: float = 0, color: tuple[int, int, int] = BLACK, keep: bool = False
    ) -> None:
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
        self.set_draw_color(*GREY)
        self.line(LEFT, self.y, self.w - RIGHT, self.y)
        self.y += 1.5

    def header(self) -> None:
        s = self.source
        label = f"重大行政决策审计记录　决策编号 {s.decision_id}　"
        title = self.clean(str(s.view["title"]))
        room = self.width - self.measure(label, 8)
        while title and self.measure(title, 8) > room:
            title = title[:-2] + "…"
        self.draw(LEFT, 12, self.clean(label) + title, 8, GREY)
        self.set_draw_color(*GREY)
        self.line(LEFT, 14, self.w - RIGHT, 14)

    def footer(self) -> None:
        s, y = self.source, self.h - BOTTOM + 6
        self.set_draw_color(*GREY)
        self.line(LEFT, y - 3.5, self.w - RIGHT, y - 3.5)
        self.draw(LEFT, y, f"审计链头（共 {s.head_size} 条事件）哈希 {s.head_hash}", 7, GREY)
        self.draw(LEFT, y + 4, f"导出时间 {s.exported_utc} UTC　本地时间 {s.exported_local}", 7, GREY)
        self.set_font(LATIN, size=8)
        self.set_text_color(*BLACK)
        self.set_xy(LEFT, y + 6.5)
        self.cell(self.width, 4, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")


def render(source: Source, progress: Callable[[int, int], None]) -> tuple[AuditPDF, int]:
    """Lay the whole document out; return it (not yet written) and the number of events."""
    pdf = AuditPDF(source)
    pdf.add_page()
    pdf.set_y(TOP + 2)
    _cover(pdf, source)
    pdf.heading("二、决策程序")
    for n, (stage, steps) in enumerate(source.stages(), 1):
        pdf.para(f"{n}. {stage}", 10.5, keep=True)
        for step in steps:
            _step(pdf, step.title, step.status, step.fields, step.evidence, step.notes)
    pdf.heading("三、被拒绝的操作")
    refused = 0
    for event in source.stream(refused_only=True):
        refused += 1
        pdf.para(f"#{event.seq}　{event.local}　{event.actor}　{event.where}", 9, color=RED, keep=True)
        pdf.para(event.summary, 9, indent=4)
        pdf.para(f"事件哈希 {event.hash}", 6.5, indent=4, color=GREY)
    if not refused:
        pdf.para("无。")
    pdf.heading("四、审计事件")
    count = 0
    for event in source.stream():
        _event(pdf, event)
        count += 1
        if count % 200 == 0:
            progress(count, source.events)
    _signature(pdf)
    return pdf, count


def write(source: Source, path: Path, progress: Callable[[int, int], None]) -> int:
    """Write the PDF of the decision's trail to `path`; return the number of events in it."""
    pdf, count = render(source, progress)
    with path.open("wb") as f:
        pdf.output(f)
    return count


def _cover(pdf: AuditPDF, source: Source) -> None:
    title = "重大行政决策审计记录"
    pdf.draw((pdf.w - pdf.measure(title, 18)) / 2, pdf.y + 7, title, 18)
    pdf.y += 12
    pdf.para(str(source.view["title"]), 13)
    pdf.heading("一、决策概况")
    for label, value in source.overview():
        top = pdf.y
        pdf.draw(LEFT, pdf.y + 9 * PT * 1.05, label, 9, GREY)
        lines = pdf.wrap(value, 9, pdf.width - 34)
        for line in lines:
            pdf.draw(LEFT + 34, pdf.y + 9 * PT * 1.05, line, 9)
            pdf.y += 9 * PT * 1.45
        pdf.y = max(pdf.y, top + 9 * PT * 1.45)


def _step(
    pdf: AuditPDF,
    title: str,
    status: str,
    fields: list[tuple[str, str]],
    evidence: list[tuple[str, str, str]],
    notes: list[str],
) -> None:
    pdf.para(f"{title}　【{status}】", 9.5, indent=4, keep=True)
    for name, value in fields:
        pdf.para(f"{name}：{value}", 8.5, indent=9)
    for kind, name, sha in evidence:
        pdf.para(f"材料 {kind}：{name}", 8.5, indent=9, keep=True)
        pdf.para(f"SHA-256 {sha}", 7, indent=13, color=GREY)
    for note in notes:
        pdf.para(note, 8.5, indent=9)


def _event(pdf: AuditPDF, event: Event) -> None:
    action = ACTIONS.get(event.action, event.action)
    head = f"#{event.seq}　{event.local}　{event.actor}　{action}　{event.where}"
    summary = pdf.wrap(event.summary, 8.5, pdf.width - 4) if event.summary else []
    pdf.need(9 * PT * 1.45 + len(summary) * 8.5 * PT * 1.45 + 6.5 * PT * 1.45 + 1)
    pdf.para(head, 9, color=RED if event.action == "refused" else BLACK)
    for line in summary:
        pdf.need(8.5 * PT * 1.45)
        pdf.draw(LEFT + 4, pdf.y + 8.5 * PT * 1.05, line, 8.5)
        pdf.y += 8.5 * PT * 1.45
    pdf.para(f"哈希 {event.hash}　前序 {event.prev_hash[:16]}…", 6.5, indent=4, color=GREY)
    pdf.y += 1


def _signature(pdf: AuditPDF) -> None:
    pdf.need(60)
    pdf.heading("五、审计签字")
    pdf.para("本记录由 decision-flow 自审计链导出，可用 dflow audit verify 复核链头哈希。", 9)
    pdf.y += 4
    for label in ("审计意见", "审计人员签字", "复核人员签字"):
        pdf.y += 9
        pdf.draw(LEFT, pdf.y, f"{label}：", 10)
        pdf.set_draw_color(*BLACK)
        pdf.line(LEFT + 28, pdf.y + 0.8, LEFT + 110, pdf.y + 0.8)
        if label != "审计意见":
            pdf.draw(LEFT + 115, pdf.y, "日期：　　　　年　　月　　日", 10)
    pdf.y += 4
