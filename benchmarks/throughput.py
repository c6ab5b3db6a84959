#!/usr/bin/env python3
"""Audited changes per second through the Python API, on SQLite and on PostgreSQL.

One change is one `Engine.record` on the current step of a decision (the initiation step,
`undertaking_unit` set to a new value): one transaction that writes the step record, bumps the
decision's version and appends its hash-chained audit event.

  sqlite        one writer on a fresh SQLite file with the shipped settings (WAL,
                synchronous=FULL, BEGIN IMMEDIATE)
  floor         ../shared/bench/sqlite_floor.py's state+audit variant under synchronous=FULL
                (raw sqlite3: UPDATE one row + INSERT one ~500-byte row, COMMIT), in turns with
                the sqlite row
  own           the statements of one Engine.record in raw sqlite3 on a database the library
                made (its tables and indexes), no engine: what this schema's commit allows
  postgresql    1, 4 and 16 concurrent writer processes (spawned), each on its own decisions,
                released together, for a fixed time; on a database this script creates and
                drops, from DFLOW_BENCH_PG or else DFLOW_TEST_PG (skipped when neither is set);
                all in one organ, and (from 2 writers) each writer in an organ of its own;
                with how many writers wait on a lock at a time (pg_stat_activity, every 10 ms)
  sqlite, N     the same N writer processes on one SQLite file, in one organ and one organ each
                (SQLite takes one writer at a time whatever the organs: the comparison row)

The first three rows are run in `--rounds` turns (sqlite, floor, own, sqlite, floor, own, …),
each row `--seconds` long in all, timed alike (the floor in runs of `--floor-rows` commits, each
on a fresh file after 400 untimed ones, until its turn's time is spent; its median and p95 are
the medians of its runs'), and each row sums its turns: this
machine's fsync latency changes by a factor of twenty from one second to the next (0.15 ms, then
4 ms, when other work reaches the disk), so rows run one after the other can each meet another
disk and their ratio say nothing; run in turns, they meet the same mix of both.

After each run the chain is verified and the number of events checked against the number of
changes (one event per change). Prints a table, or one JSON document with --json.

Usage: python benchmarks/throughput.py [--seconds 5] [--writers 1,4,16] [--floor-rows 200] [--rounds 10]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import multiprocessing as mp
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from decision_flow.engine import Engine, users, verification
from decision_flow.store.db import Database

# ../shared beside the checkout, as the developers' brief lays it out
FLOOR = Path(os.environ.get("DFLOW_SQLITE_FLOOR", Path(__file__).resolve().parents[2] / "shared/bench/sqlite_floor.py"))
TODAY = date(2024, 12, 31)
OFFICER, ADMIN = "zhao", "admin"
DECISIONS_PER_WRITER = 4
# Commits before the floor's timed ones, in each of its runs (a fresh file): its WAL has wrapped
# once by then (1000 pages at 3 a commit), so a commit no longer grows the file, as the other
# rows' commits do not (a growing file's fsync costs more on this disk).
FLOOR_WARMUP = 400
INITIATION = ["proposer_kind=organ_leader", "start_approved_on=2024-03-01"]


def _engine(url: str) -> Engine:
    return Engine(Database(url), today=lambda: TODAY)


def _prepare(url: str) -> None:
    engine = _engine(url)
    users.init(engine, ADMIN)
    users.add(engine, OFFICER, ["officer"], ADMIN)
    engine.db.dispose()


def _prepare_organs(url: str, writers: int) -> None:
    """The county organ and, under it, one department per writer with an officer of its own
    (`zhao0`, `zhao1`, …): writers in different organs."""
    from decision_flow.engine import organs

    engine = _engine(url)
    users.init(engine, ADMIN)
    for w in range(writers):
        organs.add(engine, f"o{w}", f"测试部门{w}", "department", organs.ROOT, ADMIN)
        users.add(engine, f"{OFFICER}{w}", ["officer"], ADMIN, organ=f"o{w}")
    engine.db.dispose()


def _decisions(engine: Engine, n: int, tag: str, actor: str = OFFICER) -> list[int]:
    """`n` decisions standing at initiation, each with its initiation step recorded once."""
    ids = []
    for k in range(n):
        dec = engine.new(f"吞吐量测试 {tag}-{k}", "major-decision", [], actor)
        assert dec.id is not None
        engine.record(dec.id, "initiation", [*INITIATION, f"undertaking_unit=单位-{tag}-{k}"], [], actor)
        ids.append(dec.id)
    return ids


def _loop(
    engine: Engine, ids: list[int], tag: str, seconds: float, actor: str = OFFICER
) -> tuple[int, float, list[float]]:
    """Record changes round-robin on `ids` for `seconds`; (changes, elapsed, latencies in ms)."""
    lat: list[float] = []
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        t0 = time.perf_counter()
        if t0 >= deadline:
            break
        engine.record(ids[n % len(ids)], "initiation", [f"undertaking_unit=单位-{tag}-{n}"], [], actor)
        lat.append((time.perf_counter() - t0) * 1000)
        n += 1
    return n, time.perf_counter() - start, lat


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))] if values else 0.0


def _check(url: str, expected_events: int) -> None:
    """Every chain verifies, gap-free, and together they hold exactly one event per change."""
    engine = _engine(url)
    try:
        verdict = verification.verify(engine)
        assert verdict.ok, verdict
        with engine.db.engine.connect() as conn:
            count, top = conn.execute(
                text(
                    "SELECT count(*), (SELECT sum(top) FROM (SELECT max(seq) AS top FROM audit_events GROUP BY chain)"
                    " AS heads) FROM audit_events"
                )
            ).one()
        assert count == top == expected_events, (count, top, expected_events)
    finally:
        engine.db.dispose()


def _events(url: str) -> int:
    engine = _engine(url)
    try:
        with engine.db.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_events")).scalar() or 0)
    finally:
        engine.db.dispose()


# ---------------------------------------------------------------------------- SQLite


def own_change(conn: sqlite3.Connection, i: int, n: int, version: bool = True) -> None:
    """The statements one `Engine.record` issues on decision `i` (its `n`th change), in raw
    sqlite3 and no engine: read the user, the decision and its step records; update the step
    record and (`version`) the decision; read the chain head; insert the event; commit."""
    signature = "A" * 86 + "=="  # the length of a real one; nothing checks it here
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("SELECT * FROM users WHERE name = ?", (OFFICER,)).fetchall()
    conn.execute("SELECT * FROM decisions WHERE id = ?", (i,)).fetchall()
    records = conn.execute("SELECT * FROM step_records WHERE decision_id = ? AND active", (i,)).fetchall()
    fields = {"proposer_kind": "organ_leader", "start_approved_on": "2024-03-01"}
    fields["undertaking_unit"] = f"单位-o-{n}"
    conn.execute(
        "UPDATE step_records SET fields = ? WHERE id = ?",
        (json.dumps(fields, ensure_ascii=False), records[0][0]),
    )
    if version:  # benchmarks/schema_options.py measures the change without it
        conn.execute("UPDATE decisions SET version = version + 1 WHERE id = ?", (i,))
    seq, prev, dseq, dprev, registry, _key = conn.execute(
        "SELECT (SELECT seq FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1),"
        " (SELECT hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1),"
        " (SELECT decision_seq FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1),"
        " (SELECT hash FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1),"
        " (SELECT seq FROM audit_events WHERE chain = 'registry' ORDER BY seq DESC LIMIT 1),"
        " (SELECT public_key FROM users WHERE name = ?)",
        ("main", "main", i, i, OFFICER),
    ).fetchone()
    data = json.dumps({"evidence": [], "fields": {"undertaking_unit": fields["undertaking_unit"]}}, ensure_ascii=False)
    digest = hashlib.sha256(f"{seq + 1}{data}".encode()).hexdigest()  # unique, as the chain requires
    conn.execute(
        "INSERT INTO audit_events (chain, seq, at, actor, action, decision_id, decision_seq, decision_prev,"
        " stage, step, data, prev_hash, hash, signature, registry_position, format) VALUES ('main', ?, ?, ?,"
        " 'recorded', ?, ?, ?, 'initiation', 'initiation', ?, ?, ?, ?, ?, 2)",
        (seq + 1, "2024-12-31T08:00:00.000000Z", OFFICER, i, dseq + 1, dprev, data, prev, digest, signature)
        + (registry,),
    )
    conn.execute("COMMIT")


class SqliteRows:
    """The three single-writer SQLite rows (dflow, the raw floor, dflow's own transaction in raw
    sqlite3), each set up once in `workdir` and then timed in turns (:meth:`turn`)."""

    def __init__(self, workdir: Path, warm: float) -> None:
        self.workdir = workdir
        self.url = f"sqlite:///{workdir / 'throughput.db'}"
        _prepare(self.url)
        self.engine = _engine(self.url)
        self.ids = _decisions(self.engine, DECISIONS_PER_WRITER, "s")
        _loop(self.engine, self.ids, "warm", warm)
        self.before = _events(self.url)
        own_url = f"sqlite:///{workdir / 'own.db'}"
        _prepare(own_url)
        made = _engine(own_url)
        self.own_ids = _decisions(made, DECISIONS_PER_WRITER, "o")
        made.db.dispose()
        self.conn = sqlite3.connect(workdir / "own.db", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.conn.execute(f"PRAGMA {pragma}")
        spec = importlib.util.spec_from_file_location("sqlite_floor", FLOOR)
        assert spec is not None and spec.loader is not None, FLOOR
        self.floor = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.floor)
        # changes, seconds, latencies in ms: of dflow, the floor, and the own transaction
        self.runs: dict[str, tuple[int, float, list[float]]] = {k: (0, 0.0, []) for k in ("sqlite", "floor", "own")}
        self.floor_runs: list[tuple[float, float]] = []  # the floor's median and p95 in each run, in ms

    def _add(self, row: str, n: int, elapsed: float, lat: list[float]) -> None:
        had = self.runs[row]
        self.runs[row] = (had[0] + n, had[1] + elapsed, had[2] + lat)

    def turn(self, seconds: float, floor_rows: int) -> None:
        """One turn of each row, `seconds` long: dflow and its own transaction, then the floor
        in runs of `floor_rows` commits (each on a fresh file, after FLOOR_WARMUP) until its
        commits have taken `seconds` (each row timed alike, so a slow disk weighs the same)."""
        n0 = self.runs["sqlite"][0]
        self._add("sqlite", *_loop(self.engine, self.ids, f"s{n0}", seconds))
        spent = 0.0
        while spent < seconds:
            r = self.floor.run_variant(
                str(self.workdir / "floor.sqlite"), "FULL", "state+audit", floor_rows, FLOOR_WARMUP
            )
            spent += r["rows"] / r["commits_per_s"]
            self._add("floor", r["rows"], r["rows"] / r["commits_per_s"], [])
            self.floor_runs.append((r["median_us"] / 1000, r["p95_us"] / 1000))
        self._add("own", *self._own(seconds, self.runs["own"][0]))

    def _own(self, seconds: float, n: int) -> tuple[int, float, list[float]]:
        """The floor of dflow's own transaction: the statements one `Engine.record` issues (read
        the user, the decision and its step records; update the step record and the decision;
        read the chain head; insert the event), in raw sqlite3 on a database the library made,
        with the shipped settings, and no engine at all (no rules, no hashing of the content,
        no signing)."""
        conn, ids = self.conn, self.own_ids
        lat: list[float] = []
        done, start = 0, time.perf_counter()
        while (t0 := time.perf_counter()) < start + seconds:
            own_change(conn, ids[n % len(ids)], n)
            lat.append((time.perf_counter() - t0) * 1000)
            n, done = n + 1, done + 1
        return done, time.perf_counter() - start, lat

    def finish(self) -> list[dict[str, Any]]:
        """Close both databases, check dflow's chain (one event per change) and give the rows."""
        self.engine.db.dispose()
        self.conn.close()
        _check(self.url, self.before + self.runs["sqlite"][0])
        names = {
            "sqlite": "sqlite",
            "floor": "sqlite floor (state+audit, raw sqlite3)",
            "own": "raw sqlite3, dflow's own transaction",
        }
        rows = [_row(names[k], 1, n, elapsed, lat) for k, (n, elapsed, lat) in self.runs.items()]
        # the floor gives each run's median and p95, not its latencies: the medians of those
        rows[1]["median_ms"] = statistics.median(m for m, _ in self.floor_runs)
        rows[1]["p95_ms"] = statistics.median(p for _, p in self.floor_runs)
        return rows


