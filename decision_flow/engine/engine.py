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
from typing import TYPE_CHECKING, Any, TypeVar

import decision_flow.engine.definitions as definitions
from decision_flow.core.calendar_cn import ChinaCalendar, OfficialCalendar, WorkCalendar
from decision_flow.core.errors import Blocked, Conflict, DflowError, Forbidden, InvalidInput, Reason
from decision_flow.core.i18n import Msg, stored_msg
from decision_flow.core.values import clean_text, split_assignment
from decision_flow.definition.values import check_kinds, parse_values
from decision_flow.definition.workflow import Workflow
from decision_flow.engine.actor import denied_by_database, prove
from decision_flow.engine.change import MAX_ACTOR, Change, acting_user, load_case
from decision_flow.engine.procedure import check_dates, waiver_reasons
from decision_flow.engine.tally import settle
from decision_flow.identity.keys import KeyRing, Signer
from decision_flow.procedures import known_choices, unset_settings
from decision_flow.procedures import of as procedure_of
from decision_flow.rules import run
from decision_flow.store.calendar_years import imported
from decision_flow.store.db import Database
from decision_flow.store.evidence import store_for
from decision_flow.store.row import insert, one_as, select_all
from decision_flow.store.rows import Decision, Evidence, User
from decision_flow.store.sql import driver_error
from decision_flow.store.tx import cursor_of
from decision_flow.trail import audit
from decision_flow.trail.canonical import REGISTRY

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

T = TypeVar("T")
Op = Callable[[Change], T]


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


