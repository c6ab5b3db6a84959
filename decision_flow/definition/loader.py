"""The TOML loader of workflow files: reads a file's keys with the path of each, so an error
names the file, the key and the problem; lays a file that ``extends`` another over it; builds the
:class:`~decision_flow.definition.workflow.Workflow`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from decision_flow.core.errors import NotFound, WorkflowError
from decision_flow.core.i18n import Msg
from decision_flow.core.messages import MESSAGES
from decision_flow.core.value import replace
from decision_flow.definition.workflow import (
    DOCUMENT_KEYS,
    FIELD_TYPES,
    LEVELS,
    MERGED_BY_NAME,
    OUTCOME_ROUTES,
    PERSONAL_KINDS,
    ROLES,
    WAIVER_POLICIES,
    Base,
    EvidenceDef,
    FieldDef,
    Outcome,
    RuleSpec,
    Stage,
    Step,
    Title,
    Unset,
    Waiver,
    Workflow,
)


def type_name(name: str) -> Msg | str:
    """A TOML value's type by its Python name (``int``, ``str/dict``), as a reader says it."""
    key = f"wf.type.{name}"
    return Msg(key) if key in MESSAGES else name


def _type_of(kind: type | tuple[type, ...]) -> Msg | str:
    return type_name(kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind))


class _Reader:
    """Reads one TOML table with the path of keys, so errors name file, key and problem."""

    def __init__(self, source: str, data: Mapping[str, Any], path: str) -> None:
        self.source, self.data, self.path = source, data, path

    def fail(self, key: str, problem: str, **params: object) -> WorkflowError:
        """The message `problem` about `key` of this table, naming the file and the key path."""
        where = f"{self.path}.{key}" if self.path else key
        return WorkflowError.at(self.source, where, problem, **params)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "wf.missing")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            raise self.fail(key, "wf.type", expected=_type_of(kind), got=type_name(type(value).__name__))
        return value

    def name(self, key: str) -> str:
        value: str = self.get(key, str)
        if not value or not all(c.isascii() and (c.isalnum() or c in "_-") for c in value):
            raise self.fail(key, "wf.bad_name", got=repr(value))
        return value

    def title(self, key: str = "title") -> Title:
        table = self.get(key, dict)
        sub = self.child(table, key)
        return Title(zh=sub.get("zh", str), en=sub.get("en", str))

    def child(self, data: Any, key: str) -> _Reader:
        if not isinstance(data, dict):
            raise self.fail(key, "wf.not_table")
        return _Reader(self.source, data, f"{self.path}.{key}" if self.path else key)

    def tables(self, key: str, required: bool = True) -> list[_Reader]:
        items = self.get(key, list, ... if required else [])
        return [self.child(item, f"{key}[{i}]") for i, item in enumerate(items)]

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(unknown[0], "wf.unknown_key", allowed=", ".join(allowed))


def _field(r: _Reader) -> FieldDef:
    r.only("name", "type", "title", "required", "choices", "article", "personal", "confidential", "excluded_readers")
    ftype = r.get("type", str)
    if ftype not in FIELD_TYPES:
        raise r.fail("type", "wf.not_one_of", got=repr(ftype), allowed=", ".join(FIELD_TYPES))
    choices = tuple(r.get("choices", list, []))
    if ftype == "enum" and (not choices or not all(isinstance(c, str) for c in choices)):
        raise r.fail("choices", "wf.enum_choices")
    personal = r.get("personal", str, None)
    if personal is not None and personal not in PERSONAL_KINDS:
        raise r.fail("personal", "wf.not_one_of", got=repr(personal), allowed=", ".join(PERSONAL_KINDS))
    for key in ("personal", "confidential", "excluded_readers"):
        if r.data.get(key) not in (None, False) and ftype not in ("text", "list"):
            raise r.fail(key, "wf.text_or_list_only", attribute=key, type=ftype)
    return FieldDef(
        name=r.name("name"),
        type=ftype,
        title=r.title(),
        required=r.get("required", bool, False),
        choices=choices,
        article=r.get("article", str, None),
        personal=personal,
        confidential=r.get("confidential", bool, False),
        excluded_readers=r.get("excluded_readers", bool, False),
    )


def _evidence(r: _Reader) -> EvidenceDef:
    r.only("kind", "title", "required", "confidential")
    return EvidenceDef(
        kind=r.name("kind"),
        title=r.title(),
        required=r.get("required", bool, False),
        confidential=r.get("confidential", bool, False),
    )


