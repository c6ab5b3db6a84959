"""One item of an organ's decision-item catalogue (决策事项目录, Decree 713 Art. 3 ¶3), read, locked
and checked: what both the catalogue's own acts (:mod:`decision_flow.engine.catalogue`) and a new
case made from an item (``dflow new --catalogue-item``) need.

Each item is the origin of one case at most. The item's row is locked (``FOR UPDATE`` on a shared
server; SQLite's writers queue anyway) before the cases made from it are looked up, so two
terminals never both make a case from one item, nor remove an item while a case is being made
from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from decision_flow.core.errors import Blocked, NotFound
from decision_flow.core.i18n import Msg
from decision_flow.store.row import rows_as, select_all
from decision_flow.store.rows import CatalogueItem
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.engine.change import Change
    from decision_flow.store.tx import Tx

# Decree 713 Art. 3 ¶3: the decision organ sets its catalogue of major decisions, publishes it
# with the same-level Party committee's consent, and adjusts it as things change.
ARTICLE = "Art. 3"


def load(s: Tx, item_id: int, lock: bool = False) -> CatalogueItem:
    """The item, or NotFound; `lock` takes its row lock (a change that acts on it)."""
    raw = cursor_of(s)
    sql = f"{select_all(CatalogueItem)} WHERE id = ?" + (" FOR UPDATE" if lock and raw.postgres else "")
    found = raw.all(sql, item_id)
    if not found:
        raise NotFound(Msg("catalogue.item_unknown", {"id": item_id}))
    return rows_as(CatalogueItem, found)[0]


def cases_of(s: Tx, item_ids: list[int]) -> dict[int, tuple[int, str, str]]:
    """The case made from each of these items that has one: item -> (case id, stage, status)."""
    if not item_ids:
        return {}
    marks = ", ".join("?" for _ in item_ids)
    rows = cursor_of(s).all(
        f"SELECT catalogue_item, id, stage, status FROM decisions WHERE catalogue_item IN ({marks}) ORDER BY id",
        *item_ids,
    )
    found: dict[int, tuple[int, str, str]] = {}
    for item, case, stage, status in rows:
        found.setdefault(int(item), (int(case), str(stage), str(status)))
    return found


def case_of(s: Tx, item_id: int) -> int | None:
    """The case made from the item, if one was."""
    made = cases_of(s, [item_id]).get(item_id)
    return made[0] if made else None


def take(c: Change, item_id: int, organ: str | None) -> CatalogueItem:
    """The item a new case of `organ` is made from, locked: refused (Art. 3) unless it is on that
    organ's catalogue, still listed, and no other case was made from it; NotFound if none."""
    item = load(c.s, item_id, lock=True)
    if item.organ != organ:
        raise Blocked.because(
            "catalogue_organ",
            ARTICLE,
            "catalogue.item_other_organ",
            id=item_id,
            item_organ=item.organ,
            organ=organ or "—",
        )
    if item.removed_at is not None:
        raise Blocked.because(
            "catalogue_removed",
            ARTICLE,
            "catalogue.item_removed",
            id=item_id,
            reason=item.removed_reason,
        )
    made = case_of(c.s, item_id)
    if made is not None:
        raise Blocked.because("catalogue_used", ARTICLE, "catalogue.item_taken", id=item_id, case=made)
    return item
