"""dflow audit …: print, verify, checkpoint and export the tamper-evident audit trail."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dflow_cli.common import Db, Id, Json, ReadAs, _engine, _human, _id, _path, _run, _say


class AuditGroup(TyperGroup):
    """`dflow audit ID` prints a trail; `dflow audit verify|head|export` are subcommands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["trail", *args]
        return super().parse_args(ctx, args)


audit_app = typer.Typer(
    cls=AuditGroup,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Print (`dflow audit ID`), verify, checkpoint or export the audit trail.",
)


@audit_app.command("trail")
def audit_trail(decision: Id, acting: ReadAs = None, db: Db = None, json_out: Json = False) -> None:
    """Print a decision's audit trail, one event a line: `dflow audit ID` for short.

    Example: dflow audit 12 --as li_audit
    """
    engine = _engine(db)
    from decision_flow.engine import queries

    _run(json_out, lambda: queries.trail(engine, _id(decision), acting), _human("trail"))


@audit_app.command("verify")
def audit_verify(
    decision: Annotated[str | None, typer.Argument(metavar="ID", help="Check that this decision exists too.")] = None,
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="A checkpoint file (what `dflow audit head [--decision ID]` printed); with --file too.",
        ),
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file", help="Verify an exported JSON trail offline (no database, no user: --as is not checked)."
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Check every signature again, not only those added since the last run here.")
    ] = False,
    organ: Annotated[
        str | None,
        typer.Option("--organ", metavar="CODE", help="Verify the registry chain and this organ's chain only."),
    ] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Verify every chain and every evidence file, or an exported trail; name the chain and first bad event (exit 7).

    Example: dflow audit verify --anchor checkpoint.txt
    """

    def act() -> Any:
        from decision_flow.trail import checkpoint, filecheck

        if file is not None:
            held = None if anchor is None else checkpoint.read_anchor(_path(anchor, "--anchor"))
            return filecheck.verify_file(_path(file, "--file"), held, _path(anchor, "--anchor") if anchor else None)
        anchors = None if anchor is None else checkpoint.read_anchors(_path(anchor, "--anchor"))
        from decision_flow.engine import queries, verification

        engine = _engine(db)
        if decision is not None:
            queries.trail(engine, _id(decision), acting)
        if anchors is not None:
            return verification.verify_anchor(engine, anchors, acting)
        return verification.verify(engine, full=full, actor=acting, organ=None if organ is None else _chain(organ))

    _run(json_out, act, _human("verdict"), lambda v: v.as_dict(), exit_code=lambda v: 0 if v.ok else 7)


@audit_app.command("head")
def audit_head(
    decision: Annotated[
        str | None,
        typer.Option("--decision", metavar="ID", help="The checkpoint of one decision's own chain (for its exports)."),
    ] = None,
    organ: Annotated[
        str | None,
        typer.Option("--organ", metavar="CODE", help="The checkpoint of one organ's chain (registry: the registry's)."),
    ] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Print checkpoints (each chain's size, head hash, time) to keep outside the system for `verify --anchor`.

    Example: dflow audit head > checkpoint.txt
    """
    engine = _engine(db)

    def act() -> Any:
        from decision_flow.engine import verification

        chain = None if organ is None else _chain(organ)
        return verification.checkpoint(engine, acting, None if decision is None else _id(decision), chain)

    def plain(found: Any) -> None:
        print("\n".join(cp.plain() for cp in (found if isinstance(found, list) else [found])), end="")

    def shape(found: Any) -> Any:
        return [cp.as_dict() for cp in found] if isinstance(found, list) else found.as_dict()

    _run(json_out, act, plain, shape)


def _chain(code: str) -> str:
    """A chain named on the command line: `registry` or an organ's code as typed."""
    import decision_flow.engine.reach as reach

    return code.strip() if code.strip() == "registry" else reach.check_code(code)


@audit_app.command("export")
def audit_export(
    decision: Id,
    fmt: Annotated[str, typer.Option("--format", help="pdf, html, csv or json.")],
    output: Annotated[str, typer.Option("-o", "--output", help="The file to write.")],
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Export a decision's trail for printing (pdf, html), spreadsheets (csv) or offline verification (json).

    Example: dflow audit export 12 --format pdf -o 决策12审计记录.pdf --as li_audit
    """

    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.presentation import exports, render

        with render.progress(json_out) as tick:
            events = exports.export(engine, _id(decision), fmt, _path(output, "-o"), tick, acting)
        result = {"decision": int(decision), "format": fmt, "file": output, "events": events}
        if fmt == "json":  # what the file holds, as a checkpoint to keep apart from it
            from decision_flow.trail import trailfile

            result["checkpoint"] = trailfile.file_checkpoint(_path(output, "-o")).as_dict()
        return result

    def show(result: dict[str, Any]) -> None:
        _say("export.done", file=output, events=lambda r: r["events"], fmt=fmt)(result)
        if "checkpoint" in result:
            from decision_flow.trail.checkpoint import Checkpoint

            _say("export.checkpoint")(result)
            print(Checkpoint(**result["checkpoint"]).plain(), end="")

    _run(json_out, act, show)
