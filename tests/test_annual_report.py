"""The annual rule-of-law report's figures (issue 15; Inspection Rules Art. 24), counted on a
database built with a known year of work in every procedure (tests/annual_year.py): each figure
equals the count known in advance, with exactly the ids behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.errors import Forbidden
from decision_flow.engine import Engine, organs, users
from decision_flow.engine.annual import report
from tests.annual_year import PETITIONER, build
from tests.flow import ADMIN, OFFICER
from tests.test_cli import BASE_ENV, Dflow, cli, runner


@pytest.fixture
def year(engine: Engine, files: Path) -> tuple[Engine, dict[str, Any]]:
    return engine, build(engine, files)


def figures(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in found["figures"]}


def parts(figure: dict[str, Any]) -> dict[str, tuple[int, list[Any]]]:
    return {p["key"]: (p["value"], p["ids"]) for p in figure["parts"]}


def test_annual_report_counts_each_procedure_of_the_year(year: tuple[Engine, dict[str, Any]]) -> None:
    engine, made = year
    found = report(engine, 2024, "shahe", OFFICER, "zh")
    f = figures(found)
    md = made
    # Major decisions: the archived one and the one under review; the case of 2023 left out.
    assert f["major-decision.cases"]["value"] == 2
    assert f["major-decision.cases"]["ids"] == sorted([md["md_archived"], md["md_open"]])
    assert parts(f["major-decision.cases"]) == {"archived": (1, [md["md_archived"]]), "open": (1, [md["md_open"]])}
    assert parts(f["major-decision.procedures"])["collective_decision"] == (1, [md["md_archived"]])
    assert parts(f["major-decision.procedures"])["risk_assessment"] == (2, sorted([md["md_archived"], md["md_open"]]))
    assert parts(f["major-decision.meeting"]) == {"approved": (1, [md["md_archived"]])}
    # 12 opinions received and 5 adopted on each (tests/flow.py): summed, with both cases behind them
    both = sorted([md["md_archived"], md["md_open"]])
    assert (f["major-decision.opinions"]["value"], f["major-decision.opinions"]["ids"]) == (24, both)
    assert parts(f["major-decision.opinions"]) == {"opinions_adopted": (10, both)}
    assert parts(f["major-decision.reviews"]) == {"lawful": (1, [md["md_archived"]])}
    # 2024-06-03 -> 06-14: the 8 working days after the 3rd (the Dragon Boat Festival, 06-10, is not one)
    assert f["major-decision.review_days"]["value"] == 8.0
    assert parts(f["major-decision.review_days_minimum"]) == {"at_least_minimum": (1, [md["md_archived"]])}
    assert parts(f["major-decision.published"]) == {"on_time": (1, [md["md_archived"]])}
    # Normative documents: one reviewed (lawful), one under review; filed and published on time.
    assert f["normative-document.cases"]["value"] == 2
    assert parts(f["normative-document.cases"]) == {
        "lawful": (1, [md["nd_filed"]]),
        "unrecorded": (1, [md["nd_submitted"]]),
    }
    assert f["normative-document.review_days"]["ids"] == [md["nd_filed"]]
    assert parts(f["normative-document.filed"]) == {"on_time": (1, [md["nd_filed"]])}
    # Enforcement: one decided with a penalty after legal review, published late; one filed.
    assert f["enforcement-decision.cases"]["value"] == 2
    assert parts(f["enforcement-decision.cases"]) == {
        "penalty": (1, [md["en_published"]]),
        "unrecorded": (1, [md["en_filed"]]),
    }
    assert parts(f["enforcement-decision.legal_review"]) == {"reviewed": (1, [md["en_published"]])}
    assert parts(f["enforcement-decision.review_opinions"]) == {"agree": (1, [md["en_published"]])}
    assert f["enforcement-decision.hearings"]["ids"] == [md["en_published"]]
    assert parts(f["enforcement-decision.publicised"]) == {"late": (1, [md["en_published"]])}
    assert parts(f["enforcement-decision.delivered"]) == {"on_time": (1, [md["en_published"]])}
    # Petitions: one accepted and answered in support, one only registered.
    assert f["petition.cases"]["value"] == 2
    assert parts(f["petition.cases"]) == {
        "accepted": (1, [md["pt_answered"]]),
        "unrecorded": (1, [md["pt_registered"]]),
    }
    assert parts(f["petition.opinions"]) == {"support": (1, [md["pt_answered"]])}
    assert parts(f["petition.in_time"]) == {"on_time": (1, [md["pt_answered"]])}
    # Mediation: one agreement of two concluded: 50 %.
    assert f["mediation.cases"]["value"] == 2
    assert parts(f["mediation.cases"]) == {"agreement": (1, [md["md_agreed"]]), "failed": (1, [md["md_failed"]])}
    assert f["mediation.success_rate"]["value"] == 50.0
    assert f["mediation.success_rate"]["ids"] == [md["md_agreed"]]
    assert parts(f["mediation.performed"]) == {"performed": (1, [md["md_agreed"]])}
    # The late publicity is the year's one shortcoming; the refused skip is counted by article.
    assert f["shortcomings.late"]["ids"] == [md["en_published"]]
    assert f["oversight.refused"]["value"] == 1
    refused = f["oversight.refused"]["parts"]
    assert [p["title"] for p in refused] == [
        {"zh": "第25–28条（重大行政决策）", "en": "Arts. 25–28 (Major administrative decisions)"}
    ]
    # The appendix lists exactly the year's cases.
    expected = sorted(
        v for k, v in md.items() if isinstance(v, int) and k != "md_2023" and k != "item" and k != "study_2023"
    )
    assert [c["id"] for c in found["cases"]] == expected


def test_annual_report_counts_the_register_and_the_catalogue(year: tuple[Engine, dict[str, Any]]) -> None:
    engine, made = year
    f = figures(report(engine, 2024, "shahe", OFFICER, "zh"))
    assert (f["study.sessions"]["value"], f["study.sessions"]["ids"]) == (2, made["study"])  # withdrawn, 2023 left out
    assert f["study.attendance"]["value"] == 75
    assert (f["study.publicity"]["value"], f["study.materials"]["value"], f["study.reached"]["value"]) == (1, 600, 300)
    assert (f["services.consultations"]["value"], f["services.consultations"]["ids"]) == (41, made["consultations"])
    assert f["services.advisers"]["value"] == 2  # 东村 and 西村: a village is counted once
    assert f["services.advisers"]["ids"] == made["advisers"]
    assert (f["decisions.catalogue"]["value"], parts(f["decisions.catalogue"])) == (1, {"waiting": (1, [made["item"]])})


def test_annual_report_leaves_a_placeholder_where_nothing_is_recorded(engine: Engine) -> None:
    f = figures(report(engine, 2024, None, None, "zh"))
    for key in ("major-decision.cases", "petition.cases", "mediation.cases", "study.sessions", "decisions.catalogue"):
        assert (f[key]["value"], f[key]["why"], f[key]["ids"]) == (None, "nothing_recorded", [])
    assert "mediation.success_rate" not in f  # nothing to divide: no sentence about it at all


def test_annual_report_by_month_and_review_times(year: tuple[Engine, dict[str, Any]]) -> None:
    engine, made = year
    found = report(engine, 2024, "shahe", OFFICER, "zh")
    months = {s["key"]: s["values"] for s in found["charts"][0]["series"]}
    assert months["major-decision"][2] == 2  # both started in March 2024
    assert months["enforcement-decision"][8] == 2  # filed 2024-09-02
    assert sum(sum(v) for v in months.values()) == len(found["cases"])
    reviews = {(r["procedure"], r["id"]): (r["days"], r["minimum"]) for r in found["charts"][1]["items"]}
    assert reviews[("major-decision", made["md_archived"])] == (8, 7)
    assert reviews[("normative-document", made["nd_filed"])][1] == 5


def test_annual_report_masks_what_the_reader_may_not_see(year: tuple[Engine, dict[str, Any]]) -> None:
    engine, made = year
    inside = {c["id"]: c["title"] for c in report(engine, 2024, "shahe", OFFICER, "zh")["cases"]}
    outside = report(engine, 2024, "shahe", None, "zh")
    assert PETITIONER in inside[made["pt_answered"]]
    masked = {c["id"]: c["title"] for c in outside["cases"]}
    assert PETITIONER not in masked[made["pt_answered"]] and "王**" in masked[made["pt_answered"]]
    assert outside["masked"] is True
    # an officer of another township holds no role in 沙河乡: refused, as every read of an organ is
    organs.add(engine, "beihe", "北河乡人民政府", "township", organs.ROOT, ADMIN)
    users.add(engine, "zhou", ["officer"], ADMIN, organ="beihe")
    with pytest.raises(Forbidden):
        report(engine, 2024, "shahe", "zhou", "zh")
    # and their own organ's report counts nothing of 沙河乡's
    assert report(engine, 2024, None, "zhou", "zh")["cases"] == []


# ---------------------------------------------------------------------------- the command


def test_dflow_report_annual_json_gives_every_figure_with_its_ids(tmp_path: Path) -> None:
    kept = tmp_path / "demo"
    assert runner.invoke(cli.app, ["demo", "--keep", str(kept)], env=BASE_ENV).exit_code == 0
    reader = Dflow(kept / "demo.db", tmp_path)
    env = {"DFLOW_KEYS": str(kept / "keys")}
    found = reader.json("report", "annual", "--year", "2025", "--organ", "demo", "--as", "zhang_wei", env=env)
    f = figures(found)
    assert (f["mediation.success_rate"]["value"], f["mediation.success_rate"]["ids"]) == (100.0, [4])
    assert (f["study.attendance"]["value"], f["services.consultations"]["value"]) == (60, 181)
    assert found["organ_name"] == "示范乡人民政府" and found["masked"] is False
    # every id a figure names is in the appendix's lists
    listed = {"cases": {c["id"] for c in found["cases"]}, "activities": {a["id"] for a in found["activities"]}}
    listed["items"] = {i["id"] for i in found["items"]}
    for figure in found["figures"]:
        if figure["of"] != "events":
            assert set(figure["ids"]) <= listed[figure["of"]], figure["key"]
    # read as no one, the petitioner's name is masked where a title holds it; the figures are the same
    anyone = reader.json("report", "annual", "--year", "2025", "--organ", "demo")
    assert [g["value"] for g in anyone["figures"]] == [g["value"] for g in found["figures"]]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--year", "2025"], 2, "say where to write the report (-o FILE.docx or -o FILE.pdf), or print its figures"),
        (["--year", "25", "--json"], 2, "--year 25 is not a year from 2000 to 2100"),
        (["--year", "2025", "--organ", "nowhere", "--json"], 4, "nowhere"),
    ],
)
def test_dflow_report_annual_bad_input_is_one_line(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    dflow = Dflow.initialised(tmp_path)
    result = dflow("report", "annual", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_dflow_report_annual_writes_docx_and_pdf_from_the_data(tmp_path: Path) -> None:
    """The kept demonstration's year, written as DOCX (opened with python-docx) and PDF (opened with
    pypdf): each figure counted is said, each placeholder marked, the appendix lists the cases."""
    import docx
    import pypdf

    kept = tmp_path / "demo"
    assert runner.invoke(cli.app, ["demo", "--keep", str(kept)], env=BASE_ENV).exit_code == 0
    reader = Dflow(kept / "demo.db", tmp_path)
    env = {"DFLOW_KEYS": str(kept / "keys"), "DFLOW_LANG": "zh"}
    found = reader.json("report", "annual", "--year", "2025", "--as", "zhang_wei", env=env)
    for suffix in ("docx", "pdf"):
        out = tmp_path / f"2025年度报告.{suffix}"
        said = reader.ok("report", "annual", "--year", "2025", "-o", out, "--as", "zhang_wei", env=env).stdout
        assert said == f"年度报告已写入 {out}：33 项数据由系统统计；5 处留待填写（标有【待填写】）\n"
        if suffix == "docx":
            text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
            text += "\n".join(c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells)
        else:
            text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
        flat = "".join(text.split())
        assert "示范乡人民政府2025年度法治政府建设工作报告" in flat
        assert "调解成功率100%" in flat and "解答群众法律咨询181人次" in flat and "发放法治宣传资料700份" in flat
        assert flat.count("【待填写") == 5
        for case in found["cases"]:
            assert "".join(case["title"].split()) in flat
    assert (tmp_path / "2025年度报告.docx").read_bytes()[:2] == b"PK"
