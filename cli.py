"""dflow: the command line of decision-flow (重大行政决策程序).

A thin layer: each command parses its options, calls one function of ``decision_flow``,
renders the result, and turns the library's errors into the exit codes of the product
contract (0 done, 1 internal, 2 invalid, 3 blocked, 4 not found, 5 forbidden, 6 conflict,
7 audit failed). Engine modules are imported inside the commands so that ``dflow --help``
stays fast and never loads SQLAlchemy.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from decision_flow.engine import Engine

MAX_ID = 2**63 - 1


class DflowGroup(TyperGroup):
    """The root group: usage errors become one line (or JSON) with exit 2; never a traceback."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except KeyboardInterrupt:
            code = 130
        except Exception as exc:  # usage errors of the (vendored) click; anything else is reported
            if hasattr(exc, "format_message"):
                code = _usage_error(exc, "--json" in argv)
            else:
                code = _report(exc, "--json" in argv)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


class AuditGroup(TyperGroup):
    """`dflow audit ID` prints a trail; `dflow audit verify|...` are subcommands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["trail", *args]
        return super().parse_args(ctx, args)


def _usage_error(exc: Any, as_json: bool) -> int:
    """Print a usage error of the option parser as one line; return its exit code (2)."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return 0  # the help was printed already
    lines = str(exc.format_message()).splitlines()
    text = lines[0] if lines else "invalid usage"
    if as_json:
        print(json.dumps({"error": {"code": "invalid", "message": text, "reasons": []}}, ensure_ascii=False))
    print(f"dflow: {text}", file=sys.stderr)
    return int(getattr(exc, "exit_code", 2)) or 2


