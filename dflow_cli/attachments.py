"""dflow withdraw: an attachment made by mistake, withdrawn with a reason (an audited act)."""

from __future__ import annotations

from typing import Annotated

import typer

from dflow_cli.common import As, Db, Id, Json, Step, _change, _run, _say


def withdraw(
    decision: Id,
    step: Step,
    file: Annotated[
        str, typer.Option("--file", metavar="KIND=NAME", help="The file: its kind and name, or SHA-256 start.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it was attached by mistake.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Withdraw an attachment made by mistake from a step of the current stage, with a reason: its
    bytes stay in the store and its attachment in the trail; the step no longer counts it.

    Example: dflow withdraw 12 drafting --file draft=旧草案.docx --reason 误传了旧版本 --as zhao
    """
    from decision_flow.engine.attachments import withdraw as withdrawn

    act = _change(db, decision, lambda engine, i: withdrawn(engine, i, step, file, reason, acting))
    _run(json_out, act, _say("withdraw.done", step=step, kind=lambda r: r["kind"], name=lambda r: r["name"]), step=step)
