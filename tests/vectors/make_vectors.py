"""Regenerate the audit-format test vectors (from the repository root)::

    python -m tests.vectors.make_vectors

A short decision run through the engine on a fresh SQLite database with the fixed clock and
date of tests/conftest.py and key pairs made from fixed seeds (Ed25519 signatures are
deterministic), so the output is the same on every run. The chain: the first admin registers
their own key, registers the officer and the legal reviewer, the officer rotates his key; then
the decision's creation, one refused attempt (a skip to legality review), a record with
Chinese text (and a line break inside a value), the step's completion and the advance to
drafting. The first four are the registry chain (seq 1 to 4), the rest the organ main's chain
(seq 1 to 5): the export's key lines and event lines together hold every event of both, so
tests/test_trailfile.py loads them back into a database and the database verifier checks exactly
the bytes the file holds.

Writes trail-export.json (the export, docs/audit-format.md section 6) and expected-hashes.txt
(each event's chain, seq, hash and signature, the public keys, the checkpoint and the file
digest) beside this script. trail-export-v1.json and trail-export-v2.json (with their
expected-hashes-v1.txt and -v2.txt) are files of the earlier versions, kept as they were written:
verifiers still accept them. A change that alters these bytes
is a change of format or of what the engine records: review it before committing the
regenerated files.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from decision_flow.core.errors import Blocked
from decision_flow.engine import Engine, queries, users
from decision_flow.identity import keys
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database
from decision_flow.trail import filecheck
from tests.conftest import TODAY, Clock
from tests.flow import ADMIN, OFFICER, REVIEWER, new_decision, record_valid

HERE = Path(__file__).parent
EXPORT = HERE / "trail-export.json"
HASHES = HERE / "expected-hashes.txt"
TITLE = "沙河乡农贸市场搬迁"
UNIT = "沙河乡经济发展办公室\n（农贸市场搬迁专班）"


@contextmanager
def seeded_keys() -> Iterator[None]:
    """Key pairs made from fixed seeds (SHA-256 of the user's name and how many keys they have
    had), so every run signs with the same keys."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    made: dict[str, int] = {}
    original = keys.generate

    def generate(name: str) -> keys.Signer:
        made[name] = made.get(name, 0) + 1
        seed = hashlib.sha256(f"decision-flow test vector key: {name} {made[name]}".encode()).digest()
        return keys._signer(name, Ed25519PrivateKey.from_private_bytes(seed))

    keys.generate = generate  # type: ignore[assignment]
    try:
        yield
    finally:
        keys.generate = original  # type: ignore[assignment]


def build(directory: Path) -> tuple[Engine, int]:
    """The vectors' database in `directory`: an engine on it and the decision's id."""
    db = Database(f"sqlite:///{directory / 'vectors.db'}")
    engine = Engine(db, now=Clock(), today=lambda: TODAY, keys=KeyRing(directory=directory / "keys"))
    with seeded_keys():
        users.init(engine, ADMIN)
        users.add(engine, OFFICER, ["officer"], ADMIN)
        users.add(engine, REVIEWER, ["legal_reviewer"], ADMIN)
        users.rotate(engine, OFFICER)
    decision = new_decision(engine, title=TITLE)
    with pytest.raises(Blocked):
        engine.advance(decision, OFFICER, to="legality_review")
    record_valid(engine, decision, "initiation", directory, undertaking_unit=UNIT)
    engine.complete(decision, "initiation", OFFICER)
    engine.advance(decision, OFFICER)
    return engine, decision


def expected_hashes(export: Path) -> str:
    """The expected-hashes.txt text of an export file."""
    document = json.loads(export.read_bytes())  # the whole file is one JSON document
    cp = document["checkpoint"]
    lines = document["keys"] + document["events"]
    registered = {(e["data"]["name"], e["data"]["public_key"]) for e in document["keys"] if "public_key" in e["data"]}
    return (
        "# decision-flow audit-format test vectors: tests/vectors/trail-export.json (v3)\n"
        "# <chain> <seq> <hash> <signature>: each event's SHA-256 by docs/audit-format.md and its\n"
        "# actor's Ed25519 signature, key lines then event lines, in file order\n"
        + "".join(f"{e['chain']} {e['seq']} {e['hash']} {e['signature']}\n" for e in lines)
        + "# <name> <public key> <fingerprint>: every key the key lines register\n"
        + "".join(f"key {name} {public} {keys.fingerprint(public)}\n" for name, public in sorted(registered))
        + "# the checkpoint in the header (the registry chain's): size and head\n"
        + f"checkpoint {cp['size']} {cp['head']}\n"
        + "# the file digest on the closing line\n"
        + f"digest {document['digest']}\n"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine, decision = build(Path(tmp))
        try:
            count = queries.export_trail(engine, decision, EXPORT)
            verdict = filecheck.verify_file(EXPORT)
            assert verdict.ok and verdict.events == count, verdict
        finally:
            engine.db.dispose()
    HASHES.write_text(expected_hashes(EXPORT), encoding="utf-8")
    print(f"wrote {EXPORT.name} ({count} events) and {HASHES.name}")


if __name__ == "__main__":
    main()
