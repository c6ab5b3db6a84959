"""The consultation pages (issue 16) through their HTTP interface on a real database: the public
page and its form, the guards (CSRF, captcha, size, rate), escaping, the closed page and the
feedback table, the officer's sign-in and marks. Nothing is written by a refused request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from decision_flow.engine import Engine, opinions, passwords
from decision_flow.engine.verification import verify
from decision_flow.store.db import Database
from tests.consultation import AFTER, Day, engine_on, open_case
from tests.flow import ADMIN, OFFICER
from tests.pg import NO_PG, PG_URL, pg_database
from tests.web import Web, answer, give, hidden, opinion_form

TEXT = "建议保留早市摊位，搬迁后设置公交站点。"


@pytest.fixture
def day() -> Day:
    return Day()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Every test on an SQLite file and on the PostgreSQL server (when DFLOW_TEST_PG names one)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'web.db'}")
        yield db
        db.dispose()
        return
    if PG_URL is None:
        pytest.skip(NO_PG)
    with pg_database("dflow_web") as url:
        db = Database(url)
        yield db
        db.dispose()


@pytest.fixture
def eng(backend: Database, day: Day) -> Engine:
    return engine_on(backend, day)


@pytest.fixture
def web(eng: Engine) -> Iterator[Web]:
    client = Web(eng, OFFICER)
    yield client
    client.close()


def _count(eng: Engine, case: int) -> int:
    return int(opinions.listed(eng, case, None)["received"])


def test_the_public_page_shows_the_draft_and_takes_an_opinion(eng: Engine, web: Web, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    page = web.get(f"/d/{case}")
    assert page.status_code == 200 and "沙河乡农贸市场搬迁" in page.text
    assert "征求意见期间：2024年4月1日至2024年5月1日。" in page.text and "距截止还有 22 天。" in page.text
    assert '<label for="content">' in page.text and '<label for="phone">' in page.text
    assert "<script" not in page.text and "script-src" not in page.headers["content-security-policy"]
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    sent = give(web, case, TEXT, name="朱小明", phone="13812345678")
    assert sent.status_code == 303 and sent.headers["location"] == f"/d/{case}?sent=1"
    assert "感谢您的意见，受理编号为 1。" in web.get(sent.headers["location"]).text
    assert opinions.listed(eng, case, OFFICER)["opinions"][0]["submitter"]["name"] == "朱小明"
    english = web.get(f"/d/{case}?lang=en").text
    assert "Comments are taken from 2024-04-01 to 2024-05-01." in english and "征求意见期间" not in english


def test_a_form_without_its_csrf_token_or_with_a_wrong_answer_writes_nothing(
    eng: Engine, web: Web, tmp_path: Path
) -> None:
    case = open_case(eng, tmp_path)
    form = opinion_form(web, case, TEXT)
    refused = web.post(f"/d/{case}", {**form, "csrf": "forged"})
    assert refused.status_code == 403 and "表单已失效" in refused.text
    wrong = web.post(f"/d/{case}", {**opinion_form(web, case, TEXT), "answer": "99"})
    assert wrong.status_code == 400 and "验证问题回答错误" in wrong.text and TEXT in wrong.text  # kept for retyping
    again = opinion_form(web, case, TEXT)
    assert web.post(f"/d/{case}", again).status_code == 303
    replayed = web.post(f"/d/{case}", {**again, "content": "另一条意见"})  # the same captcha token twice
    assert replayed.status_code == 400 and _count(eng, case) == 1


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "请填写意见内容"), ("意" * 2001, "2000"), ("带\x07控制字符", "控制字符")],
)
def test_bad_opinions_get_a_400_page_and_write_nothing(
    eng: Engine, web: Web, tmp_path: Path, text: str, said: str
) -> None:
    case = open_case(eng, tmp_path)
    bad = give(web, case, text)
    assert bad.status_code == 400 and said in bad.text and _count(eng, case) == 0


def test_a_body_over_the_limit_is_refused_before_it_is_read(eng: Engine, web: Web, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    form = opinion_form(web, case, "意" * 10_000)
    big = web.post(f"/d/{case}", form)
    assert big.status_code == 413 and "提交内容过大" in big.text and _count(eng, case) == 0


def test_everything_typed_is_escaped(eng: Engine, web: Web, day: Day, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    assert give(web, case, evil, name="<b>王</b>").status_code == 303
    day.day = AFTER
    table = web.get(f"/d/{case}/feedback")
    assert table.status_code == 200 and "<script>alert" not in table.text and "&lt;script&gt;" in table.text
    assert "<img" not in table.text


def test_the_same_text_twice_is_a_400(eng: Engine, web: Web, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    assert give(web, case, TEXT).status_code == 303
    assert give(web, case, TEXT).status_code == 400 and _count(eng, case) == 1


def test_pages_of_no_case_or_a_case_not_disclosed_are_404(eng: Engine, web: Web, tmp_path: Path) -> None:
    hidden_case = open_case(eng, tmp_path, flags=["non_disclosable"], page=False)
    for path in (f"/d/{hidden_case}", "/d/999", "/d/abc", f"/d/{hidden_case}/feedback", "/nowhere"):
        assert web.get(path).status_code == 404, path
    assert "未找到页面" in web.get("/d/999").text


def test_after_the_close_the_form_is_gone_and_the_feedback_table_is_published(
    eng: Engine, web: Web, day: Day, tmp_path: Path
) -> None:
    case = open_case(eng, tmp_path)
    give(web, case, TEXT, name="朱小明", unit="沙河村", phone="13812345678")
    give(web, case, "反对搬迁。", address="10.0.0.2")
    early = web.get(f"/d/{case}/feedback")
    assert early.status_code == 403 and "征求意见期间结束（2024年5月1日）后公布意见反馈情况" in early.text
    form = opinion_form(web, case, "迟到的意见。")
    day.day = AFTER
    page = web.get(f"/d/{case}")
    assert "征求意见期间已结束，不再接收意见。" in page.text and "<textarea" not in page.text
    late = web.post(f"/d/{case}", form)
    assert late.status_code == 403 and _count(eng, case) == 2
    table = web.get(f"/d/{case}/feedback").text
    assert "朱**" in table and "匿名" in table and TEXT in table
    assert "朱小明" not in table and "13812345678" not in table and "沙河村" not in table


def test_an_officer_signs_in_and_marks_with_csrf_on_every_form(eng: Engine, web: Web, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    give(web, case, TEXT, name="朱小明", phone="13812345678")
    passwords.set_password(eng, OFFICER, "correct horse battery", ADMIN)
    assert web.get("/officer").status_code == 403
    login = web.get("/login").text
    failed = web.post("/login", {"csrf": hidden(login, "csrf"), "user": OFFICER, "password": "wrong password!"})
    assert failed.status_code == 403 and "用户名或密码错误" in failed.text
    signed = web.post("/login", {"csrf": hidden(login, "csrf"), "user": OFFICER, "password": "correct horse battery"})
    assert signed.status_code == 303
    mine = web.get(f"/officer/d/{case}").text
    assert "13812345678" in mine and "朱小明" in mine  # an officer of the organ reads who gave it
    [opinion] = re.findall(r"/officer/o/(\d+)/mark", mine)
    no_token = web.post(f"/officer/o/{opinion}/mark", {"mark": "adopted"})
    assert no_token.status_code == 403
    bad = web.post(f"/officer/o/{opinion}/mark", {"csrf": hidden(mine, "csrf"), "mark": "not_adopted"})
    assert bad.status_code == 400 and "须说明理由" in bad.text
    done = web.post(
        f"/officer/o/{opinion}/mark", {"csrf": hidden(mine, "csrf"), "mark": "partly", "reason": "过渡期延长"}
    )
    assert done.status_code == 303
    assert opinions.listed(eng, case, None)["opinions"][0]["mark"] == "partly"
    stranger = Web(eng, OFFICER, app=web.app)  # the same server, another browser: no session
    assert stranger.post(f"/officer/o/{opinion}/mark", {"csrf": "x", "mark": "adopted"}).status_code == 403
    stranger.close()
    assert verify(eng, None).ok


def test_the_rate_limit_holds_per_address(eng: Engine, tmp_path: Path) -> None:
    case = open_case(eng, tmp_path)
    web = Web(eng, OFFICER, per_minute=3)
    try:
        codes = [give(web, case, f"意见 {n}").status_code for n in range(5)]
        assert codes == [303, 303, 303, 429, 429]
        assert "您的地址提交过于频繁" in give(web, case, "意见 6").text
        assert give(web, case, "另一个地址的意见", address="10.0.0.9").status_code == 303
        assert _count(eng, case) == 4
    finally:
        web.close()


def test_the_captcha_question_is_answered_from_the_page() -> None:
    assert answer("验证问题：3 + 4 = ?") == "7"
