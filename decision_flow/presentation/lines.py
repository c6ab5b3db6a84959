"""Lines of text for a person, printed without loading rich (issue 17): a change's one-line
report and a refusal are most of what the commands print; tables and views are
:mod:`decision_flow.presentation.render`'s."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from decision_flow.core.i18n import article, language

if TYPE_CHECKING:
    from decision_flow.core.errors import DflowError

_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(32), 0x7F, 0x85]} | {0x2028: "\\u2028", 0x2029: "\\u2029"}


def one_line(text: str) -> str:
    """A message as one line: control and line-separator characters a user typed (in a path,
    a key, a value) are shown escaped, never acted on."""
    return text.translate(_CONTROLS)


def message(text: str) -> None:
    """`text` as it is, on its own line: no markup read in it, never wrapped (as rich prints a
    plain Text with soft wrapping, which the tables and views around it use)."""
    sys.stdout.write(text + "\n")


def is_terminal(stream: TextIO) -> bool:
    """Whether rich would write escape sequences to `stream` (rich.console.Console.is_terminal):
    TTY_COMPATIBLE=0/1 says so outright, a non-empty FORCE_COLOR says yes, else the stream's isatty."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    forced = os.environ.get("FORCE_COLOR")
    if forced is not None:
        return forced != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def dumb() -> bool:
    return os.environ.get("TERM", "").lower() in ("dumb", "unknown")


def styled(stream: TextIO) -> bool:
    """Whether rich would draw styles (bold, colours) on `stream`: on a terminal that is not a dumb one."""
    return is_terminal(stream) and not dumb()


def _bold_red(text: str, stream: TextIO) -> str:
    """`text` in bold red where rich would draw it so; bold alone under NO_COLOR."""
    if not styled(stream):
        return text
    return f"\x1b[{'1' if os.environ.get('NO_COLOR') else '1;31'}m{text}\x1b[0m"


def error(exc: DflowError) -> None:
    """A refusal or an error on stderr: its message (in bold red on a terminal), then each
    reason with the article it cites; one line when its one reason says the same."""
    lang, stream = language(), sys.stderr
    text = one_line(exc.message(lang))
    reasons = [(article(r.article, lang), one_line(r.detail(lang))) for r in exc.reasons]
    if len(reasons) == 1 and reasons[0][1] == text:
        stream.write(_bold_red(f"{text} [{reasons[0][0]}]", stream) + "\n")
        return
    lines = [_bold_red(text, stream), *(f"  · [{cited}] {detail}" for cited, detail in reasons)]
    stream.write("\n".join(lines) + "\n")
