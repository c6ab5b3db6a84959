"""One translation function for every message: Chinese when the locale is Chinese
(``DFLOW_LANG=zh`` or ``LANG=zh_CN.UTF-8``), English otherwise.

Messages are carried as :class:`Msg` (a key and its parameters) and rendered late, so the
audit trail can store the English text while a user reads the Chinese. The names a message
carries (a step, a stage, a field) are machine names; inside :func:`naming` a namer (the
presentation's labels) puts them into the reader's words first. The English text of a
message can be read back into its key and parameters (:func:`recognise`), so what the trail
stored in English can be shown in Chinese.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import field
from functools import cache, lru_cache
from typing import Any

from decision_flow.core.lang import language as language  # asked here with the rest; defined apart
from decision_flow.core.messages import MESSAGES
from decision_flow.core.value import Value


class Msg(Value):
    """A message key and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


class Cited(Value):
    """An article a message cites as a parameter ('Art. 26', 'GOB 115 §5'), rendered by :func:`t`
    in the reader's form (第26条), as :func:`article` writes it."""

    text: str


def stored_msg(msg: Msg | str) -> Any:
    """A message as JSON the trail can keep (its key and parameters, nested messages and cited
    articles included), so each reader later sees it in their own language: :func:`read_msg`."""
    if isinstance(msg, str):
        return msg
    return {"key": msg.key, "params": {k: _stored_param(v) for k, v in msg.params.items()}}


def _stored_param(value: Any) -> Any:
    if isinstance(value, Msg):
        return {"msg": stored_msg(value)}
    if isinstance(value, Cited):
        return {"cited": value.text}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_stored_param(v) for v in value]
    return str(value)


