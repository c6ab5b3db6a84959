"""The register of what no procedure records (issue 15, its second bullet): study sessions,
publicity events, legal consultations and legal advisers appointed to villages, which the annual
rule-of-law report counts.

Every test runs the real command line on a real SQLite file (tests/test_cli.py's Dflow); one runs
on PostgreSQL when DFLOW_TEST_PG names a server.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.flow import ADMIN, AUDITOR
from tests.pg import NO_PG, PG_URL, pg_database
from tests.test_catalogue import ProcessDflow, events
from tests.test_cli import Dflow, fails

ZH: dict[str, str | None] = {"DFLOW_LANG": "zh"}
YEAR = "2025"  # behind today, so every date below is in the past


@pytest.fixture
def county(tmp_path: Path) -> Dflow:
    """The county organ `main` with its admin and four users; two townships under it, `shahe`
    and `liulin`, each with an officer of its own (`ma`, `niu`)."""
    cli = Dflow.initialised(tmp_path)
    for code, name in (("shahe", "沙河乡人民政府"), ("liulin", "柳林镇人民政府")):
        cli.ok("organ", "add", code, "--name", name, "--level", "township", "--parent", "main", "--as", ADMIN)
    cli.ok("user", "add", "ma", "--role", "officer", "--organ", "shahe", "--as", ADMIN)
    cli.ok("user", "add", "niu", "--role", "officer", "--organ", "liulin", "--as", ADMIN)
    return cli


def add(cli: Dflow, kind: str, on: str, count: int, *extra: str, actor: str = "ma") -> Any:
    """Record an activity of shahe (as its officer, by default); the result's JSON."""
    args = ("--organ", "shahe", "--kind", kind, "--on", on, "--count", str(count), *extra, "--as", actor)
    return cli.json("activity", "add", *args)


def listed(cli: Dflow, *extra: str) -> Any:
    return cli.json("activity", "list", "--year", YEAR, *extra)


def state(cli: Dflow) -> tuple[Any, Any]:
    """What a refused command must leave as it was: the register and the organ's chain head."""
    head = cli.json("audit", "head", "--organ", "shahe")
    return listed(cli), (head["size"], head["head"])


def test_activities_are_recorded_listed_and_totalled_per_kind(county: Dflow) -> None:
    sheet = county.files / "签到表.pdf"
    sheet.write_bytes(b"sign-in sheet: 40 names")
    first = add(county, "study_session", "2025-03-10", 40, "--title", "宪法学习", "--attach", sheet)
    assert first == {
        "id": 1,
        "organ": "shahe",
        "kind": "study_session",
        "held_on": "2025-03-10",
        "title": "宪法学习",
        "count": 40,
        "materials": None,
        "village": None,
        "notes": None,
        "evidence": [{"name": "签到表.pdf", "sha256": hashlib.sha256(sheet.read_bytes()).hexdigest(), "size": 23}],
        "created_at": first["created_at"],
        "created_by": "ma",
        "withdrawn": None,
    }
    add(county, "publicity_event", "2025-12-04", 120, "--materials", "500", "--title", "宪法宣传日")
    add(county, "publicity_event", "2025-06-26", 80, "--materials", "300")
    add(county, "legal_consultation", "2025-07-01", 15, "--notes", "土地承包纠纷咨询")
    add(county, "adviser_appointment", "2025-01-05", 1, "--village", "东庄村")
    add(county, "study_session", "2024-12-30", 99)  # another year: not counted in 2025
    said = county.ok(
        "activity", "add", "--organ", "shahe", "--kind", "study_session", "--on", "2025-09-01", "--count", "30",
        "--as", "ma",
    )  # fmt: skip
    assert said.stdout == "activity 7 recorded for organ shahe: study session on 2025-09-01, 30 people\n"
    zh = county.ok(
        "activity", "add", "--organ", "shahe", "--kind", "legal_consultation", "--on", "2025-10-01", "--count", "５",
        "--as", "ma", env=ZH,
    )  # fmt: skip
    assert zh.stdout == "已为机关 shahe 登记活动 8：2025年10月1日 法律咨询，5 人（次）\n"
    view = listed(county, "--organ", "shahe")
    assert view["organ"] == "shahe" and view["year"] == 2025
    assert [a["id"] for a in view["activities"]] == [5, 1, 3, 4, 7, 8, 2]  # by the day held
    assert view["totals"] == {
        "study_session": {"activities": 2, "count": 70, "materials": 0, "ids": [1, 7]},
        "publicity_event": {"activities": 2, "count": 200, "materials": 800, "ids": [3, 2]},
        "legal_consultation": {"activities": 2, "count": 20, "materials": 0, "ids": [4, 8]},
        "adviser_appointment": {"activities": 1, "count": 1, "materials": 0, "ids": [5]},
    }
    for kind, figures in view["totals"].items():  # each figure is the sum of the very records it names
        behind = [a for a in view["activities"] if a["id"] in figures["ids"]]
        assert all(a["kind"] == kind for a in behind) and len(behind) == figures["activities"]
        assert sum(a["count"] for a in behind) == figures["count"]
        assert sum(a["materials"] or 0 for a in behind) == figures["materials"]
    human = county.ok("activity", "list", "--year", YEAR, "--organ", "shahe").stdout
    assert "Activities of 2025" in human and "What the annual report counts" in human
    assert "publicity event" in human and "东庄村" in human
    chinese = county.ok("activity", "list", "--year", YEAR, "--organ", "shahe", env=ZH).stdout
    assert "2025 年度法治工作活动" in chinese and "年度报告计入的数字" in chinese
    assert "普法宣传活动" in chinese and "法律顾问聘任" in chinese and "2025年12月4日" in chinese
    acts = [e for e in events(county) if e["action"] == "activity_added"]
    assert len(acts) == 8 and {e["chain"] for e in acts} == {"shahe"} and all(e["signature"] for e in acts)
    assert acts[0]["data"]["evidence"] == [{"kind": "activity", **first["evidence"][0]}]
    assert acts[1]["data"] == {
        "activity": 2,
        "organ": "shahe",
        "kind": "publicity_event",
        "held_on": "2025-12-04",
        "title": "宪法宣传日",
        "count": 120,
        "materials": 500,
        "village": None,
        "notes": None,
        "evidence": [],
    }
    assert county.json("audit", "verify")["ok"]


