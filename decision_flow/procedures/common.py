"""What every workflow file must hold, whatever its procedure: each name a rule, a waiver or
an outcome gives exists where it must, and no step is an auditor's (Arts. 38–39: whoever checks
the trail writes nothing into it)."""

from __future__ import annotations

from decision_flow.core.errors import WorkflowError
from decision_flow.core.i18n import Msg
from decision_flow.definition.workflow import RuleSpec, Step, Unset, Workflow
from decision_flow.procedures.model import Procedure, Setting
from decision_flow.rules import FIELD_PARAMS, RULE_KINDS
from decision_flow.rules.kinds import ELSEWHERE, period_problem


def _fail(wf: Workflow, where: str, problem: str) -> WorkflowError:
    return WorkflowError(f"{wf.source}: {where}: {problem}")


def _check_own(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every field, evidence kind and flag a rule names exists on its own step and workflow."""
    where = f"{step.name}.rules.{spec.kind}"
    kind = RULE_KINDS[spec.kind]
    p = spec.params
    for key in FIELD_PARAMS:
        if ELSEWHERE.get(key) in p:
            continue  # a field of another step (checked with the links)
        if key in kind.params + kind.optional and key in p and step.field(p[key]) is None:
            raise _fail(wf, f"{where}.{key}", f"{p[key]!r} is not a field of step {step.name}")
    if "evidence" in p and step.evidence_kind(p["evidence"]) is None:
        raise _fail(wf, f"{where}.evidence", f"{p['evidence']!r} is not an evidence kind of step {step.name}")
    if "flag" in p and p["flag"] not in wf.flags:
        raise _fail(wf, f"{where}.flag", f"{p['flag']!r} is not a declared flag")


def _check_links(wf: Workflow, step: Step, spec: RuleSpec) -> None:
    """Every other step and stage a rule names exists where it must."""
    where = f"{step.name}.rules.{spec.kind}"
    p = spec.params
    if "return_to" in p:
        stages = [s.name for s in wf.stages]
        if p["return_to"] not in stages or stages.index(p["return_to"]) >= stages.index(step.stage):
            raise _fail(wf, f"{where}.return_to", f"{p['return_to']!r} is not a stage before {step.stage}")
    if "since_step" in p:
        other = wf.steps_by_name.get(p["since_step"])
        if other is None or other.field(p["since_field"]) is None:
            raise _fail(
                wf, f"{where}.since_step", f"{p['since_step']}.{p['since_field']} is not a field of the workflow"
            )
    for field_key, step_key in (*ELSEWHERE.items(), ("prior_field", "prior_step")):
        if step_key not in p:
            continue
        other = wf.steps_by_name.get(p[step_key])
        if other is None or other.field(p[field_key]) is None:
            raise _fail(wf, f"{where}.{step_key}", f"{p[step_key]}.{p[field_key]} is not a field of the workflow")
        if wf.stage_index(other.stage) > wf.stage_index(step.stage) or (step_key == "prior_step" and other is step):
            raise _fail(wf, f"{where}.{step_key}", f"{other.name} does not come before step {step.name}")
    for i, item in enumerate(p.get("items", [])):
        other = wf.steps_by_name.get(item.get("step", "")) if isinstance(item, dict) else None
        if other is None or other.evidence_kind(item.get("evidence", "")) is None:
            raise _fail(wf, f"{where}.items[{i}]", f"{item!r} does not name a step and one of its evidence kinds")
        if "flag" in item and item["flag"] not in wf.flags:
            raise _fail(wf, f"{where}.items[{i}].flag", f"{item['flag']!r} is not a declared flag")


def check_steps(wf: Workflow) -> None:
    """What each step holds on its own: no auditor's step, every name its rules and waiver give
    is its own. Raise WorkflowError naming the file, the place and the problem."""
    for step in wf.steps():
        if "auditor" in step.roles:
            raise _fail(wf, f"{step.name}.roles", "an auditor reads and verifies but changes nothing (Arts. 38–39)")
        for spec in step.rules:
            _check_own(wf, step, spec)
        if step.waiver.flag and step.waiver.flag not in wf.flags:
            raise _fail(wf, f"{step.name}.waiver.flag", f"{step.waiver.flag!r} is not a declared flag")


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
                    raise _fail(wf, f"{step.name}.outcome.routes.{value}", f"no stage {route[7:]!r}")


def missing_settings(wf: Workflow, proc: Procedure) -> list[Setting]:
    """The locality settings `wf` leaves unset: those its procedure owes at its level, and any
    other a rule or a waiver of it takes."""
    wanted = {s.name for s in proc.settings if wf.level in s.levels}
    for step in wf.steps():
        wanted.update(v.setting for spec in step.rules for v in spec.params.values() if isinstance(v, Unset))
        if step.waiver.setting is not None and step.waiver.setting_value is None:
            wanted.add(step.waiver.setting)
    return [s for s in proc.settings if s.name in wanted and s.name not in wf.settings]


def _setting_problem(setting: Setting, value: object) -> str | None:
    if setting.kind == "period":
        return period_problem(value)
    return None if isinstance(value, bool) else f"must be true or false, not {value!r}"


def check_settings(wf: Workflow, proc: Procedure) -> None:
    """The ``[settings]`` of a workflow: each one its procedure declares, of its shape; each one
    a rule or a waiver takes is declared; and, unless the file is an abstract base, none it owes
    is left unset (refused with what to set, citing the article that leaves it to the locality)."""
    declared = {s.name: s for s in proc.settings}
    for name, value in wf.settings.items():
        setting = declared.get(name)
        if setting is None:
            known = ", ".join(declared) or "none"
            raise _fail(wf, f"settings.{name}", f"unknown setting (procedure {proc.key} takes: {known})")
        problem = _setting_problem(setting, value)
        if problem:
            raise _fail(wf, f"settings.{name}", problem)
    for step in wf.steps():
        for spec in step.rules:
            for param, name in spec.from_settings.items():
                if name not in declared:
                    where = spec.where or f"{step.name}.rules"
                    raise _fail(wf, f"{where}.{param}", f"no setting {name!r} in procedure {proc.key}")
        w = step.waiver
        if w.setting is not None and (w.setting not in declared or declared[w.setting].kind != "bool"):
            raise _fail(wf, f"{step.name}.waiver.setting", f"{w.setting!r} is not a true/false setting of {proc.key}")
    if wf.abstract:
        return
    for setting in missing_settings(wf, proc):
        hint = Msg(setting.hint, {"name": setting.name})
        raise WorkflowError(
            Msg("workflow.setting_unset", {"source": wf.source, "name": setting.name, "hint": hint}),
        )
