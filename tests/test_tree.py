"""The command tree as `dflow` makes it, a command when its name is parsed (dflow_cli/tree.py),
against the whole tree typer makes at once (what the in-process tests call): the same commands,
the same help drawn in each language, and a run that makes only the command it names."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from typing import Any

import pytest
import typer

import cli
from dflow_cli.tree import LazyRoot
from tests.test_cli import REPO


def _walk(group: Any, path: tuple[str, ...] = ()) -> Any:
    from typer._click import Context

    yield path
    ctx = Context(group, info_name="dflow")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if hasattr(command, "list_commands"):
            yield from _walk(command, (*path, name))
        else:
            yield (*path, name)


def _helps(group: Any) -> dict[tuple[str, ...], str]:
    drawn = {}
    for path in list(_walk(group)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            group.main([*path, "--help"], prog_name="dflow", standalone_mode=False)
        drawn[path] = out.getvalue()
    return drawn


@pytest.mark.parametrize("env", [{"DFLOW_LANG": "en"}, {"DFLOW_LANG": "zh"}], ids=["en", "zh"])
def test_the_tree_made_as_used_draws_every_help_as_the_whole_tree_does(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COLUMNS", "100")
    lazy, whole = _helps(LazyRoot(cli.app)), _helps(typer.main.get_command(cli.app))
    assert len(whole) > 70 and lazy.keys() == whole.keys()
    assert [p for p in whole if lazy[p] != whole[p]] == []
    assert ("dflow" if env["DFLOW_LANG"] == "en" else "用法") in lazy[()]


def test_a_run_makes_only_the_command_it_names() -> None:
    code = (
        "import sys\nsys.argv = ['dflow', 'audit', 'verify', '--help']\nimport cli\n"
        "from dflow_cli.tree import LazyRoot\n"
        "tree = LazyRoot(cli.app)\ntry:\n    tree.main()\nexcept SystemExit:\n    pass\n"
        "print('MADE', sorted(tree.commands), sorted(tree.commands['audit'].commands))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    made = done.stdout.splitlines()[-1]
    assert made.startswith("MADE ['audit'] [") and "'verify'" in made


def test_making_a_command_loads_no_pydantic() -> None:
    """typer 0.29 converts every option's value through pydantic, loading it for every command:
    pyproject.toml holds typer below it (the ORM-free commands of issue 17 need no pydantic)."""
    code = (
        "import sys\nsys.argv = ['dflow', 'record', '--help']\nimport cli\ntry:\n    cli.main()\nexcept SystemExit:\n"
        "    pass\nheavy = {'pydantic', 'sqlalchemy', 'sqlmodel'}\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED []"
