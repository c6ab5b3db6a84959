"""An organ's decision-item catalogue for publication (决策事项目录公布稿), as PDF or CSV: the items still
listed (a removed one is not published), each with its undertaking unit, planned date and basis,
and the same-level Party committee's consent. Both are in Chinese whatever the locale, as the
audit-trail exports are.

- PDF: A4, on the audit trail's pages and embedded fonts (:mod:`.pdf_pages`): the title, a table
  whose column heads repeat on every page, and the consent line at the end. A catalogue without
  the consent recorded says so in red under its title: it may not be published (Art. 3).
- CSV: UTF-8 **with** a byte-order mark, as the trail's CSV export writes it: Excel on a Chinese
  Windows reads a CSV without one as GBK and garbles every character, while WPS and LibreOffice
  read it either way. The header row is in Chinese (it is for publication, not for a program:
  the JSON of ``dflow catalogue show`` keeps the machine names); one row per item, dates as
  YYYY-MM-DD (what every spreadsheet reads as a date), and the consent and the publication date
  in every row, so a row cut, sorted or filtered out of the sheet still carries them. A cell
  that a spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.engine import Engine, catalogue
from decision_flow.presentation import labels
from decision_flow.presentation.exports import atomically
from decision_flow.presentation.exports.pdf_pages import RED, TOP, TablePages
from decision_flow.presentation.exports.to_csv import cell

FORMATS = ("pdf", "csv")
ZH = "zh"
# The PDF table: (column, its width in mm); the widths fill the 180 mm between the margins.
COLUMNS = (("seq", 12.0), ("matter", 50.0), ("unit", 36.0), ("planned", 30.0), ("basis", 52.0))
CSV_COLUMNS = ("seq", "matter", "unit", "planned", "basis", "item", "consent_body", "consent_on", "published_on")


def export(engine: Engine, year: int | str, organ: str, fmt: str, out: Path, actor: str | None = None) -> int:
    """Write organ `organ`'s catalogue of `year` to `out` as `fmt` (pdf or csv), read as `actor`
    (optional); return how many items it lists. Nothing is left at `out` unless it succeeds."""
    if fmt not in FORMATS:
        raise InvalidInput(Msg("export.unknown_format", {"fmt": fmt[:20], "known": ", ".join(FORMATS)}))
    view = catalogue.show(engine, year, organ, actor)
    (cat,) = view["catalogues"]
    listed = [item for item in cat["items"] if item["removed"] is None]
    at = engine.now().astimezone(UTC)

    def write(tmp: Path) -> None:
        if fmt == "csv":
            _csv(cat, listed, tmp)
        else:
            with tmp.open("wb") as f:
                CataloguePDF(cat, view["year"], f).render(listed, at)

    atomically(Path(out), write)
    return len(listed)


def title(cat: Mapping[str, Any], year: int) -> str:
    """What the published catalogue is called: 沙河乡人民政府2025年度重大行政决策事项目录."""
    return f"{cat['organ_name']}{year}年度重大行政决策事项目录"


def consent_line(cat: Mapping[str, Any]) -> str:
    """The sentence under the table: who consented when, and when it was published."""
    consent, published = cat["consent"], cat["published_on"]
    if consent is None:
        return "本目录尚未经同级党委同意，不得公布（《重大行政决策程序暂行条例》第三条）。"
    said = f"本目录经{consent['body']}于{labels.day(consent['on'], ZH)}同意"
    return said + (f"，于{labels.day(published, ZH)}公布。" if published else "，尚未公布。")


# ---------------------------------------------------------------------------- CSV


def _csv(cat: Mapping[str, Any], listed: list[Mapping[str, Any]], path: Path) -> None:
    consent = cat["consent"] or {}
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        rows = csv.writer(f)
        rows.writerow([labels.word(key, ZH) for key in CSV_COLUMNS])
        for n, item in enumerate(listed, 1):
            rows.writerow(
                (
                    n,
                    cell(item["title"]),
                    cell(item["undertaking_unit"]),
                    item["planned_on"],
                    cell(item["basis"]),
                    item["id"],
                    cell(consent.get("body") or ""),
                    consent.get("on") or "",
                    cat["published_on"] or "",
                )
            )


# ---------------------------------------------------------------------------- PDF


class CataloguePDF(TablePages):
    """The catalogue's A4 pages: its title, then a table whose column heads repeat on every page."""

    columns = COLUMNS

    def __init__(self, cat: Mapping[str, Any], year: int, out: BinaryIO) -> None:
        self.cat, self.title = cat, title(cat, year)
        super().__init__(out, self.title)

    def heads(self) -> list[str]:
        return [labels.word(key, ZH) for key, _ in COLUMNS]

    def render(self, listed: list[Mapping[str, Any]], at: datetime) -> int:
        """Lay the catalogue out and write it; return the number of pages."""
        self.add_page()
        self.y = TOP + 4
        for line in self.wrap(self.title, 16, self.width):
            self.centred(line, 16)
        self.y += 2
        if self.cat["consent"] is None:
            self.para("（草案：尚未经同级党委同意）", 10, color=RED)
        self.y += 4
        self.need(20)  # the heads and a first row together
        self.table(
            [
                [
                    str(n),
                    item["title"],
                    item["undertaking_unit"],
                    labels.day(item["planned_on"], ZH),
                    item["basis"] or "—",
                ]
                for n, item in enumerate(listed, 1)
            ]
        )
        if not listed:
            self.para("（本目录没有事项。）", self.size, indent=self.pad)
        self.y += 6
        self.para(consent_line(self.cat), 10.5, keep=True)
        return self.finish(self.title, at)
