"""The engine: every change to a decision, checked against the procedure and written together
with its audit event in one transaction. A refused change writes nothing but a ``refused``
event (refusals are evidence too).

Time and the calendar are passed in (`now`, `today`, `calendar`) so tests are deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import update
from sqlmodel import Session, col, select

from decision_flow import audit
from decision_flow.calendar_cn import ChinaCalendar, WorkCalendar
from decision_flow.db import Database
from decision_flow.errors import Blocked, Conflict, DflowError, Forbidden, InvalidInput, NotFound, Reason
from decision_flow.i18n import Msg
from decision_flow.invariants import LEGAL_GATES
from decision_flow.machine import Case, machine_for
from decision_flow.models import Decision, Evidence, StepRecord, User
from decision_flow.procedure import (
    ORDER_ARTICLE,
    check_dates,
    completion_reasons,
    load_context,
    records_of,
    waiver_reasons,
)
from decision_flow.store import EvidenceStore
from decision_flow.values import clean_text, parse_value, split_assignment
from decision_flow.workflow import Step, Workflow
from decision_flow.workflow import get as get_workflow

T = TypeVar("T")
Op = Callable[[Session, User, "Decision | None"], T]
MAX_ACTOR = 100


def utc_now() -> datetime:
    return datetime.now(UTC)


class Engine:
    """Changes and reads decisions in one database."""

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime] = utc_now,
        today: Callable[[], date] = date.today,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.db, self.now, self.today = db, now, today
        self._calendar = calendar
        self.store = EvidenceStore(db.evidence_dir)

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = ChinaCalendar()
        return self._calendar

    def stamp(self) -> str:
        return self.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # ------------------------------------------------------------------ plumbing

    def _user(self, s: Session, name: str | None) -> User:
        if not name:
            raise Forbidden(Msg("user.none", {}))
        user = s.get(User, name[:MAX_ACTOR])
        if user is None or not user.active:
            raise Forbidden(Msg("user.unknown", {"name": name[:MAX_ACTOR]}))
        return user

    def _decision(self, s: Session, decision_id: int) -> Decision:
        dec = s.get(Decision, decision_id)
        if dec is None:
            raise NotFound(Msg("decision.unknown", {"id": decision_id}))
        return dec

    def _change(self, attempt: str, actor: str | None, decision_id: int | None, args: dict[str, Any], op: Op[T]) -> T:
        """Run `op` in one transaction; record a refusal (blocked or forbidden) as evidence."""
        self.db.require()
        try:
            with self.db.session() as s:
                user = self._user(s, actor)
                dec = self._decision(s, decision_id) if decision_id is not None else None
                result = op(s, user, dec)
                s.commit()
                return result
        except (Blocked, Forbidden) as exc:
            self._refused(attempt, actor, decision_id, args, exc)
            raise

    def _refused(
        self, attempt: str, actor: str | None, decision_id: int | None, args: dict[str, Any], exc: DflowError
    ) -> None:
        with self.db.session() as s:
            dec = s.get(Decision, decision_id) if decision_id is not None else None
            audit.append(
                s,
                at=self.stamp(),
                actor=(actor or "")[:MAX_ACTOR],
                action="refused",
                decision=dec.id if dec else None,
                stage=dec.stage if dec else None,
                step=args.get("step") if isinstance(args.get("step"), str) else None,
                data={
                    "attempted": attempt,
                    "args": args,
                    "error": exc.code,
                    "message": exc.message("en"),
                    "reasons": [r.as_dict("en") for r in exc.reasons],
                },
            )
            s.commit()

    def _event(
        self,
        s: Session,
        user: User,
        action: str,
        dec: Decision | None,
        step: str | None = None,
        stage: str | None = None,
        **data: Any,
    ) -> None:
        """Append the audit event of a change, in the change's own transaction."""
        audit.append(
            s,
            at=self.stamp(),
            actor=user.name,
            action=action,
            decision=dec.id if dec else None,
            stage=stage or (dec.stage if dec else None),
            step=step,
            data=data,
        )

    def _save(self, s: Session, dec: Decision, **changes: Any) -> None:
        """Write the decision's new state if nobody changed it since it was read."""
        result = s.execute(
            update(Decision)
            .where(col(Decision.id) == dec.id, col(Decision.version) == dec.version)
            .values(version=dec.version + 1, **changes)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(Msg("decision.conflict", {"id": dec.id}))
        s.expire(dec)

    @staticmethod
    def _require_role(user: User, roles: tuple[str, ...], step: Step) -> None:
        if not set(user.roles.split(",")) & set(roles):
            raise Forbidden(
                Msg("role.denied", {"user": user.name, "step": step.name, "roles": ", ".join(roles)}),
                [Reason("role", step.article, Msg("role.detail", {"roles": ", ".join(roles)}))],
            )

    def _open_step(self, s: Session, dec: Decision, wf: Workflow, step_name: str, user: User) -> Step:
        """The step, checked to be of the current stage, open, and the user's to perform."""
        step = wf.step(step_name)
        self._require_active(dec)
        if step.stage != dec.stage:
            raise Blocked.because(
                "stage_order", ORDER_ARTICLE, "step.other_stage", step=step.name, stage=step.stage, current=dec.stage
            )
        self._require_role(user, step.roles, step)
        return step

    @staticmethod
    def _require_active(dec: Decision) -> None:
        if dec.status != "active":
            raise Blocked(
                Msg("decision.closed", {"id": dec.id, "status": dec.status}),
                [Reason("closed", ORDER_ARTICLE, Msg("decision.closed.detail", {"status": dec.status}))],
            )

    def _pending_record(self, s: Session, dec: Decision, step: Step) -> StepRecord:
        """The step's record, refused if the step is already completed or waived."""
        rec = self._record(s, dec, step)
        if rec.status != "pending":
            raise Blocked.because("step_closed", step.article, "step.closed", step=step.name, status=rec.status)
        return rec

    @staticmethod
    def _record(s: Session, dec: Decision, step: Step) -> StepRecord:
        rec = s.exec(
            select(StepRecord).where(
                StepRecord.decision_id == dec.id, StepRecord.step == step.name, col(StepRecord.active)
            )
        ).first()
        if rec is None:
            rec = StepRecord(decision_id=dec.id or 0, stage=step.stage, step=step.name)
            s.add(rec)
            s.flush()
        return rec

    # ------------------------------------------------------------------ changes

    def new(self, title: str, workflow: str, flags: list[str], actor: str | None) -> Decision:
        """Create a decision (决策启动) at the workflow's first stage."""
        wf = get_workflow(workflow)
        title = clean_text(title, "title", 500)
        if not title:
            raise InvalidInput(Msg("decision.title_empty", {}))
        unknown = [f for f in flags if f not in wf.flags]
        if unknown:
            raise InvalidInput(Msg("flag.unknown", {"flag": unknown[0], "known": ", ".join(wf.flags)}))
        first = wf.stages[0].steps[0]

        def op(s: Session, user: User, _dec: Decision | None) -> Decision:
            self._require_role(user, first.roles, first)
            dec = Decision(
                title=title,
                workflow=wf.name,
                workflow_version=wf.version,
                workflow_sha256=wf.sha256,
                stage=wf.stages[0].name,
                flags=json.dumps({f: True for f in sorted(set(flags))}),
                created_at=self.stamp(),
                created_by=user.name,
            )
            s.add(dec)
            s.flush()
            self._event(
                s,
                user,
                "created",
                dec,
                title=title,
                workflow=wf.name,
                workflow_version=wf.version,
                workflow_sha256=wf.sha256,
                flags=sorted(set(flags)),
            )
            return dec

        return self._change("new", actor, None, {"title": title[:200], "workflow": wf.name, "flags": flags}, op)

    def record(
        self, decision_id: int, step_name: str, assignments: list[str], attachments: list[str], actor: str | None
    ) -> None:
        """Record field values and evidence files on a step of the current stage."""
        if not assignments and not attachments:
            raise InvalidInput(Msg("record.nothing", {}))
        pairs = [split_assignment(a, "--set") for a in assignments]
        files = [split_assignment(a, "--attach") for a in attachments]
        args = {"step": step_name, "set": assignments[:50], "attach": [k for k, _ in files]}

        def op(s: Session, user: User, dec: Decision | None) -> None:
            assert dec is not None
            wf = get_workflow(dec.workflow)
            step = self._open_step(s, dec, wf, step_name, user)
            values: dict[str, Any] = {}
            for name, raw in pairs:
                fdef = step.field(name)
                if fdef is None:
                    raise InvalidInput(
                        Msg(
                            "field.unknown",
                            {"field": name[:80], "step": step.name, "known": ", ".join(f.name for f in step.fields)},
                        )
                    )
                values[name] = parse_value(fdef, raw)
                if fdef.type == "enum" and values[name] is not None and values[name] not in fdef.choices:
                    msg = Msg(
                        "field.choice", {"field": name, "value": values[name], "choices": ", ".join(fdef.choices)}
                    )
                    if fdef.article is None:
                        raise InvalidInput(msg)
                    raise Blocked(msg, [Reason("choice", fdef.article, msg)])
            for kind, _path in files:
                if step.evidence_kind(kind) is None:
                    raise InvalidInput(
                        Msg(
                            "evidence.unknown",
                            {
                                "kind": kind[:80],
                                "step": step.name,
                                "known": ", ".join(e.kind for e in step.evidence) or "—",
                            },
                        )
                    )
            rec = self._pending_record(s, dec, step)
            ctx = load_context(s, dec, wf, self.today(), self.calendar)
            state = ctx.state(step.name)
            merged = {k: v for k, v in {**state.fields, **values}.items() if v is not None}
            reasons = check_dates(ctx, step, values, merged)
            state.fields = merged
            for kind, path in files:  # the files arriving now count for the record-time rules
                state.evidence.setdefault(kind, []).append((Path(path).name, ""))
            from decision_flow.rules import run

            reasons += [r for r in run(ctx, step, "record") if r.blocking]
            if reasons:
                raise Blocked(Msg("record.refused", {"step": step.name}), reasons)
            stored = []
            for kind, path in files:
                sha, size = self.store.put(Path(path))
                name = clean_text(Path(path).name, "--attach", 255)
                s.add(
                    Evidence(
                        record_id=rec.id or 0,
                        kind=kind,
                        name=name,
                        sha256=sha,
                        size=size,
                        attached_at=self.stamp(),
                        attached_by=user.name,
                    )
                )
                stored.append({"kind": kind, "name": name, "sha256": sha, "size": size})
            rec.fields = json.dumps(merged, ensure_ascii=False, sort_keys=True)
            s.add(rec)
            self._save(s, dec)
            self._event(s, user, "recorded", dec, step.name, fields=values, evidence=stored)

        self._change("record", actor, decision_id, args, op)

    def _complete(
        self, s: Session, user: User, dec: Decision, wf: Workflow, step: Step, reasons_only: bool = False
    ) -> list[Reason]:
        ctx = load_context(s, dec, wf, self.today(), self.calendar, self.store.intact)
        found = completion_reasons(ctx, step)
        blocking = [r for r in found if r.blocking]
        if blocking or reasons_only:
            return blocking
        rec = self._record(s, dec, step)
        rec.status, rec.closed_at, rec.closed_by = "completed", self.stamp(), user.name
        rec.marks = json.dumps(sorted({r.rule for r in found}))
        s.add(rec)
        marks = [{"rule": r.rule, "article": r.article, "detail": r.detail("en")} for r in found]
        outcome = ctx.state(step.name).fields.get(step.outcome.field) if step.outcome else None
        self._event(s, user, "completed", dec, step.name, marks=marks, **({"outcome": outcome} if outcome else {}))
        return []

    def complete(self, decision_id: int, step_name: str, actor: str | None) -> str:
        """Close a step after checking its rules; a meeting's outcome routes the decision (Art. 30).
        Returns the decision's stage afterwards."""

        def op(s: Session, user: User, dec: Decision | None) -> str:
            assert dec is not None
            wf = get_workflow(dec.workflow)
            step = self._open_step(s, dec, wf, step_name, user)
            rec = self._pending_record(s, dec, step)
            reasons = self._complete(s, user, dec, wf, step)
            if reasons:
                raise Blocked(Msg("complete.refused", {"step": step.name}), reasons)
            return self._route(s, user, dec, wf, step, rec)

        return self._change("complete", actor, decision_id, {"step": step_name}, op)

    def _route(self, s: Session, user: User, dec: Decision, wf: Workflow, step: Step, rec: StepRecord) -> str:
        value = str(json.loads(rec.fields).get(step.outcome.field)) if step.outcome else ""
        route = step.outcome.routes.get(value, "stay") if step.outcome else "advance"
        if route == "advance" or step.outcome is None:
            self._save(s, dec)
            return dec.stage
        case = Case(dec.stage)
        machine = machine_for(wf)
        machine.add_model(case, initial=dec.stage)
        try:
            if route == "reject":
                case.trigger("reject")
                self._save(s, dec, status="rejected")
                self._event(s, user, "rejected", dec, step.name, outcome=value)
            elif route.startswith("return:"):
                self._send_back(s, user, dec, wf, case, route[7:], reason=f"{step.outcome.field}={value}")
            elif route == "stay":
                rec.active = False  # this meeting stays in the history; a later one is recorded anew
                s.add(rec)
                self._save(s, dec)
                self._event(s, user, "stays", dec, step.name, outcome=value)
        finally:
            machine.remove_model(case)
        return str(case.state)

    def waive(
        self, decision_id: int, step_name: str, reason: str, actor: str | None, reference: str | None = None
    ) -> None:
        """Mark a step not applicable, where the law allows it, with a reason."""
        reason = clean_text(reason, "--reason", 2000)
        reference = clean_text(reference, "--reference", 500) if reference else None
        if not reason:
            raise InvalidInput(Msg("waive.no_reason", {}))

        def op(s: Session, user: User, dec: Decision | None) -> None:
            assert dec is not None
            wf = get_workflow(dec.workflow)
            step = self._open_step(s, dec, wf, step_name, user)
            rec = self._pending_record(s, dec, step)
            refusals = waiver_reasons(step, json.loads(dec.flags), reference)
            if refusals:
                raise Blocked(Msg("waive.refused", {"step": step.name}), refusals)
            rec.status, rec.closed_at, rec.closed_by = "waived", self.stamp(), user.name
            rec.waiver_reason, rec.waiver_reference = reason, reference
            s.add(rec)
            self._save(s, dec)
            self._event(s, user, "waived", dec, step.name, reason=reason, reference=reference)

        self._change("waive", actor, decision_id, {"step": step_name, "reason": reason[:200]}, op)

    def advance(self, decision_id: int, actor: str | None, to: str | None = None) -> str:
        """Complete what remains of the current stage and move to the next; return the new stage."""

        def op(s: Session, user: User, dec: Decision | None) -> str:
            assert dec is not None
            wf = get_workflow(dec.workflow)
            self._require_active(dec)
            stage = wf.stage(dec.stage)
            index = wf.stage_index(stage.name)
            following = wf.stages[index + 1].name if index + 1 < len(wf.stages) else "archived"
            if to is not None and to != following:
                end = len(wf.stages) if to == "archived" else wf.stage_index(wf.stage(to).name)
                skipped = wf.stages[index + 1 : end]  # the stages a jump to `to` would pass over
                gates = [
                    Reason("never_skipped", st.waiver.article, Msg("stage.never_skipped", {"step": st.name}))
                    for skipped_stage in skipped
                    for st in skipped_stage.steps
                    if st.name in LEGAL_GATES  # legality review and collective decision (Arts. 25, 30)
                ]
                if gates:
                    msg = Msg("advance.skip", {"to": to, "current": stage.name, "next": following})
                    raise Blocked(msg, [Reason("stage_order", ORDER_ARTICLE, msg), *gates])
                raise Blocked.because(
                    "stage_order", ORDER_ARTICLE, "advance.skip", to=to, current=stage.name, next=following
                )
            roles = tuple({r for st in stage.steps for r in st.roles})
            self._require_role(user, roles, stage.steps[0])
            records = records_of(s, dec)
            reasons: list[Reason] = []
            for step in stage.steps:
                rec = records.get(step.name)
                if rec is not None and rec.status != "pending":
                    continue
                if not set(user.roles.split(",")) & set(step.roles):
                    reasons.append(Reason("role", step.article, Msg("role.detail", {"roles": ", ".join(step.roles)})))
                elif rec is None or (
                    rec.fields == "{}" and not s.exec(select(Evidence.id).where(Evidence.record_id == rec.id)).first()
                ):
                    reasons.append(
                        Reason("stage_incomplete", stage.leave_article, Msg("stage.step_open", {"step": step.name}))
                    )
                else:
                    found = self._complete(s, user, dec, wf, step, reasons_only=True)
                    reasons += found
                    outcome = str(json.loads(rec.fields).get(step.outcome.field)) if step.outcome else ""
                    if step.outcome and not found and step.outcome.routes.get(outcome) != "advance":
                        reasons.append(
                            Reason(
                                "outcome",
                                step.outcome.article,
                                Msg("advance.outcome", {"step": step.name, "outcome": outcome}),
                            )
                        )
            if reasons:
                raise Blocked(Msg("advance.refused", {"stage": stage.name}), reasons)
            for step in stage.steps:
                rec = records.get(step.name)
                if rec is not None and rec.status == "pending":
                    self._complete(s, user, dec, wf, step)
            case = Case(stage.name, load_context(s, dec, wf, self.today(), self.calendar, self.store.intact))
            machine = machine_for(wf)
            machine.add_model(case, initial=stage.name)
            try:
                if not case.trigger("advance"):
                    raise Blocked(Msg("advance.refused", {"stage": stage.name}), case.reasons)
            finally:
                machine.remove_model(case)
            status = "archived" if case.state == "archived" else "active"
            new_stage = stage.name if status == "archived" else str(case.state)
            self._save(s, dec, stage=new_stage, status=status)
            self._event(s, user, "advanced", dec, stage=stage.name, **{"from": stage.name, "to": str(case.state)})
            return str(case.state)

        return self._change("advance", actor, decision_id, {"to": to}, op)

    def send_back(self, decision_id: int, to: str, reason: str, actor: str | None) -> None:
        """Return the decision to an earlier stage; that stage and every later one are redone."""
        reason = clean_text(reason, "--reason", 2000)
        if not reason:
            raise InvalidInput(Msg("return.no_reason", {}))

        def op(s: Session, user: User, dec: Decision | None) -> None:
            assert dec is not None
            wf = get_workflow(dec.workflow)
            target = wf.stage(to)
            self._require_active(dec)
            stage = wf.stage(dec.stage)
            roles = tuple({r for st in stage.steps + target.steps for r in st.roles})
            self._require_role(user, roles, stage.steps[0])
            if wf.stage_index(target.name) >= wf.stage_index(stage.name):
                raise Blocked.because("stage_order", ORDER_ARTICLE, "return.not_earlier", to=to, current=stage.name)
            ctx = load_context(s, dec, wf, self.today(), self.calendar)
            from decision_flow.rules import run

            for step in stage.steps:
                for r in run(ctx, step, "leave"):
                    needed = r.msg.params.get("stage")
                    if needed and wf.stage_index(target.name) > wf.stage_index(needed):
                        raise Blocked(Msg("return.not_far_enough", {"to": to, "needed": needed}), [r])
            case = Case(stage.name)
            machine = machine_for(wf)
            machine.add_model(case, initial=stage.name)
            try:
                self._send_back(s, user, dec, wf, case, target.name, reason)
            finally:
                machine.remove_model(case)

        self._change("return", actor, decision_id, {"to": to, "reason": reason[:200]}, op)

    def _send_back(
        self, s: Session, user: User, dec: Decision, wf: Workflow, case: Case, target: str, reason: str
    ) -> None:
        case.trigger(f"return_to_{target}")
        redo = [st.name for st in wf.stages[wf.stage_index(target) :]]
        s.execute(
            update(StepRecord)
            .where(col(StepRecord.decision_id) == dec.id, col(StepRecord.active), col(StepRecord.stage).in_(redo))
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
        from_stage = dec.stage
        self._save(s, dec, stage=target)
        self._event(s, user, "returned", dec, stage=from_stage, **{"from": from_stage, "to": target, "reason": reason})