def test_a_withdrawn_activity_is_not_counted_and_its_withdrawal_is_in_the_trail(county: Dflow) -> None:
    add(county, "publicity_event", "2025-05-10", 100, "--materials", "300")
    add(county, "publicity_event", "2025-05-10", 100, "--materials", "300")  # the same event, twice by mistake
    said = county.ok("activity", "withdraw", "2", "--reason", "重复登记", "--as", "ma")
    assert said.stdout == "activity 2 withdrawn: 重复登记\n"
    view = listed(county)
    assert view["totals"]["publicity_event"] == {"activities": 1, "count": 100, "materials": 300, "ids": [1]}
    (gone,) = [a for a in view["activities"] if a["id"] == 2]  # kept, marked
    assert gone["withdrawn"]["by"] == "ma" and gone["withdrawn"]["reason"] == "重复登记"
    last = events(county)[-1]
    assert (last["action"], last["chain"], last["actor"]) == ("activity_withdrawn", "shahe", "ma")
    assert last["data"]["activity"] == 2 and last["data"]["reason"] == "重复登记"
    again = county("activity", "withdraw", "2", "--reason", "x", "--as", "ma")
    fails(again, 2, "activity 2 was already withdrawn (重复登记)\n")
    fails(county("activity", "withdraw", "9", "--reason", "x", "--as", "ma"), 4, "no activity with id 9\n")
    assert "撤回" in county.ok("activity", "list", "--year", YEAR, env=ZH).stdout
    assert county.json("audit", "verify")["ok"]


