"""Every command's help as an officer reads it (issue 19): no Python types (<list[str]>, <str>),
no doubled brackets ([[ID]]), summaries never cut inside a sentence (at "e.g." or "Art."), each
help ending with an example, `dflow audit ID` listed among the audit commands, `--version`."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest
import typer

from cli import app
from tests.test_cli import Dflow

ROOT = typer.main.get_command(app)


def _commands(command=ROOT, path=()):  # type: ignore[no-untyped-def]
    subs = getattr(command, "commands", None)
    if not subs:
        yield path
        return
    yield path
    for name, sub in subs.items():
        yield from _commands(sub, (*path, name))


COMMANDS = [p for p in _commands() if p]


# The words of a help in each language: its sections, and what heads its example (tests/test_help_zh.py).
LANGUAGES = {
    "en": ({}, ("Arguments:", "Options:"), "Example: dflow"),
    "zh": ({"DFLOW_LANG": "zh"}, ("参数：", "选项："), "示例：dflow"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_help_names_values_not_types_and_ends_with_an_example(tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    env, (arguments, options), example = LANGUAGES[lang]
    without_example, typed, doubled = [], [], []
    for path in COMMANDS:
        text = dflow.ok(*path, "--help", env=env).stdout
        if re.search(r"<[a-z]+(\[[a-z]+\])?>", text):
            typed.append(path)
        if "[[" in text:
            doubled.append(path)
        leaf = not getattr(_find(path), "commands", None)
        described = text.split(arguments)[0].split(options)[0]
        if leaf and example not in described:
            without_example.append(" ".join(path))
    assert typed == [] and doubled == [] and without_example == []


def _find(path):  # type: ignore[no-untyped-def]
    command = ROOT
    for name in path:
        command = command.commands[name]
    return command


def test_summaries_are_whole_first_sentences(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    for path in [(), *[p for p in COMMANDS if getattr(_find(p), "commands", None)]]:
        listing = dflow.ok(*path, "--help").stdout.split("Commands:")[1]
        for cut in ("e.g.", "Art.", "Arts.", "i.e."):
            assert not re.search(re.escape(cut) + r"\s*(\n\s{2}\S|\Z)", listing), (path, cut)
    assert "(e.g. after an unlawful opinion or an `amend` outcome)" in " ".join(dflow.ok("--help").stdout.split())


def test_audit_lists_printing_one_trail_and_version_is_known(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    audit = dflow.ok("audit", "--help").stdout
    assert re.search(r"^\s+trail\s+Print a decision's audit trail", audit, re.M)
    assert dflow.ok("--version").stdout == f"dflow {version('decision-flow')}\n"
