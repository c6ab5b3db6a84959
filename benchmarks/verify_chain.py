#!/usr/bin/env python3
"""Audit verification throughput: `dflow audit verify` over a chain of N events.

Builds a SQLite database of N realistic events (about 400 bytes of data each, spread over
N/50 decisions, hashed, chained and signed exactly as the engine does) and times, each in a
fresh process of its own (so peak RSS is the verifier's alone):
  first      `dflow audit verify` on a machine that never verified this chain: every hash, link
             and Ed25519 signature (the signature checks on every CPU)
  again      the next `dflow audit verify` after 1% more events were appended: every hash and link,
             the signatures of the new events only (decision_flow.trail.verified)
  sha256     plain hashlib.sha256 over the same stored bytes (the floor)
and prints events per second, the ratios to the floor and each verifier's peak RSS.

Usage: python benchmarks/verify_chain.py [--events 1000000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from decision_flow.engine import Engine, users
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database
from decision_flow.trail import canonical


def build(path: Path, n: int) -> None:
    """A chain of N events: the users' own, then events by the officer zhang_wei, each signed
    with his key as the engine signs. On an existing database, the chain is extended to N."""
    db = Database(f"sqlite:///{path}")
    engine = Engine(db, keys=KeyRing(directory=path.parent / "keys"))
    if not path.exists():
        users.init(engine, "admin")
        users.add(engine, "zhang_wei", ["officer"], "admin")
    sign = engine.keys.signer("zhang_wei").sign
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    ((start, prev),) = conn.execute(
        "SELECT max(seq), (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) FROM audit_events"
    )
    last: dict[int, tuple[int, str]] = {
        decision: (dseq, digest)
        for decision, dseq, digest in conn.execute(
            "SELECT decision_id, decision_seq, hash FROM audit_events WHERE seq IN"
            " (SELECT max(seq) FROM audit_events WHERE decision_id IS NOT NULL GROUP BY decision_id)"
        )
    }
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
        digest = canonical.hash_content(content)
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
                canonical.canonical_json(content["data"]).decode(),
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


def _verify_in_child(path: Path, cache: Path) -> tuple[float, int, int, int]:
    """`dflow audit verify` (the CLI's own call) in a fresh process: seconds, events, signatures
    checked before on this machine, peak RSS in MiB."""
    code = (
        "import json, resource, sys, time\n"
        "from decision_flow.store.db import Database\n"
        "from decision_flow.engine import Engine\n"
        "from decision_flow.engine.queries import verify\n"
        "engine = Engine(Database(sys.argv[1]))\n"
        "t0 = time.perf_counter()\n"
        "v = verify(engine)\n"
        "took = time.perf_counter() - t0\n"
        "assert v.ok, v\n"
        "print(json.dumps([took, v.events, v.recalled, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{path}"], env=env, check=True, capture_output=True)
    took, events, recalled, rss = json.loads(out.stdout)
    return took, events, recalled, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path, cache = Path(tmp) / "chain.db", Path(tmp) / "cache"
        t0 = time.perf_counter()
        build(path, args.events)
        print(f"built {args.events} events in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
        conn = sqlite3.connect(path)
        t0 = time.perf_counter()
        for (data,) in conn.execute("SELECT data FROM audit_events ORDER BY seq"):
            hashlib.sha256(data.encode()).digest()
        floor = time.perf_counter() - t0
        conn.close()
        first, events, _, rss_first = _verify_in_child(path, cache)
        build(path, args.events + args.events // 100)  # 1% more, appended to the same chain
        again, events_again, recalled, rss_again = _verify_in_child(path, cache)
        print(
            f"first       {first:8.2f} s  {events / first:10.0f} events/s  {first / floor:6.1f}x sha256"
            f"  {rss_first} MiB"
        )
        print(
            f"again       {again:8.2f} s  {events_again / again:10.0f} events/s  {again / floor:6.1f}x sha256"
            f"  {rss_again} MiB  ({events_again - recalled} signatures checked, {recalled} verified before)"
        )
        print(f"sha256      {floor:8.2f} s  {events / floor:10.0f} events/s (read + hash of the stored data, {events})")


if __name__ == "__main__":
    main()
