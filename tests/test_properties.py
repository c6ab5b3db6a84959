"""Property tests (hypothesis): any sequence of actions either follows the procedure or is
refused, and any single-byte edit to a stored event is found by verification.

Each example gets its own SQLite file under a TemporaryDirectory made inside the test body:
function-scoped fixtures are not reset between hypothesis examples. The state is read back
with the stdlib sqlite3 module, not through the engine.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from decision_flow.core.errors import Blocked, Forbidden, InvalidInput, NotFound
from decision_flow.definition.values import parse_value
from decision_flow.engine import Engine, verification
from decision_flow.procedures import get as get_workflow
from decision_flow.store.db import Database
from tests.conftest import TODAY, Clock
from tests.flow import (
    ACTOR,
    ADMIN,
    AUDITOR,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    TOWNSHIP_MEETING,
    VALID,
    evidence_file,
    organ_for,
    register_users,
)

# The procedure as PROCEDURE.md states it, written out here rather than read from the engine.
STAGES = (
    "initiation",
    "drafting",
    "consultation",
    "legality_review",
    "collective_decision",
    "party_report",
    "publication",
    "archiving",
)
CONSULTATION = ("public_participation", "expert_review", "risk_assessment")
NEVER_WAIVED = ("legality_review", "collective_decision")
WORKFLOWS = ("major-decision", "major-decision-township")
FLAGS = ("technical", "stability_risk", "hearing_required", "non_disclosable", "market_affecting")
STEPS = tuple(VALID)
GHOST = "wang_wu"  # never registered
USERS = (OFFICER, REVIEWER, EXECUTIVE, AUDITOR, ADMIN, GHOST)
CANNOT_CHANGE = (AUDITOR, ADMIN, GHOST)  # auditors change nothing; admins hold no step role
TABLES = ("decisions", "step_records", "evidence", "users", "meta")
ATTEMPTED = {"advance": "advance", "complete": "complete", "waive": "waive", "record": "record", "send_back": "return"}
SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def documented_hash(row: dict[str, Any]) -> str:
    """sha256(domain + canonical JSON of the content), from the documented formula (version 2:
    every event written since chains per organ); the content is every stored column but the hash,
    the signature (which signs the hash) and the format, decision_id named "decision",
    registry_position "registry", data parsed."""
    assert row["format"] == 2
    names = {"decision_id": "decision", "registry_position": "registry"}
    content = {names.get(k, k): v for k, v in row.items() if k not in ("hash", "signature", "format")}
    content["data"] = json.loads(row["data"])
    assert {"seq", "at", "actor", "action", "decision", "stage", "step", "data", "prev_hash", "chain"} <= set(content)
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(b"decision-flow/audit/v2\n" + body).hexdigest()


def events_of(path: Path) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(path)) as con:
        cursor = con.execute("SELECT * FROM audit_events ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def assert_chain_recomputes(path: Path) -> None:
    """In each chain seq 1..N, each prev_hash the previous hash, each hash the documented one."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for row in events_of(path):
        chains.setdefault(row["chain"], []).append(row)
    for chain, events in chains.items():
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), chain
        previous = "0" * 64
        for stored in events:
            assert stored["prev_hash"] == previous, f"link broken at {chain} {stored['seq']}"
            assert stored["hash"] == documented_hash(stored), f"hash wrong at {chain} {stored['seq']}"
            previous = stored["hash"]


