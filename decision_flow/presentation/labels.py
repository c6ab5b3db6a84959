"""Labels (标签): the word a person reads for each machine name, in their language, for every
output a person reads (the terminal and the exports); ``--json`` and the trail keep the names.

Generic words (actions, statuses, roles, attempted commands, column heads) come from
:mod:`decision_flow.core.labels`; a procedure's own (stages, steps, fields, evidence kinds,
flags and enum values) from its workflow: ``title = {zh, en}`` and the ``[choices]`` table.
Every function takes the workflow (None when it is not known: a name is then labelled if every
shipped workflow labels it alike) and the language (default: the reader's).

:func:`namer` puts the names a message carries into Chinese (``step public_participation`` ->
``步骤 公众参与``); English messages keep the names one types on the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from decision_flow.core import labels as catalogue
from decision_flow.core.errors import DflowError
from decision_flow.core.i18n import Msg, Namer, current_namer, language, naming, recognise, t
from decision_flow.definition.workflow import FieldDef, Step, Title, Workflow


def _lang(lang: str | None) -> str:
    return lang or language()


def _pick(pairs: catalogue.Pairs, name: str, lang: str | None) -> str:
    pair = pairs.get(name)
    if pair is None:
        return name
    return pair[1] if _lang(lang) == "zh" else pair[0]


# ---------------------------------------------------------------------------- generic words


def word(key: str, lang: str | None = None, **params: Any) -> str:
    """A word of the outputs (a column head, a label of the exports), its `params` filled in."""
    text = _pick(catalogue.WORDS, key, lang)
    return text.format(**params) if params else text


def action(name: str, lang: str | None = None) -> str:
    """What an audit event did (`created`, `refused`, …)."""
    return _pick(catalogue.ACTIONS, name, lang)


def status(name: str, lang: str | None = None) -> str:
    """A decision's or a step's status."""
    return _pick(catalogue.STATUSES, name, lang)


def role(name: str, lang: str | None = None) -> str:
    return _pick(catalogue.ROLES, name, lang)


def roles(names: Iterable[str] | str, lang: str | None = None) -> str:
    """Roles as one text; a text of names may be comma separated (as `users.roles` is)."""
    items = names.split(",") if isinstance(names, str) else names
    return join((role(n.strip(), lang) for n in items if n.strip()), lang)


def attempt(name: str, lang: str | None = None) -> str:
    """What a refused attempt tried (the command behind a `refused` event)."""
    return _pick(catalogue.ATTEMPTS, name, lang)


def mark(name: str, lang: str | None = None) -> str:
    """A mark a completed step carries (e.g. `late`)."""
    return _pick(catalogue.MARKS, name, lang)


def field_type(name: str, lang: str | None = None) -> str:
    return _pick(catalogue.FIELD_TYPES, name, lang)


def waiver(policy: str, flag_shown: str = "", lang: str | None = None) -> str:
    """When a step may be waived: its policy, with the flag it names as shown."""
    return _pick(catalogue.WAIVERS, policy, lang).format(flag=flag_shown)


def life(name: str, lang: str | None = None) -> str:
    """A decided case's life (in force, suspended, …), an evaluation's ground or conclusion."""
    return _pick(catalogue.LIFE, name, lang)


def opinion_mark(name: str | None, lang: str | None = None) -> str:
    """How a public opinion was handled (采纳, 部分采纳, 不予采纳); '' when not yet marked."""
    return _pick(catalogue.OPINION_MARKS, name, lang) if name else ""


def activity_kind(name: str, lang: str | None = None) -> str:
    """A kind of rule-of-law activity (集中学法, 普法宣传活动, …)."""
    return _pick(catalogue.ACTIVITY_KINDS, name, lang)


def level(name: str, lang: str | None = None) -> str:
    """A workflow's or an organ's level."""
    return _pick(catalogue.ORGAN_LEVELS, name, lang)


def named(name: str, label: str, lang: str | None = None) -> str:
    """`label` in Chinese; in English the name itself, where English readers type the names
    back (``--stage drafting``, ``--set opened_on=…``) or read them in the trail's log lines."""
    return label if _lang(lang) == "zh" else name


def join(items: Iterable[str], lang: str | None = None) -> str:
    """Items in a row: 、 between them in Chinese (；when an item holds a 、 itself, as
    专业性、技术性较强 does), a comma in English."""
    items = list(items)
    if _lang(lang) != "zh":
        return ", ".join(items)
    return ("；" if any("、" in item for item in items) else "、").join(items)


