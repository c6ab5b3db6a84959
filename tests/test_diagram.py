"""`dflow show ID --diagram`: a case's procedure drawn with the stages done and the current one
marked, as Mermaid text and as an SVG picture, through the terminal. The picture is rendered
for real when rsvg-convert is installed (.ci/run installs it): the PNG it makes is decoded
here and the colour inside each stage's box is read back.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from contextlib import closing
from pathlib import Path

import pytest

from decision_flow.definition.diagram import Marks, marks, mermaid, shape
from decision_flow.engine import Engine
from decision_flow.presentation.picture import CURRENT, DONE, TODO
from decision_flow.procedures import get
from tests.flow import EXECUTIVE, OFFICER, bring_to, new_decision, record_valid
from tests.test_cli import Dflow, fails
from tests.test_due import demo_db
from tests.test_labels import _leaks

ZH = {"DFLOW_LANG": "zh"}
SVG = "{http://www.w3.org/2000/svg}"
DEMO_STAGES = (
    "initiation",
    "drafting",
    "consultation",
    "legality_review",
    "collective_decision",
    "party_report",
    "publication",
    "archiving",
)


def dump(db: Path) -> str:
    with closing(sqlite3.connect(db)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = [f"{t}: {row!r}" for t in tables for row in con.execute(f"SELECT * FROM {t} ORDER BY 1")]  # noqa: S608
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def boxes(svg_text: str) -> list[tuple[str, dict[str, str]]]:
    """Each box of the picture (a rect with rounded corners) with the words drawn first inside it."""
    root = ET.fromstring(svg_text.encode("utf-8"))
    found = []
    drawn = list(root)
    for i, node in enumerate(drawn):
        if node.tag == f"{SVG}rect" and node.get("rx") in ("9", "17"):
            words = next(n for n in drawn[i + 1 :] if n.tag == f"{SVG}g")
            title = words.find(f"{SVG}title")
            assert title is not None
            found.append((title.text or "", dict(node.attrib)))
    return found


# ---------------------------------------------------------------------------- where a case stands


def test_marks_follow_the_case() -> None:
    wf = get("major-decision")
    closed = {s.name: "completed" for s in wf.steps()}
    assert marks(wf, "initiation", "active", {}) == Marks("initiation", frozenset())
    at = marks(wf, "publication", "active", closed)
    assert at.current == "publication" and at.done == frozenset(DEMO_STAGES[:6])
    assert marks(wf, "archiving", "archived", closed) == Marks("archived", frozenset(DEMO_STAGES))
    ended = {**{s: "completed" for s in ("initiation", "drafting", "legality_review", "collective_decision")}}
    ended |= {"public_participation": "completed", "expert_review": "waived", "risk_assessment": "waived"}
    assert marks(wf, "collective_decision", "rejected", ended) == Marks("rejected", frozenset(DEMO_STAGES[:5]))
    # returned to drafting: drafting is current and pending again, the stages after it not done
    returned = {**closed, "drafting": "pending", "legality_review": "pending"}
    assert marks(wf, "drafting", "active", returned) == Marks("drafting", frozenset({"initiation"}))


def test_the_shape_draws_the_returns_and_endings_the_law_names() -> None:
    found = shape(get("major-decision"))
    assert [(r.source, r.target, r.articles) for r in found.returns] == [
        ("consultation", "drafting", ("Art. 24",)),
        ("legality_review", "drafting", ("Art. 25",)),
        ("collective_decision", "drafting", ("Art. 30",)),
    ]
    assert [(e.stage, e.status) for e in found.endings] == [("collective_decision", "rejected")]
    assert found.ends == ("archived", "rejected")


# ---------------------------------------------------------------------------- Mermaid


def test_mermaid_of_the_demo_case_marks_done_and_current(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    text = dflow.ok("show", "1", "--diagram").stdout
    assert text.startswith("stateDiagram-v2\n    [*] --> initiation\n")
    assert text.endswith(
        "    classDef done fill:#e3f1df,stroke:#4f8a43,color:#1d3b17\n"
        "    classDef current fill:#fde2bd,stroke:#c8661b,stroke-width:3px,color:#4a2506\n"
        "    class initiation,drafting,consultation,legality_review,collective_decision,party_report done\n"
        "    class publication current\n"
    )
    assert text == mermaid(get("major-decision-township"), "en", marks_of_demo())
    zh = dflow.ok("show", "1", "--diagram", "--format", "mermaid", env=ZH).stdout
    assert "    publication : 决策公布\n" in zh and "    class publication current\n" in zh
    syntax = ("stateDiagram-v2", "classDef", "class", "done", "current", "fill", "stroke", "color", "fde2bd")
    syntax += ("stroke-width:3px",)
    assert _leaks(zh, (*syntax, *DEMO_STAGES, "archived", "rejected")) == []
    assert dflow.json("show", "1", "--diagram") == {"id": 1, "format": "mermaid", "mermaid": text}


def marks_of_demo() -> Marks:
    return Marks("publication", frozenset(DEMO_STAGES[:6]))


def test_the_archived_demo_case_ends_at_archived(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path)
    text = dflow.ok("show", "1", "--diagram").stdout
    assert text.endswith(f"    class {','.join(DEMO_STAGES)} done\n    class archived current\n")


# ---------------------------------------------------------------------------- the picture


def test_svg_of_the_demo_case_highlights_its_stage(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    out = tmp_path / "case.svg"
    assert dflow.ok("show", "1", "--diagram", "--format", "svg", "-o", out).stdout == (
        f"diagram of decision 1 written to {out} (svg)\n"
    )
    text = out.read_text(encoding="utf-8")
    drawn = boxes(text)
    assert [title for title, _ in drawn] == [
        "Initiation",
        "Drafting",
        "Consultation",
        "Legality review",
        "Collective decision",
        "Report to the Party committee",
        "Publication",
        "Archiving",
        "archived",
        "rejected",
    ]
    fills = [box["fill"] for _, box in drawn]
    assert fills == [DONE[0]] * 6 + [CURRENT[0]] + [TODO[0]] * 3
    assert drawn[6][1]["stroke-width"] == "3"
    titles = [t.text for t in ET.fromstring(text.encode()).iter(f"{SVG}title")]
    assert "#1 沙河乡农贸市场搬迁方案" in titles and "Current stage: Publication · active" in titles
    assert "✓ Expert argumentation (waived)" in titles and "return [Art. 24]" in titles
    assert "reject [Art. 30]" in titles
    assert dflow.json("show", "1", "--diagram", "--format", "svg", "-o", out) == {
        "id": 1,
        "format": "svg",
        "file": str(out),
        "bytes": len(text.encode("utf-8")),
    }
    printed = dflow.ok("show", "1", "--diagram", "--format", "svg").stdout
    assert printed == text


def test_chinese_svg_names_every_stage_in_chinese(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    text = dflow.ok("show", "1", "--diagram", "--format", "svg", env=ZH).stdout
    titles = [t.text or "" for t in ET.fromstring(text.encode()).iter(f"{SVG}title")]
    assert "当前阶段：决策公布 · 办理中" in titles and "✓ 专家论证（已免除）" in titles
    assert [title for title, _ in boxes(text)][:3] == ["决策启动", "拟定决策草案", "公众参与、专家论证、风险评估"]
    assert _leaks(" ".join(titles)) == []


def test_a_rejected_case_is_drawn_ended_at_rejected(engine: Engine, files: Path, tmp_path: Path) -> None:
    case = new_decision(engine)
    bring_to(engine, case, "collective_decision", files)
    record_valid(engine, case, "collective_decision", files, head_decision="rejected", head_reasons="财力不足")
    engine.complete(case, "collective_decision", EXECUTIVE)
    dflow = Dflow(tmp_path / "dflow.db", files)
    text = dflow.ok("show", case, "--diagram", "--format", "svg").stdout
    assert "Status: rejected" in [t.text for t in ET.fromstring(text.encode()).iter(f"{SVG}title")]
    drawn = dict(boxes(text))
    assert drawn["rejected"]["fill"] == CURRENT[0] and drawn["archived"]["fill"] == TODO[0]
    assert drawn["Collective decision"]["fill"] == DONE[0] and drawn["Report to the Party committee"]["fill"] == TODO[0]


def test_a_pending_step_is_drawn_to_do(engine: Engine, files: Path, tmp_path: Path) -> None:
    case = new_decision(engine)
    bring_to(engine, case, "consultation", files)
    record_valid(engine, case, "public_participation", files)
    engine.complete(case, "public_participation", OFFICER)
    text = Dflow(tmp_path / "dflow.db", files).ok("show", case, "--diagram", "--format", "svg").stdout
    titles = [t.text for t in ET.fromstring(text.encode()).iter(f"{SVG}title")]
    assert ["✓ Public participation", "○ Expert argumentation", "○ Risk assessment"] == [
        t for t in titles if t and t[:2] in ("✓ ", "○ ")
    ]
    assert dict(boxes(text))["Consultation"]["fill"] == CURRENT[0]


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert is not installed")
def test_the_svg_renders_with_each_box_in_its_colour(tmp_path: Path) -> None:
    """Rendered by librsvg (as a viewer would), the PNG has the current stage's box orange, the
    ones done green and the ones to come white, at the boxes' own places."""
    dflow = demo_db(tmp_path, until="publication")
    for lang, env in (("en", {}), ("zh", ZH)):
        svg_file, png = tmp_path / f"case-{lang}.svg", tmp_path / f"case-{lang}.png"
        dflow.ok("show", "1", "--diagram", "--format", "svg", "-o", svg_file, env=env)
        subprocess.run(["rsvg-convert", str(svg_file), "-o", str(png)], check=True, timeout=60)
        width, height, pixel = decode_png(png.read_bytes())
        root = ET.fromstring(svg_file.read_bytes())
        assert (width, height) == (int(root.get("width", 0)), int(root.get("height", 0)))
        for _title, box in boxes(svg_file.read_text(encoding="utf-8")):
            x, y = float(box["x"]) + 6, float(box["y"]) + float(box["height"]) / 2
            expected = tuple(int(box["fill"][i : i + 2], 16) for i in (1, 3, 5))
            assert pixel(int(x), int(y)) == expected, (lang, _title, box)


