"""Withdrawing an attachment made by mistake (撤回材料): an audited act with a reason. The file's
bytes stay in the evidence store and its attachment in the trail; the step's record no longer
counts it (rules, `show`, exports, a return's carry-over)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from decision_flow.core.errors import InvalidInput, NotFound
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text, split_assignment
from decision_flow.engine.change import Change
from decision_flow.store.row import rows_as, select_all, update
from decision_flow.store.rows import Evidence
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.engine import Engine

SHORTEST_PREFIX = 6  # hex digits of a SHA-256 that name a file


def withdraw(
    engine: Engine, decision_id: int, step_name: str, which: str, reason: str, actor: str | None
) -> dict[str, str]:
    """Withdraw the file `which` (``KIND=NAME`` or ``KIND=SHA256-PREFIX``) from the pending
    record of a step of the current stage, by one who may perform that step, with a reason.
    Returns what was withdrawn."""
    kind, named = split_assignment(which, "--file")
    named = clean_text(named, "--file", 255)
    reason = clean_text(reason, "--reason", 2000)
    if not reason:
        raise InvalidInput(Msg("withdraw.no_reason", {}))
    found: dict[str, str] = {}

    def op(c: Change) -> None:
        step = c.open_step(step_name)
        rec = c.pending_record(step)
        cur = cursor_of(c.s)
        query = f"{select_all(Evidence)} WHERE record_id = ? AND kind = ? AND withdrawn_at IS NULL ORDER BY id"
        rows = rows_as(Evidence, cur.all(query, rec.id, kind))
        hexed = named.lower()
        matching = [
            e for e in rows if e.name == named or (len(hexed) >= SHORTEST_PREFIX and e.sha256.startswith(hexed))
        ]
        held = ", ".join(f"{e.name} ({e.sha256[:12]})" for e in rows) or "—"
        if not matching:
            raise NotFound(Msg("withdraw.none", {"step": step.name, "kind": kind, "file": named, "held": held}))
        if len(matching) > 1:
            raise InvalidInput(Msg("withdraw.several", {"file": named, "held": held}))
        (row,) = matching
        update(cur, row, withdrawn_at=c.stamp(), withdrawn_by=c.user.name, withdrawn_reason=reason)
        c.save()
        c.event("withdrawn", step.name, kind=kind, name=row.name, sha256=row.sha256, reason=reason)
        found.update(step=step.name, kind=kind, name=row.name, sha256=row.sha256)

    engine.change("withdraw", actor, decision_id, {"step": step_name, "file": which[:200], "reason": reason[:200]}, op)
    return found
