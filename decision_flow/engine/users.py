"""Users and their roles (用户与角色). Users are never deleted, only deactivated, so history stays
attributable; every change is an audited event written in the change's own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from decision_flow.core.articles import AUDITOR_ARTICLE, IDENTITY_ARTICLE
from decision_flow.core.errors import Blocked, Forbidden, InvalidInput, NotFound
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text
from decision_flow.definition.workflow import DECIDING_ROLES
from decision_flow.engine.change import Change, reader
from decision_flow.engine.checks import check_name, check_roles
from decision_flow.engine.engine import Engine
from decision_flow.identity import keys
from decision_flow.store.row import insert, one_as, rows_as, select_all, update
from decision_flow.store.rows import Organ, User
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

T = TypeVar("T")


def _containing(text: str) -> str:
    """The pattern of a LIKE (with ``ESCAPE '\\'``) that holds `text` anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _user(s: Tx, name: str) -> User | None:
    return one_as(User, cursor_of(s).one(f"{select_all(User)} WHERE name = ?", name))


def _require_independent_auditor(name: str, roles: list[str]) -> None:
    """An auditor holds no role that changes decisions (admin + auditor is allowed). Blocked, not
    InvalidInput: the roles exist, the combination is what the separation of duties refuses,
    and the attempt is kept in the trail as a refusal."""
    deciding = [r for r in roles if r in DECIDING_ROLES]
    if "auditor" in roles and deciding:
        raise Blocked.because(
            "auditor_independent", AUDITOR_ARTICLE, "user.auditor_independent", name=name, roles=", ".join(deciding)
        )


def _require_admin_of_target(c: Change, target: User) -> None:
    """An admin changes only the users of their organ and those below it."""
    if target.organ is not None and target.organ != c.user.organ:
        c.require_admin(target.organ)


def _target(s: Tx, name: str, actor: User, removes_admin: bool) -> User:
    """The user an admin changes: registered, and not the admin themselves (no one changes their
    own account, so every change has a second person behind it). When the change would leave no
    active admin, that is the reason given."""
    target = _user(s, name)
    if target is None:
        raise NotFound(Msg("user.unknown", {"name": name}))
    if target.name == actor.name:
        others = cursor_of(s).all("SELECT roles FROM users WHERE active AND name <> ?", name)
        if removes_admin and not any("admin" in str(roles).split(",") for (roles,) in others):
            raise Blocked.because("last_admin", IDENTITY_ARTICLE, "user.last_admin", name=name)
        raise Blocked.because("not_self", IDENTITY_ARTICLE, "user.not_self", name=name)
    return target


@dataclass(frozen=True)
class KeyFile:
    """The key a user is registered with: its public half, and where its private half was
    written on this machine (None when the public key was given or the file was there already)."""

    public: str
    signer: keys.Signer | None = None
    pending: Path | None = None
    path: Path | None = None

    @property
    def written(self) -> Path | None:
        return self.path if self.pending else None

    def discard(self) -> None:
        if self.pending:
            self.pending.unlink(missing_ok=True)

    def keep(self, replace: bool = False) -> None:
        if self.pending and self.path:
            keys.commit_file(self.pending, self.path, replace=replace)

    @classmethod
    def made(cls, name: str, path: Path, passphrase: bytes | None) -> KeyFile:
        """A new key pair for `name`, its key file written beside `path` until `keep`."""
        signer = keys.generate(name)
        return cls(signer.public, signer, keys.write_pending(signer, passphrase, path), path)


def _key_for(engine: Engine, name: str, public_key: str | None, passphrase: bytes | None) -> KeyFile:
    """The key to register for `name`: the public key given (the user made the pair on their
    own machine with `dflow key new`), else the key in NAME's key file on this machine, else a
    new pair whose key file is written now, under a temporary name until the change commits."""
    if public_key is not None:
        return KeyFile(keys.parse_public(public_key))
    path = engine.keys.path(name)
    if path.exists():
        signer = keys.load(name, engine.keys.passphrase, path)
        return KeyFile(signer.public, signer)
    return KeyFile.made(name, path, passphrase)


def _require_fresh(s: Tx, public: str, name: str) -> None:
    """A key belongs to one user, once: never one another user holds (their acts would become
    indistinguishable), never one revoked or rotated away (it may be in other hands)."""
    cur = cursor_of(s)
    holder = cur.one("SELECT name FROM users WHERE public_key = ? LIMIT 1", public)
    if holder is not None:
        raise Blocked.because("key_taken", IDENTITY_ARTICLE, "key.taken", name=name, holder=holder[0])
    retired = cur.one(
        "SELECT seq FROM audit_events WHERE action IN ('key_revoked', 'key_rotated') AND data LIKE ? ESCAPE '\\'"
        " LIMIT 1",
        _containing(public),
    )
    if retired is not None:
        raise Blocked.because(
            "key_retired", IDENTITY_ARTICLE, "key.retired", name=name, fingerprint=keys.fingerprint(public)
        )


