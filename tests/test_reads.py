"""Reading takes no write lock on SQLite: an auditor verifying or exporting never stops
officers from working, and sees one consistent snapshot while doing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from decision_flow.engine import Engine, queries, verification
from decision_flow.store.models import AuditEvent
from decision_flow.trail import audit
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
    assert verification.verify(engine).ok


def test_verify_runs_while_the_chain_grows(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    with engine.db.session(write=False) as reader:
        events = audit.iter_stored(reader, batch=1)
        first = next(events)
        engine.record(i, "initiation", ["undertaking_unit=沙河乡经济发展办公室"], [], OFFICER)
        rest = list(events)
    assert first[0]["seq"] == 1
    assert [c["seq"] for c, *_ in rest] == list(range(2, len(rest) + 2))
    assert verification.verify(engine).ok


def test_list_by_stage_reads_one_covering_index(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`list --stage` is answered from ix_decisions_stage_list alone, in id order: at 100,000
    decisions that is 141 pages read instead of 5,325 (benchmarks/scale.py)."""
    import sqlite3

    import decision_flow.store.db as db_module
    from decision_flow.store.sql import connect_sqlite

    issued: list[str] = []  # the statements as SQLite ran them, their values in place

    def traced(file: str) -> sqlite3.Connection:
        conn = connect_sqlite(file)
        conn.set_trace_callback(lambda sql: issued.append(sql) if sql.startswith("SELECT id, title") else None)
        return conn

    engine.db.dispose()  # the read opens a new connection, traced from the start
    monkeypatch.setattr(db_module, "connect_sqlite", traced)
    queries.list_decisions(engine, stage="legality_review")
    monkeypatch.undo()
    (statement,) = issued
    with engine.db.reading() as cur:
        plan = " ".join(str(row[-1]) for row in cur.all(f"EXPLAIN QUERY PLAN {statement}"))
    assert "USING COVERING INDEX ix_decisions_stage_list" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
