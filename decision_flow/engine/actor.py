"""Who is acting: the proof that the acting user holds their own registered key, and a change the
database login itself may not make. Both are permission denied (exit 5), with the basis cited."""

from __future__ import annotations

from decision_flow.core.articles import IDENTITY_ARTICLE
from decision_flow.core.errors import DflowError, Forbidden, Reason
from decision_flow.core.i18n import Msg
from decision_flow.identity.keys import Signer
from decision_flow.store.rows import User


def prove(user: User, key: Signer | DflowError | None) -> Signer:
    """The actor's key, if it is the one registered for them; acting without it is
    impersonation (exit 5)."""
    if user.public_key is None:
        raise Forbidden(
            Msg("key.none", {"name": user.name}),
            [Reason("signature", IDENTITY_ARTICLE, Msg("key.none", {"name": user.name}))],
        )
    if isinstance(key, DflowError):
        raise key
    if key is None or key.public != user.public_key:
        msg = Msg("key.mismatch", {"name": user.name})
        raise Forbidden(msg, [Reason("signature", IDENTITY_ARTICLE, msg)])
    return key


def denied_by_database(exc: Exception) -> Exception:
    """A change the database login may not make (PostgreSQL grants, SQLSTATE 42501: the
    driver's error, or SQLAlchemy's around it) is permission denied (exit 5), not a bug; any
    other error is passed on."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) != "42501":
        return exc
    msg = Msg("db.denied", {"error": str(orig).splitlines()[0][:200]})
    return Forbidden(msg, [Reason("database_grant", IDENTITY_ARTICLE, msg)])
