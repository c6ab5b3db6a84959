"""One label catalogue for everything a person reads: every machine name the trail and the
workflows hold has a label in Chinese and English, recorded values read as words, and Chinese
output is Chinese (DFLOW_LANG=zh): no English word reaches it but ids, hashes, file names,
dflow's own command names and user names.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core import labels as catalogue
from decision_flow.core.errors import Blocked, Forbidden, InvalidInput
from decision_flow.core.i18n import Msg, recognise, t
from decision_flow.core.messages import DUPLICATED, MESSAGES
from decision_flow.engine import Engine, queries, users
from decision_flow.presentation import events, labels
from decision_flow.presentation.exports import export
from decision_flow.procedures import get, registry
from decision_flow.trail.chainwalk import Verdict
from tests.flow import (
    ACTOR,
    ADMIN,
    AUDITOR,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    bring_to,
    evidence_file,
    new_decision,
    record_valid,
)
from tests.test_cli import Dflow

PACKAGE = Path(__file__).resolve().parent.parent / "decision_flow"
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH = {"DFLOW_LANG": "zh"}


# ---------------------------------------------------------------------------- the catalogue is complete


def test_every_enum_choice_of_every_shipped_workflow_has_a_label_in_both_languages() -> None:
    """A procedure added later is held to it too: its enum values need [choices] labels."""
    checked = 0
    for wf in registry().values():
        for step in wf.steps():
            for field in step.fields:
                for value in field.choices:
                    title = wf.choices.get(value)
                    assert title is not None, f"{wf.name}: {step.name}.{field.name} = {value} has no [choices] label"
                    assert CJK.search(title.zh) and title.en.strip(), (wf.name, value, title)
                    assert labels.choice(wf, value, "zh") == title.zh and labels.choice(wf, value, "en") == title.en
                    checked += 1
    assert checked >= 2 * 19  # at least both major-decision workflows: the 19 values of their five enum fields each


def test_the_township_workflow_inherits_the_county_choices_with_its_own_meeting_types() -> None:
    township = get("major-decision-township")
    assert township.step("collective_decision").field("meeting_type").choices == (  # type: ignore[union-attr]
        "township_office_meeting",
        "party_government_joint_meeting",
    )
    assert labels.choice(township, "township_office_meeting", "zh") == "乡长办公会议"
    assert labels.choice(township, "party_government_joint_meeting", "zh") == "党政联席会议"
    assert labels.choice(township, "lawful_with_revisions", "zh") == "修改后合法"
    assert [labels.choice(township, v, "zh") for v in ("approved", "rejected", "amend", "deferred", "rediscuss")] == [
        "同意",
        "不同意",
        "修改",
        "暂缓",
        "再次讨论",
    ]


def _written(pattern: str, under: str) -> set[str]:
    """The first string argument of every call `pattern` matches in the package's code under `under`."""
    found = set()
    for path in (PACKAGE / under).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and re.fullmatch(pattern, ast.unparse(node.func)):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_action_the_engine_writes_has_a_label() -> None:
    from decision_flow.definition.workflow import ENDINGS

    written = (
        _written(r"(c|self)\.event", "engine") | {"refused"} | set(ENDINGS.values())
    )  # an outcome that ends a case
    assert {"created", "recorded", "completed", "waived", "advanced", "returned", "flag_changed"} <= written
    assert {"user_added", "key_rotated", "key_revoked", "rejected", "stays", "migrated"} <= written
    assert sorted(written - set(catalogue.ACTIONS)) == []


def test_every_attempt_a_refusal_records_has_a_label() -> None:
    attempted = _written(r"(engine|self)\.change", "engine")
    assert {"new", "record", "advance", "user_add", "key_revoke"} <= attempted
    assert sorted(attempted - set(catalogue.ATTEMPTS)) == []


def test_every_generic_label_has_english_and_chinese() -> None:
    tables = [catalogue.ACTIONS, catalogue.STATUSES, catalogue.ROLES, catalogue.ATTEMPTS, catalogue.STANCES]
    tables += [catalogue.MARKS, catalogue.FIELD_TYPES, catalogue.WAIVERS, catalogue.LEVELS, catalogue.TRIGGERS]
    for table in [*tables, catalogue.WORDS]:
        for name, (en, zh) in table.items():
            assert en.strip() and CJK.search(zh) or name in ("seq",), (name, en, zh)
    from decision_flow.definition.workflow import FIELD_TYPES, LEVELS, ROLES, WAIVER_POLICIES

    assert set(catalogue.ROLES) == set(ROLES) and set(catalogue.FIELD_TYPES) == set(FIELD_TYPES)
    assert set(catalogue.WAIVERS) == set(WAIVER_POLICIES) and set(catalogue.LEVELS) == set(LEVELS)


