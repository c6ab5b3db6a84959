"""The official calendar past the shipped data: `dflow calendar import|show|check`.

A year an admin imports from the State Council's notice (a file checked strictly) is stored
with its signed ``calendar_imported`` event in one change, counts in every working-day rule
(over chinese-calendar, which it takes precedence over), and is cross-checked by `audit
verify`. The 2027 arrangement used here is invented test data (docs/examples/
calendar-2027-example.toml says so), not the State Council's notice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.calendar_cn import CalendarNotCovered, ChinaCalendar, OfficialCalendar, disagreements
from decision_flow.core.calendar_file import OfficialYear, parse, read
from decision_flow.core.errors import Blocked, Conflict, Forbidden, IntegrityError, InvalidInput
from decision_flow.engine import Engine, queries, verification
from decision_flow.engine import calendar as calendars
from decision_flow.store import calendar_years
from decision_flow.store.db import Database
from tests.conftest import Clock
from tests.flow import ADMIN, OFFICER, REVIEWER, new_decision, record_valid, register_users
from tests.pg import NO_PG, PG_URL, pg_database
from tests.test_cli import Dflow, fails
from tests.test_rules import refused, review, walk

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
EXAMPLE_2027 = EXAMPLES / "calendar-2027-example.toml"
EXAMPLE_2025 = EXAMPLES / "calendar-2025.toml"
SHIPPED = ChinaCalendar()
ARTICLE = "Art. 26"
NOT_COVERED_2027 = (
    "the official calendar has no data for 2027 (chinese-calendar covers 2004–2026; imported years: —);"
    " an admin can import the State Council's notice for 2027: dflow calendar import FILE"
)

# A small valid year for the file checks; each bad file below changes one thing of it.
GOOD = """\
year = 2027
notice = "示例通知"
notice_date = "2026-11-12"

[[holidays]]
name = "元旦"
from = "2027-01-01"
to = "2027-01-03"

[[holidays]]
from = 2027-10-01
to = 2027-10-07

[[workdays]]
date = 2027-10-09
"""


def year_file(tmp_path: Path, text: str, name: str = "2027.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def events(db: Path) -> list[dict[str, Any]]:
    """Every event of the chain, read straight from the SQLite file."""
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT seq, actor, action, decision_id, data, signature FROM audit_events ORDER BY rowid")
        return [
            {"seq": s, "actor": a, "action": act, "decision": d, "data": json.loads(data), "signature": sig}
            for s, a, act, d, data, sig in rows
        ]


def stored_years(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as con:
        return list(con.execute("SELECT year, sha256, imported_by FROM calendar_years ORDER BY year"))


def db_file(engine: Engine) -> Path:
    return Path(engine.db.url.split("///", 1)[1])


@pytest.fixture
def in_2027(engine: Engine) -> Engine:
    """The fixture's engine with today in January 2027, after the shipped calendar ends."""
    engine.today = lambda: date(2027, 1, 20)
    return engine


@pytest.fixture
def at_review(in_2027: Engine, files: Path) -> int:
    """A decision at the legality review, its review submitted 2026-12-24 (Thursday), opinion
    2027-01-05: 5 working days in 2026, then 2027-01-01..03 (the imported New Year holiday),
    then Monday 4 and Tuesday 5 January: 7 working days if and only if 1 January is a holiday."""
    i = new_decision(in_2027)
    walk(in_2027, i, "legality_review", files)
    review(in_2027, i, files, "2026-12-24", "2027-01-05")
    return i


# ---------------------------------------------------------------------------- the acceptance test


def test_a_2027_period_is_refused_before_the_import_and_counted_after(in_2027: Engine, at_review: int) -> None:
    engine, i = in_2027, at_review
    with refused(engine, i, "min_working_days", ARTICLE, key="rule.calendar") as info:
        engine.advance(i, REVIEWER)
    (reason,) = [r for r in info.value.reasons if r.rule == "min_working_days"]
    assert reason.detail("en") == NOT_COVERED_2027
    assert reason.detail("zh") == (
        "法定工作日历没有 2027 年的数据（chinese-calendar 覆盖 2004–2026 年；已导入年份：—）；"
        "管理员可导入国务院办公厅关于 2027 年节假日安排的通知：dflow calendar import 文件"
    )

    result = calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    assert result["year"] == 2027 and result["replaces"] is None

    assert engine.advance(i, REVIEWER) == "collective_decision"
    imported = [e for e in events(db_file(engine)) if e["action"] == "calendar_imported"]
    assert len(imported) == 1
    event = imported[0]
    year = read(EXAMPLE_2027)
    assert event["actor"] == ADMIN and event["decision"] is None and event["signature"]
    assert event["data"] == {"file": EXAMPLE_2027.name, "sha256": year.sha256, **year.content()}
    assert event["data"]["notice"] == "国办发明电〔2026〕XX号（示例）"
    verdict = verification.verify(engine)
    # every event of every chain, the advance after the import (in the case's organ's chain) included
    assert verdict.ok and verdict.events == len(events(db_file(engine)))