@contextmanager
def fresh_engine() -> Iterator[tuple[Engine, Path]]:
    """A new engine on a new SQLite file with the five users (as tests/conftest.py builds it)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = Database(f"sqlite:///{root / 'dflow.db'}")
        engine = Engine(db, now=Clock(), today=lambda: TODAY)
        try:
            register_users(engine)
            (root / "files").mkdir()
            yield engine, root
        finally:
            db.dispose()


# ---------------------------------------------------------------------------- observing the state


@dataclass(frozen=True)
class State:
    stage: str
    status: str
    closed: frozenset[str]  # steps whose active record is completed or waived
    waived_never_waivable: int
    tables: dict[str, list[tuple[Any, ...]]] = field(repr=False)
    events: list[tuple[Any, ...]] = field(repr=False)
    # step -> its active record: (id, status, fields, evidence as (kind, name, sha256), carried_from)
    records: dict[str, tuple[Any, ...]] = field(repr=False, default_factory=dict)


def observe(path: Path, decision: int) -> State:
    with closing(sqlite3.connect(path)) as con:
        stage, status = con.execute("SELECT stage, status FROM decisions WHERE id = ?", (decision,)).fetchone()
        closed = {
            step
            for (step,) in con.execute(
                "SELECT step FROM step_records WHERE decision_id = ? AND active AND status IN ('completed', 'waived')",
                (decision,),
            )
        }
        marks = ", ".join("?" * len(NEVER_WAIVED))
        waived = con.execute(
            f"SELECT count(*) FROM step_records WHERE status = 'waived' AND step IN ({marks})", NEVER_WAIVED
        ).fetchone()[0]
        tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
        events = con.execute("SELECT seq, actor, action, stage, step, data FROM audit_events ORDER BY rowid").fetchall()
        files: dict[int, list[tuple[str, str, str]]] = {}
        for record_id, kind, name, sha in con.execute(
            "SELECT record_id, kind, name, sha256 FROM evidence ORDER BY id"
        ).fetchall():
            files.setdefault(record_id, []).append((kind, name, sha))
        records = {
            step: (i, st_, fields, tuple(files.get(i, [])), carried_from)
            for i, step, st_, fields, carried_from in con.execute(
                "SELECT id, step, status, fields, carried_from FROM step_records WHERE decision_id = ? AND active",
                (decision,),
            )
        }
    return State(stage, status, frozenset(closed), waived, tables, events, records)


# ---------------------------------------------------------------------------- actions

WHO = st.one_of(st.none(), st.sampled_from(USERS))  # None: the user whose step it is
PICK = st.one_of(st.integers(0, 2).map(lambda i: ("current", i)), st.sampled_from(STEPS).map(lambda s: ("any", s)))
VARIANTS = (
    "valid",
    "valid",
    "partial",
    "no_evidence",
    "future_date",
    "early_date",
    "bad_enum",
    "unknown_field",
    "opinion=unlawful",
    "opinion=lawful_with_revisions",
    "controllable=false",
    "conflicts_declared=false",
    "closed_on=2024-04-10",
    "opinions_adopted=99",
    "head_decision=rejected",
    "head_decision=amend",
    "head_decision=deferred",
    "head_decision=rediscuss",
    "hearing_held=true",
)
# the next valid move; at the collective decision, the head's decision it records
OUTCOMES = ("approved",) * 6 + ("rejected", "amend", "deferred", "rediscuss")
# (which of the steps needing data to do first; "record" it, "waive" it where PROCEDURE.md
# allows, or "leave_one": try to leave the stage with its last step undone)
HOW = ("record", "record", "record", "waive", "leave_one")
PROCEED = st.tuples(st.just("proceed"), st.sampled_from(OUTCOMES), st.integers(0, 2), st.sampled_from(HOW))
# when a consultation or publication step may be waived (PROCEDURE.md), by flag
WAIVABLE = {
    "public_participation": lambda f: "non_disclosable" in f,
    "expert_review": lambda f: "technical" not in f,
    "risk_assessment": lambda f: True,  # with a reference when stability_risk is set
    "publication": lambda f: "non_disclosable" in f,
}
ACTION = st.one_of(
    PROCEED,
    PROCEED,
    PROCEED,
    PROCEED,
    st.tuples(st.just("advance"), WHO, st.one_of(st.none(), st.sampled_from(STAGES + ("archived",)))),
    st.tuples(st.just("complete"), WHO, PICK),
    st.tuples(st.just("waive"), WHO, PICK, st.booleans()),
    st.tuples(st.just("record"), WHO, PICK, st.sampled_from(VARIANTS)),
    st.tuples(st.just("send_back"), WHO, st.sampled_from(STAGES)),
)


class Walker:
    """Performs actions on one decision; knows the valid data but not the engine's rules."""

    def __init__(
        self, engine: Engine, root: Path, decision: int, workflow: str, flags: frozenset[str] = frozenset()
    ) -> None:
        self.engine, self.root, self.decision, self.workflow = engine, root, decision, workflow
        self.wf, self.flags = get_workflow(workflow), flags

    def stage_steps(self, stage: str) -> list[str]:
        return [s.name for s in self.wf.stage(stage).steps]

    def valid_fields(self, step: str, outcome: str = "approved") -> dict[str, str]:
        values = dict(item.split("=", 1) for item in VALID[step][0])
        if step == "collective_decision":
            values["head_decision"] = outcome
            if outcome != "approved":  # departing from an agreeing majority needs the head's reasons
                values["head_reasons"] = "补充论证后再议"
        if step == "collective_decision" and self.workflow.endswith("township"):
            values["meeting_type"] = TOWNSHIP_MEETING.split("=", 1)[1]
        if step == "public_participation" and "hearing_required" in self.flags:
            values.update(hearing_held="true", hearing_materials_sent_on="2024-04-08", hearing_on="2024-04-18")
        return values

    def valid_kinds(self, step: str) -> list[str]:
        kinds = list(VALID[step][1])
        if step == "public_participation" and "hearing_required" in self.flags:
            kinds.append("hearing_record")
        if step == "collective_decision" and "market_affecting" in self.flags:
            kinds.append("fair_competition_review")
        return kinds

    def record(self, step: str, who: str, variant: str, outcome: str = "approved") -> None:
        values, kinds = self.valid_fields(step, outcome), self.valid_kinds(step)
        definition = self.wf.step(step)
        dates = [f.name for f in definition.fields if f.type == "date"]
        enums = [f.name for f in definition.fields if f.type == "enum"]
        if variant == "partial":
            values, kinds = dict(list(values.items())[:1]), []
        elif variant == "no_evidence":
            kinds = []
        elif variant == "future_date" and dates:
            values[dates[0]] = "2025-06-30"
        elif variant == "early_date" and dates:
            values[dates[-1]] = "2024-01-02"
        elif variant == "bad_enum" and enums:
            values[enums[0]] = "whatever"
        elif variant == "unknown_field":
            values["no_such_field"] = "1"
        elif "=" in variant:
            name, value = variant.split("=", 1)
            if definition.field(name) is not None:
                values[name] = value
        self.engine.record(
            self.decision,
            step,
            [f"{k}={v}" for k, v in values.items()],
            [f"{k}={evidence_file(self.root / 'files', k)}" for k in kinds],
            who,
        )

    def pick(self, state: State, pick: tuple[str, Any]) -> str:
        if pick[0] == "any":
            return str(pick[1])
        steps = self.stage_steps(state.stage)
        return steps[pick[1] % len(steps)]

    def needs_valid_record(self, state: State, outcome: str) -> list[str]:
        """The open steps of the stage whose pending record lacks the valid data."""
        with closing(sqlite3.connect(self.root / "dflow.db")) as con:
            pending = {
                step: (json.loads(fields), set())
                for step, fields in con.execute(
                    "SELECT step, fields FROM step_records WHERE decision_id = ? AND active AND status = 'pending'",
                    (self.decision,),
                )
            }
            for step, kind in con.execute(
                "SELECT r.step, e.kind FROM evidence e JOIN step_records r ON r.id = e.record_id "
                "WHERE r.decision_id = ? AND r.active AND r.status = 'pending'",
                (self.decision,),
            ):
                pending[step][1].add(kind)
        needing = []
        for step in self.stage_steps(state.stage):
            if step in state.closed:
                continue
            if step not in pending:
                needing.append(step)
                continue
            fields, kinds = pending[step]
            definition = self.wf.step(step)
            if step == "collective_decision" and fields.get("head_decision") in OUTCOMES and met_since_return(state):
                outcome = fields["head_decision"]  # keep the meeting's decision once recorded (not one carried over)
            typed = {k: parse_value(definition.field(k), v) for k, v in self.valid_fields(step, outcome).items()}  # type: ignore[arg-type]
            if any(fields.get(k) != v for k, v in typed.items()) or not set(self.valid_kinds(step)) <= kinds:
                needing.append(step)
        return needing

    def check_carried_over(self, before: State, after: State, returned: dict[str, Any]) -> None:
        """A return reopened every step of its target stage and the later ones, each pending with
        the values and evidence it held (its `carried_from` the record before), except a record
        holding nothing, which is only superseded; the steps of earlier stages are untouched."""
        target = STAGES.index(returned["to"])
        carried = []
        for stage in STAGES:
            for step in self.stage_steps(stage):
                old, new = before.records.get(step), after.records.get(step)
                if STAGES.index(stage) < target:
                    assert new == old, (step, old, new)
                elif old is None or (old[2] == "{}" and not old[3]):
                    assert new is None, (step, old, new)
                else:
                    assert new is not None and new[0] != old[0], (step, old, new)
                    assert new[1:] == ("pending", old[2], old[3], old[0]), (step, old, new)
                    carried.append(step)
        assert returned["carried"] == carried

    def plan(self, action: tuple[Any, ...], state: State) -> tuple[str, str, Callable[[], object]]:
        """What `action` does now: the attempt's kind, the acting user, and the call."""
        kind = action[0]
        first = ACTOR[self.stage_steps(state.stage)[0]]
        if kind == "proceed":  # record a step that needs it, else decide the meeting, else advance
            _, outcome, which, how = action
            needing = self.needs_valid_record(state, outcome)
            if needing and not (how == "leave_one" and len(needing) == 1 and len(self.stage_steps(state.stage)) > 1):
                step = needing[which % len(needing)]
                if how == "waive" and step in WAIVABLE and WAIVABLE[step](self.flags):
                    return (
                        "waive",
                        ACTOR[step],
                        lambda: self.engine.waive(
                            self.decision, step, "依法不适用", ACTOR[step], reference="综治函〔2024〕3号"
                        ),
                    )
                return "record", ACTOR[step], lambda: self.record(step, ACTOR[step], "valid", outcome)
            meeting = "collective_decision"
            if state.stage == meeting and state.status == "active" and meeting not in state.closed:
                return "complete", ACTOR[meeting], lambda: self.engine.complete(self.decision, meeting, ACTOR[meeting])
            return "advance", first, lambda: self.engine.advance(self.decision, first)
        who = action[1]
        if kind == "advance":
            actor = who or first
            return kind, actor, lambda: self.engine.advance(self.decision, actor, to=action[2])
        if kind == "send_back":
            actor = who or first
            return kind, actor, lambda: self.engine.send_back(self.decision, action[2], "须重新办理", actor)
        step = self.pick(state, action[2])
        actor = who or ACTOR[step]
        if kind == "complete":
            return kind, actor, lambda: self.engine.complete(self.decision, step, actor)
        if kind == "waive":
            reference = "综治函〔2024〕3号" if action[3] else None
            return kind, actor, lambda: self.engine.waive(self.decision, step, "不适用", actor, reference=reference)
        return kind, actor, lambda: self.record(step, actor, action[3])


