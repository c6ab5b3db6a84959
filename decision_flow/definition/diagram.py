"""A workflow as a diagram: Mermaid state-diagram text drawn from the machine's own spec, and the
shape a picture is laid out from (:func:`shape`); either may mark where a case stands
(:class:`Marks`: its current stage or end, and the stages it has done)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from decision_flow.core.labels import STATUSES, TRIGGERS
from decision_flow.definition.workflow import ENDINGS, Workflow

FINAL = "archived"  # the end a case reaches by advancing out of the last stage
CLOSED_STEP = ("completed", "waived")


@dataclass(frozen=True)
class Marks:
    """Where a case stands on its procedure's diagram: its `current` stage (or the end state it
    reached: archived, rejected, closed) and the stages it has `done` (every step closed)."""

    current: str
    done: frozenset[str] = frozenset()


def marks(wf: Workflow, stage: str, status: str, steps: Mapping[str, str]) -> Marks:
    """The marks of a case at `stage` with `status`, its steps' statuses by name (pending,
    completed, waived). A stage is done when each of its steps is closed and the case has gone
    past it (an archived case has gone past every one; an ended case, past the stage it ended at)."""
    index = wf.stage_index(stage) if status == "active" else len(wf.stages)
    done = frozenset(
        s.name
        for i, s in enumerate(wf.stages)
        if i < index and all(steps.get(step.name) in CLOSED_STEP for step in s.steps)
    )
    return Marks(stage if status == "active" else status, done)


def mermaid(wf: Workflow, lang: str = "en", at: Marks | None = None) -> str:
    """`stateDiagram-v2` text: each stage with its title, advances, returns, rejection; the
    states keep their machine names (Mermaid's identifiers), the labels are in `lang`. With
    `at`, the stages done and the current one are styled (``classDef``)."""
    pick = 1 if lang == "zh" else 0
    spec = wf.machine_spec()
    ends = spec["states"][len(wf.stages) :]
    lines = ["stateDiagram-v2", f"    [*] --> {spec['initial']}"]
    for stage in wf.stages:
        lines.append(f"    {stage.name} : {stage.title.get(lang)}")
    for end in [FINAL] + [e for e in ends if e != FINAL]:
        lines.append(f"    {end} : {STATUSES[end][pick]}")
    for t in spec["transitions"]:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        trigger = t["trigger"] if not t["trigger"].startswith("return_to_") else "return"
        label = TRIGGERS[trigger][pick] if trigger in TRIGGERS else trigger
        for source in sources:
            lines.append(f"    {source} --> {t['dest']} : {label}")
    lines += [f"    {end} --> [*]" for end in [FINAL] + [e for e in ends if e != FINAL]]
    if at is not None:
        lines.append("    classDef done fill:#e3f1df,stroke:#4f8a43,color:#1d3b17")
        lines.append("    classDef current fill:#fde2bd,stroke:#c8661b,stroke-width:3px,color:#4a2506")
        done = [s.name for s in wf.stages if s.name in at.done]
        if done:
            lines.append(f"    class {','.join(done)} done")
        lines.append(f"    class {at.current} current")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Return:
    """A return the workflow names (a finding that blocks, or a meeting's outcome): from the
    stage `source` back to `target`, under `articles`."""

    source: str
    target: str
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Ending:
    """An outcome that ends a case at `stage` with the end status `status` (rejected, closed)."""

    stage: str
    status: str
    article: str


@dataclass(frozen=True)
class Shape:
    """What a picture of the workflow draws: its stages in order (each advancing to the next,
    the last to `archived`), the returns and the endings its steps name."""

    stages: tuple[str, ...]
    returns: tuple[Return, ...] = ()
    endings: tuple[Ending, ...] = ()
    ends: tuple[str, ...] = field(default=(FINAL,))


def shape(wf: Workflow) -> Shape:
    """The workflow's shape for a picture. Every stage may be sent back to any earlier one (the
    machine allows it, with a reason); a picture draws only the returns the rules and outcomes
    name, where the law sends a case back."""
    returns: dict[tuple[str, str], list[str]] = {}
    endings: list[Ending] = []
    for stage in wf.stages:
        for step in stage.steps:
            for spec in step.rules:
                target = spec.params.get("return_to")
                if isinstance(target, str):
                    returns.setdefault((stage.name, target), []).append(spec.article)
            if step.outcome is None:
                continue
            for route in dict.fromkeys(step.outcome.routes.values()):
                if route.startswith("return:"):
                    returns.setdefault((stage.name, route[7:]), []).append(step.outcome.article)
                elif route in ENDINGS:
                    endings.append(Ending(stage.name, ENDINGS[route], step.outcome.article))
    found = tuple(Return(s, t, tuple(dict.fromkeys(a))) for (s, t), a in returns.items())
    ends = (FINAL, *dict.fromkeys(e.status for e in endings))
    return Shape(tuple(s.name for s in wf.stages), found, tuple(endings), ends)
