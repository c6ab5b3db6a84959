"""What a county officer types, stored as they meant it (issue 19, "data silently stored wrong"):
lists split on the separators Chinese writers use, stances in Chinese, full-width digits read one
way everywhere, a voided waiver's reason gone from every view, and Ctrl-C answered with what the
database holds. Each test goes through the terminal and failed on the code before the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decision_flow.engine.engine import Engine as EngineClass
from tests.flow import OFFICER
from tests.test_cli import ACTOR, Dflow

ZH = {"DFLOW_LANG": "zh"}
TITLE = "沙河乡农贸市场搬迁"


@pytest.fixture
def cli(tmp_path: Path) -> Dflow:
    return Dflow.initialised(tmp_path)


def new(cli: Dflow, *flags: str) -> int:
    extra = [a for f in flags for a in ("--flag", f)]
    return int(cli.json("new", TITLE, "--workflow", "major-decision", *extra, "--as", OFFICER)["id"])


def fields(cli: Dflow, case: int, step: str) -> dict[str, Any]:
    (found,) = [s for s in cli.json("show", case, "--as", OFFICER)["steps"] if s["step"] == step]
    return dict(found["fields"])


def meeting(cli: Dflow, case: int, stances: str, decision: str = "approved") -> Any:
    return cli(
        "record",
        case,
        "collective_decision",
        "--set",
        f"stances={stances}",
        "--set",
        f"head_decision={decision}",
        "--as",
        ACTOR["collective_decision"],
    )


@pytest.fixture
def at_meeting(cli: Dflow) -> int:
    case = new(cli)
    cli.bring_to(case, "collective_decision")
    cli.record_valid(case, "collective_decision")
    return case


@pytest.mark.parametrize(
    "typed",
    [
        "王乡长:agree、赵副乡长:disagree",  # the enumeration comma
        "王乡长:agree；赵副乡长:disagree",  # a full-width semicolon
        "王乡长:agree;赵副乡长:disagree",
        "王乡长:agree\n赵副乡长:disagree",  # one per line
        "王乡长：同意，赵副乡长：反对",  # Chinese stances, full-width colon and comma
    ],
)
def test_stances_split_on_chinese_separators_and_read_in_chinese(cli: Dflow, at_meeting: int, typed: str) -> None:
    """A 1-1 split is two members, one disagreeing: dissent is owed, and no majority overruled."""
    result = meeting(cli, at_meeting, typed)
    assert result.exit_code == 3, result.stderr  # refused: one member disagreed, no dissent recorded
    assert "dissent" in result.stderr and "majority" not in result.stderr
    cli.ok(
        "record",
        at_meeting,
        "collective_decision",
        "--set",
        "dissent=赵副乡长认为选址过远",
        "--as",
        ACTOR["collective_decision"],
    )  # the earlier refusal wrote nothing: this is the first record with the two members
    assert meeting(cli, at_meeting, typed).exit_code == 0
    assert len(fields(cli, at_meeting, "collective_decision")["stances"]) == 2


def test_stances_that_cannot_be_read_are_refused_not_stored_as_one_member(cli: Dflow, at_meeting: int) -> None:
    before = fields(cli, at_meeting, "collective_decision")
    result = meeting(cli, at_meeting, "王乡长:agree 赵副乡长:agree")  # a space is no separator
    assert result.exit_code == 3
    assert "王乡长:agree 赵副乡长:agree" in result.stderr
    assert fields(cli, at_meeting, "collective_decision") == before


def test_list_fields_split_on_every_chinese_separator(cli: Dflow) -> None:
    case = new(cli)
    cli.bring_to(case, "publication")
    cli.record_valid(case, "publication")
    typed = "乡政府网站、乡政府公告栏；村务公开栏\n微信公众号"
    cli.ok("record", case, "publication", "--set", f"channels={typed}", "--as", ACTOR["publication"])
    assert fields(cli, case, "publication")["channels"] == ["乡政府网站", "乡政府公告栏", "村务公开栏", "微信公众号"]


def test_full_width_digits_read_one_way_everywhere(cli: Dflow) -> None:
    case = new(cli)
    assert case == 1
    assert cli.json("show", "１", "--as", OFFICER)["id"] == 1  # the id a Chinese input method types
    cli.ok("audit", "１", "--as", OFFICER)
    cli.record_valid(case, "initiation")
    cli.ok("advance", "１", "--as", OFFICER)
    cli.ok("record", case, "drafting", "--set", "alternatives=２", "--as", ACTOR["drafting"])
    assert fields(cli, case, "drafting")["alternatives"] == 2
    for bad in ("٢", "二"):  # other scripts' digits are refused alike, as ids and as numbers
        assert cli("record", case, "drafting", "--set", f"alternatives={bad}", "--as", OFFICER).exit_code == 2
        assert cli("show", bad, "--as", OFFICER).exit_code == 2


def test_full_width_date_is_read_as_the_date(cli: Dflow) -> None:
    case = new(cli)
    cli.bring_to(case, "publication")
    cli.ok("record", case, "publication", "--set", "published_on=２０２４－０７－０１", "--as", ACTOR["publication"])
    assert fields(cli, case, "publication")["published_on"] == "2024-07-01"


def test_a_voided_waiver_reason_is_gone_from_show_and_the_exports(cli: Dflow, tmp_path: Path) -> None:
    case = new(cli)
    cli.bring_to(case, "consultation")
    cli.ok("waive", case, "expert_review", "--reason", "不涉及专业技术问题", "--as", OFFICER)
    cli.ok("flag", case, "technical", "--reason", "科技局认定涉及专业技术", "--as", OFFICER)
    (step,) = [s for s in cli.json("show", case, "--as", OFFICER)["steps"] if s["step"] == "expert_review"]
    assert step["status"] == "pending" and "waiver_reason" not in step
    assert "不涉及专业技术问题" not in cli.ok("show", case, "--as", OFFICER).stdout
    html = tmp_path / "trail.html"
    cli.ok("audit", "export", case, "--format", "html", "-o", html, "--as", OFFICER)
    page = html.read_text(encoding="utf-8")
    overview = page[: page.index("不涉及专业技术问题")] if "不涉及专业技术问题" in page else page
    assert "免除理由" not in overview  # the step list no longer shows the waiver; the trail still records it
    assert "不涉及专业技术问题" in page  # in the waived event of the trail, as evidence


@pytest.mark.parametrize(("when", "said"), [("before", "nothing recorded"), ("after", "recorded")])
def test_ctrl_c_during_record_says_what_the_database_holds(
    cli: Dflow, monkeypatch: pytest.MonkeyPatch, when: str, said: str
) -> None:
    case = new(cli)
    real = EngineClass.record

    def interrupted(self: EngineClass, *args: Any, **kwargs: Any) -> Any:
        if when == "after":
            real(self, *args, **kwargs)  # the change commits, then the officer presses Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(EngineClass, "record", interrupted)
    result = cli("record", case, "initiation", "--set", "undertaking_unit=沙河乡经济发展办公室", "--as", OFFICER)
    assert result.exit_code == 130
    assert result.stderr.startswith(f"interrupted: {said} ")
    recorded = fields(cli, case, "initiation")
    assert recorded == ({"undertaking_unit": "沙河乡经济发展办公室"} if when == "after" else {})
    zh = cli("record", case, "initiation", "--set", "undertaking_unit=沙河乡经济发展办公室", "--as", OFFICER, env=ZH)
    assert zh.exit_code == 130 and zh.stderr.startswith("已中断：")


def test_enum_values_typed_in_chinese_are_stored_as_their_ids(cli: Dflow) -> None:
    case = new(cli)
    cli.bring_to(case, "consultation")
    cli.record_valid(case, "risk_assessment")
    cli.ok("record", case, "risk_assessment", "--set", "risk_level=中", "--as", ACTOR["risk_assessment"])
    assert fields(cli, case, "risk_assessment")["risk_level"] == "medium"
    cli.ok("record", case, "risk_assessment", "--set", "risk_level=高风险", "--as", ACTOR["risk_assessment"])
    assert fields(cli, case, "risk_assessment")["risk_level"] == "high"


@pytest.mark.parametrize(
    ("field", "step"), [("risk_level", "risk_assessment"), ("meeting_type", "collective_decision")]
)
def test_a_value_that_is_no_choice_is_invalid_input_whichever_field(cli: Dflow, field: str, step: str) -> None:
    case = new(cli)
    cli.bring_to(case, "consultation" if step == "risk_assessment" else step)
    for typo in ("huge", "approved"):  # approved: another field's choice, still no choice of this one
        result = cli("record", case, step, "--set", f"{field}={typo}", "--as", ACTOR[step])
        assert result.exit_code == 2 and f"{field} must be one of" in result.stderr


def test_chinese_messages_name_stages_in_chinese_whatever_the_workflow(cli: Dflow) -> None:
    """Stage ids several shipped workflows share (publication, consultation, legality_review)
    were left in English: the message now speaks in the case's own workflow."""
    import re

    from tests.test_cli import STAGES

    case = new(cli)
    said = []
    for name, steps in STAGES:
        if name == "archiving":
            said.append(
                cli.ok("return", case, "--to", "consultation", "--reason", "补充材料", "--as", OFFICER, env=ZH).stdout
            )
            break
        for step in steps:
            cli.record_valid(case, step)
        said.append(cli.ok("advance", case, "--as", ACTOR[steps[0]], env=ZH).stdout)
    assert said[1] == f"决策 {case} 已进入 公众参与、专家论证、风险评估\n"
    assert [line for line in said if re.search(r"[A-Za-z_]{3,}", line)] == []


