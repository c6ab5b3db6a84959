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
# Documents cited by their numbered sections (（一）, （二）, …): the General Office of the State
# Council's opinions and notices, "GOB 115 §5" or "GOB 115 §§5–6".
_DOCUMENTS = {"GOB 115": "《国办发〔2018〕115号》", "GOB 37": "《国办发〔2018〕37号》"}
_SECTION = re.compile(r"(GOB \d+)(?: §§?(\d+)(?:–(\d+))?)?")
_NUMERALS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
# Laws and regulations cited by a short English name (with the space before their article).
_NAMES = (
    ("Organic Law ", "《地方组织法》"),
    ("Filing Regs ", "《法规规章备案审查条例》"),
    ("provincial rule", "省级规定"),
)


def _section(m: re.Match[str]) -> str:
    """'GOB 115 §§5–6' -> '《国办发〔2018〕115号》第（五）至（六）项'."""
    doc = _DOCUMENTS.get(m.group(1))
    if doc is None:
        return m.group(0)
    numbers = [int(n) for n in m.groups()[1:] if n]
    if not numbers or any(n >= len(_NUMERALS) for n in numbers):
        return doc if not numbers else m.group(0)
    return doc + "第" + "至".join(f"（{_NUMERALS[n]}）" for n in numbers) + "项"


def article(text: str, lang: str | None = None) -> str:
    """An article citation in the reader's language: 'Art. 26' -> '第26条', 'GOB 115 §7' ->
    '《国办发〔2018〕115号》第（七）项', 'Organic Law Art. 75' -> '《地方组织法》第75条'."""
    if (lang or language()) != "zh":
        return text
    text = _SECTION.sub(_section, text)
    text = _ARTICLE.sub(lambda m: f"第{m.group(1).replace(', ', '、')}条", text)
    for english, chinese in _NAMES:
        text = text.replace(english, chinese)
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
    params = {k: ("—" if v is None else t(v, lang) if isinstance(v, Msg) else v) for k, v in msg.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return f"{msg.key} {params}"
