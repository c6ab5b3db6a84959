"""What `dflow opinion list` prints: a decision's opinions, each with how it was handled and, for a
reader holding a role in the case's organ, who gave it; then the counts. Every word is a label or
a message of the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from decision_flow.core.i18n import Msg, t
from decision_flow.presentation import labels
from decision_flow.presentation.render import _row, _table, local_time, out


def listed(view: Mapping[str, Any]) -> None:
    """The opinions of one decision, then the counts."""
    out.print(Text(t(Msg("opinion.heading", {"id": view["decision"]})), style="bold"))
    table = _table()
    heads = ("handling.col.no", "opinion.col.received", "handling.col.text", "opinion.col.by")
    for key in (*heads, "handling.col.mark", "handling.col.reason"):
        table.add_column(t(Msg(key, {})), overflow="fold")
    for o in view["opinions"]:
        who = o.get("submitter")
        by = " ".join(v for v in (who or {}).values() if v) if who else ""
        _row(
            table,
            str(o["id"]),
            local_time(o["received_at"])[:16],
            o["text"],
            by or "—",
            labels.opinion_mark(o["mark"]) or "—",
            o["reason"] or "—",
        )
    out.print(table)
    out.print(t(Msg("handling.counts", {"received": view["received"], "adopted": view["adopted"]})))
