"""Who reaches which organ (决策机关) on one server: the county government, its departments and its
townships, one tree. Every case belongs to one organ; a user holds roles in their own organ
(``users.roles``) and, by membership, in others. Roles that reach below: an admin or an auditor
of an organ is one of every organ under it too (a county auditor reads every township).

`roles_in` runs on every change, so it reads through the driver's cursor, in one statement: the
organs' parents and the user's roles in each."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from decision_flow.core.articles import IDENTITY_ARTICLE
from decision_flow.core.errors import Forbidden, InvalidInput, NotFound, Reason
from decision_flow.core.i18n import Msg
from decision_flow.store.row import one_as, select_all
from decision_flow.store.rows import Decision, Organ, User
from decision_flow.store.tx import cursor_of
from decision_flow.trail.canonical import REGISTRY

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

LEVELS = ("county", "department", "township")
REACH = frozenset({"admin", "auditor"})  # roles held in an organ that hold in every organ below it
ROOT = "main"  # the code `dflow init` gives the first organ unless told another
ROOT_NAME = "本机关"
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def check_code(code: str) -> str:
    """An organ code as typed: lower-case ASCII letters, digits, '-' and '_', at most 40; never
    `registry` (the registry's audit chain is named so)."""
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise InvalidInput(Msg("organ.bad_code", {"code": code[:60]}))
    if code == REGISTRY:  # the name of the registry's audit chain
        raise InvalidInput(Msg("organ.reserved_code", {"code": code}))
    return code


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise InvalidInput(Msg("organ.bad_level", {"level": level[:40], "levels": ", ".join(LEVELS)}))
    return level


def workflow_level(organ: Organ) -> str:
    """The workflows an organ's cases run: a township's the township variants, the others the county's."""
    return "township" if organ.level == "township" else "county"


def get(s: Tx, code: str) -> Organ:
    organ = one_as(Organ, cursor_of(s).one(f"{select_all(Organ)} WHERE code = ?", code))
    if organ is None:
        raise NotFound(Msg("organ.unknown", {"code": code[:60]}))
    return organ


def root(s: Tx) -> str | None:
    """The organ at the top of the tree (the county government), if organs exist."""
    found = cursor_of(s).one("SELECT code FROM organs WHERE parent IS NULL ORDER BY code LIMIT 1")
    return str(found[0]) if found else None


def lineage(s: Tx, code: str) -> list[str]:
    """The organ and every organ above it, nearest first."""
    return _lineage(_parents(s), code)


def _parents(s: Tx) -> dict[str, str | None]:
    return {code: parent for code, parent in cursor_of(s).all("SELECT code, parent FROM organs")}


def _lineage(parents: dict[str, str | None], code: str) -> list[str]:
    found: list[str] = []
    current: str | None = code
    while current is not None and current not in found:
        found.append(current)
        current = parents.get(current)
    return found


def own_roles_hold(user: User, organ: str | None, roles: tuple[str, ...]) -> bool:
    """Whether `user` holds one of `roles` in `organ` by their own roles alone: it is their own
    organ (or either has none) and their own roles name one. Then :func:`roles_in` need not be
    read (most changes are an officer's in their own organ); False says only "read it"."""
    if organ is not None and user.organ is not None and organ != user.organ:
        return False
    own = user.roles.split(",")
    return any(r in own for r in roles)


def roles_in(s: Tx, user: User, organ: str | None) -> set[str]:
    """The roles `user` holds in `organ`: their own organ's roles or a membership there, and the
    roles that reach below (admin, auditor) held in an organ above it. A case or user of no organ
    (a database from before organs) is in every organ's reach of the user's own roles."""
    own = {r for r in user.roles.split(",") if r}
    if organ is None or user.organ is None:
        return own
    rows = cursor_of(s).all(_TREE, user.name)  # one statement: every organ's parent, and the user's roles there
    member = {code: set(roles.split(",")) for code, _, roles in rows if roles}
    held: set[str] = set()
    for i, code in enumerate(_lineage({code: parent for code, parent, _ in rows}, organ)):
        roles = (set(own) if code == user.organ else set()) | member.get(code, set())
        held |= roles if i == 0 else roles & REACH
    return held


_TREE = "SELECT code, parent, (SELECT roles FROM memberships m WHERE m.name = ? AND m.organ = code) FROM organs"


def readable(s: Tx, user: User) -> list[str]:
    """Every organ `user` holds a role in, directly or by reach, in code order."""
    codes = [str(code) for (code,) in cursor_of(s).all("SELECT code FROM organs ORDER BY code")]
    return [code for code in codes if roles_in(s, user, code)]


def require_reader_of(s: Tx, user: User | None, case: Decision) -> None:
    """A named reader of a case that may not be disclosed (`non_disclosable`) holds a role in its
    organ (their own, a membership, or admin/auditor above it): Forbidden otherwise. A read made
    as no one is the database login's to allow."""
    import json

    if user is None or not json.loads(case.flags or "{}").get("non_disclosable"):
        return
    if not roles_in(s, user, case.organ):
        msg = Msg("organ.not_disclosed", {"user": user.name, "id": case.id, "organ": case.organ})
        raise Forbidden(msg, [Reason("disclosure", "Art. 14", msg)])


def scope(s: Tx, user: User | None, organ: str | None, every: bool) -> list[str] | None:
    """The organs whose cases a list shows (None: all): `organ` (which a named reader must hold a
    role in), every organ (`every`: a named reader must reach them all), else the named reader's
    own organs."""
    if organ is not None:
        get(s, check_code(organ))
        if user is not None and not roles_in(s, user, organ):
            msg = Msg("organ.no_role", {"user": user.name, "organ": organ})
            raise Forbidden(msg, [Reason("role", IDENTITY_ARTICLE, msg)])
        return [organ]
    if user is None or user.organ is None:
        return None
    mine = readable(s, user)
    if every:
        codes = [str(code) for (code,) in cursor_of(s).all("SELECT code FROM organs")]
        if set(mine) != set(codes):
            msg = Msg("organ.not_all", {"user": user.name})
            raise Forbidden(msg, [Reason("role", IDENTITY_ARTICLE, msg)])
        return None
    return mine
