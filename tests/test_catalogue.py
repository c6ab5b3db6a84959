"""The decision-item catalogue (决策事项目录, Decree 713 Art. 3; issue 13, its first bullet): an organ's
items for a year, the same-level Party committee's consent before publication, adjustments with
a reason, cases made from items, and the catalogue exported for publication.

Every test runs the real command line on a real SQLite file (tests/test_cli.py's Dflow); one runs
on PostgreSQL when DFLOW_TEST_PG names a server. Each rule is shown kept and broken; every
refusal cites Art. 3.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.flow import ADMIN, AUDITOR, OFFICER
from tests.pg import NO_PG, PG_URL, pg_database
from tests.test_cli import BASE_ENV, REPO, Dflow, fails, fails_json
from tests.test_labels import _leaks

ZH: dict[str, str | None] = {"DFLOW_LANG": "zh"}
YEAR = "2024"  # a year behind today, so every consent and publication date below is in the past
TOWNSHIP = "major-decision-township"
ITEM = ("--unit", "沙河乡经济发展办公室", "--planned", "2024-06-30", "--basis", "《农产品市场管理办法》")


@pytest.fixture
def county(tmp_path: Path) -> Dflow:
    """The county organ `main` with its admin and four users; two townships under it, `shahe`
    and `liulin`, each with an officer of its own (`ma`, `niu`)."""
    cli = Dflow.initialised(tmp_path)
    cli.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    cli.ok(
        "organ", "add", "liulin", "--name", "柳林镇人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    cli.ok("user", "add", "ma", "--role", "officer", "--organ", "shahe", "--as", ADMIN)
    cli.ok("user", "add", "niu", "--role", "officer", "--organ", "liulin", "--as", ADMIN)
    return cli


def add(cli: Dflow, title: str, *extra: str, organ: str = "shahe", actor: str = "ma") -> Any:
    """Add an item (as the township's officer, by default); the result's JSON."""
    return cli.json(
        "catalogue", "add", "--year", YEAR, "--organ", organ, "--title", title, *ITEM, *extra, "--as", actor
    )


def consent(cli: Dflow, on: str = "2024-01-10", organ: str = "shahe") -> Any:
    args = ("--year", YEAR, "--organ", organ, "--on", on, "--body", "中共沙河乡委员会", "--as", "ma")
    return cli("catalogue", "consent", *args)


def publish(cli: Dflow, on: str = "2024-01-15", organ: str = "shahe", *extra: str) -> Any:
    return cli("catalogue", "publish", "--year", YEAR, "--organ", organ, "--on", on, "--as", "ma", *extra)


def new_case(cli: Dflow, item: Any, organ: str = "shahe", actor: str = "ma") -> Any:
    args = ["new", "沙河乡农贸市场搬迁", "--workflow", TOWNSHIP, "--organ", organ, "--catalogue-item", item]
    return cli(*args, "--as", actor)


def events(cli: Dflow) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(cli.db)) as con:
        con.row_factory = sqlite3.Row
        rows = [dict(r) for r in con.execute("SELECT * FROM audit_events ORDER BY rowid")]
    return [r | {"data": json.loads(r["data"])} for r in rows]


def dump(cli: Dflow) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read with the stdlib sqlite3."""
    with closing(sqlite3.connect(cli.db)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def shown(cli: Dflow, organ: str = "shahe") -> dict[str, Any]:
    (cat,) = cli.json("catalogue", "show", "--year", YEAR, "--organ", organ)["catalogues"]
    return dict(cat)


# ---------------------------------------------------------------------------- items and the chain


def test_items_are_the_organs_events_in_its_own_chain_and_verify(county: Dflow) -> None:
    first = add(county, "沙河乡农贸市场搬迁")
    assert first == {
        "id": 1,
        "organ": "shahe",
        "year": 2024,
        "title": "沙河乡农贸市场搬迁",
        "undertaking_unit": "沙河乡经济发展办公室",
        "planned_on": "2024-06-30",
        "basis": "《农产品市场管理办法》",
        "removed": None,
    }
    said = county.ok("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "乡道改造", *ITEM, "--as", "ma")
    assert said.stdout == "item 2 added to organ shahe's 2024 catalogue: 乡道改造\n"
    zh = county.ok(
        "catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "垃圾站", *ITEM, "--as", "ma", env=ZH
    )
    assert zh.stdout == "已在机关 shahe 的 2024 年度目录中增加事项 3：垃圾站\n"
    assert consent(county).exit_code == 0
    assert publish(county).exit_code == 0
    county.ok("catalogue", "remove", "3", "--reason", "并入乡道改造", "--as", "ma")
    acts = [e for e in events(county) if e["action"].startswith("catalogue_")]
    assert [e["action"] for e in acts] == [
        "catalogue_item_added",
        "catalogue_item_added",
        "catalogue_item_added",
        "catalogue_consented",
        "catalogue_published",
        "catalogue_item_removed",
    ]
    assert all(
        e["chain"] == "shahe" and e["decision_id"] is None for e in acts
    )  # the organ's chain, not the registry's
    assert all(e["actor"] == "ma" and e["signature"] for e in acts)
    assert [e["seq"] for e in acts] == list(range(1, 7))  # the township's chain begins with its catalogue
    assert acts[0]["data"] == {
        "item": 1,
        "organ": "shahe",
        "year": 2024,
        "title": "沙河乡农贸市场搬迁",
        "undertaking_unit": "沙河乡经济发展办公室",
        "planned_on": "2024-06-30",
        "basis": "《农产品市场管理办法》",
        "reason": None,
        "published": False,
    }
    assert acts[3]["data"] == {
        "organ": "shahe",
        "year": 2024,
        "on": "2024-01-10",
        "body": "中共沙河乡委员会",
        "replaces": None,
    }
    assert acts[4]["data"]["items"] == [1, 2, 3] and acts[4]["data"]["consent"]["body"] == "中共沙河乡委员会"
    assert acts[5]["data"] == {
        "item": 3,
        "organ": "shahe",
        "year": 2024,
        "title": "垃圾站",
        "reason": "并入乡道改造",
        "published": True,
    }
    assert county.json("audit", "verify")["ok"]
    assert county.json("audit", "verify", "--organ", "shahe")["ok"]
    assert county.ok("audit", "verify").stdout.startswith("audit trail verified")


def test_only_an_officer_or_admin_of_the_organ_changes_its_catalogue(county: Dflow) -> None:
    before = len(events(county))
    refused = county("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "x", *ITEM, "--as", "niu")
    fails(
        refused,
        5,
        "niu may not change organ shahe's decision-item catalogue: it needs the role officer or admin there [Art. 3]\n",
    )
    consenting = ("catalogue", "consent", "--year", YEAR, "--organ", "shahe", "--on", "2024-01-10", "--body", "x")
    fails(county(*consenting), 5, "no acting user: give --as NAME or set DFLOW_USER [Arts. 33, 38]\n")
    for outsider in (OFFICER, AUDITOR):  # the county's officer holds no role in shahe; an auditor changes nothing
        result = county(*consenting, "--as", outsider)
        assert result.exit_code == 5, result.stderr
    trail = events(county)[before:]
    assert [(e["action"], e["actor"], e["data"]["attempted"]) for e in trail] == [
        ("refused", "niu", "catalogue_add"),
        ("refused", "", "catalogue_consent"),
        ("refused", OFFICER, "catalogue_consent"),
        ("refused", AUDITOR, "catalogue_consent"),
    ]
    assert trail[0]["data"]["reasons"][0]["article"] == "Art. 3"
    assert {e["chain"] for e in trail} == {"shahe"}  # each refusal in the organ's own chain
    assert county.json("audit", "verify", "--organ", "shahe")["ok"]
    assert shown(county)["items"] == []  # nothing was added
    # an admin of the county reaches the township below it
    assert add(county, "乡道改造", actor=ADMIN)["id"] == 1
    zh = county("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "x", *ITEM, "--as", "niu", env=ZH)
    assert zh.stderr == "niu 无权变更机关 shahe 的决策事项目录：须在该机关担任承办人员或系统管理员 [第3条]\n"


def test_whoever_reads_the_organ_reads_its_catalogue(county: Dflow) -> None:
    add(county, "乡道改造")
    assert [i["title"] for i in shown(county)["items"]] == ["乡道改造"]  # read as no one: the login decides
    for reader in ("ma", AUDITOR, ADMIN):  # its officer; the county's auditor and admin reach below
        view = county.json("catalogue", "show", "--year", YEAR, "--organ", "shahe", "--as", reader)
        assert [c["organ"] for c in view["catalogues"]] == ["shahe"]
    fails(
        county("catalogue", "show", "--year", YEAR, "--organ", "shahe", "--as", "niu"),
        5,
        "niu holds no role in organ shahe [Arts. 33, 38]\n",
    )
    # without --organ: the catalogues of the organs the reader holds a role in
    add(county, "柳林镇集贸市场改造", organ="liulin", actor="niu")
    mine = county.json("catalogue", "show", "--year", YEAR, "--as", "niu")
    assert [c["organ"] for c in mine["catalogues"]] == ["liulin"]
    every = county.json("catalogue", "show", "--year", YEAR, "--as", AUDITOR)
    assert [c["organ"] for c in every["catalogues"]] == ["liulin", "shahe"]
    assert county.json("catalogue", "show", "--year", "2023") == {"year": 2023, "catalogues": []}
    assert county.ok("catalogue", "show", "--year", "2023").stdout == "no decision-item catalogue for 2023\n"
    # an organ named has its catalogue shown even before anything is in it
    assert shown(county, "main") == {
        "organ": "main",
        "organ_name": "本机关",
        "consent": None,
        "published_on": None,
        "items": [],
    }


# ---------------------------------------------------------------------------- consent and publication


def test_publication_needs_the_party_committees_consent_first(county: Dflow) -> None:
    add(county, "乡道改造")
    fails(
        publish(county),
        3,
        "organ shahe's 2024 catalogue has no consent of the same-level Party committee recorded;"
        " record it first: dflow catalogue consent [Art. 3]\n",
    )
    assert shown(county)["published_on"] is None
    said = consent(county)
    assert said.exit_code == 0 and said.stdout == (
        "consent to organ shahe's 2024 catalogue recorded: 中共沙河乡委员会 on 2024-01-10\n"
    )
    fails(
        publish(county, "2024-01-09"),
        3,
        "cannot publish on 2024-01-09: the Party committee consented on 2024-01-10, and the catalogue is published"
        " only after its consent [Art. 3]\n",
    )
    last = events(county)[-1]
    assert (last["action"], last["data"]["attempted"], last["data"]["reasons"][0]["article"]) == (
        "refused",
        "catalogue_publish",
        "Art. 3",
    )
    done = county.json("catalogue", "publish", "--year", YEAR, "--organ", "shahe", "--on", "2024-01-10", "--as", "ma")
    assert done == {"organ": "shahe", "year": 2024, "published_on": "2024-01-10", "items": [1]}  # the consent's day
    fails(
        publish(county, "2024-02-01"), 3, "organ shahe's 2024 catalogue was already published on 2024-01-10 [Art. 3]\n"
    )
    fails(
        consent(county, "2024-01-12"),
        3,
        "organ shahe's 2024 catalogue was published on 2024-01-10 with the consent recorded then;"
        " that consent is not changed afterwards [Art. 3]\n",
    )
    cat = shown(county)
    assert (cat["consent"], cat["published_on"]) == ({"on": "2024-01-10", "body": "中共沙河乡委员会"}, "2024-01-10")
    zh = county("catalogue", "publish", "--year", YEAR, "--organ", "shahe", "--on", "2024-02-01", "--as", "ma", env=ZH)
    fails(zh, 3, "机关 shahe 的 2024 年度目录已于 2024-01-10 公布 [第3条]\n")


def test_a_consent_recorded_again_before_publication_keeps_what_it_replaces(county: Dflow) -> None:
    assert consent(county, "2024-01-05").exit_code == 0
    assert consent(county, "2024-01-10").exit_code == 0
    last = events(county)[-1]
    assert last["data"]["replaces"] == {"on": "2024-01-05", "body": "中共沙河乡委员会"}
    assert shown(county)["consent"] == {"on": "2024-01-10", "body": "中共沙河乡委员会"}


def test_after_publication_an_item_added_needs_a_reason(county: Dflow) -> None:
    assert add(county, "乡道改造")["id"] == 1  # before publication: no reason needed
    assert consent(county).exit_code == 0 and publish(county).exit_code == 0
    before = dump(county)
    args = ("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "垃圾站", *ITEM, "--as", "ma")
    said = (
        "organ shahe's 2024 catalogue was published on 2024-01-15: an item added or removed since needs a reason"
        " (--reason)"
    )
    fails(county(*args), 3, said + " [Art. 3]\n")
    fails(county(*args, "--reason", "   "), 3, said + " [Art. 3]\n")  # a blank reason is none
    fails_json(
        county(*args, "--json"),
        3,
        {
            "code": "blocked",
            "message": said,
            "reasons": [{"rule": "catalogue_published", "article": "Art. 3", "detail": said}],
        },
    )
    zh = county(*args, env=ZH)
    assert (
        zh.stderr
        == "机关 shahe 的 2024 年度目录已于 2024-01-15 公布：此后增加或移除事项须说明理由（--reason） [第3条]\n"
    )
    after = dump(county)
    assert {t: rows for t, rows in after.items() if t != "audit_events"} == {
        t: rows for t, rows in before.items() if t != "audit_events"
    }
    assert [e["action"] for e in events(county)[-4:]] == ["refused"] * 4
    added = county.json(*args, "--reason", "群众反映强烈，县政府督办")
    assert added["id"] == 2
    data = events(county)[-1]["data"]
    assert (data["reason"], data["published"]) == ("群众反映强烈，县政府督办", True)


# ---------------------------------------------------------------------------- removal


def test_a_removed_item_keeps_its_row_with_when_who_and_why(county: Dflow) -> None:
    add(county, "乡道改造")
    add(county, "垃圾站")
    said = county.ok("catalogue", "remove", "2", "--reason", "并入乡道改造", "--as", "ma")
    assert said.stdout == "catalogue item 2 removed: 并入乡道改造\n"
    item = shown(county)["items"][1]
    assert item["removed"]["by"] == "ma" and item["removed"]["reason"] == "并入乡道改造"
    assert item["removed"]["at"].endswith("Z")
    with closing(sqlite3.connect(county.db)) as con:
        assert con.execute("SELECT count(*) FROM catalogue_items").fetchone() == (2,)  # never deleted
    fails(
        county("catalogue", "remove", "2", "--reason", "again", "--as", "ma"),
        2,
        "catalogue item 2 was already removed (并入乡道改造)\n",
    )
    fails(county("catalogue", "remove", "9", "--reason", "x", "--as", "ma"), 4, "no catalogue item with id 9\n")
    fails(
        county("catalogue", "remove", "1", "--reason", " ", "--as", "ma"),
        2,
        "removing a catalogue item needs a reason (--reason)\n",
    )
    fails(county("catalogue", "remove", "1", "--as", "ma"), 2, "dflow: Missing option '--reason'.\n")
    fails(
        county("catalogue", "remove", "1", "--reason", "x", "--as", "niu"),
        5,
        "niu may not change organ shahe's decision-item catalogue: it needs the role officer or admin there [Art. 3]\n",
    )
    # the terminal marks it, in both languages
    assert "removed on " in county.ok("catalogue", "show", "--year", YEAR).stdout
    table = county.ok("catalogue", "show", "--year", YEAR, env=ZH).stdout
    assert "移除：并入乡道改造" in table and "同级党委同意：尚未记录" in table and "尚未公布" in table


def test_an_item_a_case_was_made_from_is_never_removed(county: Dflow) -> None:
    add(county, "沙河乡农贸市场搬迁")
    assert new_case(county, 1).exit_code == 0
    before = dump(county)
    fails(
        county("catalogue", "remove", "1", "--reason", "不再需要", "--as", "ma"),
        3,
        "catalogue item 1 cannot be removed: decision 1 was made from it [Art. 3]\n",
    )
    assert dump(county)["catalogue_items"] == before["catalogue_items"]
    assert events(county)[-1]["data"]["attempted"] == "catalogue_remove"


# ---------------------------------------------------------------------------- cases made from items


def test_a_case_is_made_from_an_item_of_its_organs_catalogue(county: Dflow) -> None:
    add(county, "沙河乡农贸市场搬迁")
    made = county.json(
        "new", "沙河乡农贸市场搬迁", "--workflow", TOWNSHIP, "--organ", "shahe", "--catalogue-item", "1", "--as", "ma"
    )
    assert made == {"id": 1, "stage": "initiation", "status": "active"}
    with closing(sqlite3.connect(county.db)) as con:
        assert con.execute("SELECT catalogue_item FROM decisions WHERE id = 1").fetchone() == (1,)
    created = next(e for e in events(county) if e["action"] == "created")
    assert created["data"]["catalogue_item"] == 1 and created["chain"] == "shahe"
    item = shown(county)["items"][0]
    assert item["case"] == {"id": 1, "stage": "initiation", "status": "active"}
    # a case made without an item records none
    plain = county.json("new", "乡道改造", "--workflow", TOWNSHIP, "--organ", "shahe", "--as", "ma")
    assert "catalogue_item" not in [e for e in events(county) if e["action"] == "created"][-1]["data"]
    with closing(sqlite3.connect(county.db)) as con:
        assert con.execute("SELECT catalogue_item FROM decisions WHERE id = ?", (plain["id"],)).fetchone() == (None,)
    assert "1 · initiation · active" in county.ok("catalogue", "show", "--year", YEAR).stdout
    assert "1 · 决策启动 · 办理中" in county.ok("catalogue", "show", "--year", YEAR, env=ZH).stdout
    assert county.json("audit", "verify")["ok"]


def test_a_case_is_refused_an_item_that_is_not_its_own_to_use(county: Dflow) -> None:
    add(county, "沙河乡农贸市场搬迁")
    add(county, "柳林镇集贸市场改造", organ="liulin", actor="niu")
    add(county, "垃圾站")
    county.ok("catalogue", "remove", "3", "--reason", "并入乡道改造", "--as", "ma")
    assert new_case(county, 1).exit_code == 0
    before = dump(county)
    fails(new_case(county, 99), 4, "no catalogue item with id 99\n")
    fails(
        new_case(county, 2),
        3,
        "catalogue item 2 is on organ liulin's catalogue, not on organ shahe's [Art. 3]\n",
    )
    fails(
        new_case(county, 3),
        3,
        "catalogue item 3 was removed from the catalogue (并入乡道改造); no decision is made from it [Art. 3]\n",
    )
    fails(new_case(county, 1), 3, "catalogue item 1 is already the origin of decision 1 [Art. 3]\n")
    fails(new_case(county, "x1"), 2, "'x1' is not a catalogue item id (a whole number)\n")
    fails(new_case(county, "0"), 2, "'0' is not a catalogue item id (a whole number)\n")
    after = dump(county)
    assert {t: r for t, r in after.items() if t != "audit_events"} == {
        t: r for t, r in before.items() if t != "audit_events"
    }
    refused = events(county)[len(before["audit_events"]) :]
    assert [(e["action"], e["data"]["args"].get("catalogue_item")) for e in refused] == [
        ("refused", 2),
        ("refused", 3),
        ("refused", 1),
    ]  # the unknown item and the malformed ids wrote nothing
    assert all(e["data"]["reasons"][0]["article"] == "Art. 3" for e in refused)
    zh = county(
        "new", "标题", "--workflow", TOWNSHIP, "--organ", "shahe", "--catalogue-item", "1", "--as", "ma", env=ZH
    )
    assert zh.stderr == "目录事项 1 已用于启动决策 1 [第3条]\n"


# ---------------------------------------------------------------------------- bad input


BAD: list[tuple[tuple[str, ...], int, str]] = [
    (("--organ", "nowhere"), 4, "no organ with code 'nowhere'"),
    (
        ("--organ", "Sha He"),
        2,
        "'Sha He' is not an organ code: lower-case letters a-z, digits, '-' and '_', at most 40",
    ),
    (("--year", "1999"), 2, "--year 1999 is not a year from 2000 to 2100"),
    (("--year", "abc"), 2, "--year abc is not a year from 2000 to 2100"),
    (("--year", "２０２４"), 2, "--year ２０２４ is not a year from 2000 to 2100"),
    (("--year", "9" * 5000), 2, f"--year {'9' * 20} is not a year from 2000 to 2100"),
    (("--title", ""), 2, "a catalogue item needs a title (--title)"),
    (("--title", "  "), 2, "a catalogue item needs a title (--title)"),
    (("--title", "x" * 501), 2, "--title is longer than 500 characters"),
    (("--title", "沙" * (1 << 20)), 2, "--title is longer than 500 characters"),
    (("--title", "a\udcffb"), 2, "--title contains control characters or undecodable bytes"),
    (("--title", "a\x00b"), 2, "--title contains control characters or undecodable bytes"),
    (("--unit", ""), 2, "a catalogue item needs its undertaking unit (--unit)"),
    (("--planned", "2024-02-30"), 2, "--planned: '2024-02-30' is not a date (YYYY-MM-DD)"),
    (("--planned", "20240630"), 2, "--planned: '20240630' is not a date (YYYY-MM-DD)"),
    (
        ("--planned", "2025-06-30"),
        2,
        "--planned 2025-06-30 is not in 2024: an item is planned within its catalogue's year",
    ),
    (("--basis", "b" * 2001), 2, "--basis is longer than 2000 characters"),
    (("--reason", "\x1b[31m"), 2, "--reason contains control characters or undecodable bytes"),
]


@pytest.mark.parametrize(("change", "code", "message"), BAD, ids=[f"{c[0][0]}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_is_one_line_with_its_exit_code_and_changes_nothing(
    county: Dflow, change: tuple[str, ...], code: int, message: str
) -> None:
    add(county, "乡道改造")
    options = dict(
        zip(("--year", "--organ", "--title", *ITEM[::2]), (YEAR, "shahe", "垃圾站", *ITEM[1::2]), strict=True)
    )
    options.update(dict([change]))
    args = [a for pair in options.items() for a in pair]
    before = dump(county)
    fails(county("catalogue", "add", *args, "--as", "ma"), code, message + "\n")
    assert dump(county) == before  # not even a refusal: bad input is no attempt


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("consent", "--on", "2024-13-01", "--body", "中共沙河乡委员会"),
            2,
            "--on: '2024-13-01' is not a date (YYYY-MM-DD)",
        ),
        (("consent", "--on", "2999-01-01", "--body", "x"), 2, "--on 2999-01-01 is in the future (today is {today})"),
        (("consent", "--on", "2024-01-10", "--body", " "), 2, "the consent names the Party committee that gave it"),
        (("consent", "--on", "2024-01-10", "--body", "x" * 201), 2, "--body is longer than 200 characters"),
        (("publish", "--on", "yesterday"), 2, "--on: 'yesterday' is not a date (YYYY-MM-DD)"),
        (("publish", "--on", "2999-01-01"), 2, "--on 2999-01-01 is in the future (today is {today})"),
    ],
)
def test_bad_consent_and_publication_dates_are_refused(
    county: Dflow, args: tuple[str, ...], code: int, message: str
) -> None:
    from datetime import date

    before = dump(county)
    result = county("catalogue", args[0], "--year", YEAR, "--organ", "shahe", *args[1:], "--as", "ma")
    assert result.exit_code == code and result.stdout == ""
    assert result.stderr.startswith(message.format(today=date.today().isoformat()))
    assert result.stderr.count("\n") == 1
    assert dump(county) == before


def test_bad_item_ids_and_organs_on_the_other_commands(county: Dflow) -> None:
    fails(
        county("catalogue", "remove", "abc", "--reason", "x", "--as", "ma"),
        2,
        "'abc' is not a catalogue item id (a whole number)\n",
    )
    fails(
        county("catalogue", "remove", "9" * 30, "--reason", "x", "--as", "ma"),
        2,
        f"'{'9' * 30}' is not a catalogue item id (a whole number)\n",
    )
    fails(county("catalogue", "show", "--year", YEAR, "--organ", "nowhere"), 4, "no organ with code 'nowhere'\n")
    fails(county("catalogue", "show", "--year", "20245"), 2, "--year 20245 is not a year from 2000 to 2100\n")
    fails(
        county("catalogue", "show", "--year", YEAR, "--as", "ghost"),
        5,
        "'ghost' is not a registered user [Arts. 33, 38]\n",
    )
    zh = county("catalogue", "show", "--year", "abc", env=ZH)
    assert zh.exit_code == 2 and zh.stderr == "--year abc 不是 2000 至 2100 之间的年份\n"


# ---------------------------------------------------------------------------- show --json, Chinese output


def test_show_json_shape(county: Dflow) -> None:
    add(county, "沙河乡农贸市场搬迁")
    add(county, "垃圾站")
    consent(county)
    publish(county)
    county.ok("catalogue", "remove", "2", "--reason", "并入乡道改造", "--as", "ma")
    new_case(county, 1)
    view = county.json("catalogue", "show", "--year", YEAR, "--organ", "shahe")
    assert set(view) == {"year", "catalogues"} and view["year"] == 2024
    (cat,) = view["catalogues"]
    assert set(cat) == {"organ", "organ_name", "consent", "published_on", "items"}
    assert (cat["organ"], cat["organ_name"]) == ("shahe", "沙河乡人民政府")
    assert cat["consent"] == {"on": "2024-01-10", "body": "中共沙河乡委员会"} and cat["published_on"] == "2024-01-15"
    first, second = cat["items"]
    keys = {"id", "title", "undertaking_unit", "planned_on", "basis", "added_at", "added_by", "removed", "case"}
    assert set(first) == set(second) == keys
    assert {k: first[k] for k in keys - {"added_at"}} == {
        "id": 1,
        "title": "沙河乡农贸市场搬迁",
        "undertaking_unit": "沙河乡经济发展办公室",
        "planned_on": "2024-06-30",
        "basis": "《农产品市场管理办法》",
        "added_by": "ma",
        "removed": None,
        "case": {"id": 1, "stage": "initiation", "status": "active"},
    }
    assert second["case"] is None and set(second["removed"]) == {"at", "by", "reason"}
    assert second["removed"]["reason"] == "并入乡道改造"


def test_chinese_catalogue_output_names_no_english_word(county: Dflow, tmp_path: Path) -> None:
    add(county, "沙河乡农贸市场搬迁")
    add(county, "垃圾站")
    consent(county)
    publish(county)
    county.ok("catalogue", "remove", "2", "--reason", "并入乡道改造", "--as", "ma")
    new_case(county, 1)
    texts: dict[tuple[Any, ...], str] = {}
    for args in (
        ("catalogue", "show", "--year", YEAR),
        ("catalogue", "publish", "--year", YEAR, "--organ", "shahe", "--on", "2024-01-15", "--as", "ma"),
        ("catalogue", "remove", "1", "--reason", "x", "--as", "ma"),
        ("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "t", *ITEM, "--as", "ma"),
        ("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "t", *ITEM, "--reason", "r", "--as", "niu"),
        ("catalogue", "consent", "--year", YEAR, "--organ", "shahe", "--on", "2024-01-10", "--body", "b", "--as", "ma"),
        ("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "docx", "-o", tmp_path / "x.docx"),
        ("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "csv", "-o", tmp_path / "x.csv"),
        (
            "catalogue",
            "add",
            "--year",
            YEAR,
            "--organ",
            "shahe",
            "--title",
            "新事项",
            *ITEM,
            "--reason",
            "r",
            "--as",
            "ma",
        ),
        ("new", "标题", "--workflow", TOWNSHIP, "--organ", "shahe", "--catalogue-item", "2", "--as", "ma"),
        ("audit", 1),
    ):
        result = county(*args, env=ZH)
        texts[args] = result.stdout + result.stderr
    assert "同级党委同意：中共沙河乡委员会，2024年1月10日" in texts[("catalogue", "show", "--year", YEAR)]
    allowed = ("shahe", "ma", "niu", "x.csv", "x.docx", "docx", "catalogue", "consent", "reason")
    leaks = {args: _leaks(text, (*args, *allowed)) for args, text in texts.items()}
    assert {args: found for args, found in leaks.items() if found} == {}


def test_the_catalogues_events_read_as_one_line_in_each_language(county: Dflow) -> None:
    """What an auditor reads for each catalogue event (the exports' and the terminal's summary)."""
    from decision_flow.presentation import events as summaries

    add(county, "沙河乡农贸市场搬迁")
    consent(county)
    publish(county)
    county.ok("catalogue", "remove", "1", "--reason", "调整至下一年度", "--as", "ma")
    acts = [e for e in events(county) if e["action"].startswith("catalogue_")]
    lines = {lang: [summaries.summary(e["action"], e["data"], None, None, lang) for e in acts] for lang in ("zh", "en")}
    assert lines["zh"] == [
        "shahe 2024年度目录：#1 沙河乡农贸市场搬迁（沙河乡经济发展办公室，2024年6月30日）",
        "shahe 2024年度目录：中共沙河乡委员会 2024年1月10日",
        "shahe 2024年度目录：2024年1月15日 公布，共 1 项",
        "shahe 2024年度目录：#1 沙河乡农贸市场搬迁（理由：调整至下一年度）",
    ]
    assert lines["en"] == [
        "shahe 2024: #1 沙河乡农贸市场搬迁 (沙河乡经济发展办公室, 2024-06-30)",
        "shahe 2024: 中共沙河乡委员会 2024-01-10",
        "shahe 2024: published 2024-01-15, 1 item(s)",
        "shahe 2024: #1 沙河乡农贸市场搬迁 (调整至下一年度)",
    ]


# ---------------------------------------------------------------------------- exports for publication


@pytest.fixture
def published(county: Dflow) -> Dflow:
    """shahe's 2024 catalogue: three items (one removed, one whose title a spreadsheet would run
    as a formula), consented and published."""
    add(county, "沙河乡农贸市场搬迁")
    add(county, "垃圾站")
    add(county, '=HYPERLINK("http://x")乡道改造', "--basis", "《公路法》，《河南省农村公路条例》")
    county.ok("catalogue", "remove", "2", "--reason", "并入乡道改造", "--as", "ma")
    assert consent(county).exit_code == 0 and publish(county).exit_code == 0
    return county


def test_the_csv_export_reads_back_in_a_spreadsheets_terms(published: Dflow, tmp_path: Path) -> None:
    out = tmp_path / "目录.csv"
    result = published.json("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "csv", "-o", out)
    assert result == {"organ": "shahe", "year": 2024, "format": "csv", "file": str(out), "items": 2}
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel on a Chinese Windows reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "序号",
        "决策事项",
        "承办单位",
        "计划完成时间",
        "决策依据",
        "事项编号",
        "同意的党委",
        "党委同意日期",
        "公布日期",
    ]
    assert rows[1:] == [
        [
            "1",
            "沙河乡农贸市场搬迁",
            "沙河乡经济发展办公室",
            "2024-06-30",
            "《农产品市场管理办法》",
            "1",
            "中共沙河乡委员会",
            "2024-01-10",
            "2024-01-15",
        ],
        [
            "2",
            '\'=HYPERLINK("http://x")乡道改造',
            "沙河乡经济发展办公室",
            "2024-06-30",
            "《公路法》，《河南省农村公路条例》",
            "3",
            "中共沙河乡委员会",
            "2024-01-10",
            "2024-01-15",
        ],
    ]  # the removed item is not published; the formula is defused
    said = published.ok("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "csv", "-o", out)
    assert said.stdout == f"wrote {out} (csv: organ shahe's 2024 catalogue, 2 item(s))\n"


def test_the_pdf_export_is_chinese_with_embedded_fonts(published: Dflow, tmp_path: Path) -> None:
    out = tmp_path / "目录.pdf"
    published.ok("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "pdf", "-o", out)
    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    assert "沙河乡人民政府2024年度重大行政决策事项目录" in flat
    assert "沙河乡农贸市场搬迁" in flat and "2024年6月30日" in flat and "《农产品市场管理办法》" in flat
    assert "垃圾站" not in flat  # removed
    assert "本目录经中共沙河乡委员会于2024年1月10日同意，于2024年1月15日公布。" in flat
    assert "第1页共1页" in flat
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded, not named
    assert reader.metadata is not None and reader.metadata.title == "沙河乡人民政府2024年度重大行政决策事项目录"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_pdf_renders_to_a_png_with_ink_where_the_title_is(published: Dflow, tmp_path: Path) -> None:
    """pdftoppm draws the page as a person's viewer would; the PNG is kept for a look
    (tmp_path/page-1.png), and a grey copy is read here: the title's band holds dark pixels."""
    pdf = tmp_path / "catalogue.pdf"
    published.ok("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "pdf", "-o", pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp_path / "page")], check=True)
    png = tmp_path / "page-1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-singlefile", str(pdf), str(tmp_path / "grey")], check=True)
    data = (tmp_path / "grey.pgm").read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert (magic, depth) == (b"P5", b"255")
    w, h = int(width), int(height)
    title_band = pixels[int(h * 0.07) * w : int(h * 0.11) * w]  # the title sits 7-11 % down the page
    footer_band = pixels[int(h * 0.96) * w : int(h * 0.99) * w]  # the footer sits at 290 of 297 mm
    assert sum(1 for p in title_band if p < 128) > 300  # the Chinese title is drawn, not blank boxes
    assert sum(1 for p in footer_band if p < 160) > 20  # 第 1 页 共 1 页


def test_an_unconsented_catalogue_exports_as_a_draft(county: Dflow, tmp_path: Path) -> None:
    add(county, "乡道改造")
    out = tmp_path / "draft.pdf"
    county.ok("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "pdf", "-o", out)
    flat = "".join("".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "（草案：尚未经同级党委同意）" in flat and "本目录尚未经同级党委同意，不得公布" in flat
    csv_out = tmp_path / "draft.csv"
    county.ok("catalogue", "export", "--year", YEAR, "--organ", "shahe", "--format", "csv", "-o", csv_out)
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert rows[1][-3:] == ["", "", ""]


def test_export_errors_leave_nothing_behind(county: Dflow, tmp_path: Path) -> None:
    add(county, "乡道改造")
    base = ("catalogue", "export", "--year", YEAR, "--organ", "shahe")
    fails(
        county(*base, "--format", "docx", "-o", tmp_path / "x.docx"),
        2,
        "unknown export format 'docx' (known: pdf, csv)\n",
    )
    fails(county(*base, "--format", "pdf", "-o", tmp_path), 2, f"cannot write {tmp_path}: it is a directory\n")
    missing = tmp_path / "no" / "such" / "x.pdf"
    result = county(*base, "--format", "pdf", "-o", missing)
    assert result.exit_code == 2 and result.stderr.startswith(f"cannot write {missing}")
    fails(
        county(
            "catalogue", "export", "--year", YEAR, "--organ", "nowhere", "--format", "csv", "-o", tmp_path / "a.csv"
        ),
        4,
        "no organ with code 'nowhere'\n",
    )
    fails(
        county(*base, "--format", "csv", "-o", tmp_path / "b.csv", "--as", "niu"),
        5,
        "niu holds no role in organ shahe [Arts. 33, 38]\n",
    )
    left = [p.name for p in tmp_path.rglob("*") if p.suffix in (".pdf", ".csv", ".part", ".docx")]
    assert left == []


# ---------------------------------------------------------------------------- PostgreSQL


@dataclass
class Ran:
    """What a `dflow` process did, as CliRunner's Result tells it."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class ProcessDflow(Dflow):
    """`dflow` in a process of its own per command, so each command's connections to the server
    close with it (in-process, their pools would outlive the test database)."""

    def __call__(self, *args: Any, env: dict[str, str | None] | None = None) -> Any:
        full = {**os.environ, **BASE_ENV, "DFLOW_DB": str(self.db), **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "cli", *map(str, args)],
            env={k: v for k, v in full.items() if v is not None},
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
        return Ran(done.returncode, done.stdout, done.stderr)


@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_the_catalogue_on_postgresql(tmp_path: Path) -> None:
    """The catalogue's plain SQL on a server (the catalogue made with ON CONFLICT, rows locked
    FOR UPDATE, a new item's id returned): consent, publication, a case from an item, refusals."""
    with pg_database() as url:
        cli = ProcessDflow(url, tmp_path)  # type: ignore[arg-type]  # DFLOW_DB takes a URL as well as a file
        cli.ok("init", "--admin", ADMIN)
        township = ("--name", "沙河乡人民政府", "--level", "township", "--parent", "main")
        cli.ok("organ", "add", "shahe", *township, "--as", ADMIN)
        cli.ok("user", "add", "ma", "--role", "officer", "--organ", "shahe", "--as", ADMIN)
        assert add(cli, "沙河乡农贸市场搬迁")["id"] == 1
        assert add(cli, "乡道改造")["id"] == 2
        assert publish(cli).exit_code == 3
        assert consent(cli).exit_code == 0 and publish(cli).exit_code == 0
        late = cli("catalogue", "add", "--year", YEAR, "--organ", "shahe", "--title", "x", *ITEM, "--as", "ma")
        assert late.exit_code == 3 and "[Art. 3]" in late.stderr
        assert new_case(cli, 1).exit_code == 0
        assert new_case(cli, 1).exit_code == 3
        assert cli("catalogue", "remove", "1", "--reason", "x", "--as", "ma").exit_code == 3
        cli.ok("catalogue", "remove", "2", "--reason", "并入", "--as", "ma")
        cat = shown(cli)
        assert [(i["id"], i["case"], bool(i["removed"])) for i in cat["items"]] == [
            (1, {"id": 1, "stage": "initiation", "status": "active"}, False),
            (2, None, True),
        ]
        assert cli.json("audit", "verify")["ok"]
