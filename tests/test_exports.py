"""The printable exports of a decision's trail: PDF (text read back with pypdf, fonts checked for
embedding), HTML (escaping, every event), CSV (BOM, one row per event), and the errors that
leave nothing behind.

Expected events and hashes are read from the SQLite file with the standard library's sqlite3,
not through the engine, so the exports cannot vouch for themselves.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tracemalloc
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from decision_flow.core.errors import Blocked, InvalidInput, NotFound
from decision_flow.engine import Engine
from decision_flow.presentation.exports import export
from tests.flow import OFFICER, bring_to, new_decision
from tests.test_trailfile import append_raw

TITLE = '沙河乡农贸市场搬迁 <script>alert("x")</script> & 商户“安置” 📎'


def stored(engine: Engine, decision: int) -> list[dict[str, Any]]:
    """The decision's events as stored, in order."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        con.row_factory = sqlite3.Row
        rows = con.execute(
            "SELECT * FROM audit_events WHERE decision_id = ? ORDER BY decision_seq", (decision,)
        ).fetchall()
        return [dict(r) for r in rows]


def chain_head(engine: Engine, decision: int) -> tuple[str, int, str]:
    """The chain holding the decision's events (its organ's), its size and its head hash."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        (chain,) = con.execute("SELECT organ FROM decisions WHERE id = ?", (decision,)).fetchone()
        seq, digest = con.execute(
            "SELECT seq, hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1", (chain,)
        ).fetchone()
        return str(chain), int(seq), str(digest)


@pytest.fixture
def walked(engine: Engine, files: Path) -> int:
    """A decision with Chinese text, one refused skip, walked to legality review."""
    decision = new_decision(engine, title=TITLE)
    with pytest.raises(Blocked):
        engine.advance(decision, OFFICER, to="collective_decision")
    bring_to(engine, decision, "legality_review", files)
    return decision


@pytest.fixture
def pdf(engine: Engine, walked: int, tmp_path: Path) -> Iterator[tuple[PdfReader, int]]:
    out = tmp_path / "trail.pdf"
    count = export(engine, walked, "pdf", out)
    yield PdfReader(out), count


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


# ---------------------------------------------------------------------------- PDF


def test_pdf_has_the_title_the_events_and_the_refused_attempt(
    engine: Engine, walked: int, pdf: tuple[PdfReader, int]
) -> None:
    reader, count = pdf
    events = stored(engine, walked)
    assert count == len(events) > 10
    text = "\n".join(page_texts(reader))
    assert '沙河乡农贸市场搬迁 <script>alert("x")</script> & 商户“安置”' in text
    assert "[U+1F4CE]" in text  # a character neither font has is shown by its code point, not dropped
    assert "重大行政决策程序（县级以上人民政府）" in text  # the workflow's Chinese title
    refused = [e for e in events if e["action"] == "refused"]
    assert len(refused) == 1
    assert refused[0]["hash"] in text
    assert "试图推进阶段" in text and "[第25条]" in text  # what was attempted, and the article cited
    for event in events:
        assert event["hash"] in text
    assert "SHA-256 " in text and "审计人员签字" in text


def test_pdf_pages_carry_number_of_total_head_hash_and_export_time(
    engine: Engine, walked: int, pdf: tuple[PdfReader, int]
) -> None:
    reader, _ = pdf
    texts = page_texts(reader)
    total = len(texts)
    assert total >= 2
    chain, size, head = chain_head(engine, walked)
    stamps = set()
    for number, text in enumerate(texts, 1):
        assert f"第 {number} 页 共 {total} 页" in text
        assert f"审计链 {chain} 链头（共 {size} 条事件）哈希 {head}" in text
        found = re.search(r"导出时间 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) UTC", text)
        assert found is not None
        stamps.add(found.group(1))
    assert len(stamps) == 1


def test_a_long_pdf_is_written_page_by_page_and_counts_its_pages(engine: Engine, tmp_path: Path) -> None:
    decision = new_decision(engine)
    append_raw(engine, decision, 1500)
    out = tmp_path / "long.pdf"
    in_use: list[int] = []  # memory in use as the events are laid out (progress every 200 events)

    def progress(done: int, total: int) -> None:
        if 0 < done < total:
            in_use.append(tracemalloc.get_traced_memory()[0])

    tracemalloc.start()
    try:
        assert export(engine, decision, "pdf", out, progress) == 1500
    finally:
        tracemalloc.stop()
    reader = PdfReader(out)
    total = len(reader.pages)
    assert total > 100
    for number in (1, total // 2, total):
        assert f"第 {number} 页 共 {total} 页" in reader.pages[number - 1].extract_text()
    # 1,200 events (some hundred pages) later, no more memory in use: finished pages are in the
    # file, not kept for the page count (fpdf2 kept them, about 1.6 MB per 1,000 of these events).
    assert len(in_use) == 7
    assert in_use[-1] - in_use[0] < 512 * 1024, [m - in_use[0] for m in in_use]


def _font_descriptors(reader: PdfReader) -> Iterator[tuple[str, Any]]:
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                yield str(descendant["/BaseFont"]), descendant.get("/FontDescriptor")


def test_every_pdf_font_is_embedded(pdf: tuple[PdfReader, int]) -> None:
    reader, _ = pdf
    fonts = list(_font_descriptors(reader))
    assert any("DroidSansFallback" in name for name, _ in fonts)  # the Chinese text's font
    for name, descriptor in fonts:
        assert descriptor is not None, f"{name} has no font descriptor (a standard font, not embedded)"
        descriptor = descriptor.get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{name} is not embedded"


def test_pdf_is_a4(pdf: tuple[PdfReader, int]) -> None:
    reader, _ = pdf
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


# ---------------------------------------------------------------------------- HTML


def test_html_escapes_user_text_and_lists_every_event(engine: Engine, walked: int, tmp_path: Path) -> None:
    out = tmp_path / "trail.html"
    count = export(engine, walked, "html", out)
    page = out.read_text(encoding="utf-8")
    events = stored(engine, walked)
    assert count == len(events)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 商户“安置”" in page
    for event in events:
        assert event["hash"] in page
    assert chain_head(engine, walked)[2] in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "size: A4" in page and "审计人员签字" in page


# ---------------------------------------------------------------------------- CSV


def test_csv_has_a_bom_a_header_and_one_row_per_event(engine: Engine, walked: int, tmp_path: Path) -> None:
    out = tmp_path / "trail.csv"
    count = export(engine, walked, "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert header == [
        "seq", "at", "local_time", "actor", "action", "stage", "step", "summary", "data", "prev_hash", "hash",
    ]  # fmt: skip
    events = stored(engine, walked)
    assert count == len(rows) == len(events)
    for row, event in zip(rows, events, strict=True):
        record = dict(zip(header, row, strict=True))
        assert int(record["seq"]) == event["seq"]
        assert record["data"] == event["data"]  # the stored, hashed canonical JSON, untouched
        assert json.loads(record["data"]) == json.loads(event["data"])
        assert (record["at"], record["actor"], record["action"]) == (event["at"], event["actor"], event["action"])
        assert (record["prev_hash"], record["hash"]) == (event["prev_hash"], event["hash"])
    refused = [dict(zip(header, r, strict=True)) for r in rows if r[4] == "refused"]
    assert len(refused) == 1 and refused[0]["summary"].startswith("试图推进阶段：[第")


def test_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(engine: Engine, tmp_path: Path) -> None:
    decision = new_decision(engine, title='=HYPERLINK("http://example.invalid","点此")')
    out = tmp_path / "trail.csv"
    export(engine, decision, "csv", out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[1][7].startswith("'=HYPERLINK(")


# ---------------------------------------------------------------------------- JSON


def test_json_is_the_trail_file_with_every_event(engine: Engine, walked: int, tmp_path: Path) -> None:
    out = tmp_path / "out" / "trail.json"
    out.parent.mkdir()
    count = export(engine, walked, "json", out)
    events = stored(engine, walked)
    assert count == len(events)
    text = out.read_text(encoding="utf-8")
    for event in events:
        assert event["hash"] in text
    assert [p.name for p in out.parent.iterdir()] == [out.name]


# ---------------------------------------------------------------------------- errors


def test_progress_runs_up_to_the_event_count(engine: Engine, walked: int, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    count = export(engine, walked, "csv", tmp_path / "t.csv", lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, count) and calls[-1] == (count, count)


def test_unknown_format_is_invalid_and_writes_nothing(engine: Engine, walked: int, tmp_path: Path) -> None:
    out = tmp_path / "out" / "trail.docx"
    out.parent.mkdir()
    with pytest.raises(InvalidInput, match="unknown export format 'docx'"):
        export(engine, walked, "docx", out)
    assert list(out.parent.iterdir()) == []


def test_unknown_decision_is_not_found_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out" / "trail.pdf"
    out.parent.mkdir()
    with pytest.raises(NotFound):
        export(engine, 4242, "pdf", out)
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("where", ["under_a_file", "a_directory", "no_such_directory"])
def test_unwritable_output_is_invalid_in_one_line(engine: Engine, walked: int, tmp_path: Path, where: str) -> None:
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "folder").mkdir()
    out = {
        "under_a_file": tmp_path / "plain.txt" / "trail.pdf",
        "a_directory": tmp_path / "folder",
        "no_such_directory": tmp_path / "missing" / "trail.pdf",
    }[where]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(InvalidInput) as caught:
        export(engine, walked, "pdf", out)
    message = str(caught.value)
    assert message.startswith(f"cannot write {out}: ") and "\n" not in message
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


class Abort(Exception):
    """The caller gave up half-way (e.g. the user pressed Ctrl-C)."""


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv"])
def test_a_failed_export_leaves_the_old_file_and_no_temporary(
    engine: Engine, walked: int, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "out" / f"trail.{fmt}"
    out.parent.mkdir()
    out.write_text("the previous export")

    def stop(done: int, total: int) -> None:
        raise Abort

    with pytest.raises(Abort):
        export(engine, walked, fmt, out, stop)
    assert out.read_text() == "the previous export"
    assert [p.name for p in out.parent.iterdir()] == [out.name]
