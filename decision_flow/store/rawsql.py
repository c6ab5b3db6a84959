"""Plain SQL in a session's own transaction, through the database driver's cursor: the change
path's handful of short statements (which statements belong here: :mod:`decision_flow.store`).

A change runs about ten statements. Through SQLAlchemy's execution machinery (the ORM's or a
Core statement's) each costs 50–150 µs on this machine; through the driver's cursor, 5–10 µs
(benchmarks/throughput.py). Statements mark each parameter with ``?`` whatever the driver, name
only columns of `decision_flow.store.models`, and a driver error comes out as SQLAlchemy's own exception
(DBAPIError and its kinds), exactly as from any other statement. The objects read here are
plain model instances outside the session: they are written back with :func:`update`, never
through the session's unit of work.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Boolean
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import Session, SQLModel

from decision_flow.store.sql import Cursor

M = TypeVar("M", bound=SQLModel)


_HELD = "decision_flow.rawsql"  # the key of a session's cursor in `Session.info`


class Raw(Cursor):
    """The driver's cursor on `session`'s connection (beginning its transaction if need be),
    whose errors are raised as SQLAlchemy's.

    One cursor serves a transaction: it is kept in the session's `info` with the transaction it
    belongs to and taken again while that transaction is active (asking the session for its
    connection costs ~10 µs, and a change makes a Raw some ten times)."""

    def __init__(self, session: Session) -> None:
        held = session.info.get(_HELD)
        transaction = session.get_transaction() if held is not None else None
        if held is not None and transaction is held[0] and transaction is not None and transaction.is_active:
            _, self.dialect, cursor = held
        else:
            conn = session.connection()
            self.dialect, cursor = conn.dialect, conn.connection.cursor()
            session.info[_HELD] = (session.get_transaction(), self.dialect, cursor)
        super().__init__(cursor, self.dialect.name == "postgresql", self.dialect.loaded_dbapi.Error)
        self._session = session

    def commit(self) -> None:
        self._session.commit()

    def fault(self, exc: Exception, statement: str, params: tuple[Any, ...]) -> Exception:
        dbapi = self.dialect.loaded_dbapi
        return DBAPIError.instance(statement, params, exc, dbapi.Error, dialect=self.dialect)


@lru_cache(maxsize=32)
def columns(model: type[SQLModel]) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns)  # type: ignore[attr-defined]


@lru_cache(maxsize=32)
def _booleans(model: type[SQLModel]) -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(model.__table__.columns) if isinstance(c.type, Boolean))  # type: ignore[attr-defined]


def rows_as(model: type[M], rows: list[tuple[Any, ...]]) -> list[M]:
    """Model instances (outside any session) from rows of all of `model`'s columns, in order,
    made the way the ORM makes the objects it loads (a new instance whose attributes are filled
    in, without the constructor: that costs 40 µs an object here, ten times this)."""
    names, booleans = columns(model), _booleans(model)
    manager = manager_of_class(model)
    if not manager.mapper.configured:
        configure_mappers()  # what the ORM does before its first query: sets up the attributes
    made = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for i in booleans:  # SQLite keeps booleans as 0 and 1
            values[names[i]] = None if row[i] is None else bool(row[i])
        obj = manager.new_instance()
        obj.__dict__.update(values)
        object.__setattr__(obj, "__pydantic_fields_set__", set(names))
        made.append(obj)
    return made


def select_all(model: type[SQLModel]) -> str:
    """``SELECT <every column> FROM <table>``, to be followed by a WHERE clause."""
    return f"SELECT {', '.join(columns(model))} FROM {model.__tablename__}"


@lru_cache(maxsize=256)
def _update_sql(model: type[SQLModel], names: tuple[str, ...], guard: str | None) -> tuple[str, str]:
    """The UPDATE of `names` in one row of `model`'s table (by its key, and `guard` if given),
    and the name of that key."""
    table = model.__table__  # type: ignore[attr-defined]
    (key,) = table.primary_key.columns
    where = f"{key.name} = ?" + (f" AND {guard} = ?" if guard else "")
    return f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in names)} WHERE {where}", key.name


def update(raw: Raw, obj: SQLModel, guard: tuple[str, Any] | None = None, **changes: Any) -> int:
    """UPDATE `obj`'s row (by its primary key, and `guard` column = value if given) to `changes`;
    the object then holds them. The number of rows changed (0 when the guard no longer holds)."""
    sql, key = _update_sql(type(obj), tuple(changes), guard[0] if guard else None)
    params = (*changes.values(), getattr(obj, key), *((guard[1],) if guard else ()))
    count = raw.run(sql, *params)
    if count == 1:
        for name, value in changes.items():  # as written, and never again by a session's flush
            set_committed_value(obj, name, value)
    return count
