#!/usr/bin/env python3
"""Export time and peak memory of the printable exports, at 2,000, 10,000 and 100,000 events.

For each size it builds one decision whose trail has that many events (created through the
engine, then realistic events — records with Chinese fields and evidence hashes, completions,
refusals with reasons, advances and returns — appended with decision_flow.trail.audit.append in one
transaction, to the chain of the decision's organ as the engine appends them; the built trail must
pass `dflow audit verify`, checked after the build is timed), then exports it as PDF, HTML, CSV and
JSON, each in a fresh child process, and prints:

  wall      seconds for export() alone (imports and start-up excluded)
  peak RSS  the child's peak resident memory (ru_maxrss), and the floor: a child that imports
            everything, loads both fonts and reads the decision, but exports nothing
  pages     the PDF's page count (read back with pypdf)

and at the end how much each format's peak RSS grew per 1,000 events from the smallest size to
the largest: a flat export stays near 0.

Usage: python benchmarks/export_pdf.py [--sizes 2000 10000 100000]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from decision_flow.engine import Engine

OFFICER, REVIEWER = "zhao", "qian"


def build(db_path: Path, events: int) -> int:
    """A database with one decision of `events` events; returns the decision's id."""
    from decision_flow.engine import Engine, users
    from decision_flow.identity.keys import KeyRing
    from decision_flow.store.db import Database
    from decision_flow.trail import audit

    engine = Engine(Database(f"sqlite:///{db_path}"), keys=KeyRing(directory=db_path.parent / "keys"))
    files = _evidence_files(engine, db_path.parent / f"{db_path.stem}-material")
    users.init(engine, "admin")
    users.add(engine, OFFICER, ["officer"], "admin")
    users.add(engine, REVIEWER, ["legal_reviewer"], "admin")
    decision = engine.new("沙河乡农贸市场搬迁及周边道路改造工程", "major-decision", [], OFFICER)
    assert decision.id is not None and decision.organ is not None  # the officer's organ, `main`
    start = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
    sign = engine.keys.signer(OFFICER).sign
    with engine.db.session() as s:
        for n in range(events - 1):
            at = (start + timedelta(minutes=7 * n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            action, stage, step, data = _event(n, files)
            audit.append(
                s,
                chain=decision.organ,  # a decision's events are in its organ's chain
                at=at,
                actor=OFFICER,
                action=action,
                decision=decision.id,
                stage=stage,
                step=step,
                data=data,
                sign=sign,
            )
        s.commit()
    engine.db.dispose()
    return decision.id


# The evidence a record names: files of these kinds and sizes, FILES of each in the evidence store.
EVIDENCE = {"notice": ("征求意见公告", 182_344), "opinion_handling": ("意见采纳情况", 40_960)}
FILES = 64


def _evidence_files(engine: Engine, directory: Path) -> dict[str, list[tuple[str, int]]]:
    """FILES files of each kind in EVIDENCE put in the database's evidence store, (sha256, size)
    each: what `dflow audit verify` re-hashes for the records that name them."""
    directory.mkdir()
    files: dict[str, list[tuple[str, int]]] = {}
    for kind, (title, size) in EVIDENCE.items():
        for k in range(FILES):
            path = directory / f"{kind}-{k}"
            path.write_bytes((f"{title}（第{k + 1}稿）\n" + "正文内容。" * (size // 3)).encode("utf-8")[:size])
            files.setdefault(kind, []).append(engine.store.put(path))
    shutil.rmtree(directory)
    return files


def _event(n: int, files: dict[str, list[tuple[str, int]]]) -> tuple[str, str, str | None, dict[str, Any]]:
    (notice, notice_size), (handling, handling_size) = (files[kind][n % FILES] for kind in EVIDENCE)
    kind = n % 6
    if kind in (0, 1):
        return (
            "recorded",
            "consultation",
            "public_participation",
            {
                "fields": {
                    "opened_on": "2024-04-01",
                    "closed_on": "2024-05-01",
                    "channels": ["乡政府网站", "公示栏", "村民代表会议"],
                    "opinions_received": 12 + n % 40,
                    "opinions_adopted": 5,
                },
                "evidence": [
                    {"kind": "notice", "name": f"征求意见公告-{n}.pdf", "sha256": notice, "size": notice_size},
                    {
                        "kind": "opinion_handling",
                        "name": f"意见采纳情况-{n}.docx",
                        "sha256": handling,
                        "size": handling_size,
                    },
                ],
            },
        )
    if kind == 2:
        return "completed", "consultation", "expert_review", {"marks": []}
    if kind == 3:
        return (
            "refused",
            "consultation",
            None,
            {
                "attempted": "advance",
                "args": {"to": "collective_decision"},
                "error": "blocked",
                "message": "cannot go to collective_decision: the decision is at consultation",
                "reasons": [
                    {"rule": "stage_order", "article": "Chs. 2–3", "detail": "only legality_review comes next"},
                    {"rule": "never_skip", "article": "Art. 25", "detail": "legality_review can never be skipped"},
                ],
            },
        )
    if kind == 4:
        return "advanced", "consultation", None, {"from": "consultation", "to": "legality_review"}
    reason = "合法性审查意见认为征求意见期限不足三十日，退回重新征求公众意见"
    return "returned", "legality_review", None, {"from": "legality_review", "to": "consultation", "reason": reason}


def child(db_path: Path, decision: int, fmt: str, out: Path) -> dict[str, Any]:
    """Run in a fresh process: one export (or the floor, or the PDF layout alone)."""
    from decision_flow.engine import Engine
    from decision_flow.presentation.exports import export, source, to_pdf
    from decision_flow.store.db import Database

    engine = Engine(Database(f"sqlite:///{db_path}"))
    result: dict[str, Any] = {}
    start = time.perf_counter()
    if fmt == "build":
        return {"decision": build(db_path, decision)}  # here `decision` is the number of events
    if fmt == "verify":  # every chain of the built trail, as `dflow audit verify --full` (nothing remembered)
        from decision_flow.engine import verification

        verdict = verification.verify(engine, full=True, remember=False)
        assert verdict.ok, verdict
        return {"events": verdict.events}
    if fmt == "floor":
        snap = source.snapshot(engine, decision)
        to_pdf.AuditPDF(snap, io.BytesIO())  # loads both fonts
    else:
        result["events"] = export(engine, decision, fmt, out)
        result["bytes"] = out.stat().st_size
    result["wall"] = time.perf_counter() - start
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if fmt == "pdf":  # read back only after the peak was taken
        result["pages"] = pages(out)
    return result


def run_child(db_path: Path, decision: int, fmt: str, out: Path) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(db_path), str(decision), fmt, str(out)]
    done = subprocess.run(args, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], Path(sys.argv[5]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10_000, 100_000])
    args = parser.parse_args()
    print(f"{'events':>7} {'format':<10} {'wall s':>7} {'peak RSS MB':>12} {'file MB':>8}  notes")
    peaks: dict[str, list[tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            db_path = Path(tmp) / f"bench{size}.db"
            started = time.perf_counter()
            # built in a child too: Linux keeps a process's peak RSS across fork and exec, so a
            # parent that grew (building, or reading a PDF back) would lend its peak to every child
            decision = run_child(db_path, size, "build", Path(tmp) / "none")["decision"]
            built = time.perf_counter() - started
            verified = run_child(db_path, decision, "verify", Path(tmp) / "none")["events"]
            print(f"{size:>7} {'(build)':<10} {built:7.1f} {'':>12} {'':>8}  trail verifies: {verified} events")
            floor = run_child(db_path, decision, "floor", Path(tmp) / "none")
            print(f"{size:>7} {'floor':<10} {floor['wall']:7.2f} {floor['rss_mb']:12.1f}")
            for fmt in ("pdf", "html", "csv", "json"):
                out = Path(tmp) / f"trail{size}.{fmt}"
                r = run_child(db_path, decision, fmt, out)
                note = f"{r['events']} events" + (f", {r['pages']} pages" if fmt == "pdf" else "")
                print(f"{size:>7} {fmt:<10} {r['wall']:7.2f} {r['rss_mb']:12.1f} {r['bytes'] / 2**20:8.2f}  {note}")
                peaks.setdefault(fmt, []).append((size, r["rss_mb"]))
                out.unlink()
    for fmt, runs in peaks.items():
        (small, low), (large, high) = min(runs), max(runs)
        if large > small:
            print(f"{fmt}: peak RSS grows {(high - low) / (large - small) * 1000:.2f} MB per 1,000 events")


def pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


if __name__ == "__main__":
    main()