def _abstract(wf: Workflow) -> Blocked:
    """The refusal to open a case under an abstract base: each locality setting it leaves unset,
    citing what leaves it to the locality, and what to set."""
    unset = unset_settings(wf)
    msg = Msg("workflow.abstract", {"workflow": wf.name, "settings": ", ".join(s.name for s in unset) or "—"})
    reasons = [Reason("setting", s.article, Msg(s.hint, {"name": s.name})) for s in unset]
    return Blocked(msg, reasons or [Reason("setting", procedure_of(wf).articles.order, msg)])


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
        self._injected = calendar
        self._shipped: ChinaCalendar | None = None
        self.store = store_for(db)
        self.keys = keys or KeyRing()

    def shipped_calendar(self) -> ChinaCalendar:
        """The official calendar as the installed chinese-calendar package carries it."""
        if self._shipped is None:
            self._shipped = ChinaCalendar()
        return self._shipped

    def calendar_in(self, s: Tx) -> WorkCalendar:
        """The calendar the rules count on in session `s`: the one given to the engine (tests),
        else the years admins imported over chinese-calendar's data, read from `s` only when a
        rule first asks about a day (most changes count no working days)."""
        if self._injected is not None:
            return self._injected
        return OfficialCalendar(self.shipped_calendar, lambda: imported(s))

    def stamp(self) -> str:
        return self.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # ------------------------------------------------------------------ plumbing

    def key_of(self, actor: str | None) -> Signer | DflowError | None:
        """The acting user's private key, read (and unlocked) before any transaction opens, so a
        passphrase prompt never holds a lock; the error, if it cannot be had, for `prove`."""
        if not actor:
            return None
        clean_text(actor, "--as", 1000)
        try:
            return self.keys.signer(actor[:MAX_ACTOR])
        except DflowError as exc:
            return exc

    def opened(self, s: Tx, user: User, signer: Signer, case: Decision | None) -> Change:
        """A change in session `s` by `user`, signed by `signer`, about `case`, on this clock."""
        return Change(s, user, signer, case, self.stamp, self.today(), self.calendar_in(s), self.store)

    def change(
        self,
        attempt: str,
        actor: str | None,
        decision_id: int | None,
        args: dict[str, Any],
        op: Op[T],
        organ: str | None = None,
    ) -> T:
        """Run `op` in one transaction as the proven actor (their key signs its events); record a
        refusal (blocked or forbidden) as evidence, signed when the actor was proven: in the
        case's chain, else in `organ`'s (an act of an organ about no one case), else the registry's."""
        self.db.require()
        key = self.key_of(actor)
        proven: Signer | None = None
        try:
            with self.db.writing() as s:
                user = acting_user(s, actor)
                proven = prove(user, key)
                dec = load_case(s, decision_id, lock=True) if decision_id is not None else None
                change = self.opened(s, user, proven, dec)
                try:
                    result = op(change)
                    s.commit()
                except DflowError as exc:  # its names are the case's workflow's
                    exc.workflow = exc.workflow or change.resolved
                    raise
                except Exception as exc:
                    if not driver_error(exc):
                        raise
                    raise denied_by_database(exc) from None
                return result
        except (Blocked, Forbidden) as exc:
            try:
                self._refused(attempt, actor, decision_id, args, exc, proven, organ)
            except Exception as exc:  # a login that may not even append to the trail: the refusal stands
                if not driver_error(exc):
                    raise
            raise

    def _refused(
        self,
        attempt: str,
        actor: str | None,
        decision_id: int | None,
        args: dict[str, Any],
        exc: DflowError,
        signer: Signer | None = None,
        organ: str | None = None,
    ) -> None:
        """Record a refused attempt, signed by `signer` if the actor was proven; should their key
        have changed meanwhile (the append refuses it), the attempt is kept unsigned."""
        args = _storable(args)
        for key in (signer, None) if signer is not None else (None,):
            try:
                with self.db.writing() as s:
                    found = (
                        s.one(f"{select_all(Decision)} WHERE id = ?", decision_id) if decision_id is not None else None
                    )
                    dec = one_as(Decision, found)
                    held = (
                        organ if organ is not None and s.one("SELECT code FROM organs WHERE code = ?", organ) else None
                    )
                    audit.append(
                        s,
                        chain=(dec.organ or REGISTRY) if dec is not None else held or REGISTRY,
                        sign=key.sign if key else None,
                        key=key.public if key else None,
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
                            "reasons": [{**r.as_dict("en"), "msg": stored_msg(r.msg)} for r in exc.reasons],
                            "msg": stored_msg(exc.msg),  # each reader sees it in their own language
                        },
                    )
                    s.commit()
                return
            except Conflict:
                continue

    # ------------------------------------------------------------------ changes

    def new(
        self,
        title: str,
        workflow: str,
        flags: list[str],
        actor: str | None,
        organ: str | None = None,
        adjusts: tuple[int, str] | None = None,
        catalogue_item: int | None = None,
    ) -> Decision:
        """Create a decision (决策启动) at the workflow's first stage, in `organ` (default: the
        acting user's own), whose level the workflow must be for; from an item of that organ's
        decision-item catalogue (Art. 3) if `catalogue_item` is given (still listed, and the
        origin of no other case). With `adjusts` (a decision's id, and `change` or `stop`), the
        case changes or stops that decision (Art. 37): in its organ, under its workflow unless
        another is named, linked to it both ways."""
        import decision_flow.engine.catalogue_items as catalogue_items
        import decision_flow.engine.lifecycle as lifecycle
        import decision_flow.engine.reach as reach

        title = clean_text(title, "title", 500)
        if not title:
            raise InvalidInput(Msg("decision.title_empty", {}))
        code = reach.check_code(organ) if organ is not None else None

        def op(c: Change) -> Decision:
            original = c.case  # the decision adjusted (locked), if any: a refusal goes to its trail
            if original is not None and adjusts is not None:
                lifecycle.require_adjustable(c, original, adjusts[1])
            wf = definitions.newest(c.s, workflow or (original.workflow if original is not None else ""))
            unknown = [f for f in flags if f not in wf.flags]
            if unknown:
                raise InvalidInput(Msg("flag.unknown", {"flag": unknown[0], "known": ", ".join(wf.flags)}))
            place = code or (original.organ if original is not None else None) or c.user.organ
            if place is not None:
                held = reach.get(c.s, place)
                if wf.level != reach.workflow_level(held):
                    named = {"workflow": wf.name, "level": wf.level, "organ": held.code, "organ_level": held.level}
                    raise InvalidInput(Msg("organ.wrong_level", named))
                c.within(place)
            first = wf.stages[0].steps[0]
            c.require_role(first.roles, first)
            if wf.abstract:
                raise _abstract(wf)
            if catalogue_item is not None:
                catalogue_items.take(c, catalogue_item, place)
            definitions.keep(c.s, wf, "shipped", c.stamp(), c.user.name)  # (an installed one is kept already)
            dec = Decision(
                title=title,
                workflow=wf.name,
                workflow_version=wf.version,
                workflow_sha256=wf.sha256,
                stage=wf.stages[0].name,
                flags=json.dumps({f: True for f in sorted(set(flags))}),
                created_at=self.stamp(),
                created_by=c.user.name,
                organ=place,
                supersedes=original.id if original is not None else None,
                adjustment=adjusts[1] if adjusts is not None else None,
                catalogue_item=catalogue_item,
            )
            c.case = insert(cursor_of(c.s), dec)
            linked: dict[str, Any] = {}
            if original is not None:
                linked = {"supersedes": original.id, "adjustment": dec.adjustment}
            c.event(
                "created",
                title=title,
                workflow=wf.name,
                workflow_version=wf.version,
                workflow_sha256=wf.sha256,
                flags=sorted(set(flags)),
                organ=place,
                **linked,
                **made_from,
            )
            if original is not None:  # and in the trail of the decision it adjusts
                c.event("adjustment_opened", about=original, case=dec.id, adjustment=dec.adjustment, title=title)
            return dec

        made_from: dict[str, Any] = {"catalogue_item": catalogue_item} if catalogue_item is not None else {}
        args: dict[str, Any] = {"title": title[:200], "workflow": workflow[:100], "flags": flags, **made_from}
        if code:
            args["organ"] = code
        if adjusts is not None:
            args["adjusts"] = [adjusts[0], adjusts[1][:20]]
        return self.change("new", actor, adjusts[0] if adjusts is not None else None, args, op)

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

        def op(c: Change) -> None:
            step = c.open_step(step_name)
            c.require_independent(step.stage)
            values = parse_values(step, pairs, c.workflow.choices, known_choices())
            check_kinds(step, [kind for kind, _path in files])
            records = c.records()
            rec = c.pending_record(step, records)
            values = settle(c, step, values, json.loads(rec.fields))  # counts the opinions hold, not typed
            ctx = c.context(records)
            state = ctx.state(step.name)
            merged = {k: v for k, v in {**state.fields, **values}.items() if v is not None}
            reasons = check_dates(ctx, c.procedure.articles.dates, step, values)
            state.fields = merged
            held = {(kind, sha) for kind, items in state.evidence.items() for _name, sha in items}
            for kind, path in files:  # the files arriving now count for the record-time rules
                state.evidence.setdefault(kind, []).append((Path(path).name, ""))
            reasons += [r for r in run(ctx, step, "record") if r.blocking]
            if reasons:
                raise Blocked(Msg("record.refused", {"step": step.name}), reasons)
            stored = []
            for (kind, path), name in zip(files, names, strict=True):
                sha, size = c.store.put(Path(path), c.s)
                if (kind, sha) in held:  # the same file as this kind already holds: it counts once
                    continue
                held.add((kind, sha))
                insert(
                    cursor_of(c.s),
                    Evidence(
                        record_id=rec.id or 0,
                        kind=kind,
                        name=name,
                        sha256=sha,
                        size=size,
                        attached_at=c.stamp(),
                        attached_by=c.user.name,
                    ),
                )
                stored.append({"kind": kind, "name": name, "sha256": sha, "size": size})
            c.write_record(rec, fields=json.dumps(merged, ensure_ascii=False, sort_keys=True))
            c.save()
            c.event("recorded", step.name, fields=values, evidence=stored)

        self.change("record", actor, decision_id, args, op)

    def complete(self, decision_id: int, step_name: str, actor: str | None) -> str:
        """Close a step after checking its rules; a meeting's outcome routes the decision (Art. 30).
        Returns the decision's stage afterwards."""
        import decision_flow.engine.moves as moves  # the moves of a case: loaded for them alone

        return self.change("complete", actor, decision_id, {"step": step_name}, lambda c: moves.complete(c, step_name))

    def waive(
        self, decision_id: int, step_name: str, reason: str, actor: str | None, reference: str | None = None
    ) -> None:
        """Mark a step not applicable, where the law allows it, with a reason."""
        reason = clean_text(reason, "--reason", 2000)
        reference = clean_text(reference, "--reference", 500) if reference else None
        if not reason:
            raise InvalidInput(Msg("waive.no_reason", {}))

        def op(c: Change) -> None:
            step = c.open_step(step_name)
            rec = c.pending_record(step)
            refusals = waiver_reasons(step, c.flags(), reference)
            if refusals:
                raise Blocked(Msg("waive.refused", {"step": step.name}), refusals)
            c.write_record(
                rec,
                status="waived",
                closed_at=c.stamp(),
                closed_by=c.user.name,
                waiver_reason=reason,
                waiver_reference=reference,
            )
            c.save()
            c.event("waived", step.name, reason=reason, reference=reference)

        self.change("waive", actor, decision_id, {"step": step_name, "reason": reason[:200]}, op)

    def advance(self, decision_id: int, actor: str | None, to: str | None = None) -> str:
        """Complete what remains of the current stage and move to the next; return the new stage."""
        import decision_flow.engine.moves as moves  # the moves of a case: loaded for them alone

        return self.change("advance", actor, decision_id, {"to": to}, lambda c: moves.advance(c, to))

    def send_back(self, decision_id: int, to: str, reason: str, actor: str | None) -> None:
        """Return the decision to an earlier stage; that stage and every later one are redone."""
        import decision_flow.engine.moves as moves  # the moves of a case: loaded for them alone

        reason = clean_text(reason, "--reason", 2000)
        if not reason:
            raise InvalidInput(Msg("return.no_reason", {}))

        args = {"to": to, "reason": reason[:200]}
        self.change("return", actor, decision_id, args, lambda c: moves.send_back(c, to, reason))

    def set_flag(self, decision_id: int, flag: str, value: bool, reason: str, actor: str | None) -> list[str]:
        """Set or clear a flag after creation, with a reason (an audited act); returns reopened steps."""
        import decision_flow.engine.moves as moves  # the moves of a case: loaded for them alone

        reason = clean_text(reason, "--reason", 2000)
        if not reason:
            raise InvalidInput(Msg("flag.no_reason", {}))

        args = {"flag": flag[:80], "value": value, "reason": reason[:200]}
        return self.change("flag", actor, decision_id, args, lambda c: moves.set_flag(c, flag, value, reason))
