"""Workflow definitions (流程定义): the typed, validated model a TOML file is loaded into.

A workflow is data: stages in order, each with steps; each step names its fields, evidence
kinds, performing roles, waiver policy and the *named* rule kinds it switches on (the kinds
themselves live in :mod:`decision_flow.rules`). A file names its procedure (``procedure =
"major-decision"``) and may ``extends`` another workflow, overriding only what differs. The
TOML loader is :mod:`decision_flow.definition.loader`; the rule kinds
(:func:`decision_flow.rules.check_specs`) and the named procedure's invariants are checked by
:func:`decision_flow.procedures.load_file`, which is the one way a file becomes a workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from typing import Any

from decision_flow.core.errors import NotFound
from decision_flow.core.i18n import Msg, did_you_mean
from decision_flow.core.value import Value

Base = Callable[[str], "Workflow"]  # the workflow a file `extends`, by name

FIELD_TYPES = ("text", "integer", "bool", "date", "enum", "list")
# What a field marked `personal` holds (个人信息, PIPL Art. 4), which says how it is masked.
PERSONAL_KINDS = ("name", "id_number", "phone", "address")
ROLES = ("officer", "legal_reviewer", "executive", "auditor", "admin")
DECIDING_ROLES = ("officer", "legal_reviewer", "executive")  # the roles that perform steps; never with auditor
WAIVER_POLICIES = ("never", "only_when_flag", "unless_flag", "unless_setting")
OUTCOME_ROUTES = ("advance", "reject", "close", "stay")
# The routes that end a case, and the status it ends with: a meeting's rejection, or a finding
# that takes the matter out of the procedure altogether (e.g. a document out of its scope).
ENDINGS = {"reject": "rejected", "close": "closed"}
LEVELS = ("county", "township")
# The top-level keys of a workflow file; `steps` (patches by step name) only in one that `extends` another.
DOCUMENT_KEYS: tuple[str, ...] = ("schema", "procedure", "extends", "name", "version", "level", "basis", "title")
DOCUMENT_KEYS += ("abstract", "flags", "choices", "settings", "stages", "steps")
MERGED_BY_NAME = ("flags", "choices", "settings")  # tables an extending file merges key by key


class Title(Value):
    """A label in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class FieldDef(Value):
    """A field a step records (`--set name=value`)."""

    name: str
    type: str
    title: Title
    required: bool = False
    choices: tuple[str, ...] = ()
    article: str | None = None
    personal: str | None = None  # one of PERSONAL_KINDS: masked for readers without a role on the case
    confidential: bool = False  # withheld from those readers and from the case's excluded readers
    excluded_readers: bool = False  # a list of user names never shown the case's confidential items


class EvidenceDef(Value):
    """A kind of evidence file a step takes (`--attach kind=FILE`)."""

    kind: str
    title: Title
    required: bool = False
    confidential: bool = False  # its files' names and hashes withheld as a confidential field's value


class Unset(Value):
    """The value of a rule parameter a file takes from a locality setting (``{ setting = NAME }``)
    that it leaves unset: only an abstract base may, and an abstract base opens no cases."""

    setting: str


class RuleSpec(Value):
    """One rule a step switches on: a named kind and its parameters, and where the file gave it
    (``stages[3].steps[0].rules[1]``) so a check of the kind can name the place. A parameter
    given as ``{ setting = NAME }`` takes the workflow's setting NAME (`from_settings` names
    them), or :class:`Unset` while the file leaves it unset."""

    kind: str
    article: str
    params: Mapping[str, Any]
    where: str = ""
    from_settings: Mapping[str, str] = field(default_factory=dict)  # parameter -> setting


class Waiver(Value):
    """When a step may be marked not applicable: never, only when a flag is set, unless a flag is
    set, or unless the locality setting `setting` (a bool) is true; `setting_value` is that
    setting as the workflow gives it (None while unset: the step is then never waived)."""

    policy: str
    article: str
    flag: str | None = None
    with_reference: bool = False
    setting: str | None = None
    setting_value: bool | None = None


class Outcome(Value):
    """How the value of a decision field routes the case (Art. 30 outcomes)."""

    field: str
    article: str
    routes: Mapping[str, str]


class Step(Value):
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


class Stage(Value):
    """A stage of the procedure; the stages are the states of the machine."""

    name: str
    title: Title
    article: str
    leave_article: str
    steps: tuple[Step, ...]


class Workflow(Value):
    """A whole procedure, as loaded from one TOML file."""

    name: str
    version: int
    level: str
    title: Title
    basis: Title  # the legal basis, e.g. the decree
    flags: Mapping[str, Title]
    stages: tuple[Stage, ...]
    source: str
    sha256: str
    choices: Mapping[str, Title] = field(default_factory=dict)  # the label of each enum value, by value
    procedure: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    abstract: bool = False  # a base that leaves locality settings to the files extending it; opens no cases
    extends: str | None = None
    base_sha256: str | None = None  # of the workflow it extends, when it does
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # the whole, merged
    text: str = field(default="", compare=False, repr=False)  # the file as given (an extending file's own lines)
    steps_by_name: dict[str, Step] = field(default_factory=dict, compare=False, repr=False)

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise NotFound(Msg("workflow.no_stage", {"workflow": self.name, "name": name}))

    def stage_index(self, name: str) -> int:
        return [s.name for s in self.stages].index(name)

    def step(self, name: str) -> Step:
        try:
            return self.steps_by_name[name]
        except KeyError:
            names = list(self.steps_by_name)
            found = {"workflow": self.name, "name": name, "hint": did_you_mean(name, names), "steps": ", ".join(names)}
            raise NotFound(Msg("workflow.no_step", found)) from None

    def steps(self) -> Iterator[Step]:
        for stage in self.stages:
            yield from stage.steps

    def machine_spec(self) -> dict[str, Any]:
        """The workflow in transitions' own shape: states, transitions and the initial state.

        Terminal states ``rejected`` and ``archived`` follow the stages (and ``closed``, when an
        outcome may close the case). Leaving a stage is guarded by ``may_leave`` (the rules of its
        steps); returns go to any earlier stage; a stage with a step whose outcome may ``reject``
        (or ``close``) may end the case there.
        """
        names = [s.name for s in self.stages]
        transitions: list[dict[str, Any]] = []
        for here, there in zip(names, names[1:] + ["archived"], strict=True):
            transitions.append({"trigger": "advance", "source": here, "dest": there, "conditions": "may_leave"})
        for i, target in enumerate(names):
            if names[i + 1 :]:
                transitions.append({"trigger": f"return_to_{target}", "source": names[i + 1 :], "dest": target})
        ends = ["rejected", "archived"]
        for route, status in ENDINGS.items():
            ending = [
                s.name for s in self.stages if any(st.outcome and route in st.outcome.routes.values() for st in s.steps)
            ]
            if ending:
                transitions.append({"trigger": route, "source": ending, "dest": status})
                ends += [] if status in ends else [status]
        return {
            "states": names + ends,
            "transitions": transitions,
            "initial": names[0],
        }
