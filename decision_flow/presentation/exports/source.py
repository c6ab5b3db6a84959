"""What every export format shows (导出内容): the decision as `dflow show` sees it, its audit
events streamed in batches with a readable Chinese summary each, the chain head, and the time
of export in UTC and local time.

The exports are for Chinese archives, so the labels here are Chinese whatever the locale; the
event data itself (as hashed) is never translated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from decision_flow.core.errors import DflowError
from decision_flow.core.i18n import article
from decision_flow.definition.workflow import Step, Workflow
from decision_flow.engine import Engine, definitions, queries
from decision_flow.engine.change import load_case
from decision_flow.store.models import AuditEvent
from decision_flow.trail import audit

BATCH = 500

# The same words as render.STATUS, kept here because render imports rich.
STATUS = {
    "pending": "待办",
    "completed": "已完成",
    "waived": "已免除",
    "active": "办理中",
    "rejected": "已否决",
    "archived": "已归档",
    "closed": "已终结",
}
ACTIONS = {
    "created": "创建",
    "recorded": "记录",
    "completed": "完成",
    "waived": "免除",
    "advanced": "推进",
    "returned": "退回",
    "refused": "拒绝",
    "rejected": "否决",
    "closed": "终结",
    "stays": "暂缓",
    "flag_changed": "变更标记",
    "user_added": "添加用户",
}
ATTEMPTS = {
    "new": "创建决策",
    "record": "记录",
    "complete": "完成步骤",
    "waive": "免除步骤",
    "advance": "推进阶段",
    "return": "退回",
    "flag": "变更标记",
    "user_add": "添加用户",
}


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
    exported_at: datetime

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
    def workflow_title(self) -> str:
        return f"{self.workflow.title.zh}（{self.workflow.name} 第{self.view['workflow_version']}版）"

    def stage_title(self, name: str | None) -> str:
        if not name:
            return ""
        try:
            return self.workflow.stage(name).title.zh
        except DflowError:
            return STATUS.get(name, name)

    def step_of(self, name: str | None) -> Step | None:
        try:
            return self.workflow.step(name) if name else None
        except DflowError:
            return None

    def step_title(self, name: str | None) -> str:
        step = self.step_of(name)
        return step.title.zh if step else (name or "")

    def field_title(self, step: str | None, name: str) -> str:
        found = self.step_of(step)
        fdef = found.field(name) if found else None
        return fdef.title.zh if fdef else name

    def evidence_title(self, step: str | None, kind: str) -> str:
        found = self.step_of(step)
        edef = found.evidence_kind(kind) if found else None
        return edef.title.zh if edef else kind

    def flag_title(self, name: str) -> str:
        return self.workflow.flags[name].zh if name in self.workflow.flags else name

    def where(self, stage: str | None, step: str | None) -> str:
        return " / ".join(x for x in (self.stage_title(stage), self.step_title(step)) if x)

    def overview(self) -> list[tuple[str, str]]:
        """The decision at a glance: (label, value) pairs."""
        flags = "、".join(self.flag_title(f) for f in self.view["flags"]) or "无"
        return [
            ("决策编号", str(self.decision_id)),
            ("决策事项", str(self.view["title"])),
            ("决策流程", self.workflow_title),
            ("当前阶段", self.stage_title(self.view["stage"])),
            ("决策状态", STATUS.get(self.view["status"], self.view["status"])),
            ("标记", flags),
            ("本决策事件数", str(self.events)),
            ("本决策最后事件哈希", self.last_hash or "无"),
            ("审计链头", f"共 {self.head_size} 条事件，链头哈希 {self.head_hash}"),
            ("导出时间", f"{self.exported_utc} UTC（本地时间 {self.exported_local}）"),
        ]

    def stages(self) -> Iterator[tuple[str, list[StepView]]]:
        """Each stage's heading (title and article) with its steps as they stand."""
        steps = {item["step"]: item for item in self.view["steps"]}
        for stage in self.workflow.stages:
            views = []
            for step in stage.steps:
                item = steps.get(step.name)
                if item is None:
                    continue
                notes = []
                if item.get("waiver_reason"):
                    notes.append(f"免除理由：{item['waiver_reason']}")
                if item.get("marks"):
                    notes.append(f"标注：{'、'.join(item['marks'])}")
                if item.get("missing"):
                    missing = (
                        self.field_title(step.name, m) if step.field(m) else self.evidence_title(step.name, m)
                        for m in item["missing"]
                    )
                    notes.append(f"尚缺：{'、'.join(missing)}")
                views.append(
                    StepView(
                        title=f"{step.title.zh}（{article(step.article, 'zh')}）",
                        status=STATUS.get(item["status"], item["status"]),
                        fields=[(self.field_title(step.name, k), value_text(v)) for k, v in item["fields"].items()],
                        evidence=[
                            (self.evidence_title(step.name, e["kind"]), e["name"], e["sha256"])
                            for e in item["evidence"]
                        ],
                        notes=notes,
                    )
                )
            yield f"{stage.title.zh}（{article(stage.article, 'zh')}）", views

    def stream(self, *, refused_only: bool = False, batch: int = BATCH) -> Iterator[Event]:
        """The decision's events (or only its refusals) in order, up to `last_seq`.

        Each batch is read in a session of its own: a long export does not hold SQLite's write
        lock (sessions begin IMMEDIATE) while it renders, and holds one batch at a time.
        """
        after = 0
        while True:
            query = select(AuditEvent).where(
                AuditEvent.decision_id == self.decision_id,
                col(AuditEvent.seq) > after,
                col(AuditEvent.seq) <= self.last_seq,
            )
            if refused_only:
                query = query.where(AuditEvent.action == "refused")
            with self.engine.db.session(write=False) as s:
                rows = [self._event(e) for e in s.exec(query.order_by(col(AuditEvent.seq)).limit(batch))]
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
            stage=e.stage,
            step=e.step,
            data=e.data,
            prev_hash=e.prev_hash,
            hash=e.hash,
            summary=self.summary(e.action, e.step, json.loads(e.data)),
            where=self.where(e.stage, e.step),
        )

    def summary(self, action: str, step: str | None, data: Mapping[str, Any]) -> str:
        """One readable line of an event's data, in Chinese (the full data is beside it)."""
        if action == "recorded":
            parts = [f"{self.field_title(step, k)}={value_text(v)}" for k, v in data.get("fields", {}).items()]
            parts += [
                f"材料 {self.evidence_title(step, e.get('kind', ''))} {e.get('name', '')} SHA-256 {e.get('sha256')}"
                for e in data.get("evidence", [])
            ]
            return "；".join(parts)
        if action == "refused":
            attempted = ATTEMPTS.get(str(data.get("attempted")), str(data.get("attempted")))
            reasons = "；".join(
                f"[{article(str(r.get('article')), 'zh')}] {r.get('detail')}" for r in data.get("reasons", [])
            )
            return f"试图{attempted}：{reasons or data.get('message', '')}"
        if action in ("advanced", "returned"):
            tail = f"（理由：{data['reason']}）" if data.get("reason") else ""
            return f"{self.stage_title(data.get('from'))} → {self.stage_title(data.get('to'))}{tail}"
        if action == "created":
            flags = "、".join(self.flag_title(f) for f in data.get("flags", []))
            return f"{data.get('title')}（{data.get('workflow')} 第{data.get('workflow_version')}版）" + (
                f" 标记：{flags}" if flags else ""
            )
        if action == "waived":
            ref = f"（文号 {data['reference']}）" if data.get("reference") else ""
            return f"理由：{data.get('reason')}{ref}"
        if action == "flag_changed":
            verb = "设置" if data.get("value") else "取消"
            reopened = (
                f"；重新办理：{'、'.join(map(self.step_title, data['reopened']))}" if data.get("reopened") else ""
            )
            return f"{verb}标记 {self.flag_title(str(data.get('flag')))}：{data.get('reason')}{reopened}"
        if action == "completed":
            bits = [f"结果 {data['outcome']}"] if data.get("outcome") else []
            return "；".join(bits + [f"[{article(m['article'], 'zh')}] {m['detail']}" for m in data.get("marks", [])])
        if action in ("rejected", "closed", "stays"):
            return f"结果 {data.get('outcome')}"
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def value_text(value: Any) -> str:
    """A recorded field value as text."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _last_event(engine: Engine, decision_id: int) -> tuple[int, str | None, int, tuple[int, str]]:
    """The decision's last event (seq, hash), its event count, and the chain head — one read."""
    with engine.db.session(write=False) as s:
        load_case(s, decision_id)  # NotFound for an unknown decision
        last = s.exec(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.decision_id == decision_id)
            .order_by(col(AuditEvent.seq).desc())
            .limit(1)
        ).first()
        count = s.exec(select(func.count()).where(AuditEvent.decision_id == decision_id)).one()
        return (last[0], last[1], count, audit.head(s)) if last else (0, None, count, audit.head(s))


def snapshot(engine: Engine, decision_id: int) -> Source:
    """Read the decision and where its trail ends, consistently: every change to a decision
    appends one of its events, so a view read between two equal readings of its last event is
    the state after exactly the events up to it. Raises NotFound for an unknown decision."""
    engine.db.require()
    for _ in range(5):
        last_seq, last_hash, count, head = _last_event(engine, decision_id)
        view = queries.show(engine, decision_id)
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
        exported_at=engine.now().astimezone(UTC),
    )
