"""Installing a locality's workflow file and moving a running case to another version
(流程定义的安装与迁移), both audited.

A new version applies to new cases only, unless an admin moves a running case with
:func:`migrate` — allowed only when no step the case has started or completed is changed or
removed by the new version and no step is added or changed in a stage it has passed
(SpiffWorkflow's rule for migrating a running process, plus what a procedure's order demands).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import decision_flow.engine.reach as reach
from decision_flow import procedures
from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.definition.workflow import Step, Workflow
from decision_flow.engine.change import Change
from decision_flow.engine.definitions import base_for, keep, newest, newest_row, shipped_named, version_of
from decision_flow.engine.engine import Engine

# ---------------------------------------------------------------------------- install


def _identity(text: str) -> tuple[str, int] | None:
    """The (name, version) a workflow file gives, read before it is loaded (None if it does not
    say: the loader then names the problem)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    name, version = data.get("name"), data.get("version")
    ok = isinstance(name, str) and isinstance(version, int) and not isinstance(version, bool)
    return (name, version) if ok else None  # type: ignore[return-value]


@dataclass(frozen=True)
class Installed:
    """What `dflow workflow install` did: the definition, and whether it was new here."""

    workflow: Workflow
    new: bool


def install(engine: Engine, path: Path, actor: str | None) -> Installed:
    """Validate a locality's workflow file and keep it in the database (admin only), as an
    audited event that holds the whole text; new cases of its name get it from then on. The same
    file again changes nothing; a changed file under a version already there, or an older
    version than the newest, is refused."""
    text = procedures.read_text(path)
    own = _identity(text)

    def op(c: Change) -> Installed:
        c.require_admin(reach.root(c.s))  # a definition is for every organ: the top organ's admin
        wf = procedures.load_text(text, str(path), lambda name: base_for(c.s, name, own))
        shipped, row = shipped_named(wf.name), newest_row(c.s, wf.name)
        same = row is not None and row[1] == wf.version
        if (same and row is not None and row[0] == wf.sha256) or (
            row is None and shipped is not None and shipped.sha256 == wf.sha256
        ):
            return Installed(wf, new=False)
        taken = same or (shipped is not None and shipped.version == wf.version)
        if taken:
            raise InvalidInput(Msg("workflow.version_taken", {"name": wf.name, "version": wf.version}))
        latest = max(v for v in (row[1] if row else 0, shipped.version if shipped else 0))
        if wf.version < latest:
            raise InvalidInput(Msg("workflow.version_old", {"name": wf.name, "version": wf.version, "newest": latest}))
        keep(c.s, wf, "installed", c.stamp(), c.user.name)
        c.event(
            "workflow_installed",
            name=wf.name,
            version=wf.version,
            procedure=wf.procedure,
            sha256=wf.sha256,
            extends=wf.extends,
            base_sha256=wf.base_sha256,
            text=text,
        )
        return Installed(wf, new=True)

    return engine.change("workflow_install", actor, None, {"file": str(path)[:300]}, op)


def available(engine: Engine) -> list[Workflow]:
    """The newest version of every workflow a new case may use: the shipped ones, and those
    kept in the database when it is initialised (installed, or shipped with a newer release)."""
    found = {wf.name: wf for wf in procedures.registry().values()}
    if engine.db.exists():
        engine.db.require()
        with engine.db.reading() as s:
            for (name,) in s.all("SELECT DISTINCT name FROM workflow_definitions"):
                found[name] = newest(s, name)
    return [found[name] for name in sorted(found)]


def named(engine: Engine, name: str, version: int | None = None) -> Workflow:
    """The workflow `name` a new case would get, or its `version`; the database is read when it
    is initialised, otherwise only the shipped files and their earlier versions."""
    if not engine.db.exists():
        from decision_flow.engine.definitions import shipped_named, viewed

        if version is not None:
            return viewed(name, version)
        shipped = shipped_named(name)
        if shipped is None:
            return procedures.get(name)  # NotFound, naming the known workflows
        return shipped
    engine.db.require()
    with engine.db.reading() as s:
        return version_of(s, name, version) if version is not None else newest(s, name)


# ---------------------------------------------------------------------------- migrate


def _shape(step: Step) -> tuple[Any, ...]:
    """What a step demands of a case, without its display titles (a retitled step is the same step)."""
    return (
        step.stage,
        step.article,
        step.roles,
        step.waiver,
        tuple((f.name, f.type, f.required, f.choices, f.article) for f in step.fields),
        tuple((e.kind, e.required) for e in step.evidence),
        tuple((r.kind, r.article, dict(r.params)) for r in step.rules),
        step.consultation,
        step.outcome,
    )


def conflicts(old: Workflow, new: Workflow, stage: str, started: set[str], flags: set[str]) -> list[Msg]:
    """Why a case of `old` at `stage`, with `started` steps and `flags`, may not move to `new`
    (empty when it may): a started or completed step changed or removed, the case's stage gone,
    a step added or changed in a stage the case has already passed, or a flag not declared."""
    found: list[Msg] = []
    order = [st.name for st in old.steps()]
    for name in sorted(started, key=lambda n: order.index(n) if n in order else -1):
        if name not in new.steps_by_name:
            found.append(Msg("migrate.step_removed", {"step": name}))
        elif name in old.steps_by_name and _shape(new.steps_by_name[name]) != _shape(old.steps_by_name[name]):
            found.append(Msg("migrate.step_changed", {"step": name}))
    stages = [s.name for s in new.stages]
    if stage not in stages:
        found.append(Msg("migrate.stage_missing", {"stage": stage}))
    else:
        for passed in new.stages[: stages.index(stage)]:
            for step in passed.steps:
                if step.name in started:
                    continue
                before = old.steps_by_name.get(step.name)
                if before is None or _shape(before) != _shape(step):
                    found.append(Msg("migrate.step_behind", {"step": step.name, "stage": passed.name}))
    found += [Msg("migrate.flag_missing", {"flag": flag}) for flag in sorted(flags) if flag not in new.flags]
    return found


def migrate(engine: Engine, decision_id: int, version: int, actor: str | None) -> dict[str, Any]:
    """Move a running case to another version of its workflow (admin only), as an audited event
    naming both versions; refused, with the steps in the way, when it is not safe."""

    def op(c: Change) -> dict[str, Any]:
        c.require_admin(reach.root(c.s))  # a definition is for every organ: the top organ's admin
        c.require_active()
        old = c.workflow
        if version == old.version:
            raise InvalidInput(Msg("migrate.same", {"id": c.dec.id, "version": version}))
        new = version_of(c.s, old.name, version)
        if new.procedure != old.procedure:
            raise InvalidInput(Msg("migrate.other_procedure", {"name": new.name, "version": version}))
        found = conflicts(old, new, c.dec.stage, set(c.records()), set(c.flags()))
        if found:
            article = c.procedure.articles.order
            msg = Msg("migrate.refused", {"id": c.dec.id, "old": old.version, "new": version, "name": old.name})
            raise Blocked(msg, [Reason("migration", article, m) for m in found])
        keep(c.s, new, "shipped", c.stamp(), c.user.name)
        c.save(workflow_version=new.version, workflow_sha256=new.sha256)
        c.event(
            "migrated",
            name=old.name,
            from_version=old.version,
            to_version=new.version,
            from_sha256=old.sha256,
            to_sha256=new.sha256,
        )
        return {"id": c.dec.id, "workflow": old.name, "from_version": old.version, "to_version": new.version}

    return engine.change("migrate", actor, decision_id, {"to_version": version}, op)
