"""A database's URL, read without SQLAlchemy where it names a plain SQLite file or a PostgreSQL
server through psycopg (issue 17: the read and change paths load no ORM).

``--db`` and ``DFLOW_DB`` take any SQLAlchemy URL or a plain path to a SQLite file. A URL of the
form ``sqlite:///FILE`` (or ``sqlite+pysqlite:///FILE``, or ``sqlite://`` for a database in
memory), with no host and no query, is read here exactly as SQLAlchemy's `make_url` reads it
(the file name percent-decoded) and shown as its `render_as_string` shows it; anything else is
left to SQLAlchemy. tests/test_store_url.py holds both readings side by side. A PostgreSQL URL
(``postgresql+psycopg://``) is handed to psycopg as libpq reads it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

_SQLITE = re.compile(r"(?P<driver>sqlite(?:\+pysqlite)?)://(?:/(?P<database>[^?]*))?")


def default_url() -> str:
    """The URL used when neither --db nor DFLOW_DB is given."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'dflow' / 'dflow.db'}"


def _render(driver: str, database: str | None) -> str:
    return f"{driver}://" + ("" if database is None else "/" + quote(database, safe=" +/"))


def normalise_url(value: str | None) -> str:
    """Accept a SQLAlchemy URL or a plain path to a SQLite file."""
    value = value or os.environ.get("DFLOW_DB") or default_url()
    if "://" in value:
        return value
    # a plain path: built as a URL so that '?' or '%' in a file name stay part of the name
    return _render("sqlite", str(Path(value).expanduser().absolute()))


class SqliteUrl:
    """A plain SQLite URL: its driver and its file (None: a database in memory)."""

    def __init__(self, driver: str, database: str | None) -> None:
        self.driver, self.database = driver, database

    @property
    def display(self) -> str:
        """As SQLAlchemy shows the URL (there is no password to hide)."""
        return _render(self.driver, self.database)

    @property
    def file(self) -> str:
        """What the driver opens, as SQLAlchemy's SQLite dialect opens it: an absolute path."""
        if self.database in (None, "", ":memory:"):
            return ":memory:"
        return os.path.abspath(self.database)


def sqlite_url(url: str) -> SqliteUrl | None:
    """`url` read as a plain SQLite URL, or None when SQLAlchemy must read it."""
    found = _SQLITE.fullmatch(url)
    if found is None:
        return None
    database = found.group("database")
    return SqliteUrl(found.group("driver"), None if database is None else unquote(database))


_POSTGRES = ("postgresql+psycopg",)  # psycopg 3, as SQLAlchemy names it (plain postgresql:// means psycopg2 there)


class PgUrl:
    """A PostgreSQL URL psycopg opens: `conninfo` as libpq reads it, shown with its password hidden."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conninfo = "postgresql://" + url.split("://", 1)[1]

    @property
    def display(self) -> str:
        """The URL with its password as ``***`` (as SQLAlchemy shows it)."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        user, _, host = parts.netloc.rpartition("@")
        name = user.split(":", 1)[0]
        return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


def pg_url(url: str) -> PgUrl | None:
    """`url` read as a PostgreSQL URL psycopg opens, or None."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    return PgUrl(url) if scheme in _POSTGRES else None
