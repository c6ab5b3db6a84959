"""What every workflow file must hold, whatever its procedure: each name a rule, a waiver or
an outcome gives exists where it must, and no step is an auditor's (Arts. 38–39: whoever checks
the trail writes nothing into it)."""

from __future__ import annotations

from typing import Any

from decision_flow.core.errors import WorkflowError
from decision_flow.core.i18n import Cited, Msg
from decision_flow.definition.workflow import RuleSpec, Step, Unset, Workflow
from decision_flow.procedures.model import Procedure, Setting
from decision_flow.rules import FIELD_PARAMS, RULE_KINDS
from decision_flow.rules.kinds import ELSEWHERE, period_problem


def fail(wf: Workflow, where: str, problem: Msg | str, **params: object) -> WorkflowError:
    """A broken invariant at `where` in the workflow's file."""
    return WorkflowError.at(wf.source, where, problem, **params)


_fail = fail


def rules_of(step: Step, kind: str, **params: Any) -> list[RuleSpec]:
    """The rules of `kind` on `step` whose parameters include `params`."""
    return [
        spec
        for spec in step.rules
        if spec.kind == kind and all(k in spec.params and spec.params[k] == v for k, v in params.items())
    ]


def has_rule(step: Step, kind: str, **params: Any) -> bool:
    """`step` has a rule of `kind` whose parameters include `params`."""
    return bool(rules_of(step, kind, **params))


def require_stages(wf: Workflow, stages: tuple[str, ...], article: str, order_problem: str) -> None:
    """A procedure's own `stages` are all in the file (else wf.stage_missing, citing `article`)
    and in their order, a locality's stages between them allowed (else `order_problem`)."""
    names = [s.name for s in wf.stages]
    missing = [s for s in stages if s not in names]
    if missing:
        raise _fail(wf, "stages", "wf.stage_missing", name=missing[0], article=Cited(article))
    if [n for n in names if n in stages] != list(stages):
        raise _fail(wf, "stages", order_problem, order=", ".join(stages))


