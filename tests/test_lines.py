"""Lines printed without rich (decision_flow/presentation/lines.py): a change's report and a
refusal read exactly as rich drew them, bold red on a terminal and plain elsewhere."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from decision_flow.core.errors import Blocked, Reason
from decision_flow.core.i18n import Msg
from decision_flow.presentation import lines


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _refusal() -> Blocked:
    return Blocked(
        Msg("stage.step_open", {"step": "initiation"}),
        [Reason("order", "Arts. 10–11", Msg("internal", {"error": "x\ny"}))],
    )


def _as_rich(stream: io.StringIO, exc: Blocked) -> str:
    """What render.error printed with rich before lines.py: the message bold red, the reasons plain."""
    console = Console(file=stream, highlight=False, soft_wrap=True)  # as render.py made its consoles
    console.print(Text(lines.one_line(exc.message("en")), style="bold red"))
    for r in exc.reasons:
        console.print(Text(f"  · [{r.article}] {lines.one_line(r.detail('en'))}"))
    return stream.getvalue()


@pytest.mark.parametrize("stream", [io.StringIO, Terminal])
def test_a_refusal_reads_as_rich_drew_it(stream: type[io.StringIO], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DFLOW_LANG", "en")
    monkeypatch.setenv("TERM", "xterm")
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    printed = stream()
    monkeypatch.setattr("sys.stderr", printed)
    lines.error(_refusal())
    assert printed.getvalue() == _as_rich(stream(), _refusal())
    assert ("\x1b[1;31m" in printed.getvalue()) is printed.isatty()
    assert "x\\x0ay" in printed.getvalue()  # a control character typed in is shown, never acted on


def test_no_color_keeps_the_bold_and_a_dumb_terminal_gets_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DFLOW_LANG", "en")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("NO_COLOR", "1")
    printed = Terminal()
    monkeypatch.setattr("sys.stderr", printed)
    lines.error(_refusal())
    assert printed.getvalue().startswith("\x1b[1mstep initiation") and "\x1b[1;31m" not in printed.getvalue()
    monkeypatch.setenv("TERM", "dumb")
    printed = Terminal()
    monkeypatch.setattr("sys.stderr", printed)
    lines.error(_refusal())
    assert "\x1b[" not in printed.getvalue()


def test_a_message_is_the_line_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    lines.message("[bold]已记录[/bold] 第1步")
    assert capsys.readouterr().out == "[bold]已记录[/bold] 第1步\n"  # no markup read
