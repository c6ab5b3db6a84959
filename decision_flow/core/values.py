"""Cleaning what users type: text limits, `name=value` pairs and dates. Typing a value for a
workflow's field is :mod:`decision_flow.definition.values`."""

from __future__ import annotations

import re
from datetime import date

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg

MAX_TEXT = 10_000
# What a Chinese input method types for digits, the hyphen of a date and a colon: read as ASCII,
# the same way everywhere a number, an id, a date or a `name:stance` is typed.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９－：", "0123456789-:")
# How Chinese writers separate the items of a list: commas (full or half width), the enumeration
# comma 、, semicolons and line breaks.
LIST_SEPARATORS = re.compile(r"[,，、;；\n]")
# control characters but tab and newline, DEL, and lone surrogates (undecodable bytes): one
# search, not a test per character (every change checks its user's name and each value typed)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]").search


def half_width(text: str) -> str:
    """`text` with full-width digits, hyphen and colon read as their ASCII forms."""
    return text.translate(_HALF_WIDTH)


def split_list(text: str) -> list[str]:
    """The items of a list as typed, on any separator Chinese writers use; empty items dropped."""
    return [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]


def clean_text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    """Refuse control characters, undecodable bytes and oversized values; strip the edges."""
    if len(value) > limit:
        raise InvalidInput(Msg("value.too_long", {"what": what, "limit": limit}))
    if _CONTROL(value):
        raise InvalidInput(Msg("value.control", {"what": what}))
    return value.strip()


def split_assignment(item: str, option: str) -> tuple[str, str]:
    """Split `name=value`; refuse anything else."""
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise InvalidInput(Msg("value.assignment", {"item": item[:80], "option": option}))
    return name.strip(), value


def parse_date(text: str, what: str) -> date:
    text = half_width(text)
    try:
        if len(text) != 10 or not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(Msg("value.date", {"what": what, "value": text[:40]})) from None