def _check_own(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every field, evidence kind and flag a rule names exists on its own step and workflow."""
    where = f"{step.name}.rules.{spec.kind}"
    kind = RULE_KINDS[spec.kind]
    p = spec.params
    for key in FIELD_PARAMS:
        if ELSEWHERE.get(key) in p:
            continue  # a field of another step (checked with the links)
        if key in kind.params + kind.optional and key in p and step.field(p[key]) is None:
            raise _fail(wf, f"{where}.{key}", "wf.not_field_of", got=repr(p[key]), name=step.name)
    if "evidence" in p and step.evidence_kind(p["evidence"]) is None:
        raise _fail(wf, f"{where}.evidence", "wf.not_evidence_of", got=repr(p["evidence"]), name=step.name)
    if "flag" in p and p["flag"] not in wf.flags:
        raise _fail(wf, f"{where}.flag", "wf.undeclared_flag", got=repr(p["flag"]))


def _check_links(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every other step and stage a rule names exists where it must."""
    where = f"{step.name}.rules.{spec.kind}"
    p = spec.params
    if "return_to" in p:
        stages = [s.name for s in wf.stages]
        if p["return_to"] not in stages or stages.index(p["return_to"]) >= stages.index(step.stage):
            raise _fail(wf, f"{where}.return_to", "wf.not_stage_before", got=repr(p["return_to"]), name=step.stage)
    if "since_step" in p:
        other = wf.steps_by_name.get(p["since_step"])
        if other is None or other.field(p["since_field"]) is None:
            named = f"{p['since_step']}.{p['since_field']}"
            raise _fail(wf, f"{where}.since_step", "wf.not_workflow_field", name=named)
    for field_key, step_key in (*ELSEWHERE.items(), ("prior_field", "prior_step")):
        if step_key not in p:
            continue
        other = wf.steps_by_name.get(p[step_key])
        if other is None or other.field(p[field_key]) is None:
            named = f"{p[step_key]}.{p[field_key]}"
            raise _fail(wf, f"{where}.{step_key}", "wf.not_workflow_field", name=named)
        if wf.stage_index(other.stage) > wf.stage_index(step.stage) or (step_key == "prior_step" and other is step):
            raise _fail(wf, f"{where}.{step_key}", "wf.not_before", name=other.name, own=step.name)
    for i, item in enumerate(p.get("items", [])):
        other = wf.steps_by_name.get(item.get("step", "")) if isinstance(item, dict) else None
        if other is None or other.evidence_kind(item.get("evidence", "")) is None:
            raise _fail(wf, f"{where}.items[{i}]", "wf.bad_item", got=repr(item))
        if "flag" in item and item["flag"] not in wf.flags:
            raise _fail(wf, f"{where}.items[{i}].flag", "wf.undeclared_flag", got=repr(item["flag"]))


def check_steps(wf: Workflow) -> None:
    """What each step holds on its own: no auditor's step, every name its rules and waiver give
    is its own. Raise WorkflowError naming the file, the place and the problem."""
    for step in wf.steps():
        if "auditor" in step.roles:
            raise _fail(wf, f"{step.name}.roles", "wf.auditor")
        for spec in step.rules:
            _check_own(wf, step, spec)
        if step.waiver.flag and step.waiver.flag not in wf.flags:
            raise _fail(wf, f"{step.name}.waiver.flag", "wf.undeclared_flag", got=repr(step.waiver.flag))


def check_links(wf: Workflow) -> None:
    """Every step and stage that a rule or an outcome route names, run after the procedure's
    invariants (so a removed legal gate is named as such, not as a dangling reference)."""
    stage_names = [s.name for s in wf.stages]
    for step in wf.steps():
        for spec in step.rules:
            _check_links(wf, step, spec)
        if step.outcome is not None:
            for value, route in step.outcome.routes.items():
                if route.startswith("return:") and route[7:] not in stage_names:
                    raise _fail(wf, f"{step.name}.outcome.routes.{value}", "wf.no_stage", name=route[7:])


def missing_settings(wf: Workflow, proc: Procedure) -> list[Setting]:
    """The locality settings `wf` leaves unset: those its procedure owes at its level, and any
    other a rule or a waiver of it takes."""
    wanted = {s.name for s in proc.settings if wf.level in s.levels}
    for step in wf.steps():
        wanted.update(v.setting for spec in step.rules for v in spec.params.values() if isinstance(v, Unset))
        if step.waiver.setting is not None and step.waiver.setting_value is None:
            wanted.add(step.waiver.setting)
    return [s for s in proc.settings if s.name in wanted and s.name not in wf.settings]


def _setting_problem(setting: Setting, value: object) -> Msg | None:
    if setting.kind == "period":
        return period_problem(value)
    return None if isinstance(value, bool) else Msg("wf.not_bool", {"got": repr(value)})


def check_settings(wf: Workflow, proc: Procedure) -> None:
    """The ``[settings]`` of a workflow: each one its procedure declares, of its shape; each one
    a rule or a waiver takes is declared; and, unless the file is an abstract base, none it owes
    is left unset (refused with what to set, citing the article that leaves it to the locality)."""
    declared = {s.name: s for s in proc.settings}
    for name, value in wf.settings.items():
        setting = declared.get(name)
        if setting is None:
            known = ", ".join(declared) or Msg("wf.none")
            raise _fail(wf, f"settings.{name}", "wf.unknown_setting", procedure=proc.key, known=known)
        problem = _setting_problem(setting, value)
        if problem:
            raise _fail(wf, f"settings.{name}", problem)
    for step in wf.steps():
        for spec in step.rules:
            for param, name in spec.from_settings.items():
                if name not in declared:
                    where = spec.where or f"{step.name}.rules"
                    raise _fail(wf, f"{where}.{param}", "wf.no_setting", name=name, procedure=proc.key)
        w = step.waiver
        if w.setting is not None and (w.setting not in declared or declared[w.setting].kind != "bool"):
            raise _fail(wf, f"{step.name}.waiver.setting", "wf.not_bool_setting", name=w.setting, procedure=proc.key)
    if wf.abstract:
        return
    for setting in missing_settings(wf, proc):
        hint = Msg(setting.hint, {"name": setting.name})
        raise WorkflowError(
            Msg("workflow.setting_unset", {"source": wf.source, "name": setting.name, "hint": hint}),
        )
