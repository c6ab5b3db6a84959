"""Correct under concurrency and crashes, on SQLite and on PostgreSQL (DFLOW_TEST_PG).

Real databases and real OS processes only. The races run on a pool of 16 interpreters started
with the "spawn" context (nothing inherited from this process), released together by a start
file; the record race runs the dflow command line itself in those 16 processes. Two-party
interleavings pause one writer inside its transaction while another process acts. The crash
test SIGKILLs spawned writer processes at random moments. The counts are in the test ids and
in a summary printed at the end of the module.

PostgreSQL tests create their own database and drop it afterwards; without DFLOW_TEST_PG they
are skipped with the reason. Nothing is skipped on SQLite.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time
from collections import Counter, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from decision_flow.core.errors import Conflict, DflowError
from decision_flow.engine import Engine
from decision_flow.engine.change import acting_user, load_case
from decision_flow.engine.queries import show
from decision_flow.procedures import get as get_workflow
from decision_flow.store.db import Database
from decision_flow.store.models import Decision
from tests.concurrency_worker import (
    TODAY,
    _crash_step,
    assert_linear,
    assert_verifies,
    assert_whole_changes,
    attachments,
    crash_writer,
    events,
    make_engine,
    plain_record,
    pool_warm,
    prepare,
    race_task,
    valid_values,
    with_keys,
)
from tests.flow import ACTOR, ADMIN, OFFICER, bring_to, new_decision, record_valid
from tests.pg import NO_PG, PG_URL, pg_database

PROCS = 16
KILLS = 20
SUMMARY: list[str] = []


def _param(backend: str) -> Any:
    return pytest.param(backend, id=backend)


BOTH = [_param("sqlite"), _param("postgresql")]


@pytest.fixture
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file in tmp_path, or a PostgreSQL database made and dropped here."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dflow.db'}"
        return
    if not PG_URL:
        pytest.skip(NO_PG)
    with pg_database("dflow_conc") as pg_url:
        yield pg_url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    eng = prepare(url)
    yield eng
    eng.db.dispose()


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    """16 spawned interpreters (nothing inherited from this process), reused by the races."""
    workers = mp.get_context("spawn").Pool(PROCS)
    try:
        workers.map(pool_warm, range(PROCS), chunksize=1)
        yield workers
    finally:
        workers.terminate()
        workers.join()


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not SUMMARY:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line("concurrency summary:")
        for line in SUMMARY:
            reporter.write_line(f"  {line}")


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def race(pool: Pool, work: Path, specs: list[dict[str, Any]], timeout: float = 90) -> list[dict[str, Any]]:
    """Run one task per spec on distinct pool processes, all released by one start file."""
    work.mkdir(parents=True, exist_ok=True)
    ready, go = work / "ready", work / "go"
    ready.mkdir()
    for n, spec in enumerate(specs):
        spec.update(n=n, ready=str(ready), go=str(go), keys=os.environ["DFLOW_KEYS"])
    pending = [pool.apply_async(race_task, (spec,)) for spec in specs]
    deadline = time.monotonic() + timeout
    while len(list(ready.iterdir())) < len(specs):
        for p in pending:
            if p.ready():
                p.get()  # a task that died before the start: raise its error here
        assert time.monotonic() < deadline, "the workers never all became ready"
        time.sleep(0.002)
    go.touch()
    results = [p.get(timeout=max(1.0, deadline - time.monotonic())) for p in pending]
    assert len({r["pid"] for r in results}) == len(specs), "the tasks did not run in distinct processes"
    internal = [r for r in results if r["outcome"] == "internal"]
    assert not internal, internal[0]["trace"]
    return results


def _version(engine: Engine, decision: int) -> int:
    with engine.db.session() as s:
        dec = s.get(Decision, decision)
        assert dec is not None
        return dec.version


def _fields(engine: Engine, decision: int, step: str) -> dict[str, Any]:
    return next(st["fields"] for st in show(engine, decision)["steps"] if st["step"] == step)


# ---------------------------------------------------------------------------- 1. advance race


@pytest.mark.parametrize("prepared", ["steps_completed", "steps_recorded"])
@pytest.mark.parametrize("procs", [PROCS], ids=lambda n: f"{n}procs")
@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_advance_race_exactly_one_wins(
    url: str, engine: Engine, pool: Pool, tmp_path: Path, procs: int, prepared: str
) -> None:
    """16 processes advance one decision whose stage is complete: one wins, one stage is moved,
    the others are refused (written as a refusal) or get a Conflict (nothing written)."""
    i = new_decision(engine)
    bring_to(engine, i, "consultation", tmp_path)
    steps = [st.name for st in get_workflow("major-decision").stage("consultation").steps]
    for step in steps:
        record_valid(engine, i, step, tmp_path)
        if prepared == "steps_completed":
            engine.complete(i, step, ACTOR[step])
    before, version = events(engine), _version(engine, i)

    results = race(pool, tmp_path / "race", [{"op": "advance", "url": url, "decision": i} for _ in range(procs)])

    outcomes = Counter(r["outcome"] for r in results)
    assert outcomes["ok"] == 1, outcomes
    # a loser that reads after the winner sees legality review, which is not the officer's: a
    # refusal (Blocked or Forbidden, written as a `refused` event); one that read before: Conflict
    assert set(outcomes) <= {"ok", "Conflict", "Blocked", "Forbidden"}, outcomes
    refused = outcomes["Blocked"] + outcomes["Forbidden"]
    assert [r["value"] for r in results if r["outcome"] == "ok"] == ["legality_review"]
    assert {r["exit_code"] for r in results if r["outcome"] != "ok"} <= {3, 5, 6}
    assert show(engine, i)["stage"] == "legality_review"
    assert _version(engine, i) == version + 1
    after = events(engine)
    new = after[len(before) :]
    assert after[: len(before)] == before
    assert [e["action"] for e in new if e["action"] == "advanced"] == ["advanced"]
    advanced = next(e for e in new if e["action"] == "advanced")
    assert advanced["decision"] == i and advanced["data"] == {"from": "consultation", "to": "legality_review"}
    completed = 0 if prepared == "steps_completed" else len(steps)
    assert Counter(e["action"] for e in new) == Counter({"advanced": 1, "completed": completed, "refused": refused}), (
        "a loser wrote something besides its refusal"
    )
    assert_linear(after)
    assert_verifies(engine)
    SUMMARY.append(
        f"advance race [{_backend(url)}, {prepared}]: {procs} processes -> 1 advanced, "
        f"{refused} refused, {outcomes['Conflict']} conflicts"
    )


# ---------------------------------------------------------------------------- 2. record race (CLI)


@pytest.mark.parametrize("procs", [PROCS], ids=lambda n: f"{n}procs")
@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_record_race_same_field(url: str, engine: Engine, pool: Pool, tmp_path: Path, procs: int) -> None:
    """16 processes run `dflow record` setting the same field of one decision to different
    values, twice: first on a step with no record yet, then on the record the first round left.
    Each exits 0 or 6 (conflict), nothing else; the stored value is that of the last `recorded`
    event, and exactly the winners' values are in the trail."""
    i = new_decision(engine)
    base = ["record", str(i), "initiation", "--db", url, "--as", OFFICER, "--json"]
    rounds = {
        "一轮": [
            [*base, *(x for a in valid_values("initiation", undertaking_unit=f"一轮-{n}") for x in ("--set", a))]
            for n in range(procs)
        ],
        "二轮": [[*base, "--set", f"undertaking_unit=二轮-{n}"] for n in range(procs)],
    }
    tallies = []
    for label, argvs in rounds.items():
        before = len(events(engine))
        results = race(pool, tmp_path / label, [{"op": "cli", "url": url, "argv": argv} for argv in argvs])
        codes = Counter(r["value"]["code"] for r in results)
        assert set(codes) <= {0, 6}, [r["value"] for r in results if r["value"]["code"] not in (0, 6)]
        for r in results:
            if r["value"]["code"] == 6:
                assert r["value"]["json"]["error"]["code"] == "conflict"
        if _backend(url) == "sqlite":  # BEGIN IMMEDIATE: the losers wait, then record on top
            assert codes == {0: procs}, codes
        trail = events(engine)[before:]
        assert [e["action"] for e in trail] == ["recorded"] * len(trail), "a loser wrote something"
        winners = {f"{label}-{r['n']}" for r in results if r["value"]["code"] == 0}
        assert winners, "nobody won"
        assert [e["decision"] for e in trail] == [i] * len(winners)
        assert {e["data"]["fields"]["undertaking_unit"] for e in trail} == winners
        stored = _fields(engine, i, "initiation")["undertaking_unit"]
        assert stored == trail[-1]["data"]["fields"]["undertaking_unit"], "lost update"
        tallies.append(f"{label} {codes[0]} ok/{codes[6]} exit 6")
    assert _version(engine, i) == 1 + sum(e["action"] == "recorded" for e in events(engine) if e["decision"] == i)
    with engine.db.engine.connect() as conn:
        active = conn.execute(
            text("SELECT count(*) FROM step_records WHERE decision_id = :d AND step = 'initiation' AND active"),
            {"d": i},
        ).scalar()
    assert active == 1, "two active records of one step"
    assert_linear(events(engine))
    assert_verifies(engine)
    SUMMARY.append(f"record race via dflow CLI [{_backend(url)}]: {procs} processes x 2 rounds: " + ", ".join(tallies))


