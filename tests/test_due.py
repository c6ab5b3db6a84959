"""`dflow due`: every deadline the engine knows, soonest first, through the terminal.

The demo's case (`dflow demo`, built here in a kept folder by ``engine.demo.build``) is read
at a fixed `--today`: its publication due within 20 working days of the meeting (R23), the
decision-item catalogue's planned dates (Art. 3) and a post-decision evaluation's due date
(Art. 36), the catalogue and the evaluation written straight into their tables (their own
commands are another issue's). Then the normative documents' review and filing limits, the
scope of a reader, the refusals, and that a listing costs a few queries whatever the cases.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

import decision_flow.store.db as db_module
from decision_flow.core.calendar_cn import CalendarNotCovered, ChinaCalendar, working_days_after
from decision_flow.engine import Engine, demo, versions
from decision_flow.engine import due as agenda
from decision_flow.procedures import get
from decision_flow.rules import Context, StepState, run
from decision_flow.rules.due import deadlines
from decision_flow.store.db import Database
from decision_flow.store.models import CatalogueItem, LifeAct
from decision_flow.store.sql import connect_sqlite
from tests.conftest import TODAY, Clock
from tests.flow import ADMIN, EXECUTIVE, OFFICER, bring_to, new_decision, record_valid, register_users
from tests.pg import NO_PG, PG_URL, pg_database
from tests.test_cli import Dflow, fails
from tests.test_labels import _leaks
from tests.test_normative_document import ACTOR as ND_ACTOR
from tests.test_normative_document import COUNTY, locality_files, new_case, record
from tests.test_normative_document import STAGES as ND_STAGES
from tests.test_normative_document import bring_to as nd_bring_to

ZH = {"DFLOW_LANG": "zh"}
TITLE = "沙河乡农贸市场搬迁方案"  # the demo's case
ORGAN = "示范乡人民政府"  # the demo's organ (code demo)
PUBLICATION_EN = (
    f"#1 {TITLE} ({ORGAN}) — publication: published_on within 20 working days after held_on (2025-06-05)"
    " [Art. 32; Disclosure Regs Art. 26]"
)
PUBLICATION_ZH = (
    f"#1 {TITLE}（{ORGAN}） — 决策公布：公布日期须在会议日期（2025-06-05）后20个工作日内"
    " [第32条；《政府信息公开条例》第26条]"
)
ITEM_EN = f"#1 {TITLE} ({ORGAN}) — decision-item catalogue 2025, item 1: the decision planned by this date [Art. 3]"
ITEM_ZH = f"#1 {TITLE}（{ORGAN}） — 2025年度决策事项目录第1项：计划决策时间 [第3条]"
SORTING_EN = (
    f"沙河乡垃圾分类实施方案 ({ORGAN}; no case yet) — decision-item catalogue 2025, item 2:"
    " the decision planned by this date [Art. 3]"
)
SORTING_ZH = f"沙河乡垃圾分类实施方案（{ORGAN}；尚未立案） — 2025年度决策事项目录第2项：计划决策时间 [第3条]"


def demo_db(tmp_path: Path, until: str | None = None) -> Dflow:
    """`dflow` on the demo's database, its case walked to the end (or to stage `until`), with the
    organ's 2025 catalogue: item 1 the demo's case (planned 2025-06-30), item 2 with no case yet
    (2025-09-30), item 3 taken out during the year."""
    engine, case, _refused = demo.build(tmp_path, until=until)
    engine.db.dispose()
    db = tmp_path / "demo.db"
    with closing(sqlite3.connect(db)) as con, con:
        con.execute(
            "INSERT INTO catalogues (organ, year, created_at, created_by) VALUES ('demo', 2025, '2025-01-10', 'admin')"
        )
        items = [
            (TITLE, "2025-06-30", None),
            ("沙河乡垃圾分类实施方案", "2025-09-30", None),
            ("沙河乡集镇停车管理办法", "2025-05-01", "2025-04-01T00:00:00Z"),
        ]
        for title, planned, removed in items:
            con.execute(
                "INSERT INTO catalogue_items (organ, year, title, undertaking_unit, planned_on, basis, added_at,"
                " added_by, removed_at) VALUES ('demo', 2025, ?, '沙河乡经办', ?, '', '2025-01-10', 'admin', ?)",
                (title, planned, removed),
            )
        con.execute("UPDATE decisions SET catalogue_item = 1 WHERE id = ?", (case,))
    return Dflow(db, tmp_path)


def life_act(db: Path, kind: str, data: dict[str, str], at: str) -> None:
    with closing(sqlite3.connect(db)) as con, con:
        con.execute(
            "INSERT INTO life_acts (decision_id, kind, data, at, actor) VALUES (1, ?, ?, ?, 'zhang_wei')",
            (kind, json.dumps(data, ensure_ascii=False), at),
        )


def dump(db: Path) -> str:
    """Every row of every table, to show a command changed nothing."""
    with closing(sqlite3.connect(db)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = [f"{t}: {row!r}" for t in tables for row in con.execute(f"SELECT * FROM {t} ORDER BY 1")]  # noqa: S608
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


# ---------------------------------------------------------------------------- the demo's case


def test_r23_due_lists_the_demo_case_before_publication(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    assert dflow.ok("due", "--today", "2025-06-20").stdout.splitlines() == [
        "due as of 2025-06-20, soonest first:",
        f"2025-06-30  6 working days left   {ITEM_EN}",
        f"2025-07-03  9 working days left   {PUBLICATION_EN}",
        f"2025-09-30  73 working days left  {SORTING_EN}",
    ]
    assert dflow.ok("due", "--today", "2025-06-20", env=ZH).stdout.splitlines() == [
        "截至 2025-06-20 的到期事项（按到期先后）：",
        f"2025-06-30  剩余6个工作日   {ITEM_ZH}",
        f"2025-07-03  剩余9个工作日   {PUBLICATION_ZH}",
        f"2025-09-30  剩余73个工作日  {SORTING_ZH}",
    ]


def test_r23_an_overdue_publication_is_marked_overdue(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    assert dflow.ok("due", "--today", "2025-07-10", "--within", "10d").stdout.splitlines() == [
        "due as of 2025-07-10, soonest first:",
        f"2025-06-30  OVERDUE by 8 working days  {ITEM_EN}",
        f"2025-07-03  OVERDUE by 5 working days  {PUBLICATION_EN}",
    ]
    assert dflow.ok("due", "--today", "2025-07-10", "--within", "10d", env=ZH).stdout.splitlines() == [
        "截至 2025-07-10 的到期事项（按到期先后）：",
        f"2025-06-30  已逾期8个工作日  {ITEM_ZH}",
        f"2025-07-03  已逾期5个工作日  {PUBLICATION_ZH}",
    ]
    doc = dflow.json("due", "--today", "2025-07-10", "--within", "10d")
    assert doc["today"] == "2025-07-10" and doc["within_days"] == 10
    assert doc["items"][1] == {
        "due_on": "2025-07-03",
        "working_days_left": -5,
        "overdue": True,
        "source": "rule",
        "what": "publication: published_on within 20 working days after held_on (2025-06-05)",
        "article": "Art. 32; Disclosure Regs Art. 26",
        "id": 1,
        "title": TITLE,
        "organ": "demo",
        "organ_name": ORGAN,
        "step": "publication",
        "field": "published_on",
        "since": "2025-06-05",
        "calendar_missing": None,
    }
    assert [(i["source"], i["overdue"]) for i in doc["items"]] == [("catalogue", True), ("rule", True)]


def test_r23_the_due_day_itself_is_due_today_not_overdue(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    lines = dflow.ok("due", "--today", "2025-07-03", "--within", "0d").stdout.splitlines()
    assert lines[2] == f"2025-07-03  due today                  {PUBLICATION_EN}"
    assert dflow.ok("due", "--today", "2025-07-03", "--within", "0d", env=ZH).stdout.splitlines()[2] == (
        f"2025-07-03  今日到期         {PUBLICATION_ZH}"
    )


def test_the_published_and_archived_demo_case_owes_only_its_evaluation(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path)  # walked to the end: published 2025-06-16, archived
    assert dflow.ok("due", "--today", "2025-07-01").stdout.splitlines() == [
        "due as of 2025-07-01, soonest first:",
        f"2025-09-30  66 working days left  {SORTING_EN}",
    ]
    life_act(dflow.db, "evaluation_started", {"ground": "many_objections", "due_on": "2025-12-31"}, "2025-09-01T02:00Z")
    assert dflow.ok("due", "--today", "2025-07-01").stdout.splitlines()[2] == (
        f"2025-12-31  127 working days left  #1 {TITLE} ({ORGAN}) — post-decision evaluation begun on 2025-09-01:"
        " its report [Art. 36]"
    )
    assert dflow.ok("due", "--today", "2025-07-01", env=ZH).stdout.splitlines()[2] == (
        f"2025-12-31  剩余127个工作日  #1 {TITLE}（{ORGAN}） — 决策后评估（2025-09-01启动）：评估报告 [第36条]"
    )
    life_act(dflow.db, "evaluation_reported", {"conclusion": "continue"}, "2025-11-20T02:00Z")
    assert [i["source"] for i in dflow.json("due", "--today", "2025-07-01")["items"]] == ["catalogue"]


def test_chinese_due_lists_name_no_english_word(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    life_act(dflow.db, "evaluation_started", {"due_on": "2025-12-31"}, "2025-06-01T02:00Z")
    shown = dflow.ok("due", "--today", "2025-07-10", env=ZH).stdout
    assert len(shown.splitlines()) == 5 and "已逾期" in shown and "评估报告" in shown
    assert _leaks(shown) == []
    refused = dflow("due", "--within", "soon", env=ZH).stderr
    assert refused == "--within：'soon' 不是天数，应写作 10d 这样的形式（至多 3660d）\n"
    assert _leaks(refused, ("soon", "within", "10d", "3660d")) == []


def test_nothing_due(tmp_path: Path) -> None:
    dflow = Dflow.initialised(tmp_path)
    assert dflow.ok("due", "--today", "2025-07-01").stdout == "nothing is due as of 2025-07-01\n"
    assert dflow.ok("due", "--today", "2025-07-01", env=ZH).stdout == "截至 2025-07-01 没有到期事项\n"
    assert dflow.json("due", "--today", "2025-07-01") == {"today": "2025-07-01", "within_days": None, "items": []}


# ---------------------------------------------------------------------------- the rules' own dates


def test_r23_the_due_date_is_where_the_rule_starts_marking_late(engine: Engine, files: Path) -> None:
    """The date `dflow due` gives is the last day the publication rule passes unmarked."""
    wf = get("major-decision")
    step = wf.step("publication")
    held = {"held_on": "2024-09-20"}  # the National Day holiday falls within the 20 working days
    records = {"collective_decision": StepState("completed", held), "publication": StepState()}
    ctx = Context(wf, {}, records, date(2024, 9, 20), ChinaCalendar())
    (limit,) = list(deadlines(ctx))
    assert (limit.step, limit.field, limit.due, limit.article) == (
        "publication",
        "published_on",
        date(2024, 10, 23),
        "Art. 32; Disclosure Regs Art. 26",
    )
    assert working_days_after(ChinaCalendar(), date(2024, 9, 20), limit.due) == 20
    on_time = {**records, "publication": StepState("pending", {"published_on": "2024-10-23"})}
    assert run(Context(wf, {}, on_time, date(2024, 10, 23), ChinaCalendar()), step, "complete") == []
    late = {**records, "publication": StepState("pending", {"published_on": "2024-10-24"})}
    assert [r.rule for r in run(Context(wf, {}, late, date(2024, 10, 24), ChinaCalendar()), step, "complete")] == [
        "late"
    ]
    # not running before the meeting's step is completed, and over once the date is recorded
    assert (
        list(
            deadlines(
                Context(wf, {}, {"collective_decision": StepState("pending", held)}, date.today(), ChinaCalendar())
            )
        )
        == []
    )
    assert list(deadlines(Context(wf, {}, on_time, date.today(), ChinaCalendar()))) == []


def test_r23_a_case_still_at_its_meeting_owes_no_publication(engine: Engine, files: Path, tmp_path: Path) -> None:
    case = new_decision(engine)
    bring_to(engine, case, "collective_decision", files)
    record_valid(engine, case, "collective_decision", files)  # recorded, not completed: no decision yet
    assert agenda.due(engine, today=date(2024, 6, 21)).items == []
    engine.advance(case, EXECUTIVE)
    (item,) = agenda.due(engine, today=date(2024, 6, 21)).items
    assert (item.due_on, item.left, item.source) == (date(2024, 7, 18), 19, "rule")


def test_nd_review_and_filing_limits_are_due(engine: Engine, files: Path, tmp_path: Path) -> None:
    """A normative document: its legality review within 15 working days of submission (GOB 115
    §5), then its filing within the locality's period after publication (3 working days)."""
    for path in locality_files(tmp_path):
        versions.install(engine, path, ADMIN)
    case = new_case(engine)
    nd_bring_to(engine, case, "legality_review", files)  # submitted 2024-06-03
    (review,) = agenda.due(engine, today=date(2024, 6, 14)).items
    assert (review.due_on, review.left, review.article) == (date(2024, 6, 25), 7, "GOB 115 §5")
    assert review.detail == {"step": "legality_review", "field": "opinion_on", "since": "2024-06-03"}
    record(engine, case, "legality_review", files)
    assert agenda.due(engine, today=date(2024, 6, 14)).items == []  # the opinion is given
    for stage, steps in ND_STAGES[ND_STAGES.index(("legality_review", ["legality_review"])) :]:
        for step in steps[1 if stage == "legality_review" else 0 :]:
            record(engine, case, step, files)
        engine.advance(case, ND_ACTOR[steps[0]])
        if stage == "publication":  # published 2024-07-01: now at filing
            break
    (filing,) = agenda.due(engine, today=date(2024, 7, 8)).items
    assert (filing.due_on, filing.left, filing.overdue, filing.article) == (
        date(2024, 7, 4),
        -2,
        True,
        "Filing Regs Art. 25; provincial rule",
    )
    dflow = Dflow(tmp_path / "dflow.db", files)
    assert dflow.ok("due", "--today", "2024-07-08", env=ZH).stdout.splitlines()[1] == (
        "2024-07-04  已逾期2个工作日  #1 沙河乡人民政府关于规范农村村民住宅建设管理的通知（本机关） — "
        "报上级备案：报备日期须在公布日期（2024-07-01）后3个工作日内 [《法规规章备案审查条例》第25条；省级规定]"
    )
    assert [c["stage"] for c in dflow.json("list", "--workflow", COUNTY)] == ["filing"]


