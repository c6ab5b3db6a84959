"""dflow: the command line of decision-flow (重大行政决策程序).

A thin layer: each command parses its options, calls one function of ``decision_flow``,
renders the result, and turns the library's errors into the exit codes of the product
contract (0 done, 1 internal, 2 invalid, 3 blocked, 4 not found, 5 forbidden, 6 conflict,
7 audit failed). Engine modules are imported inside the commands so that ``dflow --help``
stays fast and never loads SQLAlchemy.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli import guided
from dflow_cli.activities import activity_app
from dflow_cli.admin import organ_app, user_app, workflow_app
from dflow_cli.attachments import withdraw
from dflow_cli.audit import audit_app
from dflow_cli.calendar import calendar_app
from dflow_cli.catalogue import catalogue_app
from dflow_cli.common import (
    As,
    Db,
    DflowGroup,
    Id,
    Json,
    NewPassphrase,
    ReadAs,
    Step,
    _change,
    _engine,
    _human,
    _id,
    _new_passphrase,
    _path,
    _run,
    _say,
    _written_to,
)
from dflow_cli.due import due
from dflow_cli.keys import key_app
from dflow_cli.life import register as register_life
from dflow_cli.opinions import opinion_app
from dflow_cli.report import report_app
from dflow_cli.serve import serve

app = typer.Typer(
    cls=DflowGroup,
    rich_markup_mode=None,  # plain help: rendering it with rich costs more than all of typer
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Run major administrative decisions (重大行政决策) through their mandatory procedure.",
)
app.add_typer(workflow_app, name="workflow")
app.add_typer(user_app, name="user")
app.add_typer(organ_app, name="organ")
app.add_typer(audit_app, name="audit")
app.add_typer(key_app, name="key")
app.add_typer(calendar_app, name="calendar")
app.command("due")(due)
app.command("withdraw")(withdraw)
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(activity_app, name="activity")
app.add_typer(report_app, name="report")
app.add_typer(opinion_app, name="opinion")
app.command("serve")(serve)


@app.command()
def init(
    admin: Annotated[
        str | None, typer.Option(help="Register this user as the first admin, with their key pair.")
    ] = None,
    organ: Annotated[
        str, typer.Option("--organ", metavar="CODE", help="The first organ's code, made with the first admin.")
    ] = "main",
    organ_name: Annotated[str, typer.Option("--organ-name", help="Its name, e.g. 沙河乡人民政府.")] = "本机关",
    level: Annotated[str, typer.Option("--level", help="Its level: county, department or township.")] = "county",
    passphrase: NewPassphrase = False,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Create or upgrade the database (idempotent); optionally register the first admin, in the first organ.

    Example: dflow init --admin li
    """
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.engine import users

        key = engine.keys.path(users.check_name(admin)) if admin else None  # a bad name: exit 2, before any path
        had_key = key is not None and key.exists()
        created = users.init(engine, admin, _new_passphrase(passphrase), (organ, organ_name, level))
        written = str(key) if key is not None and not had_key and key.exists() else None
        return {"database": engine.db.display_url, "created": created, "admin": admin, "key_file": written}

    def said(result: dict[str, Any]) -> None:
        from decision_flow.core.i18n import Msg, t
        from decision_flow.presentation.lines import message

        text = t(Msg("db.ready", {"url": result["database"]}))
        if result["admin"]:
            where = _written_to(result["key_file"], result["admin"])
            text += t(Msg("init.admin", {"name": result["admin"], "where": where}))
        message(text)

    _run(json_out, act, said)


@app.command()
def demo(
    workflow: Annotated[
        str | None, typer.Option("--workflow", help="Another procedure's demonstration case, e.g. mediation.")
    ] = None,
    keep: Annotated[
        str | None,
        typer.Option("--keep", metavar="DIR", help="Keep the database and keys in this new or empty folder."),
    ] = None,
    json_out: Json = False,
) -> None:
    """Walk a township decision (or, with --workflow, another procedure's case) through every stage in a
    scratch database (kept with --keep): a refused skip, the verified trail.

    Example: dflow demo --workflow mediation --keep demo-mediation
    """
    from decision_flow.engine import demo as demo_module
    from decision_flow.presentation import render
    from decision_flow.presentation.labels import speaking

    def act() -> dict[str, Any]:
        procedure = demo_module.procedure_of(workflow)
        with speaking(demo_module.workflow(procedure)):  # narrated in the demo's own workflow's words
            kept = _path(keep, "--keep") if keep is not None else None
            return demo_module.run_demo(None if json_out else render.message, procedure, kept)

    def finish(result: dict[str, Any]) -> None:
        with speaking(demo_module.workflow(demo_module.procedure_of(workflow))):
            render.trail(result["trail"])
        from decision_flow.trail.chainwalk import Verdict

        v = result["verify"]
        render.verdict(Verdict(v["ok"], v["events"], v["first_bad_seq"], v["reason"], signed=v["signed"]))

    _run(json_out, act, finish)


