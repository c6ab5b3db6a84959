"""Personal information (个人信息, PIPL Art. 4) and confidential material as a reader without the
right to them sees it: masked (王** , 138****5678) or withheld (（保密）).

A :class:`Redactor` replaces given strings wherever they occur, in a value of any shape or in a
text (an event's stored data, a summary, a title), so a name recorded in one field is masked in
the free text and refusals that repeat it too. Which strings, and for whom, the engine decides
(:mod:`decision_flow.engine.privacy`); this module only masks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from decision_flow.core.i18n import Msg, t

SHORTEST = 2  # a shorter value is not replaced: it would hit unrelated text


def mask(kind: str, value: str) -> str:
    """`value` masked as personal data of `kind` (one of the workflow's PERSONAL_KINDS): a name
    keeps its first character (王**), a phone number its first three and last four digits
    (138****5678), an ID number its first and last character, an address its first three."""
    value = value.strip()
    if not value:
        return value
    if kind == "phone" and len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if kind == "id_number" and len(value) >= 3:
        return value[0] + "*" * (len(value) - 2) + value[-1]
    if kind == "address":
        return value[:3] + "***"
    return value[0] + "*" * max(len(value) - 1, 2)


def withheld(lang: str) -> str:
    """What stands where confidential material is withheld, in `lang`."""
    return t(Msg("privacy.withheld", {}), lang)


class Redactor:
    """Replaces each of its strings by its stand-in wherever it occurs, longest first."""

    def __init__(self, replacements: Mapping[str, str] | None = None) -> None:
        self.replacements = {k: v for k, v in (replacements or {}).items() if len(k) >= SHORTEST and k != v}
        keys = sorted(self.replacements, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(k) for k in keys)) if keys else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.replacements[m.group(0)], text)

    def value(self, value: Any) -> Any:
        """`value` (a string, or lists and mappings of them) with every string redacted; keys kept."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        return value


NONE = Redactor()
