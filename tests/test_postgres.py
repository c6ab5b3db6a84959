"""The same procedure, trail and refusals on a real PostgreSQL server (DFLOW_TEST_PG).

Each test run creates its own database and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from decision_flow import queries, users
from decision_flow.db import Database
from decision_flow.engine import Engine
from decision_flow.errors import Blocked
from tests.flow import ADMIN, EXECUTIVE, OFFICER, REVIEWER, bring_to, new_decision, record_valid

PG_URL = os.environ.get("DFLOW_TEST_PG")
pytestmark = pytest.mark.skipif(not PG_URL, reason="DFLOW_TEST_PG is not set: no PostgreSQL server to test against")


@pytest.fixture(scope="module")
def evidence_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One evidence directory for the module's database (evidence of a server database is
    kept under DFLOW_EVIDENCE_DIR until it moves into the database itself)."""
    return tmp_path_factory.mktemp("evidence")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    assert PG_URL is not None
    name = f"dflow_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_engine(pg_url: str, evidence_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("DFLOW_EVIDENCE_DIR", str(evidence_dir))
    db = Database(pg_url)
    engine = Engine(db, today=lambda: date(2024, 12, 31))
    users.init(engine, ADMIN)
    for name, role in ((OFFICER, "officer"), (REVIEWER, "legal_reviewer"), (EXECUTIVE, "executive")):
        if name not in {u.name for u in users.list_users(engine)}:
            users.add(engine, name, [role], ADMIN)
    yield engine
    db.dispose()


def test_postgres_walk_to_archive_verifies(pg_engine: Engine, tmp_path: Path) -> None:
    i = new_decision(pg_engine, ["stability_risk"])
    bring_to(pg_engine, i, "archiving", tmp_path)
    record_valid(pg_engine, i, "archiving", tmp_path)
    assert pg_engine.advance(i, OFFICER) == "archived"
    assert queries.show(pg_engine, i)["status"] == "archived"
    verdict = queries.verify(pg_engine)
    assert verdict.ok, verdict


def test_postgres_refusal_is_recorded_and_changes_nothing(pg_engine: Engine, tmp_path: Path) -> None:
    i = new_decision(pg_engine)
    before = queries.show(pg_engine, i)
    with pytest.raises(Blocked) as refused:
        pg_engine.advance(i, OFFICER, to="legality_review")
    assert refused.value.reasons[0].rule == "stage_order"
    assert queries.show(pg_engine, i) == before
    events = queries.trail(pg_engine, i)["events"]
    assert events[-1]["action"] == "refused"
    assert events[-1]["data"]["attempted"] == "advance"
    assert queries.verify(pg_engine).ok
