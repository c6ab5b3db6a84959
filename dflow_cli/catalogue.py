"""dflow catalogue …: an organ's yearly decision-item catalogue (决策事项目录, Decree 713 Art. 3)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import As, Db, Json, ReadAs, _engine, _human, _id, _path, _run, _say

catalogue_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="An organ's yearly catalogue of major decisions (决策事项目录, Art. 3): items, Party committee consent, "
    "publication.",
)

Year = Annotated[str, typer.Option("--year", metavar="YYYY", help="The catalogue's year, e.g. 2025.")]
Organ = Annotated[str, typer.Option("--organ", metavar="CODE", help="The organ whose catalogue it is.")]


def _item_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "organ": item.organ,
        "year": item.year,
        "title": item.title,
        "undertaking_unit": item.undertaking_unit,
        "planned_on": item.planned_on,
        "basis": item.basis,
        "removed": None
        if item.removed_at is None
        else {"at": item.removed_at, "by": item.removed_by, "reason": item.removed_reason},
    }


@catalogue_app.command("add")
def catalogue_add(
    year: Year,
    organ: Organ,
    title: Annotated[str, typer.Option("--title", help="The decision the organ plans to make.")],
    unit: Annotated[str, typer.Option("--unit", help="Its undertaking unit (承办单位).")],
    planned: Annotated[
        str, typer.Option("--planned", metavar="YYYY-MM-DD", help="The date it is planned by, within the year.")
    ],
    basis: Annotated[str | None, typer.Option("--basis", help="Its legal or policy basis.")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why it is added: required once the catalogue is published.")
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Add an item to an organ's catalogue of a year (an officer or admin of the organ); once the
    catalogue is published, an item added during the year needs --reason.

    Example: dflow catalogue add --year 2025 --organ shahe --title 农贸市场搬迁 --unit 经发办 --planned 2025-06-30
    """
    engine = _engine(db)
    from decision_flow.engine import catalogue

    _run(
        json_out,
        lambda: catalogue.add(engine, year, organ, title, unit, planned, basis, reason, acting),
        _say(
            "catalogue.added",
            id=lambda i: i.id,
            organ=lambda i: i.organ,
            year=lambda i: i.year,
            title=lambda i: i.title,
        ),
        _item_json,
    )


@catalogue_app.command("remove")
def catalogue_remove(
    item: Annotated[str, typer.Argument(metavar="ITEM", help="The item's id (dflow catalogue show).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is taken off the catalogue.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Take an item off its catalogue, with the reason: it is marked removed (when, by whom, why),
    never deleted; an item a decision was made from stays.

    Example: dflow catalogue remove 3 --reason 经乡党委会议研究，调整至下一年度 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import catalogue

    _run(
        json_out,
        lambda: catalogue.remove(engine, _id(item, "value.item_id"), reason, acting),
        _say("catalogue.removed", id=lambda i: i.id, reason=lambda i: i.removed_reason),
        _item_json,
    )


@catalogue_app.command("consent")
def catalogue_consent(
    year: Year,
    organ: Organ,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The date the Party committee consented.")],
    body: Annotated[str, typer.Option("--body", help="The same-level Party committee, e.g. 中共沙河乡委员会.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Record the same-level Party committee's consent to the catalogue (before it is published).

    Example: dflow catalogue consent --year 2025 --organ shahe --on 2025-01-10 --body 中共沙河乡委员会 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import catalogue

    def act() -> dict[str, Any]:
        cat = catalogue.consent(engine, year, organ, on, body, acting)
        return {"organ": cat.organ, "year": cat.year, "consent": {"on": cat.consent_on, "body": cat.consent_body}}

    _run(
        json_out,
        act,
        _say(
            "catalogue.consented",
            organ=lambda r: r["organ"],
            year=lambda r: r["year"],
            body=lambda r: r["consent"]["body"],
            on=lambda r: r["consent"]["on"],
        ),
    )


@catalogue_app.command("publish")
def catalogue_publish(
    year: Year,
    organ: Organ,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The date it was published.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Record the catalogue's publication: only once the Party committee's consent is recorded,
    and not dated before it (Art. 3). Items added or removed afterwards need a reason.

    Example: dflow catalogue publish --year 2025 --organ shahe --on 2025-01-15 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import catalogue

    def act() -> dict[str, Any]:
        cat, listed = catalogue.publish(engine, year, organ, on, acting)
        return {"organ": cat.organ, "year": cat.year, "published_on": cat.published_on, "items": listed}

    _run(
        json_out,
        act,
        _say(
            "catalogue.published",
            organ=lambda r: r["organ"],
            year=lambda r: r["year"],
            on=lambda r: r["published_on"],
            items=lambda r: len(r["items"]),
        ),
    )


@catalogue_app.command("show")
def catalogue_show(
    year: Year,
    organ: Annotated[
        str | None, typer.Option("--organ", metavar="CODE", help="One organ's (default: every organ you read).")
    ] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """The catalogues of a year: each item with the decision made from it (its stage and status),
    removed items with why, the Party committee's consent and the publication.

    Example: dflow catalogue show --year 2025 --organ shahe
    """
    engine = _engine(db)
    from decision_flow.engine import catalogue

    _run(json_out, lambda: catalogue.show(engine, year, organ, acting), _human("catalogues"))


@catalogue_app.command("export")
def catalogue_export(
    year: Year,
    organ: Organ,
    fmt: Annotated[str, typer.Option("--format", help="pdf (to print and post) or csv (for a spreadsheet).")],
    output: Annotated[str, typer.Option("-o", "--output", help="The file to write.")],
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Export an organ's catalogue for publication, in Chinese: the items still listed, with their
    unit, planned date and basis, and the Party committee's consent.

    Example: dflow catalogue export --year 2025 --organ shahe --format pdf -o 沙河乡2025年决策事项目录.pdf
    """
    engine = _engine(db)

    def act() -> dict[str, Any]:
        from decision_flow.presentation.exports import catalogue

        items = catalogue.export(engine, year, organ, fmt, _path(output, "-o"), acting)
        return {"organ": organ, "year": int(year), "format": fmt, "file": output, "items": items}

    _run(
        json_out,
        act,
        _say(
            "catalogue.exported",
            file=output,
            fmt=fmt,
            organ=organ,
            year=lambda r: r["year"],
            items=lambda r: r["items"],
        ),
    )