# ---------------------------------------------------------------------------- values and names


def test_values_read_as_words_in_each_language() -> None:
    wf = get("major-decision")
    assert labels.value(wf, "risk_assessment", "controllable", True, "zh") == "是"
    assert labels.value(wf, "risk_assessment", "controllable", False, "en") == "no"
    assert labels.value(wf, "publication", "channels", ["乡政府网站", "公示栏"], "zh") == "乡政府网站、公示栏"
    assert labels.value(wf, "publication", "channels", ["a", "b"], "en") == "a, b"
    assert labels.value(wf, "publication", "published_on", "2024-07-01", "zh") == "2024年7月1日"
    assert labels.value(wf, "publication", "published_on", "2024-07-01", "en") == "2024-07-01"
    assert labels.value(wf, "legality_review", "opinion", "lawful_with_revisions", "zh") == "修改后合法"
    assert labels.value(wf, "legality_review", "opinion", "unlawful", "en") == "unlawful"
    assert labels.value(wf, "risk_assessment", "risk_level", "high", "zh") == "高风险"
    assert labels.value(wf, "collective_decision", "meeting_type", "standing_meeting", "zh") == "常务会议"
    stances = ["张乡长:agree", "王副乡长:disagree", "刘委员:abstain"]
    shown = labels.value(wf, "collective_decision", "stances", stances, "zh")
    assert shown == "张乡长：同意、王副乡长：不同意、刘委员：弃权"
    assert labels.value(wf, "drafting", "alternatives", 2, "zh") == "2"


def test_a_field_name_two_steps_share_is_labelled_by_its_own_step() -> None:
    wf = get("major-decision")
    assert labels.field(wf, "expert_review", "held_on", "zh") == "论证日期"
    assert labels.field(wf, "collective_decision", "held_on", "zh") == "会议日期"
    assert labels.field(wf, None, "held_on", "zh") == "held_on"  # ambiguous without its step: left as named
    assert labels.field(None, None, "opened_on", "zh") == "征求意见开始日期"  # every shipped workflow agrees


def test_fields_follow_the_workflows_order_not_the_alphabet() -> None:
    step = get("major-decision").step("initiation")
    stored = {"undertaking_unit": "u", "start_approved_on": "2024-03-01", "proposer_kind": "public", "extra": 1}
    assert [name for name, _ in labels.fields(step, stored)] == [
        "proposer_kind",
        "undertaking_unit",
        "start_approved_on",
        "extra",
    ]


def test_stages_steps_evidence_flags_statuses_and_roles_have_their_titles() -> None:
    wf = get("major-decision")
    assert labels.stage(wf, "legality_review", "zh") == "合法性审查"
    assert labels.stage(wf, "archived", "zh") == "已归档" and labels.stage(wf, "archived", "en") == "archived"
    assert labels.step(wf, "public_participation", "en") == "Public participation"
    assert labels.evidence(wf, "public_participation", "opinion_handling", "zh") == "意见采纳情况及理由"
    assert labels.flag(wf, "non_disclosable", "zh") == "依法不予公开"
    assert labels.status("waived", "zh") == "已免除" and labels.status("active", "en") == "active"
    assert labels.role("legal_reviewer", "zh") == "合法性审查人员"
    assert labels.roles("officer,admin", "zh") == "承办人员、系统管理员"
    assert labels.action("flag_changed", "zh") == "变更标记" and labels.attempt("advance", "zh") == "推进阶段"
    assert labels.named("drafting", "拟定决策草案", "en") == "drafting"
    assert labels.named("drafting", "拟定决策草案", "zh") == "拟定决策草案"


# ---------------------------------------------------------------------------- messages


def _sample(english: str) -> dict[str, str]:
    return {name: f"p{i}x" for i, name in enumerate(dict.fromkeys(re.findall(r"\{(\w+)", english)))}


