"""Regenerate the audit-format test vectors (from the repository root)::

    python -m tests.vectors.make_vectors

A short decision run through the engine on a fresh SQLite database with the fixed clock and
date of tests/conftest.py, so the output is the same on every run: its creation, one refused
attempt (a skip to legality review), a record with Chinese text (and a line break inside a
value), the step's completion and the advance to drafting. The users are registered directly
in the table, without audit events, so these events are the database's whole chain (seq 1 to
5): tests/test_trailfile.py loads them back into a database and the database verifier
checks exactly the bytes the file holds. In an ordinary export seq has gaps (other
decisions' and user events); only decision_seq runs without one.

Writes trail-export.json (the export, docs/audit-format.md) and expected-hashes.txt (each
event's seq and hash, the checkpoint, and the file digest) beside this script. A change that
alters these bytes is a change of format or of what the engine records: review it before
committing the regenerated files.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from decision_flow.core.errors import Blocked
from decision_flow.engine import Engine, queries
from decision_flow.store.db import Database
from decision_flow.store.models import User
from decision_flow.trail import trailfile
from tests.conftest import TODAY, Clock
from tests.flow import OFFICER, REVIEWER, new_decision, record_valid

HERE = Path(__file__).parent
EXPORT = HERE / "trail-export.json"
HASHES = HERE / "expected-hashes.txt"
TITLE = "沙河乡农贸市场搬迁"
UNIT = "沙河乡经济发展办公室\n（农贸市场搬迁专班）"


def build(directory: Path) -> tuple[Engine, int]:
    """The vectors' database in `directory`: an engine on it and the decision's id."""
    db = Database(f"sqlite:///{directory / 'vectors.db'}")
    engine = Engine(db, now=Clock(), today=lambda: TODAY)
    db.init()
    with db.session() as s:
        for name, roles in ((OFFICER, "officer"), (REVIEWER, "legal_reviewer")):
            s.add(User(name=name, roles=roles, created_at="2024-12-31T00:00:00.000000Z"))
        s.commit()
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
    return (
        "# decision-flow audit-format test vectors: tests/vectors/trail-export.json\n"
        "# <seq> <hash>: each event's SHA-256 by docs/audit-format.md, in file order\n"
        + "".join(f"{e['seq']} {e['hash']}\n" for e in document["events"])
        + "# the checkpoint in the header: size and head\n"
        + f"checkpoint {cp['size']} {cp['head']}\n"
        + "# the file digest on the closing line\n"
        + f"digest {document['digest']}\n"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine, decision = build(Path(tmp))
        try:
            count = queries.export_trail(engine, decision, EXPORT)
            verdict = trailfile.verify_file(EXPORT)
            assert verdict.ok and verdict.events == count, verdict
        finally:
            engine.db.dispose()
    HASHES.write_text(expected_hashes(EXPORT), encoding="utf-8")
    print(f"wrote {EXPORT.name} ({count} events) and {HASHES.name}")


if __name__ == "__main__":
    main()
