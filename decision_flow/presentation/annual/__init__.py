"""The annual rule-of-law report (法治政府建设年度报告, Inspection Rules Art. 24) written from the
report dict ``dflow report annual --json`` gives (docs/annual-report.md): DOCX for the officer to
edit before publication, PDF with its fonts embedded as the audit trail's.

:mod:`.outline` turns the dict into the fixed outline's blocks, :mod:`.charts` draws its charts,
and :mod:`.docx_writer` and :mod:`.pdf_writer` lay the blocks out; python-docx and matplotlib are
imported only while a report is written.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.presentation.annual.outline import Report
from decision_flow.presentation.exports import atomically

# File suffix -> the module of this package that writes it.
WRITERS = {".docx": "docx_writer", ".pdf": "pdf_writer"}


def check_target(out: Path) -> str:
    """The writer module for `out`, by its suffix; InvalidInput naming the two known otherwise
    (checked before anything is counted)."""
    module = WRITERS.get(Path(out).suffix.lower())
    if module is None:
        raise InvalidInput(
            Msg("report.unknown_format", {"suffix": Path(out).suffix[:20], "known": " / ".join(WRITERS)})
        )
    return module


def write(report: Report, out: Path, lang: str) -> int:
    """Write `report` (the shape of docs/annual-report.md) to `out` in `lang` ("zh" or "en"), as
    DOCX or PDF by `out`'s suffix; return the number of bytes written.

    The file is written beside `out` under a temporary name and takes `out`'s name only when
    complete, so nothing half-written is ever left. Raises InvalidInput for another suffix, or
    when `out` is a directory or cannot be written."""
    out = Path(out)
    writer = importlib.import_module(f"decision_flow.presentation.annual.{check_target(out)}")

    def written(tmp: Path) -> int:
        writer.write(report, tmp, "zh" if lang == "zh" else "en")
        return tmp.stat().st_size

    return atomically(out, written)


__all__ = ["WRITERS", "check_target", "write"]
