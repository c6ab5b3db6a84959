#!/usr/bin/env python3
"""The same eight-stage procedure in dflow and in SpiffWorkflow, per persisted step, on SQLite.

Each case walks the township decision of `decision_flow.engine.demo` (沙河乡农贸市场搬迁) from initiation to
archiving, with the demo's field values and evidence files, without its deliberately refused skip.

One step is one persisted state change, committed to a SQLite file (WAL, synchronous=FULL):

  dflow         one Engine.new / record / waive / advance call: a transaction that writes the change
                and appends its hash-chained, Ed25519-signed audit event. 19 per case: new, 9 records,
                the waiver of expert_review, 8 advances (recording and leaving a stage are separate acts);
                each attached file is also copied into the evidence store with an fsync of its own
  spiff         SpiffWorkflow (the Python BPMN engine a team would otherwise pick) running
                benchmarks/peer_procedure.bpmn: the eight stages as user tasks in sequence, the three
                consultation steps as parallel user tasks between two parallel gateways. A step is one
                task completion (set the task data, Task.run, do_engine_steps), then the whole workflow
                through its own BpmnWorkflowSerializer (JSON) and one UPDATE of the case's row, committed.
                11 per case: the workflow's creation (INSERT), then one per user task; expert_review is
                completed with the waiver's reason as its data. Spiff keeps order only: no roles, dates,
                evidence rules, audit trail or signatures
  spiff reload  the same, but each step first reads the row and deserializes the workflow, as a
                process that holds no workflow between requests (each dflow call reads its state
                from the database)

The three run interleaved, case by case, in one process, after one warm-up case each; parsing the BPMN
and loading dflow's workflow happen once, outside the timings. Reported: steps, seconds, wall µs per
step (median, mean), CPU µs per step (median: the process's own work, without waiting on the disk, which
on a shared machine is the noisier part), ms per case, SQLite bytes per case (file growth over the
measured cases, WAL checkpointed), the ratios dflow/spiff, dflow's cost per kind of call, and the parts
of a Spiff step: run, serialize_json alone, UPDATE+commit (and SELECT+deserialize_json when reloaded).
The dflow trail is verified afterwards, untimed.

Usage: python benchmarks/peer_spiffworkflow.py [--cases 50]   (needs: pip install -e '.[bench]')
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

try:
    from SpiffWorkflow import TaskState
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
except ImportError:
    sys.exit("SpiffWorkflow is not installed: pip install -e '.[bench]'")

from decision_flow.engine import Engine, users, verification
from decision_flow.engine.demo import EXECUTIVE, OFFICER, REVIEWER, TITLE, WALK, WORKFLOW
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database

BPMN = Path(__file__).with_name("peer_procedure.bpmn")
PROCESS = "major_decision"
FLAGS = ["stability_risk", "market_affecting"]
WAIVED = ("expert_review", "非专业性、技术性事项（乡长办公会认定）")
TODAY = date(2025, 7, 1)


def _evidence(work: Path) -> dict[str, Path]:
    """The demo's evidence files, written once and attached to every case."""
    folder = work / "evidence"
    folder.mkdir()
    paths = {}
    for kind in {k for *_rest, kinds in WALK for k in kinds}:
        paths[kind] = folder / f"{kind}.txt"
        paths[kind].write_text(f"{TITLE}：{kind}\n", encoding="utf-8")
    return paths


def _db_bytes(path: Path) -> int:
    """The file's size once its WAL is checkpointed into it."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.stat().st_size


class Timer:
    """Microseconds per step, wall and CPU, and wall per named act or part of a step."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []  # this process's own work: waiting on the disk is not in it
        self.us: dict[str, list[float]] = defaultdict(list)

    @contextmanager
    def step(self, act: str = "") -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall.append((time.perf_counter() - wall) * 1e6)
        self.cpu.append((time.process_time() - cpu) * 1e6)
        if act:
            self.us[act].append(self.wall[-1])

    def take(self, part: str, t0: float) -> float:
        """Time `part` as what ran since `t0`; return now, where the next part starts."""
        now = time.perf_counter()
        self.us[part].append((now - t0) * 1e6)
        return now


# ---------------------------------------------------------------------------- dflow