def test_only_an_officer_or_admin_of_the_organ_records_and_each_refusal_is_kept(county: Dflow) -> None:
    add(county, "study_session", "2025-03-10", 40)
    before = state(county)
    args = ("activity", "add", "--organ", "shahe", "--kind", "study_session", "--on", "2025-03-11", "--count", "5")
    fails(
        county(*args, "--as", "niu"),
        5,
        "niu may not change organ shahe's register of activities: it needs the role officer or admin there"
        " [Inspection Rules Art. 24]\n",
    )
    assert county(*args, "--as", AUDITOR).exit_code == 5
    zh = county("activity", "withdraw", "1", "--reason", "x", "--as", "niu", env=ZH)
    assert zh.exit_code == 5
    assert zh.stderr == (
        "niu 无权变更机关 shahe 的法治工作活动登记：须在该机关担任承办人员或系统管理员"
        " [《法治政府建设与责任落实督察工作规定》第24条]\n"
    )
    assert listed(county) == before[0]
    trail = events(county)[-3:]
    assert [(e["action"], e["actor"], e["chain"], e["data"]["attempted"]) for e in trail] == [
        ("refused", "niu", "shahe", "activity_add"),
        ("refused", AUDITOR, "shahe", "activity_add"),
        ("refused", "niu", "shahe", "activity_withdraw"),
    ]
    assert trail[0]["data"]["reasons"][0]["article"] == "Inspection Rules Art. 24"
    assert add(county, "study_session", "2025-03-12", 3, actor=ADMIN)["id"] == 2  # the county's admin reaches below
    assert county.json("audit", "verify", "--organ", "shahe")["ok"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (("--kind", "study_session", "--on", "2025-3-10", "--count", "4"), "--on: '2025-3-10' is not a date"),
        (("--kind", "study_session", "--on", "2025-03-10", "--count", "-4"), "--count '-4' is not a whole number"),
        (("--kind", "study_session", "--on", "2025-03-10", "--count", "1000001"), "--count '1000001' is not a whole"),
        (("--kind", "meeting", "--on", "2025-03-10", "--count", "4"), "unknown kind 'meeting': the kinds are study"),
        (("--kind", "adviser_appointment", "--on", "2025-03-10", "--count", "1"), "names its village (--village)"),
        (("--kind", "study_session", "--on", "2025-03-10", "--count", "4", "--title", "a\x1bb"), "--title"),
        (("--kind", "study_session", "--on", "2999-03-10", "--count", "4"), "--on 2999-03-10 is in the future"),
        (("--kind", "study_session", "--on", "2025-03-10", "--count", "4", "--attach", "nowhere.pdf"), "no such file"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_writes_nothing(
    county: Dflow, given: tuple[str, ...], message: str
) -> None:
    add(county, "study_session", "2025-03-10", 40)
    before = state(county)
    result = county("activity", "add", "--organ", "shahe", *given, "--as", "ma")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert state(county) == before


def test_an_attached_file_changed_afterwards_fails_verification(county: Dflow) -> None:
    photo = county.files / "photo.jpg"
    photo.write_bytes(b"a photograph of the study session")
    sha = add(county, "study_session", "2025-03-10", 40, "--attach", photo)["evidence"][0]["sha256"]
    assert county.json("audit", "verify")["ok"]
    stored = [p for p in county.db.parent.rglob("*") if p.is_file() and sha in p.name]
    assert len(stored) == 1  # kept by its hash, never under the name given
    stored[0].chmod(0o644)
    stored[0].write_bytes(b"another picture")
    verdict = county("audit", "verify", "--json")
    assert verdict.exit_code == 7
    assert sha in verdict.stdout and "evidence altered or missing" in verdict.stdout


def test_the_events_read_as_one_line_in_each_language(county: Dflow) -> None:
    from decision_flow.presentation import events as summaries

    add(county, "publicity_event", "2025-12-04", 120, "--materials", "500", "--title", "宪法宣传日")
    add(county, "adviser_appointment", "2025-01-05", 1, "--village", "东庄村")
    county.ok("activity", "withdraw", "1", "--reason", "日期有误", "--as", "ma")
    acts = [e for e in events(county) if e["action"].startswith("activity_")]
    lines = {lang: [summaries.summary(e["action"], e["data"], None, None, lang) for e in acts] for lang in ("zh", "en")}
    assert lines["zh"] == [
        "shahe：#1 普法宣传活动 宪法宣传日 2025年12月4日，120 人（次）；发放资料 500 份",
        "shahe：#2 法律顾问聘任 2025年1月5日，1 人（次）；村（社区）：东庄村",
        "shahe：#1 普法宣传活动 宪法宣传日 2025年12月4日（理由：日期有误）",
    ]
    assert lines["en"] == [
        "shahe: #1 publicity event 宪法宣传日 2025-12-04, 120 people; 500 materials",
        "shahe: #2 legal adviser appointed 2025-01-05, 1 people; Village 东庄村",
        "shahe: #1 publicity event 宪法宣传日 2025-12-04 (日期有误)",
    ]


def test_a_reader_sees_the_organs_they_reach(county: Dflow) -> None:
    add(county, "study_session", "2025-03-10", 40)
    county.ok(
        "activity", "add", "--organ", "liulin", "--kind", "study_session", "--on", "2025-03-11", "--count", "7",
        "--as", "niu",
    )  # fmt: skip
    mine = county.json("activity", "list", "--year", YEAR, "--as", "ma")
    assert [a["organ"] for a in mine["activities"]] == ["shahe"]
    assert [a["organ"] for a in listed(county, "--as", ADMIN)["activities"]] == ["shahe", "liulin"]
    refused = county("activity", "list", "--year", YEAR, "--organ", "liulin", "--as", "ma")
    assert refused.exit_code == 5
    fails(county("activity", "list", "--year", "25"), 2, "--year 25 is not a year from 2000 to 2100\n")


@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_the_register_on_postgresql(tmp_path: Path) -> None:
    """The register's statements on a server: a new id returned, a row locked FOR UPDATE, the
    files kept inside the database."""
    with pg_database() as url:
        cli = ProcessDflow(url, tmp_path)  # type: ignore[arg-type]  # DFLOW_DB takes a URL as well as a file
        cli.ok("init", "--admin", ADMIN)
        cli.ok("organ", "add", "shahe", "--name", "沙河乡", "--level", "township", "--parent", "main", "--as", ADMIN)
        cli.ok("user", "add", "ma", "--role", "officer", "--organ", "shahe", "--as", ADMIN)
        sheet = tmp_path / "sheet.pdf"
        sheet.write_bytes(b"names")
        assert add(cli, "study_session", "2025-03-10", 40, "--attach", str(sheet))["id"] == 1
        assert add(cli, "study_session", "2025-03-11", 5)["id"] == 2
        cli.ok("activity", "withdraw", "2", "--reason", "重复", "--as", "ma")
        assert listed(cli)["totals"]["study_session"] == {"activities": 1, "count": 40, "materials": 0, "ids": [1]}
        assert cli("activity", "withdraw", "2", "--reason", "x", "--as", "ma").exit_code == 2
        assert cli.json("audit", "verify")["ok"]
