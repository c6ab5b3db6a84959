"""Code that runs in the worker processes of tests/test_concurrency.py (and the crash writer),
plus the checks those tests make on the database afterwards.

Everything here is importable by a freshly spawned interpreter: no pytest, no fixtures, no
state inherited from the test process. Workers meet at a start file: each one touches
``ready/<n>`` once it is connected and warm, then polls for ``go``; the test creates ``go``
when all have reported, so they are released together.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from decision_flow.core.errors import DflowError
from decision_flow.engine import Engine, users, verification
from decision_flow.procedures import get as get_workflow
from decision_flow.store.db import Database
from tests.flow import ACTOR, ADMIN, AUDITOR, EXECUTIVE, OFFICER, REVIEWER, VALID, evidence_file

TODAY = date(2024, 12, 31)
POLL = 0.0005


def make_engine(url: str, today: Callable[[], date] = lambda: TODAY) -> Engine:
    return Engine(Database(url), today=today)


def prepare(url: str) -> Engine:
    """Initialise a fresh database with the five kinds of user; return an engine on it."""
    engine = make_engine(url)
    users.init(engine, ADMIN)
    for name, role in (
        (OFFICER, "officer"),
        (REVIEWER, "legal_reviewer"),
        (EXECUTIVE, "executive"),
        (AUDITOR, "auditor"),
    ):
        users.add(engine, name, [role], ADMIN)
    return engine


def wait_for(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(POLL)


def valid_values(step: str, **overrides: str) -> list[str]:
    values = dict(item.split("=", 1) for item in VALID[step][0])
    values.update(overrides)
    return [f"{k}={v}" for k, v in values.items()]


def attachments(step: str, directory: Path, content: str | None = None) -> list[str]:
    """The VALID evidence of `step`, as files in `directory` (with `content`, if given)."""
    out = []
    directory.mkdir(parents=True, exist_ok=True)
    for kind in VALID[step][1]:
        if content is None:
            path = evidence_file(directory, kind)
        else:
            path = directory / f"{kind}.txt"
            path.write_text(f"{kind}: {content}\n", encoding="utf-8")
        out.append(f"{kind}={path}")
    return out


# ---------------------------------------------------------------------------- race tasks


def _op_advance(engine: Engine, spec: dict[str, Any]) -> Any:
    return engine.advance(spec["decision"], OFFICER)


def _op_record(engine: Engine, spec: dict[str, Any]) -> Any:
    engine.record(spec["decision"], spec["step"], spec["set"], spec.get("attach", []), ACTOR[spec["step"]])
    return spec["set"]


def _op_own_decision(engine: Engine, spec: dict[str, Any]) -> Any:
    """A small life of one's own decision (in the organ `spec["organ"]`, if named): created, two
    stages recorded and advanced."""
    files = Path(spec["files"])
    dec = engine.new(f"沙河乡事项 {spec['n']}", "major-decision", [], OFFICER, organ=spec.get("organ"))
    assert dec.id is not None
    tag = f"w{spec['n']}"
    engine.record(dec.id, "initiation", valid_values("initiation", undertaking_unit=f"单位-{tag}"), [], OFFICER)
    engine.advance(dec.id, OFFICER)
    engine.record(dec.id, "drafting", valid_values("drafting"), attachments("drafting", files, f"草案 {tag}"), OFFICER)
    engine.record(dec.id, "drafting", [f"units_consulted=部门-{tag}"], [], OFFICER)
    stage = engine.advance(dec.id, OFFICER)
    return {"decision": dec.id, "stage": stage}


def _op_cli(engine: Engine, spec: dict[str, Any]) -> Any:
    """Run the dflow command line in this process, as `dflow ARGV…` would; its exit code and
    the JSON document it printed."""
    import cli

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["dflow", *spec["argv"]]
    try:
        with redirect_stdout(out), redirect_stderr(err):
            cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return {"code": code, "json": json.loads(out.getvalue() or "null"), "stderr": err.getvalue()[-500:]}


OPS: dict[str, Callable[[Engine, dict[str, Any]], Any]] = {
    "cli": _op_cli,
    "advance": _op_advance,
    "record": _op_record,
    "own_decision": _op_own_decision,
}


def with_keys(keys: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """`fn(*args)` with the users' key files in `keys` (a pool process outlives one test, and
    each test keeps its own key directory)."""
    os.environ["DFLOW_KEYS"] = keys
    return fn(*args)


def race_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Connect, report ready, wait for the start file, run one operation; report how it ended.
    A DflowError is a clean outcome (its exit code is kept); anything else is an internal error."""
    os.environ["DFLOW_KEYS"] = spec["keys"]
    engine = make_engine(spec["url"])
    result: dict[str, Any] = {"n": spec["n"], "pid": os.getpid(), "op": spec["op"]}
    try:
        if spec["op"] == "cli":  # the command line's imports are warm before the start too
            import cli  # noqa: F401
            import decision_flow.presentation.render  # noqa: F401
        engine.db.require()  # the connection is open and warm before the start
        with engine.db.session() as s:
            s.execute(text("SELECT count(*) FROM decisions")).scalar()
            s.rollback()
        Path(spec["ready"], str(spec["n"])).touch()
        wait_for(Path(spec["go"]))
        start = time.monotonic()
        try:
            result["value"] = OPS[spec["op"]](engine, spec)
            result["outcome"] = "ok"
        except DflowError as exc:
            result.update(outcome=type(exc).__name__, exit_code=exc.exit_code, message=exc.message("en"))
        except Exception as exc:  # noqa: BLE001 - an internal error is what the tests look for
            result.update(outcome="internal", error=repr(exc), trace=traceback.format_exc(limit=8))
        result["seconds"] = time.monotonic() - start
    finally:
        engine.db.dispose()
    return result