def _registering(key: KeyFile, change: Callable[[], T], replace: bool = False) -> T:
    """Make `change` (which registers `key`), then put the new key file in place; if the change
    fails, no key file is left behind."""
    try:
        result = change()
    except BaseException:
        key.discard()
        raise
    key.keep(replace)
    return result


def init(
    engine: Engine,
    admin: str | None,
    passphrase: bytes | None = None,
    organ: tuple[str, str, str] | None = None,
) -> bool:
    """Create or upgrade the database; register the first admin, with their key pair, if named,
    in the first organ (`organ`: code, name, level; default the county organ ``main``), which
    their registration creates. Idempotent. An upgraded database whose admin has no key yet gets
    its first key here."""
    import decision_flow.engine.reach as reach

    created = engine.db.init()
    if admin is None:
        return created
    code, organ_name, level = organ or (reach.ROOT, reach.ROOT_NAME, "county")
    code, level = reach.check_code(code), reach.check_level(level)
    name = check_name(admin)
    with engine.db.reading() as cur:
        found = cur.all(f"{select_all(User)} WHERE roles LIKE '%admin%' ORDER BY name LIMIT 1")
        existing = rows_as(User, found)[0] if found else None
        if existing is not None and existing.name != name:
            raise Forbidden(Msg("user.admin_exists", {"name": existing.name}))
        if existing is not None and existing.public_key is not None:
            return created
        if existing is not None and cur.one("SELECT name FROM users WHERE public_key IS NOT NULL LIMIT 1"):
            raise Forbidden(Msg("key.ask_admin", {"name": name}))  # only the chain's first key is self-made
    key = _key_for(engine, name, None, passphrase)
    assert key.signer is not None

    def register() -> None:
        with engine.db.writing() as cur:
            upgraded = _user(cur, name)
            if upgraded is not None and "admin" not in upgraded.roles.split(","):
                raise InvalidInput(Msg("user.exists", {"name": name}))
            found = cur.one("SELECT code FROM organs WHERE parent IS NULL ORDER BY code LIMIT 1")
            root = str(found[0]) if found else None
            if upgraded is None:
                made = User(
                    name=name, roles="admin", created_at=engine.stamp(), public_key=key.public, organ=root or code
                )
                user = insert(cur, made)
            else:
                user = upgraded
                update(cur, user, public_key=key.public, organ=user.organ or root or code)
            assert key.signer is not None
            c = engine.opened(cur, user, key.signer, None)  # the chain's first key signs its own registration
            first = root is None  # the first organ, the root of the tree, is made with its first admin
            if first:
                insert(cur, Organ(code=code, name=organ_name, level=level, parent=None, created_at=engine.stamp()))
            if upgraded is None and first:
                c.event(
                    "user_added",
                    name=name,
                    roles=["admin"],
                    public_key=key.public,
                    organ=code,
                    organ_name=organ_name,
                    organ_level=level,
                )
            elif upgraded is None:
                c.event("user_added", name=name, roles=["admin"], public_key=key.public, organ=user.organ)
            else:
                c.event("key_registered", name=name, public_key=key.public)
            cur.commit()

    _registering(key, register)
    return created


def add(
    engine: Engine,
    name: str,
    roles: list[str],
    actor: str | None,
    public_key: str | None = None,
    passphrase: bytes | None = None,
    organ: str | None = None,
) -> User:
    """Register a user with roles in their organ (default: the admin's own) and their public key
    (an admin of that organ): the key given, else the key in NAME's key file on this machine,
    else a new pair whose key file is written there."""
    import decision_flow.engine.reach as reach

    name, roles = check_name(name), check_roles(roles)
    code = reach.check_code(organ) if organ is not None else None
    engine.key_of(actor)  # an actor that is not clean text is invalid input before any key is made
    key = _key_for(engine, name, public_key, passphrase)

    def op(c: Change) -> User:
        s = c.s
        place = code or c.user.organ
        if place is not None:
            reach.get(s, place)
        c.require_admin(place if place != c.user.organ else None)  # in their own organ: any admin there
        if _user(s, name) is not None:
            raise InvalidInput(Msg("user.exists", {"name": name}))
        _require_independent_auditor(name, roles)
        _require_fresh(s, key.public, name)
        new = User(name=name, roles=",".join(roles), created_at=engine.stamp(), public_key=key.public, organ=place)
        insert(cursor_of(s), new)
        c.event("user_added", name=name, roles=roles, public_key=key.public, organ=place)
        return new

    args = {"name": name, "roles": roles, **({"organ": code} if code else {})}
    return _registering(key, lambda: engine.change("user_add", actor, None, args, op))


