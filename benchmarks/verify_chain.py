#!/usr/bin/env python3
"""Audit verification throughput: `dflow audit verify` over a chain of N events.

Builds a SQLite database of N realistic events (about 400 bytes of data each, spread over
N/50 decisions, hashed and chained exactly as the engine does) and times:
  verify     decision_flow.queries.verify (the whole chain, per-decision links, evidence)
  sha256     plain hashlib.sha256 over the same stored bytes (the floor)
and prints events per second, the ratio, and the peak RSS of the verifying process.

Usage: python benchmarks/verify_chain.py [--events 1000000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from decision_flow import audit, users
from decision_flow.db import Database
from decision_flow.engine import Engine
from decision_flow.keys import KeyRing


def build(path: Path, n: int) -> None:
    """N events by the officer zhang_wei, each signed with his key as the engine signs."""
    db = Database(f"sqlite:///{path}")
    engine = Engine(db, keys=KeyRing(directory=path.parent / "keys"))
    users.init(engine, "admin")
    users.add(engine, "zhang_wei", ["officer"], "admin")
    sign = engine.keys.signer("zhang_wei").sign
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("DROP TRIGGER audit_events_no_update")
    ((start, prev),) = conn.execute(
        "SELECT max(seq), (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) FROM audit_events"
    )
    last: dict[int, tuple[int, str]] = {}
    rows = []
    for seq in range(start + 1, n + 1):
        decision = seq % max(1, n // 50) + 1
        dseq, dprev = last.get(decision, (0, None))
        content = {
            "seq": seq,
            "at": f"2025-06-{seq % 28 + 1:02d}T08:00:{seq % 60:02d}.000000Z",
            "actor": "zhang_wei",
            "action": "recorded",
            "decision": decision,
            "decision_seq": dseq + 1,
            "decision_prev": dprev,
            "stage": "consultation",
            "step": "public_participation",
            "data": {
                "fields": {
                    "channels": ["乡政府网站", "村务公开栏"],
                    "opinions_received": seq % 90,
                    "opened_on": "2025-04-01",
                    "closed_on": "2025-05-06",
                },
                "evidence": [],
                "note": "沙河乡农贸市场搬迁方案征求意见" * 4,
            },
            "prev_hash": prev,
        }
        digest = audit.hash_content(content)
        rows.append(
            (
                seq,
                content["at"],
                "zhang_wei",
                "recorded",
                decision,
                dseq + 1,
                dprev,
                "consultation",
                "public_participation",
                audit.canonical_json(content["data"]).decode(),
                prev,
                digest,
                sign(digest),
            )
        )
        last[decision], prev = (dseq + 1, digest), digest
        if len(rows) == 50_000:
            conn.executemany(
                "INSERT INTO audit_events(seq, at, actor, action, decision_id, decision_seq, decision_prev,"
                " stage, step, data, prev_hash, hash, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            rows.clear()
    if rows:
        conn.executemany(
            "INSERT INTO audit_events(seq, at, actor, action, decision_id, decision_seq, decision_prev,"
            " stage, step, data, prev_hash, hash, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / "chain.db"
        t0 = time.perf_counter()
        build(path, args.events)
        print(f"built {args.events} events in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
        conn = sqlite3.connect(path)
        t0 = time.perf_counter()
        for (data,) in conn.execute("SELECT data FROM audit_events ORDER BY seq"):
            hashlib.sha256(data.encode()).digest()
        floor = time.perf_counter() - t0
        conn.close()
        engine = Engine(Database(f"sqlite:///{path}"))
        from decision_flow.queries import verify

        t0 = time.perf_counter()
        verdict = verify(engine)
        took = time.perf_counter() - t0
        assert verdict.ok, verdict
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"verify      {took:8.2f} s  {verdict.events / took:10.0f} events/s")
        print(f"sha256      {floor:8.2f} s  {verdict.events / floor:10.0f} events/s (read + hash of stored data)")
        print(f"ratio       {took / floor:8.1f}x")
        print(f"peak RSS    {peak:8.0f} MiB (whole process, including the build)")


if __name__ == "__main__":
    main()
