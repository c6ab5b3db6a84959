"""What `dflow activity list` prints: the year's activities (a withdrawn one marked, with when and
why), then what the annual report counts per kind, with the ids behind each figure. Every word is
a label or a message of the catalogue, so a Chinese reader reads Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from decision_flow.core.i18n import Msg, t
from decision_flow.presentation import labels
from decision_flow.presentation.lines import message
from decision_flow.presentation.render import _row, _table, local_time, out


def register(view: Mapping[str, Any]) -> None:
    """The register of a year, then its totals."""
    word = labels.word
    out.print(Text(t(Msg("activity.heading", {"year": view["year"]})), style="bold"))
    if not view["activities"]:
        message(t(Msg("activity.none", {"year": view["year"]})))
    else:
        table = _table()
        heads = ("activity", "organ", "activity_kind", "held_on", "activity_title", "participants", "materials")
        for key in (*heads, "village", "note"):
            table.add_column(word(key), overflow="fold")
        for a in view["activities"]:
            note = a["notes"] or "—"
            if a["withdrawn"] is not None:
                at = labels.day(local_time(a["withdrawn"]["at"])[:10])
                note = t(Msg("activity.withdrawn_mark", {"at": at, "reason": a["withdrawn"]["reason"]}))
            _row(
                table,
                str(a["id"]),
                a["organ"],
                labels.activity_kind(a["kind"]),
                labels.day(a["held_on"]),
                a["title"] or "—",
                str(a["count"]),
                "—" if a["materials"] is None else str(a["materials"]),
                a["village"] or "—",
                note,
            )
        out.print(table)
    out.print(Text(t(Msg("activity.totals")), style="bold"))
    totals = _table()
    for key in ("activity_kind", "activities", "participants", "materials", "ids"):
        totals.add_column(word(key), overflow="fold")
    for kind, figures in view["totals"].items():
        ids = ", ".join(str(i) for i in figures["ids"]) or "—"
        counted = (str(figures[k]) for k in ("activities", "count", "materials"))
        _row(totals, labels.activity_kind(kind), *counted, ids)
    out.print(totals)
