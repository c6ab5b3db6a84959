"""dflow serve: the consultation pages (公开征求意见页面) as a small web server."""

from __future__ import annotations

from typing import Annotated

import typer

from dflow_cli.common import As, Db, _engine, _report


def serve(
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="The port to listen on.")] = 8000,
    per_minute: Annotated[
        int, typer.Option("--per-minute", metavar="N", help="Opinions (and sign-ins) per address per minute.")
    ] = 10,
    acting: As = None,
    db: Db = None,
) -> None:
    """Serve the consultation pages: each draft's public page with its form and, after the period,
    its feedback table; and the officers' pages (sign-in with dflow user password) where opinions
    are marked. Opinions are received, and signed, as the --as account (an officer of the organs
    served); listens on 127.0.0.1 unless --host says otherwise. Plain HTML, no script.

    Example: dflow serve --port 8000 --as portal
    """
    engine = _engine(db)
    try:
        from decision_flow.core.errors import InvalidInput
        from decision_flow.core.i18n import Msg, t
        from decision_flow.engine.change import reader

        if not 0 < port < 65536 or per_minute < 1:
            raise InvalidInput(Msg("serve.bad_option", {}))
        engine.db.require()
        with engine.db.reading() as s:
            reader(s, acting)  # the receiving account is registered and active
        signer = engine.key_of(acting)  # the receiving account's key: its passphrase, if any, asked now
        if isinstance(signer, Exception):
            raise signer
        engine.keys.passphrase = lambda name, path: None  # never a prompt on the terminal while serving
        import uvicorn

        from decision_flow.presentation.web.app import Settings, build

        app = build(engine, Settings(acting, per_minute))
        print(t(Msg("serve.listening", {"host": host, "port": port})), flush=True)
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    except Exception as exc:
        raise typer.Exit(_report(exc, False)) from None
