"""dflow due: every deadline the engine knows, soonest first (到期事项)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import Db, Json, ReadAs, _engine, _run


def due(
    organ: Annotated[str | None, typer.Option("--organ", metavar="CODE", help="Only this organ's deadlines.")] = None,
    all_organs: Annotated[
        bool, typer.Option("--all-organs", help="Every organ's (without --as, or for whom reaches them all).")
    ] = False,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="DAYS",
            help="Only what falls due within so many calendar days (e.g. 10d), and all that is overdue.",
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="Count from this day instead of today (reproducible reports)."
        ),
    ] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Every deadline the engine knows across open cases, soonest first: publication within 20
    working days of the decision (R23), the legality review's and the filing's time limits where
    a workflow sets them, the decision-item catalogue's planned dates (Art. 3) and the
    post-decision evaluations' due dates (Art. 36); each with its case, the working days left
    (overdue ones marked) and the article. Scoped as `dflow list` is: the organs you hold a role
    in (--as), one organ, or all.

    Example: dflow due --within 10d --as zhang_wei
    """

    def act() -> Any:
        from decision_flow.engine import due as agenda

        days = agenda.parse_within(within) if within is not None else None
        day = agenda.parse_today(today) if today is not None else None
        return agenda.due(_engine(db), acting, organ, all_organs, days, day)

    def human(found: Any) -> None:
        from decision_flow.presentation import due_view

        due_view.show(found)

    def machine(found: Any) -> Any:
        from decision_flow.presentation import due_view

        return due_view.as_json(found)

    _run(json_out, act, human, machine)