# ---------------------------------------------------------------------------- the procedure holds


def met_since_return(state: State) -> bool:
    """Whether the meeting's decision was recorded since the case was last returned (else what
    its record holds was carried over by the return, and a new meeting decides again)."""
    since = [e for e in state.events if e[2] == "returned" or (e[2] == "recorded" and e[4] == "collective_decision")]
    return bool(since) and since[-1][2] == "recorded"


def _proceed(outcome: str = "approved", which: int = 0, how: str = "record") -> tuple[Any, ...]:
    return ("proceed", outcome, which, how)


@SETTINGS
# leave expert review undone and try to leave consultation, then finish it
@example(
    workflow="major-decision",
    flags=set(),
    head=4,
    order=0,
    actions=[_proceed(), _proceed(which=1), _proceed(how="leave_one"), _proceed(), _proceed()],
)
# jump over legality review and the meeting from every stage on the way
@example(
    workflow="major-decision-township",
    flags={"technical"},
    head=0,
    order=0,
    actions=[
        a
        for _ in range(9)
        for a in (("advance", None, "collective_decision"), ("advance", None, "party_report"), _proceed(), _proceed())
    ],
)
# the meeting's outcomes route the case: returned to drafting, kept for a new meeting, rejected
@example(workflow="major-decision", flags=set(), head=0, order=0, actions=[_proceed("amend")] * 24)
@example(
    workflow="major-decision",
    flags={"market_affecting"},
    head=12,
    order=0,
    actions=[_proceed("deferred")] * 3 + [_proceed("rejected")] * 3 + [_proceed()] * 3,
)
@given(
    workflow=st.sampled_from(WORKFLOWS),
    flags=st.sets(st.sampled_from(FLAGS)),
    head=st.integers(0, 30),
    order=st.integers(0, 5),
    actions=st.lists(ACTION, min_size=1, max_size=40),
)
def test_any_sequence_of_actions_follows_the_procedure_or_is_refused(
    workflow: str, flags: set[str], head: int, order: int, actions: list[tuple[Any, ...]]
) -> None:
    """`head` valid moves first (so examples reach the later stages; `order` varies which step of
    a stage is done first), then anything."""
    actions = [_proceed(which=(order + i) % 3) for i in range(head)] + actions
    with fresh_engine() as (engine, root):
        path = root / "dflow.db"
        decision = engine.new("沙河乡农贸市场搬迁", workflow, sorted(flags), OFFICER, organ_for(engine, workflow)).id
        assert decision is not None
        walker = Walker(engine, root, decision, workflow, frozenset(flags))
        assert [s.name for s in walker.wf.stages] == list(STAGES)
        before = observe(path, decision)
        furthest = 0
        for action in actions:
            kind, actor, call = walker.plan(action, before)
            error: Exception | None = None
            try:
                call()
            except (Blocked, Forbidden, InvalidInput, NotFound) as exc:
                error = exc
            after = observe(path, decision)
            new_events = after.events[len(before.events) :]
            assert after.events[: len(before.events)] == before.events, "an earlier event changed"
            old, new = STAGES.index(before.stage), STAGES.index(after.stage)

            if isinstance(error, (Blocked, Forbidden)):
                assert after.tables == before.tables, f"refused {action} changed the state"
                assert len(new_events) == 1 and new_events[0][2] == "refused", new_events
                data = json.loads(new_events[0][5])
                assert (new_events[0][1], new_events[0][3]) == (actor, before.stage)
                assert data["attempted"] == ATTEMPTED[kind]
                assert data["error"] == error.code
            elif error is not None:  # invalid input: not an act, nothing written
                assert after.tables == before.tables and not new_events, f"{action} wrote {new_events}"
            else:
                assert new_events and all(e[2] != "refused" for e in new_events), new_events
                assert actor not in CANNOT_CHANGE, f"{actor} succeeded in {action}"
                # every event of the act names its actor and the stage the act was done at
                assert all((e[1], e[3]) == (actor, before.stage) for e in new_events), new_events

            # the stage moves forward only by a successful advance, and then by exactly one
            if error is None and kind == "advance":
                advanced = json.loads(new_events[-1][5])
                assert new_events[-1][2] == "advanced"
                assert advanced["from"] == before.stage
                assert action[0] == "proceed" or action[2] in (None, advanced["to"]), "--to was not obeyed"
                if advanced["to"] == "archived":
                    assert (before.stage, after.stage, after.status) == ("archiving", "archiving", "archived")
                else:
                    assert new == old + 1 and advanced["to"] == after.stage
            else:
                assert new <= old, f"{action} moved {before.stage} -> {after.stage}"
            # a return carries every reopened step's values and evidence over, as pending
            for returned in [json.loads(e[5]) for e in new_events if e[2] == "returned"]:
                assert error is None and new < old and returned["to"] == after.stage
                walker.check_carried_over(before, after, returned)
            if after.status != before.status:
                assert (before.status, after.status) in {("active", "archived"), ("active", "rejected")}
                assert after.status != "rejected" or after.stage == "collective_decision"
            # legality review and the collective decision are never waived
            assert after.waived_never_waivable == 0
            assert not [e for e in new_events if e[2] == "waived" and e[4] in NEVER_WAIVED], new_events
            # nothing past legality review without every consultation step completed or waived
            if new > STAGES.index("legality_review"):
                assert set(CONSULTATION) <= after.closed, (action, after.stage, after.closed)
            # and more generally every step of every earlier stage is closed
            done = STAGES[: new + (1 if after.status == "archived" else 0)]
            assert {s for st_ in done for s in walker.stage_steps(st_)} <= after.closed, (action, after)
            before, furthest = after, max(furthest, new + (after.status == "archived"))
        event(f"furthest: {(STAGES + ('archived',))[furthest]}")
        for seen in sorted({e[2] for e in before.events} & {"rejected", "stays", "returned", "waived"}):
            event(f"trail holds: {seen}")
        event(f"final status: {before.status}")
        verdict = verification.verify(engine)
        assert verdict.ok, verdict
        assert verdict.events == len(before.events)
        assert_chain_recomputes(path)


