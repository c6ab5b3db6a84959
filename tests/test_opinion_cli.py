"""dflow opinion … and dflow user password (issue 16) through the real command line on a real
SQLite file: each command's message, JSON and exit code, and a refusal that writes nothing.

The command line runs on today's date, so the page's period is set around it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.flow import ADMIN, AUDITOR, OFFICER
from tests.test_cli import Dflow, fails

ZH: dict[str, str | None] = {"DFLOW_LANG": "zh"}
TODAY = date.today()
OPENS, CLOSES = (TODAY - timedelta(days=5)).isoformat(), (TODAY + timedelta(days=30)).isoformat()


@pytest.fixture
def case(tmp_path: Any) -> tuple[Dflow, int]:
    cli = Dflow.initialised(tmp_path)
    made = cli.json("new", "沙河乡农贸市场搬迁", "--workflow", "major-decision", "--as", OFFICER)
    cli.bring_to(made["id"], "consultation")
    return cli, made["id"]


def _head(cli: Dflow) -> Any:
    return [(c["chain"], c["size"], c["head"]) for c in cli.json("audit", "head")]


def test_open_add_list_and_mark(case: tuple[Dflow, int]) -> None:
    cli, d = case
    opened = cli.ok("opinion", "open", d, "--from", OPENS, "--to", CLOSES, "--as", OFFICER)
    assert opened.stdout == f"decision {d}'s consultation page takes opinions from {OPENS} to {CLOSES}\n"
    added = cli.ok("opinion", "add", d, "--text", "建议保留早市", "--name", "朱小明", "--phone", "13812345678",
                   "--as", OFFICER)  # fmt: skip
    assert added.stdout == f"opinion 1 received on decision {d}\n"
    zh = cli.ok("opinion", "add", d, "--text", "反对搬迁", "--channel", "meeting", "--as", OFFICER, env=ZH)
    assert zh.stdout == f"决策 {d} 已收到意见 2\n"
    mine = cli.json("opinion", "list", d, "--as", OFFICER)
    assert [o["channel"] for o in mine["opinions"]] == ["letter", "meeting"] and mine["received"] == 2
    assert mine["opinions"][0]["submitter"] == {"name": "朱小明", "unit": None, "phone": "13812345678"}
    public = cli.json("opinion", "list", d)
    assert "submitter" not in public["opinions"][0]
    assert "13812345678" not in cli.ok("opinion", "list", d).stdout
    marked = cli.ok("opinion", "mark", "2", "--mark", "not_adopted", "--reason", "已列入规划", "--as", OFFICER, env=ZH)
    assert marked.stdout == "意见 2 已标记为不予采纳\n"
    shown = cli.json("show", d, "--as", OFFICER)
    step = next(st for st in shown["steps"] if st["step"] == "public_participation")
    assert step["fields"]["opinions_received"] == 2 and step["fields"]["opinions_adopted"] == 0
    assert step["fields"]["channels"] == ["网上征求意见"] and step["fields"]["opened_on"] == OPENS
    assert cli.json("audit", "verify")["ok"] is True


def test_refusals_say_one_line_with_their_exit_code_and_write_nothing(case: tuple[Dflow, int]) -> None:
    cli, d = case
    before = _head(cli)
    fails(
        cli("opinion", "add", d, "--text", "太早了", "--as", OFFICER),
        4,
        f"decision {d} has no consultation page\n",
    )
    fails(
        cli("opinion", "open", d, "--from", CLOSES, "--to", OPENS, "--as", OFFICER),
        2,
        f"the period ends ({OPENS}) before it begins ({CLOSES})\n",
    )
    assert _head(cli) == before
    cli.ok("opinion", "open", d, "--from", OPENS, "--to", CLOSES, "--as", OFFICER)
    cli.ok("opinion", "add", d, "--text", "建议保留早市", "--as", OFFICER)
    before = _head(cli)
    fails(cli("opinion", "add", d, "--text", "建议保留早市", "--as", OFFICER), 2,
          f"decision {d} already holds an opinion with this very text\n")  # fmt: skip
    fails(cli("opinion", "add", d, "--text", "x" * 2001, "--as", OFFICER), 2,
          "text is longer than 2000 characters\n")  # fmt: skip
    fails(cli("opinion", "mark", "1", "--mark", "maybe", "--as", OFFICER), 2,
          "unknown mark 'maybe': the marks are adopted, partly, not_adopted\n")  # fmt: skip
    fails(cli("opinion", "mark", "1", "--mark", "partly", "--as", OFFICER), 2,
          "an opinion not adopted, or partly adopted, needs the reason\n")  # fmt: skip
    fails(cli("opinion", "mark", "9", "--mark", "adopted", "--as", OFFICER), 4, "no opinion with id 9\n")
    fails(cli("opinion", "mark", "x", "--mark", "adopted", "--as", OFFICER), 2,
          "'x' is not an opinion id (a whole number)\n")  # fmt: skip
    assert _head(cli) == before
    denied = cli("opinion", "mark", "1", "--mark", "adopted", "--as", AUDITOR)
    assert denied.exit_code == 5 and denied.stderr.startswith(f"{AUDITOR} may not act on public_participation")
    early = cli("opinion", "handling", d, "--as", OFFICER)
    assert early.exit_code == 3 and f"decision {d}'s opinions are handled once its consultation period has closed" in (
        early.stderr
    )
    typed = cli("record", d, "public_participation", "--set", "opinions_received=46", "--as", OFFICER)
    assert typed.exit_code == 3 and "is counted from the opinions the page holds (1), not typed (46)" in typed.stderr


def test_a_password_is_set_by_an_admin_or_the_user_and_never_shown(case: tuple[Dflow, int]) -> None:
    cli, _ = case
    said = cli.ok("user", "password", OFFICER, "--as", ADMIN, env={"DFLOW_NEW_PASSWORD": "correct horse battery"})
    assert said.stdout == f"password set for {OFFICER}\n"
    own = cli.ok("user", "password", OFFICER, "--as", OFFICER, env={"DFLOW_NEW_PASSWORD": "another long one", **ZH})
    assert own.stdout == f"已为 {OFFICER} 设置登录密码\n"
    fails(cli("user", "password", OFFICER, "--as", ADMIN, env={"DFLOW_NEW_PASSWORD": "short"}), 2,
          "a password has at least 10 characters\n")  # fmt: skip
    fails(cli("user", "password", ADMIN, "--as", OFFICER, env={"DFLOW_NEW_PASSWORD": "long enough pw"}), 5,
          f"{OFFICER} is not an admin of organ main (nor of an organ above it) [Arts. 33, 38]\n")  # fmt: skip
    fails(cli("user", "password", OFFICER, "--as", ADMIN, env={"DFLOW_NEW_PASSWORD": None}), 2,
          "no password given: type it at the prompt, or set DFLOW_NEW_PASSWORD in a script\n")  # fmt: skip
    assert cli.json("audit", "verify")["ok"] is True


def test_serve_refuses_an_unknown_account_before_listening(case: tuple[Dflow, int]) -> None:
    cli, _ = case
    fails(cli("serve", "--as", "nobody"), 5, "'nobody' is not a registered user [Arts. 33, 38]\n")
    fails(cli("serve", "--port", "0", "--as", OFFICER), 2, "--port takes 1 to 65535 and --per-minute 1 or more\n")