def set_roles(engine: Engine, name: str, roles: list[str], actor: str | None) -> User:
    """Replace a user's roles (admin only); the event keeps the old and the new roles."""
    name, roles = check_name(name), check_roles(roles)

    def op(c: Change) -> User:
        s, user = c.s, c.user
        c.require_admin()
        target = _target(s, name, user, removes_admin="admin" not in roles)
        _require_admin_of_target(c, target)
        old = target.roles.split(",")
        if old == roles:
            raise InvalidInput(Msg("user.roles_unchanged", {"name": name, "roles": ",".join(roles)}))
        _require_independent_auditor(name, roles)
        update(cursor_of(s), target, roles=",".join(roles))
        c.event("user_roles_changed", name=name, old=old, new=roles)
        return target

    return engine.change("user_role", actor, None, {"name": name, "roles": roles}, op)


def deactivate(engine: Engine, name: str, actor: str | None) -> User:
    """Deactivate a user (admin only): never deleted, their acts stay theirs; later attempts
    as them are refused."""
    name = check_name(name)

    def op(c: Change) -> User:
        s, user = c.s, c.user
        c.require_admin()
        target = _target(s, name, user, removes_admin=True)
        _require_admin_of_target(c, target)
        if not target.active:
            raise InvalidInput(Msg("user.already_inactive", {"name": name}))
        update(cursor_of(s), target, active=False)
        c.event("user_deactivated", name=name, roles=target.roles.split(","))
        return target

    return engine.change("user_deactivate", actor, None, {"name": name}, op)


def list_users(engine: Engine, actor: str | None = None) -> list[User]:
    """Every registered user, read as `actor` (optional; if named, a registered, active user)."""
    engine.db.require()
    with engine.db.reading() as s:
        reader(s, actor)
        return rows_as(User, s.all(f"{select_all(User)} ORDER BY name"))


# ---------------------------------------------------------------------------- keys


def rotate(engine: Engine, actor: str | None, passphrase: bytes | None = None) -> KeyFile:
    """Replace the acting user's key pair with a new one; the event is signed with the old key,
    and the new key file replaces the old once the change commits."""
    if not actor:  # refused (and recorded) as an act of no one
        return engine.change("key_rotate", actor, None, {}, lambda c: KeyFile(""))
    name = clean_text(actor, "--as", 1000)[:100]
    key = KeyFile.made(name, engine.keys.path(name), passphrase)

    def op(c: Change) -> KeyFile:
        s, user = c.s, c.user
        old = user.public_key
        update(cursor_of(s), user, public_key=key.public)
        c.event("key_rotated", name=user.name, public_key=key.public, previous=old)
        return key

    result = _registering(key, lambda: engine.change("key_rotate", actor, None, {"name": name}, op), replace=True)
    engine.keys.forget(name)
    return result


def issue(
    engine: Engine, name: str, actor: str | None, public_key: str | None = None, passphrase: bytes | None = None
) -> KeyFile:
    """Register a key for a user who has none (a revoked key, or an account from before
    signing) (admin only)."""
    name = check_name(name)
    engine.key_of(actor)
    key = _key_for(engine, name, public_key, passphrase)

    def op(c: Change) -> KeyFile:
        s, user = c.s, c.user
        c.require_admin()
        target = _target(s, name, user, removes_admin=False)
        _require_admin_of_target(c, target)
        if not target.active:
            raise InvalidInput(Msg("user.already_inactive", {"name": name}))
        if target.public_key is not None:
            raise InvalidInput(Msg("key.has_key", {"name": name}))
        _require_fresh(s, key.public, name)
        update(cursor_of(s), target, public_key=key.public)
        c.event("key_registered", name=name, public_key=key.public)
        return key

    return _registering(key, lambda: engine.change("key_issue", actor, None, {"name": name}, op))


def revoke(engine: Engine, name: str, reason: str, actor: str | None) -> str:
    """Revoke a user's key (admin only; a lost or exposed key): they cannot act until an admin
    issues a new one. Returns the revoked key's fingerprint."""
    name = check_name(name)
    reason = clean_text(reason, "--reason", 2000)
    if not reason:
        raise InvalidInput(Msg("key.no_reason", {}))

    def op(c: Change) -> str:
        s, user = c.s, c.user
        c.require_admin()
        target = _target(s, name, user, removes_admin=False)
        _require_admin_of_target(c, target)
        if target.public_key is None:
            raise InvalidInput(Msg("key.none_to_revoke", {"name": name}))
        revoked = target.public_key
        update(cursor_of(s), target, public_key=None)
        c.event("key_revoked", name=name, public_key=revoked, reason=reason)
        return keys.fingerprint(revoked) or ""

    return engine.change("key_revoke", actor, None, {"name": name, "reason": reason[:200]}, op)
