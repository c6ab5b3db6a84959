"""The reader's language, on its own: the command line asks it before anything else (to draw
``--help`` in Chinese or not) and must not load the message catalogue to know it."""

from __future__ import annotations

import os


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