# ---------------------------------------------------------------------------- 3. own decisions


@pytest.mark.parametrize("procs", [PROCS], ids=lambda n: f"{n}procs")
@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_own_decisions_chain_stays_linear(url: str, engine: Engine, pool: Pool, tmp_path: Path, procs: int) -> None:
    """16 processes each create and work their own decision at once (a new decision, three
    records, two advances each): all
    succeed; the one chain is seq 1..N with every prev_hash the previous hash, each decision's
    own chain is intact, and the whole verifies."""
    before = len(events(engine))
    specs = [{"op": "own_decision", "url": url, "files": str(tmp_path / f"files-{n}")} for n in range(procs)]
    results = race(pool, tmp_path / "race", specs)
    assert Counter(r["outcome"] for r in results) == {"ok": procs}, [r for r in results if r["outcome"] != "ok"]
    ids = [r["value"]["decision"] for r in results]
    assert len(set(ids)) == procs
    evs = events(engine)
    assert len(evs) == before + procs * 8  # created, 3 recorded, 2 completed, 2 advanced each
    assert_linear(evs)
    for i in ids:
        mine = [e["action"] for e in evs if e["decision"] == i]
        assert mine == ["created", "recorded", "completed", "advanced", "recorded", "recorded", "completed", "advanced"]
        assert show(engine, i)["stage"] == "consultation"
        assert _version(engine, i) == 6
    assert_verifies(engine)
    interleaved = sum(
        1 for a, b in zip(evs[before:], evs[before + 1 :], strict=False) if a["decision"] != b["decision"]
    )
    SUMMARY.append(
        f"own decisions [{_backend(url)}]: {procs} processes, {procs * 8} events appended, "
        f"{interleaved} switches between decisions in the chain, linear and verified"
    )


