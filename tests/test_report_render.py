"""The annual report's rendering (issue 15): a report dict in the shape of docs/annual-report.md,
written as DOCX (read back with python-docx) and PDF (read back with pypdf), in Chinese and in
English; every figure, heading, placeholder and appendix id is found in what was written, the
charts are pictures in both, and a failed write leaves nothing behind.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from decision_flow.core.errors import InvalidInput
from decision_flow.presentation.annual import write
from decision_flow.presentation.annual.outline import Placeholder, outline


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _figure(key: str, section: str, title: dict[str, str], value: Any, unit: str, of: str, ids: list[int], **more: Any):
    return {
        "key": key,
        "section": section,
        "title": title,
        "value": value,
        "unit": unit,
        "of": of,
        "ids": ids,
        "parts": more.get("parts", []),
        "why": more.get("why"),
    }


def _part(key: str, title: dict[str, str], value: int, ids: list[int]) -> dict[str, Any]:
    return {"key": key, "title": title, "value": value, "ids": ids}


def _case(id: int, title: str, procedure: str, opened_on: str, status: str = "closed") -> dict[str, Any]:
    stage = "archiving" if status == "closed" else "drafting"
    return {"id": id, "title": title, "procedure": procedure, "workflow": procedure, "organ": "shahe",
            "opened_on": opened_on, "stage": stage, "status": status}  # fmt: skip


def _activity(id: int, kind: str, held_on: str, title: str, count: int, materials: int | None = None) -> dict[str, Any]:
    return {"id": id, "kind": kind, "held_on": held_on, "title": title, "count": count, "materials": materials}


REPORT: dict[str, Any] = {
    "year": 2025,
    "organ": "shahe",
    "organ_name": "沙河乡人民政府",
    "organs": ["shahe"],
    "generated_on": "2026-02-10",
    "masked": False,
    "figures": [
        _figure(
            "major-decision.cases",
            "decisions",
            _t("重大行政决策", "Major administrative decisions"),
            3,
            "cases",
            "cases",
            [1, 2, 3],
            parts=[
                _part("archived", _t("已归档", "archived"), 2, [1, 2]),
                _part("open", _t("在办", "in progress"), 1, [3]),
            ],
        ),
        _figure(
            "review.cases",
            "reviews",
            _t("合法性审核", "Legality reviews"),
            4,
            "cases",
            "cases",
            [1, 2, 3, 5],
            parts=[
                _part("decisions", _t("重大行政决策", "major decisions"), 3, [1, 2, 3]),
                _part("documents", _t("规范性文件", "normative documents"), 1, [5]),
            ],
        ),
        _figure("review.days", "reviews", _t("平均审核用时", "Average review time"), 7.5, "days", "cases", [1, 5]),
        _figure(
            "enforcement.cases",
            "enforcement",
            _t("重大执法决定法制审核", "Legal reviews of major enforcement decisions"),
            None,
            "cases",
            "cases",
            [],
            why="nothing_recorded",
        ),
        _figure("mediation.cases", "disputes", _t("调解矛盾纠纷", "Disputes mediated"), 2, "cases", "cases", [7, 8]),
        _figure(
            "mediation.success",
            "disputes",
            _t("调解成功率", "Mediation success rate"),
            66.7,
            "percent",
            "cases",
            [7, 8, 9],
        ),
        _figure(
            "petition.resolved",
            "disputes",
            _t("信访事项按期办结率", "Petitions concluded in time"),
            None,
            "percent",
            "cases",
            [],
            why="nothing_concluded",
        ),
        _figure("study.sessions", "study", _t("集中学法", "Study sessions"), 2, "activities", "activities", [11, 12]),
        _figure(
            "activity.study_people",
            "study",
            _t("参加学法", "Attendance at study sessions"),
            75,
            "people",
            "activities",
            [11, 12],
        ),
        _figure(
            "activity.publicity_copies",
            "study",
            _t("发放普法宣传资料", "Publicity material handed out"),
            1200,
            "copies",
            "activities",
            [13],
        ),
        _figure(
            "activity.consultations",
            "services",
            _t("解答法律咨询", "Legal consultations answered"),
            270,
            "people",
            "activities",
            [14],
        ),
        _figure(
            "activity.advisers",
            "services",
            _t("聘请法律顾问的村", "Villages with a legal adviser"),
            1,
            "villages",
            "activities",
            [15],
        ),
        _figure(
            "refused.rules",
            "oversight",
            _t("被拒绝的违规操作", "Attempts refused"),
            3,
            "events",
            "events",
            [301, 302, 303],
            parts=[
                _part("min_days", _t("未满法定期限", "before the legal period"), 2, [301, 302]),
                _part("gate", _t("缺少必经程序", "a required step missing"), 1, [303]),
            ],
        ),
        _figure(
            "catalogue.items",
            "oversight",
            _t("决策事项目录事项", "Decision catalogue items"),
            2,
            "items",
            "items",
            [21, 22],
            parts=[_part("done", _t("已完成", "done"), 1, [21]), _part("pending", _t("未完成", "pending"), 1, [22])],
        ),
        _figure(
            "publication.late",
            "shortcomings",
            _t("逾期公开的决策", "Decisions published late"),
            1,
            "cases",
            "cases",
            [2],
        ),
    ],
    "cases": [
        _case(1, "沙河乡农贸市场搬迁", "major-decision", "2025-02-03"),
        _case(2, "沙河乡垃圾分类实施方案", "major-decision", "2025-05-12"),
        _case(3, "乡村道路养护办法", "major-decision", "2025-05-20", "open"),
        _case(5, "沙河乡河道管理规定", "normative-document", "2025-03-08"),
        _case(7, "张某与李某宅基地纠纷", "mediation", "2025-06-01"),
        _case(8, "王某与村委会土地承包纠纷", "mediation", "2025-09-14"),
        _case(9, "赵某相邻关系纠纷", "mediation", "2025-11-02"),
    ],
    "activities": [
        _activity(11, "study_session", "2025-03-10", "学习宪法", 40),
        _activity(12, "study_session", "2025-09-05", "学习行政处罚法", 35),
        _activity(13, "publicity_event", "2025-12-04", "国家宪法日宣传", 300, materials=1200),
        _activity(14, "legal_consultation", "2025-07-15", "赶集日法律咨询", 270),
        _activity(15, "adviser_appointment", "2025-01-20", "聘请东村法律顾问", 1),
    ],
    "items": [
        {"id": 21, "title": "农贸市场搬迁", "year": 2025, "state": "done", "case": 1},
        {"id": 22, "title": "乡村道路养护", "year": 2025, "state": "pending", "case": 3},
    ],
    "charts": [
        {
            "key": "cases_by_month",
            "title": _t("各月受理、立项案件数", "Cases opened by month"),
            "series": [
                {
                    "key": "major-decision",
                    "title": _t("重大行政决策", "Major decisions"),
                    "values": [0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
                },
                {
                    "key": "normative-document",
                    "title": _t("规范性文件", "Normative documents"),
                    "values": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                },
                {
                    "key": "mediation",
                    "title": _t("人民调解", "Mediation"),
                    "values": [0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0],
                },
            ],
        },
        {
            "key": "review_days",
            "title": _t("合法性审核用时与法定最短时间", "Legality review times against the legal minimum"),
            "items": [
                {"id": 1, "procedure": "major-decision", "days": 9, "minimum": 7},
                {"id": 2, "procedure": "major-decision", "days": 5, "minimum": 7},
                {"id": 5, "procedure": "normative-document", "days": 6, "minimum": 5},
            ],
        },
    ],
}

HEADINGS_ZH = [
    "沙河乡人民政府2025年度法治政府建设工作报告",
    "一、主要举措和成效",
    "（一）重大行政决策",
    "（二）合法性审核",
    "（三）行政执法",
    "（四）矛盾纠纷化解",
    "（五）学法用法普法",
    "（六）公共法律服务",
    "（七）程序监督",
    "二、存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、2026年度工作安排",
    "五、其他需要报告的事项",
    "附录：数据来源",
]
SENTENCES_ZH = [
    "重大行政决策 3 件，其中已归档 2 件、在办 1 件。",
    "合法性审核 4 件，其中重大行政决策 3 件、规范性文件 1 件。",
    "平均审核用时 7.5 个工作日。",
    "调解成功率 66.7%。",
    "发放普法宣传资料 1200 份。",
    "解答法律咨询 270 人次。",
    "被拒绝的违规操作 3 次，其中未满法定期限 2 次、缺少必经程序 1 次。",
    "逾期公开的决策 1 件。",
]
PLACEHOLDERS_ZH = [
    "【待填写：重大执法决定法制审核——本系统未登记相关记录，请核实后填写】",
    "【待填写：信访事项按期办结率——尚无可计算的已办结案件】",
]
APPENDIX_IDS = ["301", "302", "303", "11", "12", "13", "14", "15", "21", "22", "1", "2", "3", "5", "7", "8", "9"]
# Data the officer typed (titles) may be in either language; the rest is the report's own words.
DATA = [str(r["title"]) for key in ("cases", "activities", "items") for r in REPORT[key]] + [REPORT["organ_name"]]


def _words(text: str) -> str:
    """`text` with the officer's data taken out, and spaces squeezed (a PDF line may break anywhere)."""
    for title in sorted(DATA, key=len, reverse=True):
        text = text.replace(title, " ")
    return text


