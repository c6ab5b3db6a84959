"""Personal information (个人信息, PIPL Art. 4) and confidential material as a reader without the
right to them sees it: masked (王** , 138****5678) or withheld (（保密）).

A :class:`Redactor` replaces given strings wherever they occur, in a value of any shape or in a
text (an event's stored data, a summary, a title), so a name recorded in one field is masked in
the free text and refusals that repeat it too. Which strings, and for whom, the engine decides
(:mod:`decision_flow.engine.privacy`); this module only masks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
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
    """Replaces each of its strings by its stand-in wherever it occurs, longest first; and the
    whole value of each field in `withheld` (e.g. user names, too short and common to be found by
    their text), wherever it is recorded: as a mapping's key, or typed as ``field=value``."""

    def __init__(
        self, replacements: Mapping[str, str] | None = None, withheld: Iterable[str] = (), stand_in: str = ""
    ) -> None:
        self.replacements = {k: v for k, v in (replacements or {}).items() if len(k) >= SHORTEST and k != v}
        self.withheld, self.stand_in = frozenset(withheld), stand_in
        keys = sorted(self.replacements, key=len, reverse=True)
        typed = [rf"(?<=\b{re.escape(name)}=)[^\"]+" for name in sorted(self.withheld)]
        alternatives = typed + [re.escape(k) for k in keys]
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.replacements.get(m.group(0), self.stand_in), text)

    def value(self, value: Any) -> Any:
        """`value` (a string, or lists and mappings of them) with every string redacted and each
        withheld field's value replaced whole; keys kept."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, Mapping):
            return {k: self.stand_in if k in self.withheld else self.value(v) for k, v in value.items()}
        return value

    def data(self, stored: str) -> str:
        """An event's stored data (canonical JSON) as a reader without the right sees it."""
        if self._pattern is None:
            return stored
        return json.dumps(self.value(json.loads(stored)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


NONE = Redactor()
