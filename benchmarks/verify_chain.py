#!/usr/bin/env python3
"""Audit verification throughput: `dflow audit verify` over the chains of N events.

Builds a SQLite database of N realistic events as a county server holds them: the registry chain
(the users, the organs and the officer's grants, made through the library) and one chain per organ
— the county government `main` (made with the first admin) and four of its departments, the
officer zhang_wei an officer in each — over which N/50 decisions are spread, every event of a
decision in its organ's chain (about 400 bytes of data each, hashed as version 2 events, chained
within their organ's chain and their decision's, and signed exactly as the engine does). Then it
times, each in a fresh process of its own (so peak RSS is the verifier's alone):
  first      `dflow audit verify` on a machine that never verified these chains: every hash, link
             and Ed25519 signature (the signature checks on every CPU)
  again      the next `dflow audit verify` after 1% more events were appended to the same chains:
             every hash and link, the signatures of the new events only (decision_flow.trail.verified),
             the organs' chains walked at once, one worker per CPU
  sha256     plain hashlib.sha256 over the same stored bytes (the floor): every event's stored data,
             read chain by chain in seq order as the verifier reads them
and prints events per second (events of all chains), the ratios to the floor and each verifier's
peak RSS; then one core's Ed25519 verify rate, the first verify's rate as a share of cores x that
rate (the target is 0.9), and, less bent by other programs running at the same time, the CPU
each event cost the first verify (in the verifying process, which walks and takes a share of the
signature checks, and in its signature workers) and the share of it that the Ed25519 checks
themselves need at that rate.

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

from decision_flow.engine import Engine, organs, users
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database
from decision_flow.trail import canonical
from decision_flow.trail.canonical import GENESIS, REGISTRY

OFFICER = "zhang_wei"
# The county government's departments (code: name); with `main` they are the organs of the cases.
DEPARTMENTS = {"fgj": "县发展和改革局", "zjj": "县住房和城乡建设局", "jtj": "县交通运输局", "sthjj": "县生态环境局"}
ORGANS = [organs.ROOT, *DEPARTMENTS]  # decision d is decided by ORGANS[d % 5]
INSERT = (
    "INSERT INTO audit_events(chain, seq, at, actor, action, decision_id, decision_seq, decision_prev,"
    " stage, step, data, prev_hash, hash, signature, registry_position, format)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _setup(engine: Engine) -> None:
    """The registry chain: the first admin (with the organ `main`), the officer in `main`, the
    departments under it and the officer's role in each."""
    users.init(engine, "admin")
    users.add(engine, OFFICER, ["officer"], "admin")
    for code, name in DEPARTMENTS.items():
        organs.add(engine, code, name, "department", organs.ROOT, "admin")
        organs.grant(engine, OFFICER, code, ["officer"], "admin")


def chains_in_order() -> list[str]:
    """The chains in the order the verifier walks them: the registry's, then the organs' by name."""
    return [REGISTRY, *sorted(ORGANS, key=lambda c: c.encode("utf-8"))]


