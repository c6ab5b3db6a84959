"""Rule kinds (规则): the named checks a workflow file switches on with parameters.

Each kind is a small function registered with :func:`rule`; a workflow's TOML names the kind
and gives its parameters and article, never code. A check returns the reasons it refuses
(empty when the rule holds). Phases say when a kind runs:

- ``record``   when data is recorded on the step (checks the proposed values);
- ``complete`` when the step is closed;
- ``leave``    when the decision leaves the stage (a finding that blocks moving on).

A reason with ``blocking=False`` is a mark on the record (e.g. ``late``), not a refusal.
"""

from decision_flow.rules import archive, conditions, dates, fields, limits, meeting  # noqa: F401 - each registers its kinds
from decision_flow.rules.kinds import (
    FIELD_PARAMS,
    PARAM_TYPES,
    RULE_KINDS,
    Context,
    RuleKind,
    StepState,
    check_specs,
    refuse,
    rule,
    run,
)

__all__ = [
    "FIELD_PARAMS",
    "PARAM_TYPES",
    "RULE_KINDS",
    "Context",
    "RuleKind",
    "StepState",
    "check_specs",
    "refuse",
    "rule",
    "run",
]