# ---------------------------------------------------------------------------- a procedure's words


def _workflows(wf: Workflow | None) -> list[Workflow]:
    if wf is not None:
        return [wf]
    from decision_flow.procedures import registry

    try:
        return list(registry().values())
    except DflowError:  # a broken workflow file: names stay names
        return []


def _one(titles: Iterable[Title]) -> Title | None:
    """The title every candidate agrees on, if they agree."""
    found = set(titles)
    return found.pop() if len(found) == 1 else None


def _titled(title: Title | None, name: str, lang: str | None) -> str:
    return title.get(_lang(lang)) if title is not None else name


def workflow(wf: Workflow | None, name: str, lang: str | None = None) -> str:
    """A workflow's title, by name."""
    return _titled(_one(w.title for w in _workflows(wf) if w.name == name), name, lang)


def stage(wf: Workflow | None, name: str, lang: str | None = None) -> str:
    """A stage's title; the end states (archived, rejected) by their status."""
    found = _one(s.title for w in _workflows(wf) for s in w.stages if s.name == name)
    if found is None and name in catalogue.STATUSES:
        return status(name, lang)
    return _titled(found, name, lang)


def _steps(wf: Workflow | None, name: str | None) -> list[Step]:
    """The steps named `name`: of `wf`, or of every shipped workflow that has one."""
    if not name:
        return []
    found = (w.steps_by_name.get(name) for w in _workflows(wf))
    return [s for s in found if s is not None]


def step(wf: Workflow | None, name: str, lang: str | None = None) -> str:
    return _titled(_one(s.title for s in _steps(wf, name)), name, lang)


def _field_defs(wf: Workflow | None, at: str | None, name: str) -> list[FieldDef]:
    """The fields named `name`: of the step `at` when it has one, else of any step."""
    own = [f for s in _steps(wf, at) for f in s.fields if f.name == name]
    return own or [f for w in _workflows(wf) for s in w.steps() for f in s.fields if f.name == name]


def field(wf: Workflow | None, at: str | None, name: str, lang: str | None = None) -> str:
    """A field's title (of the step `at`, when given)."""
    return _titled(_one(f.title for f in _field_defs(wf, at, name)), name, lang)


def evidence(wf: Workflow | None, at: str | None, kind: str, lang: str | None = None) -> str:
    """An evidence kind's title (of the step `at`, when given)."""
    own = [e.title for s in _steps(wf, at) for e in s.evidence if e.kind == kind]
    every = own or [e.title for w in _workflows(wf) for s in w.steps() for e in s.evidence if e.kind == kind]
    return _titled(_one(every), kind, lang)


def item(wf: Workflow | None, at: str | None, name: str, lang: str | None = None) -> str:
    """What a step still misses: a field or an evidence kind, by its title."""
    if any(s.field(name) for s in _steps(wf, at)):
        return field(wf, at, name, lang)
    return evidence(wf, at, name, lang)


def flag(wf: Workflow | None, name: str, lang: str | None = None) -> str:
    return _titled(_one(w.flags[name] for w in _workflows(wf) if name in w.flags), name, lang)


def flags(wf: Workflow | None, names: Iterable[str], lang: str | None = None) -> str:
    """A decision's flags in the workflow's order, as one text."""
    order = list(wf.flags) if wf is not None else []
    ranked = sorted(names, key=lambda n: order.index(n) if n in order else len(order))
    return join((flag(wf, n, lang) for n in ranked), lang)


def choice(wf: Workflow | None, value: str, lang: str | None = None) -> str:
    """An enum value by its label in the workflow's ``[choices]`` (a meeting stance by the
    generic catalogue's)."""
    found = _one(w.choices[value] for w in _workflows(wf) if value in w.choices)
    if found is None and value in catalogue.STANCES:
        return _pick(catalogue.STANCES, value, lang)
    return _titled(found, value, lang)


