"""Where a decided case stands in its life (Decree 713 Arts. 34-37), read by the acts of
:mod:`decision_flow.engine.life`, by `dflow new` for an adjustment and by the move that archives
one: ``in_force`` from archiving, ``suspended`` by the head, ``stopped`` or ``superseded`` once
a linked case that stops or changes it is archived.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.engine.change import Change, load_case
from decision_flow.store.row import rows_as, select_all, update
from decision_flow.store.rows import Decision, LifeAct
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.procedures.model import Life


def life_of(c: Change, allowed: tuple[str, ...], act: str) -> Life:
    """The procedure's life rules, once the case is decided and its life is one of `allowed`;
    refused (Blocked, citing the act's article) otherwise."""
    life = c.procedure.life
    dec = c.dec
    if life is None:
        raise InvalidInput(Msg("life.none", {"id": dec.id, "workflow": dec.workflow}))
    # while suspended, the suspension is what stands in the way (Art. 37)
    article = life.suspension if dec.life == "suspended" and "suspended" not in allowed else getattr(life, act)
    if dec.status != "archived" or dec.life not in allowed:
        state = dec.life if dec.status == "archived" else dec.status
        named = {"id": dec.id, "act": Msg(f"life.act.{act}"), "state": Msg(f"life.state.{state}")}
        msg = Msg("life.not_now", named)
        raise Blocked(msg, [Reason("life", article, Msg("life.not_now.detail", named))])
    return life


def open_evaluation(s: Any, decision_id: int) -> LifeAct | None:
    """The evaluation begun on the decision and not yet reported, if any."""
    acts = rows_as(
        LifeAct,
        cursor_of(s).all(
            f"{select_all(LifeAct)} WHERE decision_id = ? AND kind IN ('evaluation_started', 'evaluation_reported')"
            " ORDER BY id DESC LIMIT 1",
            decision_id,
        ),
    )
    return acts[0] if acts and acts[0].kind == "evaluation_started" else None


# ---------------------------------------------------------------------------- adjustments


ADJUSTMENTS = ("change", "stop")


def require_adjustable(c: Change, original: Decision, kind: str) -> None:
    """A new case may change or stop `original` (Art. 37: through the statutory procedures again,
    as a case of its own): the original is decided and in force or suspended, no other change of
    it is under way, and the acting user may act in its organ."""
    case, c.case = c.case, original
    try:
        life = life_of(c, ("in_force", "suspended"), "adjustment")
        if kind not in ADJUSTMENTS:
            raise InvalidInput(Msg("life.adjustment", {"kind": kind[:20], "kinds": ", ".join(ADJUSTMENTS)}))
        running = cursor_of(c.s).one(
            "SELECT id FROM decisions WHERE supersedes = ? AND status = 'active' LIMIT 1", original.id
        )
        if running is not None:
            msg = Msg("life.adjustment_open", {"id": original.id, "other": running[0]})
            raise Blocked(msg, [Reason("one_adjustment", life.adjustment, msg)])
    finally:
        c.case = case


def conclude_adjustment(c: Change) -> None:
    """The case just archived changes or stops the decision it supersedes: that decision is
    superseded or stopped from now on, recorded in its own trail."""
    dec = c.dec
    if dec.supersedes is None:
        return
    original = load_case(c.s, dec.supersedes, lock=True)
    ended = "stopped" if dec.adjustment == "stop" else "superseded"
    update(cursor_of(c.s), original, ("version", original.version), version=original.version + 1, life=ended)
    c.event(ended, about=original, by=dec.id, title=dec.title)


def superseded_by(s: Any, decision_id: int) -> list[int]:
    """The cases that change or stop the decision, oldest first."""
    return [
        int(r[0]) for r in cursor_of(s).all("SELECT id FROM decisions WHERE supersedes = ? ORDER BY id", decision_id)
    ]


def acts(s: Any, decision_id: int) -> list[dict[str, Any]]:
    """The decision's life acts, in order, as `dflow show --json` lists them."""
    found = rows_as(LifeAct, cursor_of(s).all(f"{select_all(LifeAct)} WHERE decision_id = ? ORDER BY id", decision_id))
    return [{"kind": a.kind, "at": a.at, "actor": a.actor, "data": json.loads(a.data)} for a in found]


__all__ = [
    "ADJUSTMENTS",
    "acts",
    "conclude_adjustment",
    "life_of",
    "open_evaluation",
    "require_adjustable",
    "superseded_by",
]
