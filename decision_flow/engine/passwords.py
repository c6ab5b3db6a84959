"""Passwords for the web pages (``dflow user password``): a salted scrypt hash per user in
``user_passwords``, set by an admin of the user's organ or by the user themself, each setting a
``password_set`` event in the registry's chain (the hash is never in it). The password only opens
a session on the officer's page; a mark made there is still signed with the user's own key, read
from the server's key directory (a key file with a passphrase is used from the terminal instead:
``dflow opinion mark``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from decision_flow.core.articles import IDENTITY_ARTICLE
from decision_flow.core.errors import Forbidden, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.engine.reach import roles_in
from decision_flow.store.row import insert, one_as, select_all, update
from decision_flow.store.rows import User, UserPassword
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.change import Change
    from decision_flow.engine.engine import Engine

LEAST = 10  # characters
N, R, P = 2**14, 8, 1  # scrypt's cost: about 16 MiB and 50 ms a try
MAX_PASSWORD = 1024


def hashed(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$R$P$salt$hash`` (base64) of `password`."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def matches(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` (a :func:`hashed` text) was made from."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = hashlib.scrypt(
            password.encode("utf-8", "surrogatepass")[: MAX_PASSWORD * 4],
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(again, base64.b64decode(digest))


def set_password(engine: Engine, name: str, password: str, actor: str | None) -> None:
    """Set `name`'s password (at least LEAST characters): as an admin of their organ, or as
    themself."""
    if len(password) < LEAST:
        raise InvalidInput(Msg("password.too_short", {"least": LEAST}))
    if len(password) > MAX_PASSWORD or any(ord(ch) < 32 for ch in password):
        raise InvalidInput(Msg("value.control", {"what": "password"}))
    text = hashed(password)

    def op(c: Change) -> None:
        raw = cursor_of(c.s)
        user = one_as(User, raw.one(f"{select_all(User)} WHERE name = ?", name[:100]))
        if user is None or not user.active:
            raise InvalidInput(Msg("user.unknown", {"name": name[:100]}))
        if c.user.name != user.name and "admin" not in roles_in(c.s, c.user, user.organ):
            msg = Msg("organ.not_admin", {"user": c.user.name, "organ": user.organ or ""})
            raise Forbidden(msg, [Reason("role", IDENTITY_ARTICLE, msg)])
        held = one_as(UserPassword, raw.one(f"{select_all(UserPassword)} WHERE name = ?", user.name))
        if held is None:
            insert(raw, UserPassword(name=user.name, hash=text, set_at=c.stamp(), set_by=c.user.name))
        else:
            update(raw, held, hash=text, set_at=c.stamp(), set_by=c.user.name)
        c.event("password_set", name=user.name)

    engine.change("password_set", actor, None, {"name": name[:100]}, op)


def login(engine: Engine, name: str, password: str) -> User | None:
    """The active user `name` if `password` is theirs; None otherwise (which, is not said)."""
    engine.db.require()
    with engine.db.reading() as cur:
        user = one_as(User, cur.one(f"{select_all(User)} WHERE name = ?", name[:100]))
        held = one_as(UserPassword, cur.one(f"{select_all(UserPassword)} WHERE name = ?", name[:100]))
        stored = held.hash if held is not None else hashed("never", b"\0" * 16)  # the same time either way
        ok = matches(password, stored)
        return user if ok and held is not None and user is not None and user.active else None
