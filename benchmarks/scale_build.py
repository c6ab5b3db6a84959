#!/usr/bin/env python3
"""The generator behind benchmarks/scale.py: a real dflow SQLite database of any size.

Schema, users, keys and organs are made through the library (a county server: the county
government `main` and four of its departments, the four users holding their roles in each); the
bulk is written with plain sqlite3: decisions spread over the stages of "major-decision" (some
returned from legality review, some rejected, half archived) and over the five organs, their step
records and evidence as the engine writes them, and a trail of ~50 events per decision in its
organ's hash chain (events of version 2, each recording the registry chain's size), each signed by
its actor (two forked workers sign while the main process hashes), that `dflow audit verify`
accepts. `build(path, decisions, events)` returns the number of events in the database (all
chains) and the seconds it took.
"""

from __future__ import annotations

import heapq
import json
import multiprocessing
import random
import shutil
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from decision_flow.core.errors import Blocked, Reason
from decision_flow.core.i18n import Msg
from decision_flow.definition.workflow import Stage, Workflow
from decision_flow.engine import Engine, organs, users
from decision_flow.identity import keys
from decision_flow.identity.keys import KeyRing
from decision_flow.procedures import get as get_workflow
from decision_flow.store.db import Database
from decision_flow.trail import canonical
from decision_flow.trail.canonical import GENESIS, REGISTRY

WORKFLOW = "major-decision"
STAGE = "legality_review"  # the stage `dflow list --stage` filters on
TARGET = 1.3
USERS = {"zhang_wei": "officer", "liu_yang": "officer", "chen_jing": "legal_reviewer", "wang_qiang": "executive"}
SIGNERS = list(USERS)  # an event carries the index of its signer to the signing workers
OFFICERS = [name for name, role in USERS.items() if role == "officer"]
ACTOR_OF_ROLE = {"legal_reviewer": "chen_jing", "executive": "wang_qiang"}
# The county government's departments (code: name); with `main` they are the organs deciding the cases.
DEPARTMENTS = {"fgj": "县发展和改革局", "zjj": "县住房和城乡建设局", "jtj": "县交通运输局", "sthjj": "县生态环境局"}
ORGANS = [organs.ROOT, *DEPARTMENTS]  # decision i is decided by ORGANS[i % 5]
EPOCH = datetime(2019, 9, 1)  # Decree No. 713 in force; event times are seconds from here (UTC)
CREATED_OVER = 2300 * 86400  # decisions are created evenly over these seconds, whatever their number
DAY = 86400
# How long a stay at each stage lasts, in days (times 1 to 1.3): a decision runs about five months.
STAGE_DAYS = {
    "initiation": 10,
    "drafting": 30,
    "consultation": 50,
    "legality_review": 25,
    "collective_decision": 10,
    "party_report": 5,
    "publication": 10,
    "archiving": 15,
}

# Where decisions stand: (stage, status, share). Decision i is placed by the golden-ratio
# sequence, so a database of 100 holds nearly the same fractions as one of 100,000.
WHERE = [
    ("initiation", "active", 0.04),
    ("drafting", "active", 0.06),
    ("consultation", "active", 0.10),
    ("legality_review", "active", 0.08),
    ("collective_decision", "active", 0.05),
    ("collective_decision", "rejected", 0.04),
    ("party_report", "active", 0.03),
    ("publication", "active", 0.04),
    ("archiving", "active", 0.04),
    ("archiving", "archived", 0.52),
]
PLACES = ["城关镇", "沙河乡", "青山镇", "东湖街道", "县城区", "白马乡", "石桥镇", "全县"]
MATTERS = [
    "农贸市场搬迁",
    "集中供热价格调整",
    "城区停车收费标准调整",
    "老旧小区改造实施方案",
    "公交线路优化调整",
    "生活垃圾分类实施办法",
    "中小学布局调整",
    "河道综合治理方案",
    "集体土地征收补偿标准",
    "自来水价格调整",
]
RETURN_REASON = "合法性审查意见：草案第三条缺乏上位法依据，退回重新起草"
WAIVE_REASON = "本事项不具有专业性、技术性，经决策机关同意不组织专家论证"

Maker = Callable[[date, random.Random, dict[str, Any]], Any]