def test_a_refusal_is_kept_as_its_message_and_read_in_each_language(cli: Dflow, tmp_path: Path) -> None:
    case = new(cli)
    assert cli("advance", case, "--to", "legality_review", "--as", OFFICER).exit_code == 3
    (refused,) = [e for e in cli.json("audit", case, "--as", OFFICER)["events"] if e["action"] == "refused"]
    assert refused["data"]["msg"]["key"] == "advance.skip"
    assert [r["msg"]["key"] for r in refused["data"]["reasons"]] == ["advance.skip"]
    zh = cli.ok("audit", case, "--as", OFFICER, env=ZH).stdout
    assert "不能跳至 合法性审查：决策处于 决策启动 阶段" in zh and "cannot go" not in zh
    pdf = tmp_path / "trail.pdf"
    cli.ok("audit", "export", case, "--format", "pdf", "-o", pdf, "--as", OFFICER)
    pypdf = pytest.importorskip("pypdf")
    text = "".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(pdf)).pages)
    assert "不能跳至" in text and "cannot go" not in text


def test_a_mistyped_step_or_field_gets_did_you_mean_and_the_list(cli: Dflow) -> None:
    case = new(cli)
    step = cli("record", case, "initiaton", "--set", "undertaking_unit=办公室", "--as", OFFICER)
    assert step.exit_code == 4 and "did you mean initiation?" in step.stderr and "expert_review" in step.stderr
    field = cli("record", case, "initiation", "--set", "undertaking_unti=办公室", "--as", OFFICER, env=ZH)
    assert field.exit_code == 2
    assert "是否想输入 undertaking_unit？" in field.stderr and "承办单位（undertaking_unit）" in field.stderr