# ---------------------------------------------------------------------------- edits are found


@contextmanager
def trail_copy() -> Iterator[tuple[Engine, Path]]:
    """A fresh copy of a database whose trail holds every kind of event, triggers dropped."""
    template = _template()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copyfile(template / "dflow.db", root / "dflow.db")
        shutil.copytree(template / "dflow.db.evidence", root / "dflow.db.evidence")
        with closing(sqlite3.connect(root / "dflow.db", isolation_level=None)) as con:
            con.execute("DROP TRIGGER audit_events_no_update")
            con.execute("DROP TRIGGER audit_events_no_delete")
        db = Database(f"sqlite:///{root / 'dflow.db'}")
        engine = Engine(db, now=Clock(), today=lambda: TODAY)
        try:
            yield engine, root / "dflow.db"
        finally:
            db.dispose()


_TEMPLATE: list[Path] = []


def _template() -> Path:
    """Build once per session: a decision walked to legality review, a refusal, a waiver."""
    if not _TEMPLATE:
        root = Path(tempfile.mkdtemp(prefix="dflow-template-"))
        db = Database(f"sqlite:///{root / 'dflow.db'}")
        engine = Engine(db, now=Clock(), today=lambda: TODAY)
        register_users(engine, (OFFICER, REVIEWER, AUDITOR))
        (root / "files").mkdir()
        dec = engine.new("沙河乡农贸市场搬迁", "major-decision", [], OFFICER).id
        assert dec is not None
        walker = Walker(engine, root, dec, "major-decision")
        for stage in STAGES[:3]:
            for step in walker.stage_steps(stage):
                if step == "expert_review":
                    engine.waive(dec, step, "非专业性事项", OFFICER)
                else:
                    walker.record(step, ACTOR[step], "valid")
            engine.advance(dec, OFFICER)
        with pytest.raises(Forbidden):
            engine.record(dec, "legality_review", ["opinion=lawful"], [], AUDITOR)
        db.dispose()  # checkpoints the WAL into the file
        assert not (root / "dflow.db-wal").exists() or (root / "dflow.db-wal").stat().st_size == 0
        _TEMPLATE.append(root)
    return _TEMPLATE[0]


