#!/usr/bin/env python3
"""Reads at scale: list, show and one decision's trail on a big database against a small one.

Builds two real SQLite databases of the same kind: schema, users, keys and organs (the county
government `main` and four departments) made through the library, then the bulk written with plain
sqlite3 — decisions spread over the stages of "major-decision" (some returned from legality review,
some rejected, half archived) and over the organs, their step records and evidence as the engine
writes them, and a trail of ~50 events per decision in its organ's hash chain, each signed by its
actor, that `dflow audit verify` accepts (benchmarks/scale_build.py). Then prints, for both:
  list      dflow list --stage legality_review --json   (and the rows it returns)
  show      dflow show ID --json                          (an archived decision in the middle)
  audit     dflow audit ID --json                         (the same decision's trail)
the median wall time (ms) of the command and of the library call alone, the ratio big/small
against the target 1.3x, the query plan of every statement each command issues, and the pages
SQLite reads to run those statements on a fresh connection.

Usage: python benchmarks/scale.py [--decisions 100000] [--events 5000000]
           [--small-decisions 100] [--small-events 5000] [--runs 21] [--dir DIR] [--keep] [--verify]
       python benchmarks/scale.py --reuse DIR     (measure again the databases a --keep run left in DIR)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scale_build import (
    STAGE,
    TARGET,
    build,
)

from decision_flow.engine import Engine
from decision_flow.store.db import Database


@dataclass
class Side:
    """One database under test, and the archived decision in its middle that show and audit read."""

    name: str
    path: Path
    decisions: int
    events: int = 0
    seconds: float | None = None
    ident: int = 0

    def env(self) -> dict[str, str]:
        return dict(os.environ, DFLOW_DB=str(self.path), DFLOW_KEYS=str(self.path.parent / "keys"))

    def engine(self) -> Engine:
        return Engine(Database(f"sqlite:///{self.path}"))


def _list(engine: Engine, ident: int) -> Any:
    from decision_flow.engine import queries

    return queries.list_decisions(engine, STAGE)


def _show(engine: Engine, ident: int) -> Any:
    from decision_flow.engine import queries

    return queries.show(engine, ident)


def _trail(engine: Engine, ident: int) -> Any:
    from decision_flow.engine import queries

    return queries.trail(engine, ident)


# name, the command's arguments, the library call it makes, the rows in its JSON output
COMMANDS: list[tuple[str, Callable[[int], list[str]], Callable[[Engine, int], Any], Callable[[Any], int]]] = [
    (f"list --stage {STAGE}", lambda i: ["list", "--stage", STAGE, "--json"], _list, len),
    ("show ID", lambda i: ["show", str(i), "--json"], _show, lambda doc: 1),
    ("audit ID", lambda i: ["audit", str(i), "--json"], _trail, lambda doc: len(doc["events"])),
]


def cli_medians(dflow: str, sides: list[Side], args: Callable[[int], list[str]], runs: int) -> list[float]:
    """Median wall time (ms) of the command on each database, the databases taking turns so that
    other work on the machine weighs on both alike; the first two runs warm the file cache."""
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(runs + 2):
        for side, found in zip(sides, times, strict=True):
            start = time.perf_counter()
            subprocess.run([dflow, *args(side.ident)], env=side.env(), stdout=subprocess.DEVNULL, check=True)
            found.append((time.perf_counter() - start) * 1000)
    return [statistics.median(found[2:]) for found in times]


def library_median(side: Side, call: Callable[[Engine, int], Any], runs: int) -> float:
    """Median time (ms) of the library call alone, each on a new Engine (a cold SQLite cache)."""
    times = []
    for _ in range(runs):
        engine = side.engine()
        start = time.perf_counter()
        call(engine, side.ident)
        times.append((time.perf_counter() - start) * 1000)
        engine.db.dispose()
    return statistics.median(times)


def statements(side: Side, call: Callable[[Engine, int], Any]) -> list[tuple[str, Any]]:
    """The SELECT statements (with their parameters) that the library call issues, through
    SQLAlchemy or straight through the driver (decision_flow.store.rawsql)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine as SAEngine

    from decision_flow.store.rawsql import Raw

    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, params))

    direct = Raw._execute

    def listen_direct(self: Raw, sql: str, params: tuple[Any, ...], fetch: Any) -> Any:
        listen(None, None, sql, params, None, False)
        return direct(self, sql, params, fetch)

    event.listen(SAEngine, "before_cursor_execute", listen)
    Raw._execute = listen_direct  # type: ignore[method-assign]
    try:
        engine = side.engine()
        call(engine, side.ident)
        engine.db.dispose()
    finally:
        event.remove(SAEngine, "before_cursor_execute", listen)
        Raw._execute = direct  # type: ignore[method-assign]
    return seen


def plan(conn: sqlite3.Connection, sql: str, params: Any) -> list[str]:
    """EXPLAIN QUERY PLAN of one statement, as indented lines."""
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in conn.execute("EXPLAIN QUERY PLAN " + sql, params):
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def _rchar() -> int:
    with open("/proc/self/io") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("rchar:"))


