"""One readable line of an audit event's data (事件摘要), for the terminal (`dflow audit ID`) and
the exports alike. The data itself, as hashed, is never changed: its machine names are put into
the reader's words by :mod:`decision_flow.presentation.labels`, and what a refusal's reasons
say (stored in English) is shown in Chinese to a Chinese reader.

English lines keep the names one types (``proposer_kind=organ_leader``), as a log does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from decision_flow.core.errors import DflowError
from decision_flow.core.i18n import article, language, read_msg
from decision_flow.definition.workflow import Workflow
from decision_flow.presentation import labels

# (the event's data, its workflow, its step, the language, full) -> the line
Summary = Callable[[Mapping[str, Any], Workflow | None, str | None, str, bool], str]


def workflow_of(events: list[Mapping[str, Any]]) -> Workflow | None:
    """The workflow definition of a decision's trail, as its `created` event names it (the
    definition the case was created under; None if unknown)."""
    from decision_flow.engine import definitions

    for event in events[:1]:
        data = event.get("data", {}) if event.get("action") == "created" else {}
        name, version = data.get("workflow"), data.get("workflow_version")
        if isinstance(name, str) and isinstance(version, int):
            try:
                return definitions.viewed(name, version)
            except DflowError:
                return None
    return None


def summary(
    action: str,
    data: Mapping[str, Any],
    wf: Workflow | None,
    at: str | None,
    lang: str | None = None,
    full: bool = False,
) -> str:
    """The event's data in one line in `lang`; `full` (the exports) names evidence files with
    their whole SHA-256, the details of a completed step's marks and a new decision's flags."""
    lang = lang or language()
    shown = _SUMMARIES.get(action)
    if shown is None:
        return json.dumps(data, ensure_ascii=False, sort_keys=True)
    return shown(data, wf, at, lang, full)


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def _because(reason: Any, lang: str) -> str:
    """A reason given for an act, after what it says: `（理由：…）`, ` (…)`."""
    if not reason:
        return ""
    return f"（{labels.word('reason', lang)}：{reason}）" if lang == "zh" else f" ({reason})"


def _recorded(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    step_def = _step(wf, at)
    parts = [
        f"{labels.named(k, labels.field(wf, at, k, lang), lang)}="
        + (labels.value(wf, at, k, v, lang) if lang == "zh" else labels.value(None, None, None, v, lang))
        for k, v in labels.fields(step_def, data.get("fields", {}))
    ]
    for e in data.get("evidence", []):
        kind = str(e.get("kind", ""))
        name = labels.named(kind, labels.evidence(wf, at, kind, lang), lang)
        if full:
            parts.append(f"{labels.word('evidence', lang)} {name} {e.get('name', '')} SHA-256 {e.get('sha256')}")
        else:
            parts.append(f"📎{name} {str(e.get('sha256'))[:12]}")
    return _sep(lang).join(parts)


def _said(kept: Any, text: Any, wf: Workflow | None, at: str | None, lang: str) -> str:
    """A message the trail kept as its key and parameters, in `lang`; an older event's English
    text, read back into its message where one renders it."""
    msg = read_msg(kept)
    return labels.message(msg, wf, at, lang) if msg is not None else labels.stored(str(text or ""), wf, at, lang)


def _refused(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    tried = str(data.get("attempted"))
    reasons = _sep(lang).join(
        f"[{article(str(r.get('article')), lang)}] {_said(r.get('msg'), r.get('detail'), wf, at, lang)}"
        for r in data.get("reasons", [])
    )
    said = reasons or _said(data.get("msg"), data.get("message"), wf, at, lang)
    if lang == "zh":
        return f"{labels.word('attempted', lang)}{labels.attempt(tried, lang)}：{said}"
    return f"{tried}: {said}"


def _moved(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    def where(name: Any) -> str:
        return labels.named(str(name), labels.stage(wf, str(name), lang), lang) if name else ""

    return f"{where(data.get('from'))} → {where(data.get('to'))}{_because(data.get('reason'), lang)}"


def _created(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    name, version = str(data.get("workflow")), data.get("workflow_version")
    if lang != "zh":
        return f"{data.get('title')} [{name} v{version}]"
    flags = labels.flags(wf, [str(f) for f in data.get("flags", [])], lang)
    shown = f"{labels.workflow(wf, name, lang)} {labels.word('version_of', lang, version=version)}"
    return f"{data.get('title')}（{shown}）" + (f" {labels.word('flags', lang)}：{flags}" if full and flags else "")


def _waived(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    ref, reason = data.get("reference"), data.get("reason")
    if lang != "zh":
        return f"{reason}" + (f" (ref. {ref})" if ref else "")
    return f"{labels.word('reason', lang)}：{reason}" + (f"（{labels.word('reference', lang)} {ref}）" if ref else "")


def _withdrawn(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    kind = labels.evidence(wf, at, str(data.get("kind")), lang)
    said = f"{kind} {data.get('name')} ({str(data.get('sha256'))[:12]})"
    if lang != "zh":
        return f"{said}: {data.get('reason')}"
    return f"{said}；{labels.word('reason', lang)}：{data.get('reason')}"


def _flag_changed(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    flag, reopened = str(data.get("flag")), data.get("reopened") or []
    if lang != "zh":
        return f"{'+' if data.get('value') else '−'}{flag}: {data.get('reason')}" + (
            f" → {', '.join(reopened)}" if reopened else ""
        )
    verb = labels.word("flag_set" if data.get("value") else "flag_cleared", lang)
    again = labels.join((labels.step(wf, str(s), lang) for s in reopened), lang)
    return f"{verb} {labels.flag(wf, flag, lang)}：{data.get('reason')}" + (
        f"；{labels.word('reopened', lang)}：{again}" if again else ""
    )


def _completed(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    bits = [_outcome(data, wf, lang)] if data.get("outcome") else []
    for m in data.get("marks", []):
        if full:
            bits.append(
                f"[{article(str(m.get('article')), lang)}] {_said(m.get('msg'), m.get('detail'), wf, at, lang)}"
            )
        else:
            bits.append(labels.named(str(m.get("rule")), labels.mark(str(m.get("rule")), lang), lang))
    return (_sep(lang) if lang == "zh" else ", ").join(bits)


def _outcome(data: Mapping[str, Any], wf: Workflow | None, lang: str) -> str:
    value = str(data.get("outcome"))
    if lang != "zh":
        return f"outcome={value}"
    return f"{labels.word('outcome', lang)}：{labels.choice(wf, value, lang)}"


def _user(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    colon = "：" if lang == "zh" else ": "
    name = data.get("name")
    if "old" in data or "new" in data:  # roles changed
        return f"{name}{colon}{_roles(data.get('old'), lang)} → {_roles(data.get('new'), lang)}"
    return f"{name}{colon}{_roles(data.get('roles'), lang)}"


# What an act of a decision's life says, in the order shown: (data key, word key, a life value?)
_LIFE_PARTS = (
    ("report", "life_report", False),
    ("problems", "life_problems", False),
    ("feedback", "life_feedback", False),
    ("source", "life_source", False),
    ("ground", "life_ground", True),
    ("evaluator", "life_evaluator", False),
    ("due_on", "life_due_on", False),
    ("conclusion", "life_conclusion", True),
    ("public_opinions", "life_public_opinions", False),
    ("expert_opinions", "life_expert_opinions", False),
    ("adjustment", "life_adjustment", True),
    ("case", "life_case", False),
    ("by", "life_by", False),
    ("title", "life_title", False),
    ("reason", "reason", False),
)


def _life(data: Mapping[str, Any], lang: str, full: bool) -> str:
    """An act of a decided case's life: what was reported, decided or found, in the reader's words."""
    colon = "：" if lang == "zh" else ": "
    parts = [
        f"{labels.word(word, lang)}{colon}{labels.life(str(data[key]), lang) if is_value else data[key]}"
        for key, word, is_value in _LIFE_PARTS
        if data.get(key) is not None
    ]
    for e in data.get("evidence", []):
        shown = e.get("sha256") if full else str(e.get("sha256", ""))[:12]
        parts.append(f"📎{labels.word('life_' + str(e.get('kind')), lang)} {e.get('name', '')} {shown}")
    return _sep(lang).join(parts)


def _organ(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    """An organ added: its code, name and level, under which organ."""
    level = labels.level(str(data.get("level")), lang)
    under = "上级：" if lang == "zh" else "under "
    return (
        f"{data.get('code')}{'：' if lang == 'zh' else ': '}{data.get('name')} ({level}, {under}{data.get('parent')})"
    )


def _membership(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    """Roles in another organ: the user, the organ, the roles before and after."""
    colon = "：" if lang == "zh" else ": "
    old, new = _roles(data.get("old"), lang), _roles(data.get("new"), lang)
    return f"{data.get('name')} @ {data.get('organ')}{colon}{old} → {new}"


def _roles(given: Any, lang: str) -> str:
    names = [str(r) for r in given] if isinstance(given, list) else []
    return labels.roles(names, lang) if lang == "zh" else ", ".join(names)


def _key(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    from decision_flow.identity.keys import fingerprint

    public = data.get("public_key")
    key = fingerprint(public) if isinstance(public, str) else None
    return f"{data.get('name')}{'：' if lang == 'zh' else ': '}{key or '—'}{_because(data.get('reason'), lang)}"


def _catalogue(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    """An act on an organ's decision-item catalogue: which catalogue, then the item (its title,
    unit and planned date when added), the consent, or the publication."""
    zh = lang == "zh"
    where = f"{data.get('organ')} {data.get('year')}{'年度目录' if zh else ''}{'：' if zh else ': '}"
    if "item" in data:
        made = f"#{data.get('item')} {data.get('title')}"
        if "planned_on" in data:
            unit, planned = data.get("undertaking_unit"), labels.day(str(data.get("planned_on")), lang)
            made += f"（{unit}，{planned}）" if zh else f" ({unit}, {planned})"
        return where + made + _because(data.get("reason"), lang)
    if "items" in data:
        listed = data.get("items")
        count = len(listed) if isinstance(listed, list) else 0
        on = labels.day(str(data.get("on")), lang)
        return where + (f"{on} 公布，共 {count} 项" if zh else f"published {on}, {count} item(s)")
    return where + f"{data.get('body')} {labels.day(str(data.get('on')), lang)}"


def _activity(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    """An activity recorded or withdrawn: the organ, the activity (its kind, title and date), the
    people and materials counted and the village when recorded, the reason when withdrawn."""
    zh = lang == "zh"
    kind = labels.activity_kind(str(data.get("kind")), lang)
    title = f" {data.get('title')}" if data.get("title") else ""
    line = f"{data.get('organ')}{'：' if zh else ': '}#{data.get('activity')} {kind}{title} "
    line += labels.day(str(data.get("held_on")), lang)
    if "reason" in data:
        return line + _because(data.get("reason"), lang)
    parts = [f"{data.get('count')} 人（次）" if zh else f"{data.get('count')} people"]
    if data.get("materials") is not None:
        parts.append(f"发放资料 {data.get('materials')} 份" if zh else f"{data.get('materials')} materials")
    if data.get("village"):
        parts.append(f"{labels.word('village', lang)}{'：' if zh else ' '}{data.get('village')}")
    for e in data.get("evidence", []):
        shown = e.get("sha256") if full else str(e.get("sha256", ""))[:12]
        parts.append(f"📎{e.get('name', '')} {shown}")
    return line + ("，" if zh else ", ") + _sep(lang).join(parts)


def _opinion(data: Mapping[str, Any], wf: Workflow | None, at: str | None, lang: str, full: bool) -> str:
    """A public opinion received (its id, length and hash: never who gave it) or marked (how,
    and why); a file shown on the consultation page."""
    zh = lang == "zh"
    sha = str(data.get("sha256", ""))
    shown = sha if full else sha[:12]
    if "mark" in data:
        line = f"#{data.get('opinion_id')} {labels.opinion_mark(str(data.get('mark')), lang)}"
        return line + _because(data.get("reason"), lang)
    if "opinion_id" in data:
        chars = f"{data.get('chars')} 字" if zh else f"{data.get('chars')} characters"
        return f"#{data.get('opinion_id')}{'，' if zh else ', '}{chars} {shown}"
    return f"📎{data.get('name', '')} {shown}"


def _step(wf: Workflow | None, at: str | None) -> Any:
    if wf is None or at is None:
        return None
    try:
        return wf.step(at)
    except DflowError:
        return None


_SUMMARIES: dict[str, Summary] = {
    "recorded": _recorded,
    "refused": _refused,
    "advanced": _moved,
    "returned": _moved,
    "created": _created,
    "waived": _waived,
    "withdrawn": _withdrawn,
    "flag_changed": _flag_changed,
    "completed": _completed,
    "rejected": lambda data, wf, at, lang, full: _outcome(data, wf, lang),
    "stays": lambda data, wf, at, lang, full: _outcome(data, wf, lang),
    "user_added": _user,
    "user_roles_changed": _user,
    "user_deactivated": _user,
    "key_registered": _key,
    "key_rotated": _key,
    "key_revoked": _key,
    "organ_added": _organ,
    "membership_changed": _membership,
    "implementation_reported": lambda data, wf, at, lang, full: _life(data, lang, full),
    "tracking_feedback": lambda data, wf, at, lang, full: _life(data, lang, full),
    "suspended": lambda data, wf, at, lang, full: _life(data, lang, full),
    "resumed": lambda data, wf, at, lang, full: _life(data, lang, full),
    "evaluation_started": lambda data, wf, at, lang, full: _life(data, lang, full),
    "evaluation_reported": lambda data, wf, at, lang, full: _life(data, lang, full),
    "adjustment_opened": lambda data, wf, at, lang, full: _life(data, lang, full),
    "superseded": lambda data, wf, at, lang, full: _life(data, lang, full),
    "stopped": lambda data, wf, at, lang, full: _life(data, lang, full),
    "catalogue_item_added": _catalogue,
    "catalogue_item_removed": _catalogue,
    "catalogue_consented": _catalogue,
    "catalogue_published": _catalogue,
    "activity_added": _activity,
    "activity_withdrawn": _activity,
    "page_opened": lambda data, wf, at, lang, full: f"{data.get('opens_on')} – {data.get('closes_on')}",
    "opinion_received": _opinion,
    "opinion_marked": _opinion,
    "file_published": _opinion,
    "password_set": lambda data, wf, at, lang, full: str(data.get("name")),
}
