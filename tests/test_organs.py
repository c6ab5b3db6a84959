"""Organs (决策机关) on one server: the county government, its departments and townships, each with
its own cases and users (issue 12, first part). Organs are audited data; a user acts in an organ
only with a role there (their own organ's, a membership, or admin/auditor above it); the
workflow a case may run follows its organ's level; lists show the reader's organs; a case that
may not be disclosed is read only by who holds a role in its organ.

Every test runs the real command line on a real SQLite file (tests/test_cli.py's Dflow).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.flow import ADMIN, AUDITOR, EXECUTIVE, OFFICER, REVIEWER, VALID
from tests.test_cli import Dflow, fails

TOWNSHIP = ("--name", "沙河乡人民政府", "--level", "township", "--parent", "main")
OTHER = ("--name", "柳林镇人民政府", "--level", "township", "--parent", "main")
ZH: dict[str, str | None] = {"DFLOW_LANG": "zh"}


@pytest.fixture
def county(tmp_path: Path) -> Dflow:
    """The county organ `main` with its admin, officer, reviewer, executive and auditor; two
    townships under it, `shahe` and `liulin`, each with an officer of its own (`ma`, `niu`)."""
    cli = Dflow.initialised(tmp_path)
    cli.ok("organ", "add", "shahe", *TOWNSHIP, "--as", ADMIN)
    cli.ok("organ", "add", "liulin", *OTHER, "--as", ADMIN)
    cli.ok("user", "add", "ma", "--role", "officer", "--organ", "shahe", "--as", ADMIN)
    cli.ok("user", "add", "niu", "--role", "officer", "--organ", "liulin", "--as", ADMIN)
    return cli


def events(cli: Dflow) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(cli.db)) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM audit_events ORDER BY rowid")]


def new_case(cli: Dflow, actor: str, organ: str, *flags: str) -> int:
    workflow = "major-decision-township" if organ != "main" else "major-decision"
    args = ["new", "沙河乡农贸市场搬迁", "--workflow", workflow, "--organ", organ, "--as", actor]
    for flag in flags:
        args += ["--flag", flag]
    return int(cli.json(*args)["id"])


def record_initiation(cli: Dflow, case: int, actor: str) -> Any:
    fields, _ = VALID["initiation"]
    return cli("record", case, "initiation", *[a for f in fields for a in ("--set", f)], "--as", actor)


# ---------------------------------------------------------------------------- organs as data


def test_an_organ_is_added_by_an_admin_as_a_signed_event(county: Dflow) -> None:
    listed = county.json("organ", "list")
    assert listed == [
        {"code": "liulin", "name": "柳林镇人民政府", "level": "township", "parent": "main"},
        {"code": "main", "name": "本机关", "level": "county", "parent": None},
        {"code": "shahe", "name": "沙河乡人民政府", "level": "township", "parent": "main"},
    ]
    added = [e for e in events(county) if e["action"] == "organ_added"]
    assert [json.loads(e["data"]) for e in added] == [
        {"code": "shahe", "name": "沙河乡人民政府", "level": "township", "parent": "main"},
        {"code": "liulin", "name": "柳林镇人民政府", "level": "township", "parent": "main"},
    ]
    assert all(e["actor"] == ADMIN and e["signature"] for e in added)
    first = events(county)[0]
    assert json.loads(first["data"])["organ"] == "main"  # the first admin's registration made the root
    assert county.json("audit", "verify")["ok"]


def test_bad_organs_are_refused_in_their_terms(county: Dflow) -> None:
    before = events(county)
    fails(
        county("organ", "add", "Shahe X", *TOWNSHIP, "--as", ADMIN),
        2,
        "'Shahe X' is not an organ code: lower-case letters a-z, digits, '-' and '_', at most 40\n",
    )
    fails(
        county("organ", "add", "x", "--name", "某", "--level", "province", "--parent", "main", "--as", ADMIN),
        2,
        "'province' is not an organ level (county, department, township)\n",
    )
    fails(county("organ", "add", "shahe", *TOWNSHIP, "--as", ADMIN), 2, "an organ with code 'shahe' exists already\n")
    assert events(county)[: len(before)] == before
    unknown = county("organ", "add", "x", "--name", "某", "--level", "township", "--parent", "nowhere", "--as", ADMIN)
    fails(unknown, 4, "no organ with code 'nowhere'\n")
    # a township officer is no admin: refused, and the attempt is recorded
    fails(
        county("organ", "add", "x", "--name", "某", "--level", "township", "--parent", "shahe", "--as", "ma"),
        5,
        "ma is not an admin of organ shahe (nor of an organ above it) [Arts. 33, 38]\n",
    )
    last = events(county)[-1]
    assert (last["action"], last["actor"], json.loads(last["data"])["attempted"]) == ("refused", "ma", "organ_add")
    zh = county("organ", "add", "Shahe X", *TOWNSHIP, "--as", ADMIN, env=ZH)
    assert zh.exit_code == 2 and "不是有效的机关代码" in zh.stderr


# ---------------------------------------------------------------------------- roles per organ


def test_a_user_acts_only_where_they_hold_a_role(county: Dflow) -> None:
    case = new_case(county, "ma", "shahe")
    # the county officer and the other township's officer hold no role in shahe
    for outsider in (OFFICER, "niu"):
        refused = record_initiation(county, case, outsider)
        assert refused.exit_code == 5, refused.stderr
        last = events(county)[-1]
        assert (last["action"], last["actor"], last["decision_id"]) == ("refused", outsider, case)
        assert json.loads(last["data"])["reasons"][0]["rule"] == "role"
    assert record_initiation(county, case, "ma").exit_code == 0
    # a case is made only where its maker holds the first step's role
    made = county("new", "某事项", "--workflow", "major-decision-township", "--organ", "liulin", "--as", "ma")
    assert made.exit_code == 5 and "officer" in made.stderr
    last = events(county)[-1]
    assert (last["action"], json.loads(last["data"])["args"]["organ"]) == ("refused", "liulin")


def test_a_county_reviewer_granted_in_two_townships_reviews_there_only(county: Dflow) -> None:
    county.ok("user", "grant", REVIEWER, "--organ", "shahe", "--role", "legal_reviewer", "--as", ADMIN)
    granted = [json.loads(e["data"]) for e in events(county) if e["action"] == "membership_changed"]
    assert granted == [{"name": REVIEWER, "organ": "shahe", "old": [], "new": ["legal_reviewer"]}]
    with closing(sqlite3.connect(county.db)) as con:
        assert con.execute("SELECT name, organ, roles FROM memberships").fetchall() == [
            (REVIEWER, "shahe", "legal_reviewer")
        ]
    assert county.json("list", "--as", REVIEWER) == []  # no cases yet
    shahe, liulin = new_case(county, "ma", "shahe"), new_case(county, "niu", "liulin")
    assert [row["id"] for row in county.json("list", "--as", REVIEWER)] == [shahe]
    fails(
        county("list", "--organ", "liulin", "--as", REVIEWER), 5, "qian holds no role in organ liulin [Arts. 33, 38]\n"
    )
    assert liulin not in [row["id"] for row in county.json("list", "--as", REVIEWER)]
    # taken away again: no role there any more
    county.ok("user", "grant", REVIEWER, "--organ", "shahe", "--as", ADMIN)
    assert county.json("list", "--as", REVIEWER) == []
    with closing(sqlite3.connect(county.db)) as con:  # never deleted: the row stays, with no roles
        assert con.execute("SELECT name, organ, roles FROM memberships").fetchall() == [(REVIEWER, "shahe", "")]
    fails(
        county("user", "grant", "ma", "--organ", "shahe", "--role", "executive", "--as", ADMIN),
        2,
        "shahe is ma's own organ: change their roles there with dflow user role\n",
    )


def test_the_county_auditor_and_admin_reach_every_organ_below(county: Dflow) -> None:
    shahe, liulin = new_case(county, "ma", "shahe"), new_case(county, "niu", "liulin")
    county_case = new_case(county, OFFICER, "main")
    everything = [shahe, liulin, county_case]
    for reader in (AUDITOR, ADMIN):
        assert [row["id"] for row in county.json("list", "--as", reader)] == everything
        assert [row["id"] for row in county.json("list", "--all-organs", "--as", reader)] == everything
    assert [row["id"] for row in county.json("list", "--organ", "shahe", "--as", AUDITOR)] == [shahe]
    # a township officer sees their own organ's cases, and may not ask for all
    assert [row["id"] for row in county.json("list", "--as", "ma")] == [shahe]
    fails(
        county("list", "--all-organs", "--as", "ma"),
        5,
        "ma does not reach every organ: list one with --organ, or your own without it [Arts. 33, 38]\n",
    )
    # the county executive holds a role in the county organ only (executive does not reach below)
    assert [row["id"] for row in county.json("list", "--as", EXECUTIVE)] == [county_case]
    # read as no one: the database login decides, every case
    assert [row["id"] for row in county.json("list")] == everything


def test_the_workflow_follows_the_organs_level(county: Dflow) -> None:
    county.ok(
        "organ", "add", "jiaoyu", "--name", "县教育局", "--level", "department", "--parent", "main", "--as", ADMIN
    )
    county.ok("user", "grant", OFFICER, "--organ", "jiaoyu", "--role", "officer", "--as", ADMIN)
    fails(
        county("new", "某事项", "--workflow", "major-decision", "--organ", "shahe", "--as", "ma"),
        2,
        "workflow major-decision is for county organs; organ shahe is a township organ: choose the workflow of"
        " its level, or the organ with --organ\n",
    )
    zh = county(
        "new", "某事项", "--workflow", "major-decision", "--organ", "shahe", "--as", "ma", env={"DFLOW_LANG": "zh"}
    )
    assert (
        zh.stderr
        == "流程 重大行政决策程序（县级以上人民政府） 适用于县级以上机关；机关 shahe 属乡镇：请选用该级的流程，"
        "或用 --organ 指定机关\n"
    )
    # a county department runs the county's workflows
    assert county.json("new", "某事项", "--workflow", "major-decision", "--organ", "jiaoyu", "--as", OFFICER)["id"]
    fails(
        county("new", "某事项", "--workflow", "major-decision-township", "--organ", "jiaoyu", "--as", OFFICER),
        2,
        "workflow major-decision-township is for township organs; organ jiaoyu is a department organ: choose"
        " the workflow of its level, or the organ with --organ\n",
    )


# ---------------------------------------------------------------------------- not for disclosure


def test_a_case_not_for_disclosure_is_read_only_by_who_holds_a_role_in_its_organ(county: Dflow, tmp_path: Path) -> None:
    secret = new_case(county, "ma", "shahe", "non_disclosable")
    open_case = new_case(county, "ma", "shahe")
    for reader in ("ma", AUDITOR, ADMIN):
        assert county.json("show", secret, "--as", reader)["id"] == secret
    for outsider in ("niu", OFFICER, EXECUTIVE):
        message = f"decision {secret} may not be disclosed, and {outsider} holds no role in its organ shahe [Art. 14]\n"
        fails(county("show", secret, "--as", outsider), 5, message)
        fails(county("audit", secret, "--as", outsider), 5, message)
        out = tmp_path / f"{outsider}.pdf"
        fails(county("audit", "export", secret, "--format", "json", "-o", out, "--as", outsider), 5, message)
        assert not out.exists()
        assert county.json("show", open_case, "--as", outsider)["id"] == open_case  # a public matter is readable


def test_a_township_admin_manages_their_township_only(county: Dflow) -> None:
    """An admin of a township adds users there, but touches neither the county's users, nor the
    tree above it, nor what every organ shares (the workflow definitions)."""
    county.ok("user", "add", "ma_admin", "--role", "admin", "--organ", "shahe", "--as", ADMIN)
    county.ok("user", "add", "yang", "--role", "executive", "--organ", "shahe", "--as", "ma_admin")
    county.ok("user", "role", "ma", "--role", "officer", "--role", "executive", "--as", "ma_admin")
    fails(
        county("user", "deactivate", OFFICER, "--as", "ma_admin"),
        5,
        "ma_admin is not an admin of organ main (nor of an organ above it) [Arts. 33, 38]\n",
    )
    fails(
        county("user", "add", "wu", "--role", "officer", "--organ", "liulin", "--as", "ma_admin"),
        5,
        "ma_admin is not an admin of organ liulin (nor of an organ above it) [Arts. 33, 38]\n",
    )
    fails(
        county("organ", "add", "x", *OTHER, "--as", "ma_admin"),
        5,
        "ma_admin is not an admin of organ main (nor of an organ above it) [Arts. 33, 38]\n",
    )
    shipped = Path(__file__).parents[1] / "workflows" / "major-decision.toml"
    fails(
        county("workflow", "install", shipped, "--as", "ma_admin"),
        5,
        "ma_admin is not an admin of organ main (nor of an organ above it) [Arts. 33, 38]\n",
    )
    refused = [json.loads(e["data"])["attempted"] for e in events(county) if e["action"] == "refused"]
    assert refused == ["user_deactivate", "user_add", "organ_add", "workflow_install"]
    # the county's admin reaches the township's users
    county.ok("user", "deactivate", "yang", "--as", ADMIN)
