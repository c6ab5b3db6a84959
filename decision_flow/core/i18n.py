"""One translation function for every message: Chinese when the locale is Chinese
(``DFLOW_LANG=zh`` or ``LANG=zh_CN.UTF-8``), English otherwise.

Messages are carried as :class:`Msg` (a key and its parameters) and rendered late, so the
audit trail can store the English text while a user reads the Chinese.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from decision_flow.core.messages import MESSAGES


@dataclass(frozen=True)
class Msg:
    """A message key and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def language() -> str:
    """'zh' or 'en', from DFLOW_LANG, then LC_ALL, LC_MESSAGES, LANG."""
    explicit = os.environ.get("DFLOW_LANG", "").lower()
    if explicit:
        return "zh" if explicit.startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


_ARTICLE = re.compile(r"Arts?\. ([0-9–, ]+)")


def article(text: str, lang: str | None = None) -> str:
    """An article citation in the reader's language: 'Art. 26' -> '第26条'."""
    if (lang or language()) != "zh":
        return text
    text = _ARTICLE.sub(lambda m: f"第{m.group(1).replace(', ', '、')}条", text)
    return text.replace("Chs. 2–3", "第二章至第三章").replace("Disclosure Regs", "《政府信息公开条例》")


def t(msg: Msg | str, lang: str | None = None) -> str:
    """Render a message in `lang` (default: the user's language)."""
    if isinstance(msg, str):
        return msg
    lang = lang or language()
    templates = MESSAGES.get(msg.key)
    if templates is None:
        return f"{msg.key} {dict(msg.params)}"
    template = templates[1] if lang == "zh" else templates[0]
    params = {k: ("—" if v is None else v) for k, v in msg.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return f"{msg.key} {params}"
