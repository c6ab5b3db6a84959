"""What the engine knows of a procedure besides its workflow files: its articles, invariants,
legal gates and separation-of-duties rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from decision_flow.definition.workflow import Workflow


@dataclass(frozen=True)
class Duty:
    """Separation of duties (职责分离): whoever recorded one of the steps `earlier` names in a
    case may not record, complete or advance `stage` of the same case; refused as `rule` under
    `article`, with the message `message` (params: user, steps, id)."""

    stage: str
    earlier: Callable[[Workflow], list[str]]
    rule: str
    article: str
    message: str


@dataclass(frozen=True)
class Articles:
    """The articles behind the engine's own checks, which differ by procedure: stages in their
    order (a step of another stage, a skip, a return forward, a closed case), the order of the
    dates recorded, and until when a flag may change."""

    order: str
    dates: str
    flags: str


@dataclass(frozen=True)
class Act:
    """One act of a demonstration walk: `record` a step's fields and evidence kinds, `waive` a
    step with a reason, `advance` the case, or `skip` (an advance `to` a later stage, which the
    engine must refuse)."""

    verb: str
    actor: str
    step: str | None = None
    fields: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    to: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Demo:
    """A realistic case of the procedure, walked by `dflow demo` in a throwaway database."""

    title: str
    workflow: str
    flags: tuple[str, ...]
    today: date
    users: tuple[tuple[str, str], ...]  # (name, role)
    acts: tuple[Act, ...]


@dataclass(frozen=True)
class Procedure:
    """What the engine needs to know of one procedure besides its workflow files."""

    key: str
    articles: Articles
    check: Callable[[Workflow], None]  # the invariants no locality's file may break
    gates: tuple[str, ...] = ()  # steps never skipped: a jump over one names it
    duties: tuple[Duty, ...] = ()
    demo: Demo | None = None
