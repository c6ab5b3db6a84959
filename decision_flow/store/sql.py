"""Plain SQL through a database driver's cursor, and the SQLite connection every part of
decision-flow opens alike. Standard library only: nothing here loads SQLAlchemy (issue 17).

A :class:`Cursor` runs short statements whose parameters are marked ``?`` whatever the driver
(PostgreSQL's ``%s`` is put in for it). `decision_flow.store.rawsql.Raw` is one on an ORM
session's connection, raising SQLAlchemy's exceptions as any statement through SQLAlchemy
would; `decision_flow.store.db.Database.reading` gives one on a plain SQLite connection, which
raises the driver's own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

# Every SQLite connection: WAL, so readers never wait on a writer; a commit durable on disk; the
# schema's foreign keys enforced; a writer waits (30 s) for another's lock instead of failing.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
)


def configure(conn: sqlite3.Connection) -> None:
    """Set up a new SQLite connection as decision-flow uses every one: transactions begun by
    the caller (BEGIN IMMEDIATE to write, DEFERRED to read), and `PRAGMAS`."""
    conn.isolation_level = None
    for pragma in PRAGMAS:
        conn.execute(pragma)


def connect_sqlite(file: str) -> sqlite3.Connection:
    """A configured connection to the SQLite database `file` (which the caller knows exists)."""
    conn = sqlite3.connect(file, timeout=30)
    try:
        configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class Cursor:
    """Statements on a driver's `cursor` inside its connection's open transaction."""

    def __init__(self, cursor: Any, postgres: bool, errors: type[Exception] = sqlite3.Error) -> None:
        self._cursor, self.postgres, self._errors = cursor, postgres, errors

    def fault(self, exc: Exception, statement: str, params: tuple[Any, ...]) -> Exception:
        """The exception a driver error is raised as: the driver's own here."""
        return exc

    def _execute(self, sql: str, params: tuple[Any, ...], fetch: Callable[[Any], T]) -> T:
        """Run `sql` and `fetch` its outcome from the cursor; a driver error, from either (SQLite
        reports text that is not UTF-8 while fetching), is raised as `fault` makes it."""
        statement = _pyformat(sql) if self.postgres else sql
        try:
            self._cursor.execute(statement, params)
            return fetch(self._cursor)
        except self._errors as exc:
            made = self.fault(exc, statement, params)
            if made is exc:
                raise
            raise made from exc

    def one(self, sql: str, *params: Any) -> tuple[Any, ...] | None:
        row = self._execute(sql, params, lambda c: c.fetchone())
        return tuple(row) if row is not None else None

    def all(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._execute(sql, params, lambda c: list(c.fetchall()))  # both drivers give rows as tuples

    def run(self, sql: str, *params: Any) -> int:
        """A statement that returns no rows; how many rows it changed."""
        return self._execute(sql, params, lambda c: int(c.rowcount))

    def has_table(self, name: str) -> bool:
        """Whether the database holds the table `name` (in the schema the connection searches)."""
        if self.postgres:
            return self.one("SELECT to_regclass(?) IS NOT NULL", name) == (True,)
        return self.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name) is not None

    def insert(self, sql: str, *params: Any) -> int:
        """An INSERT into a table whose key is an integer `id`; the new row's id."""
        if self.postgres:
            return self._execute(sql + " RETURNING id", params, lambda c: int(c.fetchone()[0]))
        return self._execute(sql, params, lambda c: int(c.lastrowid))


def driver_error(exc: BaseException) -> bool:
    """Whether `exc` is the database's: an error of the SQLite or PostgreSQL driver, or
    SQLAlchemy's around one."""
    return any(
        k.__name__ in ("Error", "DBAPIError") and k.__module__.split(".")[0] in ("sqlite3", "psycopg", "sqlalchemy")
        for k in type(exc).__mro__
    )


def integrity_error(exc: BaseException) -> bool:
    """Whether `exc` is a constraint the database refused (a unique key taken, say): the driver's
    IntegrityError, or SQLAlchemy's around it (PEP 249 names that class in every driver)."""
    return any(
        k.__name__ == "IntegrityError" and not k.__module__.startswith("decision_flow") for k in type(exc).__mro__
    )
