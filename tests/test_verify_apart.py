"""The organs' chains walked at once, one worker per CPU (issue 17: the second verification of a
million events within 8 s), give the very verdict of the one walk: on a sound trail (counts,
signatures, unsigned refusals), on each kind of fault, on a decision forged into a second organ's
chain, and after an earlier verification (its signatures recalled, or its chains since edited).

Each case verifies the same database twice, the chains walked apart (forced, and proven taken)
and walked one after another, and compares everything the verdict says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.errors import Forbidden
from decision_flow.engine import Engine, organs, verification
from decision_flow.trail import sigcheck
from decision_flow.trail.canonical import REGISTRY
from tests.flow import ADMIN, OFFICER, record_valid
from tests.test_signing import attacker, rewrite

DEPARTMENTS = {"fgj": "县发展和改革局", "jtj": "县交通运输局", "zjj": "县住房和城乡建设局"}


@pytest.fixture
def county(engine: Engine, files: Path, key_dir: Path) -> Engine:
    """The county organ and three departments, the officer in each, two cases in each organ with
    their initiation recorded, and in two departments a refusal of the officer without his key
    file (kept unsigned)."""
    for code, name in DEPARTMENTS.items():
        organs.add(engine, code, name, "county", organs.ROOT, ADMIN)
        organs.grant(engine, OFFICER, code, ["officer"], ADMIN)
    cases = {}
    for organ in (organs.ROOT, *DEPARTMENTS):
        for title in ("沙河乡农贸市场搬迁", "沙河乡公共服务设施布局"):
            case = engine.new(title, "major-decision", [], OFFICER, organ).id
            assert case is not None
            record_valid(engine, case, "initiation", files)
            cases[organ] = case
    key = key_dir / f"{OFFICER}.key"
    key.rename(key_dir.parent / "away.key")
    for organ in ("jtj", "zjj"):
        fresh = Engine(engine.db, now=engine.now, today=engine.today)  # a terminal without his key
        with pytest.raises(Forbidden):
            fresh.record(cases[organ], "drafting", ["legal_basis=《中华人民共和国城乡规划法》"], [], OFFICER)
    (key_dir.parent / "away.key").rename(key)
    return engine


def said(verdict: verification.chainwalk.Verdict) -> dict[str, Any]:
    return {
        **verdict.as_dict(),
        "chain": verdict.chain,
        "signed": verdict.signed,
        "recalled": verdict.recalled,
        "unsigned": verdict.unsigned,
    }


def both_ways(engine: Engine, monkeypatch: pytest.MonkeyPatch, **options: Any) -> tuple[dict[str, Any], ...]:
    """The verdict with the organs' chains walked apart (and how many times they were), then
    with them walked one after another, on the same database."""
    forks: list[int] = []
    real = sigcheck.forked

    def counted(*args: Any) -> Any:
        forks.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(sigcheck, "forked", counted)
    monkeypatch.setattr(sigcheck, "workers", lambda: 1)  # workers even on a one-CPU machine
    monkeypatch.setattr(verification, "_apart_pays", lambda *_: True)
    apart = said(verification.verify(engine, **options))
    monkeypatch.setattr(verification, "_apart_pays", lambda *_: False)
    one = said(verification.verify(engine, **options))
    return apart, one, {"forked": forks}


def events_of(engine: Engine, chain: str) -> list[dict[str, Any]]:
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM audit_events WHERE chain = ? ORDER BY seq", (chain,))]


def test_a_sound_trail_verifies_alike(county: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    apart, one, seen = both_ways(county, monkeypatch, full=True, remember=False)
    assert seen == {"forked": [4]}  # the four organs' chains, walked apart
    assert apart == one
    assert one["ok"] and one["events"] == sum(len(events_of(county, c)) for c in (REGISTRY, "main", *DEPARTMENTS))
    refused = dict((why, (n, first)) for why, n, first in one["unsigned"])["refused"]
    assert [(chain, actor) for chain, _, actor in refused[1]] == [("jtj", OFFICER), ("zjj", OFFICER)]


def _edit_data(con: sqlite3.Connection, engine: Engine) -> None:
    con.execute("""UPDATE audit_events SET data = '{"edited":true}' WHERE chain = 'jtj' AND seq = 3""")


def _forge_signature(con: sqlite3.Connection, engine: Engine) -> None:
    other = events_of(engine, "fgj")[0]["signature"]
    con.execute("UPDATE audit_events SET signature = ? WHERE chain = 'zjj' AND seq = 2", (other,))


def _delete_event(con: sqlite3.Connection, engine: Engine) -> None:
    con.execute("DELETE FROM audit_events WHERE chain = 'main' AND seq = 2")


def _unlink(con: sqlite3.Connection, engine: Engine) -> None:
    con.execute("UPDATE audit_events SET prev_hash = ? WHERE chain = 'fgj' AND seq = 3", ("f" * 64,))


def _decision_in_two_chains(con: sqlite3.Connection, engine: Engine) -> None:
    """An insider holding the keys moves a case's next event into another organ's chain: the last
    event of `zjj`'s chain rewritten, hashed and signed, as the next event of a case of `fgj`."""
    fgj, zjj = events_of(engine, "fgj"), events_of(engine, "zjj")
    case = fgj[-1]["decision_id"]
    mine = [e for e in fgj if e["decision_id"] == case]
    last = [e for e in zjj if e["decision_id"] is not None and e["signature"] is not None][-1]
    changes = {"decision_id": case, "decision_seq": mine[-1]["decision_seq"] + 1, "decision_prev": mine[-1]["hash"]}
    rewrite(con, "zjj", last["seq"], engine.keys, **changes)


