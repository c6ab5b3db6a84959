"""Plumbing shared by the dflow command modules: error reporting, exit codes, options."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from decision_flow.core.errors import DflowError
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
        if argv[:1] == ["--version"]:
            from importlib.metadata import version

            print(f"dflow {version('decision-flow')}")
            return 0 if not standalone_mode else sys.exit(0)
        tidy_help(self)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except KeyboardInterrupt:
            code = 130
        except Exception as exc:  # usage errors of the (vendored) click; anything else is reported
            if hasattr(exc, "format_message"):
                code = _usage_error(exc, "--json" in argv)
            else:
                from decision_flow.presentation.labels import speaking

                with speaking():
                    code = _report(exc, "--json" in argv)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _usage_error(exc: Any, as_json: bool) -> int:
    """Print a usage error of the option parser as one line; return its exit code (2)."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # `dflow` or `dflow user` alone: the help, on stdout
        print(exc.format_message())
        return 0
    from decision_flow.core.i18n import recognise, t

    lines = str(exc.format_message()).splitlines()
    text = lines[0] if lines else "invalid usage"
    said = recognise(text)  # the option parser speaks English: its commonest errors, in the reader's language
    if said is not None and said.key.startswith("usage."):
        text = t(said)
    if as_json:
        print(json.dumps({"error": {"code": "invalid", "message": text, "reasons": []}}, ensure_ascii=False))
    print(f"dflow: {text}", file=sys.stderr)
    return int(getattr(exc, "exit_code", 2)) or 2


# The value each option takes, as its help names it (never a Python type such as <list[str]>).
METAVARS = {
    "set": "FIELD=VALUE",
    "attach": "KIND=FILE",
    "as": "NAME",
    "db": "URL|FILE",
    "reason": "TEXT",
    "admin": "NAME",
    "organ": "CODE",
    "workflow": "NAME",
    "flag": "FLAG",
    "role": "ROLE",
    "format": "FORMAT",
    "output": "FILE",
    "file": "FILE",
    "anchor": "FILE",
    "to": "STAGE",
    "stage": "STAGE",
    "status": "STATUS",
    "today": "YYYY-MM-DD",
    "year": "YEAR",
}
_ABBREVIATIONS = ("e.g.", "i.e.", "Art.", "Arts.", "No.", "cf.", "etc.")


def first_sentence(text: str) -> str:
    """The first sentence of a help text, whole: a full stop after an abbreviation (e.g., Art.)
    ends none."""
    flat = " ".join(text.split("\n\n")[0].split())
    at = 0
    while True:
        end = flat.find(". ", at)
        if end < 0:
            return flat
        if not flat[: end + 1].endswith(_ABBREVIATIONS):
            return flat[: end + 1]
        at = end + 2