def decode_png(data: bytes) -> tuple[int, int, object]:
    """A PNG (8-bit RGB or RGBA, not interlaced) as its size and a function reading one pixel's RGB."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        idat += body if kind == b"IDAT" else b""
        header = body if kind == b"IHDR" else header
        at += 12 + length
    width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for r in range(height):
        kind, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1 : (r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(line)
        previous = line
    return width, height, lambda x, y: tuple(rows[y][x * bpp : x * bpp + 3])


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--diagram", "--format", "png"], 2, None),
        (["--diagram", "--format", "dot"], 2, "--format: 'dot' is not a diagram format (known: mermaid, svg)\n"),
        (["--format", "svg"], 2, "--format goes with --diagram\n"),
        (["-o", "x.svg"], 2, "-o goes with --diagram\n"),
        (["--diagram", "-o", "."], 2, "cannot write . : it is a directory\n"),
        (["--diagram", "--as", "ghost"], 5, "'ghost' is not a registered user [Arts. 33, 38]\n"),
    ],
)
def test_diagram_refusals_are_one_line_and_change_nothing(
    tmp_path: Path, args: list[str], code: int, message: str | None
) -> None:
    dflow = demo_db(tmp_path, until="publication")
    before, files = dump(dflow.db), written(tmp_path)
    result = dflow("show", "1", *args)
    expected = message or (
        "--format png: dflow draws no bitmaps; draw svg, which any browser shows, prints and converts\n"
    )
    fails(result, code, expected.replace("cannot write . : ", "cannot write .: "))
    assert dump(dflow.db) == before and written(tmp_path) == files


def written(folder: Path) -> list[str]:
    """The files in `folder` but the database's own (SQLite's side files come and go with reads)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("demo.db"))


