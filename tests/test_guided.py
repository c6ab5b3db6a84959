"""Guided entry (issue 17): `dflow record ID STEP` with nothing to set, at a terminal, asks for each
field of the step still missing, checks each answer as it is typed, and records the whole step
as one audited change at the end; Ctrl-C writes nothing. Driven through a real pseudo-terminal
(the standard pty module): the child's controlling terminal, so ^C is the terminal's own SIGINT."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest

from tests.flow import OFFICER
from tests.test_cli import Dflow

REPO = Path(__file__).resolve().parent.parent


class Terminal:
    """`dflow ARGS` in a pseudo-terminal: what it prints, and answers typed at its prompts."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: dflow, on the terminal
            os.chdir(REPO)
            os.execvpe(sys.executable, [sys.executable, "-c", "import cli; cli.main()", *args], env)
        self.pid, self.fd, self.seen = pid, fd, ""

    def expect(self, text: str, timeout: float = 30) -> str:
        """Read until `text` has been printed; what was printed up to it."""
        end = time.monotonic() + timeout
        while text not in self.seen:
            left = end - time.monotonic()
            assert left > 0, f"never printed {text!r}; printed: {self.seen!r}"
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child has gone and closed the terminal
                    chunk = b""
                assert chunk, f"ended before printing {text!r}; printed: {self.seen!r}"
                self.seen += chunk.decode("utf-8", errors="replace")
        before, _, self.seen = self.seen.partition(text)
        return before + text

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def exit_code(self) -> int:
        while True:  # drain, or the child may block on a full terminal
            try:
                if not os.read(self.fd, 4096):
                    break
            except OSError:
                break
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


@pytest.fixture
def dflow(tmp_path: Path) -> Dflow:
    cli = Dflow.initialised(tmp_path)
    cli.ok("new", "沙河乡农贸市场搬迁", "--workflow", "major-decision", "--as", OFFICER)
    return cli


def terminal(dflow: Dflow, *args: str, lang: str = "en") -> Terminal:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DFLOW_")}
    env |= {"DFLOW_DB": str(dflow.db), "DFLOW_KEYS": os.environ["DFLOW_KEYS"], "DFLOW_LANG": lang, "TERM": "dumb"}
    return Terminal(list(args), env)


def test_guided_entry_asks_each_missing_field_checks_it_and_records_once(dflow: Dflow) -> None:
    before = len(dflow.json("audit", 1)["events"])
    run = terminal(dflow, "record", "1", "initiation", "--as", OFFICER)
    run.expect("answer each field")
    run.expect("[proposer_kind; one of: organ_leader")  # its allowed values, named
    run.type("somebody")  # not a choice: said, and asked again
    run.expect("proposer_kind must be one of organ_leader")
    run.expect("[proposer_kind;")
    run.type("organ_leader")
    run.expect("[proposed_by;")
    run.type("")  # left for later
    run.expect("[undertaking_unit;")
    run.type("沙河乡经济发展办公室")
    run.expect("[start_approved_on; a date YYYY-MM-DD; required]: ")
    run.type("2024-13-01")
    run.expect("2024-13-01")
    run.expect("[start_approved_on;")
    run.type("２０２４－０３－０１")  # full-width, as an IME types it
    run.expect("[catalogue_item;")
    run.type("")
    run.expect("recorded on step initiation")
    assert run.exit_code() == 0
    fields = next(s for s in dflow.json("show", 1)["steps"] if s["step"] == "initiation")["fields"]
    assert fields == {
        "proposer_kind": "organ_leader",
        "undertaking_unit": "沙河乡经济发展办公室",
        "start_approved_on": "2024-03-01",
    }
    events = dflow.json("audit", 1)["events"]
    assert [e["action"] for e in events[before:]] == ["recorded"]  # one audited change


def test_guided_entry_in_chinese_names_fields_in_chinese(dflow: Dflow) -> None:
    run = terminal(dflow, "record", "1", "initiation", "--as", OFFICER, lang="zh")
    run.expect("请逐项填写")
    run.expect("建议提出方［proposer_kind；从下列选项中选一：organ_leader（决策机关领导人员） / ")
    run.type("决策机关领导人员")  # a choice typed as its Chinese label
    run.expect("建议人［proposed_by；文字；选填］：")
    run.type("")
    run.expect("承办单位［undertaking_unit；文字；必填］：")
    run.type("沙河乡经济发展办公室")
    run.expect("决策机关同意启动日期［start_approved_on；日期 YYYY-MM-DD；必填］：")
    run.type("2024-03-01")
    run.expect("决策事项目录编号［catalogue_item；")
    run.type("")
    run.expect("已记录到步骤")
    assert run.exit_code() == 0


def test_guided_entry_ctrl_c_writes_nothing(dflow: Dflow) -> None:
    before = dflow.json("audit", 1)
    run = terminal(dflow, "record", "1", "initiation", "--as", OFFICER)
    run.expect("[proposer_kind;")
    run.type("organ_leader")
    run.expect("[proposed_by;")
    # Ctrl-C, as the terminal sends it, while input() waits. Sent the instant the prompt is out, it
    # can come before the read has begun, and CPython then notices it only when the read is
    # interrupted again: a person presses it again, and so does the test (a busy CI machine).
    for _ in range(5):
        time.sleep(0.5)
        os.write(run.fd, b"\x03")
        try:
            run.expect("interrupted: nothing recorded (decision 1 is as it was)", timeout=5)
            break
        except AssertionError:
            continue
    else:
        raise AssertionError(f"Ctrl-C was not heeded; printed: {run.seen!r}")
    assert run.exit_code() == 130
    assert dflow.json("audit", 1) == before


def test_without_a_terminal_record_with_nothing_to_set_is_refused_as_before(dflow: Dflow) -> None:
    result = dflow("record", "1", "initiation", "--as", OFFICER)
    assert result.exit_code == 2
    assert "nothing to record" in result.stderr


def test_guided_entry_for_an_unknown_step_is_one_line(dflow: Dflow) -> None:
    run = terminal(dflow, "record", "1", "initiatoin", "--as", OFFICER)
    run.expect("initiation")  # did you mean
    assert run.exit_code() == 4