@pytest.mark.parametrize(
    "key",
    sorted(
        k
        for k, (en, _) in MESSAGES.items()
        if re.sub(r"\{\w+(![rs])?\}", "", en) and "}{" not in en and not k.startswith(("wf.", "report."))
    ),
)
def test_every_message_reads_back_from_its_english_text(key: str) -> None:
    """What the trail stored in English is read back into its message, to be shown in Chinese
    (a workflow file's problems, `wf.*`, and the annual report's words, `report.*`, are never
    stored in the trail and are not read back)."""
    params = _sample(MESSAGES[key][0])
    found = recognise(t(Msg(key, params), "en"))
    assert found is not None and t(found, "zh") == t(Msg(key, params), "zh"), (key, found)


def test_a_stored_refusal_is_shown_in_chinese_with_the_workflows_words() -> None:
    wf = get("major-decision")
    stored = "step public_participation belongs to stage consultation; the decision is at initiation"
    assert labels.stored(stored, wf, None, "zh") == (
        "步骤 公众参与 属于 公众参与、专家论证、风险评估 阶段，决策当前处于 决策启动 阶段"
    )
    assert labels.stored(stored, wf, None, "en") == stored
    assert labels.stored("no message renders this", wf, None, "zh") == "no message renders this"
    late = "published_on is 23 working days after the decision; due within 20 (recorded as late)"
    assert labels.stored(late, wf, "publication", "zh") == (
        "公布日期 距决策已 23 个工作日，应在 20 个工作日内（记为逾期）"
    )
    value = "the decision is hearing_required: hearing_held must be True"
    assert labels.stored(value, wf, "public_participation", "zh") == "该决策为 法律规定应当听证：是否举行听证 必须为 是"


def test_english_messages_keep_the_names_one_types() -> None:
    msg = Msg("required.evidence", {"step": "public_participation", "kind": "notice"})
    assert labels.message(msg, lang="en") == "public_participation: evidence notice is not attached"
    assert labels.message(msg, lang="zh") == "公众参与：未附 征求意见公告 材料"
    typed = Msg("field.choice", {"field": "risk_level", "value": "huge", "choices": "low, medium, high"})
    assert labels.message(typed, lang="zh") == (
        "风险等级 须为 低风险（low）、中风险（medium）、高风险（high） 之一，而非 'huge'"
    )


def test_a_verdict_carries_a_message_its_json_reason_stays_english() -> None:
    bad = Verdict(False, 7, 7, Msg("verify.evidence", {"sha256": "ab" * 32, "kind": "draft"}))
    assert bad.as_dict()["reason"] == f"evidence altered or missing: {'ab' * 32} (draft)"
    assert t(bad.why, "zh") == f"材料被改动或缺失：{'ab' * 32}（draft）"  # type: ignore[arg-type]
    assert labels.message(bad.why, get("major-decision"), lang="zh") == f"材料被改动或缺失：{'ab' * 32}（决策草案）"  # type: ignore[arg-type]
    assert bad == Verdict(False, 7, 7, f"evidence altered or missing: {'ab' * 32} (draft)")


# ---------------------------------------------------------------------------- Chinese output is Chinese

# ASCII words that may appear in Chinese output: dflow's command names, hash and time words
# the archives use, the names one types (workflows, export formats), the tests' user names,
# and what the command itself typed (an error names it). Ids, hashes, fingerprints, keys and
# paths are recognised by their shape (see _leaks).
ALLOWED = {"dflow", "audit", "verify", "SHA-256", "UTC", "decision-flow"} | set(registry())  # workflow names
ALLOWED |= {"pdf", "html", "csv", "json", OFFICER, REVIEWER, EXECUTIVE, AUDITOR, ADMIN, "zhou"}
_WORD = re.compile(r"[A-Za-z][\w.:/+=@-]*")
_SHAPES = re.compile(
    r"[0-9a-f]{12,}…?|SHA256:[0-9a-f]{16}|ed25519:[A-Za-z0-9+/=]+|/\S+|[\w.-]+\.(txt|csv|html|pdf|json|db)"
)


def _leaks(text: str, typed: tuple[Any, ...] = ()) -> list[str]:
    """ASCII words of three letters or more that are none of the allowed tokens."""
    found = []
    allowed = ALLOWED | {part for arg in typed for part in re.split(r"[=,]", str(arg))}
    for token in _WORD.findall(_SHAPES.sub(" ", text)):
        token = token.rstrip(".:")
        if re.search(r"[A-Za-z]{3,}", token) and token not in allowed:
            found.append(token)
    return found