# ---------------------------------------------------------------------------- workflows


@app.command()
def new(
    title: Annotated[str, typer.Argument(help="The decision's title.")],
    workflow: Annotated[
        str, typer.Option("--workflow", help="A workflow's name (dflow workflow list), e.g. major-decision-township.")
    ],
    flag: Annotated[
        list[str] | None,
        typer.Option(
            "--flag",
            help="technical, stability_risk, hearing_required, non_disclosable, market_affecting; repeat for several.",
        ),
    ] = None,
    organ: Annotated[
        str | None, typer.Option("--organ", metavar="CODE", help="The organ deciding it (default: your own).")
    ] = None,
    catalogue_item: Annotated[
        str | None,
        typer.Option(
            "--catalogue-item",
            metavar="N",
            help="The item of the organ's decision-item catalogue it is made from (dflow catalogue show).",
        ),
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Create a decision in an organ, optionally from an item of its decision-item catalogue; prints its id.

    Example: dflow new 沙河乡农贸市场搬迁 --workflow major-decision-township --organ shahe --catalogue-item 3 --as zhao
    """
    engine = _engine(db)

    def act() -> Any:
        item = None if catalogue_item is None else _id(catalogue_item, "value.item_id")
        return engine.new(title, workflow, flag or [], acting, organ, catalogue_item=item)

    _run(
        json_out,
        act,
        _say("decision.created", id=lambda d: d.id, workflow=lambda d: d.workflow, stage=lambda d: d.stage),
        lambda d: {"id": d.id, "stage": d.stage, "status": d.status},
    )


@app.command("list")
def list_(
    stage: Annotated[str | None, typer.Option(help="Only decisions at this stage.")] = None,
    status: Annotated[str | None, typer.Option(help="active, rejected, closed or archived.")] = None,
    workflow: Annotated[
        str | None,
        typer.Option(
            "--workflow", help="Only the cases of this workflow, with its procedure's ledger columns (if it keeps one)."
        ),
    ] = None,
    organ: Annotated[str | None, typer.Option("--organ", metavar="CODE", help="Only this organ's decisions.")] = None,
    all_organs: Annotated[
        bool, typer.Option("--all-organs", help="Every organ's (without --as, or for whom reaches them all).")
    ] = False,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Decisions at a glance: the organs you hold a role in (--as), one organ, or all; with
    --workflow, that workflow's cases as its procedure's ledger
    (e.g. the legality-review ledger of normative documents, 合法性审核台账).

    Example: dflow list --workflow normative-document-shahe --json
    """
    engine = _engine(db)
    from decision_flow.engine import queries

    def human(rows: list[dict[str, Any]]) -> None:
        from decision_flow.engine import versions
        from decision_flow.presentation import listing

        listing.ledger(versions.named(engine, workflow), rows) if workflow is not None else listing.decisions(rows)

    _run(json_out, lambda: queries.list_decisions(engine, stage, status, workflow, acting, organ, all_organs), human)


@app.command()
def show(
    decision: Id,
    diagram: Annotated[
        bool, typer.Option("--diagram", help="Draw the case's procedure instead, its current stage highlighted.")
    ] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="With --diagram: mermaid (text, the default) or svg (a picture).")
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help="With --diagram: the file to write.")] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """The decision: stage, each step's status, recorded fields and evidence, what is still missing
    (a step carried over by a return is marked until completed again). With --diagram, its
    procedure drawn with the stages done and the current one marked, as Mermaid text or an SVG
    picture.

    Example: dflow show 12 --diagram --format svg -o case-12.svg
    """
    engine = _engine(db)
    from decision_flow.engine import queries

    if diagram or fmt is not None or output is not None:
        from dflow_cli.diagram import draw

        draw(engine, decision, diagram, fmt, output, acting, json_out)
        return

    def view() -> dict[str, Any]:
        data = queries.show(engine, _id(decision), acting)
        if json_out:
            for item in data["steps"]:
                item.pop("marks", None) if not item["marks"] else None
                item.pop("waiver_reason", None) if item["waiver_reason"] is None else None
        return data

    _run(json_out, view, _human("decision"))


