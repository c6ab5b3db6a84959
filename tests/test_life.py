"""A decision's life after archiving (Decree 713 Arts. 34-37), through the command line on a real
SQLite file: in force from archiving; implementation reports and tracking feedback; the head's
suspension, which refuses reports until resumed; a post-decision evaluation begun on one of
Art. 36's grounds, never by a unit or person that did the pre-decision assessments, reported with
its conclusion and its report; and an adjustment or a stop, a new case linked both ways that
supersedes or stops the decision once archived. Every refusal cites its article and is kept in
the decision's own trail; every act is an audited event and the trail verifies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.flow import ACTOR, EXECUTIVE, OFFICER, REVIEWER, VALID, evidence_file
from tests.test_cli import STAGES, TITLE, Dflow

EVALUATOR = "zhou"  # an officer who recorded none of the assessments


@pytest.fixture
def dflow(tmp_path: Path) -> Dflow:
    run = Dflow.initialised(tmp_path)
    run.ok("user", "add", EVALUATOR, "--role", "officer", "--as", "admin")
    return run


def archive(dflow: Dflow, title: str = TITLE, *extra: str) -> int:
    """A new decision walked through every stage and archived; its id."""
    made = dflow.json("new", title, "--workflow", "major-decision", "--as", OFFICER, *extra)
    decision = int(made["id"])
    walk_to_archived(dflow, decision)
    return decision


def walk_to_archived(dflow: Dflow, decision: int) -> None:
    for _name, steps in STAGES:
        for step in steps:
            dflow.record_valid(decision, step)
        dflow.ok("advance", decision, "--as", ACTOR[steps[0]])
    assert dflow.json("show", decision)["status"] == "archived"


def refused(dflow: Dflow, code: int, article: str, *args: Any) -> str:
    """The command fails with `code`, citing `article` (its stderr, returned)."""
    result = dflow(*args)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert article in result.stderr, result.stderr
    assert "Traceback" not in result.output
    return result.stderr


def file(tmp: Path, name: str, text: str = "材料") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def trail_actions(dflow: Dflow, decision: int) -> list[str]:
    return [e["action"] for e in dflow.json("audit", decision)["events"]]


# ---------------------------------------------------------------------------- in force, reports, feedback


def test_an_archived_decision_is_in_force_and_takes_implementation_reports(dflow: Dflow, tmp_path: Path) -> None:
    decision = archive(dflow)
    assert dflow.json("show", decision)["life"] == "in_force"
    report = file(tmp_path, "进度报告.txt", "新址已完成平整")
    dflow.ok(
        "implement", decision, "--report", "新址已完成平整", "--problems", "东部三村交通不便",
        "--attach", f"implementation_report={report}", "--as", OFFICER,
    )  # fmt: skip
    dflow.ok("feedback", decision, "--text", "东部三村反映早市班车不足", "--source", "东风村委会", "--as", OFFICER)
    view = dflow.json("show", decision)
    kinds = [a["kind"] for a in view["life_acts"]]
    assert kinds == ["implementation_reported", "tracking_feedback"]
    reported = view["life_acts"][0]["data"]
    assert reported["report"] == "新址已完成平整" and reported["problems"] == "东部三村交通不便"
    assert [e["kind"] for e in reported["evidence"]] == ["implementation_report"]
    assert trail_actions(dflow, decision)[-2:] == ["implementation_reported", "tracking_feedback"]
    assert dflow.json("audit", "verify")["ok"] is True
    shown = dflow.ok("show", decision, env={"DFLOW_LANG": "zh"}).stdout
    assert "执行状态: 执行中" in shown and "报告执行情况" in shown and "执行情况：新址已完成平整" in shown
    assert "implementation_reported" not in shown and "in_force" not in shown


def test_a_report_before_archiving_is_refused_citing_art_34(dflow: Dflow) -> None:
    dflow.ok("new", TITLE, "--workflow", "major-decision", "--as", OFFICER)
    stderr = refused(dflow, 3, "Art. 34", "implement", 1, "--report", "提前报告", "--as", OFFICER)
    assert stderr.startswith("decision 1 is still being decided: an implementation report is not possible now")
    assert trail_actions(dflow, 1)[-1] == "refused"  # kept, in the decision's own trail


def test_an_attached_report_altered_on_disk_fails_verification(dflow: Dflow, tmp_path: Path) -> None:
    decision = archive(dflow)
    report = file(tmp_path, "r.txt", "第一季度执行情况")
    dflow.ok(
        "implement", decision, "--report", "第一季度", "--attach", f"implementation_report={report}", "--as", OFFICER
    )
    sha = dflow.json("show", decision)["life_acts"][0]["data"]["evidence"][0]["sha256"]
    (dflow.db.parent / "dflow.db.evidence" / sha[:2] / sha).write_text("改过的", encoding="utf-8")
    verdict = dflow("audit", "verify", "--json")
    assert verdict.exit_code == 7
    assert json.loads(verdict.stdout)["reason"].startswith(f"evidence altered or missing: {sha}")


def test_bad_input_to_a_life_act_changes_nothing(dflow: Dflow, tmp_path: Path) -> None:
    decision = archive(dflow)
    before = trail_actions(dflow, decision)
    assert dflow("implement", decision, "--report", "  ", "--as", OFFICER).exit_code == 2
    assert dflow("implement", decision, "--report", "x", "--attach", "nonsense", "--as", OFFICER).exit_code == 2
    missing = tmp_path / "nowhere.pdf"
    assert (
        dflow(
            "implement", decision, "--report", "x", "--attach", f"implementation_report={missing}", "--as", OFFICER
        ).exit_code
        == 2
    )
    assert dflow("implement", 99, "--report", "x", "--as", OFFICER).exit_code == 4
    assert trail_actions(dflow, decision) == before


# ---------------------------------------------------------------------------- suspension


def test_the_head_suspends_and_a_suspended_decision_refuses_reports_until_resumed(dflow: Dflow) -> None:
    decision = archive(dflow)
    refused(dflow, 5, "Arts. 35, 37", "suspend", decision, "--reason", "紧急情况", "--as", OFFICER)  # not the head
    dflow.ok("suspend", decision, "--reason", "新址发现地下管线", "--as", EXECUTIVE)
    assert dflow.json("show", decision)["life"] == "suspended"
    stderr = refused(dflow, 3, "Arts. 35, 37", "implement", decision, "--report", "继续施工", "--as", OFFICER)
    assert stderr.startswith(f"decision {decision} is suspended: an implementation report is not possible now")
    dflow.ok("feedback", decision, "--text", "群众询问何时复工", "--as", OFFICER)  # feedback still comes in
    refused(dflow, 3, "Arts. 35, 37", "suspend", decision, "--reason", "再次", "--as", EXECUTIVE)
    dflow.ok("resume", decision, "--reason", "管线已迁改", "--as", EXECUTIVE)
    assert dflow.json("show", decision)["life"] == "in_force"
    dflow.ok("implement", decision, "--report", "已复工", "--as", OFFICER)
    actions = trail_actions(dflow, decision)
    assert actions.count("suspended") == 1 and actions.count("resumed") == 1
    assert dflow.json("audit", "verify")["ok"] is True


# ---------------------------------------------------------------------------- evaluation (Art. 36)


@pytest.mark.parametrize(
    ("who", "evaluator"),
    [
        (OFFICER, "县社科院"),  # zhao recorded the public participation, expert review and risk assessment
        (EVALUATOR, "沙河乡综治中心"),  # the unit that did the risk assessment
        (EVALUATOR, "沙河乡经济发展办公室"),  # the undertaking unit, which organised the public participation
        (EVALUATOR, "陈 教授"),  # one of the experts (spaces and width do not hide a name)
    ],
)
def test_whoever_assessed_the_decision_never_evaluates_it(dflow: Dflow, who: str, evaluator: str) -> None:
    decision = archive(dflow)
    stderr = refused(
        dflow, 3, "Art. 36", "evaluate", "start", decision, "--ground", "many_objections", "--evaluator", evaluator,
        "--as", who,
    )  # fmt: skip
    assert "may not evaluate the same decision" in stderr
    refusal = dflow.json("audit", decision)["events"][-1]
    assert refusal["action"] == "refused"
    assert refusal["data"]["reasons"][0]["rule"] == "independent_evaluation"
    assert refusal["data"]["reasons"][0]["article"] == "Art. 36"
    assert dflow.json("show", decision)["life_acts"] == []


def test_an_evaluation_begins_on_a_ground_and_is_reported_with_its_report(dflow: Dflow, tmp_path: Path) -> None:
    decision = archive(dflow)
    assert (
        dflow(
            "evaluate", "start", decision, "--ground", "feelings", "--evaluator", "县社科院", "--as", EVALUATOR
        ).exit_code
        == 2
    )
    assert (
        dflow(
            "evaluate",
            "start",
            decision,
            "--ground",
            "missed_goals",
            "--evaluator",
            "县社科院",
            "--due",
            "2025-13-01",
            "--as",
            EVALUATOR,
        ).exit_code
        == 2
    )
    refused(
        dflow,
        3,
        "Art. 36",
        "evaluate",
        "report",
        decision,
        "--conclusion",
        "adjust",
        "--public-opinions",
        "x",
        "--as",
        EVALUATOR,
    )
    dflow.ok(
        "evaluate", "start", decision, "--ground", "many_objections", "--evaluator", "县社科院", "--due", "2025-03-31",
        "--as", EVALUATOR,
    )  # fmt: skip
    refused(
        dflow,
        3,
        "Art. 36",
        "evaluate",
        "start",
        decision,
        "--ground",
        "found_necessary",
        "--evaluator",
        "县社科院",
        "--as",
        EVALUATOR,
    )
    stderr = refused(
        dflow, 3, "Art. 36", "evaluate", "report", decision, "--conclusion", "adjust", "--public-opinions", "问卷",
        "--as", EVALUATOR,
    )  # fmt: skip
    assert "evaluation_report" in stderr  # the report is the evaluation's evidence
    assert (
        dflow(
            "evaluate", "report", decision, "--conclusion", "maybe", "--public-opinions", "x", "--as", EVALUATOR
        ).exit_code
        == 2
    )
    report = file(tmp_path, "后评估报告.txt", "评估结论：建议调整")
    dflow.ok(
        "evaluate", "report", decision, "--conclusion", "adjust", "--public-opinions", "问卷 312 份，座谈 2 场",
        "--expert-opinions", "专家 3 人", "--attach", f"evaluation_report={report}", "--as", EVALUATOR,
    )  # fmt: skip
    acts = dflow.json("show", decision)["life_acts"]
    assert [a["kind"] for a in acts] == ["evaluation_started", "evaluation_reported"]
    assert acts[0]["data"] == {"due_on": "2025-03-31", "evaluator": "县社科院", "ground": "many_objections"}
    assert acts[1]["data"]["conclusion"] == "adjust" and acts[1]["data"]["evaluator"] == "县社科院"
    zh = dflow.ok("show", decision, env={"DFLOW_LANG": "zh"}).stdout
    assert "启动情形：公民、法人或者其他组织提出较多意见" in zh and "评估结论：调整" in zh
    assert dflow.json("audit", "verify")["ok"] is True


# ---------------------------------------------------------------------------- adjustment and stop (Art. 37)


@pytest.mark.parametrize(("kind", "ends"), [("change", "superseded"), ("stop", "stopped")])
def test_an_adjustment_is_a_new_case_linked_both_ways_that_ends_the_old_once_archived(
    dflow: Dflow, kind: str, ends: str
) -> None:
    old = archive(dflow)
    made = dflow.json("adjust", old, "--kind", kind, "--title", "农贸市场搬迁方案（调整）", "--as", OFFICER)
    new = int(made["id"])
    assert made["supersedes"] == old and made["stage"] == "initiation"
    assert dflow.json("show", new)["supersedes"] == old and dflow.json("show", new)["adjustment"] == kind
    assert dflow.json("show", old)["superseded_by"] == [new]
    assert dflow.json("show", old)["life"] == "in_force"  # until the new case is decided
    refused(dflow, 3, "Art. 37", "adjust", old, "--kind", kind, "--title", "再调整", "--as", OFFICER)  # one at a time
    assert trail_actions(dflow, old)[-2:] == ["adjustment_opened", "refused"]
    walk_to_archived(dflow, new)
    assert dflow.json("show", old)["life"] == ends
    assert trail_actions(dflow, old)[-1] == ends
    stderr = refused(dflow, 3, "Art. 34", "implement", old, "--report", "照旧执行", "--as", OFFICER)
    assert "is not possible now" in stderr
    assert dflow.json("show", new)["life"] == "in_force"
    assert dflow.json("audit", "verify")["ok"] is True


def test_an_adjustment_of_a_decision_not_in_force_or_of_no_such_kind_is_refused(dflow: Dflow) -> None:
    dflow.ok("new", TITLE, "--workflow", "major-decision", "--as", OFFICER)
    refused(dflow, 3, "Art. 37", "adjust", 1, "--kind", "change", "--title", "调整", "--as", OFFICER)
    old = archive(dflow, "第二项决策")
    assert dflow("adjust", old, "--kind", "rewrite", "--title", "调整", "--as", OFFICER).exit_code == 2
    assert dflow("adjust", 99, "--kind", "stop", "--title", "调整", "--as", OFFICER).exit_code == 4
    refused(dflow, 5, "", "adjust", old, "--kind", "stop", "--title", "调整", "--as", REVIEWER)


def test_a_case_rejected_at_its_meeting_leaves_the_old_decision_in_force(dflow: Dflow) -> None:
    """A change that is not decided changes nothing: the old decision stays in force."""
    old = archive(dflow)
    new = int(dflow.json("adjust", old, "--kind", "change", "--title", "调整方案", "--as", OFFICER)["id"])
    for _name, steps in STAGES:
        if steps[0] == "collective_decision":
            fields = [f for f in VALID["collective_decision"][0] if not f.startswith(("head_decision=", "stances="))]
            args: list[Any] = ["record", new, "collective_decision"]
            for item in [
                *fields,
                "stances=张乡长:disagree,王副乡长:disagree,刘委员:abstain",
                "dissent=成本过高",
                "head_decision=rejected",
            ]:
                args += ["--set", item]
            dflow.ok(*args, "--attach", f"minutes={evidence_file(dflow.files, 'minutes')}", "--as", EXECUTIVE)
            dflow.ok("complete", new, "collective_decision", "--as", EXECUTIVE)
            break
        for step in steps:
            dflow.record_valid(new, step)
        dflow.ok("advance", new, "--as", ACTOR[steps[0]])
    assert dflow.json("show", new)["status"] == "rejected"
    assert dflow.json("show", old)["life"] == "in_force"
    assert dflow.json("audit", "verify")["ok"] is True


def test_an_evaluation_begun_is_due_until_it_is_reported(dflow: Dflow, tmp_path: Path) -> None:
    decision = archive(dflow)
    dflow.ok(
        "evaluate", "start", decision, "--ground", "found_necessary", "--evaluator", "县社科院", "--due", "2025-03-31",
        "--as", EVALUATOR,
    )  # fmt: skip

    def evaluations(today: str) -> list[dict[str, Any]]:
        found = dflow.json("due", "--today", today, "--as", EVALUATOR)["items"]
        return [i for i in found if i["source"] == "evaluation"]

    late = evaluations("2025-04-02")
    assert [(i["id"], i["due_on"], i["overdue"], i["article"]) for i in late] == [
        (decision, "2025-03-31", True, "Art. 36")
    ]
    assert evaluations("2025-03-20")[0]["overdue"] is False
    report = file(tmp_path, "后评估报告.txt")
    dflow.ok(
        "evaluate", "report", decision, "--conclusion", "continue", "--public-opinions", "座谈 1 场",
        "--attach", f"evaluation_report={report}", "--as", EVALUATOR,
    )  # fmt: skip
    assert evaluations("2025-04-02") == []
