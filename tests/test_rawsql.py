"""The driver's cursor on an ORM session (decision_flow.store.rawsql) on a real SQLite file: a
driver error is SQLAlchemy's own, so it is handled (and rolled back) like any other statement's,
and the engine's reads through it equal what the ORM loads."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from decision_flow.engine import Engine
from decision_flow.engine.change import acting_user, load_case
from decision_flow.store import models
from decision_flow.store.rawsql import Raw
from tests.flow import OFFICER, new_decision


def test_a_driver_error_is_sqlalchemys_and_rolls_the_change_back(engine: Engine) -> None:
    with pytest.raises(IntegrityError, match="UNIQUE"), engine.db.session() as s:
        Raw(s).run("UPDATE users SET roles = 'officer,admin' WHERE name = ?", OFFICER)
        Raw(s).run("INSERT INTO users (name, roles, active, created_at) VALUES (?, 'officer', 1, 'x')", OFFICER)
    with engine.db.session(write=False) as s:
        assert s.get(models.User, OFFICER).roles == "officer"


def test_the_engines_reads_in_a_session_equal_what_the_orm_loads(engine: Engine) -> None:
    i = new_decision(engine)
    with engine.db.session(write=False) as s:
        assert load_case(s, i).model_dump() == s.exec(select(models.Decision)).one().model_dump()
        assert acting_user(s, OFFICER).model_dump() == s.get(models.User, OFFICER).model_dump()
