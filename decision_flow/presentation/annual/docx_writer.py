"""The annual report as DOCX (年度报告 Word 版), for the officer to edit in Word or WPS before
publication: A4, the title centred, headings in 黑体 and the body in 宋体 (set as the East Asian
font, ``w:eastAsia``, which is what Word and WPS read for Chinese characters; the Latin font alone
would leave them to a fallback), the charts as inline pictures six inches wide, each appendix
list as a table, and every placeholder highlighted in yellow so none is left in by mistake.

python-docx is imported inside the functions only (``dflow --help`` never loads it). The file is
the same for the same report: its core properties come from the report (its title, the author
decision-flow, created on ``generated_on``), and the zip's entries carry that date rather than
the time of writing.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from decision_flow.presentation.annual import charts
from decision_flow.presentation.annual.outline import (
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

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
# Each style used, its East Asian font and size (points).
STYLES = {
    "Normal": (BODY_FONT, 10.5),
    "Title": (HEADING_FONT, 18),
    "Heading 1": (HEADING_FONT, 14),
    "Heading 2": (HEADING_FONT, 12),
    "Heading 3": (HEADING_FONT, 10.5),
}


def render(report: Report, lang: str) -> bytes:
    """The report as the bytes of a DOCX file, in `lang`."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.shared import Inches, Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin = section.bottom_margin = Mm(30)
    _fonts(doc)
    heading = title(report, lang)
    for block in outline(report, lang):
        match block:
            case Title(text):
                p = doc.add_heading(text, 0)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            case Heading(text, level):
                doc.add_heading(text, min(level, 3))
            case Paragraph(text):
                p = doc.add_paragraph(text)
                if lang == "zh":
                    p.paragraph_format.first_line_indent = Pt(21)  # two characters of 五号
            case Placeholder(text):
                run = doc.add_paragraph().add_run(text)
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            case Chart(_, _, data):
                picture = charts.draw(data, lang)
                doc.add_picture(io.BytesIO(picture.png), width=Inches(6))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            case Table(header, rows):
                _table(doc, header, rows)
    created = datetime.combine(date.fromisoformat(str(report["generated_on"])), datetime.min.time(), UTC)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = heading, "decision-flow", "decision-flow"
    props.created = props.modified = created
    props.revision, props.comments = 1, ""
    props.language = "zh-CN" if lang == "zh" else "en"
    out = io.BytesIO()
    doc.save(out)
    return _fixed_dates(out.getvalue(), created)


def _fonts(doc: Any) -> None:
    """宋体 for the body and 黑体 for the headings, as the East Asian font of each style (the theme
    fonts the template names are removed, or Word would read those first); headings in black."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    for name, (east_asian, size) in STYLES.items():
        style = doc.styles[name]
        style.font.name, style.font.size = LATIN_FONT, Pt(size)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:eastAsia"), east_asian)
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = rpr.makeelement(qn("w:lang"), {})
        rpr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")  # Chinese runs are Chinese to the spelling checker


def _table(doc: Any, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    """A table: the header through python-docx, each row a copy of one row made that way with its
    texts set (python-docx's cell access walks the table: an appendix of 30,000 rows took 110 s)."""
    from copy import deepcopy

    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = doc.add_table(rows=2, cols=len(header))
    table.style = "Table Grid"
    widths = (Mm(18), Mm(96), Mm(40))
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.width = widths[c] if c < len(widths) else cell.width
            cell.text = header[c] if r == 0 else "-"  # the second row: the pattern of every data row
            for run in cell.paragraphs[0].runs:
                run.font.bold = r == 0
    pattern = table.rows[1]._tr
    for texts in rows:
        tr = deepcopy(pattern)
        for node, text in zip(tr.iter(qn("w:t")), texts, strict=True):
            node.text = text
            node.set(qn("xml:space"), "preserve")
        pattern.addprevious(tr)
    pattern.getparent().remove(pattern)
    doc.add_paragraph()


def _fixed_dates(data: bytes, when: datetime) -> bytes:
    """The same zip with every entry dated `when` (python-docx dates them at the time of writing)."""
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            dst.writestr(info, src.read(entry.filename))
    return out.getvalue()


def write(report: Report, path: Path, lang: str) -> None:
    """Write the report's DOCX to `path`."""
    path.write_bytes(render(report, lang))