@pytest.fixture
def scene(engine: Engine, files: Path, tmp_path: Path) -> Iterator[Dflow]:
    """Three decisions through much of the procedure, with refusals, marks, a flag change, a
    rejection, a return and key events; then `dflow` on the same database."""
    archived = new_decision(engine, ["technical", "market_affecting"])
    for attempt in (
        lambda: engine.advance(archived, OFFICER, to="archiving"),
        lambda: engine.waive(archived, "expert_review", "不需要", OFFICER),
        lambda: engine.record(archived, "legality_review", ["opinion=lawful"], [], OFFICER),
    ):
        with pytest.raises((Blocked, Forbidden)):
            attempt()
    engine.set_flag(archived, "hearing_required", True, "价格听证", OFFICER)
    engine.set_flag(archived, "hearing_required", False, "不涉及价格", OFFICER)
    bring_to(engine, archived, "consultation", files)
    with pytest.raises(Blocked):
        engine.advance(archived, OFFICER)
    for name in ("public_participation", "expert_review", "risk_assessment", "legality_review"):
        record_valid(engine, archived, name, files)
        if name in ("risk_assessment", "legality_review"):
            engine.advance(archived, ACTOR[name])
    meeting = ["meeting_type=standing_meeting", "held_on=2024-06-20", "head_decision=approved"]
    meeting += ["stances=张乡长:agree,王副乡长:disagree,刘委员:agree", "dissent=王副乡长：选址偏远"]
    papers = [f"{kind}={evidence_file(files, kind)}" for kind in ("minutes", "fair_competition_review")]
    engine.record(archived, "collective_decision", meeting, papers, EXECUTIVE)
    engine.advance(archived, EXECUTIVE)
    record_valid(engine, archived, "party_report", files)
    engine.advance(archived, OFFICER)
    record_valid(engine, archived, "publication", files, published_on="2024-08-01")  # late: a mark
    engine.advance(archived, OFFICER)
    record_valid(engine, archived, "archiving", files, archived_on="2024-08-10")
    engine.advance(archived, OFFICER)

    rejected = new_decision(engine, workflow="major-decision-township")
    bring_to(engine, rejected, "collective_decision", files, "major-decision-township")
    township = "major-decision-township"
    with pytest.raises(Blocked):  # a majority agreed: the head's reasons are owed
        record_valid(engine, rejected, "collective_decision", files, township, head_decision="rejected")
    outcome = {"head_decision": "rejected", "head_reasons": "财力不足"}
    record_valid(engine, rejected, "collective_decision", files, township, **outcome)
    engine.complete(rejected, "collective_decision", EXECUTIVE)

    returned = new_decision(engine)
    bring_to(engine, returned, "legality_review", files)
    record_valid(engine, returned, "legality_review", files, opinion="unlawful")
    with pytest.raises(Blocked):
        engine.advance(returned, REVIEWER)
    engine.send_back(returned, "drafting", "审查意见为不合法", REVIEWER)

    users.add(engine, "zhou", ["officer"], ADMIN)
    users.set_roles(engine, "zhou", ["officer", "executive"], ADMIN)
    users.deactivate(engine, "zhou", ADMIN)
    users.rotate(engine, OFFICER)
    yield Dflow(tmp_path / "dflow.db", files)


