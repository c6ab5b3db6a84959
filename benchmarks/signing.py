#!/usr/bin/env python3
"""The cost of signed acts, per event, in microseconds.

  sign            keys.Signer.sign of one event hash (Ed25519 over the 86-byte message, base64)
  verify          one signature checked against a registered key (what `audit verify` does
                  per event)
  record          one audited change through Engine.record on a SQLite file (shipped settings),
                  signed as it ships, and again with signing replaced by a constant (the same
                  run, alternating rounds): the difference is what signing adds to a change
  key load        reading and unlocking a key file, plain and passphrase-protected (once per
                  command; scrypt makes the protected one deliberately slow)

Usage: python benchmarks/signing.py [--events 20000] [--changes 400]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from decision_flow.engine import Engine, users
from decision_flow.identity import keys
from decision_flow.identity.keys import KeyRing, Signer
from decision_flow.store.db import Database

TODAY = date(2024, 12, 31)


def per_call_us(fn: object, items: list[str], rounds: int = 5) -> float:
    """The median over `rounds` of the mean time of fn(item), in microseconds."""
    means = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for item in items:
            fn(item)  # type: ignore[operator]
        means.append((time.perf_counter() - t0) / len(items) * 1e6)
    return statistics.median(means)


def record_us(work: Path, changes: int) -> tuple[float, float]:
    """Median µs per Engine.record, signed and with a constant in place of the signature."""
    engine = Engine(Database(f"sqlite:///{work / 'bench.db'}"), today=lambda: TODAY, keys=KeyRing(work / "keys"))
    users.init(engine, "admin")
    users.add(engine, "zhao", ["officer"], "admin")
    dec = engine.new("沙河乡农贸市场搬迁", "major-decision", [], "zhao")
    assert dec.id is not None
    real = Signer.sign
    times: dict[bool, list[float]] = {True: [], False: []}
    for n in range(changes):
        signed = n % 2 == 0
        Signer.sign = real if signed else (lambda self, h: "x" * 88)  # type: ignore[method-assign]
        t0 = time.perf_counter()
        engine.record(dec.id, "initiation", [f"undertaking_unit=沙河乡经济发展办公室{n}"], [], "zhao")
        times[signed].append((time.perf_counter() - t0) * 1e6)
    Signer.sign = real  # type: ignore[method-assign]
    engine.db.dispose()
    return statistics.median(times[True]), statistics.median(times[False])


def load_ms(work: Path, passphrase: bytes | None) -> float:
    name = "locked" if passphrase else "plain"
    path = work / "keys" / f"{name}.key"
    keys.commit_file(keys.write_pending(keys.generate(name), passphrase, path), path)
    t0 = time.perf_counter()
    for _ in range(5):
        keys.load(name, lambda _n, _p: passphrase, path)
    return (time.perf_counter() - t0) / 5 * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="hashes signed and verified")
    parser.add_argument("--changes", type=int, default=400, help="Engine.record calls (half signed)")
    args = parser.parse_args()
    hashes = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(args.events)]
    signer = keys.generate("zhao")
    sign_us = per_call_us(signer.sign, hashes)
    signatures = {h: signer.sign(h) for h in hashes}
    check = keys.verifier(signer.public)
    assert check is not None and all(check(h, signatures[h]) for h in hashes[:100])
    verify_us = per_call_us(lambda h: check(h, signatures[h]), hashes)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        signed_us, unsigned_us = record_us(work, args.changes)
        plain_ms, locked_ms = load_ms(work, None), load_ms(work, b"correct horse battery")
    print(f"sign            {sign_us:8.1f} µs/event   (median of 5 rounds of {args.events} hashes)")
    print(f"verify          {verify_us:8.1f} µs/event   ({1e6 / verify_us:,.0f} signatures/s on one core)")
    print(f"record signed   {signed_us:8.1f} µs/change (median of {args.changes // 2})")
    print(f"record unsigned {unsigned_us:8.1f} µs/change (signature replaced by a constant)")
    print(f"signing adds    {signed_us - unsigned_us:8.1f} µs/change ({(signed_us / unsigned_us - 1) * 100:.1f} %)")
    print(f"key load        {plain_ms:8.2f} ms plain, {locked_ms:.1f} ms with a passphrase (once per command)")


if __name__ == "__main__":
    main()
