"""What every export format shows (导出内容): the decision as `dflow show` sees it, its audit
events streamed in batches with a readable Chinese summary each, the chain head, and the time
of export in UTC and local time.

The exports are for Chinese archives, so the labels here (from
:mod:`decision_flow.presentation.labels`) are Chinese whatever the locale; the event data itself
(as hashed) is never translated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from decision_flow.core.i18n import article
from decision_flow.core.privacy import NONE, Redactor
from decision_flow.definition.workflow import Workflow
from decision_flow.engine import Engine, definitions, queries
from decision_flow.engine.change import load_case
from decision_flow.presentation import events, labels
from decision_flow.procedures import of as procedure_of
from decision_flow.procedures.model import Procedure
from decision_flow.store.row import rows_as, select_all
from decision_flow.store.rows import AuditEvent
from decision_flow.store.tx import cursor_of
from decision_flow.trail import audit
from decision_flow.trail.canonical import REGISTRY

BATCH = 500
ZH = "zh"  # the exports' language


def local_time(at: str) -> str:
    """A stored UTC stamp (``…Z``) in the machine's local time, with its offset."""
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().isoformat(sep=" ", timespec="seconds")


@dataclass(frozen=True)
class Event:
    """One audit event as the exports show it; `data` is the stored (hashed) canonical JSON."""

    seq: int
    at: str
    local: str
    actor: str
    action: str
    action_label: str  # what the action is called in Chinese
    stage: str | None
    step: str | None
    data: str
    prev_hash: str
    hash: str
    summary: str
    where: str


@dataclass(frozen=True)
class StepView:
    """A step of the decision as the exports print it."""

    title: str
    status: str
    fields: list[tuple[str, str]]
    evidence: list[tuple[str, str, str]]  # (kind title, file name, SHA-256)
    notes: list[str]


@dataclass(frozen=True)
class Source:
    """A consistent picture of one decision for export: its view and the events up to `last_seq`."""

    engine: Engine
    view: Mapping[str, Any]
    workflow: Workflow
    events: int
    last_seq: int
    last_hash: str | None
    head_size: int
    head_hash: str
    head_chain: str  # the chain holding the decision's last event
    exported_at: datetime
    hide: Redactor = NONE  # what the reader may not see: personal data, confidential material

    @property
    def decision_id(self) -> int:
        return int(self.view["id"])

    @property
    def exported_utc(self) -> str:
        return self.exported_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def exported_local(self) -> str:
        return self.exported_at.astimezone().isoformat(sep=" ", timespec="seconds")

    @property
    def procedure(self) -> Procedure:
        return procedure_of(self.workflow)

    @property
    def record_title(self) -> str:
        """What this export is called: the audit record of a major decision, of a review, …"""
        return self.procedure.record.zh

    @property
    def case_word(self) -> str:
        """What one case of this procedure is called (决策, 审核)."""
        return self.procedure.case.zh

    @property
    def workflow_title(self) -> str:
        wf = self.workflow
        return labels.word("workflow_value", ZH, title=wf.title.zh, name=wf.name, version=self.view["workflow_version"])

    def stage_title(self, name: str | None) -> str:
        return labels.stage(self.workflow, name, ZH) if name else ""

    def step_title(self, name: str | None) -> str:
        return labels.step(self.workflow, name, ZH) if name else ""

    def where(self, stage: str | None, step: str | None) -> str:
        return " / ".join(x for x in (self.stage_title(stage), self.step_title(step)) if x)

    def overview(self) -> list[tuple[str, str]]:
        """The decision at a glance: (label, value) pairs."""
        word, wf, case = labels.word, self.workflow, self.case_word
        flags = labels.flags(wf, self.view["flags"], ZH) or word("none", ZH)
        return [
            (word("decision_id", ZH, case=case), str(self.decision_id)),
            (word("decision_title", ZH, case=case), str(self.view["title"])),
            (word("decision_workflow", ZH, case=case), self.workflow_title),
            (word("decision_stage", ZH), self.stage_title(self.view["stage"])),
            (word("decision_status", ZH, case=case), labels.status(self.view["status"], ZH)),
            (word("flags", ZH), flags),
            (word("events_of_decision", ZH, case=case), str(self.events)),
            (word("last_event_hash", ZH), self.last_hash or word("none", ZH)),
            (
                word("chain_head", ZH),
                word("chain_head_value", ZH, chain=self.head_chain, size=self.head_size, hash=self.head_hash),
            ),
            (word("exported_at", ZH), word("exported_value", ZH, utc=self.exported_utc, local=self.exported_local)),
        ]

    def stages(self) -> Iterator[tuple[str, list[StepView]]]:
        """Each stage's heading (title and article) with its steps as they stand."""
        steps = {item["step"]: item for item in self.view["steps"]}
        wf, word = self.workflow, labels.word
        for stage in wf.stages:
            views = []
            for step in stage.steps:
                item = steps.get(step.name)
                if item is None:
                    continue
                at, notes = step.name, []
                if item.get("waiver_reason"):
                    notes.append(f"{word('waiver', ZH)}{word('reason', ZH)}：{item['waiver_reason']}")
                if item.get("marks"):
                    notes.append(f"{word('marks', ZH)}：{labels.join((labels.mark(m, ZH) for m in item['marks']), ZH)}")
                if item.get("missing"):
                    missing = labels.join((labels.item(wf, at, m, ZH) for m in item["missing"]), ZH)
                    notes.append(f"{word('missing', ZH)}：{missing}")
                views.append(
                    StepView(
                        title=f"{step.title.zh}（{article(step.article, ZH)}）",
                        status=labels.status(item["status"], ZH),
                        fields=[
                            (labels.field(wf, at, k, ZH), labels.value(wf, at, k, v, ZH))
                            for k, v in labels.fields(step, item["fields"])
                        ],
                        evidence=[
                            (labels.evidence(wf, at, e["kind"], ZH), e["name"], e["sha256"]) for e in item["evidence"]
                        ],
                        notes=notes,
                    )
                )
            yield f"{stage.title.zh}（{article(stage.article, ZH)}）", views

    def stream(self, *, refused_only: bool = False, batch: int = BATCH) -> Iterator[Event]:
        """The decision's events (or only its refusals) in order, up to `last_seq`.

        Each batch is read in a session of its own: a long export does not hold SQLite's write
        lock (sessions begin IMMEDIATE) while it renders, and holds one batch at a time.
        """
        after = 0
        while True:
            query = f"{select_all(AuditEvent)} WHERE decision_id = ? AND seq > ? AND seq <= ?"
            query += " AND action = 'refused'" if refused_only else ""
            with self.engine.db.reading() as s:
                found = s.all(f"{query} ORDER BY seq LIMIT ?", self.decision_id, after, self.last_seq, batch)
                rows = [self._event(e) for e in rows_as(AuditEvent, found)]
            if not rows:
                return
            yield from rows
            after = rows[-1].seq

    def _event(self, e: AuditEvent) -> Event:
        return Event(
            seq=e.seq,
            at=e.at,
            local=local_time(e.at),
            actor=e.actor,
            action=e.action,
            action_label=labels.action(e.action, ZH),
            stage=e.stage,
            step=e.step,
            data=self.hide.data(e.data),
            prev_hash=e.prev_hash,
            hash=e.hash,
            summary=self.hide.text(events.summary(e.action, json.loads(e.data), self.workflow, e.step, ZH, full=True)),
            where=self.where(e.stage, e.step),
        )


