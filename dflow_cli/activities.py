"""dflow activity …: an organ's register of rule-of-law work no procedure records (study sessions,
publicity events, legal consultations, legal advisers appointed to villages), which its annual
report counts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import As, Db, Json, ReadAs, _engine, _id, _run, _say

activity_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="An organ's register of rule-of-law activities (集中学法, 普法宣传, 法律咨询, 法律顾问) its annual "
    "report counts.",
)


def _register(view: Any) -> None:
    from decision_flow.presentation import activity_view

    activity_view.register(view)


@activity_app.command("add")
def activity_add(
    organ: Annotated[str, typer.Option("--organ", metavar="CODE", help="The organ that held it.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="study_session (集中学法), publicity_event (普法宣传活动), legal_consultation (法律咨询) or "
            "adviser_appointment (法律顾问聘任).",
        ),
    ],
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="The day it was held (not after today).")],
    count: Annotated[
        str, typer.Option("--count", metavar="N", help="How many took part (people, or consultations given).")
    ],
    title: Annotated[str | None, typer.Option("--title", help="What it was, e.g. 宪法宣传周.")] = None,
    materials: Annotated[
        str | None, typer.Option("--materials", metavar="N", help="Leaflets and booklets handed out.")
    ] = None,
    village: Annotated[
        str | None, typer.Option("--village", help="The village it concerns (required for adviser_appointment).")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Anything else worth keeping.")] = None,
    attach: Annotated[
        list[str] | None,
        typer.Option("--attach", metavar="FILE", help="A file kept for it (sign-in sheet, photograph); repeatable."),
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Record an activity of an organ (an officer or admin of the organ): its kind, day, how many
    took part, the materials handed out, and the files kept for it (stored by SHA-256).

    Example: dflow activity add --organ shahe --kind study_session --on 2025-03-10 --count 40 --attach sign.pdf --as ma
    """
    engine = _engine(db)
    from decision_flow.engine import activities

    def act() -> dict[str, Any]:
        files = list(attach or [])
        return activities.add(engine, organ, kind, on, count, title, materials, village, notes, files, acting)

    def said(r: dict[str, Any]) -> None:
        from decision_flow.presentation import labels

        _say(
            "activity.added",
            id=r["id"],
            organ=r["organ"],
            kind=labels.activity_kind(r["kind"]),
            on=labels.day(r["held_on"]),
            count=r["count"],
        )(r)

    _run(json_out, act, said)


@activity_app.command("withdraw")
def activity_withdraw(
    activity: Annotated[str, typer.Argument(metavar="ID", help="The activity's id (dflow activity list).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn (e.g. recorded twice).")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Withdraw an activity recorded by mistake, with the reason: it is marked withdrawn (when, by
    whom, why), never deleted, and no longer counted.

    Example: dflow activity withdraw 3 --reason 重复登记 --as ma
    """
    engine = _engine(db)
    from decision_flow.engine import activities

    _run(
        json_out,
        lambda: activities.withdraw(engine, _id(activity, "value.activity_id"), reason, acting),
        _say("activity.withdrawn", id=lambda a: a.id, reason=lambda a: a.withdrawn_reason),
        activities.as_json,
    )


@activity_app.command("list")
def activity_list(
    year: Annotated[str, typer.Option("--year", metavar="YYYY", help="The year, e.g. 2025.")],
    organ: Annotated[
        str | None, typer.Option("--organ", metavar="CODE", help="One organ's (default: every organ you read).")
    ] = None,
    acting: ReadAs = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """The activities of a year, then what the annual report counts per kind: the activities, the
    people, the materials handed out, and the ids behind each figure (withdrawn ones left out).

    Example: dflow activity list --year 2025 --organ shahe
    """
    engine = _engine(db)
    from decision_flow.engine import activities

    _run(json_out, lambda: activities.listed(engine, organ, year, acting), _register)