def english_words(text: str) -> list[str]:
    """ASCII words in Chinese output: anything but numbers, ids, dates and the organ's code."""
    found = re.findall(r"[A-Za-z][A-Za-z'-]*", _words(text))
    return [w for w in found if w not in {"shahe"}]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_text(path: Path) -> tuple[str, Any]:
    import docx

    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts), doc


def pdf_text(path: Path) -> tuple[str, PdfReader]:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_the_outline_follows_art_24_and_leaves_placeholders_where_values_are_null() -> None:
    blocks = outline(REPORT, "zh")
    texts = [getattr(b, "text", "") for b in blocks]
    positions = [texts.index(h) for h in HEADINGS_ZH]
    assert positions == sorted(positions)
    placeholders = [b.text for b in blocks if isinstance(b, Placeholder)]
    assert [p for p in placeholders if p in PLACEHOLDERS_ZH] == PLACEHOLDERS_ZH
    # the causes, the leaders' duty, next year's plans and other matters are the officer's to write
    assert len(placeholders) == 2 + 4
    assert "本系统登记：集中学法 2 次。" in texts  # section 三 repeats the study sessions as a fact


def test_the_organ_code_stands_in_for_a_missing_name_a_new_section_is_not_lost_masking_is_said() -> None:
    report = copy.deepcopy(REPORT)
    del report["organ_name"]
    report["masked"] = True
    report["figures"].append(
        {"key": "x.y", "section": "hearings", "title": _t("听证会", "Hearings"), "value": 2, "unit": "events",
         "of": "events", "ids": [401, 402], "parts": [], "why": None}
    )  # fmt: skip
    texts = [getattr(b, "text", "") for b in outline(report, "zh")]
    assert texts[0] == "shahe2025年度法治政府建设工作报告"
    assert texts.index("听证会 2 次。") < texts.index("二、存在的不足和原因")
    assert "事件编号：401、402" in texts
    assert "个人信息和保密内容已按阅读人的权限遮盖。" in texts