def test_show_at_80_columns_wraps_and_never_cuts_the_names_one_types(cli: Dflow) -> None:
    import os
    import subprocess
    import sys

    from tests.test_cli import BASE_ENV

    case = new(cli)
    env = {**os.environ, **{k: v for k, v in BASE_ENV.items() if v is not None}, **ZH, "COLUMNS": "80"}
    env["DFLOW_DB"] = str(cli.db)
    run = [sys.executable, "-m", "cli", "show", str(case), "--as", OFFICER]
    shown = subprocess.run(
        run, env=env, capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent
    ).stdout
    assert "…" not in shown
    from rich.cells import cell_len

    assert max(cell_len(line) for line in shown.splitlines()) <= 80
    for name in ("initiation", "drafting", "expert_review", "risk_assessment", "legality_review"):
        assert name in shown  # the step id under its title, whole on one line


def test_audit_has_column_headers_and_aligned_columns(cli: Dflow) -> None:
    case = new(cli)
    cli.record_valid(case, "initiation")
    lines = cli.ok("audit", case, "--as", OFFICER, env=ZH).stdout.splitlines()
    assert lines[0].split() == ["序号", "时间", "操作人", "动作", "环节", "内容"]
    from rich.cells import cell_len

    starts = {cell_len(line[: line.index("决策启动")]) for line in lines[1:]}
    assert len(starts) == 1  # the where column starts at one place on every line


