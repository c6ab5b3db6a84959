"""Reading takes no write lock on SQLite: an auditor verifying or exporting never stops
officers from working, and sees one consistent snapshot while doing it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from decision_flow import audit, queries
from decision_flow.engine import Engine
from decision_flow.models import AuditEvent
from tests.flow import OFFICER, new_decision, record_valid


def test_a_long_read_does_not_block_a_writer_and_sees_a_snapshot(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    with engine.db.session(write=False) as reader:
        before = len(reader.exec(select(AuditEvent.seq)).all())  # the read transaction is open
        # a writer commits meanwhile (were reads to BEGIN IMMEDIATE, it would wait 30 s and fail)
        record_valid(engine, i, "initiation", files)
        after_in_snapshot = len(reader.exec(select(AuditEvent.seq)).all())
    assert after_in_snapshot == before  # one consistent snapshot for the whole read
    assert len(queries.trail(engine, i)["events"]) == 2  # created + recorded, committed
    assert queries.verify(engine).ok


def test_verify_runs_while_the_chain_grows(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    with engine.db.session(write=False) as reader:
        events = audit.iter_stored(reader, batch=1)
        first = next(events)
        engine.record(i, "initiation", ["undertaking_unit=沙河乡经济发展办公室"], [], OFFICER)
        rest = list(events)
    assert first[0]["seq"] == 1
    assert [c["seq"] for c, *_ in rest] == list(range(2, len(rest) + 2))
    assert queries.verify(engine).ok
