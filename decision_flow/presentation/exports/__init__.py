"""Printable and archivable exports of a decision's audit trail (审计记录导出):
PDF for printing, HTML for a browser, CSV for a spreadsheet, JSON for offline verification.

Each format is a module of this package with ``write(source, path, progress) -> int``; adding a
format is adding a module and a line to :data:`FORMATS`. Every export is written to a temporary
file beside the target and moved into place at the end, so a failed export leaves nothing.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from decision_flow.core.errors import Forbidden, InvalidInput, Reason
from decision_flow.core.i18n import Msg, os_error, t
from decision_flow.engine import Engine, queries
from decision_flow.engine.privacy import PRIVACY_ARTICLE
from decision_flow.presentation.exports.source import Source, snapshot

Progress = Callable[[int, int], None]
T = TypeVar("T")

# Format -> module of this package (imported when used: fontTools is not needed for a CSV).
FORMATS = {"pdf": "to_pdf", "html": "to_html", "csv": "to_csv", "json": None}


class Writer(Protocol):
    def __call__(self, source: Source, path: Path, progress: Progress) -> int: ...


def export(
    engine: Engine,
    decision_id: int,
    fmt: str,
    out: Path,
    progress: Progress | None = None,
    actor: str | None = None,
) -> int:
    """Write decision `decision_id`'s trail to `out` as `fmt` (pdf, html, csv or json) and return
    the number of events written. `progress(done, total)` is called now and then.

    Raises InvalidInput for an unknown format or an unwritable `out`, NotFound for an unknown
    decision, Forbidden when `actor` is named but not a registered, active user. Nothing is left
    at `out` (or beside it) unless the export succeeds.
    """
    if fmt not in FORMATS:
        raise InvalidInput(Msg("export.unknown_format", {"fmt": fmt, "known": ", ".join(FORMATS)}))
    out = Path(out)
    engine.db.require()
    queries.require_case_reader(engine, decision_id, actor)
    source = snapshot(engine, decision_id, actor)
    if fmt == "json" and source.hide:  # the verifiable copy cannot be masked: its hashes cover the data
        who = actor or t(Msg("privacy.no_reader", {}))
        msg = Msg("privacy.json_refused", {"id": decision_id, "organ": source.view.get("organ") or "—", "user": who})
        raise Forbidden(msg, [Reason("personal_information", PRIVACY_ARTICLE, msg)])
    report: Progress = progress or (lambda _done, _total: None)

    def write(tmp: Path) -> int:
        report(0, source.events)
        return _write(fmt, source, engine, tmp, report)

    written = atomically(out, write)
    report(written, written)
    return written


def atomically(out: Path, write: Callable[[Path], T]) -> T:
    """Call `write` on a new temporary file beside `out`, then give it `out`'s name, durably; on
    any failure nothing is left at `out` or beside it. InvalidInput when `out` is a directory or
    cannot be written."""
    if out.is_dir():
        raise InvalidInput(Msg("file.is_directory", {"path": str(out)}))
    tmp = _claim_temporary(out)
    try:
        result = write(tmp)
        try:
            with tmp.open("rb+") as f:  # durable before it takes the final name
                os.fsync(f.fileno())
            os.replace(tmp, out)
        except OSError as exc:
            raise InvalidInput(Msg("file.cannot_write", {"path": str(out), "why": os_error(exc)})) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return result


def _write(fmt: str, source: Source, engine: Engine, tmp: Path, progress: Progress) -> int:
    module = FORMATS[fmt]
    if module is None:  # JSON: the offline-verifiable trail file, written by decision_flow.trail.trailfile
        return queries.export_trail(engine, source.decision_id, tmp)
    writer: Writer = importlib.import_module(f"decision_flow.presentation.exports.{module}").write
    return writer(source, tmp, progress)


def _claim_temporary(out: Path) -> Path:
    """Create an empty temporary file beside `out` (same file system, so the final move is
    atomic), with the permissions an ordinary new file gets."""
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        tmp.open("xb").close()
    except OSError as exc:
        raise InvalidInput(Msg("file.cannot_write", {"path": str(out), "why": os_error(exc)})) from None
    return tmp


__all__ = ["FORMATS", "Progress", "atomically", "export"]
