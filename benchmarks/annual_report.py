#!/usr/bin/env python3
"""The annual report at scale: `dflow report annual` counted, and written, on a county server's
database of many decisions (built as benchmarks/scale.py builds it: benchmarks/scale_build.py).

Prints, for the busiest year of the database: the cases the year holds, the median wall time of
counting the figures (the library call), of writing the DOCX and the PDF, and the peak memory
(tracemalloc) of the count.

Usage: python benchmarks/annual_report.py [--decisions 10000] [--events 300000] [--runs 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_build import build  # noqa: E402

from decision_flow.engine import Engine  # noqa: E402
from decision_flow.engine.annual import report  # noqa: E402
from decision_flow.identity.keys import KeyRing  # noqa: E402
from decision_flow.store.db import Database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dflow-annual-") as scratch:
        root = args.dir or Path(scratch)
        path = root / "big.db"
        events, seconds = build(path, args.decisions, args.events)
        print(f"built {args.decisions} decisions, {events} events in {seconds:.0f} s")
        with sqlite3.connect(path) as con:
            year, cases = con.execute(
                "SELECT substr(json_extract(fields, '$.start_approved_on'), 1, 4) AS y, count(*) FROM step_records"
                " WHERE step = 'initiation' AND active GROUP BY y ORDER BY 2 DESC LIMIT 1"
            ).fetchone()
        engine = Engine(Database(f"sqlite:///{path}"), keys=KeyRing(directory=root / "keys"))
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            found = report(engine, int(year), None, None, "zh")
            times.append(time.perf_counter() - t0)
        print(f"year {year}: {len(found['cases'])} cases ({cases} started that year), {len(found['figures'])} figures")
        print(f"count the figures: median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs")
        tracemalloc.start()
        report(engine, int(year), None, None, "zh")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"count the figures: peak {peak / 2**20:.1f} MiB (tracemalloc)")
        try:
            from decision_flow.presentation.annual import write
        except ImportError:
            return
        for suffix in (".docx", ".pdf"):
            out = root / f"annual{suffix}"
            t0 = time.perf_counter()
            size = write(found, out, "zh")
            print(f"write {suffix[1:].upper()}: {(time.perf_counter() - t0) * 1000:.0f} ms, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