def test_verify_names_the_unsigned_events_and_the_anchor_checked(cli: Dflow, tmp_path: Path) -> None:
    assert cli("new", "无名氏的尝试", "--workflow", "major-decision", "--as", "nobody").exit_code == 5
    head = tmp_path / "checkpoint.txt"
    head.write_text(cli.ok("audit", "head").stdout, encoding="utf-8")
    said = cli.ok("audit", "verify", "--anchor", head).stdout
    assert "unsigned events, as allowed: 1; refusals of attempts by names that could not prove a key" in said
    assert "registry 6 (nobody)" in said
    assert "the chains still extend the checkpoint kept outside the system (registry 6)" in said
    zh = cli.ok("audit", "verify", "--anchor", head, env=ZH).stdout
    assert "1 条记录未签名（符合规定）" in zh and "审计链仍延续系统外保存的检查点" in zh


def test_a_json_export_cut_short_fails_verification_exit_7(cli: Dflow, tmp_path: Path) -> None:
    case = new(cli)
    cli.record_valid(case, "initiation")
    out = tmp_path / "trail.json"
    cli.ok("audit", "export", case, "--format", "json", "-o", out, "--as", OFFICER)
    whole = out.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(whole[: len(whole) * 2 // 3])  # inside an event line
    result = cli("audit", "verify", "--file", cut)
    assert result.exit_code == 7 and "the file ends inside line" in result.stderr and "(cut short)" in result.stderr


def test_workflow_show_lists_each_fields_accepted_values_and_format(cli: Dflow) -> None:
    shown = " ".join(cli.ok("workflow", "show", "major-decision", env=ZH).stdout.split())
    assert "可选：低风险 (low)" in shown and "高风险 (high)" in shown  # risk_level's choices, label and id
    assert "日期：YYYY-MM-DD" in shown and "多项用 ，、； 或换行分隔" in shown
    english = " ".join(cli.ok("workflow", "show", "major-decision").stdout.split())
    assert "one of: low (low)" in english and "a date: YYYY-MM-DD" in english


def _drafting(cli: Dflow) -> int:
    case = new(cli)
    cli.record_valid(case, "initiation")
    cli.ok("advance", case, "--as", OFFICER)
    return case


def test_the_same_file_attached_twice_to_one_kind_is_stored_once(cli: Dflow, tmp_path: Path) -> None:
    case = _drafting(cli)
    draft = tmp_path / "草案.txt"
    draft.write_text("草案正文", encoding="utf-8")
    for _ in range(2):
        cli.ok("record", case, "drafting", "--attach", f"draft={draft}", "--as", OFFICER)
    (step,) = [s for s in cli.json("show", case, "--as", OFFICER)["steps"] if s["step"] == "drafting"]
    assert [e["name"] for e in step["evidence"]] == ["草案.txt"]


def test_an_attachment_made_by_mistake_is_withdrawn_with_a_reason(cli: Dflow, tmp_path: Path) -> None:
    case = _drafting(cli)
    wrong, right = tmp_path / "旧草案.txt", tmp_path / "草案.txt"
    wrong.write_text("旧版本", encoding="utf-8")
    right.write_text("新版本", encoding="utf-8")
    cli.ok("record", case, "drafting", "--set", "legal_basis=依据", "--attach", f"draft={wrong}", "--as", OFFICER)
    fails_with = cli("withdraw", case, "drafting", "--file", "draft=旧草案.txt", "--reason", "", "--as", OFFICER)
    assert fails_with.exit_code == 2
    assert (
        cli("withdraw", case, "drafting", "--file", "draft=别的.txt", "--reason", "误传", "--as", OFFICER).exit_code
        == 4
    )
    said = cli.ok(
        "withdraw", case, "drafting", "--file", "draft=旧草案.txt", "--reason", "误传了旧版本", "--as", OFFICER
    )
    assert said.stdout.startswith("withdrew draft 旧草案.txt from step drafting")
    (step,) = [s for s in cli.json("show", case, "--as", OFFICER)["steps"] if s["step"] == "drafting"]
    assert step["evidence"] == [] and "draft" in step["missing"]  # the record no longer counts it
    assert cli("advance", case, "--as", OFFICER).exit_code == 3
    (event,) = [e for e in cli.json("audit", case, "--as", OFFICER)["events"] if e["action"] == "withdrawn"]
    assert (event["action"], event["data"]["reason"], event["data"]["name"]) == (
        "withdrawn",
        "误传了旧版本",
        "旧草案.txt",
    )
    assert "撤回材料" in cli.ok("audit", case, "--as", OFFICER, env=ZH).stdout
    cli.ok("record", case, "drafting", "--attach", f"draft={right}", "--as", OFFICER)
    assert cli.ok("advance", case, "--as", OFFICER).exit_code == 0
    assert cli.json("audit", "verify")["ok"] is True  # the withdrawn file's bytes are still there, and verify
    again = cli("withdraw", case, "drafting", "--file", "draft=草案.txt", "--reason", "x", "--as", OFFICER)
    assert again.exit_code == 3  # a step of a stage gone by: return to it first


def test_fields_appear_in_the_workflows_order_in_show_audit_and_the_pdf(cli: Dflow, tmp_path: Path) -> None:
    """initiation's fields are proposer_kind, undertaking_unit, start_approved_on (not alphabetical)."""
    case = new(cli)
    cli.record_valid(case, "initiation")
    order = ["建议提出方", "承办单位", "决策机关同意启动日期"]

    def positions(text: str) -> list[int]:
        return [text.index(label) for label in order]

    shown = cli.ok("show", case, "--as", OFFICER, env=ZH).stdout
    trail = cli.ok("audit", case, "--as", OFFICER, env=ZH).stdout
    pdf = tmp_path / "trail.pdf"
    cli.ok("audit", "export", case, "--format", "pdf", "-o", pdf, "--as", OFFICER)
    pypdf = pytest.importorskip("pypdf")
    printed = "".join((p.extract_text() or "").replace("\n", "") for p in pypdf.PdfReader(str(pdf)).pages)
    for text in (shown, trail, printed):
        assert positions(text) == sorted(positions(text))


def test_init_with_an_impossible_admin_name_is_invalid_input_not_a_crash(tmp_path: Path) -> None:
    """Found by the hostile-input walk: saying where the key file is must not touch the disk
    before the name is known to be valid."""
    bare = Dflow(tmp_path / "fresh.db", tmp_path)
    result = bare("init", "--admin", "9" * 400)
    assert result.exit_code == 2 and "name is longer than 64 characters" in result.stderr