def test_the_imported_new_year_holiday_is_not_counted(in_2027: Engine, files: Path) -> None:
    """Opinion on Monday 4 January: 6 working days on the imported calendar (a Monday-to-Friday
    count would find 7), so the review is refused for being too short, not for the calendar."""
    engine = in_2027
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    review(engine, i, files, "2026-12-24", "2027-01-04")
    with refused(engine, i, "min_working_days", ARTICLE, key="rule.min_working_days", text="is 6 working days"):
        engine.advance(i, REVIEWER)


def test_an_adjusted_working_day_of_the_imported_year_counts(in_2027: Engine, files: Path) -> None:
    """Saturday 2027-10-09 is a working day in the example year: after Sunday 26 September come
    Monday 27 to Thursday 30 (4), the holiday 1–7 October, Friday 8 (5), Saturday 9 (6) and
    Monday 11 (7): seven working days only because the Saturday counts."""
    engine = in_2027
    engine.today = lambda: date(2027, 12, 1)
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    review(engine, i, files, "2027-09-26", "2027-10-11")
    assert engine.advance(i, REVIEWER) == "collective_decision"


def test_the_publication_deadline_counts_on_the_imported_year(in_2027: Engine, files: Path) -> None:
    engine = in_2027
    i = new_decision(engine)
    walk(
        engine,
        i,
        "publication",
        files,
        over={
            "legality_review": {"submitted_on": "2026-12-01", "opinion_on": "2026-12-14"},
            "collective_decision": {"held_on": "2026-12-28"},
            "party_report": {"reported_on": "2026-12-29"},
        },
    )
    record_valid(engine, i, "publication", files, published_on="2027-01-05")
    deadline = "deadline_working_days"
    with refused(engine, i, deadline, "Art. 32; Disclosure Regs Art. 26", key="rule.calendar", text="2027"):
        engine.complete(i, "publication", OFFICER)
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    engine.complete(i, "publication", OFFICER)
    step = next(s for s in queries.show(engine, i)["steps"] if s["step"] == "publication")
    assert step["status"] == "completed" and step["marks"] == []


def test_a_calendar_given_to_the_engine_still_wins(db: Database, files: Path) -> None:
    """A test calendar passed as Engine(calendar=...) is what the rules count on, even with an
    imported year in the database: here Monday to Friday, so 1 January 2027 is a working day."""

    class MondayToFriday:
        def is_workday(self, day: date) -> bool:
            return day.weekday() < 5

    engine = Engine(db, now=Clock(), today=lambda: date(2027, 1, 20), calendar=MondayToFriday())
    register_users(engine)
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    review(engine, i, files, "2026-12-24", "2027-01-04")  # 7 working days Monday to Friday, 6 imported
    assert engine.advance(i, REVIEWER) == "collective_decision"