def pages_read(path: Path, found: list[tuple[str, Any]]) -> int | None:
    """Pages SQLite reads to run the statements on a fresh connection (bytes read by the
    process, over the page size; the OS cache does not hide them). None off Linux."""
    if not Path("/proc/self/io").exists():
        return None
    size = _one(path, "PRAGMA page_size")
    idle = _rchar()
    idle = _rchar() - idle  # what reading /proc/self/io itself adds
    conn = sqlite3.connect(path)
    before = _rchar()
    for sql, params in found:
        conn.execute(sql, params).fetchall()
    read = _rchar() - before - idle
    conn.close()
    return max(0, read) // size


def _one(path: Path, sql: str, *params: Any) -> Any:
    """The first column of the first row of a query, on a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def middle_archived(path: Path, decisions: int) -> int:
    sql = "SELECT id FROM decisions WHERE status = 'archived' AND id >= ? ORDER BY id LIMIT 1"
    return int(_one(path, sql, decisions // 2))


def print_databases(sides: list[Side]) -> None:
    print(f"{'database':<10} {'decisions':>10} {'events':>11} {'on disk':>10} {'built in':>9}  decision read")
    for side in sides:
        events = _one(side.path, "SELECT count(*) FROM audit_events WHERE decision_id = ?", side.ident)
        built = f"{side.seconds:8.1f}s" if side.seconds is not None else "  (kept)"
        print(
            f"{side.name:<10} {side.decisions:>10,} {side.events:>11,} {_size(side.path):>10} {built:>9}"
            f"  #{side.ident} ({events} events)"
        )
    print()


def print_times(sides: list[Side], runs: int, dflow: str) -> None:
    head = f"{'command':<34} {'small ms':>9} {'big ms':>9} {'big/small':>10} {'target':>7}  {'rows small/big':>15}"
    print(head + f"  {'library ms small / big':>23}")
    for name, args, call, rows in COMMANDS:
        ms = cli_medians(dflow, sides, args, runs)
        outputs = [subprocess.run([dflow, *args(s.ident)], env=s.env(), capture_output=True, check=True) for s in sides]
        counts = [rows(json.loads(done.stdout)) for done in outputs]
        lib = [library_median(side, call, runs) for side in sides]
        verdict = "ok" if ms[1] <= TARGET * ms[0] else "OVER"
        print(
            f"dflow {name:<28} {ms[0]:9.1f} {ms[1]:9.1f} {ms[1] / ms[0]:9.2f}x {TARGET:6.1f}x  "
            f"{counts[0]:>7,}/{counts[1]:<7,}  {lib[0]:9.1f} / {lib[1]:9.1f}  {verdict}"
        )
    print()


def print_plans(sides: list[Side]) -> None:
    """Each command's statements with their plan on the big database, and the pages they read."""
    totals = [_one(side.path, "PRAGMA page_count") for side in sides]
    conn = sqlite3.connect(sides[1].path)
    for name, _args, call, _rows in COMMANDS:
        found = [statements(side, call) for side in sides]
        read = [pages_read(side.path, side_found) for side, side_found in zip(sides, found, strict=True)]
        print(f"dflow {name}: {len(found[1])} statements; pages SQLite reads for them on a fresh connection:")
        print("  " + "   ".join(f"{s.name} {n} of {t:,}" for s, n, t in zip(sides, read, totals, strict=True)))
        for sql, params in found[1]:
            print("  " + " ".join(sql.split()) + f"   -- {params}")
            for line in plan(conn, sql, params):
                print("   " + line)
        print()
    conn.close()


def print_verify(sides: list[Side], dflow: str) -> None:
    for side in sides:
        start = time.perf_counter()
        done = subprocess.run(
            [dflow, "audit", "verify", "--json"], env=side.env(), capture_output=True, text=True, check=False
        )
        print(f"dflow audit verify ({side.name}): {done.stdout.strip()}  {time.perf_counter() - start:.1f} s")


def _size(path: Path) -> str:
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    return f"{size / 2**30:.2f} GiB" if size >= 2**30 else f"{size / 2**20:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--small-decisions", type=int, default=100)
    parser.add_argument("--small-events", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--dir", help="where to build (a new directory under it; default the temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases (their directory is printed)")
    parser.add_argument("--reuse", metavar="DIR", help="measure the databases an earlier --keep left in DIR")
    parser.add_argument("--verify", action="store_true", help="also run `dflow audit verify` on both")
    args = parser.parse_args()
    dflow = shutil.which("dflow") or str(Path(sys.executable).with_name("dflow"))
    work = Path(args.reuse or tempfile.mkdtemp(prefix="dflow-scale-", dir=args.dir))
    sides = [Side("small", work / "small.db", args.small_decisions), Side("big", work / "big.db", args.decisions)]
    try:
        for side, events in zip(sides, (args.small_events, args.events), strict=True):
            if args.reuse:
                side.events = _one(side.path, "SELECT count(*) FROM audit_events")  # every chain's
            else:
                free = shutil.disk_usage(work).free
                if events * 1200 > free:  # about 1 KB per event, with its indexes
                    raise SystemExit(f"{work}: {free / 2**30:.1f} GiB free, {events * 1200 / 2**30:.1f} GiB needed")
                side.events, side.seconds = build(side.path, side.decisions, events)
            side.ident = middle_archived(side.path, side.decisions)
        print_databases(sides)
        print_times(sides, args.runs, dflow)
        print_plans(sides)
        if args.verify:
            print_verify(sides, dflow)
    finally:
        if args.keep or args.reuse:
            print(f"databases kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
