"""The PostgreSQL server the tests use (DFLOW_TEST_PG), and a database per test run on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("DFLOW_TEST_PG")
NO_PG = "DFLOW_TEST_PG is not set: no PostgreSQL server to test against"


@contextmanager
def pg_database(prefix: str = "dflow_test") -> Iterator[str]:
    """The URL of a new, empty database on the server, dropped (forcibly) afterwards."""
    assert PG_URL is not None, NO_PG
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
