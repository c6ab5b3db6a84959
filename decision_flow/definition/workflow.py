"""Workflow definitions (流程定义): TOML files loaded into typed, validated objects.

A workflow is data: stages in order, each with steps; each step names its fields, evidence
kinds, performing roles, waiver policy and the *named* rule kinds it switches on (the kinds
themselves live in :mod:`decision_flow.rules`). Loading checks the schema and names the
file, the key and the problem on error; :mod:`decision_flow.procedures.major_decision.invariants` then checks the legal
invariants no locality may break.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from decision_flow.core.errors import NotFound, WorkflowError

FIELD_TYPES = ("text", "integer", "bool", "date", "enum", "list")
ROLES = ("officer", "legal_reviewer", "executive", "auditor", "admin")
DECIDING_ROLES = ("officer", "legal_reviewer", "executive")  # the roles that perform steps; never with auditor
WAIVER_POLICIES = ("never", "only_when_flag", "unless_flag")
OUTCOME_ROUTES = ("advance", "reject", "stay")
LEVELS = ("county", "township")


@dataclass(frozen=True)
class Title:
    """A label in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class FieldDef:
    """A field a step records (`--set name=value`)."""

    name: str
    type: str
    title: Title
    required: bool = False
    choices: tuple[str, ...] = ()
    article: str | None = None


@dataclass(frozen=True)
class EvidenceDef:
    """A kind of evidence file a step takes (`--attach kind=FILE`)."""

    kind: str
    title: Title
    required: bool = False


@dataclass(frozen=True)
class RuleSpec:
    """One rule a step switches on: a named kind and its parameters."""

    kind: str
    article: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Waiver:
    """When a step may be marked not applicable: never, only when a flag is set, or unless."""

    policy: str
    article: str
    flag: str | None = None
    with_reference: bool = False


@dataclass(frozen=True)
class Outcome:
    """How the value of a decision field routes the case (Art. 30 outcomes)."""

    field: str
    article: str
    routes: Mapping[str, str]


@dataclass(frozen=True)
class Step:
    """A step of a stage: what must be recorded, by whom, and the rules it must pass."""

    name: str
    stage: str
    title: Title
    article: str
    roles: tuple[str, ...]
    waiver: Waiver
    fields: tuple[FieldDef, ...] = ()
    evidence: tuple[EvidenceDef, ...] = ()
    rules: tuple[RuleSpec, ...] = ()
    consultation: bool = False
    outcome: Outcome | None = None

    def field(self, name: str) -> FieldDef | None:
        return next((f for f in self.fields if f.name == name), None)

    def evidence_kind(self, kind: str) -> EvidenceDef | None:
        return next((e for e in self.evidence if e.kind == kind), None)


@dataclass(frozen=True)
class Stage:
    """A stage of the procedure; the stages are the states of the machine."""

    name: str
    title: Title
    article: str
    leave_article: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Workflow:
    """A whole procedure, as loaded from one TOML file."""

    name: str
    version: int
    level: str
    title: Title
    basis: str
    flags: Mapping[str, Title]
    stages: tuple[Stage, ...]
    source: str
    sha256: str
    steps_by_name: dict[str, Step] = field(default_factory=dict, compare=False, repr=False)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise NotFound(f"workflow {self.name} has no stage {name!r}")

    def stage_index(self, name: str) -> int:
        return [s.name for s in self.stages].index(name)

    def step(self, name: str) -> Step:
        try:
            return self.steps_by_name[name]
        except KeyError:
            raise NotFound(f"workflow {self.name} has no step {name!r}") from None

    def steps(self) -> Iterator[Step]:
        for stage in self.stages:
            yield from stage.steps

    def machine_spec(self) -> dict[str, Any]:
        """The workflow in transitions' own shape: states, transitions and the initial state.

        Terminal states ``rejected`` and ``archived`` follow the stages. Leaving a stage is
        guarded by ``may_leave`` (the rules of its steps); returns go to any earlier stage.
        """
        names = [s.name for s in self.stages]
        transitions: list[dict[str, Any]] = []
        for here, there in zip(names, names[1:] + ["archived"], strict=True):
            transitions.append({"trigger": "advance", "source": here, "dest": there, "conditions": "may_leave"})
        for i, target in enumerate(names):
            if names[i + 1 :]:
                transitions.append({"trigger": f"return_to_{target}", "source": names[i + 1 :], "dest": target})
        transitions.append({"trigger": "reject", "source": "collective_decision", "dest": "rejected"})
        return {
            "states": names + ["rejected", "archived"],
            "transitions": transitions,
            "initial": names[0],
        }