def build(path: Path, n: int) -> None:
    """N events in all: the registry's own, then events by the officer zhang_wei in the organs'
    chains, each signed with his key as the engine signs and recording the registry chain's size
    (his key was registered there). On an existing database, the same chains are extended until
    they hold N events together."""
    db = Database(f"sqlite:///{path}")
    engine = Engine(db, keys=KeyRing(directory=path.parent / "keys"))
    if not path.exists():
        _setup(engine)
    sign = engine.keys.signer(OFFICER).sign
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    ((start, registry),) = conn.execute(
        "SELECT count(*), (SELECT max(seq) FROM audit_events WHERE chain = ?) FROM audit_events", (REGISTRY,)
    )
    heads: dict[str, tuple[int, str]] = {}  # each organ's chain: its last seq and hash
    for organ in ORGANS:
        found = conn.execute(
            "SELECT seq, hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1", (organ,)
        ).fetchone()
        heads[organ] = (found[0], found[1]) if found else (0, GENESIS)
    last: dict[int, tuple[int, str]] = {  # each decision's own chain: its last decision_seq and hash
        decision: (dseq, digest)
        for decision, dseq, digest in conn.execute(
            "SELECT a.decision_id, a.decision_seq, a.hash FROM audit_events AS a JOIN"
            " (SELECT decision_id, max(decision_seq) AS top FROM audit_events WHERE decision_id IS NOT NULL"
            " GROUP BY decision_id) AS m ON a.decision_id = m.decision_id AND a.decision_seq = m.top"
        )
    }
    rows = []
    for k in range(start + 1, n + 1):  # k: the event's number among all the database's events
        decision = k % max(1, n // 50) + 1
        chain = ORGANS[decision % len(ORGANS)]
        seq, prev = heads[chain]
        seq += 1
        dseq, dprev = last.get(decision, (0, None))
        at = f"2025-06-{k % 28 + 1:02d}T08:00:{k % 60:02d}.000000Z"
        data = canonical.canonical_json(
            {
                "fields": {
                    "channels": ["乡政府网站", "村务公开栏"],
                    "opinions_received": k % 90,
                    "opened_on": "2025-04-01",
                    "closed_on": "2025-05-06",
                },
                "evidence": [],
                "note": "沙河乡农贸市场搬迁方案征求意见" * 4,
            }
        ).decode()
        stage, step = "consultation", "public_participation"
        content = canonical.stored_content(
            seq, at, OFFICER, "recorded", decision, dseq + 1, dprev, stage, step, data, prev, chain, registry
        )
        digest = canonical.hash_content(content)
        rows.append(
            (chain, seq, at, OFFICER, "recorded", decision, dseq + 1, dprev, stage, step, data, prev, digest)
            + (sign(digest), registry, 2)
        )
        heads[chain], last[decision] = (seq, digest), (dseq + 1, digest)
        if len(rows) == 50_000:
            conn.executemany(INSERT, rows)
            rows.clear()
    if rows:
        conn.executemany(INSERT, rows)
    conn.commit()
    conn.close()


def _verify_in_child(path: Path, cache: Path) -> tuple[float, int, int, int, float, float]:
    """`dflow audit verify` (the CLI's own call) in a fresh process: seconds, events, signatures
    checked before on this machine, peak RSS in MiB, and the CPU seconds of the verifying process
    and of its signature workers."""
    code = (
        "import json, resource, sys, time\n"
        "from decision_flow.store.db import Database\n"
        "from decision_flow.engine import Engine\n"
        "from decision_flow.engine.verification import verify\n"
        "engine = Engine(Database(sys.argv[1]))\n"
        "t0, c0 = time.perf_counter(), time.process_time()\n"
        "v = verify(engine)\n"
        "took, cpu = time.perf_counter() - t0, time.process_time() - c0\n"
        "assert v.ok, v\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "print(json.dumps([took, v.events, v.recalled, rss, cpu, kids.ru_utime + kids.ru_stime]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{path}"], env=env, check=True, capture_output=True)
    took, events, recalled, rss, cpu, workers = json.loads(out.stdout)
    return took, events, recalled, rss, cpu, workers


def ed25519_rate(seconds: float = 2.0) -> float:
    """One core's Ed25519 verify rate (signatures per second of this process's CPU time: on an idle
    core the same as per second of the clock, and not lowered by other programs sharing the CPU)
    with the library the verifier uses, on messages the size of an event's hash (64 hex characters)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    messages = [hashlib.sha256(str(i).encode()).hexdigest().encode() for i in range(256)]
    signed = [(m, key.sign(m)) for m in messages]
    done, t0 = 0, time.process_time()
    while time.process_time() - t0 < seconds:
        for message, signature in signed:
            public.verify(signature, message)
        done += len(signed)
    return done / (time.process_time() - t0)


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
        chains = chains_in_order()
        assert {c for (c,) in conn.execute("SELECT DISTINCT chain FROM audit_events")} == set(chains)
        t0 = time.perf_counter()
        for chain in chains:
            for (data,) in conn.execute("SELECT data FROM audit_events WHERE chain = ? ORDER BY seq", (chain,)):
                hashlib.sha256(data.encode()).digest()
        floor = time.perf_counter() - t0
        conn.close()
        first, events, _, rss_first, cpu, workers = _verify_in_child(path, cache)
        assert events == args.events, (events, args.events)
        build(path, args.events + args.events // 100)  # 1% more, appended to the same chains
        again, events_again, recalled, rss_again, again_cpu, again_workers = _verify_in_child(path, cache)
        print(
            f"first       {first:8.2f} s  {events / first:10.0f} events/s  {first / floor:6.1f}x sha256"
            f"  {rss_first} MiB"
        )
        print(
            f"again       {again:8.2f} s  {events_again / again:10.0f} events/s  {again / floor:6.1f}x sha256"
            f"  {rss_again} MiB  ({events_again - recalled} signatures checked, {recalled} verified before)"
            f"  CPU {(again_cpu + again_workers) / events_again * 1e6:.1f} µs/event"
            f" ({again_workers / events_again * 1e6:.1f} of it in the workers walking the organs' chains)"
        )
        print(f"sha256      {floor:8.2f} s  {events / floor:10.0f} events/s (read + hash of the stored data, {events})")
        rate, cores = ed25519_rate(), os.cpu_count() or 1
        print(
            f"ed25519     {rate:10.0f} verifies/s on one core; x {cores} cores = {rate * cores:.0f}/s:"
            f" the first verify runs at {events / first / (rate * cores):.2f} of that limit (target 0.9)"
        )
        per_event = 1e6 / events
        print(
            f"cpu         first verify {(cpu + workers) * per_event:.1f} µs/event: verifying process"
            f" {cpu * per_event:.1f}, signature workers {workers * per_event:.1f}; Ed25519 alone {1e6 / rate:.1f}:"
            f" the share of the CPU spent on the signatures themselves {events / rate / (cpu + workers):.2f}"
        )


if __name__ == "__main__":
    main()