def on(days: int) -> Maker:
    """A date `days` after the stay at the stage began (it is recorded in the stay's last 30%)."""
    return lambda start, rng, values: (start + timedelta(days=days)).isoformat()


def pick(*options: Any) -> Maker:
    return lambda start, rng, values: rng.choice(options)


def between(low: int, high: int) -> Maker:
    return lambda start, rng, values: rng.randint(low, high)


# Field values per step. Dates follow the procedure's order and every rule of the workflow
# holds (30 days of consultation, 7 working days of review, …), as in tests/flow.py VALID.
FIELDS: dict[str, dict[str, Maker]] = {
    "initiation": {
        "proposer_kind": pick("organ_leader", "department", "lower_government", "deputy", "public"),
        "proposed_by": pick("县长办公会", "县发展和改革局", "县人大代表王建国", "县政协委员李红"),
        "undertaking_unit": pick("县发展和改革局", "县住房和城乡建设局", "县交通运输局", "县生态环境局"),
        "start_approved_on": on(0),
        "catalogue_item": lambda start, rng, values: f"{start.year}-{rng.randint(1, 40):03d}",
    },
    "drafting": {
        "legal_basis": pick(
            "《中华人民共和国价格法》第二十三条", "《中华人民共和国城乡规划法》", "《农产品市场管理办法》"
        ),
        "alternatives": between(1, 4),
        "units_consulted": pick("县财政局、县自然资源局", "县司法局、县市场监管局", "各乡镇人民政府"),
    },
    "public_participation": {
        "opened_on": on(1),
        "closed_on": on(32),
        "channels": pick(["县政府网站", "公示栏"], ["县政府网站", "政务新媒体", "村务公开栏"]),
        "opinions_received": between(0, 400),
        "opinions_adopted": lambda start, rng, values: rng.randint(0, values["opinions_received"]),
    },
    "expert_review": {
        "held_on": on(15),
        "experts": pick(["王工", "陈教授"], ["赵研究员", "孙高工", "周教授"]),
        "conflicts_declared": pick(True),
    },
    "risk_assessment": {
        "completed_on": on(25),
        "assessed_by": pick("县社会稳定风险评估中心", "县综治中心", "第三方评估机构"),
        "risk_level": pick("low", "medium"),
        "controllable": pick(True),
    },
    "legality_review": {
        "submitted_on": on(1),
        "opinion_on": on(15),
        "reviewer_unit": pick("县司法局", "县人民政府法制审查科"),
        "legal_adviser": pick("李律师", "县政府法律顾问张明", "公职律师刘芳"),
        "opinion": pick("lawful", "lawful_with_revisions"),
    },
    "collective_decision": {
        "meeting_type": pick("standing_meeting", "plenary_meeting"),
        "held_on": on(3),
        "stances": pick(["张县长:agree", "王副县长:agree", "刘委员:abstain"], ["张县长:agree", "李副县长:agree"]),
        "head_decision": pick("approved"),
    },
    "party_report": {"reported_on": on(2), "party_committee": pick("中共青山县委员会")},
    "publication": {"published_on": on(3), "channels": pick(["县政府网站"], ["县政府网站", "政务新媒体"])},
    "archiving": {
        "archived_on": on(5),
        "archive_ref": lambda start, rng, values: f"QS-{start.year}-JC-{rng.randint(1, 999):03d}",
    },
}
# How a stay ends changes what its records say: the review finds the draft unlawful, the meeting rejects.
OVERRIDES = {
    ("return", "legality_review"): {"opinion": "unlawful"},
    ("reject", "collective_decision"): {"head_decision": "rejected"},
}


def where(ident: int) -> tuple[str, str]:
    u, total = (ident * 0.6180339887498949) % 1.0, 0.0
    for stage, status, share in WHERE:
        total += share
        if u < total:
            return stage, status
    return WHERE[-1][0], WHERE[-1][1]


def stamp(seconds: float) -> str:
    return (EPOCH + timedelta(seconds=seconds)).isoformat(timespec="microseconds") + "Z"


# ---------------------------------------------------------------------------- a decision's life


@dataclass
class Visit:
    """One stay of a decision at a stage: the steps touched, in how many records each, the
    refused attempts to leave early, and how the stay ends (advance, return, reject, open)."""

    stage: Stage
    end: str
    steps: list[tuple[str, str]]  # (step, "record" | "waive")
    parts: dict[str, int] = field(default_factory=dict)
    refusals: int = 0
    start: date = EPOCH.date()