def value(wf: Workflow | None, at: str | None, name: str | None, recorded: Any, lang: str | None = None) -> str:
    """A recorded value of field `name` of step `at`, as a person reads it: yes/no, a list in a
    row, a date, an enum value by its label, a member's stance (`name:agree`) by its label.
    Without a field `name`, only yes/no and lists are put into words."""
    lang = _lang(lang)
    defs = _field_defs(wf, at, name) if name else []
    kind = defs[0].type if defs else None
    if isinstance(recorded, bool) or (kind == "bool" and recorded in ("True", "False")):
        return word("yes" if recorded in (True, "True") else "no", lang)
    if isinstance(recorded, list):
        return join((_list_item(wf, str(x), lang) for x in recorded), lang)
    if not isinstance(recorded, str):
        return str(recorded)
    if kind == "enum":
        return choice(wf, recorded, lang)
    if kind == "date":
        return day(recorded, lang)
    return recorded


def _list_item(wf: Workflow | None, text: str, lang: str) -> str:
    who, sep, said = text.rpartition(":")
    if lang == "zh" and sep and who and (said in catalogue.STANCES or any(said in w.choices for w in _workflows(wf))):
        return f"{who}：{choice(wf, said, lang)}"
    return text


def day(text: str, lang: str | None = None) -> str:
    """An ISO date as a reader writes it: 2024年3月1日 in Chinese, as stored in English."""
    try:
        when = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{when.year}年{when.month}月{when.day}日" if _lang(lang) == "zh" and len(text) == 10 else text


