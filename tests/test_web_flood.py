"""A flood of 1,000 submissions at the consultation page (issue 16), on SQLite and on PostgreSQL:
the per-address limit holds exactly, every submission accepted is stored whole (and only those),
the counts in the step agree, and ``dflow audit verify`` passes afterwards.

Twenty addresses send fifty opinions each, fifty requests in flight at a time, against a limit of
ten a minute: two hundred are taken, eight hundred refused with 429 before reaching the engine."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from decision_flow.engine import Engine, opinions, queries
from decision_flow.engine.verification import verify
from decision_flow.store.db import Database
from tests.consultation import Day, engine_on, open_case
from tests.flow import OFFICER
from tests.pg import NO_PG, PG_URL, pg_database
from tests.test_catalogue import ProcessDflow
from tests.web import Web, hidden

ADDRESSES, EACH, LIMIT, IN_FLIGHT = 20, 50, 10, 50


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Database, str]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'flood.db'}"
        db = Database(url)
        yield db, url
        db.dispose()
        return
    if PG_URL is None:
        pytest.skip(NO_PG)
    with pg_database("dflow_flood") as url:
        db = Database(url)
        yield db, url
        db.dispose()


def test_a_flood_is_held_to_the_limit_and_nothing_accepted_is_lost(
    database: tuple[Database, str], tmp_path: Path
) -> None:
    db, url = database
    engine: Engine = engine_on(db, Day())
    case = open_case(engine, tmp_path)
    web = Web(engine, OFFICER, per_minute=LIMIT)
    captcha = web.app.state.captcha
    addresses = [f"10.1.0.{n}" for n in range(1, ADDRESSES + 1)]
    csrf = {a: hidden(web.get(f"/d/{case}", a).text, "csrf") for a in addresses}  # each browser's cookie

    async def one(address: str, n: int) -> tuple[str, int, str]:
        question, token = captcha.ask()
        a, b = (int(x) for x in re.findall(r"\d+", question))
        text = f"来自 {address} 的第 {n} 条意见：建议保留早市摊位。"
        form = {"csrf": csrf[address], "token": token, "answer": str(a + b), "content": text}
        response = await web.client(address).post(f"/d/{case}", data=form)
        return text, response.status_code, response.headers.get("location", "")

    async def flood() -> list[tuple[str, int, str]]:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def held(address: str, n: int) -> tuple[str, int, str]:
            async with gate:
                return await one(address, n)

        jobs = [held(a, n) for n in range(EACH) for a in addresses]  # interleaved, as a flood arrives
        return await asyncio.gather(*jobs)

    try:
        results = web.loop.run_until_complete(flood())
    finally:
        web.close()
    assert len(results) == ADDRESSES * EACH == 1000
    statuses = Counter(code for _, code, _ in results)
    assert statuses == {303: ADDRESSES * LIMIT, 429: ADDRESSES * (EACH - LIMIT)}, statuses
    for address in addresses:  # the limit held for each address, not only in total
        taken = [text for text, code, _ in results if code == 303 and f"来自 {address} 的" in text]
        assert len(taken) == LIMIT
    accepted = {text: int(where.rsplit("=", 1)[1]) for text, code, where in results if code == 303}
    stored = opinions.listed(engine, case, None)
    assert stored["received"] == len(accepted) == 200
    assert {o["text"]: o["id"] for o in stored["opinions"]} == accepted  # each whole, under the id it was given
    step = next(st for st in queries.show(engine, case, OFFICER)["steps"] if st["step"] == "public_participation")
    assert step["fields"]["opinions_received"] == 200
    assert verify(engine, None).ok
    checked = ProcessDflow(url, tmp_path).json("audit", "verify")  # type: ignore[arg-type]  # a URL, as DFLOW_DB takes
    assert checked["ok"] is True and checked["first_bad_seq"] is None
