"""The driver's cursor on an ORM session's connection, in the session's own transaction: the
engine's plain SQL (:mod:`decision_flow.store.row`) where a database is opened through
SQLAlchemy (a URL the driver path does not take, or a caller holding a session, as `dflow init`
and a test do). A driver error comes out as SQLAlchemy's own exception (DBAPIError and its
kinds), exactly as from any other statement through the session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from decision_flow.store.sql import Cursor

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