class _Reader:
    """Reads one TOML table with the path of keys, so errors name file, key and problem."""

    def __init__(self, source: str, data: Mapping[str, Any], path: str) -> None:
        self.source, self.data, self.path = source, data, path

    def fail(self, key: str, problem: str) -> WorkflowError:
        where = f"{self.path}.{key}" if self.path else key
        return WorkflowError(f"{self.source}: {where}: {problem}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "is missing")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(key, f"must be {expected}, not {type(value).__name__}")
        return value

    def name(self, key: str) -> str:
        value: str = self.get(key, str)
        if not value or not all(c.isascii() and (c.isalnum() or c in "_-") for c in value):
            raise self.fail(key, f"{value!r} is not a valid name (ASCII letters, digits, _ and -)")
        return value

    def title(self, key: str = "title") -> Title:
        table = self.get(key, dict)
        sub = self.child(table, key)
        return Title(zh=sub.get("zh", str), en=sub.get("en", str))

    def child(self, data: Any, key: str) -> _Reader:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        return _Reader(self.source, data, f"{self.path}.{key}" if self.path else key)

    def tables(self, key: str, required: bool = True) -> list[_Reader]:
        items = self.get(key, list, ... if required else [])
        return [self.child(item, f"{key}[{i}]") for i, item in enumerate(items)]

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(unknown[0], f"unknown key (allowed: {', '.join(allowed)})")


def _field(r: _Reader) -> FieldDef:
    r.only("name", "type", "title", "required", "choices", "article")
    ftype = r.get("type", str)
    if ftype not in FIELD_TYPES:
        raise r.fail("type", f"{ftype!r} is not one of {', '.join(FIELD_TYPES)}")
    choices = tuple(r.get("choices", list, []))
    if ftype == "enum" and (not choices or not all(isinstance(c, str) for c in choices)):
        raise r.fail("choices", "an enum field needs a list of string choices")
    return FieldDef(
        name=r.name("name"),
        type=ftype,
        title=r.title(),
        required=r.get("required", bool, False),
        choices=choices,
        article=r.get("article", str, None),
    )


def _evidence(r: _Reader) -> EvidenceDef:
    r.only("kind", "title", "required")
    return EvidenceDef(kind=r.name("kind"), title=r.title(), required=r.get("required", bool, False))


def _rule(r: _Reader) -> RuleSpec:
    from decision_flow.rules import RULE_KINDS

    kind = r.get("kind", str)
    if kind not in RULE_KINDS:
        raise r.fail("kind", f"unknown rule kind {kind!r} (known: {', '.join(sorted(RULE_KINDS))})")
    params = {k: v for k, v in r.data.items() if k not in ("kind", "article")}
    missing = [p for p in RULE_KINDS[kind].params if p not in params]
    if missing:
        raise r.fail(missing[0], f"is missing (rule kind {kind} needs {', '.join(RULE_KINDS[kind].params)})")
    unknown = sorted(set(params) - set(RULE_KINDS[kind].params) - set(RULE_KINDS[kind].optional))
    if unknown:
        raise r.fail(unknown[0], f"is not a parameter of rule kind {kind}")
    from decision_flow.rules import PARAM_TYPES

    for name in params:
        if name in PARAM_TYPES:
            r.get(name, PARAM_TYPES[name])  # raises "must be int, not str" and the like
    return RuleSpec(kind=kind, article=r.get("article", str), params=params)


def _waiver(r: _Reader) -> Waiver:
    r.only("policy", "flag", "with_reference", "article")
    policy = r.get("policy", str)
    if policy not in WAIVER_POLICIES:
        raise r.fail("policy", f"{policy!r} is not one of {', '.join(WAIVER_POLICIES)}")
    flag = r.get("flag", str, None)
    if policy != "never" and flag is None:
        raise r.fail("flag", f"is missing (policy {policy} names a flag)")
    return Waiver(policy, r.get("article", str), flag, r.get("with_reference", bool, False))


def _outcome(r: _Reader) -> Outcome:
    r.only("field", "article", "routes")
    routes = r.get("routes", dict)
    for value, route in routes.items():
        if not isinstance(route, str):
            raise r.fail(f"routes.{value}", f"{route!r} is not advance, reject, stay or return:STAGE")
        target = route.split(":", 1)
        if not (route in OUTCOME_ROUTES or (target[0] == "return" and len(target) == 2)):
            raise r.fail(f"routes.{value}", f"{route!r} is not advance, reject, stay or return:STAGE")
    return Outcome(field=r.get("field", str), article=r.get("article", str), routes=routes)


def _step(r: _Reader, stage: str, stage_article: str) -> Step:
    r.only("name", "title", "article", "roles", "waiver", "fields", "evidence", "rules", "consultation", "outcome")
    roles = r.get("roles", list)
    bad = [x for x in roles if x not in ROLES]
    if not roles or bad:
        raise r.fail("roles", f"must list roles among {', '.join(ROLES)}")
    step = Step(
        name=r.name("name"),
        stage=stage,
        title=r.title(),
        article=r.get("article", str, stage_article),
        roles=tuple(roles),
        waiver=_waiver(r.child(r.get("waiver", dict), "waiver")),
        fields=tuple(_field(f) for f in r.tables("fields", required=False)),
        evidence=tuple(_evidence(e) for e in r.tables("evidence", required=False)),
        rules=tuple(_rule(x) for x in r.tables("rules", required=False)),
        consultation=r.get("consultation", bool, False),
        outcome=_outcome(r.child(r.data["outcome"], "outcome")) if "outcome" in r.data else None,
    )
    names = [f.name for f in step.fields]
    if len(set(names)) != len(names):
        raise r.fail("fields", "names a field twice")
    if step.outcome and step.field(step.outcome.field) is None:
        raise r.fail("outcome.field", f"{step.outcome.field!r} is not a field of the step")
    return step


def parse(text: str, source: str) -> Workflow:
    """Parse and schema-check the text of a workflow file; `source` names it in errors."""
    import tomllib  # only when a file is parsed: the cache (`load_cached`) usually spares it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowError(f"{source}: not valid TOML: {exc}") from None
    r = _Reader(source, data, "")
    r.only("schema", "name", "version", "level", "basis", "title", "flags", "stages")
    if r.get("schema", int) != 1:
        raise r.fail("schema", "only schema 1 is understood")
    level = r.get("level", str)
    if level not in LEVELS:
        raise r.fail("level", f"{level!r} is not one of {', '.join(LEVELS)}")
    flags_r = r.child(r.get("flags", dict, {}), "flags")
    flags = {name: flags_r.title(name) for name in flags_r.data}
    stages: list[Stage] = []
    seen_steps: set[str] = set()
    for i, sr in enumerate(r.tables("stages")):
        sr.only("name", "title", "article", "leave_article", "steps")
        name, article = sr.name("name"), sr.get("article", str)
        if any(s.name == name for s in stages):
            raise sr.fail("name", f"{name!r} appears twice")
        steps = tuple(_step(t, name, article) for t in sr.tables("steps"))
        if not steps:
            raise sr.fail("steps", "a stage needs at least one step")
        for j, step in enumerate(steps):
            if step.name in seen_steps:
                raise r.fail(f"stages[{i}].steps[{j}].name", f"step {step.name!r} appears twice")
            seen_steps.add(step.name)
        stages.append(Stage(name, sr.title(), article, sr.get("leave_article", str, article), steps))
    wf = Workflow(
        name=r.name("name"),
        version=r.get("version", int),
        level=level,
        title=r.title(),
        basis=r.get("basis", str, ""),
        flags=flags,
        stages=tuple(stages),
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    wf.steps_by_name.update((step.name, step) for step in wf.steps())
    return wf


def load_file(path: Path) -> Workflow:
    """Load and fully validate (schema and legal invariants) one workflow file."""
    from decision_flow.procedures.major_decision.invariants import check_invariants

    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise WorkflowError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise WorkflowError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise WorkflowError(f"{path}: cannot be read ({exc.strerror})") from None
    except ValueError:  # e.g. a NUL byte in the path
        raise WorkflowError(f"{path!r}: not a usable file name") from None
    wf = parse(text, str(path))
    check_invariants(wf)
    return wf


def _shipped() -> list[Path]:
    root = resources.files("decision_flow.workflows")
    return sorted((Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml")), key=lambda p: p.stem)


_cache: dict[str, Workflow] = {}


def registry() -> dict[str, Workflow]:
    """Every shipped workflow by name, loaded once per process (and parsed once per file
    version, through `load_cached`)."""
    if not _cache:
        for path in _shipped():
            from decision_flow.definition.cache import load_cached

            wf = load_cached(path)
            _cache[wf.name] = wf
    return _cache


def get(name: str) -> Workflow:
    """The shipped workflow `name`, or NotFound."""
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise NotFound(f"no workflow named {name!r} (known: {known})") from None
