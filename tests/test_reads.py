"""Reading takes no write lock on SQLite: an auditor verifying or exporting never stops
officers from working, and sees one consistent snapshot while doing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import select

from decision_flow.engine import Engine, queries
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


def test_list_by_stage_reads_one_covering_index(engine: Engine) -> None:
    """`list --stage` is answered from ix_decisions_stage_list alone, in id order: at 100,000
    decisions that is 141 pages read instead of 5,325 (benchmarks/scale.py)."""
    from sqlalchemy import event

    issued: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().startswith("SELECT decisions.id"):
            issued.append((statement, parameters))

    event.listen(engine.db.read_engine, "before_cursor_execute", capture)
    try:
        queries.list_decisions(engine, stage="legality_review")
    finally:
        event.remove(engine.db.read_engine, "before_cursor_execute", capture)
    ((statement, parameters),) = issued
    with engine.db.read_engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "USING COVERING INDEX ix_decisions_stage_list" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