@pytest.fixture(scope="module", autouse=True)
def _remove_template() -> Iterator[None]:
    yield
    for root in _TEMPLATE:
        shutil.rmtree(root, ignore_errors=True)
    _TEMPLATE.clear()


def _events(path: Path) -> tuple[list[int], list[int]]:
    """The seqs of the events that record evidence, and of all the others."""
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT seq, action = 'recorded' AND instr(data, '\"sha256\"') > 0 FROM audit_events")
        flagged = sorted(rows)
    return [seq for seq, named in flagged if named], [seq for seq, named in flagged if not named]


def _data(path: Path, seq: int) -> bytes:
    with closing(sqlite3.connect(path)) as con:
        return bytes(con.execute("SELECT CAST(data AS BLOB) FROM audit_events WHERE seq = ?", (seq,)).fetchone()[0])


def _edit(path: Path, seq: int, position: int, byte: int, delete: bool) -> bytes:
    """Apply one single-byte change (substitute or delete) to the data column of event `seq`."""
    raw = _data(path, seq)
    at = position % len(raw)
    edited = raw[:at] + raw[at + 1 :] if delete else raw[:at] + bytes([byte]) + raw[at + 1 :]
    if edited == raw:  # a substitution by the same byte is no edit: take the next value
        edited = raw[:at] + bytes([(byte + 1) % 256]) + raw[at + 1 :]
    with closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("UPDATE audit_events SET data = CAST(? AS TEXT) WHERE seq = ?", (edited, seq))
    return edited