def bench_sqlite_rows(seconds: float, floor_rows: int, rounds: int, workdir: Path) -> list[dict[str, Any]]:
    """The sqlite, floor and own rows, each `seconds` long in all, in `rounds` turns (the floor in
    runs of `floor_rows` commits)."""
    rows = SqliteRows(workdir, min(1.0, seconds / 5))
    for _ in range(rounds):
        rows.turn(seconds / rounds, floor_rows)
    return rows.finish()


# ---------------------------------------------------------------------------- PostgreSQL


def _pg_writer(url: str, w: int, seconds: float, barrier: Any, out: Any, organs: bool = False) -> None:
    engine = _engine(url)
    actor = f"{OFFICER}{w}" if organs else OFFICER  # one organ per writer: each its own officer's
    try:
        ids = _decisions(engine, DECISIONS_PER_WRITER, f"w{w}", actor)
        warm = _loop(engine, ids, f"warm{w}", 0.2, actor)[0]
        barrier.wait()
        n, elapsed, lat = _loop(engine, ids, f"w{w}", seconds, actor)
        out.put((w, n, elapsed, lat, 2 * len(ids) + warm))  # setup: created + recorded, and warm-up
    finally:
        engine.db.dispose()


@contextmanager
def pg_database(base: str) -> Iterator[str]:
    name = f"dflow_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_pg(base: str, writers: int, seconds: float, organs: bool = False) -> dict[str, Any]:
    with pg_database(base) as url:
        return bench_writers(url, "postgresql", writers, seconds, organs)