def _decision_forked(con: sqlite3.Connection, engine: Engine) -> None:
    """The same as a case's first event in the second chain, the table rebuilt without the
    constraint that one case's events are numbered once: each chain alone is sound (a walk of
    `zjj` alone finds a case that starts there); only the two together show the fork."""
    (table,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_events'").fetchone()
    con.execute("ALTER TABLE audit_events RENAME TO kept")
    con.execute(table.replace("CONSTRAINT uq_audit_decision_seq UNIQUE (decision_id, decision_seq),", ""))
    con.execute("INSERT INTO audit_events SELECT * FROM kept")
    con.execute("DROP TABLE kept")
    fgj, last = events_of(engine, "fgj"), events_of(engine, "zjj")[-1]
    assert last["decision_id"] is not None  # the chain's last event: no later one names its old case
    forked = {"decision_id": fgj[-1]["decision_id"], "decision_seq": 1, "decision_prev": None}
    rewrite(con, "zjj", last["seq"], engine.keys, **forked)


FAULTS: dict[str, Callable[[sqlite3.Connection, Engine], None]] = {
    "data edited": _edit_data,
    "signature forged": _forge_signature,
    "event deleted": _delete_event,
    "link broken": _unlink,
    "a decision in two chains": _decision_in_two_chains,
    "a decision forked into two chains": _decision_forked,
}


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_is_reported_as_the_one_walk_reports_it(
    county: Engine, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    with closing(attacker(county)) as con:
        FAULTS[fault](con, county)
    apart, one, seen = both_ways(county, monkeypatch, full=True, remember=False)
    assert seen == {"forked": [4]}
    assert not one["ok"]
    assert apart == one
    if fault == "a decision in two chains":
        assert one["reason"].startswith("a decision's events in two chains") or "two chains" in one["reason"]
        assert one["chain"] == "zjj"


def test_after_an_earlier_verification_alike(county: Engine, files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Verified once (kept), then more events: the next verification recalls the signatures
    checked then, walked apart as one; a chain edited since is found either way."""
    monkeypatch.setattr(verification, "_apart_pays", lambda *_: True)
    first = verification.verify(county)
    assert first.ok and first.recalled == 0
    case = county.new("沙河乡垃圾中转站", "major-decision", [], OFFICER, "jtj").id
    assert case is not None
    record_valid(county, case, "initiation", files)
    apart, one, seen = both_ways(county, monkeypatch, remember=False)
    assert seen == {"forked": [4]}
    assert apart["ok"] and apart == one
    assert 0 < one["recalled"] == first.signed
    with closing(attacker(county)) as con:
        _edit_data(con, county)
    apart, one, seen = both_ways(county, monkeypatch, remember=False)
    assert not one["ok"] and apart == one and one["chain"] == "jtj"
    assert seen == {"forked": [4, 4]}  # the stale run apart, then the whole check apart again


def test_a_worker_reads_its_chain_as_the_verifying_transaction_saw_it(county: Engine) -> None:
    """A chain read in a worker's own transaction stops at the size the verifying one counted,
    whatever was appended since (audit.iter_stored's `until`)."""
    from decision_flow.trail import audit

    size = len(events_of(county, "fgj"))
    with county.db.reading() as s:
        assert len(list(audit.iter_stored(s, "fgj", batch=2, until=size - 2))) == size - 2
        assert [c["seq"] for c, *_ in audit.iter_stored(s, "fgj", batch=2)] == list(range(1, size + 1))


def test_workers_that_cannot_run_leave_it_to_the_one_walk(county: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """No process could be forked, or a worker was killed (out of memory): the verification is
    the one walk's, not an error."""
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setattr(sigcheck, "workers", lambda: 1)
    one = said(verification.verify(county, full=True, remember=False))
    monkeypatch.setattr(verification, "_apart_pays", lambda *_: True)
    for trouble in (OSError(11, "Resource temporarily unavailable"), BrokenProcessPool("a worker died")):

        def fails(*_: Any, trouble: Exception = trouble) -> Any:
            raise trouble

        monkeypatch.setattr(sigcheck, "forked", fails)
        assert said(verification.verify(county, full=True, remember=False)) == one
