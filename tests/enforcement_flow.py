"""Test helpers for the administrative penalty procedure (行政处罚, with 法制审核): a valid walk
through the CLI, step by step, and what a refused attempt must leave unchanged.

`VALID` holds, per step, field values and evidence kinds that pass every rule of the shipped
workflow `enforcement-decision`; tests change one thing to prove one rule. The dates straddle
the 2024 National Day holiday (10-01..07; 09-29 and 10-12 adjusted working days).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.flow import ADMIN, OFFICER, ROLES_OF, evidence_file
from tests.test_cli import Dflow, fails

SHIPPED = Path(__file__).resolve().parent.parent / "workflows" / "enforcement-decision.toml"
WORKFLOW = "enforcement-decision"
TITLE = "沙河乡某加工作坊向河道排放污水案"
ZH = {"DFLOW_LANG": "zh"}

VALID: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "filing": (
        {
            "filed_on": "2024-09-02",
            "case_number": "沙综执罚立〔2024〕12号",
            "case_summary": "某加工作坊未经处理向河道排放生产污水",
            "party": "某加工作坊（经营者王某）",
        },
        ("filing_form",),
    ),
    "investigation": (
        {"investigators": "张执法,李执法", "investigators_certified": "true", "findings": "多次直排污水"},
        ("transcripts",),
    ),
    "prior_notice": (
        {
            "notice": "given",
            "notified_on": "2024-09-27",
            "proposed_penalty": "罚款人民币五万元",
            "rights_told": "陈述,申辩,听证",
        },
        ("notice_letter",),
    ),
    "statement": ({"statement_made": "false"}, ()),
    "hearing": (
        {
            "hearing_requested": "true",
            "requested_on": "2024-10-10",  # the 5th working day after 09-27, across National Day
            "hearing_notice_on": "2024-10-10",
            "held_on": "2024-10-18",  # the 7th working day after 10-10 (10-12, a Saturday, counts)
            "presiding_officer": "赵法制",
            "presiding_not_investigator": "true",
            "party_absent": "false",
        },
        ("hearing_transcript",),
    ),
    "legal_review": (
        {
            "reviewer": "孙审核",
            "reviewer_first_time": "true",
            "reviewer_qualified": "true",
            "opinion": "agree",
            "reviewed_on": "2024-10-25",
        },
        ("review_opinion",),
    ),
    "case_decision": (
        {
            "outcome": "penalty",
            "decided_on": "2024-10-30",
            "decided_by": "沙河乡人民政府乡长",
            "penalty": "罚款人民币五万元",
        },
        ("decision_document",),
    ),
    "delivery": ({"delivered_on": "2024-11-05", "method": "served"}, ("proof_of_service",)),
    "publicity": ({"published_on": "2024-11-06", "where_published": "沙河乡人民政府门户网站"}, ()),
}
STEPS = list(VALID)
# The Art. 58 / GOB 118 flag and the listed-penalty flag: the full procedure.
FULL = ("hearing_eligible", "legal_review_required")


def setup(tmp_path: Path) -> Dflow:
    """dflow on an initialised database with the township organ 沙河乡 and its officer."""
    cli = Dflow.initialised(tmp_path)
    cli.ok(
        "organ", "add", "shahe", "--name", "沙河乡人民政府", "--level", "township", "--parent", "main", "--as", ADMIN
    )
    for name, role in ROLES_OF.items():
        cli.ok("user", "grant", name, "--organ", "shahe", "--role", role, "--as", ADMIN)
    return cli


def new(cli: Dflow, flags: tuple[str, ...] = FULL, title: str = TITLE) -> int:
    flagged = [a for f in flags for a in ("--flag", f)]
    return int(cli.json("new", title, "--workflow", WORKFLOW, "--organ", "shahe", *flagged, "--as", OFFICER)["id"])


def args(cli: Dflow, case: int, step: str, overrides: dict[str, str], attach: bool = True) -> list[Any]:
    """`dflow record` of `step` with VALID values, `overrides` applied ("" leaves a field out)."""
    values, kinds = VALID[step]
    out: list[Any] = ["record", case, step]
    for name, value in {**values, **overrides}.items():
        if value != "":
            out += ["--set", f"{name}={value}"]
    for kind in kinds if attach else ():
        out += ["--attach", f"{kind}={evidence_file(cli.files, kind)}"]
    return [*out, "--as", OFFICER]


def record(cli: Dflow, case: int, step: str, **overrides: str) -> None:
    assert cli.ok(*args(cli, case, step, overrides)).stdout == f"recorded on step {step}\n"


def attach(cli: Dflow, case: int, step: str, kind: str) -> None:
    cli.ok("record", case, step, "--attach", f"{kind}={evidence_file(cli.files, kind)}", "--as", OFFICER)


def bring_to(cli: Dflow, case: int, step: str, start: str = "filing", **overrides: dict[str, str]) -> None:
    """Walk `case` from `start` with VALID data (and per-step `overrides`) until it stands at `step`."""
    for name in STEPS[STEPS.index(start) : STEPS.index(step)]:
        record(cli, case, name, **overrides.get(name, {}))
        assert cli.ok("advance", case, "--as", OFFICER).stdout.startswith(f"decision {case} moved to ")


def state(cli: Dflow, case: int) -> Any:
    """What a refused attempt must leave as it was: the case as `dflow show` gives it."""
    return cli.json("show", case)


def refused(cli: Dflow, case: int, attempt: tuple[Any, ...], message: str) -> None:
    """`attempt` is refused by the procedure (exit 3) with exactly `message`, and the case is unchanged."""
    before = state(cli, case)
    fails(cli(*attempt), 3, message)
    assert state(cli, case) == before


def complete(cli: Dflow, case: int, step: str) -> str:
    return str(cli.ok("complete", case, step, "--as", OFFICER).stdout)


def marks(cli: Dflow, case: int, step: str) -> list[tuple[str, str]]:
    """The (article, detail) of the marks (e.g. late) recorded when `step` was completed."""
    done = [e for e in cli.json("audit", case)["events"] if e["action"] == "completed" and e["step"] == step]
    return [(m["article"], m["detail"]) for m in done[-1]["data"].get("marks", [])]


def cannot_complete(step: str, *reasons: tuple[str, str]) -> str:
    """The message of a refused `dflow complete`, in English."""
    return f"step {step} cannot be completed\n" + "".join(f"  · [{a}] {d}\n" for a, d in reasons)


# Lines whose removal (or replacement) from the shipped file `dflow workflow check` must refuse,
# and the problem it names.
GATES_REMOVED = [
    (
        'kind = "min_items", field = "investigators"',
        None,
        "investigation.rules: investigation must keep its rule min_items investigators ≥ 2 [Penalty Law Art. 42]",
    ),
    (
        "min = 2,",
        "min = 1,",
        "investigation.rules: investigation must keep its rule min_items investigators ≥ 2 [Penalty Law Art. 42]",
    ),
    (
        'kind = "field_equals", field = "investigators_certified"',
        None,
        "investigation.rules: investigation must keep its rule field_equals investigators_certified = true"
        " [Penalty Law Art. 42]",
    ),
    (
        'kind = "requires_outcome", prior_step = "prior_notice"',
        None,
        "case_decision.rules: case_decision must keep its rule requires_outcome notice (given or waived)"
        " [Penalty Law Art. 62]",
    ),
    (
        'kind = "evidence_when", field = "notice", value = "waived"',
        None,
        "prior_notice.rules: prior_notice must keep its rule evidence_when notice_waiver (notice waived)"
        " [Penalty Law Art. 62]",
    ),
    (
        'waiver = { policy = "unless_flag", flag = "legal_review_required"',
        'waiver = { policy = "unless_flag", flag = "hearing_eligible"',
        "legal_review.waiver: legal_review may be waived only without the flag legal_review_required"
        " (unless_flag legal_review_required) or never [Penalty Law Art. 58; GOB 118 §12]",
    ),
    (
        'kind = "blocks_leaving", field = "opinion", value = "problems"',
        None,
        "legal_review.rules: legal_review must keep its rule blocks_leaving opinion = problems"
        " [Penalty Law Art. 58; GOB 118 §13]",
    ),
    (
        'kind = "field_equals", field = "reviewer_qualified"',
        None,
        "legal_review.rules: legal_review must keep its rule field_equals reviewer_qualified (first-time reviewer)"
        " [Penalty Law Art. 58 ¶2]",
    ),
    (
        'kind = "field_equals", field = "presiding_not_investigator"',
        None,
        "hearing.rules: hearing must keep its rule field_equals presiding_not_investigator = true"
        " [Penalty Law Art. 64(4)]",
    ),
    (
        "days = 7, when",
        "days = 3, when",
        "hearing.rules: hearing must keep its rule min_working_days hearing_notice_on → held_on ≥ 7"
        " [Penalty Law Arts. 64(2), 85]",
    ),
    (
        'period = { days = 90, unit = "calendar" }',
        'period = { days = 120, unit = "calendar" }',
        "case_decision.rules: case_decision must keep its rule deadline 90 days after filed_on [Penalty Law Art. 60]",
    ),
    (
        'field = "requested_on", period = { days = 5, unit = "working" }',
        'field = "requested_on", period = { days = 5, unit = "calendar" }',
        "hearing.rules: hearing must keep its rule deadline requested_on ≤ 5 working days"
        " [Penalty Law Arts. 64(1), 85]",
    ),
    (
        'field = "delivered_on", period = { days = 7, unit = "working" }',
        'field = "delivered_on", period = { days = 10, unit = "working" }',
        "delivery.rules: delivery must keep its rule deadline delivered_on ≤ 7 working days [Penalty Law Arts. 61, 85]",
    ),
    (
        'field = "preservation_decided_on", period = { days = 7, unit = "working" }',
        'field = "preservation_decided_on", period = { days = 7, unit = "calendar" }',
        "investigation.rules: investigation must keep its rule deadline preservation_decided_on ≤ 7 working days"
        " [Penalty Law Arts. 56, 85]",
    ),
    (
        "refuse = true, ",
        "",
        "hearing.rules: hearing must keep its rule deadline requested_on refuse = true [Penalty Law Art. 64(1)]",
    ),
    (
        'field = "published_on", period = { days = 7, unit = "working" }',
        'field = "published_on", period = { days = 7, unit = "calendar" }',
        "publicity.rules: publicity must keep its rule deadline published_on ≤ 7 working days [GOB 118 §6]",
    ),
    (
        'waiver = { policy = "never", article = "Penalty Law Art. 62" }',
        'waiver = { policy = "unless_flag", flag = "social_impact", article = "Penalty Law Art. 62" }',
        "prior_notice.waiver: prior_notice can never be waived (Penalty Law Art. 62)",
    ),
]