def _assert_found(engine: Engine, seq: int) -> None:
    try:
        verdict = verification.verify(engine)
    except Exception as exc:  # noqa: BLE001 - a crash instead of a verdict is a failure
        raise AssertionError(f"verify raised {type(exc).__name__} instead of naming event {seq}") from exc
    assert not verdict.ok
    assert verdict.first_bad_seq == seq, verdict
    assert verdict.reason is not None and verdict.reason.startswith("content edited"), verdict


EDITS = {
    "index": st.integers(0, 10_000),
    "position": st.integers(0, 10_000),
    "byte": st.integers(0, 255),
    "delete": st.booleans(),
}


@settings(max_examples=40, deadline=None)
@example(index=0, position=0, byte=0x20, delete=False)  # '{' -> ' ' in an event recording evidence
@example(index=0, position=18, byte=ord("x"), delete=False)  # '"kind"' -> '"kinx"' there
@example(index=-1, position=3, byte=0xFF, delete=False)  # a lone 0xff byte is never UTF-8
@given(**EDITS)
def test_any_single_byte_edit_of_event_data_is_found(index: int, position: int, byte: int, delete: bool) -> None:
    with trail_copy() as (engine, path):
        recording, others = _events(path)
        seqs = recording + others  # index 0 names an event that records evidence
        seq = seqs[index % len(seqs)]
        _edit(path, seq, position, byte, delete)
        _assert_found(engine, seq)


