"""dflow calendar …: the official working-day calendar past the shipped data (法定工作日历)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import As, Db, Json, _engine, _path, _run

calendar_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="The official working-day calendar: import a year from the State Council's notice, show a year, check.",
)


def _view(name: str) -> Any:
    """The printer `decision_flow.presentation.calendar_view.<name>`, imported only when drawn."""

    def draw(result: Any) -> None:
        from decision_flow.presentation import calendar_view

        getattr(calendar_view, name)(result)

    return draw


@calendar_app.command("import")
def calendar_import(
    file: Annotated[str, typer.Argument(help="The year's file: TOML, or JSON if it ends in .json (docs/calendar.md).")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a year already imported (needs --reason).")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the imported year is replaced.")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Import one year's holidays and adjusted working days from the State Council's notice
    (admin only; an audited, signed event).

    Example: dflow calendar import 2027.toml --as admin"""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.engine import calendar

        return calendar.import_file(engine, _path(file, "FILE"), acting, replace, reason)

    _run(json_out, act, _view("imported"))


@calendar_app.command("show")
def calendar_show(
    year: Annotated[int, typer.Argument(help="The year, e.g. 2027.")],
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Show a year of the official calendar: its source, holidays and adjusted working days.

    Example: dflow calendar show 2027"""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.engine import calendar

        return calendar.show(engine, year)

    _run(json_out, act, _view("year"))


@calendar_app.command("check")
def calendar_check(db: Db = None, json_out: Json = False) -> None:
    """Compare every imported year with the installed chinese-calendar; any day they see
    differently is listed (exit 7).

    Example: dflow calendar check --json"""
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.engine import calendar

        return calendar.check(engine)

    _run(json_out, act, _view("check"), exit_code=lambda r: 0 if r["ok"] else 7)