class DflowSide:
    """The real engine on a SQLite file, its users' keys in the scratch directory."""

    def __init__(self, work: Path, files: dict[str, Path]) -> None:
        self.path = work / "dflow.db"
        self.files = files
        self.engine = Engine(Database(f"sqlite:///{self.path}"), today=lambda: TODAY, keys=KeyRing(work / "keys"))
        users.init(self.engine, "admin")
        users.add(self.engine, OFFICER, ["officer"], "admin")
        users.add(self.engine, REVIEWER, ["legal_reviewer"], "admin")
        users.add(self.engine, EXECUTIVE, ["executive"], "admin")

    def case(self, k: int, timer: Timer) -> None:
        engine = self.engine
        with timer.step("new"):
            dec = engine.new(f"{TITLE}（{k}）", WORKFLOW, FLAGS, OFFICER)
        assert dec.id is not None
        for step, actor, fields, kinds in WALK:
            with timer.step("record"):
                engine.record(dec.id, step, fields, [f"{kind}={self.files[kind]}" for kind in kinds], actor)
            if step == "public_participation":
                with timer.step("waive"):
                    engine.waive(dec.id, WAIVED[0], WAIVED[1], OFFICER)
                continue  # the consultation stage is left once risk assessment is recorded too
            with timer.step("advance"):
                stage = engine.advance(dec.id, actor)
        assert stage == "archived", stage

    def close(self) -> None:
        """Check the whole trail (hashes, links, signatures, evidence) untimed, then let the file go."""
        verdict = verification.verify(self.engine)
        assert verdict.ok and verdict.signed == verdict.events, verdict
        self.engine.db.dispose()


# ---------------------------------------------------------------------------- SpiffWorkflow


