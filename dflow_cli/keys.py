"""dflow key …: each user's signing key pair (Ed25519), made, shown, rotated, revoked, issued."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import As, Db, Json, NewPassphrase, _engine, _new_passphrase, _run, _say, _written_to

key_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Signing keys: every act is signed with its actor's own key."
)
Name = Annotated[str, typer.Argument(help="The user's name.")]
PublicKey = Annotated[
    str | None,
    typer.Option("--public-key", help="A public key the user made on their own machine with dflow key new."),
]


def _key_json(name: str, key: Any) -> dict[str, Any]:
    from decision_flow.identity import keys

    written = key.written
    return {
        "name": name,
        "public_key": key.public,
        "key": keys.fingerprint(key.public),
        "key_file": written and str(written),
    }


@key_app.command("new")
def key_new(name: Name, passphrase: NewPassphrase = False, json_out: Json = False) -> None:
    """Make your own key pair on this machine (no database needed); give the printed public key
    to an admin, who registers it with `user add --public-key` or `key issue --public-key`.

    Example: dflow key new zhao --passphrase
    """

    def act() -> dict[str, Any]:
        from decision_flow.core.errors import InvalidInput
        from decision_flow.core.i18n import Msg
        from decision_flow.engine.users import KeyFile, check_name
        from decision_flow.identity import keys

        user = check_name(name)
        path = keys.key_path(user)
        if path.exists():
            raise InvalidInput(Msg("key.exists", {"name": user, "path": str(path)}))
        key = KeyFile.made(user, path, _new_passphrase(passphrase))
        key.keep()
        return _key_json(user, key)

    _run(
        json_out,
        act,
        _say("key.created", name=lambda r: r["name"], path=lambda r: r["key_file"], public=lambda r: r["public_key"]),
    )


@key_app.command("show")
def key_show(name: Name, json_out: Json = False) -> None:
    """Print the public key in your key file (asks its passphrase if it has one).

    Example: dflow key show zhao
    """

    def act() -> dict[str, Any]:
        from decision_flow.engine.users import check_name
        from decision_flow.identity import keys

        signer = keys.load(check_name(name))
        return {"name": signer.name, "public_key": signer.public, "key": keys.fingerprint(signer.public)}

    _run(
        json_out,
        act,
        _say("key.shown", name=lambda r: r["name"], public=lambda r: r["public_key"], fingerprint=lambda r: r["key"]),
    )


@key_app.command("rotate")
def key_rotate(acting: As = None, passphrase: NewPassphrase = False, db: Db = None, json_out: Json = False) -> None:
    """Replace your key pair with a new one (signed with the old key, an audited event).

    Example: dflow key rotate --as zhao
    """
    engine = _engine(db)
    from decision_flow.engine import users

    def act() -> dict[str, Any]:
        key = users.rotate(engine, acting, _new_passphrase(passphrase))
        return _key_json(str(acting), key) | {"key_file": str(key.path)}

    _run(
        json_out,
        act,
        _say("key.rotated", name=lambda r: r["name"], fingerprint=lambda r: r["key"], path=lambda r: r["key_file"]),
    )


@key_app.command("issue")
def key_issue(
    name: Name,
    public_key: PublicKey = None,
    acting: As = None,
    passphrase: NewPassphrase = False,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Register a key for a user who has none: after a revocation, or an account from before
    signing (admin only). Without --public-key the key pair is made here, for the user.

    Example: dflow key issue zhao --as li
    """
    engine = _engine(db)
    from decision_flow.engine import users

    def act() -> dict[str, Any]:
        key = users.issue(engine, name, acting, public_key, _new_passphrase(passphrase))
        return _key_json(name, key) | {"where": _written_to(key.written, name)}

    _run(
        json_out,
        act,
        _say("key.issued", name=lambda r: r["name"], fingerprint=lambda r: r["key"], where=lambda r: r["where"]),
        lambda r: {k: v for k, v in r.items() if k != "where"},
    )


@key_app.command("revoke")
def key_revoke(
    name: Name,
    reason: Annotated[str, typer.Option("--reason", help="Why: a lost or exposed key, a person leaving.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Revoke a user's key (admin only): they cannot act until an admin issues a new one.

    Example: dflow key revoke zhao --reason 密钥文件遗失 --as li
    """
    engine = _engine(db)
    from decision_flow.engine import users

    _run(
        json_out,
        lambda: {"name": name, "key": users.revoke(engine, name, reason, acting)},
        _say("key.revoked", name=lambda r: r["name"], fingerprint=lambda r: r["key"]),
    )
