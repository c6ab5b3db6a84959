"""The PDF export: A4, Chinese labels, every font embedded (and subset) from the package.

The pages, their text layer and the two shipped fonts are :mod:`.pdf_pages`'s; this module lays
out the audit trail on them, with the audit header and footer on every page.

Events are streamed from the database in batches and each page is written to the file as soon as
it is full, so the memory of a PDF export does not grow with the trail. The footer's page count
(第 N 页 共 M 页) is drawn once the last page is known, in a second content stream of each page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from decision_flow.presentation import labels
from decision_flow.presentation.exports.pdf_file import BLACK
from decision_flow.presentation.exports.pdf_pages import BOTTOM, GREY, LEFT, PT, RED, RIGHT, TOP, A4Pages
from decision_flow.presentation.exports.source import ZH, Event, Source


class AuditPDF(A4Pages):
    """The audit trail's A4 pages: the audit header and footer on every page."""

    def __init__(self, source: Source, out: BinaryIO) -> None:
        self.source = source
        super().__init__(out)

    def close(self) -> int:
        """Write the last page, every page's footer and the fonts; return the number of pages."""
        s = self.source
        return self.finish(f"{s.record_title} {s.case_word} {s.decision_id}", s.exported_at)

    def header(self) -> None:
        s = self.source
        label = f"{s.record_title}　{s.case_word}编号 {s.decision_id}　"
        title = self.clean(str(s.view["title"]))
        room = self.width - self.measure(label, 8)
        while title and self.measure(title, 8) > room:
            title = title[:-2] + "…"
        self.draw(LEFT, 12, self.clean(label) + title, 8, GREY)
        self.line(LEFT, 14, self.w - RIGHT, 14, GREY)

    def footer(self, number: int, total: int) -> None:
        s, y = self.source, self.h - BOTTOM + 6
        self.line(LEFT, y - 3.5, self.w - RIGHT, y - 3.5, GREY)
        self.draw(LEFT, y, f"审计链 {s.head_chain} 链头（共 {s.head_size} 条事件）哈希 {s.head_hash}", 7, GREY)
        self.draw(LEFT, y + 4, f"导出时间 {s.exported_utc} UTC　本地时间 {s.exported_local}", 7, GREY)
        pages = f"第 {number} 页 共 {total} 页"  # centred, on the baseline fpdf2's cell() gave it
        self.draw(LEFT + (self.width - self.measure(pages, 8)) / 2, y + 9.3, pages, 8)


def render(source: Source, out: BinaryIO, progress: Callable[[int, int], None]) -> tuple[int, int]:
    """Lay the document out and write it to `out` page by page; return the number of pages and
    the number of events."""
    pdf = AuditPDF(source, out)
    pdf.add_page()
    pdf.y = TOP + 2
    _cover(pdf, source)
    pdf.heading(f"二、{source.case_word}程序")
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
        pdf.para(f"{labels.word('event_hash', ZH)} {event.hash}", 6.5, indent=4, color=GREY)
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
    return pdf.close(), count


def write(source: Source, path: Path, progress: Callable[[int, int], None]) -> int:
    """Write the PDF of the decision's trail to `path`; return the number of events in it."""
    with path.open("wb") as f:
        return render(source, f, progress)[1]


def _cover(pdf: AuditPDF, source: Source) -> None:
    title = source.record_title
    pdf.draw((pdf.w - pdf.measure(title, 18)) / 2, pdf.y + 7, title, 18)
    pdf.y += 12
    pdf.para(str(source.view["title"]), 13)
    pdf.heading(f"一、{source.case_word}概况")
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
        pdf.para(f"{labels.word('evidence', ZH)} {kind}：{name}", 8.5, indent=9, keep=True)
        pdf.para(f"SHA-256 {sha}", 7, indent=13, color=GREY)
    for note in notes:
        pdf.para(note, 8.5, indent=9)


def _event(pdf: AuditPDF, event: Event) -> None:
    action = event.action_label
    head = f"#{event.seq}　{event.local}　{event.actor}　{action}　{event.where}"
    summary = pdf.wrap(event.summary, 8.5, pdf.width - 4) if event.summary else []
    pdf.need(9 * PT * 1.45 + len(summary) * 8.5 * PT * 1.45 + 6.5 * PT * 1.45 + 1)
    pdf.para(head, 9, color=RED if event.action == "refused" else BLACK)
    for line in summary:
        pdf.need(8.5 * PT * 1.45)
        pdf.draw(LEFT + 4, pdf.y + 8.5 * PT * 1.05, line, 8.5)
        pdf.y += 8.5 * PT * 1.45
    hashes = f"{labels.word('hash', ZH)} {event.hash}　{labels.word('prev_hash', ZH)} {event.prev_hash[:16]}…"
    pdf.para(hashes, 6.5, indent=4, color=GREY)
    pdf.y += 1


def _signature(pdf: AuditPDF) -> None:
    pdf.need(60)
    pdf.heading("五、审计签字")
    pdf.para("本记录由 decision-flow 自审计链导出，可用 dflow audit verify 复核链头哈希。", 9)
    pdf.y += 4
    for label in ("审计意见", "审计人员签字", "复核人员签字"):
        pdf.y += 9
        pdf.draw(LEFT, pdf.y, f"{label}：", 10)
        pdf.line(LEFT + 28, pdf.y + 0.8, LEFT + 110, pdf.y + 0.8, BLACK)
        if label != "审计意见":
            pdf.draw(LEFT + 115, pdf.y, "日期：　　　　年　　月　　日", 10)
    pdf.y += 4
