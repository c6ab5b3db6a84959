"""Rows of the tables as plain objects, read and written with plain SQL through a driver's
cursor (:class:`decision_flow.store.sql.Cursor`). Standard library only: the commands that read
and change cases load no ORM (issue 17).

Each table's row class (`decision_flow.store.rows`) is generated from its SQLModel class in
`decision_flow.store.models`, which stays the one definition of the schema (with Alembic's
migrations): same name, same columns, same defaults. Statements built here name only those
columns; a driver error is the cursor's (`Cursor.fault`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from decision_flow.store.sql import Cursor

M = TypeVar("M")


class Row:
    """One row of a table: its columns as attributes (``__slots__``), in the table's order."""

    __slots__ = ()
    TABLE: ClassVar[str] = ""
    KEY: ClassVar[tuple[str, ...]] = ()
    BOOLEANS: ClassVar[tuple[int, ...]] = ()  # positions of the boolean columns (SQLite keeps 0 and 1)
    SERIAL: ClassVar[bool] = False  # its key is an integer `id` the database assigns

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.values() == other.values()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in columns(type(self)))
        return f"{type(self).__name__}({shown})"

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in columns(type(self)))

    def model_dump(self) -> dict[str, Any]:
        """The columns by name (as a model instance gives them)."""
        return {name: getattr(self, name) for name in columns(type(self))}


def _meta(model: Any) -> type[Row]:
    if not (isinstance(model, type) and issubclass(model, Row)):
        raise TypeError(f"{model!r} is not a row class of decision_flow.store.rows")
    return model


def columns(model: type[Any]) -> tuple[str, ...]:
    names: tuple[str, ...] = _meta(model).__slots__
    return names


def rows_as(model: type[M], rows: list[tuple[Any, ...]]) -> list[M]:
    """Row objects from rows of all of `model`'s columns, in order (booleans made bool)."""
    cls = _meta(model)
    names, booleans, new = columns(cls), cls.BOOLEANS, object.__new__
    made: list[Any] = []
    for row in rows:
        values: list[Any] | tuple[Any, ...] = row
        if booleans:  # SQLite keeps booleans as 0 and 1
            values = [bool(v) if i in booleans and v is not None else v for i, v in enumerate(row)]
        obj = new(cls)
        for name, value in zip(names, values, strict=True):
            setattr(obj, name, value)
        made.append(obj)
    return made


def one_as(model: type[M], row: tuple[Any, ...] | None) -> M | None:
    """The row object of `row` (None for none)."""
    return rows_as(model, [row])[0] if row is not None else None


@lru_cache(maxsize=64)
def select_all(model: type[Any]) -> str:
    """``SELECT <every column> FROM <table>``, to be followed by a WHERE clause."""
    cls = _meta(model)
    return f"SELECT {', '.join(columns(cls))} FROM {cls.TABLE}"


_MADE: dict[tuple[Any, ...], Any] = {}  # statements made, by what they were made of


def _update_sql(cls: type[Row], names: tuple[str, ...], guard: str | None) -> str:
    made: str | None = _MADE.get((cls, names, guard))
    if made is None:
        where = " AND ".join(f"{k} = ?" for k in cls.KEY) + (f" AND {guard} = ?" if guard else "")
        made = _MADE[(cls, names, guard)] = (
            f"UPDATE {cls.TABLE} SET {', '.join(f'{c} = ?' for c in names)} WHERE {where}"
        )
    return made


def update(cur: Cursor, obj: Any, guard: tuple[str, Any] | None = None, **changes: Any) -> int:
    """UPDATE `obj`'s row (by its key, and `guard` column = value if given) to `changes`; the
    object then holds them. The number of rows changed (0 when the guard no longer holds)."""
    cls = _meta(type(obj))
    sql = _update_sql(cls, tuple(changes), guard[0] if guard else None)
    params = (*changes.values(), *(getattr(obj, k) for k in cls.KEY), *((guard[1],) if guard else ()))
    count = cur.run(sql, *params)
    if count == 1:
        for name, value in changes.items():
            setattr(obj, name, value)
    return count


def _insert_sql(cls: type[Row], serial: bool) -> tuple[str, tuple[str, ...]]:
    made: tuple[str, tuple[str, ...]] | None = _MADE.get((cls, serial))
    if made is None:
        names = tuple(n for n in columns(cls) if not (serial and n == "id"))
        sql = f"INSERT INTO {cls.TABLE} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        made = _MADE[(cls, serial)] = (sql, names)
    return made


def insert(cur: Cursor, obj: M) -> M:
    """INSERT `obj` as a new row; one of a table keyed by a serial `id` and given none gets the
    id the database assigns."""
    cls = _meta(type(obj))
    serial = cls.SERIAL and obj.id is None  # type: ignore[attr-defined]
    sql, names = _insert_sql(cls, serial)
    params = tuple(getattr(obj, n) for n in names)
    if serial:
        obj.id = cur.insert(sql, *params)  # type: ignore[attr-defined]
    else:
        cur.run(sql, *params)
    return obj