def _rule(r: _Reader, settings: Mapping[str, Any]) -> RuleSpec:
    """A rule as the file gives it, a ``{ setting = NAME }`` parameter taking the setting's
    value; its kind and parameters are checked by the rule kinds."""
    params: dict[str, Any] = {}
    from_settings: dict[str, str] = {}
    for key, value in r.data.items():
        if key in ("kind", "article"):
            continue
        if isinstance(value, dict) and "setting" in value:
            ref = r.child(value, key)
            ref.only("setting")
            name = from_settings[key] = ref.name("setting")
            value = settings[name] if name in settings else Unset(name)
        params[key] = value
    kind, article = r.get("kind", str), r.get("article", str)
    return RuleSpec(kind=kind, article=article, params=params, where=r.path, from_settings=from_settings)


def _waiver(r: _Reader, settings: Mapping[str, Any]) -> Waiver:
    r.only("policy", "flag", "setting", "with_reference", "article")
    policy = r.get("policy", str)
    if policy not in WAIVER_POLICIES:
        raise r.fail("policy", "wf.not_one_of", got=repr(policy), allowed=", ".join(WAIVER_POLICIES))
    flag = r.get("flag", str, None)
    if policy in ("only_when_flag", "unless_flag") and flag is None:
        raise r.fail("flag", "wf.policy_flag", policy=policy)
    setting = r.name("setting") if "setting" in r.data or policy == "unless_setting" else None
    if setting is not None and policy != "unless_setting":
        raise r.fail("setting", "wf.policy_setting", policy=policy)
    value = settings.get(setting) if setting else None
    article = r.get("article", str)
    with_reference = r.get("with_reference", bool, False)
    return Waiver(policy, article, flag, with_reference, setting, value if isinstance(value, bool) else None)


def _outcome(r: _Reader) -> Outcome:
    r.only("field", "article", "routes")
    routes = r.get("routes", dict)
    for value, route in routes.items():
        if not isinstance(route, str):
            raise r.fail(f"routes.{value}", "wf.bad_route", got=repr(route))
        target = route.split(":", 1)
        if not (route in OUTCOME_ROUTES or (target[0] == "return" and len(target) == 2)):
            raise r.fail(f"routes.{value}", "wf.bad_route", got=repr(route))
    return Outcome(field=r.get("field", str), article=r.get("article", str), routes=routes)


def _step(r: _Reader, stage: str, stage_article: str, settings: Mapping[str, Any]) -> Step:
    r.only("name", "title", "article", "roles", "waiver", "fields", "evidence", "rules", "consultation", "outcome")
    roles = r.get("roles", list)
    bad = [x for x in roles if x not in ROLES]
    if not roles or bad:
        raise r.fail("roles", "wf.roles", allowed=", ".join(ROLES))
    step = Step(
        name=r.name("name"),
        stage=stage,
        title=r.title(),
        article=r.get("article", str, stage_article),
        roles=tuple(roles),
        waiver=_waiver(r.child(r.get("waiver", dict), "waiver"), settings),
        fields=tuple(_field(f) for f in r.tables("fields", required=False)),
        evidence=tuple(_evidence(e) for e in r.tables("evidence", required=False)),
        rules=tuple(_rule(x, settings) for x in r.tables("rules", required=False)),
        consultation=r.get("consultation", bool, False),
        outcome=_outcome(r.child(r.data["outcome"], "outcome")) if "outcome" in r.data else None,
    )
    names = [f.name for f in step.fields]
    if len(set(names)) != len(names):
        raise r.fail("fields", "wf.field_twice")
    if step.outcome and step.field(step.outcome.field) is None:
        raise r.fail("outcome.field", "wf.outcome_field", got=repr(step.outcome.field))
    return step


def _toml(text: str, source: str) -> dict[str, Any]:
    import tomllib  # only when a file is parsed: the cache (`load_cached`) usually spares it

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowError(Msg("wf.toml", {"source": source, "detail": str(exc)})) from None


def _merge_items(base: list[Any], patch: Any, key: str, r: _Reader) -> list[Any]:
    """`fields` or `evidence` of a step with `patch` ({name: {...}}) laid over: an item of the
    same name takes the patch's keys, a new name is added at the end."""
    if not isinstance(patch, dict):
        raise r.fail(key, "wf.patch_items")
    ident = "name" if key == "fields" else "kind"
    items = [dict(item) if isinstance(item, dict) else item for item in base]
    for name, over in patch.items():
        if not isinstance(over, dict):
            raise r.fail(f"{key}.{name}", "wf.not_table")
        found = next((item for item in items if isinstance(item, dict) and item.get(ident) == name), None)
        if found is None:
            items.append({ident: name, **over})
        else:
            found.update(over)
    return items


