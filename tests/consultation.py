"""Test helpers for the consultation page: a decision whose public participation is open, on an
engine whose day the test moves (the period opens, runs and closes without waiting)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from decision_flow.engine import Engine, opinions
from decision_flow.store.db import Database
from tests.conftest import Clock
from tests.flow import OFFICER, bring_to, new_decision, register_users

OPENED, CLOSED = "2024-04-01", "2024-05-01"
DURING, AFTER = date(2024, 4, 10), date(2024, 5, 2)


class Day:
    """Today, as the test sets it."""

    def __init__(self, day: date = DURING) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def engine_on(db: Database, day: Day, users: bool = True) -> Engine:
    engine = Engine(db, now=Clock(), today=day)
    if users:
        register_users(engine)
    return engine


def open_case(
    engine: Engine, tmp: Path, flags: list[str] | None = None, channels: str = "网上征求意见,公示栏", page: bool = True
) -> int:
    """A decision at its consultation stage whose public participation runs OPENED to CLOSED,
    the page among its channels."""
    decision = new_decision(engine, flags)
    files = tmp / "files"
    files.mkdir(exist_ok=True)
    bring_to(engine, decision, "consultation", files)
    engine.record(decision, "public_participation", [f"channels={channels}"], [], OFFICER)
    if page:
        opinions.open_page(engine, decision, OPENED, CLOSED, OFFICER)
    return decision
