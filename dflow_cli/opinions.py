"""dflow opinion …: a decision's consultation page (征求意见页面) and the public's opinions on its
draft — open the page for the announced period, show files on it, list and mark the opinions,
and attach the opinion-handling document; and ``dflow user password``, the web pages' login."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from dflow_cli.admin import user_app
from dflow_cli.common import As, Db, Id, Json, ReadAs, _engine, _id, _run, _say

opinion_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="A decision's consultation page and the public's opinions on its draft (公众意见, Decree 713 Arts. 15, 29).",
)
NEW_PASSWORD_ENV = "DFLOW_NEW_PASSWORD"


@opinion_app.command("open")
def opinion_open(
    decision: Id,
    opens_on: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD", help="The first day opinions are taken.")],
    closes_on: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD", help="The last day opinions are taken.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Open the decision's consultation page for the period its notice announces (an officer, at
    the consultation stage); given again, the period is changed. The step's opened_on and
    closed_on are then filled from it once each day has come.

    Example: dflow opinion open 7 --from 2025-04-01 --to 2025-05-06 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import opinions

    _run(
        json_out,
        lambda: opinions.open_page(engine, _id(decision), opens_on, closes_on, acting),
        _say("opinion.page_opened", decision=lambda r: r["decision"], opens_on=lambda r: r["opens_on"],
             closes_on=lambda r: r["closes_on"]),
    )  # fmt: skip


@opinion_app.command("publish")
def opinion_publish(
    decision: Id,
    sha256: Annotated[str, typer.Argument(metavar="SHA256", help="The evidence file's SHA-256 (dflow show).")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Show one of the decision's evidence files (the draft, its explanation) on its consultation
    page, for anyone to download (an officer of the organ).

    Example: dflow opinion publish 7 3f5a…e1 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import opinions

    _run(
        json_out,
        lambda: opinions.publish_file(engine, _id(decision), sha256, acting),
        _say("opinion.published", name=lambda r: r["name"], decision=lambda r: r["decision"]),
    )


@opinion_app.command("add")
def opinion_add(
    decision: Id,
    text: Annotated[str, typer.Option("--text", help="The opinion, as given (2,000 characters at most).")],
    channel: Annotated[
        str, typer.Option("--channel", metavar="CHANNEL", help="How it came: letter or meeting (web is the page's).")
    ] = "letter",
    name: Annotated[str | None, typer.Option("--name", help="Who gave it, if they said.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Their unit, if they said.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Their phone number, if they gave it.")] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Enter an opinion that came by letter or at a meeting during the period (an officer), so the
    counts hold every opinion, whatever its channel.

    Example: dflow opinion add 7 --text 建议保留早市摊位 --channel letter --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import opinions

    _run(
        json_out,
        lambda: opinions.submit(engine, _id(decision), text, name, unit, phone, acting, channel),
        _say("opinion.received", id=lambda r: r["id"], decision=lambda r: r["decision"]),
    )


@opinion_app.command("list")
def opinion_list(decision: Id, acting: ReadAs = None, db: Db = None, json_out: Json = False) -> None:
    """The decision's opinions with how each was handled, and the counts; who gave each only for a
    reader holding a role in the case's organ.

    Example: dflow opinion list 7 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import opinions

    def show(view: Any) -> None:
        from decision_flow.presentation import opinion_view

        opinion_view.listed(view)

    _run(json_out, lambda: opinions.listed(engine, _id(decision), acting), show)


@opinion_app.command("mark")
def opinion_mark(
    opinion: Annotated[str, typer.Argument(metavar="OPINION", help="The opinion's id (dflow opinion list).")],
    mark: Annotated[str, typer.Option("--mark", metavar="MARK", help="adopted, partly or not_adopted.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required unless adopted); published with it.")
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Mark how an opinion was handled, with the reason (an officer, while the consultation step
    is open); a mark may be changed until then.

    Example: dflow opinion mark 3 --mark not_adopted --reason 搬迁已列入规划 --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import opinions

    def said(r: dict[str, Any]) -> None:
        from decision_flow.presentation import labels

        _say("opinion.marked", id=r["id"], mark=labels.opinion_mark(r["mark"]))(r)

    _run(json_out, lambda: opinions.mark(engine, _id(opinion, "value.opinion_id"), mark, reason, acting), said)


@opinion_app.command("handling")
def opinion_handling(decision: Id, acting: As = None, db: Db = None, json_out: Json = False) -> None:
    """Make the opinion-handling document (意见采纳情况及理由, PDF) from the marks and attach it to
    the consultation step as its evidence, once the period has closed and every opinion is marked.

    Example: dflow opinion handling 7 --as zhao
    """
    engine = _engine(db)
    from decision_flow.presentation.exports import handling

    _run(
        json_out,
        lambda: handling.attach(engine, _id(decision), acting),
        _say("opinion.handling_attached", name=lambda r: r["name"], decision=lambda r: r["decision"],
             received=lambda r: r["received"], adopted=lambda r: r["adopted"]),
    )  # fmt: skip


def _password() -> str:
    """The new password: DFLOW_NEW_PASSWORD, else asked twice on the terminal."""
    from decision_flow.core.errors import InvalidInput
    from decision_flow.core.i18n import Msg, t

    given = os.environ.get(NEW_PASSWORD_ENV)
    if given is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        raise InvalidInput(Msg("password.needed", {}))
    typed: str = typer.prompt(
        t(Msg("password.prompt")), hide_input=True, confirmation_prompt=t(Msg("password.prompt_again"))
    )
    return typed


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user whose password is set.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Set a user's password for the officer's web page (dflow serve), asked twice (scripts:
    DFLOW_NEW_PASSWORD); an admin of their organ, or the user themself. Kept as a salted scrypt
    hash; their changes are still signed with their own key.

    Example: dflow user password zhao --as admin
    """
    engine = _engine(db)
    from decision_flow.engine import passwords

    def act() -> dict[str, Any]:
        passwords.set_password(engine, name, _password(), acting)
        return {"name": name}

    _run(json_out, act, _say("password.set", name=name))