def read_msg(data: Any) -> Msg | None:
    """The message :func:`stored_msg` kept; None for anything else (an older event's text)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("key"), str) or data["key"] not in MESSAGES:
        return None
    params = data.get("params")
    if not isinstance(params, Mapping):
        return None
    return Msg(data["key"], {str(k): _read_param(v) for k, v in params.items()})


def _read_param(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"msg"}:
        return read_msg(value["msg"]) or ""
    if isinstance(value, Mapping) and set(value) == {"cited"}:
        return Cited(str(value["cited"]))
    if isinstance(value, list):
        return [_read_param(v) for v in value]
    return value


# (message key, its parameters, language) -> the parameters with names put into that language
Namer = Callable[[str, Mapping[str, Any], str], Mapping[str, Any]]
_namer: ContextVar[Namer | None] = ContextVar("dflow_namer", default=None)


_ARTICLE = re.compile(r"Arts?\. ([0-9–, ]+)")
_PARAGRAPH = re.compile(r" ¶(\d+)")
_ITEM = re.compile(r"条\((\d+)\)")  # 'Art. 64(2)', once rendered '第64条(2)' -> '第64条第（二）项'
# Documents cited by their numbered sections (（一）, （二）, …): the General Office of the State
# Council's opinions and notices, "GOB 115 §5" or "GOB 115 §§5–6".
_DOCUMENTS = {
    "GOB 115": "《国办发〔2018〕115号》",
    "GOB 37": "《国办发〔2018〕37号》",
    "GOB 118": "《国办发〔2018〕118号》",
}
_SECTION = re.compile(r"(GOB \d+)(?: §§?(\d+)(?:–(\d+))?)?")
_NUMERALS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三")
# Laws and regulations cited by a short English name (with the space before their article).
_NAMES = (
    ("Organic Law ", "《地方组织法》"),
    ("Filing Regs ", "《法规规章备案审查条例》"),
    ("provincial rule", "省级规定"),
    ("Petition Regs ", "《信访工作条例》"),
    ("locality's choice", "本地选择"),
    ("Mediation Law ", "《人民调解法》"),
    ("MoJ Mediation Rules ", "司法部《人民调解工作若干规定》"),
    ("CPL ", "《民事诉讼法》"),
    ("Penalty Law ", "《行政处罚法》"),
    ("PIPL ", "《个人信息保护法》"),
    ("Inspection Rules ", "《法治政府建设与责任落实督察工作规定》"),
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
    text = _PARAGRAPH.sub(r"第\1款", text)  # 'Art. 23 ¶2' -> '第23条第2款'
    text = _ARTICLE.sub(lambda m: f"第{m.group(1).replace(', ', '、')}条", text)
    text = _ITEM.sub(
        lambda m: f"条第（{_NUMERALS[int(m.group(1))]}）项" if int(m.group(1)) < len(_NUMERALS) else m.group(0), text
    )
    for english, chinese in _NAMES:
        text = text.replace(english, chinese)
    text = text.replace("Chs. 2–3", "第二章至第三章").replace("Disclosure Regs ", "《政府信息公开条例》")
    return text.replace("Disclosure Regs", "《政府信息公开条例》").replace("; ", "；")


def current_namer() -> Namer | None:
    """The namer of the innermost :func:`naming` block, if any."""
    return _namer.get()


@contextmanager
def naming(namer: Namer) -> Iterator[None]:
    """Within this block, :func:`t` lets `namer` name what a message carries in the reader's
    words before rendering it (the CLI enters one around each command)."""
    token = _namer.set(namer)
    try:
        yield
    finally:
        _namer.reset(token)


def _param(value: Any, lang: str) -> Any:
    if value is None:
        return "—"
    if isinstance(value, Msg):  # a message inside a message, in the same language
        return t(value, lang)
    if isinstance(value, Cited):
        return article(value.text, lang)
    if isinstance(value, bool) and lang == "zh":
        return "是" if value else "否"
    return value


def t(msg: Msg | str, lang: str | None = None) -> str:
    """Render a message in `lang` (default: the user's language)."""
    if isinstance(msg, str):
        return msg
    lang = lang or language()
    templates = MESSAGES.get(msg.key)
    if templates is None:
        return f"{msg.key} {dict(msg.params)}"
    template = templates[1] if lang == "zh" else templates[0]
    namer = _namer.get()
    named = namer(msg.key, msg.params, lang) if namer is not None else msg.params
    params = {k: _param(v, lang) for k, v in named.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return f"{msg.key} {params}"


_PLACEHOLDER = re.compile(r"\{(\w+)(![rs])?\}")


@cache
def _patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """Each message's English template as (key, its longest literal part, pattern), the most
    literal first (so `the decision is {flag}: {field} must be {value}` is tried before
    `{field} must be {value}`); a text without the literal part is not tried against the pattern."""

    def literal(text: str) -> str:
        return re.escape(text.replace("{{", "{").replace("}}", "}"))

    found = []
    for key, (english, _chinese) in MESSAGES.items():
        if key.startswith(("wf.", "report.")):  # a workflow file's problems, the annual report: never in the trail
            continue
        parts, seen, at = [], set(), 0
        for m in _PLACEHOLDER.finditer(english):
            name, conversion = m.group(1), m.group(2)
            group = f"(?P={name})" if name in seen else f"(?P<{name}>.*?)"
            parts += [literal(english[at : m.start()]), f"'{group}'" if conversion == "!r" else group]
            seen.add(name)
            at = m.end()
        parts.append(literal(english[at:]))
        weight = len(_PLACEHOLDER.sub("", english))
        if weight == 0 or "}{" in english:  # only placeholders, or two side by side: no one reading
            continue
        needle = max(_PLACEHOLDER.split(english)[::3], key=len).replace("{{", "{").replace("}}", "}")
        found.append((weight, key, needle, re.compile("".join(parts), re.DOTALL)))
    found.sort(key=lambda item: -item[0])
    return [(key, needle, pattern) for _weight, key, needle, pattern in found]


@lru_cache(maxsize=4096)  # a long trail repeats its refusals' reasons
def recognise(text: str) -> Msg | None:
    """The message whose English rendering `text` is (its parameters as text), or None: how a
    refusal the trail stored in English is shown in Chinese."""
    for key, needle, pattern in _patterns():
        found = pattern.fullmatch(text) if needle in text else None
        if found is not None:
            return Msg(key, found.groupdict())
    return None


def os_error(exc: OSError) -> Msg:
    """What the operating system said, as a message: its own words in English (they are
    English whatever the locale), ours in Chinese for the commonest."""
    name = errno.errorcode.get(exc.errno or 0, "")
    return Msg(f"os.{name}" if f"os.{name}" in MESSAGES else "os.other", {"why": exc.strerror or str(exc)})


def did_you_mean(typed: str, known: list[str]) -> Msg | str:
    """A hint naming the one known name `typed` is closest to (a typo), or nothing."""
    import difflib

    found = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
    return Msg("hint.did_you_mean", {"guess": found[0]}) if found else ""
