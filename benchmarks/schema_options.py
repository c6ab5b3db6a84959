#!/usr/bin/env python3
"""What the schema options of issue 17 would give an audited change on SQLite: dflow's own
transaction (benchmarks/throughput.py's `own` row: the statements of one Engine.record in raw
sqlite3, no engine) on copies of one database the library made, each changed as an option says,
in turns with ../shared/bench/sqlite_floor.py's state+audit floor (synchronous=FULL):

  as shipped                      the schema as the migrations make it
  no version write                the decision's version not bumped (the row lock of BEGIN
                                  IMMEDIATE already keeps two changes of a case apart on SQLite)
  no unique hash index            audit_events without UNIQUE (hash): one random index page
                                  less per commit (an event's hash covers its chain and number,
                                  which the primary key already keeps unique)
  both                            the two above
  both, WITHOUT ROWID             and the events kept in their primary key's order (chain, seq),
                                  no separate table b-tree

Prints each option's changes per second and its share of the floor. The engine's own Python per
change (rules, hashing, signing, rows) comes on top of every figure: compare the `sqlite` and
`own` rows of benchmarks/throughput.py for it.

Usage: python benchmarks/schema_options.py [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # noqa: E402 - the benchmark whose database and floor these options are measured against

OPTIONS = {  # name: (drop UNIQUE (hash), WITHOUT ROWID, write the version)
    "as shipped": (False, False, True),
    "no version write": (False, False, False),
    "no unique hash index": (True, False, True),
    "both": (True, False, False),
    "both, WITHOUT ROWID": (True, True, False),
}


def copy_as(base: Path, path: Path, drop_hash: bool, without_rowid: bool) -> sqlite3.Connection:
    """A copy of `base` with audit_events rebuilt as the option says (its indexes and guards kept)."""
    shutil.copy(base, path)
    con = sqlite3.connect(path, isolation_level=None)
    if drop_hash or without_rowid:
        (table,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_events'").fetchone()
        kept = [
            (name, sql)
            for name, sql in con.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'audit_events' AND type IN ('index', 'trigger')"
                " AND sql IS NOT NULL"
            )
        ]
        for name, sql in kept:
            if sql.startswith("CREATE TRIGGER"):
                con.execute(f"DROP TRIGGER {name}")
        con.execute("ALTER TABLE audit_events RENAME TO kept")
        table = table.replace(",\n    UNIQUE (hash)", "") if drop_hash else table
        con.execute(table.rstrip() + (" WITHOUT ROWID" if without_rowid else ""))
        con.execute("INSERT INTO audit_events SELECT * FROM kept")
        con.execute("DROP TABLE kept")
        for _, sql in kept:
            con.execute(sql)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")
    return con


def own(con: sqlite3.Connection, ids: list[int], seconds: float, n: int, version: bool) -> tuple[int, float]:
    """throughput.py's own transaction, with or without the version write; changes and seconds."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() < start + seconds:
        throughput.own_change(con, ids[n % len(ids)], n, version)
        n, done = n + 1, done + 1
    return done, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="each option's time per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("sqlite_floor", throughput.FLOOR)
    assert spec is not None and spec.loader is not None, throughput.FLOOR
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["DFLOW_KEYS"], os.environ["XDG_CACHE_HOME"] = str(work / "keys"), str(work / "cache")
        base, url = work / "base.db", f"sqlite:///{work / 'base.db'}"
        throughput._prepare(url)
        made = throughput._engine(url)
        ids = throughput._decisions(made, throughput.DECISIONS_PER_WRITER, "o")
        made.db.dispose()
        cons = {name: copy_as(base, work / f"{k}.db", *opt[:2]) for k, (name, opt) in enumerate(OPTIONS.items())}
        totals = {name: [0, 0.0] for name in [*OPTIONS, "floor"]}
        for _ in range(args.rounds):  # in turns, so each meets the same disk
            for name, (_, _, version) in OPTIONS.items():
                n, took = own(cons[name], ids, args.seconds, int(totals[name][0]), version)
                totals[name][0] += n
                totals[name][1] += took
            spent = 0.0
            while spent < args.seconds:
                r = floor.run_variant(str(work / "floor.sqlite"), "FULL", "state+audit", 200, 400)
                spent += r["rows"] / r["commits_per_s"]
                totals["floor"][0] += r["rows"]
                totals["floor"][1] += r["rows"] / r["commits_per_s"]
        for con in cons.values():
            con.close()
    rate = {name: n / s for name, (n, s) in totals.items()}
    print(f"{'floor (state+audit, raw sqlite3)':<34} {rate['floor']:7.0f} changes/s")
    for name in OPTIONS:
        print(f"{name:<34} {rate[name]:7.0f} changes/s  {rate[name] / rate['floor']:.2f} of the floor")


if __name__ == "__main__":
    main()
