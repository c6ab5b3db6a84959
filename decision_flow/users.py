"""Users and their roles (用户与角色). Users are never deleted, only deactivated, so history stays
attributable; every change is an audited event written in the change's own transaction."""

from __future__ import annotations

from sqlmodel import Session, col, select

from decision_flow.engine import Engine
from decision_flow.errors import Blocked, Forbidden, InvalidInput, NotFound, Reason
from decision_flow.i18n import Msg
from decision_flow.models import User
from decision_flow.procedure import AUDITOR_ARTICLE, IDENTITY_ARTICLE
from decision_flow.values import clean_text
from decision_flow.workflow import DECIDING_ROLES, ROLES


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


def _require_admin(user: User) -> None:
    if "admin" not in user.roles.split(","):
        raise Forbidden(Msg("role.admin", {}), [Reason("role", IDENTITY_ARTICLE, Msg("role.admin", {}))])


def _require_independent_auditor(name: str, roles: list[str]) -> None:
    """An auditor holds no role that changes decisions (admin + auditor is allowed). Blocked, not
    InvalidInput: the roles exist, the combination is what the separation of duties refuses,
    and the attempt is kept in the trail as a refusal."""
    deciding = [r for r in roles if r in DECIDING_ROLES]
    if "auditor" in roles and deciding:
        raise Blocked.because(
            "auditor_independent", AUDITOR_ARTICLE, "user.auditor_independent", name=name, roles=", ".join(deciding)
        )


def _target(s: Session, name: str, actor: User, removes_admin: bool) -> User:
    """The user an admin changes: registered, and not the admin themselves (no one changes their
    own account, so every change has a second person behind it). When the change would leave no
    active admin, that is the reason given."""
    target = s.get(User, name)
    if target is None:
        raise NotFound(Msg("user.unknown", {"name": name}))
    if target.name == actor.name:
        others = s.exec(select(User).where(col(User.active), col(User.name) != name)).all()
        if removes_admin and not any("admin" in u.roles.split(",") for u in others):
            raise Blocked.because("last_admin", IDENTITY_ARTICLE, "user.last_admin", name=name)
        raise Blocked.because("not_self", IDENTITY_ARTICLE, "user.not_self", name=name)
    return target


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
        _require_admin(user)
        if s.get(User, name) is not None:
            raise InvalidInput(Msg("user.exists", {"name": name}))
        _require_independent_auditor(name, roles)
        new = User(name=name, roles=",".join(roles), created_at=engine.stamp())
        s.add(new)
        engine._event(s, user, "user_added", None, name=name, roles=roles)
        return new

    return engine._change("user_add", actor, None, {"name": name, "roles": roles}, op)


def set_roles(engine: Engine, name: str, roles: list[str], actor: str | None) -> User:
    """Replace a user's roles (admin only); the event keeps the old and the new roles."""
    name, roles = _check_name(name), _check_roles(roles)

    def op(s: Session, user: User, _dec: object) -> User:
        _require_admin(user)
        target = _target(s, name, user, removes_admin="admin" not in roles)
        old = target.roles.split(",")
        if old == roles:
            raise InvalidInput(Msg("user.roles_unchanged", {"name": name, "roles": ",".join(roles)}))
        _require_independent_auditor(name, roles)
        target.roles = ",".join(roles)
        s.add(target)
        engine._event(s, user, "user_roles_changed", None, name=name, old=old, new=roles)
        return target

    return engine._change("user_role", actor, None, {"name": name, "roles": roles}, op)


def deactivate(engine: Engine, name: str, actor: str | None) -> User:
    """Deactivate a user (admin only): never deleted, their acts stay theirs; later attempts
    as them are refused."""
    name = _check_name(name)

    def op(s: Session, user: User, _dec: object) -> User:
        _require_admin(user)
        target = _target(s, name, user, removes_admin=True)
        if not target.active:
            raise InvalidInput(Msg("user.already_inactive", {"name": name}))
        target.active = False
        s.add(target)
        engine._event(s, user, "user_deactivated", None, name=name, roles=target.roles.split(","))
        return target

    return engine._change("user_deactivate", actor, None, {"name": name}, op)


def list_users(engine: Engine) -> list[User]:
    """Every registered user."""
    engine.db.require()
    with engine.db.session(write=False) as s:
        return list(s.exec(select(User).order_by(col(User.name))).all())
