"""Every command's ``--help`` in Chinese, for a reader whose language is Chinese (issue 17).

The English is the commands' own docstrings and ``help=`` texts; the Chinese is in the message
catalogue (``decision_flow/core/messages/help*.py``), keyed by the command's path:

- ``help.<path>``: the command's description, without its example (``help.activity.add``;
  the root is ``help.dflow``). The example keeps the English docstring's command line, under
  "示例：", so it is written once.
- ``help.<path>.<option>`` / ``help.<path>.<argument>``: an option's help by its longest name
  (``help.activity.add.--organ``), an argument's by its parameter name (``help.new.title``).
- ``help.common.<name>``: an option or argument shared by many commands (``SHARED`` below), used
  wherever its English is that of the shared definition, word for word.
- ``help.click.*``: the option parser's own words (section titles, "[required]", the usage line).

It is applied once to the built command tree, and only when a help is drawn: each command's
context is a :class:`ChineseContext` (set by :func:`dflow_cli.common.tidy_help`), whose
``get_help`` translates the tree first. A run that draws no help loads none of this.

The parser's fixed words: typer builds "Options", "Commands", "[required]", "[default: …]" and
"env var: …" through gettext's ``_``, looked up as the global ``typer.core._`` when the help is
drawn; "Usage: " is the formatter's default prefix, "[OPTIONS]" and "COMMAND [ARGS]..." are
attributes of each command, and "Show this message and exit." is the help option's ``help``.
Rather than installing a gettext catalogue (a .mo file, a second catalogue) or copying typer's
formatting methods, ``typer.core._`` is swapped for a catalogue lookup only while a Chinese help
is drawn (and put back after), the formatter is a subclass that says "用法：", and the rest are
plain attributes set on the tree: the least of typer's insides this depends on. The same swap
lets lines be wrapped by their width on screen (a Chinese character is two columns).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

try:  # typer >= 0.2x carries its own click; before, it used click itself (same formatter, same module)
    from typer._click import formatting
except ImportError:  # pragma: no cover
    from click import formatting  # type: ignore[no-redef]

from dflow_cli.common import As, Db, Id, Json, NewPassphrase, ReadAs, Step

# Options and arguments defined once in dflow_cli.common for many commands: help.common.<name>.
SHARED: dict[str, Any] = {
    "db": Db,
    "as": As,
    "read_as": ReadAs,
    "json": Json,
    "passphrase": NewPassphrase,
    "id": Id,
    "step": Step,
}
_EXAMPLE = re.compile(r"^\s*Example: (.*)$", re.S)


def catalogue() -> dict[str, str]:
    from decision_flow.core.messages import help_texts

    return help_texts()


def key_of(path: tuple[str, ...]) -> str:
    """The catalogue key of a command's help: help.activity.add; the root's help.dflow."""
    return "help." + (".".join(path) if path else "dflow")


def param_name(param: Any) -> str:
    """How a parameter is named in its key: an option by its longest name, an argument by its
    parameter name."""
    return str(max(param.opts, key=len)) if param.param_type_name == "option" else str(param.name)


def examples(english: str | None) -> list[str]:
    """The command lines of the English help's "Example:" paragraphs."""
    found = (_EXAMPLE.match(p) for p in (english or "").split("\n\n"))
    return [" ".join(m.group(1).split()) for m in found if m]


def summary(text: str) -> str:
    """The first sentence of a Chinese help (up to its first 。), for a group's list."""
    first = text.split("\n\n")[0]
    end = first.find("。")
    return first if end < 0 else first[: end + 1]


def translate(root: Any) -> None:
    """Put every command's help, and every option's and argument's, into Chinese (those the
    catalogue has; the rest stay English, which tests/test_help_zh.py reports). Once per command:
    a tree made as it is used (dflow_cli/tree.py) may have grown since the last call."""
    texts = catalogue()
    shared = {alias.__metadata__[0].help: f"help.common.{name}" for name, alias in SHARED.items()}
    stack: list[tuple[tuple[str, ...], Any]] = [((), root)]
    while stack:
        path, command = stack.pop()
        stack.extend(((*path, name), sub) for name, sub in getattr(command, "commands", {}).items())
        if getattr(command, "_chinese", False):
            continue
        command._chinese = True
        key = key_of(path)
        chinese = texts.get(key)
        if chinese is not None:
            command.help = "\n\n".join([chinese, *(texts["help.click.example"] + e for e in examples(command.help))])
            command.short_help = summary(chinese)
        for param in command.params:
            said = texts.get(f"{key}.{param_name(param)}") or texts.get(shared.get(param.help, ""))
            if param.help and said:
                param.help = said
        command.options_metavar = texts["help.click.options_metavar"]
        if hasattr(command, "subcommand_metavar"):
            command.subcommand_metavar = texts["help.click.subcommand_metavar"]


class ChineseContext(typer.Context):
    """A command's context whose help is drawn in Chinese."""

    def make_formatter(self) -> formatting.HelpFormatter:
        return ChineseFormatter(width=self.terminal_width, max_width=self.max_content_width)

    def get_help(self) -> str:
        translate(self.find_root().command)
        help_option = self.command.get_help_option(self)
        if help_option is not None:
            help_option.help = catalogue()["help.click.help"]
        with _parser_speaks_chinese():
            return super().get_help()