def pool_warm(_: int) -> int:
    """Nothing but proof that a pool worker is up (and which one)."""
    return os.getpid()


# ---------------------------------------------------------------------------- crash writer


def crash_writer(url: str, workdir: str, wid: int, go: str, ready: str) -> None:
    """Loop of audited changes on the newest decision, forever (until killed): record the
    initiation, advance, record the draft with evidence, send it back, now and then a new
    decision. Touches `ready` after its first committed change; appends `b` to its marks file
    before each change and `d` once the change has returned (committed)."""
    wait_for(Path(go))
    engine = make_engine(url)
    files = Path(workdir) / f"files-{wid}"
    marks = os.open(Path(workdir) / f"marks-{wid}", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    n = 0
    while True:
        n += 1
        os.write(marks, b"b\n")  # a change begins
        _crash_step(engine, files, wid, n)
        os.write(marks, b"d\n")  # ... and returned: it is committed
        if n == 1:
            Path(ready).touch()


def _crash_step(engine: Engine, files: Path, wid: int, n: int) -> None:
    tag = f"{wid}-{n}"
    with engine.db.engine.connect() as conn:
        row = conn.execute(text("SELECT id, stage, version FROM decisions ORDER BY id DESC LIMIT 1")).first()
        active = (
            {
                step
                for (step,) in conn.execute(
                    text("SELECT step FROM step_records WHERE decision_id = :d AND active"), {"d": row[0]}
                )
            }
            if row
            else set()
        )
        conn.rollback()
    if row is None or row[2] > 24:
        engine.new(f"崩溃测试 {tag}", "major-decision", [], OFFICER)
        return
    decision, stage, version = row
    if stage == "initiation":
        if "initiation" in active and version % 3 == 0:
            engine.advance(decision, OFFICER)
        else:
            engine.record(
                decision, "initiation", valid_values("initiation", undertaking_unit=f"单位-{tag}"), [], OFFICER
            )
    elif stage == "drafting":
        if "drafting" in active and version % 3 == 0:
            engine.send_back(decision, "initiation", f"重新拟定 {tag}", OFFICER)
        else:
            extra = {"alternatives": str(n % 5 + 1), "legal_basis": f"依据-{tag}"}
            engine.record(
                decision, "drafting", valid_values("drafting", **extra), attachments("drafting", files, tag), OFFICER
            )
    else:  # never reached by this writer
        raise AssertionError(stage)


# ---------------------------------------------------------------------------- checks


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection reading one consistent snapshot (REPEATABLE READ on PostgreSQL; on SQLite
    every transaction is one snapshot), so a commit landing mid-check cannot fool it."""
    with engine.db.engine.connect() as conn:
        if not engine.db.is_sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        try:
            yield conn
        finally:
            conn.rollback()


def events(engine: Engine, conn: Connection | None = None) -> list[dict[str, Any]]:
    """Every audit event as a plain dict, chain by chain (the registry's first), each in seq order."""
    if conn is None:
        with snapshot(engine) as c:
            return events(engine, c)
    rows = conn.execute(
        text(
            "SELECT chain, seq, action, decision_id, decision_seq, decision_prev, stage, step, data, prev_hash, hash"
            " FROM audit_events ORDER BY CASE WHEN chain = 'registry' THEN 0 ELSE 1 END, chain, seq"
        )
    ).all()
    keys = (
        "chain", "seq", "action", "decision", "decision_seq", "decision_prev", "stage", "step", "data", "prev_hash",
        "hash",
    )  # fmt: skip
    out = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        item["data"] = json.loads(item["data"])
        out.append(item)
    return out


def assert_linear(evs: list[dict[str, Any]]) -> None:
    """Every chain is linear and gap-free (no fork), and each decision's own chain is intact."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for e in evs:
        chains.setdefault(e["chain"], []).append(e)
    for chain, held in chains.items():
        assert [e["seq"] for e in held] == list(range(1, len(held) + 1)), f"chain {chain}: seq is not 1..N"
        prev = "0" * 64
        for e in held:
            assert e["prev_hash"] == prev, f"{chain} event {e['seq']}: prev_hash is not the previous hash (a fork)"
            prev = e["hash"]
    mine: dict[int, tuple[int, str | None]] = {}
    for e in sorted((e for e in evs if e["decision"] is not None), key=lambda e: (e["decision"], e["decision_seq"])):
        last_seq, last_hash = mine.get(e["decision"], (0, None))
        assert e["decision_seq"] == last_seq + 1, f"{e['chain']} event {e['seq']}: decision_seq out of order"
        assert e["decision_prev"] == last_hash, f"{e['chain']} event {e['seq']}: decision_prev broken"
        mine[e["decision"]] = (last_seq + 1, e["hash"])
    assert len({e["hash"] for e in evs}) == len(evs)


def assert_verifies(engine: Engine) -> None:
    verdict = verification.verify(engine)
    assert verdict.ok, verdict


SAVING_ACTIONS = {"recorded", "advanced", "returned"}  # each writes the decision once (version + 1)
WRITER_ACTIONS = SAVING_ACTIONS | {"created", "completed", "user_added"}


def assert_whole_changes(engine: Engine) -> dict[str, int]:
    """Every change the crash writer made is in the database whole or not at all: each
    decision's version counts its saving events; its stage is where its last move took it;
    each step record holds exactly the fields its `recorded` events set (epoch by epoch, a
    return superseding and carrying what the step held over into a new epoch), its status
    follows its `completed` event, its evidence rows match the evidence its events name.
    Returns counts for the report."""
    with snapshot(engine) as conn:
        evs = events(engine, conn)
        decisions = {
            i: (stage, status, version)
            for i, stage, status, version in conn.execute(text("SELECT id, stage, status, version FROM decisions"))
        }
        records = conn.execute(
            text("SELECT id, decision_id, step, status, fields, active FROM step_records ORDER BY id")
        ).all()
        evidence = conn.execute(text("SELECT record_id, kind, name, sha256 FROM evidence ORDER BY id")).all()
    assert_linear(evs)
    wf = get_workflow("major-decision")
    assert {e["action"] for e in evs} <= WRITER_ACTIONS | {"refused"}, {e["action"] for e in evs}
    assert not [e for e in evs if e["action"] == "refused"], "the writer made no refused attempt"
    by_decision: dict[int, list[dict[str, Any]]] = {}
    for e in evs:
        if e["decision"] is not None:
            by_decision.setdefault(e["decision"], []).append(e)
    assert set(by_decision) == set(decisions), "a decision without its created event, or the reverse"
    expected_records: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for decision, trail in by_decision.items():
        stage, status, version = decisions[decision]
        assert trail[0]["action"] == "created"
        assert version == 1 + sum(e["action"] in SAVING_ACTIONS for e in trail), (decision, version)
        moves = [e for e in trail if e["action"] in ("advanced", "returned")]
        assert stage == (moves[-1]["data"]["to"] if moves else wf.stages[0].name), (decision, stage)
        assert status == "active"
        open_epoch: dict[str, dict[str, Any]] = {}
        for e in trail:
            if e["action"] == "recorded":
                epoch = open_epoch.setdefault(e["step"], {"fields": {}, "status": "pending", "evidence": []})
                epoch["fields"] = {k: v for k, v in {**epoch["fields"], **e["data"]["fields"]}.items() if v is not None}
                epoch["evidence"] += [(x["kind"], x["name"], x["sha256"]) for x in e["data"]["evidence"]]
            elif e["action"] == "completed":
                open_epoch[e["step"]]["status"] = "completed"
            elif e["action"] == "returned":  # superseded; what held anything is carried over, pending
                redo = {st.name for s in wf.stages[wf.stage_index(e["data"]["to"]) :] for st in s.steps}
                carried = []
                for step in [st.name for st in wf.steps() if st.name in redo and st.name in open_epoch]:
                    old = open_epoch.pop(step)
                    expected_records.setdefault((decision, step), []).append({**old, "active": False})
                    if old["fields"] or old["evidence"]:
                        open_epoch[step] = {
                            "fields": old["fields"],
                            "status": "pending",
                            "evidence": list(old["evidence"]),
                        }
                        carried.append(step)
                assert e["data"]["carried"] == carried, (decision, e["seq"], e["data"]["carried"], carried)
        for step, epoch in open_epoch.items():
            expected_records.setdefault((decision, step), []).append({**epoch, "active": True})
    ev_of: dict[int, list[tuple[str, str, str]]] = {}
    for record_id, kind, name, sha in evidence:
        ev_of.setdefault(record_id, []).append((kind, name, sha))
    stored: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for rid, decision, step, status, fields, active in records:
        stored.setdefault((decision, step), []).append(
            {"fields": json.loads(fields), "status": status, "evidence": ev_of.get(rid, []), "active": bool(active)}
        )
    assert stored == expected_records, "step records are not what their events say"
    return {
        "events": len(evs),
        "decisions": len(decisions),
        "changes": sum(e["action"] in SAVING_ACTIONS | {"created"} for e in evs),
    }


def plain_record(
    url: str, decision: int, step: str, assignments: list[str], attach: list[str] | None = None
) -> dict[str, Any]:
    """One record by another process, at once (no start file); how it ended."""
    engine = make_engine(url)
    try:
        engine.record(decision, step, assignments, attach or [], ACTOR[step])
        return {"outcome": "ok", "pid": os.getpid()}
    except DflowError as exc:
        return {"outcome": type(exc).__name__, "exit_code": exc.exit_code, "pid": os.getpid()}
    except Exception as exc:  # noqa: BLE001 - an internal error is what the tests look for
        return {"outcome": "internal", "error": repr(exc)[:2000], "pid": os.getpid()}
    finally:
        engine.db.dispose()
