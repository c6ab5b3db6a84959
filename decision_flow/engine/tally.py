"""The counts of public participation (收到意见数、采纳意见数) as the opinions table holds them.

When the consultation page is one of a case's channels (it has received an opinion there or an
officer named the page among the channels), `opinions_received` and `opinions_adopted` are
computed, never typed: every opinion received and every mark writes them into the step's record
in the same transaction (:func:`write_counts`), and a value typed by ``dflow record`` that
disagrees is refused, citing Art. 15 (:func:`settle`). An opinion marked partly adopted counts as
adopted, as the feedback tables governments publish count it. Which step and fields these are is
the procedure's (``Procedure.consultation``); nothing here names them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from decision_flow.core.errors import Blocked, Reason
from decision_flow.core.i18n import Msg
from decision_flow.store.rows import StepRecord
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.definition.workflow import Step
    from decision_flow.engine.change import Change
    from decision_flow.procedures.model import Consultation
    from decision_flow.store.sql import Cursor

ADOPTED = ("adopted", "partly")  # the marks counted as adopted


def counts(raw: Cursor, decision_id: int) -> tuple[int, int]:
    """(received, adopted) of the case's opinions."""
    marks = ", ".join("?" for _ in ADOPTED)
    row = raw.one(
        f"SELECT COUNT(*), SUM(CASE WHEN mark IN ({marks}) THEN 1 ELSE 0 END) FROM opinions WHERE decision_id = ?",
        *ADOPTED,
        decision_id,
    )
    return (int(row[0]), int(row[1] or 0)) if row else (0, 0)


def channels(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    return []


def write_counts(c: Change, cons: Consultation, rec: StepRecord) -> dict[str, Any]:
    """Write the counts, the page among the channels and the days of the page's period that have
    come into the consultation step's record; the fields as written."""
    fields: dict[str, Any] = json.loads(rec.fields)
    received, adopted = counts(cursor_of(c.s), c.dec.id or 0)
    named = channels(fields.get(cons.channels))
    if cons.web_channel not in named:
        named.append(cons.web_channel)
    fields.update({cons.channels: named, cons.received: received, cons.adopted: adopted})
    page = cursor_of(c.s).one("SELECT opens_on, closes_on FROM consultation_pages WHERE decision_id = ?", c.dec.id)
    for name, day in zip((cons.opened, cons.closed), page or (), strict=False):
        if fields.get(name) is None and day <= c.today.isoformat():  # each day of the period once it has come
            fields[name] = day
    c.write_record(rec, fields=json.dumps(fields, ensure_ascii=False, sort_keys=True))
    return fields


def settle(c: Change, step: Step, values: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The values ``dflow record`` writes on `step`: on the consultation step of a case whose
    page is a channel, the counts filled in from the opinions; a typed count that disagrees is
    refused (Blocked, citing the procedure's article)."""
    cons = c.procedure.consultation
    if cons is None or step.name != cons.step:
        return values
    raw = cursor_of(c.s)
    received, adopted = counts(raw, c.dec.id or 0)
    named = channels(values.get(cons.channels, stored.get(cons.channels)))
    page = raw.one("SELECT opens_on, closes_on FROM consultation_pages WHERE decision_id = ?", c.dec.id)
    if received == 0 and page is None and cons.web_channel not in named:
        return values  # the page is no channel of this case: the counts are typed as before
    computed: dict[str, Any] = {cons.received: received, cons.adopted: adopted}
    wrong = [
        Reason(
            "computed_count", cons.article, Msg("opinion.count_typed", {"field": k, "typed": values[k], "counted": n})
        )
        for k, n in computed.items()
        if values.get(k) is not None and values[k] != n
    ]
    if page is not None:  # the period is the page's; each day is recorded once it has come
        for name, day in zip((cons.opened, cons.closed), page, strict=True):
            typed = values.get(name)
            if typed is not None and str(typed) != day:
                wrong.append(
                    Reason(
                        "page_period",
                        cons.article,
                        Msg("opinion.date_typed", {"field": name, "typed": str(typed), "page": day}),
                    )
                )
            elif typed is None and stored.get(name) is None and day <= c.today.isoformat():
                computed[name] = day
    if wrong:
        raise Blocked(Msg("record.refused", {"step": step.name}), wrong)
    return {**values, **computed}
