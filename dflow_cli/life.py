"""dflow implement | feedback | suspend | resume | evaluate | adjust: a decision's life after
archiving (Decree 713 Arts. 34-37). Each is one audited act on the decided case; `adjust` opens a
new case, linked to the decision it changes or stops."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import As, Db, Id, Json, _change, _engine, _id, _run, _say

Attach = Annotated[
    list[str] | None,
    typer.Option(
        "--attach",
        metavar="KIND=PATH",
        help="Evidence: implementation_report, problem_report, evaluation_report or opinions; repeat for several.",
    ),
]


def implement(
    decision: Id,
    report: Annotated[str, typer.Option("--report", help="How the decision is being carried out.")],
    problems: Annotated[str | None, typer.Option("--problems", help="Problems met, if any (Art. 35).")] = None,
    attach: Attach = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """The implementing unit's report on a decision in force (Arts. 34-35); refused while it is suspended.

    Example: dflow implement 3 --report "新址已完成平整" --attach implementation_report=进度.pdf --as zhang_wei
    """
    from decision_flow.engine import life

    act = _change(db, decision, lambda engine, i: life.report(engine, i, report, problems, attach or [], acting))
    _run(json_out, act, _say("life.done.implementation_reported", id=decision))


def feedback(
    decision: Id,
    text: Annotated[str, typer.Option("--text", help="What was said of the decision's implementation.")],
    source: Annotated[str | None, typer.Option("--source", help="Who said it (a citizen, a village, …).")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Record tracking feedback (跟踪反馈) on a decision in force or suspended (Art. 35).

    Example: dflow feedback 3 --text "东部三村反映早市班车不足" --source 东风村委会 --as zhang_wei
    """
    from decision_flow.engine import life

    act = _change(db, decision, lambda engine, i: life.feedback(engine, i, text, source, acting))
    _run(json_out, act, _say("life.done.tracking_feedback", id=decision))


def suspend(
    decision: Id,
    reason: Annotated[str, typer.Option("--reason", help="The urgent situation of Art. 35 that calls for it.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """The head suspends a decision's implementation (中止执行, Art. 37); `resume` ends it.

    Example: dflow suspend 3 --reason "新址发现地下管线，需重新评估" --as wang_xiangzhang
    """
    from decision_flow.engine import life

    act = _change(db, decision, lambda engine, i: life.suspend(engine, i, reason, acting))
    _run(json_out, act, _say("life.done.suspended", id=decision))


def resume(
    decision: Id,
    reason: Annotated[str, typer.Option("--reason", help="Why implementation may go on.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """The head ends a suspension: the decision is in force again (Art. 37).

    Example: dflow resume 3 --reason "管线已迁改" --as wang_xiangzhang
    """
    from decision_flow.engine import life

    act = _change(db, decision, lambda engine, i: life.resume(engine, i, reason, acting))
    _run(json_out, act, _say("life.done.resumed", id=decision))


evaluate_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Post-decision evaluation (决策后评估, Art. 36): `start` on a ground, then `report` its conclusion.",
)


@evaluate_app.command("start")
def evaluate_start(
    decision: Id,
    ground: Annotated[str, typer.Option("--ground", help="missed_goals, many_objections or found_necessary.")],
    evaluator: Annotated[str, typer.Option("--evaluator", help="The evaluating unit (never one that assessed it).")],
    due: Annotated[str | None, typer.Option("--due", metavar="YYYY-MM-DD", help="When the report is due.")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Begin a post-decision evaluation; refused if the evaluator did the decision's pre-decision assessments.

    Example: dflow evaluate start 3 --ground many_objections --evaluator 县社科院 --due 2026-03-31 --as zhang_wei
    """
    from decision_flow.engine import life

    act = _change(db, decision, lambda engine, i: life.evaluate(engine, i, ground, evaluator, due, acting))
    _run(json_out, act, _say("life.done.evaluation_started", id=decision))


@evaluate_app.command("report")
def evaluate_report(
    decision: Id,
    conclusion: Annotated[str, typer.Option("--conclusion", help="continue, adjust or stop.")],
    public_opinions: Annotated[str, typer.Option("--public-opinions", help="The public's opinions heard.")],
    expert_opinions: Annotated[str | None, typer.Option("--expert-opinions", help="Experts' opinions.")] = None,
    attach: Attach = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Report the evaluation begun, with the report as evidence (--attach evaluation_report=FILE).

    Example: dflow evaluate report 3 --conclusion adjust --public-opinions "问卷312份" --attach evaluation_report=a.pdf
    """
    from decision_flow.engine import life

    act = _change(
        db,
        decision,
        lambda engine, i: life.evaluation_report(
            engine, i, conclusion, public_opinions, expert_opinions, attach or [], acting
        ),
    )
    _run(json_out, act, _say("life.done.evaluation_reported", id=decision))


def adjust(
    decision: Id,
    kind: Annotated[str, typer.Option("--kind", help="change (a new decision in its place) or stop.")],
    title: Annotated[str, typer.Option("--title", help="The new case's title.")],
    workflow: Annotated[
        str | None, typer.Option("--workflow", help="Its workflow (default: that of the decision adjusted).")
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Open a new case that changes or stops a decision, through the whole procedure again (Art. 37).

    Example: dflow adjust 3 --kind change --title "农贸市场搬迁方案（调整）" --as zhang_wei
    """
    engine = _engine(db)

    def act() -> Any:
        return engine.new(title, workflow or "", [], acting, adjusts=(_id(decision), kind))

    _run(
        json_out,
        act,
        _say("life.done.adjustment_opened", id=lambda d: d.id, original=decision, stage=lambda d: d.stage),
        lambda d: {"id": d.id, "stage": d.stage, "status": d.status, "supersedes": d.supersedes},
    )


def register(app: typer.Typer) -> None:
    """Add the life commands to `dflow`."""
    for command in (implement, feedback, suspend, resume, adjust):
        app.command()(command)
    app.add_typer(evaluate_app, name="evaluate")