def visits_of(wf: Workflow, ident: int) -> tuple[list[str], list[Visit]]:
    """The decision's flags and stays, decided by its id alone."""
    rng = random.Random(ident)
    stage, status = where(ident)
    flags = ["technical"] if rng.random() < 0.2 else []
    waive_expert = not flags and rng.random() < 0.4
    names = [s.name for s in wf.stages]
    last, review = names.index(stage), names.index("legality_review")
    route = list(range(last + 1))
    returned = last > review and rng.random() < 0.06
    if returned:  # the review found the draft unlawful: drafting onwards is done again
        route = route[: review + 1] + list(range(1, last + 1))
    visits = []
    for i, index in enumerate(route):
        if i < len(route) - 1:
            end = "return" if returned and i == review else "advance"
        else:
            end = {"active": "open", "archived": "advance", "rejected": "reject"}[status]
        st = wf.stages[index]
        steps = [(s.name, "waive" if s.name == "expert_review" and waive_expert else "record") for s in st.steps]
        if end == "open":
            steps = steps[: rng.randint(0, len(steps))]
        visits.append(Visit(st, end, steps, {s: 1 for s, how in steps if how == "record"}))
    return flags, visits


def base_events(visits: list[Visit]) -> int:
    """Events of the shortest life with these stays: one record per step, no refusal."""
    ends = {"advance": 1, "return": 1, "reject": 2, "open": 0}
    return 1 + sum(len(v.steps) + ends[v.end] + (len(v.parts) if v.end == "advance" else 0) for v in visits)


Move = tuple[str, Visit, str | None, int]  # action, the stay, the step, records of the step still to come


