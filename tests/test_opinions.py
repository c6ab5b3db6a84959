"""The public's opinions on a draft (issue 16): taken only while the consultation period runs,
each an event of the decision's chain with its text hashed and who gave it kept apart; marked
by an officer; counted into the step; published as a masked feedback table after the close."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from decision_flow.core.errors import Blocked, InvalidInput, NotFound
from decision_flow.engine import Engine, opinions, queries
from decision_flow.engine.verification import verify
from decision_flow.store.db import Database
from decision_flow.store.models import AuditEvent
from tests.consultation import AFTER, Day, engine_on, open_case
from tests.flow import AUDITOR, OFFICER, REVIEWER

TEXT = "建议保留早市摊位，搬迁后设置公交站点。"


@pytest.fixture
def day() -> Day:
    return Day()


@pytest.fixture
def eng(db: Database, day: Day) -> Engine:
    return engine_on(db, day)


def _events(engine: Engine, action: str) -> list[dict[str, object]]:
    with engine.db.session(write=False) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.at))).all()
        return [{"actor": r.actor, "step": r.step, "data": json.loads(r.data), "signature": r.signature} for r in rows]


def _fields(engine: Engine, decision: int) -> dict[str, object]:
    shown = queries.show(engine, decision, OFFICER)
    return next(st["fields"] for st in shown["steps"] if st["step"] == "public_participation")


def test_an_opinion_is_stored_hashed_in_the_chain_and_counted(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    got = opinions.submit(eng, case, TEXT, "朱小明", "沙河村", "13812345678", OFFICER)
    assert got["id"] == 1 and got["sha256"] == opinions.sha256_of(TEXT)
    [event] = _events(eng, "opinion_received")
    assert event["actor"] == OFFICER and event["step"] == "public_participation" and event["signature"]
    expected = {"opinion_id": 1, "sha256": got["sha256"], "chars": len(TEXT), "channel": "web", "submitter": True}
    assert event["data"] == {**expected, "received": 1}
    trail = json.dumps(_events(eng, "opinion_received"), ensure_ascii=False)
    assert "朱小明" not in trail and "13812345678" not in trail and TEXT not in trail
    fields = _fields(eng, case)
    assert fields["opinions_received"] == 1 and fields["opinions_adopted"] == 0
    assert fields["channels"] == ["网上征求意见", "公示栏"]
    assert verify(eng, None).ok


def test_who_gave_it_is_read_only_by_a_role_in_the_organ(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    opinions.submit(eng, case, TEXT, "朱小明", None, "13812345678", OFFICER)
    mine = opinions.listed(eng, case, OFFICER)["opinions"][0]
    assert mine["submitter"] == {"name": "朱小明", "unit": None, "phone": "13812345678"}
    for reader in (None,):
        public = opinions.listed(eng, case, reader)["opinions"][0]
        assert "submitter" not in public and public["text"] == TEXT
    assert "submitter" in opinions.listed(eng, case, AUDITOR)["opinions"][0]  # an auditor of the organ


def test_outside_the_period_an_opinion_is_refused_and_recorded(eng: Engine, day: Day, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    day.day = AFTER
    with pytest.raises(Blocked) as refused:
        opinions.submit(eng, case, TEXT, None, None, None, OFFICER)
    assert refused.value.reasons[0].article == "Art. 15"
    assert opinions.listed(eng, case, OFFICER)["opinions"] == []
    [event] = _events(eng, "refused")
    assert event["data"]["attempted"] == "opinion_submit"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "key"),
    [("", "opinion.empty"), ("x" * 2001, "value.too_long"), ("带\x07控制字符", "value.control")],
)
def test_bad_text_is_invalid_and_writes_nothing(eng: Engine, tmp_path: Path, text: str, key: str) -> None:
    case = open_case(eng, tmp_path)
    with pytest.raises(InvalidInput) as bad:
        opinions.submit(eng, case, text, None, None, None, OFFICER)
    assert bad.value.msg.key == key  # type: ignore[union-attr]
    assert _events(eng, "opinion_received") == [] and _events(eng, "refused") == []


def test_two_thousand_characters_and_windows_line_ends_are_taken(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    opinions.submit(eng, case, "意" * 2000, None, None, None, OFFICER)
    opinions.submit(eng, case, "第一行\r\n第二行", None, None, None, OFFICER)
    assert opinions.listed(eng, case, None)["opinions"][1]["text"] == "第一行\n第二行"


def test_the_same_text_twice_is_refused(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    opinions.submit(eng, case, TEXT, None, None, None, OFFICER)
    with pytest.raises(InvalidInput, match="already holds an opinion"):
        opinions.submit(eng, case, f"  {TEXT}\n", "另一人", None, None, OFFICER)
    assert opinions.listed(eng, case, None)["received"] == 1


def test_a_case_not_disclosed_has_no_page(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path, flags=["non_disclosable"], page=False)
    with pytest.raises(NotFound):
        opinions.open_page(eng, case, "2024-04-01", "2024-05-01", OFFICER)
    with pytest.raises(NotFound):
        opinions.page(eng, case)
    with pytest.raises(NotFound):
        opinions.submit(eng, case, TEXT, None, None, None, OFFICER)
    assert _events(eng, "opinion_received") == []


def test_marks_count_and_a_typed_count_that_disagrees_is_refused(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    first = opinions.submit(eng, case, TEXT, None, None, None, OFFICER)["id"]
    second = opinions.submit(eng, case, "反对搬迁。", None, None, None, OFFICER)["id"]
    third = opinions.submit(eng, case, "建议延长过渡期。", None, None, None, OFFICER)["id"]
    with pytest.raises(InvalidInput, match="needs the reason"):
        opinions.mark(eng, second, "not_adopted", "", OFFICER)
    opinions.mark(eng, first, "adopted", None, OFFICER)
    opinions.mark(eng, second, "not_adopted", "搬迁已列入规划。", OFFICER)
    opinions.mark(eng, third, "partly", "过渡期延长一个月。", OFFICER)
    fields = _fields(eng, case)
    assert (fields["opinions_received"], fields["opinions_adopted"]) == (3, 2)
    with pytest.raises(Blocked) as typed:
        eng.record(case, "public_participation", ["opinions_received=46"], [], OFFICER)
    assert "counted from the opinions" in typed.value.reasons[0].detail("en")
    eng.record(case, "public_participation", ["opinions_received=3", "opinions_adopted=2"], [], OFFICER)
    with pytest.raises(Exception, match="legality_review|role"):
        opinions.mark(eng, first, "adopted", None, REVIEWER)
    assert [e["data"]["mark"] for e in _events(eng, "opinion_marked")] == ["adopted", "not_adopted", "partly"]  # type: ignore[index]


def test_a_case_without_the_page_keeps_its_typed_counts(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path, channels="乡政府网站,公示栏", page=False)
    eng.record(case, "public_participation", ["opinions_received=46", "opinions_adopted=5"], [], OFFICER)
    assert _fields(eng, case)["opinions_received"] == 46


def test_the_feedback_table_waits_for_the_close_and_masks_names(eng: Engine, day: Day, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    a = opinions.submit(eng, case, TEXT, "朱小明", "沙河村", "13812345678", OFFICER)["id"]
    b = opinions.submit(eng, case, "反对搬迁。", None, None, None, OFFICER)["id"]
    opinions.mark(eng, a, "adopted", None, OFFICER)
    opinions.mark(eng, b, "not_adopted", "搬迁已列入规划。", OFFICER)
    with pytest.raises(Blocked):
        opinions.feedback(eng, case)
    day.day = AFTER
    table = opinions.feedback(eng, case)
    assert table["rows"] == [
        {"no": 1, "by": "朱**", "text": TEXT, "mark": "adopted", "reason": None},
        {"no": 2, "by": None, "text": "反对搬迁。", "mark": "not_adopted", "reason": "搬迁已列入规划。"},
    ]
    shown = json.dumps(table, ensure_ascii=False)
    assert "13812345678" not in shown and "朱小明" not in shown and "沙河村" not in shown


def test_the_period_is_the_pages_and_recorded_once_it_has_come(eng: Engine, day: Day, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    with pytest.raises(Blocked) as typed:
        eng.record(case, "public_participation", ["opened_on=2024-03-30"], [], OFFICER)
    assert "consultation page's (2024-04-01)" in typed.value.reasons[0].detail("en")
    eng.record(case, "public_participation", ["hearing_held=false"], [], OFFICER)
    fields = _fields(eng, case)
    assert fields["opened_on"] == "2024-04-01" and "closed_on" not in fields  # not yet come
    day.day = AFTER
    eng.record(case, "public_participation", ["hearing_held=false"], [], OFFICER)
    assert _fields(eng, case)["closed_on"] == "2024-05-01"


def test_the_handling_document_is_made_from_the_marks_and_attached(eng: Engine, day: Day, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from decision_flow.presentation.exports import handling

    case = open_case(eng, tmp_path)
    a = opinions.submit(eng, case, TEXT, "朱小明", None, "13812345678", OFFICER)["id"]
    b = opinions.submit(eng, case, "反对搬迁。", None, None, None, OFFICER)["id"]
    opinions.mark(eng, a, "adopted", None, OFFICER)
    with pytest.raises(Blocked, match="closed"):
        handling.attach(eng, case, OFFICER)
    day.day = AFTER
    with pytest.raises(Blocked, match="not marked yet"):
        handling.attach(eng, case, OFFICER)
    with pytest.raises(Blocked):  # no opinion after the close, though marks are still taken
        opinions.submit(eng, case, "迟到的意见。", None, None, None, OFFICER)
    opinions.mark(eng, b, "not_adopted", "搬迁已列入规划。", OFFICER)
    made = handling.attach(eng, case, OFFICER)
    assert made["name"] == "公众意见采纳情况及理由.pdf" and (made["received"], made["adopted"]) == (2, 1)
    step = next(st for st in queries.show(eng, case, OFFICER)["steps"] if st["step"] == "public_participation")
    assert {"kind": "opinion_handling", "name": made["name"], "sha256": made["sha256"]} in [
        {k: e[k] for k in ("kind", "name", "sha256")} for e in step["evidence"]
    ]
    path = eng.store.path_for(made["sha256"])  # type: ignore[union-attr]
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    for words in ("公众意见采纳情况及理由", TEXT, "反对搬迁。", "不予采纳", "搬迁已列入规划。", "收到意见 2 条"):
        assert words in text.replace("\n", ""), words
    assert "朱小明" not in text and "13812345678" not in text
    assert step["missing"] == [] or "opinion_handling" not in str(step["missing"])
    assert verify(eng, None).ok


def test_verification_finds_an_opinion_whose_text_was_changed(eng: Engine, tmp_path: Path) -> None:
    from sqlalchemy import text

    from decision_flow.core.i18n import t

    case = open_case(eng, tmp_path)
    opinions.submit(eng, case, TEXT, None, None, None, OFFICER)
    opinions.submit(eng, case, "反对搬迁。", None, None, None, OFFICER)
    assert verify(eng, None).ok
    with eng.db.engine.begin() as conn:
        conn.execute(text("UPDATE opinions SET text = '支持搬迁。' WHERE id = 2"))
        seq = conn.execute(text("SELECT seq FROM audit_events WHERE action = 'opinion_received'")).all()[-1][0]
    verdict = verify(eng, None)
    assert not verdict.ok and verdict.first_bad_seq == seq
    assert t(verdict.reason, "en") == "the text of public opinion 2 was altered or removed"  # type: ignore[arg-type]


def test_an_officer_lists_the_pages_of_the_organs_they_act_in(eng: Engine, tmp_path: Path) -> None:
    from decision_flow.engine import organs, users
    from tests.flow import ADMIN

    case = open_case(eng, tmp_path)
    organs.add(eng, "liulin", "柳林镇人民政府", "township", organs.ROOT, ADMIN)
    users.add(eng, "niu", ["officer"], ADMIN, organ="liulin")
    assert [p["id"] for p in opinions.pages(eng)] == [case]  # the public's list: every page
    assert [p["id"] for p in opinions.pages(eng, OFFICER)] == [case]
    assert opinions.pages(eng, "niu") == []  # an officer of another organ
