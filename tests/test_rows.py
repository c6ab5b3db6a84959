"""The plain rows the commands read and write without the ORM (decision_flow/store/row.py,
rows.py): generated from the one schema, naming exactly the columns the migrations make, read
and written on a real database."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from decision_flow.engine import Engine
from decision_flow.store import models, rowgen, rows
from decision_flow.store.db import Database
from decision_flow.store.rawsql import Raw
from decision_flow.store.row import insert, one_as, rows_as, select_all, update
from tests.flow import OFFICER, new_decision

ROWS = Path(rowgen.__file__).with_name("rows.py")


def test_rows_py_is_what_the_models_make() -> None:
    assert ROWS.read_text(encoding="utf-8") == rowgen.source(), "run: python -m decision_flow.store.rowgen"


def test_every_table_has_a_row_class_of_its_columns_key_and_defaults() -> None:
    for model in rowgen.tables():
        row = getattr(rows, model.__name__)
        table = model.__table__  # type: ignore[attr-defined]
        assert row.__slots__ == tuple(c.name for c in table.columns)
        assert row.TABLE == table.name and row.KEY == tuple(c.name for c in table.primary_key.columns)
    made = rows.Decision(
        title="t", workflow="w", workflow_version=1, workflow_sha256="s", stage="a", created_at="x", created_by="y"
    )
    assert made.model_dump() == models.Decision(**made.model_dump()).model_dump()  # the model's defaults


def _migrated_columns_sqlite(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: [c[1] for c in conn.execute(f"PRAGMA table_info({n})")] for n in names}
    finally:
        conn.close()


def test_the_row_classes_name_the_columns_the_migrations_make_on_sqlite(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "m.db"))
    db.init()
    db.dispose()
    found = _migrated_columns_sqlite(tmp_path / "m.db")
    for model in rowgen.tables():
        row = getattr(rows, model.__name__)
        assert sorted(found[row.TABLE]) == sorted(row.__slots__), row.TABLE


@pytest.mark.skipif(not os.environ.get("DFLOW_TEST_PG"), reason="DFLOW_TEST_PG is not set (a PostgreSQL URL)")
def test_the_row_classes_name_the_columns_the_migrations_make_on_postgresql() -> None:
    import psycopg

    url = os.environ["DFLOW_TEST_PG"]
    schema = f"rows_{uuid.uuid4().hex[:12]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        try:
            db = Database(f"{url}?options=-csearch_path%3D{schema}")
            db.init()
            db.dispose()
            found: dict[str, list[str]] = {}
            for table, column in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s", (schema,)
            ):
                found.setdefault(table, []).append(column)
            for model in rowgen.tables():
                row = getattr(rows, model.__name__)
                assert sorted(found[row.TABLE]) == sorted(row.__slots__), row.TABLE
        finally:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.parametrize("name", ["User", "Decision", "StepRecord"])
def test_rows_read_plainly_equal_what_the_orm_loads(engine: Engine, name: str) -> None:
    i = new_decision(engine)
    engine.record(i, "initiation", ["undertaking_unit=沙河乡人民政府"], [], OFFICER)
    model, row = getattr(models, name), getattr(rows, name)
    with engine.db.session(write=False) as s:
        loaded = list(s.exec(select(model)).all())
    with engine.db.reading() as cur:
        plain = rows_as(row, cur.all(select_all(row)))
    assert loaded and [o.model_dump() for o in plain] == [o.model_dump() for o in loaded]
    assert all(type(getattr(o, "active", True)) is bool for o in plain)  # SQLite's 0/1 read as booleans


def test_insert_gives_a_serial_key_and_update_holds_to_its_guard(engine: Engine) -> None:
    i = new_decision(engine)
    with engine.db.session() as s:
        cur = Raw(s)
        dec = one_as(rows.Decision, cur.one(f"{select_all(rows.Decision)} WHERE id = ?", i))
        assert dec is not None
        copy = rows.Decision(**{**dec.model_dump(), "id": None, "title": "另一件"})
        insert(cur, copy)
        assert copy.id == i + 1
        assert update(cur, dec, ("version", dec.version + 5), title="不应写入") == 0 and dec.title != "不应写入"
        assert update(cur, dec, ("version", dec.version), version=dec.version + 1) == 1 and dec.version == 2
        s.commit()
    with engine.db.reading() as cur:
        assert cur.one("SELECT title, version FROM decisions WHERE id = ?", i) == (dec.title, 2)
        assert cur.one("SELECT title FROM decisions WHERE id = ?", i + 1) == ("另一件",)


def test_a_row_class_is_required() -> None:
    with pytest.raises(TypeError, match="not a row class"):
        select_all(models.Decision)