@contextmanager
def _parser_speaks_chinese() -> Iterator[None]:
    """While a help is drawn: typer's gettext words from the catalogue, lines wrapped by width
    on screen. Both put back afterwards."""
    import typer.core

    texts = catalogue()
    words = {
        "Options": "help.click.options",
        "Arguments": "help.click.arguments",
        "Commands": "help.click.commands",
        "required": "help.click.required",
        "default: {default}": "help.click.default",
        "env var: {var}": "help.click.env_var",
        "(dynamic)": "help.click.dynamic",
    }
    saved = typer.core._, formatting.wrap_text
    typer.core._ = lambda message: texts[words[message]] if message in words else message
    formatting.wrap_text = wrap
    try:
        yield
    finally:
        typer.core._, formatting.wrap_text = saved


class ChineseFormatter(formatting.HelpFormatter):
    """The help formatter, its usage line headed 用法：, its section titles ending in a
    full-width colon (选项：)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{heading}：\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{' ' * self.current_indent}{catalogue()['help.click.usage'] if prefix is None else prefix}{prog} "
        self.write(wrap(args, self.width, head, " " * (self.current_indent + 4)) + "\n")


# ---------------------------------------------------------------------------- wrapping by width

_NO_LINE_START = set("，。、；：？！）》」』”’…%")  # hung at the end of the line before instead
_NO_LINE_END = set("（《「『“‘[(")  # carried to the next line with what follows


def columns(text: str) -> int:
    """Columns on screen: a wide (Chinese) character takes two."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for c in text if not c.isascii() and unicodedata.east_asian_width(c) in "WF")


def _wide(c: str) -> bool:
    return "\u2e80" <= c <= "\uffef"  # CJK and full-width forms: a line may break beside any of them


def _raw(text: str) -> Iterator[str]:
    """Runs of white space, words (no space, nothing wide), single wide characters, and short
    bracketed notes without a space ([必填], [默认：main]) whole. (Scanned by hand: a regular
    expression with a class of every CJK character costs milliseconds to compile.)"""
    i, n = 0, len(text)
    while i < n:
        c, j = text[i], i + 1
        if c == "[" and 0 < text.find("]", i) - i <= 40 and not any(x.isspace() for x in text[i : text.find("]", i)]):
            j = text.find("]", i) + 1
        elif c.isspace():
            while j < n and text[j].isspace():
                j += 1
        elif not _wide(c):
            while j < n and not text[j].isspace() and not _wide(text[j]):
                j += 1
        yield text[i:j]
        i = j


def _tokens(text: str) -> list[str]:
    """The pieces a line may break between: an opening bracket kept with what follows it, a
    closing mark with what precedes it."""
    out: list[str] = []
    for token in _raw(text):
        glued = out and not out[-1].isspace() and not token.isspace()
        if glued and (out[-1][-1] in _NO_LINE_END or token[0] in _NO_LINE_START):
            out[-1] += token
        else:
            out.append(token)
    return out


def _fill(text: str, limit: int, first: str, rest: str) -> str:
    lines, line, used, space = [], first, columns(first), False
    for token in _tokens(text):
        if token.isspace():
            space = True
            continue
        need = columns(token) + (1 if space else 0)
        if used + need > limit and line.strip():
            lines.append(line)
            line, used, need = rest, columns(rest), columns(token)
            space = False
        while columns(token) > limit - columns(rest) and len(token) > 1:  # a word longer than a line: cut it
            cut = 1
            while cut < len(token) and used + (1 if space else 0) + columns(token[: cut + 1]) <= limit:
                cut += 1
            lines.append(line + (" " if space else "") + token[:cut])
            token, line, used, space = token[cut:], rest, columns(rest), False
        line += (" " if space else "") + token
        used += columns(token) + (1 if space else 0)
        space = False
    lines.append(line)
    return "\n".join(x.rstrip() for x in lines)


def _join(lines: list[str]) -> str:
    """A paragraph's lines as one: a space between two lines only where one was typed (not
    between two Chinese characters)."""
    text = ""
    for line in lines:
        if text and not (columns(text[-1]) == 2 and columns(line[0]) == 2):
            text += " "
        text += line
    return text


def wrap(
    text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False
) -> str:
    """typer's ``wrap_text`` (same arguments), measuring by columns on screen and breaking
    between Chinese characters, never before a closing mark nor after an opening one."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return _fill(
            _join([x.strip() for x in text.splitlines() if x.strip()]), width, initial_indent, subsequent_indent
        )
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():  # paragraphs: lines between blank ones
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    out = []
    for lines in filter(None, paragraphs):
        indent = " " * (len(lines[0]) - len(lines[0].lstrip()))
        joined = _join([x.strip() for x in lines if x.strip()])
        out.append(_fill(joined, width, initial_indent + indent, subsequent_indent + indent))
    return "\n\n".join(out)
