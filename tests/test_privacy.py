"""Personal information (个人信息保护法) and whistle-blowing material (信访工作条例 Art. 46) as each
reader sees them, through the terminal: a petitioner's name, ID number, phone number and address
masked in `show`, the trail and the exports for a reader without a role on the case; the person
accused and the whistle-blowing material withheld from them and from the accused's own user;
the verifiable JSON trail refused to such a reader; the workflow file's markings checked."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import Result

from tests.flow import ADMIN, AUDITOR, EXECUTIVE, OFFICER
from tests.mediation_flow import new_case as new_mediation
from tests.mediation_flow import record as record_mediation
from tests.test_cli import Dflow
from tests.test_petition import args, township

OUTSIDER = "niu"  # an officer of another township: no role on the case
NAME, PHONE, ID_NUMBER, ADDRESS = "王某某", "13812345678", "110101199001011234", "沙河乡东村三组12号"
ACCUSED, MATERIAL = "刘某村支书", "检举信.pdf"
PERSONAL = {"petitioner": NAME, "phone_number": PHONE, "id_number": ID_NUMBER, "address": ADDRESS}
CONFIDENTIAL = {"contains_whistleblowing": "true", "accused": ACCUSED, "accused_users": EXECUTIVE}
SECRETS = (NAME, PHONE, ID_NUMBER, ADDRESS, ACCUSED)


@pytest.fixture
def pt(tmp_path: Path) -> Dflow:
    return township(tmp_path)


@pytest.fixture
def case(pt: Dflow) -> int:
    """A petition by 王某某 (named again in the title and the facts) with whistle-blowing material
    against 刘某村支书, whose user is the executive; an officer of another township exists."""
    pt.ok(
        "organ", "add", "liulin", "--name", "柳林乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    pt.ok("user", "add", OUTSIDER, "--role", "officer", "--organ", "liulin", "--as", ADMIN)
    found = pt.json("new", f"{NAME}反映土地补偿款问题", "--workflow", "petition", "--organ", "shahe", "--as", OFFICER)
    material = pt.files / MATERIAL
    material.write_bytes(b"%PDF-1.4 whistle-blowing letter\n")
    record = args(pt, found["id"], "registration", {**PERSONAL, **CONFIDENTIAL, "facts": f"{NAME}称补偿款未足额发放"})
    pt.ok(*record[:-2], "--attach", f"whistleblowing_material={material}", "--as", OFFICER)
    return int(found["id"])


def refused(result: Result, code: int) -> str:
    """An error: the exit code, nothing on stdout, no traceback; its message."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.output
    return str(result.stderr)


def registration(view: dict) -> dict:
    (step,) = [s for s in view["steps"] if s["step"] == "registration"]
    return step


def test_petition_personal_data_shown_to_a_reader_with_a_role_on_the_case(pt: Dflow, case: int) -> None:
    for reader in (OFFICER, ADMIN, AUDITOR):  # the case's organ's officer; admin and auditor reach every organ
        view = pt.json("show", case, "--as", reader)
        step = registration(view)
        assert view["masked"] is False and view["title"] == f"{NAME}反映土地补偿款问题"
        assert {k: step["fields"][k] for k in PERSONAL} == PERSONAL
        assert step["fields"]["accused"] == ACCUSED
        assert [e["name"] for e in step["evidence"] if e["kind"] == "whistleblowing_material"] == [MATERIAL]


def test_petition_personal_data_masked_for_a_reader_without_a_role(pt: Dflow, case: int) -> None:
    for reader in (["--as", OUTSIDER], []):  # another township's officer; a read made as no one
        view = pt.json("show", case, *reader)
        step = registration(view)
        assert view["masked"] is True
        assert {k: step["fields"][k] for k in PERSONAL} == {
            "petitioner": "王**",
            "phone_number": "138****5678",
            "id_number": "1****************4",
            "address": "沙河乡***",
        }
        assert view["title"] == "王**反映土地补偿款问题" and step["fields"]["facts"] == "王**称补偿款未足额发放"
        assert step["fields"]["accused"] == step["fields"]["accused_users"] == "(confidential)"
        (material,) = [e for e in step["evidence"] if e["kind"] == "whistleblowing_material"]
        assert material["name"] == material["sha256"] == "(confidential)"
        assert not any(secret in json.dumps(view, ensure_ascii=False) for secret in SECRETS)
    human = pt.ok("show", case, "--as", OUTSIDER, env={"DFLOW_LANG": "zh"}).stdout
    assert "王**" in human and "（保密）" in human and NAME not in human and ACCUSED not in human
    assert "个人信息已遮蔽，保密材料不予显示：以在 shahe 有角色的用户身份（--as）查看" in " ".join(human.split())


def test_petition_whistleblowing_withheld_from_the_accused_user(pt: Dflow, case: int) -> None:
    view = pt.json("show", case, "--as", EXECUTIVE)  # holds a role on the case, but is the one accused
    step = registration(view)
    assert view["masked"] is True
    assert {k: step["fields"][k] for k in PERSONAL} == PERSONAL  # personal data: a role on the case suffices
    assert step["fields"]["accused"] == step["fields"]["accused_users"] == "(confidential)"
    assert [e["name"] for e in step["evidence"] if e["kind"] == "whistleblowing_material"] == ["(confidential)"]
    trail = json.dumps(pt.json("audit", case, "--as", EXECUTIVE), ensure_ascii=False)
    assert ACCUSED not in trail and MATERIAL not in trail and NAME in trail