app = typer.Typer(
    cls=DflowGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Run major administrative decisions (重大行政决策) through their mandatory procedure.",
)
workflow_app = typer.Typer(no_args_is_help=True, help="The shipped procedures; check a workflow file.")
user_app = typer.Typer(no_args_is_help=True, help="Manage users and their roles (admin only).")
audit_app = typer.Typer(
    cls=AuditGroup, no_args_is_help=True, help="Print (`dflow audit ID`) or verify the tamper-evident audit trail."
)
app.add_typer(workflow_app, name="workflow")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="DFLOW_DB",
        show_envvar=True,
        help="Database URL or SQLite file (default ~/.local/share/dflow/dflow.db).",
    ),
]
As = Annotated[str | None, typer.Option("--as", envvar="DFLOW_USER", show_envvar=True, help="The acting user.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
Id = Annotated[str, typer.Argument(metavar="ID", help="The decision's id.")]
Step = Annotated[str, typer.Argument(help="A step of the current stage, e.g. public_participation.")]


def _engine(db: str | None) -> Engine:
    from decision_flow.db import Database
    from decision_flow.engine import Engine

    return Engine(Database(db))


def _id(value: str) -> int:
    from decision_flow.errors import InvalidInput
    from decision_flow.i18n import Msg

    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise InvalidInput(Msg("value.id", {"value": value[:40]}))
    return int(value)


def _report(exc: BaseException, as_json: bool) -> int:
    """Print an error as one line (and JSON when asked); return its exit code. An exception that
    is not a DflowError is a bug: it becomes an internal error unless DFLOW_DEBUG=1."""
    from decision_flow import render
    from decision_flow.errors import DflowError
    from decision_flow.i18n import Msg

    if not isinstance(exc, DflowError):
        if os.environ.get("DFLOW_DEBUG") == "1":
            raise exc
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        exc = DflowError(Msg("internal", {"error": f"{type(exc).__name__}: {first}"}))
    if as_json:
        doc = {"error": {"code": exc.code, "message": exc.message(), "reasons": [r.as_dict() for r in exc.reasons]}}
        print(json.dumps(doc, ensure_ascii=False))
    render.error(exc)
    return exc.exit_code


def _run(
    as_json: bool,
    action: Callable[[], Any],
    human: Callable[[Any], None],
    machine: Callable[[Any], Any] = lambda result: result,
    exit_code: Callable[[Any], int] = lambda result: 0,
) -> None:
    """Call the library, then print the result as JSON or for a person; map errors to exits."""
    try:
        result = action()
        if as_json:
            print(json.dumps(machine(result), ensure_ascii=False, default=str))
        else:
            human(result)
    except (KeyboardInterrupt, typer.Exit):
        raise
    except Exception as exc:
        raise typer.Exit(_report(exc, as_json)) from None
    if exit_code(result):
        raise typer.Exit(exit_code(result))


def _say(key: str, **params: Any) -> Callable[[Any], None]:
    def show(_result: Any) -> None:
        from decision_flow import render
        from decision_flow.i18n import Msg, t

        render.message(t(Msg(key, {k: (v(_result) if callable(v) else v) for k, v in params.items()})))

    return show


def _state(engine: Engine, decision: int) -> dict[str, Any]:
    from decision_flow.queries import show

    view = show(engine, decision)
    return {"id": view["id"], "stage": view["stage"], "status": view["status"]}


# ---------------------------------------------------------------------------- set-up


@app.command()
def init(
    admin: Annotated[str | None, typer.Option(help="Register this user as the first admin.")] = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Create or upgrade the database (idempotent); optionally register the first admin."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow import users

        created = users.init(engine, admin)
        return {"database": engine.db.display_url, "created": created, "admin": admin}

    _run(json_out, act, _say("db.ready", url=lambda r: r["database"]))


@app.command()
def demo(json_out: Json = False) -> None:
    """Walk a township decision through every stage in a scratch database: a refused skip, the verified trail."""
    from decision_flow import demo as demo_module
    from decision_flow import render

    def finish(result: dict[str, Any]) -> None:
        render.trail(result["trail"])
        from decision_flow.audit import Verdict

        render.verdict(Verdict(**result["verify"]))

    _run(json_out, lambda: demo_module.run_demo(None if json_out else render.message), finish)


# ---------------------------------------------------------------------------- workflows


@workflow_app.command("list")
def workflow_list(json_out: Json = False) -> None:
    """List the shipped procedures."""
    from decision_flow import render, workflow

    _run(
        json_out,
        lambda: list(workflow.registry().values()),
        render.workflows,
        lambda wfs: [
            {
                "name": w.name,
                "version": w.version,
                "level": w.level,
                "title": w.title.en,
                "title_zh": w.title.zh,
                "sha256": w.sha256,
            }
            for w in wfs
        ],
    )


@workflow_app.command("show")
def workflow_show(
    name: Annotated[str, typer.Argument(help="A workflow name, e.g. major-decision.")], json_out: Json = False
) -> None:
    """Show a procedure's stages, steps, roles, fields and evidence."""
    from decision_flow import render, workflow

    _run(
        json_out,
        lambda: workflow.get(name),
        render.workflow,
        lambda wf: (
            wf.machine_spec()
            | {
                "name": wf.name,
                "version": wf.version,
                "level": wf.level,
                "steps": [
                    {
                        "step": s.name,
                        "stage": s.stage,
                        "roles": list(s.roles),
                        "fields": [f.name for f in s.fields],
                        "evidence": [e.kind for e in s.evidence],
                        "waiver": s.waiver.policy,
                    }
                    for s in wf.steps()
                ],
            }
        ),
    )


@workflow_app.command("check")
def workflow_check(file: Annotated[str, typer.Argument(help="A workflow TOML file.")], json_out: Json = False) -> None:
    """Validate a workflow file: its schema and the legal invariants no locality may break."""
    from pathlib import Path

    from decision_flow import workflow

    _run(
        json_out,
        lambda: workflow.load_file(Path(file)),
        lambda wf: print(f"{file}: OK ({wf.name} v{wf.version}, {len(wf.stages)} stages)"),
        lambda wf: {"ok": True, "name": wf.name, "version": wf.version, "sha256": wf.sha256},
    )


@workflow_app.command("diagram")
def workflow_diagram(
    name: Annotated[str, typer.Argument(help="A workflow name, e.g. major-decision.")], json_out: Json = False
) -> None:
    """Print a procedure as a Mermaid state diagram (paste into any Mermaid viewer)."""
    from decision_flow import diagram, workflow
    from decision_flow.i18n import language

    _run(
        json_out,
        lambda: diagram.mermaid(workflow.get(name), language()),
        lambda text: print(text, end=""),
        lambda text: {"name": name, "mermaid": text},
    )


# ---------------------------------------------------------------------------- users


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The new user's name.")],
    role: Annotated[
        list[str],
        typer.Option("--role", help="officer, legal_reviewer, executive, auditor or admin; repeat for several."),
    ],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Register a user with one or more roles (admin only)."""
    engine = _engine(db)
    from decision_flow import users

    _run(
        json_out,
        lambda: users.add(engine, name, role, acting),
        _say("user.added", name=lambda u: u.name, roles=lambda u: u.roles),
        lambda u: {"name": u.name, "roles": u.roles.split(","), "active": u.active},
    )


@user_app.command("list")
def user_list(db: Db = None, json_out: Json = False) -> None:
    """List the registered users and their roles."""
    engine = _engine(db)
    from decision_flow import render, users

    _run(
        json_out,
        lambda: users.list_users(engine),
        render.users,
        lambda us: [{"name": u.name, "roles": u.roles.split(","), "active": u.active} for u in us],
    )


# ---------------------------------------------------------------------------- decisions


@app.command()
def new(
    title: Annotated[str, typer.Argument(help="The decision's title.")],
    workflow: Annotated[str, typer.Option("--workflow", help="major-decision or major-decision-township.")],
    flag: Annotated[
        list[str] | None,
        typer.Option(
            "--flag",
            help="technical, stability_risk, hearing_required, non_disclosable, market_affecting; repeat for several.",
        ),
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Create a decision; prints its id."""
    engine = _engine(db)
    _run(
        json_out,
        lambda: engine.new(title, workflow, flag or [], acting),
        _say("decision.created", id=lambda d: d.id, workflow=lambda d: d.workflow, stage=lambda d: d.stage),
        lambda d: {"id": d.id, "stage": d.stage, "status": d.status},
    )


@app.command("list")
def list_(
    stage: Annotated[str | None, typer.Option(help="Only decisions at this stage.")] = None,
    status: Annotated[str | None, typer.Option(help="active, rejected or archived.")] = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Decisions at a glance."""
    engine = _engine(db)
    from decision_flow import queries, render

    _run(json_out, lambda: queries.list_decisions(engine, stage, status), render.decisions)


@app.command()
def show(decision: Id, db: Db = None, json_out: Json = False) -> None:
    """The decision: stage, each step's status, recorded fields and evidence, what is still missing."""
    engine = _engine(db)
    from decision_flow import queries, render

    def view() -> dict[str, Any]:
        data = queries.show(engine, _id(decision))
        if json_out:
            for item in data["steps"]:
                item.pop("marks", None) if not item["marks"] else None
                item.pop("waiver_reason", None) if item["waiver_reason"] is None else None
        return data

    _run(json_out, view, render.decision)


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
    """Record data and evidence for a step of the current stage."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        i = _id(decision)
        engine.record(i, step, set_ or [], attach or [], acting)
        return _state(engine, i)

    _run(json_out, act, _say("record.done", step=step))


@app.command()
def complete(decision: Id, step: Step, acting: As = None, db: Db = None, json_out: Json = False) -> None:
    """Close one step of the current stage after checking its rules."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        i = _id(decision)
        engine.complete(i, step, acting)
        return _state(engine, i)

    _run(json_out, act, _say("complete.done", step=step, stage=lambda r: r["stage"]))


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
    """Mark a step not applicable, where the law allows it, with a reason."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        i = _id(decision)
        engine.waive(i, step, reason, acting, reference)
        return _state(engine, i)

    _run(json_out, act, _say("waive.done", step=step))


@app.command()
def advance(
    decision: Id,
    to: Annotated[str | None, typer.Option("--to", help="The next stage (anything else is refused).")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Complete what remains of the current stage and move to the next."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        i = _id(decision)
        engine.advance(i, acting, to)
        return _state(engine, i)

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
    """Send a decision back to an earlier stage (e.g. after an unlawful opinion or an `amend` outcome)."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        i = _id(decision)
        engine.send_back(i, to, reason, acting)
        return _state(engine, i)

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
    consultation is over; a step the new flags no longer allow is reopened."""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        i = _id(decision)
        reopened = engine.set_flag(i, name, not off, reason, acting)
        return {**_state(engine, i), "flag": name, "value": not off, "reopened": reopened}

    _run(
        json_out,
        act,
        _say("flag.done", flag=name, value=lambda r: r["value"], reopened=lambda r: ", ".join(r["reopened"]) or "—"),
    )


# ---------------------------------------------------------------------------- audit


@audit_app.command("trail", hidden=True)
def audit_trail(decision: Id, db: Db = None, json_out: Json = False) -> None:
    """Print a decision's audit trail."""
    engine = _engine(db)
    from decision_flow import queries, render

    _run(json_out, lambda: queries.trail(engine, _id(decision)), render.trail)


@audit_app.command("verify")
def audit_verify(
    decision: Annotated[str | None, typer.Argument(metavar="[ID]", help="Check that this decision exists too.")] = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Verify the whole hash chain and every evidence file; name the first bad event (exit 7)."""
    engine = _engine(db)
    from decision_flow import queries, render

    def act() -> Any:
        if decision is not None:
            queries.trail(engine, _id(decision))
        return queries.verify(engine)

    _run(json_out, act, render.verdict, lambda v: v.as_dict(), exit_code=lambda v: 0 if v.ok else 7)


def main() -> None:
    """The `dflow` entry point."""
    app()


if __name__ == "__main__":
    main()
