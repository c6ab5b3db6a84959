"""Test helpers for people's mediation (人民调解): a valid walk through the CLI, step by step.

`VALID` holds, per step, field values and evidence kinds that pass every rule of the shipped
workflow `mediation`; tests change one thing to prove one rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.flow import OFFICER, evidence_file
from tests.test_cli import Dflow

SHIPPED = Path(__file__).resolve().parent.parent / "workflows" / "mediation.toml"
TITLE = "东村宅基地边界纠纷"

# Field values and evidence kinds that pass every rule, step by step (an agreement effective on
# 2024-09-20, the Friday before the National Day holiday of 2024-10-01..07).
VALID: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "application": (
        {
            "initiated_by": "party_application",
            "received_on": "2024-09-02",
            "parties": "甲方（东村三组村民）,乙方（东村三组村民）",
            "dispute_summary": "相邻两户因宅基地界墙位置发生争执",
        },
        (),
    ),
    "willingness": ({"party_refused": "false", "acceptance": "accepted"}, ()),
    "registration": (
        {"registered_on": "2024-09-03", "case_number": "沙调〔2024〕31号", "committee": "东村人民调解委员会"},
        (),
    ),
    "assignment": ({"mediators": "陈调解员", "chosen_by": "committee_assigned"}, ()),
    "sessions": ({"first_session_on": "2024-09-05", "sessions_held": "3"}, ("work_record",)),
    "ending": ({"result": "agreement", "concluded_on": "2024-09-20"}, ()),
    "agreement": (
        {
            "form": "written",
            "facts_and_issues": "界墙越界约0.3米，双方各有责任",
            "terms": "乙方于2024年10月15日前拆除越界部分",
            "parties_signed": "true",
            "mediator_signed": "true",
            "committee_sealed": "true",
            "effective_on": "2024-09-20",
            "copies": "3",
        },
        ("agreement_record",),
    ),
    "supervision": ({"visited_on": "2024-09-30", "performance": "performed"}, ()),
    "judicial_confirmation": (
        {"applied_on": "2024-10-20", "joint_application": "true", "court": "某县人民法院沙河人民法庭"},
        (),
    ),
}
# Calendar days: a holiday does not stop the count. An agreement effective on 2024-09-20 (before
# the National Day holiday 2024-10-01..07) may be brought to court up to 2024-10-20; one effective
# on 2025-01-20 (before the Spring Festival holiday 2025-01-28..02-04) up to 2025-02-19.
IN_2025 = {
    "application": {"received_on": "2025-01-02"},
    "registration": {"registered_on": "2025-01-03"},
    "sessions": {"first_session_on": "2025-01-06"},
    "ending": {"concluded_on": "2025-01-20"},
    "agreement": {"effective_on": "2025-01-20"},
    "supervision": {"visited_on": "2025-01-27"},
}
STAGES = (
    ("application", "application"),
    ("willingness", "willingness"),
    ("registration", "registration"),
    ("assignment", "assignment"),
    ("sessions", "sessions"),
    ("ending", "ending"),
    ("agreement", "agreement"),
    ("supervision", "supervision"),
    ("confirmation", "judicial_confirmation"),
)


def new_case(cli: Dflow, *flags: str) -> int:
    args: list[Any] = ["new", TITLE, "--workflow", "mediation", "--organ", "shahe", "--as", OFFICER]
    for flag in flags:
        args += ["--flag", flag]
    return int(cli.json(*args)["id"])


def record(cli: Dflow, case: int, step: str, lang: str = "en", **overrides: str) -> Any:
    values, kinds = VALID[step]
    values = {**values, **overrides}
    args: list[Any] = ["record", case, step]
    for name, value in values.items():
        if value != "":
            args += ["--set", f"{name}={value}"]
    for kind in kinds:
        args += ["--attach", f"{kind}={evidence_file(cli.files, kind)}"]
    return cli(*args, "--as", OFFICER, env={"DFLOW_LANG": lang})


def bring_to(cli: Dflow, case: int, stage: str, **overrides: dict[str, str]) -> None:
    """Walk `case` with VALID values (changed per step by `overrides`) until it is at `stage`."""
    for name, step in STAGES:
        if name == stage:
            return
        result = record(cli, case, step, **overrides.get(step, {}))
        assert result.exit_code == 0, result.output
        cli.ok("advance", case, "--as", OFFICER)
    raise AssertionError(f"never reached {stage}")


def completed_notes(cli: Dflow, case: int, step: str) -> list[Any]:
    """The reasons recorded with the last completion of `step` (e.g. a late mark)."""
    events = [e for e in cli.json("audit", case)["events"] if e["action"] == "completed" and e["step"] == step]
    return list(events[-1]["data"].get("marks", []))


def copy_of(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of a workflow file, as `text`, in `tmp_path`."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