@settings(max_examples=40, deadline=None)
@given(**EDITS)
def test_any_single_byte_edit_that_stays_utf8_is_found_in_events_recording_no_evidence(
    index: int, position: int, byte: int, delete: bool
) -> None:
    """The property above where the engine holds today: events that name no evidence file (so
    verification need not read their data), an ASCII byte replaced by another or deleted."""
    with trail_copy() as (engine, path):
        _, others = _events(path)
        seq = others[index % len(others)]
        raw = _data(path, seq)
        ascii_at = [i for i, b in enumerate(raw) if b < 0x80]
        at, byte = ascii_at[position % len(ascii_at)], byte % 0x80
        if not delete and byte == raw[at]:
            byte = (byte + 1) % 0x80
        _edit(path, seq, at, byte, delete).decode("utf-8")  # still text
        _assert_found(engine, seq)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), _TEXT, st.lists(_TEXT, max_size=2))


_INT = st.integers(-(2**70), 2**70)
_ENGINE_TYPED = st.fixed_dictionaries(  # what the engine writes
    {"action": _TEXT, "actor": _TEXT, "at": _TEXT, "prev_hash": _TEXT, "seq": _INT}
    | {k: st.none() | _INT for k in ("decision", "decision_seq")}
    | {k: st.none() | _TEXT for k in ("decision_prev", "stage", "step")}
    | {"data": st.dictionaries(_TEXT, _VALUE, max_size=3)}
)
_ANY_TYPED = st.fixed_dictionaries(  # what an edit could leave
    {k: _VALUE for k in ("action", "actor", "at", "decision", "decision_prev", "decision_seq", "prev_hash", "seq")}
    | {"stage": _VALUE, "step": _VALUE, "data": st.dictionaries(_TEXT, _VALUE, max_size=3)}
)


@settings(max_examples=400, deadline=None)
@given(content=_ENGINE_TYPED | _ANY_TYPED, raw=st.booleans())
def test_the_hash_is_over_the_canonical_json_whatever_the_stored_types(content: dict[str, Any], raw: bool) -> None:
    """The verifier's fast encoding of an event (one template for the engine's own types) and
    its fallbacks give exactly the canonical JSON, for any mix of types an edit could store: a
    number stored as text, a boolean as a number, a list where text was."""
    from decision_flow.trail.canonical import RawJSON, canonical_json, content_bytes

    expected = canonical_json(content)
    if raw:
        content = {**content, "data": RawJSON(canonical_json(content["data"]).decode("utf-8"))}
    assert content_bytes(content) == expected