@pytest.mark.parametrize("procs", [PROCS], ids=lambda n: f"{n}procs")
@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_writers_in_two_organs_never_fork_either_chain(
    url: str, engine: Engine, pool: Pool, tmp_path: Path, procs: int
) -> None:
    """16 processes, half working decisions of the county government (`main`) and half of a
    county department (`jiaoyu`), all at once: every change lands; each organ's chain holds
    exactly its own decisions' events, numbered 1..N with every prev_hash the previous hash (no
    fork in either), none of them in the registry chain, and the whole verifies."""
    from decision_flow.engine import organs

    organs.add(engine, "jiaoyu", "县教育局", "department", "main", ADMIN)
    organs.grant(engine, OFFICER, "jiaoyu", ["officer"], ADMIN)
    registry_before = [e for e in events(engine) if e["chain"] == "registry"]
    place = ["main" if n % 2 else "jiaoyu" for n in range(procs)]
    specs = [
        {"op": "own_decision", "url": url, "files": str(tmp_path / f"files-{n}"), "organ": place[n]}
        for n in range(procs)
    ]
    results = race(pool, tmp_path / "race", specs)
    assert Counter(r["outcome"] for r in results) == {"ok": procs}, [r for r in results if r["outcome"] != "ok"]
    organ_of = {r["value"]["decision"]: place[r["n"]] for r in results}
    evs = events(engine)
    assert_linear(evs)  # every chain 1..N, linked, and every decision's own chain intact
    assert [e for e in evs if e["chain"] == "registry"] == registry_before  # the writers touched no other chain
    for chain in ("main", "jiaoyu"):
        held = [e for e in evs if e["chain"] == chain]
        assert {e["decision"] for e in held} == {d for d, organ in organ_of.items() if organ == chain}
        assert len(held) == (procs // 2) * 8, chain  # created, 3 recorded, 2 completed, 2 advanced each
    assert_verifies(engine)
    SUMMARY.append(
        f"two organs [{_backend(url)}]: {procs} processes on two chains, {procs * 8} events appended,"
        " neither chain forked, verified"
    )


# ---------------------------------------------------------------------------- 4. stale read


@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_stale_decision_is_a_conflict(url: str, engine: Engine, pool: Pool) -> None:
    """A decision read (version v), changed by another process, then saved from the stale
    object: Conflict (exit 6), and nothing of the stale change is written."""
    i = new_decision(engine)
    with engine.db.session() as s:
        stale = load_case(s, i)
        assert stale is not None and stale.version == 1
        s.commit()
    other = pool.apply(
        with_keys,
        (
            os.environ["DFLOW_KEYS"],
            plain_record,
            (url, i, "initiation", valid_values("initiation", undertaking_unit="他人")),
        ),
    )
    assert other["outcome"] == "ok" and other["pid"] != os.getpid()
    before = events(engine)
    with engine.db.session() as s, pytest.raises(Conflict) as info:
        change = engine.opened(s, acting_user(s, OFFICER), engine.keys.signer(OFFICER), stale)
        change.save(stage="drafting")
        change.event("advanced", **{"from": "initiation", "to": "drafting"})
        s.commit()
    assert info.value.exit_code == 6
    assert events(engine) == before
    assert show(engine, i)["stage"] == "initiation"
    assert _version(engine, i) == 2
    assert _fields(engine, i, "initiation")["undertaking_unit"] == "他人"
    assert_verifies(engine)


@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_interleaved_stale_read(url: str, engine: Engine, pool: Pool, tmp_path: Path) -> None:
    """Two sessions interleave: A reads the decision inside its transaction, B (another
    process) records on it meanwhile, then A writes from what it read. Either A's read was
    stale and A gets Conflict and writes nothing (PostgreSQL, READ COMMITTED, optimistic
    version check), or A's transaction held B off and B then records on top of A (SQLite's
    BEGIN IMMEDIATE). Never both written from the same read: no lost update."""
    i = new_decision(engine)
    record_valid(engine, i, "initiation", tmp_path)
    seen: dict[str, Any] = {}

    def today_b_meanwhile() -> Any:  # runs inside A's op, after A loaded the decision
        if "b" not in seen:
            seen["b"] = _other_process_meanwhile(pool, engine, (url, i, "initiation", ["undertaking_unit=B-新值"]))
        return TODAY

    a = make_engine(url, today=today_b_meanwhile)
    before, version = len(events(engine)), _version(engine, i)
    try:
        outcome_a = _clean(lambda: a.record(i, "initiation", ["catalogue_item=A-陈旧"], [], OFFICER))
    finally:
        a.db.dispose()
    b_was_held = not isinstance(seen["b"], dict)
    outcome_b = _ended(seen["b"])
    new = [e["data"]["fields"] for e in events(engine)[before:]]
    fields = _fields(engine, i, "initiation")
    assert outcome_b["outcome"] == "ok", outcome_b
    assert fields["undertaking_unit"] == "B-新值"
    if outcome_a["outcome"] == "Conflict":  # A's read was stale: nothing of A is written
        assert not b_was_held
        assert new == [{"undertaking_unit": "B-新值"}]
        assert "catalogue_item" not in fields
        assert _version(engine, i) == version + 1
        how = "A stale -> Conflict, nothing written"
    else:  # A held B off: both land, A first, B on top of A
        assert outcome_a["outcome"] == "ok", outcome_a
        assert b_was_held, "B committed inside A's transaction, and A still wrote from its stale read"
        assert new == [{"catalogue_item": "A-陈旧"}, {"undertaking_unit": "B-新值"}]
        assert fields["catalogue_item"] == "A-陈旧"
        assert _version(engine, i) == version + 2
        how = "A held B off; B recorded on top of A"
    assert_verifies(engine)
    SUMMARY.append(f"interleaved stale read [{_backend(url)}]: {how}")


# ---------------------------------------------------------------------------- interleavings


def _other_process_meanwhile(pool: Pool, watch: Engine, call: tuple[Any, ...]) -> Any:
    """Start `plain_record(*call)` in another process and wait until it is done or blocked
    behind a lock held by this one (PostgreSQL: seen in pg_stat_activity; SQLite: a writer
    queued behind BEGIN IMMEDIATE cannot be seen, so give it a second). Returns its result, or
    the pending job."""
    job = pool.apply_async(with_keys, (os.environ["DFLOW_KEYS"], plain_record, call))
    pg = not watch.db.is_sqlite
    deadline = time.monotonic() + (5.0 if pg else 1.0)
    while time.monotonic() < deadline:
        if job.ready():
            return job.get()
        if pg:
            with watch.db.engine.connect() as conn:
                waiting = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
            if waiting:
                return job
        time.sleep(0.005)
    return job


def _ended(job: Any) -> dict[str, Any]:
    return job if isinstance(job, dict) else job.get(timeout=60)


def _clean(call: Any) -> dict[str, Any]:
    try:
        return {"outcome": "ok", "value": call()}
    except DflowError as exc:
        return {"outcome": type(exc).__name__}
    except Exception as exc:  # noqa: BLE001 - an internal error is what the test looks for
        return {"outcome": "internal", "error": repr(exc)[:2000]}


@pytest.mark.parametrize("url", [_param("sqlite"), _param("postgresql")], indirect=True)
def test_same_evidence_bytes_attached_at_once(url: str, engine: Engine, pool: Pool, tmp_path: Path) -> None:
    """Two officers attach files with the same bytes (one template) to their own decisions at
    the same time: A has stored the bytes in its open transaction when B stores them too. Both
    records succeed and the evidence is kept once, intact."""
    ids = []
    for n in range(2):
        i = new_decision(engine, title=f"模板事项 {n}")
        record_valid(engine, i, "initiation", tmp_path)
        engine.advance(i, OFFICER)
        ids.append(i)
    seen: dict[str, Any] = {}
    b_files = attachments("drafting", tmp_path / "b", "同一模板")

    def now_after_b() -> datetime:  # A's first clock reading comes right after it stored the bytes
        if "b" not in seen:
            seen["b"] = _other_process_meanwhile(
                pool, engine, (url, ids[1], "drafting", valid_values("drafting"), b_files)
            )
        return datetime.now(UTC)

    a = Engine(Database(url), now=now_after_b, today=lambda: TODAY)
    try:
        outcome_a = _clean(
            lambda: a.record(
                ids[0],
                "drafting",
                valid_values("drafting"),
                attachments("drafting", tmp_path / "a", "同一模板"),
                OFFICER,
            )
        )
    finally:
        a.db.dispose()
    outcome_b = _ended(seen["b"])
    assert (outcome_a["outcome"], outcome_b["outcome"]) == ("ok", "ok"), (outcome_a, outcome_b)
    sha = {e["sha256"] for i in ids for st in show(engine, i)["steps"] for e in st["evidence"] if e["kind"] == "draft"}
    assert len(sha) == 1
    assert engine.store.intact(sha.pop())
    assert_linear(events(engine))
    assert_verifies(engine)


@pytest.mark.parametrize("url", [_param("sqlite"), _param("postgresql")], indirect=True)
def test_record_while_advance_holds_the_chain(url: str, engine: Engine, pool: Pool, tmp_path: Path) -> None:
    """A advances a stage whose steps are recorded but open; while A holds the chain (after its
    first `completed` event), B records one of those steps. Each ends cleanly (ok, refused or
    conflict; never an internal error), the decision moves one stage, the chain verifies."""
    i = new_decision(engine)
    bring_to(engine, i, "consultation", tmp_path)
    for step in ("public_participation", "expert_review", "risk_assessment"):
        record_valid(engine, i, step, tmp_path)
    moved = sum(e["action"] == "advanced" for e in events(engine) if e["decision"] == i)
    seen: dict[str, Any] = {}

    def holds_chain() -> bool:
        if engine.db.is_sqlite:  # BEGIN IMMEDIATE: the whole transaction holds it
            return True
        with engine.db.engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                ).scalar()
            )

    def now_b_meanwhile() -> datetime:  # read once for each of A's events: from its second, A holds the chain
        if "b" not in seen and holds_chain():
            seen["b"] = _other_process_meanwhile(
                pool, engine, (url, i, "expert_review", ["experts=王工,陈教授,新专家"])
            )
        return datetime.now(UTC)

    a = Engine(Database(url), now=now_b_meanwhile, today=lambda: TODAY)
    try:
        outcome_a = _clean(lambda: a.advance(i, OFFICER))
    finally:
        a.db.dispose()
    assert "b" in seen, "A never held the chain"
    outcome_b = _ended(seen["b"])
    assert outcome_a["outcome"] != "internal", outcome_a
    assert outcome_b["outcome"] != "internal", outcome_b
    assert outcome_a["outcome"] in ("ok", "Conflict") and outcome_b["outcome"] in ("ok", "Blocked", "Conflict")
    evs = events(engine)
    advanced = [e for e in evs if e["decision"] == i and e["action"] == "advanced"]
    assert len(advanced) == moved + (outcome_a["outcome"] == "ok")
    assert show(engine, i)["stage"] == ("legality_review" if outcome_a["outcome"] == "ok" else "consultation")
    assert_linear(evs)
    assert_verifies(engine)