def extend(base: Mapping[str, Any], data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The document of a file that `extends` `base`: its top-level keys replace the base's
    (``flags``, ``choices`` and ``settings`` are merged by name), and ``[steps.NAME]`` tables patch one step
    each: its own keys replace the base step's, its ``fields.NAME`` and ``evidence.KIND``
    tables patch or add one item each. Stages are the base's: order is the law's, not a
    locality's. ``abstract`` is never inherited: a file is a base only if it says so itself."""
    r = _Reader(source, data, "")
    merged = {k: v for k, v in base.items() if k != "abstract"}
    for key, value in data.items():
        if key in MERGED_BY_NAME and isinstance(value, dict) and isinstance(base.get(key, {}), dict):
            merged[key] = {**base.get(key, {}), **value}
        elif key not in ("steps", "stages", "extends"):
            merged[key] = value
    if "stages" in data:
        raise r.fail("stages", "wf.redefine_stages")
    patches = r.child(r.get("steps", dict, {}), "steps")
    stages = [dict(st) for st in base.get("stages", [])]
    for stage in stages:
        stage["steps"] = [dict(step) for step in stage.get("steps", [])]
    steps = {step.get("name"): step for stage in stages for step in stage["steps"]}
    for name, patch in patches.data.items():
        if name not in steps:
            raise patches.fail(name, "wf.patch_unknown_step", name=name, base=str(data.get("extends")))
        sub = patches.child(patch, name)
        for key, value in sub.data.items():
            if key in ("fields", "evidence"):
                steps[name][key] = _merge_items(steps[name].get(key, []), value, key, sub)
            elif key == "name":
                raise sub.fail(key, "wf.step_renamed")
            else:
                steps[name][key] = value
    merged["stages"] = stages
    return merged


def parse(text: str, source: str, base: Base | None = None, procedure: str | None = None) -> Workflow:
    """Parse and schema-check the text of a workflow file; `source` names it in errors. A file
    that ``extends`` another is laid over the workflow `base` returns for that name; its
    SHA-256 then covers its base's too, so a change to either is a new definition. `procedure`
    is the one a file written before files named theirs follows (only the shipped history)."""
    data = _toml(text, source)
    if procedure is not None and "procedure" not in data:
        data["procedure"] = procedure
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    extends = None
    if "extends" in data:
        extends = _Reader(source, data, "").name("extends")
        if base is None:
            raise WorkflowError.at(source, "extends", "wf.extends_unknown", name=extends)
        try:
            parent = base(extends)
        except NotFound as exc:
            said = {"source": source, "where": "extends", "problem": exc.msg}  # a message, or a text
            raise WorkflowError(Msg("wf.at", said)) from None
        data = extend(parent.document, data, source)
        sha = hashlib.sha256(f"{parent.sha256}\n{sha}".encode()).hexdigest()
        return replace(build(data, source, sha, extends, parent.sha256), text=text)
    return replace(build(data, source, sha), text=text)


def build(
    data: Mapping[str, Any], source: str, sha256: str, extends: str | None = None, base_sha256: str | None = None
) -> Workflow:
    """The workflow of a parsed (and, for an extending file, merged) document."""
    r = _Reader(source, data, "")
    r.only(*DOCUMENT_KEYS)
    if r.get("schema", int) != 1:
        raise r.fail("schema", "wf.schema")
    level = r.get("level", str)
    if level not in LEVELS:
        raise r.fail("level", "wf.not_one_of", got=repr(level), allowed=", ".join(LEVELS))
    flags_r = r.child(r.get("flags", dict, {}), "flags")
    flags = {name: flags_r.title(name) for name in flags_r.data}
    choices_r = r.child(r.get("choices", dict, {}), "choices")
    choices = {value: choices_r.title(value) for value in choices_r.data}
    settings = dict(r.get("settings", dict, {}))
    stages: list[Stage] = []
    seen_steps: set[str] = set()
    for i, sr in enumerate(r.tables("stages")):
        sr.only("name", "title", "article", "leave_article", "steps")
        name, article = sr.name("name"), sr.get("article", str)
        if any(s.name == name for s in stages):
            raise sr.fail("name", "wf.stage_twice", name=name)
        steps = tuple(_step(t, name, article, settings) for t in sr.tables("steps"))
        if not steps:
            raise sr.fail("steps", "wf.no_steps")
        for j, step in enumerate(steps):
            if step.name in seen_steps:
                raise r.fail(f"stages[{i}].steps[{j}].name", "wf.step_twice", name=step.name)
            seen_steps.add(step.name)
        stages.append(Stage(name, sr.title(), article, sr.get("leave_article", str, article), steps))
    basis = r.get("basis", (str, dict), "")  # a title table, or one text for both languages
    wf = Workflow(
        name=r.name("name"),
        version=r.get("version", int),
        level=level,
        title=r.title(),
        basis=r.title("basis") if isinstance(basis, dict) else Title(zh=basis, en=basis),
        flags=flags,
        choices=choices,
        stages=tuple(stages),
        source=source,
        sha256=sha256,
        procedure=r.name("procedure"),
        settings=settings,
        abstract=r.get("abstract", bool, False),
        extends=extends,
        base_sha256=base_sha256,
        document={k: v for k, v in data.items() if k not in ("extends", "steps")},
    )
    wf.steps_by_name.update((step.name, step) for step in wf.steps())
    return wf