class SpiffSide:
    """BPMN workflows persisted whole, one row per case, after every step."""

    def __init__(self, path: Path, files: dict[str, Path], reload: bool) -> None:
        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec(PROCESS)
        self.subprocesses = parser.get_subprocess_specs(PROCESS)
        self.serializer = BpmnWorkflowSerializer()
        self.files, self.reload, self.path = files, reload, path
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("CREATE TABLE workflow (id INTEGER PRIMARY KEY, title TEXT NOT NULL, state TEXT NOT NULL)")
        self.conn.commit()
        self.steps = self._steps()
        self.json_bytes: list[int] = []  # the serialization's size at the end of each case
        self.last_json = 0

    def _steps(self) -> list[tuple[str, dict[str, Any]]]:
        """(user task, the data it is completed with): what the dflow side records, in its order."""
        steps = []
        for step, actor, fields, kinds in WALK:
            steps.append((step, {"actor": actor, "fields": dict(f.split("=", 1) for f in fields), "evidence": kinds}))
            if step == "public_participation":
                steps.append((WAIVED[0], {"actor": OFFICER, "waived": WAIVED[1]}))
        return steps

    def _attach(self, kinds: list[str]) -> dict[str, dict[str, Any]]:
        """What dflow's audit event keeps of each file: name, SHA-256, size."""
        out = {}
        for kind in kinds:
            data = self.files[kind].read_bytes()
            out[kind] = {"name": self.files[kind].name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        return out

    def _store(self, wf: BpmnWorkflow, timer: Timer, t0: float, row: int | None = None, title: str = "") -> int:
        """Serialize the whole workflow and commit it: a new row (titled) for a new case, else UPDATE its row."""
        state = self.serializer.serialize_json(wf)
        t0 = timer.take("serialize", t0)
        with self.conn:
            if row is None:
                row = self.conn.execute("INSERT INTO workflow (title, state) VALUES (?, ?)", (title, state)).lastrowid
            else:
                self.conn.execute("UPDATE workflow SET state = ? WHERE id = ?", (state, row))
        timer.take("write", t0)
        self.last_json = len(state.encode())
        assert row is not None
        return row

    def case(self, k: int, timer: Timer) -> None:
        with timer.step():
            t0 = time.perf_counter()
            wf = BpmnWorkflow(self.spec, self.subprocesses)
            wf.do_engine_steps()
            row = self._store(wf, timer, timer.take("run", t0), title=f"{TITLE}（{k}）")
        for name, data in self.steps:
            with timer.step():
                t0 = time.perf_counter()
                if self.reload:
                    (state,) = self.conn.execute("SELECT state FROM workflow WHERE id = ?", (row,)).fetchone()
                    wf = self.serializer.deserialize_json(state)
                    t0 = timer.take("load", t0)
                task = wf.get_next_task(state=TaskState.READY, spec_name=name)
                assert task is not None, name
                task.data[name] = {**data, "evidence": self._attach(data.get("evidence", []))}
                task.run()
                wf.do_engine_steps()
                self._store(wf, timer, timer.take("run", t0), row)
        assert wf.is_completed() and set(wf.data) == {name for name, _data in self.steps}, wf.data.keys()
        self.json_bytes.append(self.last_json)

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------------------- report


def _row(label: str, timer: Timer, cases: int, size: int) -> dict[str, Any]:
    us = timer.wall
    return {
        "engine": label,
        "per_case": len(us) // cases,
        "steps": len(us),
        "seconds": sum(us) / 1e6,
        "median_us": statistics.median(us),
        "mean_us": statistics.fmean(us),
        "cpu_us": statistics.median(timer.cpu),
        "case_ms": sum(us) / 1e3 / cases,
        "cpu_case_ms": sum(timer.cpu) / 1e3 / cases,
        "bytes_case": size / cases,
    }


def run(cases: int, work: Path) -> tuple[list[dict[str, Any]], dict[str, Timer], SpiffSide]:
    """Walk `cases` decisions through each side, interleaved; a row per side, the timers, Spiff's side."""
    files = _evidence(work)
    sides: dict[str, Any] = {
        "dflow": DflowSide(work, files),
        "spiff": SpiffSide(work / "spiff.db", files, reload=False),
        "spiff reload": SpiffSide(work / "spiff-reload.db", files, reload=True),
    }
    for side in sides.values():
        side.case(0, Timer())  # warm-up: first-use costs (imports, caches, key loading) stay out
    before = {name: _db_bytes(side.path) for name, side in sides.items()}
    timers = {name: Timer() for name in sides}
    for k in range(1, cases + 1):  # interleaved, so load from elsewhere on the machine falls on all three
        for name, side in sides.items():
            side.case(k, timers[name])
    for side in sides.values():
        side.close()
    grown = {name: _db_bytes(side.path) - before[name] for name, side in sides.items()}
    rows = [
        _row("dflow (signed audit trail)", timers["dflow"], cases, grown["dflow"]),
        _row("spiff (workflow kept in memory)", timers["spiff"], cases, grown["spiff"]),
        _row("spiff (reloaded every step)", timers["spiff reload"], cases, grown["spiff reload"]),
    ]
    return rows, timers, sides["spiff"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50, help="decisions walked through the whole procedure")
    parser.add_argument("--dir", default=None, help="where the SQLite files go (default: a temp dir)")
    args = parser.parse_args()
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        rows, timers, spiff = run(args.cases, Path(tmp))
    dflow = rows[0]
    print(
        f"Eight-stage procedure, {args.cases} cases; step = one persisted state change, committed "
        f"(SQLite WAL, synchronous=FULL); SpiffWorkflow {version('SpiffWorkflow')}, {os.cpu_count()} CPUs"
    )
    print(
        f"{'engine':<32} {'steps/case':>10} {'steps':>6} {'seconds':>8} {'median µs':>10} {'mean µs':>8}"
        f" {'cpu µs':>7} {'ms/case':>8} {'cpu ms/case':>11} {'bytes/case':>10}"
    )
    for r in rows:
        print(
            f"{r['engine']:<32} {r['per_case']:>10} {r['steps']:>6} {r['seconds']:>8.2f} {r['median_us']:>10.0f}"
            f" {r['mean_us']:>8.0f} {r['cpu_us']:>7.0f} {r['case_ms']:>8.1f} {r['cpu_case_ms']:>11.1f}"
            f" {r['bytes_case']:>10.0f}"
        )
    print("(µs are wall time per step, median and mean; cpu: this process's own work, median, without disk waits)")
    for other in rows[1:]:
        print(
            f"dflow / {other['engine']}: per step {dflow['median_us'] / other['median_us']:.1f}x (median),"
            f" {dflow['mean_us'] / other['mean_us']:.1f}x (mean); per case {dflow['case_ms'] / other['case_ms']:.1f}x"
            f" wall, {dflow['cpu_case_ms'] / other['cpu_case_ms']:.1f}x cpu"
        )
    d, s, sr = timers["dflow"].us, timers["spiff"].us, timers["spiff reload"].us
    print("dflow per call, median µs: " + ", ".join(f"{act} {statistics.median(d[act]):.0f}" for act in d))
    ser = statistics.median(s["serialize"])
    print(
        f"spiff per step, median µs: run {statistics.median(s['run']):.0f}, serialize_json {ser:.0f}"
        f" (mean {statistics.fmean(s['serialize']):.0f}; {ser / rows[1]['median_us'] * 100:.0f} % of the step's wall,"
        f" {ser / rows[1]['cpu_us'] * 100:.0f} % of its cpu), UPDATE+commit {statistics.median(s['write']):.0f};"
        f" reloaded: SELECT+deserialize_json {statistics.median(sr['load']):.0f}"
    )
    print(
        f"spiff JSON per case at the end: {statistics.median(spiff.json_bytes):,.0f} bytes (one row, rewritten whole)"
    )


if __name__ == "__main__":
    main()