def bench_writers(url: str, backend: str, writers: int, seconds: float, organs: bool) -> dict[str, Any]:
    """`writers` processes on the database at `url`, all in one organ or (`organs`) each in an
    organ of its own."""
    ctx = mp.get_context("spawn")
    _prepare_organs(url, writers) if organs else _prepare(url)
    before = _events(url)
    barrier, out = ctx.Barrier(writers + 1), ctx.Queue()
    procs = [ctx.Process(target=_pg_writer, args=(url, w, seconds, barrier, out, organs)) for w in range(writers)]
    for p in procs:
        p.start()
    barrier.wait(timeout=120)  # all writers connected, warm and holding their decisions
    waiting = _lock_waits(url, seconds) if backend == "postgresql" else None
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0, p.exitcode
    n = sum(r[1] for r in results)
    elapsed = max(r[2] for r in results)
    lat = [x for r in results for x in r[3]]
    _check(url, before + n + sum(r[4] for r in results))
    row = _row(backend + (", one organ per writer" if organs else ", one organ"), writers, n, elapsed, lat)
    return {**row, "lock_waiting": waiting}


def _lock_waits(url: str, seconds: float) -> float:
    """While the writers run: how many of them wait on a lock (a chain's advisory lock, a row), on
    average, from pg_stat_activity sampled every 10 ms: what one chain per organ should remove."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    samples: list[int] = []
    try:
        with engine.connect() as conn:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                found = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
                samples.append(int(found or 0))
                time.sleep(0.01)
    finally:
        engine.dispose()
    return statistics.mean(samples) if samples else 0.0


def _row(backend: str, writers: int, n: int, elapsed: float, lat: list[float]) -> dict[str, Any]:
    return {
        "backend": backend,
        "writers": writers,
        "changes": n,
        "seconds": elapsed,
        "per_s": n / elapsed,
        "median_ms": statistics.median(lat) if lat else 0.0,
        "p95_ms": _pct(lat, 95),
        "lock_waiting": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time of each run")
    parser.add_argument("--writers", default="1,4,16", help="PostgreSQL writer counts")
    parser.add_argument("--floor-rows", type=int, default=200, help="commits of each run of the raw SQLite floor")
    parser.add_argument("--rounds", type=int, default=10, help="turns the three SQLite rows are run in")
    parser.add_argument("--dir", default=None, help="where the SQLite files go (default: a temp dir)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()
    pg = os.environ.get("DFLOW_BENCH_PG") or os.environ.get("DFLOW_TEST_PG")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        os.environ["DFLOW_KEYS"] = str(work / "keys")  # the users' key files, for this run only (writers inherit it)
        rows += bench_sqlite_rows(args.seconds, args.floor_rows, args.rounds, work)
        counts = [int(x) for x in args.writers.split(",") if x.strip()]
        for w in counts:  # SQLite: one writer at a time whatever the organs; shown for the comparison
            if w > 1:
                for organs in (False, True):
                    url = f"sqlite:///{work / f'many-{w}-{organs}.db'}"
                    rows.append(bench_writers(url, "sqlite", w, args.seconds, organs))
    ratio = rows[0]["per_s"] / rows[1]["per_s"]
    own = rows[2]["per_s"] / rows[1]["per_s"]
    if pg:
        for w in counts:
            rows.append(bench_pg(pg, w, args.seconds))
            if w > 1:
                rows.append(bench_pg(pg, w, args.seconds, organs=True))
    info = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "sqlite_vs_floor": ratio,
        "own_transaction_vs_floor": own,
        "postgresql": "not run: set DFLOW_BENCH_PG or DFLOW_TEST_PG" if not pg else "yes",
    }
    if args.json:
        print(json.dumps({"script": "throughput", **info, "rows": rows}, ensure_ascii=False))
        return
    print(f"Audited changes per second (Engine.record, one transaction + its event); {info['cpus']} CPUs")
    print(
        f"{'backend':<42} {'writers':>7} {'changes':>8} {'changes/s':>10} {'median ms':>10} {'p95 ms':>8}"
        f" {'waiting on a lock':>18}"
    )
    for r in rows:
        waits = "" if r.get("lock_waiting") is None else f"{r['lock_waiting']:.1f} of {r['writers']}"
        print(
            f"{r['backend']:<42} {r['writers']:>7} {r['changes']:>8} {r['per_s']:>10.0f}"
            f" {r['median_ms']:>10.2f} {r['p95_ms']:>8.2f} {waits:>18}"
        )
    print(f"SQLite (dflow) / raw floor (state+audit, synchronous=FULL): {ratio:.2f} (floor is {1 / ratio:.1f}x)")
    print(f"dflow's own transaction in raw sqlite3, no engine / raw floor: {own:.2f} (the most any engine could reach)")
    if not pg:
        print(f"PostgreSQL: {info['postgresql']}")


if __name__ == "__main__":
    main()
