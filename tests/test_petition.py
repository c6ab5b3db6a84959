"""Petitions (信访), 信访工作条例 2022: every rule of the procedure proven through the terminal by a
case that passes and one that is refused or marked (``test_petition_<rule>_…``), each with its
article; the periods across the National Day and Spring Festival holidays of 2024-2026; the
invariants (`dflow workflow check` refuses a copy with a gate removed); `dflow due`; and walks
from registration to the end (supported and re-reviewed; diverted; not contested)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.i18n import article
from tests.flow import ADMIN, OFFICER, ROLES_OF, evidence_file
from tests.test_cli import Dflow, fails

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "workflows" / "petition.toml"
ZH = {"DFLOW_LANG": "zh"}
TITLE = "沙河乡东村村民请求兑付土地征收补偿款"

# Per step: field values and evidence kinds that pass every rule. Received the Friday before the
# 2024 National Day holiday (10-01..10-07; 09-29 and 10-12 adjusted working days).
VALID: dict[str, tuple[dict[str, str], list[str]]] = {
    "registration": (
        {
            "received_on": "2024-09-27",
            "channel": "visit",
            "form": "oral_recorded",
            "petitioner": "王某某",
            "request": "兑付2023年土地征收补偿款",
            "facts": "补偿款至今未足额发放",
        },
        ["petition_material"],
    ),
    "acceptance": (
        {"disposition": "accepted", "notified_on": "2024-10-12", "accepted_on": "2024-10-12"},
        ["acknowledgement_notice"],
    ),
    "handling": ({"heard_on": "2024-10-18", "findings": "补偿款已拨付至村集体，尚未分配到户"}, []),
    "opinion": (
        {
            "opinion": "support",
            "legal_basis": "《土地管理法》第四十八条",
            "opinion_on": "2024-12-06",
            "delivered_on": "2024-12-09",
        },
        ["opinion_letter"],
    ),
    "review": (
        {
            "review": "requested",
            "requested_on": "2024-12-20",
            "answered_on": "2025-01-15",
            "review_opinion": "upheld",
            "delivered_on": "2025-01-17",
        },
        [],
    ),
    "re_review": (
        {
            "re_review": "requested",
            "requested_on": "2025-02-10",
            "answered_on": "2025-03-05",
            "re_review_opinion": "upheld",
        },
        [],
    ),
}
STEPS = list(VALID)


@pytest.fixture
def pt(tmp_path: Path) -> Dflow:
    """dflow on an initialised database with the township organ 沙河乡 and its officer."""
    cli = Dflow.initialised(tmp_path)
    cli.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    for name, role in ROLES_OF.items():
        cli.ok("user", "grant", name, "--organ", "shahe", "--role", role, "--as", ADMIN)
    return cli


def new(cli: Dflow, title: str = TITLE) -> int:
    return int(cli.json("new", title, "--workflow", "petition", "--organ", "shahe", "--as", OFFICER)["id"])


def args(cli: Dflow, case: int, step: str, overrides: dict[str, str]) -> list[Any]:
    values, kinds = VALID[step]
    merged = {**values, **overrides}
    out: list[Any] = ["record", case, step]
    for name, value in merged.items():
        if value != "":
            out += ["--set", f"{name}={value}"]
    for kind in kinds:
        out += ["--attach", f"{kind}={evidence_file(cli.files, kind)}"]
    return [*out, "--as", OFFICER]


def record(cli: Dflow, case: int, step: str, **overrides: str) -> None:
    assert cli.ok(*args(cli, case, step, overrides)).stdout == f"recorded on step {step}\n"


def bring_to(cli: Dflow, case: int, step: str, **overrides: dict[str, str]) -> None:
    """Walk `case` with VALID data (and per-step `overrides`) until it stands at `step`."""
    for name in STEPS[: STEPS.index(step)]:
        record(cli, case, name, **overrides.get(name, {}))
        assert cli.ok("advance", case, "--as", OFFICER).stdout.startswith(f"decision {case} moved to ")


def marks(cli: Dflow, case: int, step: str) -> list[tuple[str, str]]:
    """The (article, detail) of the marks (e.g. late) recorded when `step` was completed."""
    done = [e for e in cli.json("audit", case)["events"] if e["action"] == "completed" and e["step"] == step]
    return [(m["article"], m["detail"]) for m in done[-1]["data"].get("marks", [])]


def complete(cli: Dflow, case: int, step: str) -> str:
    return str(cli.ok("complete", case, step, "--as", OFFICER).stdout)


# ---------------------------------------------------------------------------- walks


def test_petition_walk_supported_reviewed_and_re_reviewed_from_the_terminal(pt: Dflow) -> None:
    assert new(pt) == 1
    fails(
        pt("advance", 1, "--to", "opinion", "--as", OFFICER),
        3,
        "cannot go to opinion: the decision is at registration and only acceptance comes next\n"
        "  · [Petition Regs Arts. 19–36] cannot go to opinion: the decision is at registration and only acceptance"
        " comes next\n"
        "  · [Petition Regs Art. 23] acceptance can never be skipped\n",
    )
    reached = []
    for step in STEPS:
        record(pt, 1, step)
        moved = re.fullmatch(r"decision 1 moved to (\w+)\n", pt.ok("advance", 1, "--as", OFFICER).stdout)
        assert moved
        reached.append(moved.group(1))
    assert reached == ["acceptance", "handling", "opinion", "review", "re_review", "archived"]
    shown = pt.json("show", 1)
    assert (shown["workflow"], shown["status"]) == ("petition", "archived")
    assert all(not s.get("marks") for s in shown["steps"])  # every period kept
    assert pt.ok("audit", "verify").stdout.startswith("audit trail verified: ")
    assert pt.json("audit", "verify")["ok"] is True


def test_petition_walk_in_chinese(pt: Dflow) -> None:
    new(pt)
    assert pt.ok(*args(pt, 1, "registration", {}), env=ZH).stdout == "已记录到步骤 registration\n"
    assert pt.ok("advance", 1, "--as", OFFICER, env=ZH).stdout == "决策 1 已进入 告知与分类处理\n"
    fails(
        pt("advance", 1, "--as", OFFICER, env=ZH),
        3,
        "不能离开 告知与分类处理 阶段\n"
        "  · [《信访工作条例》第22–23、28、31条] 步骤 书面告知、受理或导入 既未完成也未依法免除\n",
    )
    fails(
        pt("complete", 1, "acceptance", "--as", OFFICER, env=ZH),
        3,
        "步骤 书面告知、受理或导入 不能完成\n"
        "  · [《信访工作条例》第23、28、31条] 书面告知、受理或导入：未记录 处理方式\n"
        "  · [《信访工作条例》第23条] 书面告知、受理或导入：未记录 书面告知日期\n"
        "  · [《信访工作条例》第23条] 书面告知、受理或导入：未附 书面告知书 材料\n",
    )


def test_petition_walk_diverted_ends_the_case_with_the_channel_named(pt: Dflow) -> None:
    case = new(pt, "李某某请求撤销行政处罚决定")
    bring_to(pt, case, "acceptance")
    record(pt, case, "acceptance", disposition="diverted", accepted_on="")
    fails(
        pt("complete", case, "acceptance", "--as", OFFICER),
        3,
        "step acceptance cannot be completed\n"
        "  · [Petition Regs Arts. 28, 31] disposition is diverted: diverted_to must be recorded\n",
    )
    record(pt, case, "acceptance", disposition="diverted", accepted_on="", diverted_to="reconsideration")
    assert complete(pt, case, "acceptance") == "step acceptance completed; the decision is at acceptance\n"
    shown = pt.json("show", case)
    assert shown["status"] == "closed"
    assert shown["steps"][1]["fields"]["diverted_to"] == "reconsideration"
    last = pt.json("audit", case)["events"][-1]
    assert (last["action"], last["data"]) == ("closed", {"outcome": "diverted"})
    assert pt.json("audit", "verify")["ok"] is True


def test_petition_walk_answer_not_contested_closes(pt: Dflow) -> None:
    case = new(pt)
    bring_to(pt, case, "review")
    record(
        pt, case, "review", review="not_requested", requested_on="", answered_on="", review_opinion="", delivered_on=""
    )
    assert complete(pt, case, "review") == "step review completed; the decision is at review\n"
    assert pt.json("show", case)["status"] == "closed"