def test_petition_personal_data_masked_in_the_trail_refusals_included(pt: Dflow, case: int) -> None:
    # a refused attempt keeps what was typed: another phone number and six representatives (five at most)
    six = "甲甲甲,乙乙乙,丙丙丙,丁丁丁,戊戊戊,己己己"
    typed = ["record", case, "registration", "--set", "phone_number=13900001111", "--set", f"representatives={six}"]
    refused(pt(*typed, "--as", OFFICER), 3)
    inside = json.dumps(pt.json("audit", case, "--as", OFFICER), ensure_ascii=False)
    assert "13900001111" in inside and "己己己" in inside and PHONE in inside and NAME in inside
    outside = pt.json("audit", case, "--as", OUTSIDER)
    text = json.dumps(outside, ensure_ascii=False)
    assert outside["masked"] is True and "139****1111" in text and "138****5678" in text and "己**" in text
    assert not any(secret in text for secret in (*SECRETS, "13900001111", "甲甲甲", "己己己"))
    human = pt.ok("audit", case, "--as", OUTSIDER).stdout
    assert NAME not in human and "personal information is masked" in human


@pytest.mark.parametrize("fmt", ["csv", "html", "pdf"])
def test_petition_personal_data_masked_in_exports(pt: Dflow, case: int, tmp_path: Path, fmt: str) -> None:
    inside, outside = tmp_path / f"inside.{fmt}", tmp_path / f"outside.{fmt}"
    pt.ok("audit", "export", case, "--format", fmt, "-o", inside, "--as", OFFICER)
    pt.ok("audit", "export", case, "--format", fmt, "-o", outside, "--as", OUTSIDER)
    read = {"csv": _csv_text, "html": _html_text, "pdf": _pdf_text}[fmt]
    shown, hidden = read(inside), read(outside)
    assert all(secret in shown for secret in (NAME, PHONE, ACCUSED))
    assert not any(secret in hidden for secret in SECRETS)
    assert "王**" in hidden and "138****5678" in hidden and "（保密）" in hidden
    assert f'"accused_users":["{EXECUTIVE}"]' not in hidden and f"accused_users={EXECUTIVE}" not in hidden
    assert f"：{EXECUTIVE}" not in hidden  # who is accused is not told by their user name either


def _csv_text(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return "\n".join(",".join(row) for row in csv.reader(f))


def _html_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _pdf_text(path: Path) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "".join(" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(path)).pages)


def test_petition_json_trail_refused_to_a_reader_without_a_role(pt: Dflow, case: int, tmp_path: Path) -> None:
    out = tmp_path / "trail.json"
    for reader in (["--as", OUTSIDER], ["--as", EXECUTIVE], []):
        message = refused(pt("audit", "export", case, "--format", "json", "-o", out, *reader), 5)
        assert "[PIPL Arts. 10, 28]" in message and not out.exists()
    pt.ok("audit", "export", case, "--format", "json", "-o", out, "--as", OFFICER)
    assert NAME in out.read_text(encoding="utf-8")
    assert pt.json("audit", "verify", "--file", out)["ok"] is True


def test_mediation_parties_masked_for_a_reader_without_a_role(pt: Dflow) -> None:
    med = pt
    med.ok(
        "organ", "add", "liulin", "--name", "柳林乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    med.ok("user", "add", OUTSIDER, "--role", "officer", "--organ", "liulin", "--as", ADMIN)
    case = new_mediation(med)
    assert record_mediation(med, case, "application", parties="张三丰,李四光").exit_code == 0
    (inside,) = [s for s in med.json("show", case, "--as", OFFICER)["steps"] if s["step"] == "application"]
    (outside,) = [s for s in med.json("show", case, "--as", OUTSIDER)["steps"] if s["step"] == "application"]
    assert inside["fields"]["parties"] == ["张三丰", "李四光"] and outside["fields"]["parties"] == ["张**", "李**"]


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        (
            '{ name = "received_on", type = "date", required = true, personal = "name",',
            "stages[0].steps[0].fields[0].personal: personal applies only to a text or list field, not a date field",
        ),
        (
            '{ name = "petitioner", type = "text", required = true, personal = "nickname",',
            "stages[0].steps[0].fields[3].personal: 'nickname' is not one of name, id_number, phone, address",
        ),
    ],
)
def test_petition_personal_marking_checked_by_workflow_check(
    pt: Dflow, tmp_path: Path, field: str, problem: str
) -> None:
    from tests.test_petition import SHIPPED

    text = SHIPPED.read_text(encoding="utf-8")
    name = field.split('"')[1]
    (line,) = [x for x in text.splitlines() if x.startswith(f'  {{ name = "{name}", ')]
    start = line.index(" title = ")
    copy = tmp_path / "marked.toml"
    copy.write_text(text.replace(line, f"  {field}{line[start:]}"), encoding="utf-8")
    assert refused(pt("workflow", "check", copy), 2) == f"{copy}: {problem}\n"
