"""Users and their roles (用户与角色). Users are never deleted; every change is audited."""

from __future__ import annotations

from sqlmodel import Session, col, select

from decision_flow.engine import Engine
from decision_flow.errors import Forbidden, InvalidInput, Reason
from decision_flow.i18n import Msg
from decision_flow.models import User
from decision_flow.procedure import IDENTITY_ARTICLE
from decision_flow.values import clean_text
from decision_flow.workflow import ROLES


def _check_name(name: str) -> str:
    name = clean_text(name, "name", 64)
    if not name or any(c.isspace() or c in ",:" for c in name):
        raise InvalidInput(Msg("user.bad_name", {"name": name[:64]}))
    return name


def _check_roles(roles: list[str]) -> list[str]:
    if not roles:
        raise InvalidInput(Msg("user.bad_role", {"role": "", "roles": ", ".join(ROLES)}))
    for role in roles:
        if role not in ROLES:
            raise InvalidInput(Msg("user.bad_role", {"role": role[:40], "roles": ", ".join(ROLES)}))
    return sorted(set(roles), key=ROLES.index)


def init(engine: Engine, admin: str | None) -> bool:
    """Create or upgrade the database; register the first admin if named. Idempotent."""
    created = engine.db.init()
    if admin is None:
        return created
    name = _check_name(admin)
    with engine.db.session() as s:
        existing = s.exec(select(User).where(col(User.roles).contains("admin"))).first()
        if existing is not None:
            if existing.name == name:
                return created
            raise Forbidden(Msg("user.admin_exists", {"name": existing.name}))
        user = User(name=name, roles="admin", created_at=engine.stamp())
        s.add(user)
        s.flush()
        engine._event(s, user, "user_added", None, name=name, roles=["admin"])
        s.commit()
    return created


def add(engine: Engine, name: str, roles: list[str], actor: str | None) -> User:
    """Register a user with roles (admin only)."""
    name, roles = _check_name(name), _check_roles(roles)

    def op(s: Session, user: User, _dec: object) -> User:
        if "admin" not in user.roles.split(","):
            raise Forbidden(Msg("role.admin", {}), [Reason("role", IDENTITY_ARTICLE, Msg("role.admin", {}))])
        if s.get(User, name) is not None:
            raise InvalidInput(Msg("user.exists", {"name": name}))
        new = User(name=name, roles=",".join(roles), created_at=engine.stamp())
        s.add(new)
        engine._event(s, user, "user_added", None, name=name, roles=roles)
        return new

    return engine._change("user_add", actor, None, {"name": name, "roles": roles}, op)


def list_users(engine: Engine) -> list[User]:
    """Every registered user."""
    engine.db.require()
    with engine.db.session() as s:
        return list(s.exec(select(User).order_by(col(User.name))).all())
