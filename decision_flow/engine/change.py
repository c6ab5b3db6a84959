"""One audited change (一次留痕的变更): its session, acting user, case, signer and clock.

The engine opens a :class:`Change` for every attempt and commits it with its audit events in
one transaction; the moves (:mod:`decision_flow.engine.moves`) and the user commands
(:mod:`decision_flow.engine.users`) act only through its public methods. Nothing of one change
lives on the long-lived engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import field
from datetime import date
from typing import TYPE_CHECKING, Any

import decision_flow.engine.definitions as definitions
from decision_flow.core.articles import IDENTITY_ARTICLE
from decision_flow.core.errors import Blocked, Conflict, Forbidden, NotFound, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.value import Value
from decision_flow.core.values import clean_text
from decision_flow.procedures import of as procedure_of
from decision_flow.store.row import insert, rows_as, select_all, update
from decision_flow.store.rows import Decision, Evidence, StepRecord, User
from decision_flow.store.tx import cursor_of
from decision_flow.trail import audit
from decision_flow.trail.canonical import KEY_ACTIONS, REGISTRY

if TYPE_CHECKING:
    from decision_flow.core.calendar_cn import WorkCalendar
    from decision_flow.definition.workflow import Step, Workflow
    from decision_flow.identity.keys import Signer
    from decision_flow.procedures.model import Procedure
    from decision_flow.rules import Context
    from decision_flow.store.evidence import DatabaseStore, EvidenceStore
    from decision_flow.store.tx import Tx

MAX_ACTOR = 100  # characters of a user's name


def acting_user(s: Tx, name: str | None) -> User:
    """The acting user, who must be registered and active (every act is attributable)."""
    if not name:
        msg = Msg("user.none", {})
        raise Forbidden(msg, [Reason("user", IDENTITY_ARTICLE, msg)])
    name = clean_text(name, "--as", 1000)  # control characters or undecodable bytes: invalid input
    found = cursor_of(s).all(f"{select_all(User)} WHERE name = ?", name[:MAX_ACTOR])
    user = rows_as(User, found)[0] if found else None
    if user is None or not user.active:
        msg = Msg("user.unknown", {"name": name[:MAX_ACTOR]})
        raise Forbidden(msg, [Reason("user", IDENTITY_ARTICLE, msg)])
    return user


def reader(s: Tx, name: str | None) -> User | None:
    """Who a read (show, list, the trail, verification, an export, the user list) is made as.

    A read needs no identity: with no name given, nobody (the database login decides who may
    read). A name given must be a registered, active user, exactly as for a change (Forbidden,
    ``user.unknown``), so a mistyped ``--as`` is never silently ignored. The check only reads:
    a refused read is not recorded in the trail (a read changes nothing, PRODUCT.md records
    refused *changes*, and a read must work on a read-only login), and needs no private key."""
    return acting_user(s, name) if name else None


def load_case(s: Tx, decision_id: int, lock: bool = False) -> Decision:
    """The decision, or NotFound; `lock` takes its row lock first, so every change on a
    server locks in one order (decision row, then the chain) and none deadlocks."""
    raw = cursor_of(s)
    found = raw.all(
        f"{select_all(Decision)} WHERE id = ?" + (" FOR UPDATE" if lock and raw.postgres else ""), decision_id
    )
    if not found:
        raise NotFound(Msg("decision.unknown", {"id": decision_id}))
    return rows_as(Decision, found)[0]


class Change(Value, frozen=False):
    """A change in progress: `case` is the decision it is about (None for a user or key
    change), already locked; every event it appends is signed by `signer`, who is `user`."""

    s: Tx
    user: User
    signer: Signer
    case: Decision | None
    stamp: Callable[[], str]
    today: date
    calendar: WorkCalendar
    store: EvidenceStore | DatabaseStore
    _workflow: Workflow | None = field(default=None, repr=False)
    _roles: set[str] | None = field(default=None, repr=False)
    _organ: str | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ the case

    @property
    def dec(self) -> Decision:
        """The case, for a change that has one."""
        if self.case is None:
            raise RuntimeError("a change without a case asked for its case")  # a bug
        return self.case

    @property
    def workflow(self) -> Workflow:
        """The definition the case was created under (or last moved to), exactly."""
        if self._workflow is None:
            self._workflow = definitions.of_case(self.s, self.dec)
        return self._workflow

    @property
    def resolved(self) -> Workflow | None:
        """The case's definition, if this change has read it (for naming things in an error)."""
        return self._workflow

    @property
    def procedure(self) -> Procedure:
        return procedure_of(self.workflow)

    def flags(self) -> dict[str, bool]:
        return {k: v for k, v in json.loads(self.dec.flags).items() if v}

    def records(self) -> dict[str, StepRecord]:
        """The active record of each step of the case that has one."""
        found = cursor_of(self.s).all(f"{select_all(StepRecord)} WHERE decision_id = ? AND active", self.dec.id)
        return {r.step: r for r in rows_as(StepRecord, found)}

    def context(self, records: dict[str, StepRecord] | None = None, check_files: bool = False) -> Context:
        """What the rules may look at; `check_files` lets them check evidence files on disk."""
        from decision_flow.engine.procedure import load_context

        intact = self.store.intact if check_files else (lambda sha: True)
        return load_context(self.s, self.dec, self.workflow, self.today, self.calendar, intact, records)

    def save(self, **changes: Any) -> None:
        """Write the case's new state if nobody changed it since it was read."""
        dec = self.dec
        if update(cursor_of(self.s), dec, ("version", dec.version), version=dec.version + 1, **changes) != 1:
            raise Conflict(Msg("decision.conflict", {"id": dec.id}))

    # ------------------------------------------------------------------ steps

    def record_of(self, step: Step, records: dict[str, StepRecord] | None = None) -> StepRecord:
        """The step's active record, made if it has none; from `records` (the case's active
        records, just read) when the caller has them, and a new one is added to them."""
        raw = cursor_of(self.s)
        if records is not None:
            rec = records.get(step.name)
        else:
            found = raw.all(
                f"{select_all(StepRecord)} WHERE decision_id = ? AND step = ? AND active", self.dec.id, step.name
            )
            rec = rows_as(StepRecord, found)[0] if found else None
        if rec is None:
            rec = insert(raw, StepRecord(decision_id=self.dec.id or 0, stage=step.stage, step=step.name))
            if records is not None:
                records[step.name] = rec
        return rec

    def pending_record(self, step: Step, records: dict[str, StepRecord] | None = None) -> StepRecord:
        """The step's record, refused if the step is already completed or waived."""
        rec = self.record_of(step, records)
        if rec.status != "pending":
            raise Blocked.because("step_closed", step.article, "step.closed", step=step.name, status=rec.status)
        return rec

    def write_record(self, rec: StepRecord, **changes: Any) -> None:
        """Write a step record's changed columns (the case's row lock, held by the change,
        keeps anyone else from writing it meanwhile)."""
        update(cursor_of(self.s), rec, **changes)

    def carry_over(self, stages: list[str]) -> list[str]:
        """Supersede the case's active records of `stages` (kept, inactive, for the history) and
        start each step again from what it held: a new pending record with the same field values
        and a copy of each of its evidence rows (same SHA-256, name and kind: files are stored by
        content, so nothing is copied on disk), its `carried_from` the old record. Marks (e.g.
        `late`), a waiver and its reason, and who closed it are not carried: completing or
        waiving is decided again. A record with neither values nor evidence is only superseded.
        Returns the steps carried over, in the workflow's order."""
        raw = cursor_of(self.s)
        marks = ", ".join("?" for _ in stages)
        old = rows_as(
            StepRecord,
            raw.all(
                f"{select_all(StepRecord)} WHERE decision_id = ? AND active AND stage IN ({marks})",
                self.dec.id,
                *stages,
            ),
        )
        if not old:
            return []
        ids = [r.id for r in old]
        listed = ", ".join("?" for _ in ids)
        raw.run(f"UPDATE step_records SET active = ? WHERE id IN ({listed})", False, *ids)
        files: dict[int, list[Evidence]] = {}
        query = f"{select_all(Evidence)} WHERE record_id IN ({listed}) AND withdrawn_at IS NULL ORDER BY id"
        for e in rows_as(Evidence, raw.all(query, *ids)):
            files.setdefault(e.record_id, []).append(e)
        order = {st.name: i for i, st in enumerate(self.workflow.steps())}
        carried = []
        for rec in sorted(old, key=lambda r: order.get(r.step, len(order))):
            if rec.fields == "{}" and not files.get(rec.id or 0):
                continue
            new = StepRecord(
                decision_id=rec.decision_id, stage=rec.stage, step=rec.step, fields=rec.fields, carried_from=rec.id
            )
            new_id = insert(raw, new).id
            for e in files.get(rec.id or 0, []):
                insert(raw, Evidence(**{**e.model_dump(), "id": None, "record_id": new_id}))
            carried.append(rec.step)
        return carried

    # ------------------------------------------------------------------ checks

    @property
    def roles(self) -> set[str]:
        """The roles the acting user holds where this change happens: in the case's organ (their
        own, a membership there, or admin/auditor above it), else in their own organ."""
        from decision_flow.engine.reach import roles_in

        if self._roles is None:
            self._roles = roles_in(self.s, self.user, self._where)
        return self._roles

    @property
    def _where(self) -> str | None:
        """The organ this change happens in: the case's, else the one named, else the user's."""
        return self.case.organ if self.case is not None else self._organ or self.user.organ

    def within(self, organ: str) -> None:
        """This change (one without a case yet: a new case) happens in `organ`."""
        self._organ, self._roles = organ, None

    def require_role(self, roles: tuple[str, ...], step: Step) -> None:
        """The acting user holds one of `roles` (those of `step`, whose article is cited) in the
        case's organ."""
        self.require_role_for(roles, step.name, step.article)

    def require_role_for(self, roles: tuple[str, ...], act: str, article: str) -> None:
        """The acting user holds one of `roles` in the case's organ for `act` (a step's name, or
        an act of the case's life), under `article`."""
        from decision_flow.engine.reach import own_roles_hold

        if self._roles is None and own_roles_hold(self.user, self._where, roles):
            return  # their own roles, in their own organ: the organ tree need not be read
        if not self.roles & set(roles):
            raise Forbidden(
                Msg("role.denied", {"user": self.user.name, "step": act, "roles": ", ".join(roles)}),
                [Reason("role", article, Msg("role.detail", {"roles": ", ".join(roles)}))],
            )

    def require_admin(self, organ: str | None = None) -> None:
        """The acting user is an admin (users, keys, workflow files, the calendar): where the
        change happens, or of `organ` (or an organ above it)."""
        if organ is not None:
            from decision_flow.engine.reach import roles_in

            if "admin" not in roles_in(self.s, self.user, organ):
                msg = Msg("organ.not_admin", {"user": self.user.name, "organ": organ})
                raise Forbidden(msg, [Reason("role", IDENTITY_ARTICLE, msg)])
            return
        if "admin" not in self.roles:
            raise Forbidden(Msg("role.admin", {}), [Reason("role", IDENTITY_ARTICLE, Msg("role.admin", {}))])

    def require_active(self) -> None:
        """The case is still running (not rejected, not archived)."""
        dec = self.dec
        if dec.status != "active":
            order = self.procedure.articles.order
            raise Blocked(
                Msg("decision.closed", {"id": dec.id, "status": dec.status}),
                [Reason("closed", order, Msg("decision.closed.detail", {"status": dec.status}))],
            )

    def open_step(self, step_name: str) -> Step:
        """The step, checked to be of the current stage, open, and the user's to perform."""
        step = self.workflow.step(step_name)
        self.require_active()
        if step.stage != self.dec.stage:
            raise Blocked.because(
                "stage_order",
                self.procedure.articles.order,
                "step.other_stage",
                step=step.name,
                stage=step.stage,
                current=self.dec.stage,
            )
        self.require_role(step.roles, step)
        return step

    def require_independent(self, stage: str) -> None:
        """Separation of duties: the procedure's duties for `stage` hold for the acting user."""
        from decision_flow.engine.procedure import require_independent

        require_independent(self.s, self.dec, self.workflow, stage, self.user)

    # ------------------------------------------------------------------ the trail

    def event(
        self,
        action: str,
        step: str | None = None,
        stage: str | None = None,
        *,
        signer: Signer | None = None,
        about_case: bool = True,
        chain: str | None = None,
        about: Decision | None = None,
        **data: Any,
    ) -> None:
        """Append the audit event of this change, in its own transaction, signed by the acting
        user (proven when the change began; `signer` when a new key of theirs signs it): to the
        chain of the case's organ; for a change of no case, to `chain` (an organ's act of no one
        case, such as its catalogue) or else the registry's. `about` names another case the
        change also acts on (an adjustment archived supersedes the decision it adjusts)."""
        signer = signer or self.signer
        if signer.name != self.user.name:
            raise RuntimeError(f"an event of {self.user.name} without their key")  # a bug: every act is signed
        dec = about if about is not None else self.case if about_case else None
        audit.append(
            self.s,
            chain=(dec.organ or REGISTRY) if dec is not None else (chain or REGISTRY),
            sign=signer.sign,
            # the key checked again at the append, unless this change is of the actor's own key
            key=None if action in KEY_ACTIONS and data.get("name") == self.user.name else signer.public,
            at=self.stamp(),
            actor=self.user.name,
            action=action,
            decision=dec.id if dec else None,
            stage=stage or (dec.stage if dec else None),
            step=step,
            data=data,
        )
