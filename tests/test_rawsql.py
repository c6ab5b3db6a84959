"""The change path's plain SQL (decision_flow.store.rawsql) on a real SQLite file: objects read with
it equal what the ORM loads from the same rows, and a driver error is SQLAlchemy's own, so it
is handled (and rolled back) like any other."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from decision_flow.engine import Engine
from decision_flow.store.models import Decision, StepRecord, User
from decision_flow.store.rawsql import Raw, rows_as, select_all
from tests.flow import OFFICER, new_decision


@pytest.mark.parametrize("model", [User, Decision, StepRecord])
def test_rows_read_plainly_equal_what_the_orm_loads(engine: Engine, model: type) -> None:
    i = new_decision(engine)
    engine.record(i, "initiation", ["undertaking_unit=沙河乡人民政府"], [], OFFICER)
    with engine.db.session(write=False) as s:
        loaded = list(s.exec(select(model)).all())
        plain = rows_as(model, Raw(s).all(select_all(model)))
    assert loaded and [o.model_dump() for o in plain] == [o.model_dump() for o in loaded]
    assert all(type(getattr(o, "active", True)) is bool for o in plain)  # SQLite's 0/1 read as booleans


def test_a_driver_error_is_sqlalchemys_and_rolls_the_change_back(engine: Engine) -> None:
    with pytest.raises(IntegrityError, match="UNIQUE"), engine.db.session() as s:
        Raw(s).run("UPDATE users SET roles = 'officer,admin' WHERE name = ?", OFFICER)
        Raw(s).run("INSERT INTO users (name, roles, active, created_at) VALUES (?, 'officer', 1, 'x')", OFFICER)
    with engine.db.session(write=False) as s:
        assert s.get(User, OFFICER).roles == "officer"