def test_diagram_of_an_unknown_case_or_a_bad_id(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    fails(dflow("show", "99", "--diagram"), 4, "no decision with id 99\n")
    fails(dflow("show", "x", "--diagram"), 2, "'x' is not a decision id (a whole number)\n")
    out = tmp_path / "none.svg"
    fails(dflow("show", "99", "--diagram", "--format", "svg", "-o", out), 4, "no decision with id 99\n")
    assert not out.exists()


def test_a_case_not_for_disclosure_is_drawn_only_for_its_organ(tmp_path: Path) -> None:
    dflow = demo_db(tmp_path, until="publication")
    dflow.ok(
        "new", "保密事项", "--workflow", "major-decision-township", "--flag", "non_disclosable", "--as", "zhang_wei"
    )
    dflow.ok(
        "organ", "add", "north", "--name", "北乡人民政府", "--level", "township", "--parent", "demo", "--as", "admin"
    )
    dflow.ok("user", "add", "xu", "--role", "officer", "--organ", "north", "--as", "admin")
    assert dflow.ok("show", "2", "--diagram", "--as", "zhang_wei").stdout.endswith("    class initiation current\n")
    message = "decision 2 may not be disclosed, and xu holds no role in its organ demo [Art. 14]\n"
    fails(dflow("show", "2", "--diagram", "--as", "xu"), 5, message)