def tidy_help(group: Any) -> None:
    """Every command's help as an officer reads it: its summary the whole first sentence, each
    option's value named (FIELD=VALUE, NAME) rather than typed (<list[str]>), no argument shown
    with its Python type. Done once, on the built command tree. For a Chinese reader each
    command's context is one that draws its help in Chinese (dflow_cli/help_zh.py)."""
    if getattr(group, "_tidied", False):
        return
    from decision_flow.core.lang import language

    chinese: type | None = None
    if language() == "zh":
        from dflow_cli.help_zh import ChineseContext

        chinese = ChineseContext
    stack = [group]
    while stack:
        command = stack.pop()
        if command.help and not command.short_help:
            command.short_help = first_sentence(command.help)
        for param in command.params:
            option = param.param_type_name == "option"
            if option and not getattr(param, "is_flag", False) and param.metavar is None:
                long = max(param.opts, key=len).lstrip("-")
                param.metavar = METAVARS.get(long, long.upper().replace("-", "_"))
            if param.param_type_name == "argument":
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
                param.metavar = (param.metavar or param.name or "value").strip("[]").upper()
        if chinese is not None:
            command.context_class = chinese
        stack.extend(getattr(command, "commands", {}).values())
    group._tidied = True


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
ReadAs = Annotated[  # the same option on a read, where it may be left out
    str | None,
    typer.Option(
        "--as",
        envvar="DFLOW_USER",
        show_envvar=True,
        help="The reading user: optional (a read needs no identity), but a user named must be registered and active.",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
NewPassphrase = Annotated[
    bool,
    typer.Option(
        "--passphrase",
        help="Protect the new key file with a passphrase, asked twice (scripts: DFLOW_NEW_PASSPHRASE).",
    ),
]
Id = Annotated[str, typer.Argument(metavar="ID", help="The decision's id.")]
Step = Annotated[str, typer.Argument(help="A step of the current stage, e.g. public_participation.")]


def _engine(db: str | None) -> Engine:
    from decision_flow.engine import Engine
    from decision_flow.store.db import Database

    return Engine(Database(db))


def _new_passphrase(wanted: bool) -> bytes | None:
    """The passphrase a new key file gets: DFLOW_NEW_PASSPHRASE, else asked twice on the
    terminal when --passphrase is given, else none."""
    from decision_flow.identity import keys

    if not wanted or os.environ.get(keys.NEW_PASSPHRASE_ENV):
        return keys.new_passphrase()
    if sys.stdin is None or not sys.stdin.isatty():
        from decision_flow.core.errors import InvalidInput
        from decision_flow.core.i18n import Msg

        raise InvalidInput(Msg("key.passphrase_needed", {}))
    from decision_flow.core.i18n import Msg, t

    return keys.new_passphrase(
        lambda: typer.prompt(t(Msg("key.prompt_new")), hide_input=True, confirmation_prompt=t(Msg("key.prompt_again")))
    )


def _id(value: str, key: str = "value.id") -> int:
    """An id as typed (a decision's, or what message `key` names): a whole number, 1 or more."""
    from decision_flow.core.errors import InvalidInput
    from decision_flow.core.i18n import Msg
    from decision_flow.core.values import half_width

    digits = half_width(value.strip())  # ２ as 2, as in every number typed
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19 or not 0 < int(digits) <= MAX_ID:
        raise InvalidInput(Msg(key, {"value": value[:40]}))
    return int(digits)


def _path(value: str, option: str) -> Path:
    """A file name from the command line; control characters and undecodable bytes are refused
    (invalid input) before any file is opened."""
    from decision_flow.core.values import clean_text

    clean_text(value, option, 4096)
    return Path(value)


def _report(exc: BaseException, as_json: bool) -> int:
    """Print an error as one line (and JSON when asked); return its exit code. An exception that
    is not a DflowError is a bug: it becomes an internal error unless DFLOW_DEBUG=1."""
    from decision_flow.core.errors import DflowError
    from decision_flow.core.i18n import Msg

    if not isinstance(exc, DflowError):
        if os.environ.get("DFLOW_DEBUG") == "1":  # the traceback, for a developer: secrets masked
            import traceback

            from decision_flow.core.secret import redact

            sys.stderr.write(redact("".join(traceback.format_exception(exc))))
            return 1
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        exc = DflowError(Msg("internal", {"error": f"{type(exc).__name__}: {first}"}))
    if exc.workflow is not None:  # the case's own workflow names its steps and stages
        from decision_flow.presentation.labels import speaking

        with speaking(exc.workflow):
            return _reported(exc, as_json)
    return _reported(exc, as_json)


def _reported(exc: DflowError, as_json: bool) -> int:
    """Print a library error (JSON too when asked); its exit code."""
    from decision_flow.presentation.lines import error

    if as_json:
        doc = {"error": {"code": exc.code, "message": exc.message(), "reasons": [r.as_dict() for r in exc.reasons]}}
        print(json.dumps(doc, ensure_ascii=False))
    error(exc)
    return exc.exit_code


def _run(
    as_json: bool,
    action: Callable[[], Any],
    human: Callable[[Any], None],
    machine: Callable[[Any], Any] = lambda result: result,
    exit_code: Callable[[Any], int] = lambda result: 0,
    step: str | None = None,
) -> None:
    """Call the library, then print the result as JSON or for a person; map errors to exits.
    Every message is rendered naming steps, stages and fields in the reader's words (those of
    `step`, the step the command acts on, for its fields)."""
    from decision_flow.presentation.labels import speaking

    with speaking(at=step):
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


def _human(name: str) -> Callable[[Any], None]:
    """The printer `decision_flow.presentation.render.<name>`, imported only when a person's output is drawn
    (a --json run never loads rich's tables)."""

    def draw(result: Any) -> None:
        from decision_flow.presentation import render

        getattr(render, name)(result)

    return draw


def _written_to(path: Path | str | None, name: str) -> str:
    """The clause telling an admin where a new key file was written for `name` ('' if none)."""
    from decision_flow.core.i18n import Msg, t

    return t(Msg("key.written_to", {"path": str(path), "name": name})) if path else ""


def _say(key: str, **params: Any) -> Callable[[Any], None]:
    def show(_result: Any) -> None:
        from decision_flow.core.i18n import Msg, t
        from decision_flow.presentation.lines import message

        message(t(Msg(key, {k: (v(_result) if callable(v) else v) for k, v in params.items()})))

    return show


def _change(db: str | None, decision: str, change: Callable[[Engine, int], Any]) -> Callable[[], dict[str, Any]]:
    """The action of a command that changes one decision: open the database, parse the id,
    make the change, and report the decision's state afterwards (plus what the change returned,
    when that is a mapping)."""

    def act() -> dict[str, Any]:
        from decision_flow.core.errors import DflowError
        from decision_flow.engine.queries import changed_since, last_change, state, workflow_of
        from decision_flow.presentation.labels import speak_of

        engine = _engine(db)
        i = _id(decision)
        before = last_change(engine, i)
        try:
            extra = change(engine, i)
        except KeyboardInterrupt:  # Ctrl-C: say what the database holds, then exit 130
            try:
                done: bool | None = changed_since(_engine(db), i, before)
            except Exception:  # the database cannot be asked now: say so, never a traceback
                done = None
            _interrupted(done, i)
            raise
        now = state(engine, i)
        with contextlib.suppress(DflowError):  # what is said of the change is in its case's words
            speak_of(workflow_of(engine, i))
        return {**now, **extra} if isinstance(extra, dict) else now

    return act


def _interrupted(done: bool | None, decision: int) -> None:
    """Tell the officer, after Ctrl-C, whether the change was written (a change commits whole or
    not at all, so it is one or the other; None: the database could not be asked)."""
    from decision_flow.core.i18n import Msg, t

    key = {True: "interrupted.done", False: "interrupted.none", None: "interrupted.unknown"}[done]
    print(t(Msg(key, {"id": decision})), file=sys.stderr)