def fields(step_def: Step | None, recorded: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The recorded fields in the order the workflow defines them (any it does not know last)."""
    if step_def is None:
        return sorted(recorded.items())
    order = [f.name for f in step_def.fields]
    known = [(name, recorded[name]) for name in order if name in recorded]
    return known + sorted((k, v) for k, v in recorded.items() if k not in order)


# ---------------------------------------------------------------------------- messages

# What kind of name a message parameter holds, by its name; a message may say otherwise below.
# "a list of X" is a comma-separated text of X; "typed X" is such a list of what the user may
# type, shown as label（name）; "" is a parameter left as given (what the user typed).
PARAMS: dict[str, str] = {
    "step": "step",
    "steps": "a list of step",
    "reopened": "a list of step",
    "stage": "stage",
    "current": "stage",
    "next": "stage",
    "to": "stage",
    "needed": "stage",
    "field": "field",
    "later": "field",
    "earlier": "field",
    "start": "field",
    "end": "field",
    "unless": "field",
    "than": "field",
    "other": "field",
    "what": "what",
    "fields": "a list of field",
    "kind": "evidence",
    "evidence": "evidence",
    "flag": "flag",
    "status": "status",
    "roles": "a list of role",
    "outcome": "choice",
    "majority": "choice",
    "value": "value",
    "workflow": "workflow",
    "action": "action",
}
BY_MESSAGE: dict[str, dict[str, str]] = {
    "field.unknown": {"field": "", "known": "typed field"},
    "workflow.no_step": {"name": "", "steps": "typed step"},
    "withdraw.none": {"file": "", "held": ""},
    "withdraw.several": {"file": "", "held": ""},
    "hint.did_you_mean": {"guess": ""},
    "field.choice": {"value": "", "choices": "typed choice"},
    "evidence.unknown": {"kind": "", "known": "typed evidence"},
    "flag.unknown": {"flag": "", "known": "typed flag"},
    "user.bad_role": {"roles": "typed role"},
    "organ.wrong_level": {"level": "level", "organ_level": "level"},
    "organ.bad_level": {"levels": "typed level"},
    "organ.added": {"level": "level"},
    "organ.granted": {"roles": "a list of role"},
    "flag.unchanged": {"value": ""},
    "flag.done": {"value": ""},
    "rule.head_reasons": {"decision": "choice"},
    "rule.packet": {"items": "packet"},
    "rule.archive": {"problems": "problems"},
    "verify.file_meta": {"key": "word"},
    "verify.file_other_decision": {"other": ""},
}


class _Namer:
    """Names the parameters of a message in Chinese: of workflow `wf` (or of any shipped one)
    and, for fields and evidence kinds, of step `at` unless the message names its own step."""

    def __init__(self, wf: Workflow | None, at: str | None) -> None:
        self.wf, self.at = wf, at

    def __call__(self, key: str, params: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
        if lang != "zh":
            return params
        kinds = {**PARAMS, **BY_MESSAGE.get(key, {})}
        own = params.get("step")
        at = own if isinstance(own, str) and _steps(self.wf, own) else self.at
        named = dict(params)
        for name, given in params.items():
            kind = kinds.get(name, "")
            if kind and isinstance(given, str):
                named[name] = self.name(kind, given, at, params)
        return named

    def name(self, kind: str, given: str, at: str | None, params: Mapping[str, Any]) -> str:
        """`given` (a parameter of `kind`) in Chinese."""
        listed, _, of = kind.partition(" of ")
        if listed == "a list":
            return join((self.one(of, n, at) for n in _names(given)), "zh")
        typed, _, of = kind.partition(" ")
        if typed == "typed":
            shown = ((self.one(of, n, at), n) for n in _names(given))
            return join((f"{label}（{n}）" if label != n else n for label, n in shown), "zh")
        if kind == "value":  # a value of the message's field
            where = params.get("field")
            return value(self.wf, at, where, given, "zh") if isinstance(where, str) else given
        if kind == "packet":  # step/evidence, …
            return join((self._of_step(*part.partition("/")[::2]) for part in _names(given)), "zh")
        if kind == "problems":  # step: status; step.field; step/kind[/file (SHA-256)]
            return "；".join(self._problem(part.strip()) for part in given.split(";") if part.strip())
        return self.one(kind, given, at)

    def one(self, kind: str, name: str, at: str | None) -> str:
        """One name of `kind` in Chinese."""
        wf = self.wf
        if kind == "what":  # a field, or a word of the command line (`title`)
            shown = field(wf, at, name, "zh")
            return word(name, "zh") if shown == name and name in catalogue.WORDS else shown
        by_kind: dict[str, Callable[[], str]] = {
            "step": lambda: step(wf, name, "zh"),
            "stage": lambda: stage(wf, name, "zh"),
            "field": lambda: field(wf, at, name, "zh"),
            "evidence": lambda: evidence(wf, at, name, "zh"),
            "flag": lambda: flag(wf, name, "zh"),
            "status": lambda: status(name, "zh"),
            "role": lambda: role(name, "zh"),
            "choice": lambda: choice(wf, name, "zh"),
            "workflow": lambda: workflow(wf, name, "zh"),
            "action": lambda: action(name, "zh"),
            "word": lambda: word(name, "zh"),
            "level": lambda: level(name, "zh"),
        }
        return by_kind[kind]() if kind in by_kind else name

    def _of_step(self, at: str, kind: str) -> str:
        """An evidence kind of a step: 公众参与的意见采纳情况及理由."""
        return f"{step(self.wf, at, 'zh')}的{evidence(self.wf, at, kind, 'zh')}" if kind else at

    def _problem(self, text: str) -> str:
        """One problem of an incomplete case file (rule.archive)."""
        at, sep, state = text.partition(": ")
        if sep:
            return f"{step(self.wf, at, 'zh')}：{status(state, 'zh')}"
        if "/" in text:
            at, _, rest = text.partition("/")
            kind, _, file = rest.partition("/")
            shown = self._of_step(at, kind)
            return f"{shown}（{file.removesuffix(' (SHA-256)')}，哈希不符）" if file else shown
        at, sep, name = text.partition(".")
        return f"{step(self.wf, at, 'zh')}的{field(self.wf, at, name, 'zh')}" if sep else text


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def namer(wf: Workflow | None = None, at: str | None = None) -> Namer:
    """Names a message's parameters in Chinese: those of workflow `wf` (else of any shipped
    workflow) and, for fields and evidence, of step `at` unless the message names its step."""
    return _Namer(wf, at)


def speak_of(wf: Workflow) -> None:
    """Within the current :func:`speaking` block, name things in `wf`'s words from now on (a
    command learns its case's workflow only once it has read the case)."""
    current = current_namer()
    if isinstance(current, _Namer) and current.wf is None:
        current.wf = wf


@contextmanager
def speaking(wf: Workflow | None = None, at: str | None = None) -> Iterator[None]:
    """Every message rendered within is named in the reader's words (see :func:`namer`)."""
    with naming(namer(wf, at)):
        yield


def message(msg: Msg, wf: Workflow | None = None, at: str | None = None, lang: str | None = None) -> str:
    """A message in `lang`, its names labelled (in Chinese)."""
    with naming(namer(wf, at)):
        return t(msg, _lang(lang))


def stored(text: str, wf: Workflow | None = None, at: str | None = None, lang: str | None = None) -> str:
    """A message the trail stored in English (a refusal's reason), in `lang`: read back into its
    message and rendered again; a text no message renders is shown as stored."""
    if _lang(lang) != "zh":
        return text
    found = recognise(text)
    return text if found is None else message(found, wf, at, "zh")