class Walk:
    """A decision's life planned from its id and its share of events: each stay's events fall in
    its days (refusals early, records, completions and the move late), and are turned one at a
    time into the event the engine would write, with the step records and evidence it leaves.
    Events beyond the shortest life are records made in parts (values entered, then completed or
    corrected) and refused attempts to leave a stage early."""

    def __init__(self, wf: Workflow, ident: int, extra: int, created: float, files: dict[str, Any]) -> None:
        self.wf, self.id, self.files = wf, ident, files
        self.flags, visits = visits_of(wf, ident)
        rng = self.rng = random.Random(-ident)
        slots = [(v, s) for v in visits for s, how in v.steps if how == "record"]
        for _ in range(extra):
            if slots and rng.random() > 0.15:
                v, s = rng.choice(slots)
                v.parts[s] += 1
            else:
                rng.choice(visits).refusals += 1
        self.officer = rng.choice(OFFICERS)
        self.organ = ORGANS[ident % len(ORGANS)]
        self.title = f"{rng.choice(PLACES)}{rng.choice(MATTERS)}"
        self.moves: deque[Move] = deque([("created", visits[0], None, 0)])
        self.times = deque([created])
        now = created
        for v in visits:
            v.start = (EPOCH + timedelta(seconds=now)).date()
            days = STAGE_DAYS[v.stage.name] * rng.uniform(1.0, 1.3) * DAY
            late: list[Move] = []
            for s, how in v.steps:
                if how == "waive":
                    late.append(("waived", v, s, 0))
                else:
                    late.extend(("recorded", v, s, left) for left in range(v.parts[s], 0, -1))
            if v.end == "advance":
                late.extend(("completed", v, s, 0) for s in v.parts)
                late.append(("advanced", v, None, 0))
            elif v.end == "return":
                late.append(("returned", v, None, 0))
            elif v.end == "reject":
                late.extend([("completed", v, "collective_decision", 0), ("rejected", v, None, 0)])
            self.moves.extend([("refused", v, None, 0)] * v.refusals + late)
            self.times.extend(sorted(now + rng.uniform(0.0, 0.7) * days for _ in range(v.refusals)))
            self.times.extend(sorted(now + rng.uniform(0.7, 1.0) * days for _ in late))
            now = self.times[-1]
        self.stage, self.status, self.version, self.created_at = "initiation", "active", 1, ""
        self.records: list[dict[str, Any]] = []
        self.active: dict[str, dict[str, Any]] = {}
        self.seq, self.last_hash = 0, None  # the decision's own chain

    def actor(self, step: str) -> str:
        return ACTOR_OF_ROLE.get(self.wf.step(step).roles[0], self.officer)

    def record(self, stage: str, step: str) -> dict[str, Any]:
        rec = self.active.get(step)
        if rec is None:
            rec = {"stage": stage, "step": step, "status": "pending", "fields": {}, "evidence": []}
            rec |= {"waiver_reason": None, "closed_at": None, "closed_by": None, "active": True}
            self.records.append(rec)
            self.active[step] = rec
        return rec

    def next(self) -> tuple[str, str, str, str, str | None, dict[str, Any]]:
        """The next event: (at, actor, action, stage, step, data), its effects applied."""
        at = stamp(self.times.popleft())
        action, visit, step, left = self.moves.popleft()
        stage, wf = visit.stage.name, self.wf
        if action == "created":
            self.created_at = at
            data = {"title": self.title, "workflow": wf.name, "workflow_version": wf.version, "organ": self.organ}
            return at, self.officer, action, stage, None, data | {"workflow_sha256": wf.sha256, "flags": self.flags}
        if step is None:  # a move of the whole decision, by whoever performs the stage's first step
            actor = self.actor(visit.stage.steps[0].name)
        else:
            actor, rec = self.actor(step), self.record(stage, step)
        if action == "refused":
            return at, actor, action, stage, None, refusal(visit.stage)
        if action == "recorded":
            self.version += 1
            values: dict[str, Any] = {}
            for name, make in FIELDS[step].items():
                values[name] = make(visit.start, self.rng, values)
            values |= OVERRIDES.get((visit.end, step), {})
            evidence = []
            if left > 1:  # an earlier part: some of the values, no files yet
                chosen = self.rng.sample(sorted(values), self.rng.randint(1, len(values)))
                values = {k: values[k] for k in sorted(chosen)}
            else:
                for e in wf.step(step).evidence:
                    if e.required or e.kind == "publication_copy":
                        sha, size = self.rng.choice(self.files[e.kind])
                        item = {"kind": e.kind, "name": f"{e.kind}-{self.id}.pdf", "sha256": sha, "size": size}
                        evidence.append(item)
                        rec["evidence"].append((e.kind, item["name"], sha, size, at, actor))
            rec["fields"].update(values)
            return at, actor, action, stage, step, {"fields": values, "evidence": evidence}
        if action == "waived":
            self.version += 1
            rec.update(status="waived", closed_at=at, closed_by=actor, waiver_reason=WAIVE_REASON)
            return at, actor, action, stage, step, {"reason": WAIVE_REASON, "reference": None}
        if action == "completed":  # by whoever moves the decision on
            actor = self.actor(visit.stage.steps[0].name)
            rec.update(status="completed", closed_at=at, closed_by=actor)
            outcome = {"outcome": rec["fields"]["head_decision"]} if step == "collective_decision" else {}
            return at, actor, action, stage, step, {"marks": [], **outcome}
        self.version += 1
        if action == "advanced":
            index = wf.stage_index(stage)
            to = wf.stages[index + 1].name if index + 1 < len(wf.stages) else "archived"
            self.stage, self.status = (stage, "archived") if to == "archived" else (to, "active")
            return at, actor, action, stage, None, {"from": stage, "to": to}
        if action == "returned":  # drafting and every later stage are done again; their records stay, superseded
            # (the engine also starts new records carrying the old values over; for the reads measured
            # here a superseded record costs the same, so they are not made)
            for rec in self.records:
                rec["active"] = rec["active"] and rec["stage"] == "initiation"
            self.active = {s: r for s, r in self.active.items() if r["active"]}
            self.stage = "drafting"
            return at, actor, action, stage, None, {"from": stage, "to": "drafting", "reason": RETURN_REASON}
        assert action == "rejected", action
        self.status = "rejected"
        return at, actor, action, stage, None, {"outcome": "rejected"}

    def rows(
        self, record_id: int, evidence_id: int
    ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The decision's row, its step records and their evidence, numbered after the ids given."""
        wf, flags = self.wf, json.dumps({f: True for f in sorted(self.flags)})
        decision = (self.id, self.title, wf.name, wf.version, wf.sha256, self.stage, self.status, flags)
        decision += (self.version, self.created_at, self.officer, self.organ)
        records, evidence = [], []
        for rec in self.records:
            record_id += 1
            fields = json.dumps(rec["fields"], ensure_ascii=False, sort_keys=True)
            records.append(
                (record_id, self.id, rec["stage"], rec["step"], rec["status"], fields, "[]", rec["waiver_reason"])
                + (None, rec["closed_at"], rec["closed_by"], rec["active"], None)  # carried_from: none here
            )
            for item in rec["evidence"]:
                evidence_id += 1
                evidence.append((evidence_id, record_id, *item))
        return decision, records, evidence


_refusals: dict[str, dict[str, Any]] = {}


def refusal(stage: Stage) -> dict[str, Any]:
    """The data of a refused `dflow advance` at a stage none of whose steps is done yet."""
    if stage.name not in _refusals:
        open_steps = [Msg("stage.step_open", {"step": s.name}) for s in stage.steps]
        exc = Blocked(
            Msg("advance.refused", {"stage": stage.name}),
            [Reason("stage_incomplete", stage.leave_article, msg) for msg in open_steps],
        )
        _refusals[stage.name] = {
            "attempted": "advance",
            "args": {"to": None},
            "error": exc.code,
            "message": exc.message("en"),
            "reasons": [r.as_dict("en") for r in exc.reasons],
        }
    return _refusals[stage.name]


# ---------------------------------------------------------------------------- writing the database


_signers: list[keys.Signer] = []


def _load_signers(directory: str) -> None:
    _signers.extend(keys.load(name, path=Path(directory) / f"{name}.key") for name in SIGNERS)


def _sign(jobs: list[tuple[int, str]]) -> list[str]:
    return [_signers[who].sign(digest) for who, digest in jobs]


class Writer:
    """Appends events in batches; their signatures are made by two worker processes while the
    main process hashes the next batch (the chain is sequential, signing is not)."""

    INSERT = (
        "INSERT INTO audit_events(chain, seq, at, actor, action, decision_id, decision_seq, decision_prev,"
        " stage, step, data, prev_hash, hash, registry_position, format, signature)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    DECISIONS = (
        "INSERT INTO decisions(id, title, workflow, workflow_version, workflow_sha256, stage, status, flags,"
        " version, created_at, created_by, organ) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
    )

    def __init__(self, conn: sqlite3.Connection, key_dir: Path, batch: int = 20_000) -> None:
        self.conn, self.batch = conn, batch
        self.pool = multiprocessing.get_context("fork").Pool(2, _load_signers, (str(key_dir),))
        self.rows: list[tuple[Any, ...]] = []
        self.jobs: list[tuple[int, str]] = []
        self.pending: deque[tuple[list[tuple[Any, ...]], Any]] = deque()
        self.decisions: list[tuple[Any, ...]] = []
        self.records: list[tuple[Any, ...]] = []
        self.evidence: list[tuple[Any, ...]] = []

    def event(self, row: tuple[Any, ...], signer: int, digest: str) -> None:
        self.rows.append(row)
        self.jobs.append((signer, digest))
        if len(self.rows) >= self.batch:
            self._send()
            while len(self.pending) > 3:  # the workers are busy: write what they have signed
                self._write()

    def state(self, decision: tuple[Any, ...], records: list[tuple[Any, ...]], evidence: list[tuple[Any, ...]]) -> None:
        self.decisions.append(decision)
        self.records += records
        self.evidence += evidence

    def _send(self) -> None:
        self.pending.append((self.rows, self.pool.apply_async(_sign, (self.jobs,))))
        self.rows, self.jobs = [], []

    def _write(self) -> None:
        rows, signed = self.pending.popleft()
        self.conn.executemany(self.INSERT, [(*row, sig) for row, sig in zip(rows, signed.get(), strict=True)])
        self.conn.executemany(self.DECISIONS, self.decisions)
        self.conn.executemany(f"INSERT INTO step_records VALUES ({','.join('?' * 13)})", self.records)
        self.conn.executemany(  # the columns of 0008 (withdrawn_*) left empty
            "INSERT INTO evidence(id, record_id, kind, name, sha256, size, attached_at, attached_by)"
            f" VALUES ({','.join('?' * 8)})",
            self.evidence,
        )
        self.decisions, self.records, self.evidence = [], [], []
        self.conn.commit()

    def close(self) -> None:
        self._send()
        while self.pending:
            self._write()
        self.pool.close()
        self.pool.join()


def evidence_files(engine: Engine, directory: Path) -> dict[str, list[tuple[str, int]]]:
    """A few files per evidence kind, put in the database's evidence store: (sha256, size)."""
    directory.mkdir(exist_ok=True)
    files: dict[str, list[tuple[str, int]]] = {}
    for step in get_workflow(WORKFLOW).steps():
        for e in step.evidence:
            for n in range(4):
                path = directory / f"{e.kind}-{n}.txt"
                path.write_text(f"{e.title.zh}（第{n + 1}稿）\n" + "正文内容。" * 200 * (n + 1), encoding="utf-8")
                files.setdefault(e.kind, []).append(engine.store.put(path))
    shutil.rmtree(directory)
    return files


def build(path: Path, decisions: int, events: int) -> tuple[int, float]:
    """Build the database at `path` (keys in path.parent/keys); return its events and seconds."""
    t0 = time.perf_counter()
    db = Database(f"sqlite:///{path}")
    engine = Engine(db, now=lambda: EPOCH.replace(tzinfo=UTC), keys=KeyRing(directory=path.parent / "keys"))
    users.init(engine, "admin")
    for name, role in USERS.items():
        users.add(engine, name, [role], "admin")
    for code, title in DEPARTMENTS.items():
        organs.add(engine, code, title, "department", organs.ROOT, "admin")
        for name, role in USERS.items():
            organs.grant(engine, name, code, [role], "admin")
    files = evidence_files(engine, path.parent / f"{path.stem}-material")
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-2000000")  # 2 GB: the hash indexes are written in random order
    # The setup's events are all in the registry chain; every organ's chain starts empty.
    ((registry, written),) = conn.execute("SELECT max(seq), count(*) FROM audit_events WHERE chain = ?", (REGISTRY,))
    heads = {organ: (0, GENESIS) for organ in ORGANS}  # each organ's chain: its last seq and hash

    # Each decision's share of the events beyond its shortest life grows with how far it went.
    wf = get_workflow(WORKFLOW)
    bases = [base_events(visits_of(wf, i)[1]) for i in range(1, decisions + 1)]
    spare, total = max(0, events - written - sum(bases)), max(1, sum(bases))
    shares = [spare * running // total for running in accumulate(bases)]
    extras = [b - a for a, b in zip([0, *shares], shares, strict=False)]

    # Decisions start evenly over time; their events are written in the order of their times.
    writer, rng = Writer(conn, path.parent / "keys"), random.Random(0)
    every, record_id, evidence_id = CREATED_OVER / max(decisions, 1), 0, 0
    waiting: list[tuple[float, int, Walk]] = []
    next_id, created = 1, rng.random() * every
    while next_id <= decisions or waiting:
        if next_id <= decisions and (not waiting or created <= waiting[0][0]):
            heapq.heappush(waiting, (created, next_id, Walk(wf, next_id, extras[next_id - 1], created, files)))
            next_id, created = next_id + 1, (next_id + rng.random()) * every
            continue
        _, _, walk = heapq.heappop(waiting)
        at, actor, action, stage, step, data = walk.next()
        chain, text = walk.organ, canonical.canonical_json(data).decode("utf-8")
        seq, prev = heads[chain]
        seq, decision_seq, decision_prev = seq + 1, walk.seq + 1, walk.last_hash
        content = canonical.stored_content(
            seq, at, actor, action, walk.id, decision_seq, decision_prev, stage, step, text, prev, chain, registry
        )
        digest = canonical.hash_content(content)
        row = (chain, seq, at, actor, action, walk.id, decision_seq, decision_prev, stage, step, text, prev, digest)
        writer.event((*row, registry, 2), SIGNERS.index(actor), digest)  # registry position, format
        heads[chain], walk.seq, walk.last_hash, written = (seq, digest), decision_seq, digest, written + 1
        if walk.times:
            heapq.heappush(waiting, (walk.times[0], walk.id, walk))
        else:
            decision, records, evidence = walk.rows(record_id, evidence_id)
            record_id, evidence_id = record_id + len(records), evidence_id + len(evidence)
            writer.state(decision, records, evidence)
    writer.close()
    conn.execute("PRAGMA journal_mode=WAL")  # as the engine keeps it
    conn.close()
    return written, time.perf_counter() - t0


# ---------------------------------------------------------------------------- measuring
