"""Rule kinds of archiving: the whole record present and every file intact."""

from __future__ import annotations

from decision_flow.core.errors import Reason
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.kinds import Context, refuse, rule


@rule("archive_integrity", (), phases=("complete",))
def archive_integrity(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """Every earlier step is completed or waived, with its required fields and evidence present,
    and every evidence file still matches the SHA-256 recorded when it was attached."""
    problems = []
    for other in ctx.workflow.steps():
        if other.name == step.name:
            break
        state = ctx.state(other.name)
        if state.status == "waived":
            continue
        if state.status != "completed":
            problems.append(f"{other.name}: {state.status}")
            continue
        problems += [
            f"{other.name}.{f.name}" for f in other.fields if f.required and state.fields.get(f.name) in (None, "", [])
        ]
        problems += [f"{other.name}/{e.kind}" for e in other.evidence if e.required and not state.evidence.get(e.kind)]
        for kind, files in state.evidence.items():
            problems += [f"{other.name}/{kind}/{name} (SHA-256)" for name, sha in files if not ctx.evidence_intact(sha)]
    return [refuse(spec, "rule.archive", problems="; ".join(problems))] if problems else []
