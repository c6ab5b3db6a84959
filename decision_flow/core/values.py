"""Cleaning what users type: text limits, `name=value` pairs and dates. Typing a value for a
workflow's field is :mod:`decision_flow.definition.values`."""

from __future__ import annotations

from datetime import date

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg

MAX_TEXT = 10_000


def clean_text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    """Refuse control characters, undecodable bytes and oversized values; strip the edges."""
    if len(value) > limit:
        raise InvalidInput(Msg("value.too_long", {"what": what, "limit": limit}))
    if any(ord(c) < 32 and c not in "\t\n" or 0xD800 <= ord(c) <= 0xDFFF or c == "\x7f" for c in value):
        raise InvalidInput(Msg("value.control", {"what": what}))
    return value.strip()


def split_assignment(item: str, option: str) -> tuple[str, str]:
    """Split `name=value`; refuse anything else."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise InvalidInput(Msg("value.assignment", {"item": item[:80], "option": option}))
    return name.strip(), value


def parse_date(text: str, what: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(Msg("value.date", {"what": what, "value": text[:40]})) from None
