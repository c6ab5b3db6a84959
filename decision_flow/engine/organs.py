"""Organs (决策机关) registered and users given roles in them, as audited changes (an admin of
the organ, or of one above it); what each user reaches is :mod:`decision_flow.engine.reach`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from decision_flow.core.errors import InvalidInput, NotFound
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text
from decision_flow.engine.checks import check_name, check_roles
from decision_flow.engine.reach import ROOT, check_code, check_level, get
from decision_flow.store.row import insert, one_as, rows_as, select_all, update
from decision_flow.store.rows import Membership, Organ, User
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.change import Change
    from decision_flow.engine.engine import Engine

__all__ = ["ROOT", "add", "grant", "list_organs"]


def add(engine: Engine, code: str, name: str, level: str, parent: str, actor: str | None) -> Organ:
    """Register an organ under `parent` (an admin of the parent, or above it); audited."""
    code, level = check_code(code), check_level(level)
    name = clean_text(name, "--name", 200)
    if not name:
        raise InvalidInput(Msg("organ.no_name", {}))

    def op(c: Change) -> Organ:
        cur = cursor_of(c.s)
        get(cur, parent)
        c.require_admin(parent)
        if cur.one("SELECT code FROM organs WHERE code = ?", code) is not None:
            raise InvalidInput(Msg("organ.exists", {"code": code}))
        organ = insert(cur, Organ(code=code, name=name, level=level, parent=parent, created_at=c.stamp()))
        c.event("organ_added", code=code, name=name, level=level, parent=parent)
        return organ

    return engine.change("organ_add", actor, None, {"code": code, "name": name, "parent": parent}, op)


def grant(engine: Engine, name: str, organ: str, roles: list[str], actor: str | None) -> Membership | None:
    """Give user `name` these roles in `organ` besides their own (replacing what they held there;
    none: the membership ends). An admin of that organ does it; audited."""
    name, organ = check_name(name), check_code(organ)
    roles = check_roles(roles) if roles else []

    def op(c: Change) -> Membership | None:
        cur = cursor_of(c.s)
        get(cur, organ)
        c.require_admin(organ)
        target = one_as(User, cur.one(f"{select_all(User)} WHERE name = ?", name))
        if target is None or not target.active:
            raise NotFound(Msg("user.unknown", {"name": name}))
        if target.organ == organ:
            raise InvalidInput(Msg("organ.own", {"name": name, "organ": organ}))
        member = one_as(Membership, cur.one(f"{select_all(Membership)} WHERE name = ? AND organ = ?", name, organ))
        old = [r for r in member.roles.split(",") if r] if member else []
        if old == roles:
            raise InvalidInput(Msg("user.roles_unchanged", {"name": name, "roles": ",".join(roles)}))
        if member is not None:  # never deleted: a membership taken away keeps its row, with no roles
            update(cur, member, roles=",".join(roles))
        else:
            member = insert(cur, Membership(name=name, organ=organ, roles=",".join(roles)))
        c.event("membership_changed", name=name, organ=organ, old=old, new=roles)
        return member if roles else None

    return engine.change("user_grant", actor, None, {"name": name, "organ": organ, "roles": roles}, op)


def list_organs(engine: Engine, actor: str | None = None) -> list[Organ]:
    from decision_flow.engine.change import reader

    engine.db.require()
    with engine.db.reading() as cur:
        reader(cur, actor)
        return rows_as(Organ, cur.all(f"{select_all(Organ)} ORDER BY code"))
