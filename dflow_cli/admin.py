"""dflow workflow … and dflow user …: the procedures and the people (admin side)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dflow_cli.common import (
    As,
    Db,
    Json,
    NewPassphrase,
    ReadAs,
    _engine,
    _human,
    _new_passphrase,
    _path,
    _run,
    _say,
    _written_to,
)

workflow_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="The shipped procedures; check a workflow file."
)
user_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Manage users and their roles (an admin changes them; anyone may list them).",
)


@workflow_app.command("list")
def workflow_list(db: Db = None, json_out: Json = False) -> None:
    """List the procedures a new case may use: the shipped ones and, when the database is
    initialised, those installed in it (each at its newest version).

    Example: dflow workflow list
    """
    from decision_flow.engine import versions

    _run(
        json_out,
        lambda: versions.available(_engine(db)),
        _human("workflows"),
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
    name: Annotated[str, typer.Argument(help="A workflow name, e.g. major-decision.")],
    version: Annotated[int | None, typer.Option("--version", help="An earlier or installed version.")] = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Show a procedure's stages, steps, roles, fields and evidence (the version a new case gets,
    or --version N).

    Example: dflow workflow show major-decision-township
    """
    from decision_flow.engine import versions

    _run(
        json_out,
        lambda: versions.named(_engine(db), name, version),
        _human("workflow"),
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
    """Validate a workflow file: its schema and the legal invariants no locality may break.

    Example: dflow workflow check 河南省-major-decision.toml
    """
    from decision_flow import procedures as workflow

    _run(
        json_out,
        lambda: workflow.load_file(_path(file, "FILE")),
        _say(
            "workflow.checked",
            file=file,
            name=lambda wf: wf.name,
            version=lambda wf: wf.version,
            stages=lambda wf: len(wf.stages),
        ),
        lambda wf: {"ok": True, "name": wf.name, "version": wf.version, "sha256": wf.sha256},
    )


@workflow_app.command("install")
def workflow_install(
    file: Annotated[str, typer.Argument(help="A workflow TOML file (it may `extends` a shipped one).")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Validate a locality's workflow file and keep it in the database (admin only), so every
    terminal of a shared server uses it: new cases of its name get it; running cases keep the
    version they were created under. A changed file needs a new version.

    Example: dflow workflow install 河南-normative-document.toml --as admin
    """

    def act() -> Any:
        from decision_flow.engine import versions

        return versions.install(_engine(db), _path(file, "FILE"), acting)

    def human(done: Any) -> None:
        wf = done.workflow
        key = "workflow.installed" if done.new else "workflow.unchanged"
        _say(key, name=wf.name, version=wf.version, sha256=wf.sha256)(done)

    _run(
        json_out,
        act,
        human,
        lambda done: {
            "name": done.workflow.name,
            "version": done.workflow.version,
            "sha256": done.workflow.sha256,
            "installed": done.new,
        },
    )


@workflow_app.command("diagram")
def workflow_diagram(
    name: Annotated[str, typer.Argument(help="A workflow name, e.g. major-decision.")], json_out: Json = False
) -> None:
    """Print a procedure as a Mermaid state diagram (paste into any Mermaid viewer).

    Example: dflow workflow diagram major-decision-township
    """
    from decision_flow import procedures as workflow
    from decision_flow.core.i18n import language
    from decision_flow.definition import diagram

    _run(
        json_out,
        lambda: diagram.mermaid(workflow.get(name), language()),
        lambda text: print(text, end=""),
        lambda text: {"name": name, "mermaid": text},
    )


# ---------------------------------------------------------------------------- users


def _user_json(u: Any) -> dict[str, Any]:
    """A user in the JSON of the `dflow user` commands; `key` is their key's fingerprint."""
    from decision_flow.identity.keys import fingerprint

    return {
        "name": u.name,
        "organ": u.organ,
        "roles": u.roles.split(","),
        "active": u.active,
        "key": fingerprint(u.public_key),
    }


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The new user's name.")],
    role: Annotated[
        list[str],
        typer.Option("--role", help="officer, legal_reviewer, executive, auditor or admin; repeat for several."),
    ],
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key", help="The public key the user made with dflow key new (else a pair is made here)."
        ),
    ] = None,
    organ: Annotated[
        str | None, typer.Option("--organ", metavar="CODE", help="Their organ (default: the admin's own).")
    ] = None,
    acting: As = None,
    passphrase: NewPassphrase = False,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Register a user with one or more roles in their organ and their signing key (an admin of that organ).

    Example: dflow user add zhao --role officer --organ shahe --as li
    """
    engine = _engine(db)
    from decision_flow.engine import users

    def act() -> dict[str, Any]:
        had_file = public_key is not None or engine.keys.path(users.check_name(name)).exists()
        user = users.add(engine, name, role, acting, public_key, _new_passphrase(passphrase), organ)
        written = None if had_file else str(engine.keys.path(user.name))
        where = _written_to(written, user.name)
        return _user_json(user) | {"key_file": written, "where": where}

    _run(
        json_out,
        act,
        _say("user.added", name=lambda r: r["name"], roles=lambda r: ",".join(r["roles"]), where=lambda r: r["where"]),
        lambda r: {k: v for k, v in r.items() if k != "where"},
    )


@user_app.command("grant")
def user_grant(
    name: Annotated[str, typer.Argument(help="The user.")],
    organ: Annotated[str, typer.Option("--organ", metavar="CODE", help="An organ other than their own.")],
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="Their roles there, replacing what they held there; none: they hold none."),
    ] = None,
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Give a user roles in another organ (a county legal reviewer for a township), or take them (an admin there).

    Example: dflow user grant qian --organ shahe --role legal_reviewer --as li
    """
    engine = _engine(db)
    from decision_flow.engine import organs

    def act() -> dict[str, Any]:
        held = organs.grant(engine, name, organ, role or [], acting)
        return {"name": name, "organ": organ, "roles": held.roles.split(",") if held else []}

    def say(r: dict[str, Any]) -> None:
        if r["roles"]:
            _say("organ.granted", name=name, organ=organ, roles=",".join(r["roles"]))(r)
        else:
            _say("organ.ungranted", name=name, organ=organ)(r)

    _run(json_out, act, say)


@user_app.command("role")
def user_role(
    name: Annotated[str, typer.Argument(help="The user whose roles change.")],
    role: Annotated[
        list[str],
        typer.Option("--role", help="The new roles, replacing the old; repeat for several."),
    ],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Replace a user's roles (admin only; an audited event with the old and new roles).

    Example: dflow user role zhao --role officer --role executive --as li
    """
    engine = _engine(db)
    from decision_flow.engine import users

    _run(
        json_out,
        lambda: users.set_roles(engine, name, role, acting),
        _say("user.roles_changed", name=lambda u: u.name, roles=lambda u: u.roles),
        _user_json,
    )


@user_app.command("deactivate")
def user_deactivate(
    name: Annotated[str, typer.Argument(help="The user to deactivate.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Deactivate a user (admin only): never deleted, their history stays theirs; they can act no more.

    Example: dflow user deactivate zhao --as li
    """
    engine = _engine(db)
    from decision_flow.engine import users

    _run(
        json_out,
        lambda: users.deactivate(engine, name, acting),
        _say("user.deactivated", name=lambda u: u.name),
        _user_json,
    )


@user_app.command("list")
def user_list(acting: ReadAs = None, db: Db = None, json_out: Json = False) -> None:
    """List the registered users and their roles (anyone may read them).

    Example: dflow user list
    """
    engine = _engine(db)
    from decision_flow.engine import users

    _run(
        json_out,
        lambda: users.list_users(engine, acting),
        _human("users"),
        lambda us: [_user_json(u) for u in us],
    )


# ---------------------------------------------------------------------------- organs

organ_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="The organs (决策机关) on this server: county, departments, townships.",
)


@organ_app.command("add")
def organ_add(
    code: Annotated[str, typer.Argument(help="A short code: lower-case letters, digits, '-' and '_'.")],
    name: Annotated[str, typer.Option("--name", help="Its full name, e.g. 沙河乡人民政府.")],
    level: Annotated[str, typer.Option("--level", help="county, department or township.")],
    parent: Annotated[str, typer.Option("--parent", metavar="CODE", help="The organ above it.")],
    acting: As = None,
    db: Db = None,
    json_out: Json = False,
) -> None:
    """Register an organ under another (an admin of the one above it).

    Example: dflow organ add shahe --name 沙河乡人民政府 --level township --parent county --as li
    """
    engine = _engine(db)
    from decision_flow.engine import organs

    def act() -> dict[str, Any]:
        organ = organs.add(engine, code, name, level, parent, acting)
        return {"code": organ.code, "name": organ.name, "level": organ.level, "parent": organ.parent}

    _run(
        json_out,
        act,
        _say("organ.added", code=code, name=lambda r: r["name"], level=lambda r: r["level"], parent=parent),
    )


@organ_app.command("list")
def organ_list(acting: ReadAs = None, db: Db = None, json_out: Json = False) -> None:
    """Every organ: code, name, level and the organ above it.

    Example: dflow organ list
    """
    engine = _engine(db)
    from decision_flow.engine import organs

    def act() -> list[dict[str, Any]]:
        return [
            {"code": o.code, "name": o.name, "level": o.level, "parent": o.parent}
            for o in organs.list_organs(engine, acting)
        ]

    def human(rows: list[dict[str, Any]]) -> None:
        from decision_flow.presentation import render

        render.organs(rows)

    _run(json_out, act, human)
