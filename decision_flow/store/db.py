"""Opening the database: the one place that makes engines and sessions.

The default is an embedded SQLite file (``$XDG_DATA_HOME/dflow/dflow.db``, i.e.
``~/.local/share/dflow/dflow.db``); ``DFLOW_DB`` or ``--db`` takes any SQLAlchemy URL or a
plain file path. SQLite runs in WAL mode with ``synchronous=FULL`` and every transaction
begins ``IMMEDIATE``, so writers queue instead of failing half-way and a commit is durable.

On a plain SQLite file (decision_flow/store/url.py), opening the database, checking that it is
initialised and at this version's schema, and `Database.reading` load no SQLAlchemy: the driver
alone, configured as every connection is (decision_flow/store/sql.py). SQLAlchemy is loaded
when an engine or a session is first asked for (issue 17: the commands' start-up).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from decision_flow.core import secret
from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.store.sql import Cursor, Pool, configure, connect_sqlite
from decision_flow.store.url import PgUrl, SqliteUrl, default_url, normalise_url, pg_url, sqlite_url

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

_INIT_LOCK = 0x64666C6F77  # "dflow": the advisory lock that serialises schema upgrades on a server


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


class Database:
    """A decision-flow database at `url`, with the evidence store that goes with it."""

    def __init__(self, url: str | None = None) -> None:
        given = url or os.environ.get("DFLOW_DB") or ""
        secret.url_password(given)  # whatever goes wrong later, its password is never shown
        try:
            given.encode("utf-8")  # undecodable bytes in --db / DFLOW_DB
            self.url = normalise_url(url)
            if "\0" in self.url:
                raise ValueError("NUL")
        except (UnicodeEncodeError, ValueError):
            raise self._bad_url(given) from None
        self._sqlite: SqliteUrl | None = sqlite_url(self.url)  # a plain SQLite file: read without SQLAlchemy
        self._pg: PgUrl | None = pg_url(self.url)  # a PostgreSQL server through psycopg: so too
        if self._sqlite is not None:
            self.is_sqlite, database = True, self._sqlite.database
        elif self._pg is not None:
            self.is_sqlite, database = False, self._check_pg(given)
        else:
            self.is_sqlite, database = self._server_url(given)
        self.path = Path(database) if self.is_sqlite and database else None
        self._engine: Engine | None = None
        self._read_engine: Engine | None = None
        self._pool = self._driver_pool()
        self._ready = False  # set once `require` has seen the schema at head

    @staticmethod
    def _bad_url(given: str) -> InvalidInput:
        shown = given.encode("utf-8", "backslashreplace").decode("utf-8")
        return InvalidInput(Msg("db.bad_url", {"url": shown}))

    def _check_pg(self, given: str) -> str | None:
        """Check a PostgreSQL URL psycopg opens: one whose port is a number, with psycopg
        installed. Its database."""
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(self.url)
            _ = parts.port  # a port that is no number is bad input
        except ValueError:
            raise self._bad_url(given) from None
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise InvalidInput(Msg("db.no_driver", {"url": self.display_url, "driver": "psycopg"})) from None
        return parts.path.lstrip("/") or None

    def _driver_pool(self) -> Pool | None:
        """The connections that reads and changes take through the driver alone: to a plain
        SQLite file, or to a PostgreSQL server through psycopg (None: through SQLAlchemy, as an
        SQLite database in memory, which lives in one connection, or another URL)."""
        if self._sqlite is not None and self._sqlite.file != ":memory:":
            return Pool.sqlite(self._sqlite.file, lambda file: connect_sqlite(file))
        if self._pg is not None:
            import psycopg
            from psycopg.pq import TransactionStatus

            conninfo = self._pg.conninfo
            return Pool(
                lambda: psycopg.connect(conninfo, autocommit=True),  # each transaction begun by the caller
                lambda conn: conn.info.transaction_status != TransactionStatus.IDLE,
                psycopg.Error,
            )
        return None

    def _server_url(self, given: str) -> tuple[bool, str | None]:
        """Check a URL SQLAlchemy must read: one it can parse, of a database we support, whose
        driver is installed. Whether it is SQLite's, and its database."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            parsed = make_url(self.url)
            parsed.get_dialect()  # an unknown dialect or a missing driver is bad input, not a bug
        except (ArgumentError, NoSuchModuleError, ValueError):
            raise self._bad_url(given) from None
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise InvalidInput(Msg("db.unsupported", {"url": self.display_url}))
        try:
            parsed.get_dialect().import_dbapi()
        except ImportError:
            raise InvalidInput(
                Msg("db.no_driver", {"url": self.display_url, "driver": parsed.get_driver_name()})
            ) from None
        return parsed.get_backend_name() == "sqlite", parsed.database

    @property
    def evidence_dir(self) -> Path:
        """Where the evidence files of an SQLite database live: beside its file (a server database
        keeps them inside itself, see `decision_flow.store.evidence`)."""
        if self.path is not None:
            return self.path.with_name(self.path.name + ".evidence")
        return Path(default_url()[len("sqlite:///") :]).with_name("evidence")  # an in-memory SQLite

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    @property
    def read_engine(self) -> Engine:
        """On SQLite, an engine whose transactions begin DEFERRED: a read (show, list, verify, an
        export) sees one consistent snapshot and never holds the write lock, so officers can go
        on writing while an auditor verifies or exports. Elsewhere the same engine."""
        if not self.is_sqlite:
            return self.engine
        if self._read_engine is None:
            self._read_engine = self._make_engine(begin="BEGIN DEFERRED")
        return self._read_engine

    def _make_engine(self, begin: str = "BEGIN IMMEDIATE") -> Engine:
        from sqlalchemy import event
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import create_engine

        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=False)
        engine = create_engine(self.url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            configure(dbapi_conn)  # as every SQLite connection (decision_flow.store.sql)

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # through the driver: SQLAlchemy's execution of one statement costs ~30 µs a change
            driver = conn.connection.driver_connection
            try:
                driver.execute(begin)
            except sqlite3.Error as exc:  # e.g. still locked after the busy timeout: SQLAlchemy's own error
                raise DBAPIError.instance(begin, (), exc, sqlite3.Error, dialect=conn.dialect) from exc

        return engine

    def exists(self) -> bool:
        """Whether the database has been initialised (never creates a file to find out)."""
        try:
            if self.path is not None and not self.path.exists():
                return False
        except OSError as exc:  # e.g. a name longer than the file system allows
            raise self._unreachable(exc.strerror or str(exc)) from None
        if self._sqlite is not None:
            try:
                with self.reading() as cur:
                    return cur.has_table("meta")
            except sqlite3.DatabaseError:  # a file that is not an SQLite database at all
                raise InvalidInput(Msg("db.not_a_database", {"url": self.display_url})) from None
        if self._pg is not None:
            import psycopg

            try:
                with self.reading() as cur:
                    return cur.has_table("meta")
            except psycopg.Error as exc:  # the server cannot be reached, or refuses the login
                raise self._unreachable(_first_line(exc)) from None
        from sqlalchemy import inspect
        from sqlalchemy.exc import DatabaseError

        try:
            return inspect(self.engine).has_table("meta")
        except DatabaseError as exc:
            if self.is_sqlite:  # a file that is not an SQLite database at all
                raise InvalidInput(Msg("db.not_a_database", {"url": self.display_url})) from None
            raise self._unreachable(_first_line(exc)) from None

    def _unreachable(self, why: str) -> InvalidInput:
        return InvalidInput(Msg("db.unreachable", {"url": self.display_url, "why": why}))

    def require(self) -> None:
        """Refuse clearly when the database was never initialised or is behind this version's
        schema (one cheap query; `dflow init` upgrades it). Checked once per Database object: a
        long-running caller does not pay for it on every change."""
        if self._ready:
            return
        if not self.exists():
            raise InvalidInput(Msg("db.not_initialised", {"url": self.display_url}))
        from decision_flow.store.migrations import HEAD

        revision = self._revision()
        if revision != HEAD:
            raise InvalidInput(Msg("db.behind", {"url": self.display_url, "revision": revision or "—", "head": HEAD}))
        self._ready = True

    def _revision(self) -> str | None:
        """The schema's migration revision (None: none recorded)."""
        if self._pool is not None:
            with self.reading() as cur:
                if not cur.has_table("alembic_version"):
                    return None
                found = cur.one("SELECT version_num FROM alembic_version")
            return found[0] if found else None
        from sqlalchemy import text
        from sqlalchemy.exc import DatabaseError

        with self.engine.connect() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except DatabaseError:
                return None

    @property
    def display_url(self) -> str:
        if self._sqlite is not None:
            return self._sqlite.display
        if self._pg is not None:
            return self._pg.display
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def forkable(self) -> bool:
        """Whether a process forked from this one may read the database on its own: through the
        driver's pool, which opens a forked process its own connections (not through SQLAlchemy,
        nor to an SQLite database in memory, which lives in this process alone)."""
        return self._pool is not None

    def reading(self) -> AbstractContextManager[Cursor]:
        """Plain SQL in a transaction for reading only, rolled back at the end, every statement
        seeing one snapshot of every table (what verification and an export read across chains
        agrees): through the driver alone (no SQLAlchemy is loaded) on a plain SQLite file, its
        transaction DEFERRED, and on PostgreSQL through psycopg, REPEATABLE READ; elsewhere on
        a session's connection (`decision_flow.store.rawsql.Raw`)."""
        return self._transaction("BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", write=False)

    def writing(self) -> AbstractContextManager[Cursor]:
        """Plain SQL in a transaction that writes, which the caller commits (`Cursor.commit`: a
        change's rows and its audit event together); rolled back otherwise. Through the driver
        alone on a plain SQLite file, begun IMMEDIATE like every change's (writers queue for the
        lock, none fails half-way), and on PostgreSQL through psycopg (READ COMMITTED, the case's
        row and its chain locked by the change); elsewhere on a session's connection."""
        return self._transaction("BEGIN IMMEDIATE", "BEGIN", write=True)

    @contextmanager
    def _transaction(self, sqlite_begin: str, pg_begin: str, write: bool) -> Iterator[Cursor]:
        if self._pool is None:
            from decision_flow.store.rawsql import Raw

            with self.session(write=write) as session:
                if not write and not self.is_sqlite:
                    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                yield Raw(session)
            return
        with self._pool.connection() as conn:  # what is not committed is rolled back when given back
            if self._pg is not None:
                import psycopg

                conn.execute(pg_begin)
                yield Cursor(conn.cursor(), postgres=True, errors=psycopg.Error)
            else:
                conn.execute(sqlite_begin)
                yield Cursor(conn.cursor(), postgres=False)

    def init(self) -> bool:
        """Create the schema, or upgrade it, to the newest migration (idempotent); return whether
        the database was created. What runs is decided by `decision_flow.store.migrations.upgrade`."""
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InvalidInput(
                    Msg("db.unreachable", {"url": self.display_url, "why": exc.strerror or str(exc)})
                ) from None
        self.exists()  # an unreachable server or a file that is no database is refused here, clearly
        from sqlalchemy import inspect, text

        from decision_flow.store import migrations  # Alembic is loaded here only: other commands stay fast

        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two inits at once: the second waits, then has nothing to do
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INIT_LOCK})
            created = not inspect(conn).has_table("meta")
            migrations.upgrade(conn)
        return created

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """A session whose transaction the caller commits; rolled back on any error. A session
        for reading only (`write=False`) takes no write lock on SQLite."""
        from sqlmodel import Session

        with Session(self.engine if write else self.read_engine, expire_on_commit=False) as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection (so a server database can be dropped, a file moved)."""
        for engine in (self._engine, self._read_engine):
            if engine is not None:
                engine.dispose()
        if self._pool is not None:
            self._pool.close()


__all__ = ["Database", "default_url", "normalise_url"]
