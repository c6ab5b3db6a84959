"""Fixtures: a fresh SQLite database per test (never a mock), with the five kinds of user."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from decision_flow.engine import Engine
from decision_flow.store.db import Database
from tests.flow import register_users

TODAY = date(2024, 12, 31)


class Clock:
    """A clock that ticks one second per reading, for deterministic event times."""

    def __init__(self) -> None:
        self.t = datetime(2024, 12, 31, 1, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> datetime:
        self.t += 1
        return datetime.fromtimestamp(self.t, UTC)


@pytest.fixture(autouse=True)
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's users keep their key files in the test's own directory (DFLOW_KEYS), and
    no passphrase leaks in from the developer's environment."""
    path = tmp_path / "keys"
    monkeypatch.setenv("DFLOW_KEYS", str(path))
    monkeypatch.delenv("DFLOW_PASSPHRASE", raising=False)
    monkeypatch.delenv("DFLOW_NEW_PASSPHRASE", raising=False)
    return path


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Parsed workflows are cached in the test's own directory, not the developer's ~/.cache."""
    path = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(path))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'dflow.db'}")
    yield database
    database.dispose()


@pytest.fixture
def engine(db: Database) -> Engine:
    """An engine on a fresh, initialised database, today fixed at 2024-12-31, with users."""
    eng = Engine(db, now=Clock(), today=lambda: TODAY)
    register_users(eng)
    return eng


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A directory for evidence files the tests attach."""
    path = tmp_path / "files"
    path.mkdir()
    return path


@pytest.fixture(autouse=True, scope="session")
def tree_as_dflow_makes_it() -> Iterator[None]:
    """The in-process tests invoke the command tree as `dflow` makes it, a command when its name
    is parsed (dflow_cli/tree.py), rather than the whole tree typer's test runner would make on
    every invocation: the code path a user runs, and a fraction of the time."""
    import typer.testing

    import cli
    from dflow_cli.tree import LazyRoot

    whole = typer.testing._get_command
    typer.testing._get_command = lambda app: LazyRoot(app) if app is cli.app else whole(app)  # type: ignore[assignment]
    yield
    typer.testing._get_command = whole
