"""The CSV export: one row per event, UTF-8 with a byte-order mark so that spreadsheet software
in a Chinese locale reads it as UTF-8. Streamed one batch of events at a time."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from decision_flow.presentation.exports.source import Source

COLUMNS = ("seq", "at", "local_time", "actor", "action", "stage", "step", "summary", "data", "prev_hash", "hash")

# A cell a spreadsheet would read as a formula (CSV injection) gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """`text` as a cell no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write(source: Source, path: Path, progress: Callable[[int, int], None]) -> int:
    """Write the decision's events to `path`; return how many. `data` is the stored canonical
    JSON (the hashed form, untouched); `summary` is the readable Chinese line."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        rows = csv.writer(f)
        rows.writerow(COLUMNS)
        for e in source.stream():
            rows.writerow(
                (
                    e.seq,
                    e.at,
                    e.local,
                    cell(e.actor),
                    e.action,
                    e.stage or "",
                    e.step or "",
                    cell(e.summary),
                    e.data,
                    e.prev_hash,
                    e.hash,
                )
            )
            count += 1
            if count % 1000 == 0:
                progress(count, source.events)
    return count