def _last_event(engine: Engine, decision_id: int) -> tuple[int, str | None, int, tuple[int, str], str]:
    """The decision's last event (seq, hash), its event count, and the head of the chain that
    holds it (its organ's; the registry's for a case with no event since chains per organ), with
    that chain's name — one read."""
    with engine.db.reading() as s:
        case = load_case(s, decision_id)  # NotFound for an unknown decision
        cur = cursor_of(s)
        last = cur.one(
            "SELECT seq, hash, chain FROM audit_events WHERE decision_id = ? ORDER BY decision_seq DESC LIMIT 1",
            decision_id,
        )
        counted = cur.one("SELECT COUNT(*) FROM audit_events WHERE decision_id = ?", decision_id)
        count = int(counted[0]) if counted else 0
        chain = last[2] if last else (case.organ or REGISTRY)
        return (last[0] if last else 0, last[1] if last else None, count, audit.head(s, chain), chain)


def snapshot(engine: Engine, decision_id: int, actor: str | None = None) -> Source:
    """Read the decision and where its trail ends, consistently: every change to a decision
    appends one of its events, so a view read between two equal readings of its last event is
    the state after exactly the events up to it; personal data masked and confidential material
    withheld unless `actor` may read them. Raises NotFound for an unknown decision."""
    engine.db.require()
    for _ in range(5):
        last_seq, last_hash, count, head, chain = _last_event(engine, decision_id)
        view = queries.show(engine, decision_id, actor, ZH)
        hide = queries.hidden_from(engine, decision_id, actor, ZH)
        if _last_event(engine, decision_id)[0] == last_seq:
            break
    return Source(
        engine=engine,
        view=view,
        workflow=definitions.viewed(str(view["workflow"]), int(view["workflow_version"])),
        events=count,
        last_seq=last_seq,
        last_hash=last_hash,
        head_size=head[0],
        head_hash=head[1],
        head_chain=chain,
        exported_at=engine.now().astimezone(UTC),
        hide=hide,
    )