def test_chinese_output_names_no_english_word(scene: Dflow, tmp_path: Path) -> None:
    dflow = scene
    shown: dict[tuple[Any, ...], str] = {}
    for args in (
        ("show", 1),
        ("show", 2),
        ("show", 3),
        ("list",),
        ("audit", 1),
        ("audit", 2),
        ("audit", 3),
        ("audit", "verify"),
        ("workflow", "list"),
        ("user", "list"),
        ("key", "show", OFFICER),
    ):
        shown[args] = dflow.ok(*args, env=ZH).stdout
    for args in (
        ("show", 99),
        ("advance", 3, "--to", "archiving", "--as", OFFICER),
        ("record", 3, "public_participation", "--set", "opened_on=2024-04-01", "--as", OFFICER),
        ("waive", 3, "drafting", "--reason", "无需", "--as", OFFICER),
        ("record", 3, "drafting", "--set", "legal_basis=依据", "--as", REVIEWER),
        ("record", 3, "drafting", "--set", "alternatives=many", "--as", OFFICER),
        ("advance", 2, "--as", EXECUTIVE),
        ("advance", 3, "--to", "nowhere", "--as", OFFICER),
        ("new", "标题", "--workflow", "major-decision", "--as", AUDITOR),
        ("audit", "export", 1, "--format", "docx", "-o", tmp_path / "x.docx"),
        ("audit", "verify", "--file", tmp_path / "missing.json"),
    ):
        result = dflow(*args, env=ZH)
        assert result.exit_code != 0 and result.stdout == "", (args, result.stdout)
        shown[args] = result.stderr
    assert "试图推进阶段" in shown[("audit", 1)] and "逾期" in shown[("show", 1)] and "已否决" in shown[("show", 2)]
    assert "会议类型: 乡长办公会议" in shown[("show", 2)] and "审查意见=不合法" in shown[("audit", 3)]
    assert "王副乡长：不同意" in shown[("show", 1)] and "行政首长决定: 同意" in shown[("show", 1)]
    # `show` puts each step's id under its title: the name `record` and `complete` take (issue 19)
    steps = tuple(name for wf in ("major-decision", "major-decision-township") for name in get(wf).steps_by_name)
    leaks = {
        command: _leaks(text, command + (steps if command[0] == "show" else ())) for command, text in shown.items()
    }
    assert {command: found for command, found in leaks.items() if found} == {}


def _names_of(workflow: str) -> set[str]:
    """Every name one types for a workflow: its stages, steps, fields and evidence kinds."""
    wf = get(workflow)
    names = {s.name for s in wf.stages} | {s.name for s in wf.steps()}
    names |= {c for s in wf.steps() for f in s.fields for c in f.choices}  # typed as --set field=choice
    return names | {f.name for s in wf.steps() for f in s.fields} | {e.kind for s in wf.steps() for e in s.evidence}


@pytest.fixture
def bare(tmp_path: Path) -> Dflow:
    """dflow without a database (the commands below need none)."""
    return Dflow(tmp_path / "dflow.db", tmp_path)


def test_chinese_workflow_reference_names_only_what_one_types(bare: Dflow) -> None:
    """`workflow show` is where one learns the names to type: beside their titles, those are
    the only ASCII words it shows (roles, field types, waivers and the basis are in Chinese)."""
    shown = bare.ok("workflow", "show", "major-decision-township", env=ZH).stdout
    assert "《重大行政决策程序暂行条例》（国务院令第713号），乡镇人民政府参照适用（第42条）" in shown
    assert "依法不予公开时可免除" in shown and "合法性审查人员" in shown and "(opinion, 选项)" in shown
    assert _leaks(shown, (*_names_of("major-decision-township"), "YYYY-MM-DD", "true", "false")) == []
    diagram = bare.ok("workflow", "diagram", "major-decision", env=ZH).stdout
    assert _leaks(diagram, ("stateDiagram-v2", *_names_of("major-decision"), "archived", "rejected")) == []


def test_chinese_usage_errors_of_the_option_parser(bare: Dflow) -> None:
    assert bare("show", env=ZH).stderr == "dflow: 缺少参数 'ID'\n"
    assert bare("show", 1, "--bogus", env=ZH).stderr == "dflow: 没有选项 --bogus\n"
    assert bare("frobnicate", env=ZH).stderr == "dflow: 没有命令 'frobnicate'\n"
    assert bare("show", 1, "2", env=ZH).stderr == "dflow: 多余的参数（2）\n"
    assert bare("show", 1, "2").stderr == "dflow: Got unexpected extra argument(s) (2)\n"


def test_the_chinese_demo_narrates_in_chinese() -> None:
    from typer.testing import CliRunner

    import cli
    from tests.test_cli import BASE_ENV

    result = CliRunner().invoke(cli.app, ["demo"], env={**BASE_ENV, **ZH})
    assert result.exit_code == 0, result.output
    assert "→ 拟定决策草案" in result.stdout and "专家论证 已说明理由免除" in result.stdout
    recorded = ("zhang_wei", "li_sifasuo", "wang_xiangzhang", "SHX-2025-ZD-003")  # its users, its archive number
    assert _leaks(result.stdout, recorded) == []