def test_the_imported_years_are_read_once_and_only_when_a_rule_counts(
    in_2027: Engine, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change path reads `calendar_years` only when a working-day rule asks, once per change."""
    import decision_flow.engine.engine as engine_module

    reads: list[int] = []
    real = engine_module.imported

    def counting(s: Any) -> list[OfficialYear]:
        reads.append(1)
        return real(s)

    monkeypatch.setattr(engine_module, "imported", counting)
    engine = in_2027
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    i = new_decision(engine)
    walk(engine, i, "legality_review", files)
    assert reads == []  # a dozen changes, none counting working days
    review(engine, i, files, "2026-12-24", "2027-01-05")
    engine.complete(i, "legality_review", REVIEWER)
    assert reads == [1]


# ---------------------------------------------------------------------------- the calendar itself


def test_the_example_files_are_valid_and_2025_agrees_with_chinese_calendar() -> None:
    year_2027, year_2025 = read(EXAMPLE_2027), read(EXAMPLE_2025)
    assert (year_2027.year, len(year_2027.holidays), len(year_2027.workdays)) == (2027, 7, 5)
    assert disagreements(year_2025, SHIPPED) == []
    assert disagreements(year_2027, SHIPPED) is None  # not covered: nothing to compare


def shipped_as_files() -> Iterator[OfficialYear]:
    """Every year chinese-calendar carries, written as an import file and read back."""
    first, last = SHIPPED.covered_years()
    for number in range(first, last + 1):
        content = SHIPPED.year(number).content() | {"notice": "test", "notice_date": f"{number - 1}-11-01"}
        yield parse(json.dumps(content, ensure_ascii=False), f"{number}.json", "json")


def test_every_shipped_notice_passes_the_file_checks_and_agrees() -> None:
    """The format's rules (December before, weekends, overlaps) admit every notice since 2004."""
    years = list(shipped_as_files())
    assert len(years) == 23
    assert all(disagreements(y, SHIPPED) == [] for y in years)


@pytest.mark.parametrize("pick", [slice(None), slice(None, None, 2), slice(1, None, 2)], ids=["all", "even", "odd"])
def test_imported_years_count_as_the_shipped_notices_do(pick: slice) -> None:
    """Imported copies of the shipped notices (all, or every other year, so the New Year
    holidays begun in December cross from one source to the other) give chinese-calendar's
    answer on every day from 2004 to 2026."""
    years = list(shipped_as_files())[pick]
    combined = OfficialCalendar(lambda: SHIPPED, lambda: years)
    day, wrong = date(2004, 1, 1), []
    while day.year <= 2026:
        if combined.is_workday(day) != SHIPPED.is_workday(day):
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


def test_an_imported_year_takes_precedence_and_uncovered_years_name_the_imported() -> None:
    altered = read(EXAMPLE_2025)
    moved = OfficialYear(altered.year, altered.notice, altered.notice_date, altered.holidays[1:], altered.workdays)
    combined = OfficialCalendar(lambda: SHIPPED, lambda: [moved, read(EXAMPLE_2027)])
    assert SHIPPED.is_workday(date(2025, 1, 1)) is False
    assert combined.is_workday(date(2025, 1, 1)) is True  # the imported 2025 has no New Year here
    assert combined.is_workday(date(2027, 1, 1)) is False
    with pytest.raises(CalendarNotCovered) as info:
        combined.is_workday(date(2028, 3, 1))
    assert (info.value.year, info.value.first, info.value.last, info.value.imported) == (2028, 2004, 2026, (2025, 2027))


def test_the_imported_years_are_read_on_first_need_only() -> None:
    calls: list[int] = []
    combined = OfficialCalendar(lambda: SHIPPED, lambda: calls.append(1) or [])
    assert calls == []
    combined.is_workday(date(2024, 5, 6))
    combined.is_workday(date(2024, 5, 7))
    assert calls == [1]


# ---------------------------------------------------------------------------- the file, strictly


def invalid(tmp_path: Path, text: str, name: str = "2027.toml") -> str:
    """The English message of the InvalidInput a file's import is refused with."""
    with pytest.raises(InvalidInput) as info:
        read(year_file(tmp_path, text, name))
    return info.value.message("en")


def test_the_good_file_is_good(tmp_path: Path) -> None:
    year = read(year_file(tmp_path, GOOD))
    assert year.content() == {
        "year": 2027,
        "notice": "示例通知",
        "notice_date": "2026-11-12",
        "holidays": [
            {"from": "2027-01-01", "to": "2027-01-03", "name": "元旦"},
            {"from": "2027-10-01", "to": "2027-10-07", "name": ""},
        ],
        "workdays": [{"date": "2027-10-09", "name": ""}],
    }


def test_json_is_accepted_too(tmp_path: Path) -> None:
    content = read(year_file(tmp_path, GOOD)).content()
    assert read(year_file(tmp_path, json.dumps(content, ensure_ascii=False), "2027.json")) == read(
        year_file(tmp_path, GOOD)
    )


BAD: dict[str, tuple[str, str]] = {
    "malformed": ("year = 2027\nnotice = \n", "{f}: not valid TOML (line 2, column 10)"),
    "no year": (GOOD.replace("year = 2027\n", ""), "{f}: year is missing"),
    "year text": (GOOD.replace("year = 2027", 'year = "2027"'), "{f}: year must be a whole number, not '2027'"),
    "year far": (GOOD.replace("year = 2027", "year = 1900"), "{f}: year 1900 is not between 2000 and 2100"),
    "unknown key": (
        GOOD.replace("year = 2027", "year = 2027\nyaer = 1"),
        "{f}: unknown key 'yaer' (keys: year, notice, notice_date, holidays, workdays)",
    ),
    "no notice": (GOOD.replace('notice = "示例通知"\n', ""), "{f}: notice is missing"),
    "empty notice": (GOOD.replace('notice = "示例通知"', 'notice = "  "'), "{f}: notice is empty"),
    "notice number": (GOOD.replace('notice = "示例通知"', "notice = 7"), "{f}: notice must be text in quotes"),
    "bad notice date": (
        GOOD.replace('notice_date = "2026-11-12"', 'notice_date = "2026-11-31"'),
        "{f}: notice_date: '2026-11-31' is not a date (YYYY-MM-DD)",
    ),
    "date time": (
        GOOD.replace('notice_date = "2026-11-12"', "notice_date = 2026-11-12T10:00:00"),
        "{f}: notice_date: '2026-11-12 10:00:00' is not a date (YYYY-MM-DD)",
    ),
    "notice after the year": (
        GOOD.replace('notice_date = "2026-11-12"', 'notice_date = "2028-01-02"'),
        "{f}: notice_date 2028-01-02 is after the year 2027 it arranges",
    ),
    "no holidays": (GOOD.split("[[holidays]]")[0], "{f}: holidays is missing"),
    "holidays empty": (GOOD.split("[[holidays]]")[0] + "holidays = []\n", "{f}: holidays is empty"),
    "holidays not a list": (
        GOOD.split("[[holidays]]")[0] + 'holidays = "元旦"\n',
        "{f}: holidays must be a list of entries",
    ),
    "holiday not a table": (
        GOOD.split("[[holidays]]")[0] + "holidays = [1]\n",
        "{f}: holidays #1 must be a table of keys",
    ),
    "holiday key": (
        GOOD.replace('name = "元旦"', 'name = "元旦"\ndays = 3'),
        "{f}: holidays #1: unknown key 'days' (keys: name, from, to)",
    ),
    "holiday without to": (GOOD.replace('to = "2027-01-03"\n', ""), "{f}: holidays #1: to is missing"),
    "to before from": (
        GOOD.replace('to = "2027-01-03"', 'to = "2026-12-31"'),
        "{f}: holidays #1: from 2027-01-01 is after to 2026-12-31",
    ),
    "other year": (
        GOOD.replace("from = 2027-10-01\nto = 2027-10-07", "from = 2026-10-01\nto = 2026-10-07"),
        "{f}: holidays #2: to 2026-10-07 is not in 2027 (only the New Year holiday and its adjusted working days"
        " may begin in the December before; the next New Year belongs to the next year's notice)",
    ),
    "next new year": (
        GOOD.replace("from = 2027-10-01\nto = 2027-10-07", "from = 2027-12-31\nto = 2028-01-02"),
        "{f}: holidays #2: to 2028-01-02 is not in 2027 (only the New Year holiday and its adjusted working days"
        " may begin in the December before; the next New Year belongs to the next year's notice)",
    ),
    "november before": (
        GOOD.replace('from = "2027-01-01"', 'from = "2026-11-30"'),
        "{f}: holidays #1 is 35 days long; a holiday period is at most 31",
    ),
    "overlap": (
        GOOD.replace("from = 2027-10-01\nto = 2027-10-07", "from = 2027-01-03\nto = 2027-01-04"),
        "{f}: holidays #1 and holidays #2 overlap on 2027-01-03",
    ),
    "duplicate holiday": (
        GOOD + '[[holidays]]\nfrom = "2027-01-01"\nto = "2027-01-03"\n',
        "{f}: holidays #1 and holidays #3 overlap on 2027-01-01",
    ),
    "weekday workday": (
        GOOD.replace("date = 2027-10-09", "date = 2027-10-08"),
        "{f}: workdays #1: 2027-10-08 is not a Saturday or Sunday; only a weekend day can be an adjusted working day",
    ),
    "duplicate workday": (
        GOOD + "[[workdays]]\ndate = 2027-10-09\n",
        "{f}: workdays #1 and workdays #2 are both 2027-10-09",
    ),
    "both": (
        GOOD.replace("date = 2027-10-09", "date = 2027-10-02"),
        "{f}: 2027-10-02 is both a holiday (2027-10-01–2027-10-07) and an adjusted working day",
    ),
    "workday other year": (
        GOOD.replace("date = 2027-10-09", "date = 2026-11-28"),
        "{f}: workdays #1: date 2026-11-28 is not in 2027 (only the New Year holiday and its adjusted working days"
        " may begin in the December before; the next New Year belongs to the next year's notice)",
    ),
    "workday name number": (
        GOOD.replace("date = 2027-10-09", "date = 2027-10-09\nname = 1"),
        "{f}: workdays #1: name must be text in quotes",
    ),
    "too many": (
        GOOD + "".join(f"[[workdays]]\ndate = {date(2027, 1, 2) + timedelta(weeks=w)}\n" for w in range(1, 41)),
        "{f}: workdays has 41 entries; a year has at most 40",
    ),
    "control character": (
        GOOD.replace("示例通知", "示例\\u0007通知"),
        "{f}: notice contains control characters or undecodable bytes",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_refused_in_one_line(tmp_path: Path, case: str) -> None:
    text, message = BAD[case]
    f = str(tmp_path / "2027.toml")
    assert invalid(tmp_path, text) == message.format(f=f)


def test_the_new_year_holiday_may_begin_in_the_december_before(tmp_path: Path) -> None:
    text = GOOD.replace('from = "2027-01-01"', 'from = "2026-12-31"') + "[[workdays]]\ndate = 2026-12-26\n"
    year = read(year_file(tmp_path, text))
    assert year.holidays[0].first == date(2026, 12, 31) and year.workdays[0].day == date(2026, 12, 26)
    combined = OfficialCalendar(lambda: SHIPPED, lambda: [year])
    assert not combined.is_workday(date(2026, 12, 31))  # a Thursday, but the notice's holiday
    assert combined.is_workday(date(2026, 12, 26))  # a Saturday made a working day
    assert combined.is_workday(date(2026, 12, 30))  # chinese-calendar's 2026 still answers the rest


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_bytes(GOOD.encode("utf-8").replace("示例".encode(), b"\xff\xfe"))
    assert invalid_path(path) == f"{path}: not UTF-8 text (byte 22)"
    path.write_bytes(b"#" * (64 * 1024 + 1))
    assert invalid_path(path) == f"{path}: larger than 65536 bytes; a year's calendar file is far smaller"
    assert invalid_path(tmp_path / "none.toml") == f"{tmp_path / 'none.toml'}: no such file"
    assert invalid_path(tmp_path) == f"{tmp_path}: is a folder, not a calendar file"
    json_path = tmp_path / "2027.json"
    json_path.write_text('{"year": 2027,', encoding="utf-8")
    assert invalid_path(json_path) == f"{json_path}: not valid JSON (line 1, column 15)"
    json_path.write_text("[]", encoding="utf-8")
    assert invalid_path(json_path) == f"{json_path}: {json_path} must be a table of keys"


def invalid_path(path: Path) -> str:
    with pytest.raises(InvalidInput) as info:
        read(path)
    return info.value.message("en")


# ---------------------------------------------------------------------------- import: who, when, again


def test_a_notice_dated_after_today_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as info:
        calendars.import_file(engine, EXAMPLE_2027, ADMIN)  # the fixture's today is 2024-12-31
    assert info.value.message("en") == f"{EXAMPLE_2027}: notice_date 2026-11-12 is after today (2024-12-31)"
    assert stored_years(db_file(engine)) == []


def test_replacing_needs_replace_and_a_reason(in_2027: Engine, tmp_path: Path) -> None:
    engine = in_2027
    first = calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    changed = year_file(tmp_path, EXAMPLE_2027.read_text(encoding="utf-8").replace("2027-06-09", "2027-06-10"))
    before = events(db_file(engine))
    with pytest.raises(InvalidInput) as info:
        calendars.import_file(engine, changed, ADMIN)
    assert info.value.message("en") == (
        f"2027 is already imported (from 国办发明电〔2026〕XX号（示例）, sha256 {first['sha256']});"
        " to replace it give --replace --reason TEXT"
    )
    with pytest.raises(InvalidInput, match=r"needs a reason \(--reason\)"):
        calendars.import_file(engine, changed, ADMIN, replace=True)
    with pytest.raises(InvalidInput, match="--reason goes with --replace"):
        calendars.import_file(engine, changed, ADMIN, reason="typo")
    with pytest.raises(InvalidInput, match="exactly this content"):
        calendars.import_file(engine, EXAMPLE_2027, ADMIN, replace=True, reason="again")
    assert events(db_file(engine)) == before  # nothing written, not even a refusal: invalid input

    second = calendars.import_file(engine, changed, ADMIN, replace=True, reason="端午 typed wrong")
    assert second["replaces"] == first["sha256"] and second["sha256"] != first["sha256"]
    last = events(db_file(engine))[-1]
    assert last["action"] == "calendar_imported"
    assert (last["data"]["replaces"], last["data"]["reason"]) == (first["sha256"], "端午 typed wrong")
    assert stored_years(db_file(engine)) == [(2027, second["sha256"], ADMIN)]
    assert verification.verify(engine).ok


def test_replace_of_a_year_never_imported_is_refused(in_2027: Engine) -> None:
    with pytest.raises(InvalidInput, match="2027 is not imported yet: import it without --replace"):
        calendars.import_file(in_2027, EXAMPLE_2027, ADMIN, replace=True, reason="x")


def test_a_non_admin_is_refused_and_the_refusal_recorded(in_2027: Engine) -> None:
    engine = in_2027
    with pytest.raises(Forbidden) as info:
        calendars.import_file(engine, EXAMPLE_2027, OFFICER)
    assert info.value.message("en") == "only an admin may import the official calendar"
    assert stored_years(db_file(engine)) == []
    last = events(db_file(engine))[-1]
    assert (last["action"], last["actor"], last["decision"]) == ("refused", OFFICER, None)
    assert last["data"]["attempted"] == "calendar_import"
    assert last["data"]["args"] == {
        "year": 2027,
        "file": EXAMPLE_2027.name,
        "sha256": read(EXAMPLE_2027).sha256,
        "replace": False,
    }
    assert last["data"]["error"] == "forbidden" and last["signature"]
    assert verification.verify(engine).ok


def test_the_store_refuses_a_year_written_meanwhile(in_2027: Engine) -> None:
    """Two imports of one year at once: the second finds the row (or, on PostgreSQL, the
    primary key) taken, or no longer holding the sha256 it replaces: a conflict (exit 6)."""
    year = read(EXAMPLE_2027)
    with in_2027.db.session() as s:
        calendar_years.write(s, year, "2027-01-20T00:00:00.000000Z", ADMIN, None)
        with pytest.raises(Conflict):
            calendar_years.write(s, year, "2027-01-20T00:00:00.000000Z", ADMIN, None)
        with pytest.raises(Conflict):
            calendar_years.write(s, year, "2027-01-20T00:00:00.000000Z", ADMIN, "0" * 64)


# ---------------------------------------------------------------------------- audit verify


EDITS = {
    "holidays edited": "UPDATE calendar_years SET holidays = '[]'",
    "holidays and sha256 edited": None,  # filled in by the test: a consistent forgery
    "importer edited": "UPDATE calendar_years SET imported_by = 'zhao'",
    "row deleted": "DELETE FROM calendar_years",
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_calendar_year_fails_verification(in_2027: Engine, edit: str) -> None:
    engine = in_2027
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    seq = events(db_file(engine))[-1]["seq"]
    sql = EDITS[edit]
    if sql is None:  # drop the New Year holiday and store the sha256 of what is left
        year = read(EXAMPLE_2027)
        forged = OfficialYear(year.year, year.notice, year.notice_date, year.holidays[1:], year.workdays)
        holidays = json.dumps([p.as_dict() for p in forged.holidays], sort_keys=True, separators=(",", ":"))
        sql = f"UPDATE calendar_years SET holidays = '{holidays}', sha256 = '{forged.sha256}'"
    with sqlite3.connect(db_file(engine)) as con:
        con.execute(sql)
    verdict = verification.verify(engine)
    why = (
        f"missing: imported by event {seq}, not in calendar_years"
        if edit == "row deleted"
        else f"altered: its calendar_years row differs from its import event {seq}"
    )
    assert (verdict.ok, verdict.first_bad_seq, verdict.reason) == (False, seq, f"calendar year 2027 {why}")


def test_a_calendar_year_without_its_event_fails_verification(in_2027: Engine) -> None:
    engine = in_2027
    year = read(EXAMPLE_2027)
    with engine.db.session() as s:  # written behind dflow's back: no event
        calendar_years.write(s, year, "2027-01-20T00:00:00.000000Z", ADMIN, None)
        s.commit()
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.first_bad_seq, verdict.reason) == (
        False,
        None,
        "calendar year 2027 altered: its calendar_years row has no import event",
    )


def test_a_damaged_calendar_year_is_never_counted_on(in_2027: Engine, at_review: int) -> None:
    engine = in_2027
    calendars.import_file(engine, EXAMPLE_2027, ADMIN)
    with sqlite3.connect(db_file(engine)) as con:
        con.execute("UPDATE calendar_years SET holidays = '[]'")
    with pytest.raises(IntegrityError) as info:
        engine.advance(at_review, REVIEWER)
    assert info.value.message("en") == (
        "the imported calendar for 2027 in the database does not match its own sha256: run dflow audit verify"
    )
    assert queries.state(engine, at_review)["stage"] == "legality_review"


# ---------------------------------------------------------------------------- the command line


@pytest.fixture
def cli(tmp_path: Path) -> Dflow:
    """dflow on an initialised database with the admin and an officer."""
    return Dflow.initialised(tmp_path, (OFFICER,))


def cli_file(tmp_path: Path, **replace: str) -> Path:
    """The example 2027 file with its notice dated 2025 (so no test depends on today's date)."""
    text = EXAMPLE_2027.read_text(encoding="utf-8").replace("notice_date = 2026-11-12", "notice_date = 2025-11-12")
    for old, new in replace.items():
        text = text.replace(old.replace("_", "-"), new)
    return year_file(tmp_path, text, "2027-cli.toml")


def test_cli_import_show_and_verify(cli: Dflow, tmp_path: Path) -> None:
    path = cli_file(tmp_path)
    sha = read(path).sha256
    assert cli.ok("calendar", "import", path, "--as", ADMIN).stdout == (
        "imported the official calendar for 2027 from 国办发明电〔2026〕XX号（示例） (2025-11-12): 7 holiday periods,"
        f" 5 adjusted working days; sha256 {sha}\n"
    )
    shown = cli.json("calendar", "show", "2027")
    assert shown["source"] == "imported" and shown["sha256"] == sha and shown["imported_by"] == ADMIN
    assert shown["holidays"][0] == {"from": "2027-01-01", "to": "2027-01-03", "name": "元旦"}
    assert shown["workdays"][0] == {"date": "2027-02-20", "name": "春节"}
    assert shown["overrides_chinese_calendar"] is False
    lines = cli.ok("calendar", "show", "2027").stdout.splitlines()
    assert lines[0].startswith("2027: imported from 国办发明电〔2026〕XX号（示例） (2025-11-12) by admin at ")
    assert lines[1:4] == ["holidays:", "  2027-01-01 – 2027-01-03  元旦 (3 d)", "  2027-02-05 – 2027-02-12  春节 (8 d)"]
    assert "adjusted working days:" in lines and "  2027-02-20 (Sat)  春节" in lines
    zh = cli.ok("calendar", "show", "2027", env={"DFLOW_LANG": "zh"}).stdout.splitlines()
    assert zh[0].startswith("2027 年：依据 国办发明电〔2026〕XX号（示例）（2025-11-12）导入，导入人 admin，时间 ")
    assert "  2027-02-20（周六）  春节" in zh
    assert cli.json("audit", "verify")["ok"] is True


def test_cli_import_json(cli: Dflow, tmp_path: Path) -> None:
    path = cli_file(tmp_path)
    assert cli.json("calendar", "import", path, "--as", ADMIN) == {
        "year": 2027,
        "notice": "国办发明电〔2026〕XX号（示例）",
        "notice_date": "2025-11-12",
        "holidays": 7,
        "workdays": 5,
        "sha256": read(path).sha256,
        "replaces": None,
    }


def test_cli_show_a_shipped_year_and_an_unknown_one(cli: Dflow) -> None:
    version = SHIPPED.version()
    out = cli.ok("calendar", "show", "2025").stdout.splitlines()
    assert out[0] == f"2025: from chinese-calendar {version} (the State Council's notice as the package carries it)"
    assert "  2025-01-28 – 2025-02-04  春节 (8 d)" in out and "  2025-01-26 (Sun)  春节" in out
    assert cli.json("calendar", "show", "2019")["holidays"][0] == {
        "from": "2018-12-30",
        "to": "2019-01-01",
        "name": "元旦",
    }
    fails(cli("calendar", "show", "2027"), 4, NOT_COVERED_2027 + "\n")
    zh = cli("calendar", "show", "2027", env={"DFLOW_LANG": "zh"})
    assert zh.exit_code == 4 and "法定工作日历没有 2027 年的数据" in zh.stderr
    assert not any(
        "a" <= c <= "z" for c in zh.stderr.replace("chinese-calendar", "").replace("dflow calendar import", "")
    )


def test_cli_errors_exit_with_the_contract_codes(cli: Dflow, tmp_path: Path) -> None:
    path = cli_file(tmp_path)
    fails(
        cli("calendar", "import", path, "--as", OFFICER),
        5,
        "only an admin may import the official calendar [Arts. 33, 38]\n",
    )
    refusal = events(cli.db)[-1]
    assert (refusal["action"], refusal["actor"]) == ("refused", OFFICER)
    bad = year_file(tmp_path, GOOD.replace("date = 2027-10-09", "date = 2027-10-08"))
    fails(
        cli("calendar", "import", bad, "--as", ADMIN),
        2,
        f"{bad}: workdays #1: 2027-10-08 is not a Saturday or Sunday; only a weekend day can be an adjusted working"
        " day\n",
    )
    cli.ok("calendar", "import", path, "--as", ADMIN)
    fails(
        cli("calendar", "import", path, "--as", ADMIN, "--replace"),
        2,
        "replacing an imported year needs a reason (--reason)\n",
    )
    count = len(events(cli.db))
    fails(
        cli("calendar", "import", path, "--as", ADMIN, "--replace", "--reason", "again"),
        2,
        f"2027 is already imported with exactly this content (sha256 {read(path).sha256})\n",
    )
    assert len(events(cli.db)) == count
    zh = cli("calendar", "import", bad, "--as", ADMIN, env={"DFLOW_LANG": "zh"})
    assert zh.exit_code == 2 and zh.stderr == f"{bad}：workdays #1：2027-10-08 不是周六或周日；只有周末才能调为上班日\n"


def test_cli_check_reports_each_disagreement(cli: Dflow, tmp_path: Path) -> None:
    assert cli.ok("calendar", "check").stdout == "no year is imported: nothing to compare\n"
    cli.ok("calendar", "import", EXAMPLE_2025, "--as", ADMIN)
    version = SHIPPED.version()
    assert cli.ok("calendar", "check").stdout == f"2025: agrees with chinese-calendar {version}\n"
    # 清明 typed as 4–7 April instead of 4–6: Monday 7 April becomes a holiday
    altered = year_file(
        tmp_path, EXAMPLE_2025.read_text(encoding="utf-8").replace("to = 2025-04-06", "to = 2025-04-07"), "2025.toml"
    )
    cli.ok("calendar", "import", altered, "--as", ADMIN, "--replace", "--reason", "test of check")
    cli.ok("calendar", "import", cli_file(tmp_path), "--as", ADMIN)
    result = cli("calendar", "check")
    assert result.exit_code == 7 and result.stderr == ""
    assert result.stdout == (
        f"2025: 1 day(s) differ from chinese-calendar {version}:\n"
        "  2025-04-07: imported says a holiday, chinese-calendar says an ordinary working day"
        " (working-day counts differ)\n"
        f"2027: chinese-calendar {version} does not cover it; nothing to compare\n"
    )
    report = json.loads(cli("calendar", "check", "--json").stdout)
    assert report == {
        "ok": False,
        "chinese_calendar": version,
        "years": [
            {
                "year": 2025,
                "compared": True,
                "disagreements": [
                    {"date": "2025-04-07", "imported": "holiday", "chinese_calendar": "weekday", "counts": True}
                ],
            },
            {"year": 2027, "compared": False, "disagreements": []},
        ],
    }
    zh = cli("calendar", "check", env={"DFLOW_LANG": "zh"}).stdout.splitlines()
    assert zh[1] == "  2025-04-07：导入的数据为放假，chinese-calendar 为普通工作日（工作日计数不同）"
    assert cli.json("calendar", "show", "2025")["overrides_chinese_calendar"] is True


def test_cli_audit_verify_names_an_edited_year(cli: Dflow, tmp_path: Path) -> None:
    cli.ok("calendar", "import", cli_file(tmp_path), "--as", ADMIN)
    seq, total = events(cli.db)[-1]["seq"], len(events(cli.db))  # the import: the registry's last
    with sqlite3.connect(cli.db) as con:
        con.execute("UPDATE calendar_years SET workdays = '[]'")
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 7
    assert json.loads(result.stdout) == {
        "ok": False,
        "events": total,
        "first_bad_seq": seq,
        "reason": f"calendar year 2027 altered: its calendar_years row differs from its import event {seq}",
        "chain": "registry",
    }


# ---------------------------------------------------------------------------- PostgreSQL


@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_postgres_import_counts_and_verifies(tmp_path: Path, files: Path) -> None:
    with pg_database() as url:
        db = Database(url)
        try:
            engine = Engine(db, now=Clock(), today=lambda: date(2027, 1, 20))
            register_users(engine)
            i = new_decision(engine)
            walk(engine, i, "legality_review", files)
            review(engine, i, files, "2026-12-24", "2027-01-05")
            with pytest.raises(Blocked):
                engine.advance(i, REVIEWER)
            calendars.import_file(engine, EXAMPLE_2027, ADMIN)
            with pytest.raises(InvalidInput):
                calendars.import_file(engine, EXAMPLE_2027, ADMIN)
            assert engine.advance(i, REVIEWER) == "collective_decision"
            assert calendars.show(engine, 2027)["imported_by"] == ADMIN
            assert verification.verify(engine).ok
            with db.session() as s:
                from sqlalchemy import text

                s.execute(text("UPDATE calendar_years SET notice = 'forged'"))
                s.commit()
            verdict = verification.verify(engine)
            assert not verdict.ok and verdict.reason is not None and "calendar year 2027" in verdict.reason
        finally:
            db.dispose()