def test_docx_holds_every_heading_figure_placeholder_and_source(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    size = write(REPORT, out, "zh")
    assert size == out.stat().st_size > 0
    text, doc = docx_text(out)
    for needle in HEADINGS_ZH + SENTENCES_ZH + PLACEHOLDERS_ZH:
        assert needle in text, needle
    assert "事件编号：301、302、303" in text
    table_ids = {row.cells[0].text for table in doc.tables for row in table.rows[1:]}
    assert table_ids == set(APPENDIX_IDS) - {"301", "302", "303"}
    assert "国家宪法日宣传" in text and "普法宣传活动 · 国家宪法日宣传" in text
    assert "2025年5月12日" in text  # a case's opened_on, as a Chinese reader writes a date
    assert len(doc.inline_shapes) == 2
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert len(highlighted) == 6 and all(h.startswith("【待填写：") for h in highlighted)
    assert doc.core_properties.author == "decision-flow"
    assert doc.core_properties.title == HEADINGS_ZH[0]
    assert english_words(text) == []
    assert (
        doc.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "宋体"
    )
    again = tmp_path / "again.docx"
    write(REPORT, again, "zh")
    assert again.read_bytes() == out.read_bytes()  # the same report, the same file


def test_pdf_holds_the_same_figures_pictures_and_embedded_fonts(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    size = write(REPORT, out, "zh")
    assert size == out.stat().st_size
    text, reader = pdf_text(out)
    flat = squeeze(text)
    for needle in HEADINGS_ZH + SENTENCES_ZH + PLACEHOLDERS_ZH:
        assert squeeze(needle) in flat, needle
    for n, page in enumerate(reader.pages, 1):
        assert f"第{n}页共{len(reader.pages)}页" in squeeze(page.extract_text())
    assert "事件编号：301、302、303" in flat
    for case in REPORT["cases"]:
        assert squeeze(f"{case['id']}{case['title']}") in flat
    images = [
        obj
        for page in reader.pages
        for obj in (page["/Resources"].get("/XObject") or {}).values()
        if obj.get_object()["/Subtype"] == "/Image"
    ]
    assert len({id(i.get_object()) for i in images}) == 2
    for image in {i.idnum: i.get_object() for i in images}.values():
        assert image["/ColorSpace"] == "/DeviceRGB" and image["/BitsPerComponent"] == 8
        assert image["/Filter"] == "/FlateDecode" and image["/Width"] == 960
    fonts = page["/Resources"]["/Font"].values()
    assert all("/FontFile2" in f.get_object()["/DescendantFonts"][0]["/FontDescriptor"] for f in fonts)
    assert english_words(text.replace("decision-flow", "")) == []


def test_english_report(tmp_path: Path) -> None:
    for suffix in ("docx", "pdf"):
        out = tmp_path / f"report.{suffix}"
        write(REPORT, out, "en")
        text = docx_text(out)[0] if suffix == "docx" else pdf_text(out)[0]
        flat = squeeze(text)
        for needle in (
            "Annual report on building a law-based government, 2025",
            "1. Main measures and results",
            "(7) Oversight of procedure",
            "Major administrative decisions: 3 cases (archived 2, in progress 1).",
            "Mediation success rate: 66.7%.",
            "Villages with a legal adviser: 1 village.",
            "[To fill in: Petitions concluded in time — no concluded case yet to compute it from]",
            "4. Plans for 2026",
            "Appendix: sources of the figures",
        ):
            assert squeeze(needle) in flat, (suffix, needle)
        assert re.findall(r"[\u3000-\u9fff\uff00-\uffef]", _words(text)) == [], suffix


def test_a_chart_with_nothing_to_draw_is_a_sentence(tmp_path: Path) -> None:
    report = copy.deepcopy(REPORT)
    report["charts"][1]["items"] = []
    out = tmp_path / "report.docx"
    write(report, out, "zh")
    text, doc = docx_text(out)
    assert len(doc.inline_shapes) == 1
    assert "合法性审核用时与法定最短时间：2025年度没有可绘制的数据。" in text


def test_another_suffix_is_refused_naming_the_two(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        write(REPORT, tmp_path / "report.odt", "zh")
    assert caught.value.msg.key == "report.unknown_format"  # type: ignore[union-attr]
    assert ".docx / .pdf" in str(caught.value.msg.params["known"])  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_an_unwritable_target_is_refused_in_one_line(tmp_path: Path, suffix: str) -> None:
    """A folder that is a file (root may write anywhere else), and a read-only folder."""
    (tmp_path / "file").write_text("")
    with pytest.raises(InvalidInput) as caught:
        write(REPORT, tmp_path / "file" / f"report.{suffix}", "zh")
    assert caught.value.msg.key == "file.cannot_write"  # type: ignore[union-attr]
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
    if os.geteuid() == 0:
        return
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(InvalidInput):
            write(REPORT, folder / f"report.{suffix}", "zh")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_a_failure_while_writing_leaves_no_file_and_no_temporary(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from decision_flow.presentation.annual import charts

    def broken(*_args: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(charts, "draw", broken)
    with pytest.raises(RuntimeError):
        write(REPORT, tmp_path / f"report.{suffix}", "zh")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_as_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").mkdir()
    with pytest.raises(InvalidInput) as caught:
        write(REPORT, tmp_path / "x.pdf", "zh")
    assert caught.value.msg.key == "file.is_directory"  # type: ignore[union-attr]


def test_the_pdf_file_draws_an_rgb_picture_as_an_image_xobject(tmp_path: Path) -> None:
    """pdf_file's image support on its own: the pixels come back as written, scaled by `cm`."""
    from decision_flow.presentation.exports.pdf_file import PdfFile

    rgb = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])  # 2 × 2: red, green / blue, white
    path = tmp_path / "picture.pdf"
    with path.open("wb") as f:
        pdf = PdfFile(f, (200, 100), [])
        canvas = pdf.new_page()
        name = pdf.image(2, 2, rgb)
        canvas.image(name, 10, 20, 80, 40)
        pdf.end_page(canvas)
        with pytest.raises(ValueError):
            pdf.image(3, 2, rgb)
        pdf.close(lambda *_: None, "picture", datetime(2026, 1, 1, tzinfo=UTC))
    page = PdfReader(path).pages[0]
    assert b"q 80.00 0 0 40.00 10.00 20.00 cm /Im1 Do Q" in page.get_contents().get_data()  # type: ignore[union-attr]
    image = page["/Resources"]["/XObject"]["/Im1"].get_object()
    assert (image["/Width"], image["/Height"], image["/ColorSpace"]) == (2, 2, "/DeviceRGB")
    assert image.get_data() == rgb


def test_loading_the_writers_loads_neither_matplotlib_nor_python_docx() -> None:
    """`dflow --help` and every command but the report's stay as quick to start as before."""
    code = (
        "import sys, cli, decision_flow.presentation.annual.pdf_writer, decision_flow.presentation.annual.docx_writer;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'docx'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