def test_chinese_verification_failures_name_the_event_in_chinese(scene: Dflow) -> None:
    dflow = scene
    with closing(sqlite3.connect(dflow.db)) as con, con:
        con.execute("DROP TRIGGER audit_events_no_update")  # as an attacker with the file would
        con.execute("UPDATE audit_events SET actor = 'mallory' WHERE chain = 'registry' AND seq = 9")
    result = dflow("audit", "verify", env=ZH)
    assert result.exit_code == 7
    assert result.stderr == "审计记录校验失败，首个问题在审计链 registry 第 9 条：内容被改动：哈希与内容不符\n"
    assert dflow("audit", "verify", "--json", env=ZH).stdout == (
        '{"ok": false, "events": 9, "first_bad_seq": 9, "reason": "content edited: hash does not match content",'
        ' "chain": "registry"}\n'
    )


def test_english_output_keeps_the_names_one_types(scene: Dflow) -> None:
    trail = scene.ok("audit", 1).stdout
    assert re.search(r"initiation/initiation +proposer_kind=organ_leader; undertaking_unit=", trail)
    assert re.search(r"collective_decision/collective_decision +outcome=approved", trail)
    assert re.search(r"publication/publication +late", trail)
    shown = scene.ok("show", 1).stdout
    assert "proposer kind: a leader of the decision organ" in shown and "(late)" in shown


# ---------------------------------------------------------------------------- the exports


def test_exports_show_values_evidence_kinds_and_stages_in_chinese(scene: Dflow, engine: Engine, tmp_path: Path) -> None:
    page = tmp_path / "trail.html"
    export(engine, 1, "html", page)
    text = page.read_text(encoding="utf-8")
    assert "建议提出方：决策机关领导人员" in text and "审查意见：合法" in text and "会议类型：常务会议" in text
    assert "材料 决策草案：draft.txt" in text and "标注：逾期" in text
    assert "organ_leader" not in text.split("四、审计事件")[0]  # the data column of CSV keeps machine names
    assert "（理由：审查意见为不合法）" not in text  # decision 1 was not returned
    order = [text.index(label) for label in ("建议提出方：", "承办单位：", "决策机关同意启动日期：")]
    assert order == sorted(order)  # the workflow's order, not the stored (alphabetical) one
    out = tmp_path / "trail.csv"
    export(engine, 3, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    returned = next(r for r in rows if r["action"] == "returned")
    assert returned["stage"] == "legality_review"  # the columns keep the machine names
    assert returned["summary"] == "合法性审查 → 拟定决策草案（理由：审查意见为不合法）"
    refused = next(r for r in rows if r["action"] == "refused")
    assert refused["summary"] == "试图推进阶段：[第25条] 合法性审查 记录 审查意见=不合法：须将决策退回 拟定决策草案"


def test_event_summaries_cover_every_action_without_raw_json(scene: Dflow, engine: Engine) -> None:
    with engine.db.session(write=False) as s:
        from sqlmodel import col, select

        from decision_flow.store.models import AuditEvent
        from decision_flow.trail import audit

        every = [audit.as_dict(e) for e in s.exec(select(AuditEvent).order_by(col(AuditEvent.at))).all()]
    actions = {e["action"] for e in every}
    assert {"user_roles_changed", "user_deactivated", "key_rotated", "rejected", "flag_changed"} <= actions
    for event in every:
        line = events.summary(event["action"], event["data"], None, event["step"], "zh")
        assert not line.startswith("{"), (event["action"], line)


def test_user_typed_names_stay_as_typed_in_chinese_errors(engine: Engine) -> None:
    decision = new_decision(engine)
    with pytest.raises(InvalidInput) as caught:
        engine.record(decision, "initiation", ["opened_on=2024-01-01"], [], ACTOR["initiation"])
    shown = labels.message(caught.value.msg, lang="zh")  # type: ignore[arg-type]
    assert shown.startswith("步骤 决策启动 没有字段 'opened_on'（字段：建议提出方（proposer_kind）、")
    assert queries.show(engine, decision)["steps"][0]["fields"] == {}


def test_every_message_key_is_in_one_module_of_the_catalogue() -> None:
    """A key defined in two modules would silently take the later text."""
    assert DUPLICATED == []