# ---------------------------------------------------------------------------- scope and refusals


def test_due_is_scoped_like_list(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    mine = dflow.json("due", "--today", "2025-06-20", "--as", "zhang_wei")["items"]
    assert len(mine) == 3
    assert dflow.json("due", "--today", "2025-06-20", "--organ", "demo", "--as", "zhang_wei")["items"] == mine
    dflow.ok(
        "organ", "add", "north", "--name", "北乡人民政府", "--level", "township", "--parent", "demo", "--as", "admin"
    )
    dflow.ok("user", "add", "xu", "--role", "officer", "--organ", "north", "--as", "admin")
    assert dflow.json("due", "--today", "2025-06-20", "--as", "xu")["items"] == []
    fails(
        dflow("due", "--organ", "demo", "--as", "xu"),
        5,
        "xu holds no role in organ demo [Arts. 33, 38]\n",
    )
    assert len(dflow.json("due", "--today", "2025-06-20", "--all-organs")["items"]) == 3


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--within", "ten"], 2, "--within: 'ten' is not a number of days such as 10d (at most 3660d)\n"),
        (["--within", "-1d"], 2, "--within: '-1d' is not a number of days such as 10d (at most 3660d)\n"),
        (["--within", "１２d"], 2, "--within: '１２d' is not a number of days such as 10d (at most 3660d)\n"),
        (["--within", "9999d"], 2, "--within: '9999d' is not a number of days such as 10d (at most 3660d)\n"),
        (["--today", "2025-7-1"], 2, "--today: '2025-7-1' is not a date (YYYY-MM-DD)\n"),
        (["--today", "2025-02-30"], 2, "--today: '2025-02-30' is not a date (YYYY-MM-DD)\n"),
        (["--today", "2025-W01-1"], 2, "--today: '2025-W01-1' is not a date (YYYY-MM-DD)\n"),
        (["--organ", "nowhere"], 4, "no organ with code 'nowhere'\n"),
        (
            ["--organ", "Bad Code"],
            2,
            "'Bad Code' is not an organ code: lower-case letters a-z, digits, '-' and '_', at most 40\n",
        ),
        (["--as", "ghost"], 5, "'ghost' is not a registered user [Arts. 33, 38]\n"),
    ],
)
def test_due_refuses_bad_input_and_changes_nothing(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    dflow = demo_db(tmp_path, until="publication")
    before = dump(dflow.db)
    result = dflow("due", *args)
    fails(result, code, message)
    doc = json.loads(dflow("due", *args, "--json").stdout)
    assert doc["error"]["code"] == {2: "invalid", 4: "not_found", 5: "forbidden"}[code]
    assert dump(dflow.db) == before


def test_due_reads_a_few_queries_whatever_the_number_of_cases(
    engine: Engine, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every statement SQLite runs for `due` is counted (the driver's own trace of the connection
    the read opens): 2 cases or 10 with a deadline each, the same few."""

    def statements_for(cases: int) -> list[str]:
        for _ in range(cases):
            case = new_decision(engine)
            bring_to(engine, case, "party_report", files)
        run: list[str] = []

        def traced(file: str) -> sqlite3.Connection:
            conn = connect_sqlite(file)
            conn.set_trace_callback(run.append)
            return conn

        engine.db.dispose()  # the reads open new connections, each traced from the start
        with monkeypatch.context() as patch:
            patch.setattr(db_module, "connect_sqlite", traced)
            found = agenda.due(engine, today=date(2024, 7, 1)).items
        assert [i.source for i in found] == ["rule"] * len(found) and len(found) >= cases
        return [sql for sql in run if sql.lstrip().upper().startswith("SELECT")]

    few = statements_for(2)
    assert 3 <= len(few) <= 8, few
    assert len(statements_for(8)) == len(few)


def test_within_keeps_what_falls_due_in_so_many_calendar_days(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    today = date(2025, 6, 20)
    for days, expected in (
        (0, []),
        (10, ["catalogue"]),
        (13, ["catalogue", "rule"]),
        (102, ["catalogue", "rule", "catalogue"]),
    ):
        doc = dflow.json("due", "--today", today.isoformat(), "--within", f"{days}d")
        assert [i["source"] for i in doc["items"]] == expected, days
        assert all(date.fromisoformat(i["due_on"]) <= today + timedelta(days=days) for i in doc["items"])


@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_due_reads_the_same_on_postgresql(files: Path) -> None:
    """The sources' queries on the shared server: a publication limit, a catalogue item, an
    evaluation, and the scope of a reader."""
    with pg_database() as url:
        db = Database(url)
        try:
            engine = Engine(db, now=Clock(), today=lambda: TODAY)
            register_users(engine)
            case = new_decision(engine)
            bring_to(engine, case, "party_report", files)  # decided 2024-06-20
            with db.session() as s:
                s.add(
                    CatalogueItem(
                        organ="main",
                        year=2024,
                        title="沙河乡垃圾分类实施方案",
                        undertaking_unit="经办",
                        planned_on="2024-09-30",
                        added_at="2024-01-10",
                        added_by=ADMIN,
                    )
                )
                s.add(
                    LifeAct(
                        decision_id=case,
                        kind="evaluation_started",
                        data='{"due_on": "2024-12-31"}',
                        at="2024-07-01T02:00:00Z",
                        actor=OFFICER,
                    )
                )
                s.commit()
            found = agenda.due(engine, OFFICER, today=date(2024, 7, 1)).items
            assert [(i.source, i.due_on, i.left) for i in found] == [
                ("rule", date(2024, 7, 18), 13),
                ("catalogue", date(2024, 9, 30), 65),
                ("evaluation", date(2024, 12, 31), 127),
            ]
            assert agenda.due(engine, OFFICER, today=date(2024, 7, 1), within=17).items == found[:1]
        finally:
            db.dispose()


# ---------------------------------------------------------------------------- Civil Code Art. 203


class _Covered:
    """The official calendar for the years it is asked about only (2024 here): a later year is
    not covered, as when its notice has not been imported."""

    def __init__(self, years: tuple[int, ...]) -> None:
        self.years, self.china = years, ChinaCalendar()

    def is_workday(self, day: date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCovered(day.year, min(self.years), max(self.years))
        return self.china.is_workday(day)


def _confirmation(effective: str, applied: str | None) -> dict[str, StepState]:
    fields = {"joint_application": True, **({"applied_on": applied} if applied else {})}
    return {
        "agreement": StepState("completed", {"effective_on": effective}),
        "judicial_confirmation": StepState("pending", fields),
    }


def test_a_calendar_period_ending_on_a_rest_day_ends_on_the_next_working_day() -> None:
    """Mediation Law Art. 33's 30 days from 2024-09-20 end on Sunday 10-20, so on Monday 10-21
    (Civil Code Art. 203 ¶1): the rule passes that day, refuses the next, and `dflow due` says 10-21."""
    wf = get("mediation")
    step = wf.step("judicial_confirmation")
    on_time = Context(wf, {}, _confirmation("2024-09-20", "2024-10-21"), date(2024, 10, 21), ChinaCalendar())
    late = Context(wf, {}, _confirmation("2024-09-20", "2024-10-22"), date(2024, 10, 22), ChinaCalendar())
    assert [r.rule for r in run(on_time, step, "complete")] == []
    assert [(r.rule, r.blocking, r.msg.key) for r in run(late, step, "complete")] == [
        ("deadline", True, "rule.lapsed_calendar")
    ]
    (limit,) = list(deadlines(Context(wf, {}, _confirmation("2024-09-20", None), date(2024, 10, 1), ChinaCalendar())))
    assert limit.due == date(2024, 10, 21)


def test_whether_a_last_day_is_a_holiday_is_never_guessed() -> None:
    """An act after a period's 30th day, in a year the calendar does not cover, is refused citing
    the missing year (R27) rather than judged on a guess; `dflow due` shows the unmoved day."""
    wf = get("mediation")
    step = wf.step("judicial_confirmation")
    calendar = _Covered((2024,))
    ctx = Context(wf, {}, _confirmation("2024-12-20", "2025-01-20"), date(2025, 1, 20), calendar)
    assert [(r.rule, r.msg.key, r.msg.params["year"]) for r in run(ctx, step, "complete")] == [
        ("deadline", "rule.calendar", 2025)
    ]
    before = Context(wf, {}, _confirmation("2024-12-20", None), date(2024, 12, 21), calendar)
    (limit,) = list(deadlines(before))
    assert limit.due == date(2025, 1, 19)  # the 30th day itself: the earlier date, so nothing is missed
    on_time = Context(wf, {}, _confirmation("2024-12-20", "2024-12-30"), date(2024, 12, 30), calendar)
    assert run(on_time, step, "complete") == []  # within the 30 days: no calendar needed
