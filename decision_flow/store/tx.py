"""A transaction as the engine's reads and changes take it: an ORM session's, or one through the
driver alone (:class:`decision_flow.store.sql.Cursor`), and the cursor of either."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from decision_flow.store.sql import Cursor

if TYPE_CHECKING:
    from sqlmodel import Session

Tx: TypeAlias = "Session | Cursor"


def cursor_of(tx: Tx) -> Cursor:
    """The cursor of transaction `tx`: itself, or the one on an ORM session's connection
    (`decision_flow.store.rawsql.Raw`, which loads SQLAlchemy: only a session has it loaded)."""
    if isinstance(tx, Cursor):
        return tx
    from decision_flow.store.rawsql import Raw

    return Raw(tx)
