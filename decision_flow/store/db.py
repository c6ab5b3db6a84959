"""Opening the database: the one place that makes engines and sessions.

The default is an embedded SQLite file (``$XDG_DATA_HOME/dflow/dflow.db``, i.e.
``~/.local/share/dflow/dflow.db``); ``DFLOW_DB`` or ``--db`` takes any SQLAlchemy URL or a
plain file path. SQLite runs in WAL mode with ``synchronous=FULL`` and every transaction
begins ``IMMEDIATE``, so writers queue instead of failing half-way and a commit is durable.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, NoSuchModuleError
from sqlmodel import Session, create_engine

from decision_flow.core import secret
from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.store import models

_INIT_LOCK = 0x64666C6F77  # "dflow": the advisory lock that serialises schema upgrades on a server


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def default_url() -> str:
    """The URL used when neither --db nor DFLOW_DB is given."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'dflow' / 'dflow.db'}"


def normalise_url(value: str | None) -> str:
    """Accept a SQLAlchemy URL or a plain path to a SQLite file."""
    value = value or os.environ.get("DFLOW_DB") or default_url()
    if "://" in value:
        return value
    # a plain path: built as a URL so that '?' or '%' in a file name stay part of the name
    return URL.create("sqlite", database=str(Path(value).expanduser().absolute())).render_as_string(hide_password=False)


class Database:
    """A decision-flow database at `url`, with the evidence store that goes with it."""

    def __init__(self, url: str | None = None) -> None:
        given = url or os.environ.get("DFLOW_DB") or ""
        secret.url_password(given)  # whatever goes wrong later, its password is never shown
        try:
            given.encode("utf-8")  # undecodable bytes in --db / DFLOW_DB
            self.url = normalise_url(url)
            parsed = make_url(self.url)
            parsed.get_dialect()  # an unknown dialect or a missing driver is bad input, not a bug
        except (ArgumentError, NoSuchModuleError, UnicodeEncodeError, ValueError):
            shown = given.encode("utf-8", "backslashreplace").decode("utf-8")
            raise InvalidInput(Msg("db.bad_url", {"url": shown})) from None
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise InvalidInput(Msg("db.unsupported", {"url": self.display_url}))
        try:
            parsed.get_dialect().import_dbapi()
        except ImportError:
            raise InvalidInput(
                Msg("db.no_driver", {"url": self.display_url, "driver": parsed.get_driver_name()})
            ) from None
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path = Path(parsed.database) if self.is_sqlite and parsed.database else None
        self._engine: Engine | None = None
        self._read_engine: Engine | None = None
        self._ready = False  # set once `require` has seen the schema at head

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
        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=False)
        engine = create_engine(self.url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=FULL")
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
            dbapi_conn.execute("PRAGMA busy_timeout=30000")

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
            raise InvalidInput(
                Msg("db.unreachable", {"url": self.display_url, "why": exc.strerror or str(exc)})
            ) from None
        try:
            return inspect(self.engine).has_table("meta")
        except DatabaseError as exc:
            if self.is_sqlite:  # a file that is not an SQLite database at all
                raise InvalidInput(Msg("db.not_a_database", {"url": self.display_url})) from None
            raise InvalidInput(Msg("db.unreachable", {"url": self.display_url, "why": _first_line(exc)})) from None

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

        with self.engine.connect() as conn:
            try:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except DatabaseError:
                revision = None
        if revision != HEAD:
            raise InvalidInput(Msg("db.behind", {"url": self.display_url, "revision": revision or "—", "head": HEAD}))
        self._ready = True

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

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
        with Session(self.engine if write else self.read_engine, expire_on_commit=False) as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session for reading only whose every statement sees one snapshot of every table (on
        PostgreSQL REPEATABLE READ; SQLite's read transaction is one already): what verification
        and an export read across chains must agree."""
        with self.session(write=False) as session:
            if not self.is_sqlite:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (so a server database can be dropped, a file moved)."""
        for engine in (self._engine, self._read_engine):
            if engine is not None:
                engine.dispose()


__all__ = ["Database", "default_url", "models"]
