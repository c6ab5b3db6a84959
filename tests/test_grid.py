"""The table `dflow list` draws without rich is byte for byte the table rich draws, wherever it
draws one at all (issue 17); where it cannot (too wide, a control character), rich does."""

from __future__ import annotations

import io
import random
import sys

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from decision_flow.presentation import grid

# What titles and labels hold: ASCII, Chinese, the punctuation Chinese text uses (wide and
# ambiguous-width), spaces (runs of them too), an emoji, a combining mark, fullwidth digits.
ALPHABET = [*"abcXYZ019-_./ ", *"沙河乡农贸市场搬迁决策", *"（）《》“”、，。—·：", "😀", "é", "e\u0301", "１"]


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class Latin1(Stream):
    encoding = "latin-1"  # type: ignore[assignment]


def by_rich(headers: list[str], rows: list[list[str]], stream: Stream) -> str:
    """What `dflow list` printed with rich (render.table_of's table on its console)."""
    table = Table()
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*(Text(cell, overflow="fold") for cell in row))
    Console(file=stream, highlight=False, soft_wrap=True).print(table)
    return stream.getvalue()


def random_cell(rng: random.Random, least: int = 0) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(least, 14)))


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
def test_random_tables_drawn_as_rich_draws_them(tty: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(17)
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    drawn = folded = 0
    for _ in range(600):
        columns = rng.randint(1, 6)
        headers = [random_cell(rng, 1) for _ in range(columns)]  # ours are never empty
        rows = [[random_cell(rng) for _ in range(columns)] for _ in range(rng.randint(0, 5))]
        monkeypatch.setenv("COLUMNS", str(rng.randint(20, 120)))
        ours = grid.draw(headers, rows, Stream(tty))
        if ours is None:
            folded += 1
            continue
        drawn += 1
        assert ours == by_rich(headers, rows, Stream(tty)), (headers, rows)
    assert drawn > 300 and folded > 30  # both paths taken: tables that fit and tables rich must fold


@pytest.mark.parametrize(
    ("env", "tty", "bold"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, True),  # rich keeps bold without colour
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, True, False),
        ({"TTY_COMPATIBLE": "0"}, True, False),
        ({"TTY_COMPATIBLE": "1"}, False, True),
    ],
)
def test_styles_where_rich_draws_them(
    env: dict[str, str], tty: bool, bold: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    headers, rows = ["编号", "标题"], [["1", "沙河乡农贸市场搬迁"]]
    ours = grid.draw(headers, rows, Stream(tty))
    assert ours is not None
    assert ours == by_rich(headers, rows, Stream(tty))
    assert ("\x1b[1m" in ours) is bold


@pytest.mark.parametrize("lines", [None, "40"])
def test_a_dumb_terminal_is_as_wide_as_rich_makes_it(lines: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a dumb terminal rich takes 80 columns, whatever COLUMNS says, unless LINES is set too."""
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "LINES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "30")
    if lines is not None:
        monkeypatch.setenv("LINES", lines)
    headers, rows = ["编号", "标题"], [["1", "沙河乡农贸市场搬迁关于公共服务设施布局的决策"]]  # 50 cells wide
    ours = grid.draw(headers, rows, Stream(True))
    assert (ours is None) == (lines is not None)  # 80 columns: drawn; 30: only rich folds it
    if ours is not None:
        assert ours == by_rich(headers, rows, Stream(True))


def test_what_only_rich_can_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    assert grid.draw(["id", "title"], [["1", "x" * 40]], Stream(False)) is None  # rich folds it
    assert grid.draw(["id", "title"], [["1", "a\tb"]], Stream(False)) is None
    assert grid.draw(["id", "title"], [["1", "a\nb"]], Stream(False)) is None
    assert grid.draw(["id", ""], [["1", "short"]], Stream(False)) is None  # rich's own way with an empty header
    assert grid.draw(["id", "title"], [["1", "short"]], Latin1(False)) is None  # rich's ASCII box
    assert grid.draw([], [], Stream(False)) is None
    assert grid.draw(["id", "title"], [["1", "short"]], Stream(False)) is not None


def test_list_loads_no_rich_when_its_table_fits(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`dflow list` in a fresh interpreter: the table printed, rich's console never imported."""
    import subprocess

    env = {
        "DFLOW_DB": str(tmp_path / "d.db"),
        "DFLOW_KEYS": str(tmp_path / "keys"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "DFLOW_USER": "zhao",
        "DFLOW_LANG": "zh",
        "PATH": "/usr/bin:/bin",
        "COLUMNS": "100",
    }
    dflow = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())"]
    run = lambda *a: subprocess.run([*dflow, *a], env=env, capture_output=True, text=True, check=True)  # noqa: E731
    run("init", "--admin", "admin")
    run("user", "add", "zhao", "--role", "officer", "--as", "admin")
    run("new", "沙河乡农贸市场搬迁", "--workflow", "major-decision")
    probe = "import sys, cli\ntry:\n    cli.main()\nfinally:\n    print('rich.console' in sys.modules, file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe, "list"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "沙河乡农贸市场搬迁" in done.stdout and "编号" in done.stdout
    assert done.stderr.strip() == "False"
