"""The consultation pages in a real headless browser (issue 16): Debian's Chromium driven by
Playwright, against the server running in-process on a free port over a real SQLite file, walked
as its users walk it — the public gives an opinion; the officer signs in and marks it; the period
closes (the engine's clock moved); the feedback table is published; the officer makes the
opinion-handling document, which the decision's record then shows with the counts.

Each page is photographed (into $DFLOW_SCREENSHOTS when set, else the test's directory) and the
pictures were looked at (docs/consultation.md says what they show). Skipped, saying why, without
/usr/bin/chromium or Playwright."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from decision_flow.engine import Engine, opinions, passwords, queries
from decision_flow.engine.verification import verify
from decision_flow.presentation.web.app import Settings, build
from tests.consultation import AFTER, Day, engine_on, open_case
from tests.flow import ADMIN, OFFICER

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
)
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
TEXT = "建议保留早市摊位，搬迁后在新市场东门设置公交站点。"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(db: Any, tmp_path: Path) -> Iterator[tuple[Engine, Day, str, int]]:
    """The server on a free port over a real SQLite file, with a case whose page is open and its
    draft made public; yields the engine, its day, the base URL and the case."""
    import uvicorn

    day = Day()
    engine = engine_on(db, day)
    case = open_case(engine, tmp_path)
    draft = next(st for st in queries.show(engine, case, OFFICER)["steps"] if st["step"] == "drafting")
    opinions.publish_file(engine, case, draft["evidence"][0]["sha256"], OFFICER)
    passwords.set_password(engine, OFFICER, "correct horse battery", ADMIN)
    port = _free_port()
    config = uvicorn.Config(build(engine, Settings(OFFICER)), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", ws="none")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield engine, day, f"http://127.0.0.1:{port}", case
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("DFLOW_SCREENSHOTS") or tmp_path / "shots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def test_submit_mark_close_feedback_and_the_handling_document(
    served: tuple[Engine, Day, str, int], shots: Path
) -> None:
    engine, day, base, case = served
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 900}, java_script_enabled=False)
            page = context.new_page()

            # the public: the list of drafts, the draft's page, an opinion given
            page.goto(f"{base}/")
            page.screenshot(path=shots / "01-index.png", full_page=True)
            page.get_by_role("link", name="沙河乡农贸市场搬迁").click()
            assert page.get_by_role("heading", level=1).inner_text() == "沙河乡农贸市场搬迁"
            assert "距截止还有 22 天。" in page.content()
            assert page.get_by_role("link", name="draft.txt").count() == 1
            page.get_by_label("意见内容（必填，不超过2000字）").fill(TEXT)
            page.get_by_label("姓名（选填）").fill("朱小明")
            page.get_by_label("联系电话（选填，不公开）").fill("13812345678")
            question = page.locator("label[for=answer]").inner_text()
            a, b = (int(x) for x in re.findall(r"(\d+) \+ (\d+)", question)[0])
            page.get_by_label(question).fill(str(a + b))
            page.screenshot(path=shots / "02-form-filled.png", full_page=True)
            page.get_by_role("button", name="提交").click()
            assert page.get_by_role("status").inner_text() == "感谢您的意见，受理编号为 1。"
            page.screenshot(path=shots / "03-sent.png", full_page=True)
            page.goto(f"{base}/d/{case}?lang=en")
            assert page.get_by_label("Opinion (required, at most 2000 characters)").count() == 1
            page.screenshot(path=shots / "04-english.png", full_page=True)

            # the officer: signs in, marks the opinion partly adopted
            officer = context.new_page()
            officer.goto(f"{base}/login")
            officer.get_by_label("用户名").fill(OFFICER)
            officer.get_by_label("密码").fill("correct horse battery")
            officer.get_by_role("button", name="登录").click()
            officer.screenshot(path=shots / "05-officer.png", full_page=True)
            officer.get_by_role("link", name="沙河乡农贸市场搬迁").click()
            assert "13812345678" in officer.content()  # the officer of the organ sees who gave it
            officer.get_by_label("部分采纳").check()
            officer.get_by_label("理由").fill("公交站点纳入新市场配套，早市摊位按规划调整。")
            officer.get_by_role("button", name="保存").click()
            assert officer.get_by_role("status").inner_text() == "已保存。"
            officer.screenshot(path=shots / "06-marked.png", full_page=True)

            # the period closes
            day.day = AFTER
            page.goto(f"{base}/d/{case}")
            assert "征求意见期间已结束，不再接收意见。" in page.content() and page.locator("textarea").count() == 0
            page.screenshot(path=shots / "07-closed.png", full_page=True)
            page.get_by_role("link", name="意见反馈情况").click()
            rows = page.locator("tbody tr")
            assert rows.count() == 1
            cells = [c.strip() for c in rows.first.locator("td").all_inner_texts()]
            assert cells == ["1", "朱**", TEXT, "部分采纳", "公交站点纳入新市场配套，早市摊位按规划调整。"]
            assert "13812345678" not in page.content() and "朱小明" not in page.content()
            page.screenshot(path=shots / "08-feedback.png", full_page=True)

            # the officer makes the handling document; the record shows it and the counts
            officer.reload()
            officer.get_by_role("button", name="生成并附上意见采纳情况").click()
            record = officer.locator("dl").inner_text()
            assert "收到意见数\n1" in record and "采纳意见数\n1" in record
            handed = officer.locator("li", has_text="公众意见采纳情况及理由.pdf").inner_text()
            assert handed.startswith("意见采纳情况及理由 公众意见采纳情况及理由.pdf ")
            officer.screenshot(path=shots / "09-handling.png", full_page=True)

            # readable at 200% zoom: half the width, no sideways scrolling
            narrow = browser.new_context(viewport={"width": 512, "height": 900}, java_script_enabled=False)
            small = narrow.new_page()
            small.goto(f"{base}/d/{case}/feedback")
            assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            small.screenshot(path=shots / "10-feedback-200pc.png", full_page=True)
        finally:
            browser.close()
    step = next(st for st in queries.show(engine, case, OFFICER)["steps"] if st["step"] == "public_participation")
    assert step["fields"]["opinions_received"] == 1 and step["fields"]["opinions_adopted"] == 1
    assert [e["kind"] for e in step["evidence"]] == ["opinion_handling"]
    assert verify(engine, None).ok
