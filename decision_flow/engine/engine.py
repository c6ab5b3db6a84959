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

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from decision_flow.core.calendar_cn import ChinaCalendar, WorkCalendar
from decision_flow.core.errors import Blocked, Conflict, DflowError, Forbidden, InvalidInput, NotFound, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.values import check_kinds, clean_text, parse_values, split_assignment
from decision_flow.definition.workflow import Step, Workflow
from decision_flow.definition.workflow import get as get_workflow
from decision_flow.engine import moves
from decision_flow.engine.actor import denied_by_database, prove
from decision_flow.engine.procedure import (
    IDENTITY_ARTICLE,
    ORDER_ARTICLE,
    check_dates,
    load_context,
    records_of,
    require_independent,
    waiver_reasons,
)
from decision_flow.identity.keys import KeyRing, Signer
from decision_flow.store import rawsql
from decision_flow.store.db import Database
from decision_flow.store.evidence import store_for
from decision_flow.store.models import Decision, Evidence, StepRecord, User
from decision_flow.store.rawsql import Raw, rows_as, select_all
from decision_flow.trail import audit

T = TypeVar("T")
Op = Callable[[Session, User, "Decision | None"], T]
MAX_ACTOR = 100


def _storable(value: Any) -> Any:
    """What a refused attempt carried, made storable as UTF-8 text (a lone surrogate from an
    undecodable argument becomes an escape), so the refusal itself can always be recorded."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


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
        keys: KeyRing | None = None,
    ) -> None:
        self.db, self.now, self.today = db, now, today
        self._calendar = calendar
        self.store = store_for(db)
        self.keys = keys or KeyRing()
        self._acting: Signer | None = None  # the proven actor's key, during one change

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = ChinaCalendar()
        return self._calendar

    def stamp(self) -> str:
        return self.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # ------------------------------------------------------------------ plumbing

    def _user(self, s: Session, name: str | None) -> User:
        """The acting user, who must be registered and active (every act is attributable)."""
        if not name:
            msg = Msg("user.none", {})
            raise Forbidden(msg, [Reason("user", IDENTITY_ARTICLE, msg)])
        name = clean_text(name, "--as", 1000)  # control characters or undecodable bytes: invalid input
        found = Raw(s).all(f"{select_all(User)} WHERE name = ?", name[:MAX_ACTOR])
        user = rows_as(User, found)[0] if found else None
        if user is None or not user.active:
            msg = Msg("user.unknown", {"name": name[:MAX_ACTOR]})
            raise Forbidden(msg, [Reason("user", IDENTITY_ARTICLE, msg)])
        return user

    def _decision(self, s: Session, decision_id: int, lock: bool = False) -> Decision:
        """The decision, or NotFound; `lock` takes its row lock first, so every change on a
        server locks in one order (decision row, then the chain) and none deadlocks."""
        raw = Raw(s)
        found = raw.all(
            f"{select_all(Decision)} WHERE id = ?" + (" FOR UPDATE" if lock and raw.postgres else ""), decision_id
        )
        if not found:
            raise NotFound(Msg("decision.unknown", {"id": decision_id}))
        return rows_as(Decision, found)[0]

    def _key_of(self, actor: str | None) -> Signer | DflowError | None:
        """The acting user's private key, read (and unlocked) before any transaction opens, so a
        passphrase prompt never holds a lock; the error, if it cannot be had, for `_prove`."""
        if not actor:
            return None
        clean_text(actor, "--as", 1000)
        try:
            return self.keys.signer(actor[:MAX_ACTOR])
        except DflowError as exc:
            return exc

    def _change(self, attempt: str, actor: str | None, decision_id: int | None, args: dict[str, Any], op: Op[T]) -> T:
        """Run `op` in one transaction as the proven actor (their key signs its events); record a
        refusal (blocked or forbidden) as evidence, signed when the actor was proven."""
        self.db.require()
        key = self._key_of(actor)
        try:
            with self.db.session() as s:
                user = self._user(s, actor)
                self._acting = prove(user, key)
                dec = self._decision(s, decision_id, lock=True) if decision_id is not None else None
                try:
                    result = op(s, user, dec)
                    s.commit()
                except DBAPIError as exc:
                    raise denied_by_database(exc) from None
                return result
        except (Blocked, Forbidden) as exc:
            try:
                self._refused(attempt, actor, decision_id, args, exc, self._acting)
            except DBAPIError:  # a login that may not even append to the trail: the refusal stands
                pass
            raise
        finally:
            self._acting = None

    def _refused(
        self,
        attempt: str,
        actor: str | None,
        decision_id: int | None,
        args: dict[str, Any],
        exc: DflowError,
        signer: Signer | None = None,
    ) -> None:
        args = _storable(args)
        with self.db.session() as s:
            dec = s.get(Decision, decision_id) if decision_id is not None else None
            audit.append(
                s,
                sign=signer.sign if signer else None,
                at=self.stamp(),
                actor=_storable((actor or "")[:MAX_ACTOR]),
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
        signer: Signer | None = None,
        **data: Any,
    ) -> None:
        """Append the audit event of a change, in the change's own transaction, signed by the
        acting user (who was proven when the change began)."""
        signer = signer or self._acting
        if signer is None or signer.name != user.name:
            raise RuntimeError(f"an event of {user.name} without their key")  # a bug: every act is signed
        audit.append(
            s,
            sign=signer.sign,
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
        if rawsql.update(Raw(s), dec, ("version", dec.version), version=dec.version + 1, **changes) != 1:
            raise Conflict(Msg("decision.conflict", {"id": dec.id}))

    @staticmethod
    def _write_record(s: Session, rec: StepRecord, **changes: Any) -> None:
        """Write a step record's changed columns (its decision's row lock, held by the change,
        keeps anyone else from writing it meanwhile)."""
        rawsql.update(Raw(s), rec, **changes)

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

    def _pending_record(
        self, s: Session, dec: Decision, step: Step, records: dict[str, StepRecord] | None = None
    ) -> StepRecord:
        """The step's record, refused if the step is already completed or waived."""
        rec = self._record(s, dec, step, records)
        if rec.status != "pending":
            raise Blocked.because("step_closed", step.article, "step.closed", step=step.name, status=rec.status)
        return rec

    @staticmethod
    def _record(s: Session, dec: Decision, step: Step, records: dict[str, StepRecord] | None = None) -> StepRecord:
        """The step's active record, made if it has none; from `records` (the decision's active
        records, just read) when the caller has them, and a new one is added to them."""
        raw = Raw(s)
        if records is not None:
            rec = records.get(step.name)
        else:
            found = raw.all(
                f"{select_all(StepRecord)} WHERE decision_id = ? AND step = ? AND active", dec.id, step.name
            )
            rec = rows_as(StepRecord, found)[0] if found else None
        if rec is None:
            rec = StepRecord(decision_id=dec.id or 0, stage=step.stage, step=step.name)
            names = [c for c in rawsql.columns(StepRecord) if c != "id"]
            rec.id = raw.insert(
                f"INSERT INTO step_records ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                *(getattr(rec, c) for c in names),
            )
            if records is not None:
                records[step.name] = rec
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
        names = [clean_text(Path(path).name, "--attach", 255) for _kind, path in files]
        args = {"step": step_name, "set": [a[:200] for a in assignments[:50]], "attach": [k[:80] for k, _ in files]}

        def op(s: Session, user: User, dec: Decision | None) -> None:
            assert dec is not None
            wf = get_workflow(dec.workflow)
            step = self._open_step(s, dec, wf, step_name, user)
            require_independent(s, dec, wf, step.stage, user)
            values = parse_values(step, pairs)
            check_kinds(step, [kind for kind, _path in files])
            records = records_of(s, dec)
            rec = self._pending_record(s, dec, step, records)
            ctx = load_context(s, dec, wf, self.today(), self.calendar, records=records)
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
            for (kind, path), name in zip(files, names, strict=True):
                sha, size = self.store.put(Path(path), s)
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
            self._write_record(s, rec, fields=json.dumps(merged, ensure_ascii=False, sort_keys=True))
            self._save(s, dec)
            self._event(s, user, "recorded", dec, step.name, fields=values, evidence=stored)

        self._change("record", actor, decision_id, args, op)

    def complete(self, decision_id: int, step_name: str, actor: str | None) -> str:
        """Close a step after checking its rules; a meeting's outcome routes the decision (Art. 30).
        Returns the decision's stage afterwards."""

        def op(s: Session, user: User, dec: Decision | None) -> str:
            assert dec is not None
            return moves.complete(self, s, user, dec, step_name)

        return self._change("complete", actor, decision_id, {"step": step_name}, op)

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
            self._write_record(
                s,
                rec,
                status="waived",
                closed_at=self.stamp(),
                closed_by=user.name,
                waiver_reason=reason,
                waiver_reference=reference,
            )
            self._save(s, dec)
            self._event(s, user, "waived", dec, step.name, reason=reason, reference=reference)

        self._change("waive", actor, decision_id, {"step": step_name, "reason": reason[:200]}, op)

    def advance(self, decision_id: int, actor: str | None, to: str | None = None) -> str:
        """Complete what remains of the current stage and move to the next; return the new stage."""

        def op(s: Session, user: User, dec: Decision | None) -> str:
            assert dec is not None
            return moves.advance(self, s, user, dec, to)

        return self._change("advance", actor, decision_id, {"to": to}, op)

    def send_back(self, decision_id: int, to: str, reason: str, actor: str | None) -> None:
        """Return the decision to an earlier stage; that stage and every later one are redone."""
        reason = clean_text(reason, "--reason", 2000)
        if not reason:
            raise InvalidInput(Msg("return.no_reason", {}))

        def op(s: Session, user: User, dec: Decision | None) -> None:
            assert dec is not None
            moves.send_back(self, s, user, dec, to, reason)

        self._change("return", actor, decision_id, {"to": to, "reason": reason[:200]}, op)

    def set_flag(self, decision_id: int, flag: str, value: bool, reason: str, actor: str | None) -> list[str]:
        """Set or clear a flag after creation, with a reason (an audited act); returns reopened steps."""
        reason = clean_text(reason, "--reason", 2000)
        if not reason:
            raise InvalidInput(Msg("flag.no_reason", {}))

        def op(s: Session, user: User, dec: Decision | None) -> list[str]:
            assert dec is not None
            return moves.set_flag(self, s, user, dec, flag, value, reason)

        return self._change("flag", actor, decision_id, {"flag": flag[:80], "value": value, "reason": reason[:200]}, op)