# ---------------------------------------------------------------------------- 5. SIGKILL


@pytest.mark.parametrize("kills", [KILLS], ids=lambda n: f"{n}kills")
@pytest.mark.parametrize("url", BOTH, indirect=True)
def test_sigkill_leaves_whole_changes(url: str, engine: Engine, tmp_path: Path, kills: int) -> None:
    """A writer looping over audited changes (record, advance, return, new, with evidence) is
    SIGKILLed at a random moment, again and again. After every kill each change is there whole
    (state and event) or not at all, the chain verifies, and the next writer carries on."""
    ctx = mp.get_context("spawn")
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    procs: list[Any] = []
    depth = 2  # writers started ahead, so their start-up overlaps the kills

    def start(k: int) -> tuple[Any, Path, Path]:
        go, ready = tmp_path / f"go-{k}", tmp_path / f"ready-{k}"
        p = ctx.Process(target=crash_writer, args=(url, str(tmp_path), k, str(go), str(ready)), daemon=True)
        p.start()
        procs.append(p)
        return p, go, ready

    progress: list[int] = []
    inside_kills = inside_committed = 0
    try:
        upcoming = deque(start(k) for k in range(depth))
        for k in range(kills):
            proc, go, ready = upcoming.popleft()
            upcoming.append(start(k + depth))
            before = assert_whole_changes(engine)["changes"]
            go.touch()
            deadline = time.monotonic() + 60
            while not ready.exists():
                assert proc.is_alive(), f"writer {k} died by itself (exit {proc.exitcode}); seed {seed}"
                assert time.monotonic() < deadline, f"writer {k} made no change in 60 s; seed {seed}"
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.15))
            os.kill(proc.pid, signal.SIGKILL)
            proc.join(10)
            assert proc.exitcode == -signal.SIGKILL
            counts = assert_whole_changes(engine)  # raises on a half-written change
            assert_verifies(engine)
            marks = (tmp_path / f"marks-{k}").read_text().split()
            done, inside = marks.count("d"), marks[-1] == "b"
            landed = counts["changes"] - before
            # every change the writer saw committed is there; the one it was inside of, if
            # any, is there whole or not at all
            assert landed == done or (inside and landed == done + 1), (k, landed, marks[-3:], seed)
            progress.append(landed)
            inside_kills += inside
            inside_committed += inside and landed == done + 1
            assert done >= 1, "the writer committed nothing before it was killed"
        # and a new writer carries on from whatever the last kill left
        for n in range(30):
            _crash_step(engine, tmp_path / "files-final", 999, n)
        final = assert_whole_changes(engine)
        assert_verifies(engine)
    finally:
        for p in procs:
            if p.is_alive():
                os.kill(p.pid, signal.SIGKILL)
            p.join(10)
    SUMMARY.append(
        f"SIGKILL [{_backend(url)}]: {kills} writers killed (seed {seed}), {inside_kills} inside a change "
        f"({inside_committed} of those already committed), changes per writer {min(progress)}..{max(progress)}; "
        f"{final['events']} events over {final['decisions']} decisions, whole and verified after every kill"
    )
