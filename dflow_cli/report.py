"""dflow report …: the organ's annual rule-of-law report (法治政府建设年度报告, Inspection Rules
Art. 24), written from the data: every figure counted from cases, activities and catalogue items,
each listed with the ids behind it."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import Db, Json, ReadAs, _engine, _path, _run, _say

report_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Reports written from the data: the annual rule-of-law report (法治政府建设年度报告).",
)


@report_app.command("annual")
def report_annual(
    year: Annotated[str, typer.Option("--year", metavar="YYYY", help="The year reported on, e.g. 2025.")],
    organ: Annotated[
        str | None, typer.Option("--organ", metavar="CODE", help="The organ's (default: every organ you read).")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", metavar="FILE", help="The report to write: FILE.docx (to edit) or FILE.pdf."),
    ] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Write the year's rule-of-law report from the data (DOCX to edit, or PDF), or print its figures
    with the ids behind each (--json). Where the data cannot support a sentence the report leaves a
    marked placeholder 【待填写】 for the officer.

    Example: dflow report annual --year 2025 --organ shahe -o 2025年度法治政府建设报告.docx --as ma
    """
    if output is None and not json_out:
        from decision_flow.core.errors import InvalidInput
        from decision_flow.core.i18n import Msg

        def refuse() -> Any:
            raise InvalidInput(Msg("report.no_output", {}))

        _run(json_out, refuse, lambda _r: None)
        return
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.core.i18n import language
        from decision_flow.engine import annual

        lang = language()
        target = _path(output, "-o") if output is not None else None
        if target is not None:
            from decision_flow.presentation.annual import check_target

            check_target(target)  # a wrong suffix is refused before anything is counted
        found = annual.report(engine, year, organ, acting, lang)
        if target is not None:
            from decision_flow.presentation.annual import write
            from decision_flow.presentation.annual.outline import Placeholder, outline

            left = sum(isinstance(block, Placeholder) for block in outline(found, lang))
            found["written"] = {"file": str(target), "bytes": write(found, target, lang), "placeholders": left}
        return found

    def said(r: dict[str, Any]) -> None:
        counted = sum(1 for f in r["figures"] if f["value"] is not None)
        _say("report.written", file=output, figures=counted, placeholders=r["written"]["placeholders"])(r)

    _run(json_out, act, said)
