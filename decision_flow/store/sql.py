"""Plain SQL through a database driver's cursor, the SQLite connection every part of
decision-flow opens alike, and the pool of connections the reads and changes take. Standard
library only: nothing here loads SQLAlchemy (issue 17).

A :class:`Cursor` runs short statements whose parameters are marked ``?`` whatever the driver
(PostgreSQL's ``%s`` is put in for it). `decision_flow.store.db.Database.reading` and `writing`
give one on a pooled SQLite or psycopg connection, which raises the driver's own errors
(:func:`driver_error` and :func:`integrity_error` recognise them whatever the driver);
`decision_flow.store.rawsql.Raw` is one on an ORM session's connection, raising SQLAlchemy's.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    """A configured connection to the SQLite database `file` (which the caller knows exists).
    It may be closed from another thread than the one using it (`Pool.close`)."""
    conn = sqlite3.connect(file, timeout=30, check_same_thread=False)
    try:
        configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


class Pool:
    """Connections to one database kept for reuse, one at a time per user: each thread takes an
    idle one of its own or opens another (a read inside a change gets a second), and gives it
    back with its transaction ended. A process forked from this one opens its own.

    `connect` opens a connection whose transactions the caller begins; `pending` says whether
    one is left open (then rolled back); `broken` are the errors after which a connection is
    closed rather than kept."""

    def __init__(
        self, connect: Callable[[], Any], pending: Callable[[Any], bool], broken: type[Exception] = sqlite3.Error
    ) -> None:
        self._connect, self._pending, self._broken = connect, pending, broken
        self._local = threading.local()
        self._opened: list[Any] = []
        self._lock = threading.Lock()

    @classmethod
    def sqlite(cls, file: str, connect: Callable[[str], sqlite3.Connection]) -> Pool:
        return cls(lambda: connect(file), lambda conn: bool(conn.in_transaction))

    def _idle(self) -> list[Any]:
        held = getattr(self._local, "idle", None)
        if held is None or held[0] != os.getpid():
            held = self._local.idle = (os.getpid(), [])
        idle: list[Any] = held[1]
        return idle

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A connection outside any transaction; whatever the user left open is rolled back."""
        idle = self._idle()
        conn = idle.pop() if idle else None
        if conn is None:
            conn = self._connect()
            with self._lock:
                self._opened.append(conn)
        try:
            yield conn
        finally:
            try:
                if self._pending(conn):
                    conn.rollback()
            except self._broken:  # e.g. the file went away, the server closed it: done with
                self._discard(conn)
            else:
                idle.append(conn)

    def _discard(self, conn: Any) -> None:
        with self._lock:
            if conn in self._opened:
                self._opened.remove(conn)
        try:
            conn.close()  # rolls back
        except self._broken:
            pass

    def close(self) -> None:
        """Close every connection of this process (so the file can be moved, the database dropped)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            try:
                conn.close()
            except self._broken:
                pass
        self._local = threading.local()


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class Cursor:
    """Statements on a driver's `cursor` inside its connection's open transaction."""

    def __init__(self, cursor: Any, postgres: bool, errors: type[Exception] = sqlite3.Error) -> None:
        self._cursor, self.postgres, self._errors = cursor, postgres, errors

    def commit(self) -> None:
        """Commit the transaction (a change's: its rows and its audit event together)."""
        self._execute("COMMIT", (), lambda c: None)

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
