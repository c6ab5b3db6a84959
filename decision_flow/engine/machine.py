"""The state machine: one transitions ``Machine`` per workflow, decisions attached per change.

Stages are states; ``advance`` is guarded by ``may_leave`` (the leave-phase rules of the
stage's steps, plus every step completed or waived); returns and rejection are triggers too.
Building a Machine costs several times more than attaching a model, so machines are built
once per workflow and cached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from transitions import EventData, Machine

from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import Workflow
from decision_flow.rules import Context

_machines: dict[tuple[str, str], Machine] = {}


class Case:
    """A decision as the machine sees it for one change: its state and, after a refused
    guard, the reasons."""

    state: str

    def __init__(self, stage: str, context: Context | None = None) -> None:
        self.stage, self.context = stage, context
        self.reasons: list[Reason] = []

    def may_leave(self, event: EventData) -> bool:
        from decision_flow.engine.procedure import leave_reasons

        assert self.context is not None, "advancing needs the decision's context"
        assert event.transition is not None
        self.reasons = leave_reasons(self.context, self.context.workflow.stage(event.transition.source))
        return not self.reasons

    # attached by transitions at add_model time: trigger("advance"), trigger("reject"), ...
    trigger: Callable[..., bool]


def machine_for(wf: Workflow) -> Machine:
    """The machine of `wf`, built on first use."""
    key = (wf.name, wf.sha256)
    machine = _machines.get(key)
    if machine is None:
        machine = Machine(model=None, auto_transitions=False, send_event=True, **wf.machine_spec())
        _machines[key] = machine
    return machine


@contextmanager
def attached(wf: Workflow, stage: str, context: Context | None = None) -> Iterator[Case]:
    """A decision at `stage` attached to its workflow's machine for one change."""
    case = Case(stage, context)
    machine = machine_for(wf)
    machine.add_model(case, initial=stage)
    try:
        yield case
    finally:
        machine.remove_model(case)
