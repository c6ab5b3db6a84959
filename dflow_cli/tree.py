"""The command tree made as it is used: a run of ``dflow show 1`` turns only ``show`` into a
command, not the other sixty (issue 17: start-up near the interpreter's own).

Typer makes a click command from each function's signature when the app is called: all of them,
every run, whatever the run names (about 40 ms here, a third of what ``dflow --help`` costs
above ``import typer``). :class:`LazyRoot` holds the app's functions and sub-apps and asks typer
for one of them only when the parser resolves its name; ``dflow --help`` lists every command
from its help text without making any. Tests that call the app through typer's ``CliRunner`` get
the whole tree made at once (typer's own way); tests/test_cli.py checks that both trees have the
same commands and draw the same help.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer
import typer.main
from typer.models import CommandInfo, TyperInfo

from dflow_cli.common import DflowGroup, first_sentence, tidy_help


def _name(info: CommandInfo | TyperInfo) -> str:
    if isinstance(info, CommandInfo):
        return info.name or typer.main.get_command_name(info.callback.__name__)  # type: ignore[union-attr]
    return str(info.name)


def _help(info: CommandInfo | TyperInfo) -> str:
    """The help typer gives the command made from `info`: its own, else its function's docstring
    (for a sub-app, the app's)."""
    if isinstance(info, TyperInfo):
        info = info.typer_instance.info  # type: ignore[union-attr,assignment]
    given = info.help if isinstance(info.help, str) else None
    return given or inspect.getdoc(info.callback) or ""


class LazyRoot(DflowGroup):
    """The root group of `app`, each of whose commands and sub-apps is made when first named."""

    def __init__(self, app: typer.Typer) -> None:
        super().__init__(name="", commands={}, no_args_is_help=True, help=app.info.help, rich_markup_mode=None)
        self.app = app
        entries: list[CommandInfo | TyperInfo] = [*app.registered_commands, *app.registered_groups]
        self.entries = {_name(info): info for info in entries}

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.entries)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        made = self.commands.get(cmd_name)
        if made is None and cmd_name in self.entries:
            made = self._make(self.entries[cmd_name])
            tidy_help(made)
            self.commands[cmd_name] = made
        return made

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """As typer's, its "did you mean" drawn from every command's name, made or not."""
        from difflib import get_close_matches

        from typer._click.exceptions import UsageError

        try:
            return self._click_resolve_command(ctx, args)
        except UsageError as exc:
            matches = get_close_matches(args[0], list(self.entries)) if args else []
            if matches:
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise

    def _make(self, info: CommandInfo | TyperInfo) -> Any:
        short, markup = self.app.pretty_exceptions_short, None
        if isinstance(info, CommandInfo):
            return typer.main.get_command_from_info(info, pretty_exceptions_short=short, rich_markup_mode=markup)
        return typer.main.get_group_from_info(
            info, pretty_exceptions_short=short, suggest_commands=self.app.suggest_commands, rich_markup_mode=markup
        )

    def summaries(self, chinese: dict[str, str] | None) -> list[tuple[str, str]]:
        """Each command's name and one-line summary as ``dflow --help`` lists them, read from the
        help texts (`chinese`: the catalogue's, for a Chinese reader), making no command."""
        rows = [(name, first_sentence(_help(info))) for name, info in self.entries.items()]
        if chinese is None:
            return rows
        from dflow_cli.help_zh import key_of, summary

        keys = {name: key_of((name,)) for name in self.entries}
        return [(name, summary(chinese[keys[name]]) if keys[name] in chinese else said) for name, said in rows]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from typer.core import _  # the parser's words: the catalogue's while a Chinese help is drawn

        chinese = None
        if getattr(self, "_chinese", False):  # translated (dflow_cli/help_zh.py) for a Chinese reader
            from dflow_cli.help_zh import catalogue

            chinese = catalogue()
        rows = self.summaries(chinese)
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)