@app.command()
def record(
    decision: Id,
    step: Step,
    set_: Annotated[list[str] | None, typer.Option("--set", help="field=value; repeat for several.")] = None,
    attach: Annotated[list[str] | None, typer.Option("--attach", help="kind=FILE; repeat for several.")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Record data and evidence for a step of the current stage. With nothing to set, at a terminal, it
    asks for each field not yet recorded, checks each answer, and records them all at the end.

    Example: dflow record 12 public_participation --set opened_on=2025-04-01 --attach notice=公告.pdf --as zhao
    """
    if guided.wanted(set_, attach, json_out):
        set_, attach = guided.entry(db, decision, step, acting)
        if not set_ and not attach:
            return
    act = _change(db, decision, lambda engine, i: engine.record(i, step, set_ or [], attach or [], acting))
    _run(json_out, act, _say("record.done", step=step), step=step)


@app.command()
def complete(decision: Id, step: Step, acting: As = None, db: Db = None, json_out: Json = False) -> None:
    """Close one step of the current stage after checking its rules.

    Example: dflow complete 12 public_participation --as zhao
    """
    act = _change(db, decision, lambda engine, i: engine.complete(i, step, acting))
    _run(json_out, act, _say("complete.done", step=step, stage=lambda r: r["stage"]), step=step)


@app.command()
def waive(
    decision: Id,
    step: Step,
    reason: Annotated[str, typer.Option("--reason", help="Why the step does not apply.")],
    reference: Annotated[
        str | None, typer.Option("--reference", help="The earlier assessment relied on (risk assessment, Art. 23).")
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Mark a step not applicable, where the law allows it, with a reason.

    Example: dflow waive 12 expert_review --reason 非专业性、技术性事项 --as zhao
    """
    act = _change(db, decision, lambda engine, i: engine.waive(i, step, reason, acting, reference))
    _run(json_out, act, _say("waive.done", step=step), step=step)


@app.command()
def advance(
    decision: Id,
    to: Annotated[str | None, typer.Option("--to", help="The next stage (anything else is refused).")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Complete what remains of the current stage and move to the next.

    Example: dflow advance 12 --as zhao
    """
    act = _change(db, decision, lambda engine, i: engine.advance(i, acting, to))
    _run(
        json_out,
        act,
        _say(
            "advance.done", id=lambda r: r["id"], stage=lambda r: r["stage"] if r["status"] == "active" else r["status"]
        ),
    )


@app.command("return")
def return_(
    decision: Id,
    to: Annotated[str, typer.Option("--to", help="An earlier stage, e.g. drafting.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the decision goes back.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Send a decision back to an earlier stage (e.g. after an unlawful opinion or an `amend` outcome).

    Every step of that stage and the later ones is reopened, pending, with the values and evidence
    recorded before the return carried over as its starting point: record only what changes, then
    complete it again (every rule is checked again). `dflow show` marks such a step "carried over"
    until it is completed. A waiver is not carried: decide it again.

    Example: dflow return 12 --to drafting --reason 合法性审查意见为不合法 --as qian
    """
    act = _change(db, decision, lambda engine, i: engine.send_back(i, to, reason, acting))
    _run(json_out, act, _say("return.done", id=lambda r: r["id"], stage=lambda r: r["stage"]))


@app.command()
def flag(
    decision: Id,
    name: Annotated[str, typer.Argument(metavar="FLAG", help="technical, stability_risk, hearing_required, ...")],
    reason: Annotated[str, typer.Option("--reason", help="Why the flag changes.")],
    off: Annotated[bool, typer.Option("--off", help="Clear the flag instead of setting it.")] = False,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Set (or with --off clear) a flag after creation: an audited act with a reason, allowed until
    consultation is over; a step the new flags no longer allow is reopened.

    Example: dflow flag 12 technical --reason 县科技局认定涉及专业技术问题 --as zhao
    """
    act = _change(
        db,
        decision,
        lambda engine, i: {
            "flag": name,
            "value": not off,
            "reopened": engine.set_flag(i, name, not off, reason, acting),
        },
    )
    _run(
        json_out,
        act,
        _say("flag.done", flag=name, value=lambda r: r["value"], reopened=lambda r: ", ".join(r["reopened"]) or "—"),
    )


@app.command()
def migrate(
    decision: Id,
    to_version: Annotated[int, typer.Option("--to-version", help="The version of the case's workflow to move to.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Move a running case to another version of its workflow (admin only), as an audited event
    naming both versions. Refused, with the steps in the way, when the new version changes or
    removes a step the case has started or completed, or adds one behind it.

    Example: dflow migrate 12 --to-version 3 --as admin
    """

    def change(engine: Any, i: int) -> dict[str, Any]:
        from decision_flow.engine import versions

        return versions.migrate(engine, i, to_version, acting)

    act = _change(db, decision, change)
    _run(
        json_out,
        act,
        _say(
            "migrate.done",
            id=lambda r: r["id"],
            workflow=lambda r: r["workflow"],
            to_version=lambda r: r["to_version"],
            from_version=lambda r: r["from_version"],
        ),
    )


register_life(app)  # implement, feedback, suspend, resume, adjust, evaluate: after the procedure's commands


def main() -> None:
    """The `dflow` entry point: the command tree made as it is used (dflow_cli/tree.py)."""
    from dflow_cli.tree import LazyRoot

    LazyRoot(app).main()


if __name__ == "__main__":
    main()
