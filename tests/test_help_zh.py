"""Chinese-first help (issue 17): with a Chinese locale every command's ``--help`` is Chinese:
its description, every option's and argument's help, the section titles, the usage line and
the parser's own words; the parser's usage errors too. English stays the default.

A word of English in a Chinese help is allowed only where the reader types it: command and
option names, metavars (ID, FIELD=VALUE), the example's command line, file and path names,
the machine names of the shipped workflows and of the generic labels (roles, statuses, kinds),
and proper names of formats (JSON, PDF). Anything else is an untranslated string: a command
added without its Chinese is reported here by name (docs/architecture.md, "A command", says
where the Chinese goes).
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
import typer

from cli import app
from decision_flow.core import labels as catalogue
from decision_flow.core.messages import MESSAGES, help_texts
from decision_flow.engine import opinions
from decision_flow.engine.life import EVIDENCE_KINDS as LIFE_EVIDENCE
from decision_flow.procedures import registry
from dflow_cli.common import tidy_help
from dflow_cli.help_zh import examples, key_of, param_name
from tests.test_cli import REPO, Dflow
from tests.test_help import COMMANDS

LOCALES = {
    "DFLOW_LANG=zh": {"DFLOW_LANG": "zh"},
    "LANG=zh_CN.UTF-8": {"DFLOW_LANG": None, "LANG": "zh_CN.UTF-8"},
}
# Proper names of formats and standards, as a Chinese text writes them too.
PROPER = {
    "JSON",
    "PDF",
    "DOCX",
    "Word",
    "WPS",
    "CSV",
    "HTML",
    "SVG",
    "TOML",
    "SQLite",
    "PostgreSQL",
    "URL",
    "SHA-256",
    "Mermaid",
    "UTF-8",
    "scrypt",
}
# Values typed on the command line that neither the labels nor the workflows name.
TYPED = {"10d", "mermaid", "svg", "pdf", "html", "csv", "json", "registry", "extends", "chinese-calendar"}
TYPED |= {*opinions.MARKS, *opinions.CHANNELS}  # dflow opinion mark --mark, add --channel
# What is not a word: a path or a file name (~/.local/share/dflow/dflow.db, docs/calendar.md).
PATHS = re.compile(r"\S*/\S*|\S+\.(?:db|md|pdf|toml|json|svg|csv|html|docx|txt)\b")
TOKEN = re.compile(r"[A-Za-z0-9_\-=|.~]*[A-Za-z][A-Za-z0-9_\-=|.]*")


def _tree() -> Any:
    root = typer.main.get_command(app)
    tidy_help(root)  # the metavars as the help shows them (NAME, FIELD=VALUE)
    return root


def _walk(command: Any, path: tuple[str, ...] = ()) -> Any:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def _allowed() -> set[str]:
    """Every token a Chinese help may hold in Latin letters."""
    words = set(PROPER) | TYPED
    for path, command in _walk(_tree()):
        words |= set(path) | {"dflow", "root", "--help"}  # root: the program's name under CliRunner
        for line in examples(command.help):
            words |= set(TOKEN.findall(line))
        for param in command.params:
            words |= set(param.opts) | set(param.secondary_opts)
            words |= {str(param.metavar or "")} | set(str(param.metavar or "").split("|"))
            words |= {param.envvar} if isinstance(param.envvar, str) else set()
            words |= {param.default} if isinstance(param.default, str) else set()
    for pairs in (catalogue.ROLES, catalogue.STATUSES, catalogue.LIFE, catalogue.ACTIVITY_KINDS, catalogue.LEVELS):
        words |= set(pairs)
    words |= {"department", *LIFE_EVIDENCE}  # an organ's level beside the workflows'; a decision in force's files
    for wf in registry().values():
        words |= {wf.name, *wf.flags, *(s.name for s in wf.stages), *wf.choices}
        for step in wf.steps():
            words |= {step.name, *(e.kind for e in step.evidence), *(f.name for f in step.fields)}
    return words


def _english(text: str, allowed: set[str]) -> list[str]:
    """The Latin-letter words of a Chinese help that are not allowed: untranslated English."""
    text = PATHS.sub(" ", text)
    found = []
    for token in TOKEN.findall(text):
        bare = token.strip(".-=|")
        if sum(c.isascii() and c.isalpha() for c in bare) < 2 or {token, bare} & allowed or bare.startswith("DFLOW_"):
            continue
        if all(part in allowed or not part for part in re.split(r"[=|]", bare)):
            continue
        found.append(token)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_help_is_chinese_in_a_chinese_locale(tmp_path, locale) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    allowed = _allowed()
    untranslated = {}
    for path in [(), *COMMANDS]:
        text = dflow.ok(*path, "--help", env=LOCALES[locale]).stdout
        assert re.match(r"用法：\S+ " + "".join(f"{name} " for name in path) + r"\[选项\]", text), text
        assert "选项：" in text and "显示本帮助并退出。" in text
        words = _english(text, allowed)
        if words:
            untranslated[" ".join(path) or "dflow"] = words
    assert untranslated == {}, "help without its Chinese (decision_flow/core/messages/help_*.py)"


def test_the_parsers_own_words_are_chinese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    init = " ".join(dflow.ok("init", "--help", env=LOCALES["DFLOW_LANG=zh"]).stdout.split())
    assert "[默认：main]" in init and "[环境变量：DFLOW_DB]" in init
    waive = dflow.ok("waive", "--help", env=LOCALES["DFLOW_LANG=zh"]).stdout
    assert re.match(r"用法：\S+ waive \[选项\] \{ID\} \{STEP\}", waive) and "[必填]" in waive and "参数：" in waive
    assert "示例：dflow waive 12 expert_review --reason 非专业性、技术性事项 --as zhao" in waive
    group = dflow.ok("audit", env=LOCALES["LANG=zh_CN.UTF-8"]).stdout  # no command: the group's help
    assert re.match(r"用法：\S+ audit \[选项\] 命令 \[参数\]\.\.\.", group) and "\n命令：\n" in group
    assert re.search(r"^\s+trail\s+打印某一决策的审计记录", group, re.M)


def test_english_stays_the_default(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    for env in ({}, {"LANG": "C"}, {"DFLOW_LANG": "en", "LANG": "zh_CN.UTF-8"}):
        text = dflow.ok("activity", "add", "--help", env=env).stdout
        assert re.match(r"Usage: \S+ activity add \[OPTIONS\]", text) and "Show this message and exit." in text
        assert not re.search(r"[\u4e00-\u9fff]{5}", text.split("Options:")[1].split("--kind")[0])


def test_a_chinese_help_wraps_by_width_on_screen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A Chinese character is two columns: no line wider than the help's width (80 - 2)."""
    from dflow_cli.help_zh import columns

    dflow = Dflow(tmp_path / "none.db", tmp_path)
    text = dflow.ok("due", "--help", env={**LOCALES["DFLOW_LANG=zh"], "COLUMNS": "80"}).stdout
    widths = [columns(line) for line in text.splitlines() if "示例：" not in line]
    assert max(widths) <= 80 and max(widths) > 60


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["new", "沙河乡农贸市场搬迁"], "dflow: 缺少选项 '--workflow'\n"),
        (["list", "--bogus"], "dflow: 没有选项 --bogus\n"),
        (["waive", "12", "expert_review"], "dflow: 缺少选项 '--reason'\n"),
        (["show"], "dflow: 缺少参数 'ID'\n"),
        (["list", "extra"], "dflow: 多余的参数（extra）\n"),
        (["migrate", "1", "--to-version", "three"], "dflow: '--to-version' 的值须为整数（'three'）\n"),
        (["list", "--as"], "dflow: 选项 '--as' 需要一个值\n"),
        (["nosuch"], "dflow: 没有命令 'nosuch'\n"),
        (["shwo", "1"], "dflow: 没有命令 'shwo'，是否要用 'show'？\n"),
        (["user", "lst"], "dflow: 没有命令 'lst'，是否要用 'list'？\n"),
    ],
)
def test_a_usage_error_is_chinese_with_exit_2(tmp_path, args, said) -> None:  # type: ignore[no-untyped-def]
    dflow = Dflow(tmp_path / "none.db", tmp_path)
    for env in LOCALES.values():
        result = dflow(*args, env=env)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", said)


def test_every_key_of_the_help_catalogue_names_a_command_or_a_parameter() -> None:
    """A command or option renamed leaves no Chinese behind under its old name."""
    known = {f"help.click.{w}" for w in ("example",)}
    for path, command in _walk(_tree()):
        known.add(key_of(path))
        known |= {f"{key_of(path)}.{param_name(p)}" for p in command.params}
    stale = sorted(k for k in help_texts() if k not in known and not k.startswith(("help.click.", "help.common.")))
    assert stale == []
    assert not any(key.startswith("help.") for key in MESSAGES)  # one place for the help's Chinese


def test_an_english_help_never_loads_the_chinese() -> None:
    """dflow --help in English reads neither the help's Chinese nor the message catalogue."""
    code = (
        "import sys; sys.argv = ['dflow', '--help']; import cli\n"
        "try: cli.main()\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('decision_flow.core.messages', 'dflow_cli.help_zh'))))"
    )
    env = {"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
