"""A plain SQLite URL read without SQLAlchemy (decision_flow/store/url.py) exactly as SQLAlchemy
reads it: the same file, the same URL shown, the same file opened; what it does not read is
left to SQLAlchemy; and opening an SQLite database, checking it and reading from it load no
SQLAlchemy at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from decision_flow.store.db import Database
from decision_flow.store.url import normalise_url, sqlite_url
from tests.test_cli import REPO

NAMES = ["a.db", "a b.db", "a?b.db", "a%20b.db", "a%b.db", "a#b.db", "a+b.db", "a:b@c.db", "中文.db", "a&b=c.db"]
URLS = [
    "sqlite://",
    "sqlite:///",
    "sqlite:///:memory:",
    "sqlite:///rel.db",
    "sqlite:////abs/x.db",
    "sqlite+pysqlite:////abs/x.db",
    "sqlite:////tmp/%E4%B8%AD%E6%96%87.db",
    "sqlite:////tmp/a%3Fb.db",
    "sqlite:////tmp/a%2520b.db",
]


def _sqlalchemy(url: str) -> tuple[str | None, str]:
    parsed = make_url(url)
    return parsed.database, parsed.render_as_string(hide_password=True)


def _ours(url: str) -> tuple[str | None, str]:
    found = sqlite_url(url)
    assert found is not None, url
    return found.database, found.display


@pytest.mark.parametrize("name", NAMES)
def test_a_plain_path_becomes_the_url_sqlalchemy_reads_back_as_that_file(tmp_path: Path, name: str) -> None:
    url = normalise_url(str(tmp_path / name))
    assert make_url(url).database == str(tmp_path / name)
    assert _ours(url) == _sqlalchemy(url)


@pytest.mark.parametrize("url", URLS)
def test_a_sqlite_url_is_read_and_shown_as_sqlalchemy_does(url: str) -> None:
    assert _ours(url) == _sqlalchemy(url)


@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0"), min_size=1, max_size=40))
def test_any_file_name_is_read_and_shown_as_sqlalchemy_does(name: str) -> None:
    url = normalise_url("/tmp/" + name.replace("/", "_"))
    assert _ours(url) == _sqlalchemy(url)


@pytest.mark.parametrize(
    "url",
    ["sqlite:///x.db?mode=ro", "sqlite://host/x.db", "postgresql://u:p@h/d", "mysql://h/d", "sqlite+aiosqlite:///x"],
)
def test_any_other_url_is_left_to_sqlalchemy(url: str) -> None:
    assert sqlite_url(url) is None


def test_the_file_opened_is_the_one_sqlalchemys_sqlite_dialect_opens(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for url in ["sqlite:///rel.db", f"sqlite:///{tmp_path}/a%3Fb.db", "sqlite://", "sqlite:///:memory:"]:
        found = sqlite_url(url)
        assert found is not None
        (args, _kw) = make_url(url).get_dialect()().create_connect_args(make_url(url))
        assert found.file == args[0], url


def test_a_sqlite_database_is_checked_and_read_without_loading_sqlalchemy(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "dflow.db"))
    db.init()
    db.dispose()
    code = (
        "import sys\nfrom decision_flow.store.db import Database\n"
        f"db = Database({str(tmp_path / 'dflow.db')!r})\ndb.require()\n"
        "with db.reading() as cur:\n    print('ORGANS', cur.all('SELECT code FROM organs'))\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'pydantic'}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["ORGANS []", "LOADED []"]


def test_a_read_takes_no_write_lock_and_changes_nothing(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "dflow.db"))
    db.init()
    with db.reading() as cur:
        cur.run("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        assert cur.one("SELECT value FROM meta WHERE key = 'x'") == ("y",)
    with db.reading() as cur:
        assert cur.one("SELECT value FROM meta WHERE key = 'x'") is None  # rolled back
    db.dispose()
