"""The workflow loader (decision_flow.definition.workflow) and the legal-invariant validator
(decision_flow.procedures.major_decision.invariants).

The expected structure of the shipped workflows is written out below as literal data taken
from spec/PROCEDURE.md ("Stages, steps and fields of the shipped workflows"), never read back
from the TOML, so a drift between the files and the procedure is caught.

Malformed and illegal variants are made from the shipped text read from disk, mutated with
``str.replace`` (each mutation asserts that its anchor occurs exactly once, so a change to the
shipped file cannot make a test silently vacuous) and written into ``tmp_path``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from transitions import Machine

from decision_flow.core.errors import WorkflowError
from decision_flow.definition.cache import load_cached
from decision_flow.definition.loader import parse
from decision_flow.definition.workflow import Workflow
from decision_flow.procedures import get, load_file, registry

COUNTY, TOWNSHIP = "major-decision", "major-decision-township"

# --------------------------------------------------------------------------------------------
# Expected structure, from PROCEDURE.md.
#
# A field is (name, type, required, choices). Types PROCEDURE.md leaves implicit follow its
# conventions: `*_on` are ISO dates, comma-separated name lists (`channels`, `experts`,
# `stances`) are lists, the rest is text. "required when ..." (urgency_reason, head_reasons,
# dissent, hearing_record) is a conditional rule, not a static required flag.
# Read as required because PROCEDURE.md makes them unconditional: `experts` ("at least one"),
# `conflicts_declared` ("must be true"), the legality `opinion` (an unreviewed draft never
# reaches the decision, Art. 25) and `meeting_type` (R17: the meeting type is checked).
# An evidence kind is (kind, required).
# --------------------------------------------------------------------------------------------

F = tuple[str, str, bool, tuple[str, ...]]


def f(name: str, type_: str = "text", required: bool = False, choices: tuple[str, ...] = ()) -> F:
    return (name, type_, required, choices)


PROPOSER_KINDS = ("organ_leader", "department", "lower_government", "deputy", "cppcc_member", "public")
HEAD_DECISIONS = ("approved", "rejected", "amend", "deferred", "rediscuss")
COUNTY_MEETINGS = ("standing_meeting", "plenary_meeting")
TOWNSHIP_MEETINGS = ("township_office_meeting", "party_government_joint_meeting")


def expected_stages(meetings: tuple[str, ...]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Stages in order, each with its steps: name, role, fields and evidence."""
    return [
        (
            "initiation",
            [
                {
                    "name": "initiation",
                    "roles": ("officer",),
                    "fields": [
                        f("proposer_kind", "enum", False, PROPOSER_KINDS),
                        f("proposed_by"),
                        f("undertaking_unit", required=True),
                        f("start_approved_on", "date", True),
                        f("catalogue_item"),
                    ],
                    "evidence": [],
                }
            ],
        ),
        (
            "drafting",
            [
                {
                    "name": "drafting",
                    "roles": ("officer",),
                    "fields": [
                        f("legal_basis", required=True),
                        f("alternatives", "integer"),
                        f("units_consulted"),
                    ],
                    "evidence": [("draft", True)],
                }
            ],
        ),
        (
            "consultation",
            [
                {
                    "name": "public_participation",
                    "roles": ("officer",),
                    "fields": [
                        f("opened_on", "date", True),
                        f("closed_on", "date", True),
                        f("urgency_reason"),
                        f("channels", "list"),
                        f("opinions_received", "integer"),
                        f("opinions_adopted", "integer"),
                        f("hearing_held", "bool"),
                        f("hearing_on", "date"),
                        f("hearing_materials_sent_on", "date"),
                    ],
                    "evidence": [("notice", True), ("opinion_handling", True), ("hearing_record", False)],
                },
                {
                    "name": "expert_review",
                    "roles": ("officer",),
                    "fields": [
                        f("held_on", "date", True),
                        f("experts", "list", True),
                        f("conflicts_declared", "bool", True),
                    ],
                    "evidence": [("expert_opinions", True), ("expert_handling", True)],
                },
                {
                    "name": "risk_assessment",
                    "roles": ("officer",),
                    "fields": [
                        f("completed_on", "date", True),
                        f("assessed_by", required=True),
                        f("risk_level", "enum", False, ("low", "medium", "high")),
                        f("controllable", "bool", True),
                    ],
                    "evidence": [("risk_report", True)],
                },
            ],
        ),
        (
            "legality_review",
            [
                {
                    "name": "legality_review",
                    "roles": ("legal_reviewer",),
                    "fields": [
                        f("submitted_on", "date", True),
                        f("opinion_on", "date", True),
                        f("reviewer_unit", required=True),
                        f("legal_adviser", required=True),
                        f("opinion", "enum", True, ("lawful", "lawful_with_revisions", "unlawful")),
                    ],
                    "evidence": [("review_packet", True), ("legality_opinion", True)],
                }
            ],
        ),
        (
            "collective_decision",
            [
                {
                    "name": "collective_decision",
                    "roles": ("executive",),
                    "fields": [
                        f("meeting_type", "enum", True, meetings),
                        f("held_on", "date", True),
                        f("stances", "list", True),
                        f("head_decision", "enum", True, HEAD_DECISIONS),
                        f("head_reasons"),
                        f("dissent"),
                    ],
                    "evidence": [("minutes", True), ("fair_competition_review", False)],
                }
            ],
        ),
        (
            "party_report",
            [
                {
                    "name": "party_report",
                    "roles": ("officer",),
                    "fields": [f("reported_on", "date", True), f("party_committee", required=True)],
                    "evidence": [],
                }
            ],
        ),
        (
            "publication",
            [
                {
                    "name": "publication",
                    "roles": ("officer",),
                    "fields": [f("published_on", "date", True), f("channels", "list", True)],
                    "evidence": [("publication_copy", False)],
                }
            ],
        ),
        (
            "archiving",
            [
                {
                    "name": "archiving",
                    "roles": ("officer",),
                    "fields": [f("archived_on", "date", True), f("archive_ref", required=True)],
                    "evidence": [],
                }
            ],
        ),
    ]


EXPECTED = {
    COUNTY: {"level": "county", "stages": expected_stages(COUNTY_MEETINGS)},
    TOWNSHIP: {"level": "township", "stages": expected_stages(TOWNSHIP_MEETINGS)},
}

# (policy, flag, with_reference); every step not listed here can never be waived.
WAIVERS = {
    "legality_review": ("never", None, False),
    "collective_decision": ("never", None, False),
    "public_participation": ("only_when_flag", "non_disclosable", False),
    "publication": ("only_when_flag", "non_disclosable", False),
    "expert_review": ("unless_flag", "technical", False),
    "risk_assessment": ("unless_flag", "stability_risk", True),
}
FLAGS = {"technical", "stability_risk", "hearing_required", "non_disclosable", "market_affecting"}


def actual_stages(wf: Workflow) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (
            stage.name,
            [
                {
                    "name": step.name,
                    "roles": step.roles,
                    "fields": [(x.name, x.type, x.required, x.choices) for x in step.fields],
                    "evidence": [(e.kind, e.required) for e in step.evidence],
                }
                for step in stage.steps
            ],
        )
        for stage in wf.stages
    ]


# --------------------------------------------------------------------------------------------
# 1. The shipped workflows
# --------------------------------------------------------------------------------------------


def test_registry_holds_exactly_the_shipped_workflows() -> None:
    workflows = registry()
    assert sorted(workflows) == [
        "enforcement-decision",
        COUNTY,
        TOWNSHIP,
        "mediation",
        "normative-document",
        "normative-document-township",
        "petition",
    ]
    for name, wf in workflows.items():
        assert wf.name == name
        assert get(name) is wf
        assert Path(wf.source).is_file()
        assert Path(wf.source).suffix == ".toml"


@pytest.mark.parametrize("name", [COUNTY, TOWNSHIP])
def test_shipped_stage_and_step_names_match_procedure(name: str) -> None:
    wf = get(name)
    expected = EXPECTED[name]["stages"]
    assert [s.name for s in wf.stages] == [stage for stage, _ in expected]
    assert [[st.name for st in s.steps] for s in wf.stages] == [
        [step["name"] for step in steps] for _, steps in expected
    ]
    assert wf.level == EXPECTED[name]["level"]


@pytest.mark.parametrize("name", [COUNTY, TOWNSHIP])
def test_shipped_fields_evidence_and_roles_match_procedure(name: str) -> None:
    wf = get(name)
    expected = EXPECTED[name]["stages"]
    actual = actual_stages(wf)
    # Compare step by step first so a failure names the step that drifted.
    for (stage, exp_steps), (_, act_steps) in zip(expected, actual, strict=True):
        for exp, act in zip(exp_steps, act_steps, strict=True):
            assert act == exp, f"{name}: stage {stage}, step {exp['name']}"
    assert actual == expected


def test_the_two_workflows_differ_only_in_meeting_type_choices() -> None:
    county, township = get(COUNTY), get(TOWNSHIP)
    assert county.step("collective_decision").field("meeting_type").choices == COUNTY_MEETINGS
    assert township.step("collective_decision").field("meeting_type").choices == TOWNSHIP_MEETINGS
    county_s, township_s = actual_stages(county), actual_stages(township)
    assert county_s != township_s
    assert expected_stages(TOWNSHIP_MEETINGS) == township_s


@pytest.mark.parametrize("name", [COUNTY, TOWNSHIP])
def test_shipped_waiver_policies_match_procedure(name: str) -> None:
    wf = get(name)
    for step in wf.steps():
        expected = WAIVERS.get(step.name, ("never", None, False))
        actual = (step.waiver.policy, step.waiver.flag, step.waiver.with_reference)
        assert actual == expected, f"{name}: waiver of {step.name}"


@pytest.mark.parametrize("name", [COUNTY, TOWNSHIP])
def test_shipped_flags_are_the_five_of_procedure(name: str) -> None:
    assert set(get(name).flags) == FLAGS


@pytest.mark.parametrize("name", [COUNTY, TOWNSHIP])
def test_shipped_consultation_steps_are_marked_and_legal_minimums_are_set(name: str) -> None:
    wf = get(name)
    assert [s.name for s in wf.steps() if s.consultation] == [
        "public_participation",
        "expert_review",
        "risk_assessment",
    ]
    review = wf.step("legality_review")
    assert [(r.kind, r.params.get("days")) for r in review.rules if r.kind == "min_working_days"] == [
        ("min_working_days", 7)
    ]
    assert any(
        r.kind == "blocks_leaving"
        and r.params["field"] == "opinion"
        and r.params["value"] == "unlawful"
        and r.params["return_to"] == "drafting"
        for r in review.rules
    )
    comment = [
        r for r in wf.step("public_participation").rules if r.kind == "min_days" and r.params["from"] == "opened_on"
    ]
    assert [(r.params["to"], r.params["days"], r.params.get("unless")) for r in comment] == [
        ("closed_on", 30, "urgency_reason")
    ]
    risk = wf.step("risk_assessment")
    assert any(
        r.kind == "blocks_leaving"
        and r.params["field"] == "controllable"
        and r.params["value"] is False
        and r.params["return_to"] == "drafting"
        for r in risk.rules
    )


def test_the_shipped_workflows_load_from_disk_with_load_file() -> None:
    for name in (COUNTY, TOWNSHIP):
        shipped = get(name)
        again = load_file(Path(shipped.source))
        assert again.name == name
        assert again.sha256 == shipped.sha256
        assert actual_stages(again) == EXPECTED[name]["stages"]


def test_a_workflow_is_parsed_once_and_then_read_from_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    """The cache holds the parsed, checked workflow under the SHA-256 of the file (and of the
    code that checks it); a changed file is a new entry; a damaged or foreign entry is ignored."""
    path = tmp_path / "mine.toml"
    path.write_bytes(Path(get(COUNTY).source).read_bytes())
    store = cache_dir / "dflow" / "workflows"
    shipped = set(store.iterdir()) if store.exists() else set()  # get() may have cached the shipped files
    first = load_cached(path, load_file)
    entries = list(set(store.iterdir()) - shipped)
    assert len(entries) == 1 and entries[0].stat().st_mode & 0o777 == 0o600
    again = load_cached(path, load_file)
    assert again == first and again is not first  # unpickled, equal to the fresh parse
    assert again.steps_by_name == load_file(path).steps_by_name

    path.write_bytes(path.read_bytes().replace(b"version = 2", b"version = 3", 1))  # a new file version
    assert load_cached(path, load_file).version == 3
    assert len(set(store.iterdir()) - shipped) == 2

    entry = next(e for e in set(store.iterdir()) - shipped if e != entries[0])
    entry.write_bytes(b"not a pickle")  # damaged: parsed again and rewritten
    assert load_cached(path, load_file).version == 3
    entry.chmod(0o666)  # writable by others: never unpickled
    entry.write_bytes(entries[0].read_bytes())  # (it would claim version 2)
    assert load_cached(path, load_file).version == 3


# --------------------------------------------------------------------------------------------
# Helpers: the shipped text, mutations, stage and step blocks
# --------------------------------------------------------------------------------------------


def shipped_text(name: str = COUNTY) -> str:
    return Path(get(name).source).read_text("utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"mutation anchor {old!r} must occur exactly once"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, filename: str = "variant.toml") -> Path:
    path = tmp_path / filename
    path.write_text(text, "utf-8")
    return path


STAGE_SEP = "\n[[stages]]\n"
STEP_SEP = "\n[[stages.steps]]\n"


def split_stages(text: str) -> tuple[str, dict[str, str]]:
    """The text before the first stage, and each stage's block (in order) by stage name."""
    head, *blocks = text.split(STAGE_SEP)
    by_name = {}
    for block in blocks:
        match = re.match(r'name = "([a-z_]+)"\n', block)
        assert match, block[:80]
        by_name[match.group(1)] = block
    assert len(by_name) == len(blocks) == 8
    return head, by_name


def join_stages(head: str, blocks: list[str]) -> str:
    return head + "".join(STAGE_SEP + b for b in blocks)


def error_of(path: Path) -> str:
    with pytest.raises(WorkflowError) as info:
        load_file(path)
    return str(info.value)


# --------------------------------------------------------------------------------------------
# 2. Loader errors: file, key path, problem
# --------------------------------------------------------------------------------------------

# (id, old, new, key path, problem)
SCHEMA_CASES = [
    ("missing_key", 'roles = ["executive"]\n', "", "stages[4].steps[0].roles", "is missing"),
    (
        "wrong_type",
        '{ name = "undertaking_unit", type = "text", required = true,',
        '{ name = "undertaking_unit", type = "text", required = "yes",',
        "stages[0].steps[0].fields[2].required",
        "must be bool, not str",
    ),
    ("wrong_type_top_level", "version = 2\n", 'version = "2"\n', "version", "must be int, not str"),
    (
        "unknown_key",
        '{ name = "legal_adviser", type = "text",',
        '{ name = "legal_adviser", mandatory = true, type = "text",',
        "stages[3].steps[0].fields[3].mandatory",
        "unknown key",
    ),
    (
        "unknown_field_type",
        '{ name = "closed_on", type = "date",',
        '{ name = "closed_on", type = "datetime",',
        "stages[2].steps[0].fields[1].type",
        "'datetime' is not one of",
    ),
    (
        "unknown_rule_kind",
        '{ kind = "min_working_days",',
        '{ kind = "min_workdays",',
        "stages[3].steps[0].rules[0].kind",
        "unknown rule kind 'min_workdays'",
    ),
    (
        "rule_missing_parameter",
        'to = "opinion_on", days = 7, ',
        'to = "opinion_on", ',
        "stages[3].steps[0].rules[0].days",
        "is missing (rule kind min_working_days needs",
    ),
    (
        "rule_unknown_parameter",
        'field = "experts", min = 1,',
        'field = "experts", min = 1, max = 9,',
        "stages[2].steps[1].rules[0].max",
        "is not a parameter of rule kind min_items",
    ),
    (
        "enum_without_choices",
        'type = "enum", choices = ["low", "medium", "high"], ',
        'type = "enum", ',
        "stages[2].steps[2].fields[2].choices",
        "an enum field needs a list of string choices",
    ),
    (
        "unknown_role",
        'roles = ["legal_reviewer"]',
        'roles = ["lawyer"]',
        "stages[3].steps[0].roles",
        "must list roles among officer, legal_reviewer, executive",
    ),
    (
        "unknown_waiver_policy",
        'waiver = { policy = "never", article = "Art. 25" }',
        'waiver = { policy = "sometimes", article = "Art. 25" }',
        "stages[3].steps[0].waiver.policy",
        "'sometimes' is not one of never, only_when_flag",
    ),
    (
        "duplicate_field",
        '{ name = "dissent", type = "text",',
        '{ name = "head_reasons", type = "text",',
        "stages[4].steps[0].fields",
        "names a field twice",
    ),
    (
        "invalid_name",
        'name = "archive_ref"',
        'name = "archive ref"',
        "stages[7].steps[0].fields[1].name",
        "is not a valid name",
    ),
    (
        "bad_outcome_route",
        'amend = "return:drafting"',
        'amend = "back"',
        "stages[4].steps[0].outcome.routes.amend",
        "is not advance, reject, stay or return:STAGE",
    ),
    pytest.param(
        "rule_parameter_wrong_type",
        'to = "opinion_on", days = 7,',
        'to = "opinion_on", days = "7",',
        "stages[3].steps[0].rules[0].days",
        "must be int",
        id="rule_parameter_wrong_type",
    ),
    pytest.param(
        "outcome_route_not_a_string",
        'approved = "advance"',
        "approved = 1",
        "stages[4].steps[0].outcome.routes.approved",
        "is not advance, reject, stay",
        id="outcome_route_not_a_string",
    ),
]


@pytest.mark.parametrize(
    ("case", "old", "new", "key_path", "problem"),
    SCHEMA_CASES,
    ids=[c[0] if isinstance(c, tuple) else c.id for c in SCHEMA_CASES],
)
def test_schema_error_names_file_key_path_and_problem(
    tmp_path: Path, case: str, old: str, new: str, key_path: str, problem: str
) -> None:
    path = write(tmp_path, replace_once(shipped_text(), old, new), f"{case}.toml")
    message = error_of(path)
    assert message.startswith(f"{path}: ")
    assert f": {key_path}: " in message
    assert problem in message


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    text = shipped_text()
    line = text.splitlines().index('level = "county"') + 1
    path = write(tmp_path, replace_once(text, 'level = "county"\n', 'level = = "county"\n'))
    message = error_of(path)
    assert message.startswith(f"{path}: not valid TOML: ")
    assert f"line {line}," in message


def test_duplicate_step_name_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, replace_once(shipped_text(), 'name = "expert_review"', 'name = "public_participation"'))
    message = error_of(path)
    assert message.startswith(f"{path}: stages")
    assert "step 'public_participation' appears twice" in message


def test_duplicate_step_name_error_names_the_key_path(tmp_path: Path) -> None:
    path = write(tmp_path, replace_once(shipped_text(), 'name = "expert_review"', 'name = "public_participation"'))
    message = error_of(path)
    assert f"{path}: stages[2].steps[1].name: " in message
    assert "'public_participation' appears twice" in message


def test_duplicate_stage_name_is_refused(tmp_path: Path) -> None:
    text = replace_once(shipped_text(), 'name = "party_report"\narticle', 'name = "publication"\narticle')
    # The step keeps its own name, so only the stage name is duplicated.
    message = error_of(write(tmp_path, text))
    assert "stages[6].name: 'publication' appears twice" in message


def test_non_utf8_file_names_file_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b"\xff\xfeschema = 1\n")
    message = error_of(path)
    assert message == f"{path}: not UTF-8 text (byte 0)"


def test_non_utf8_byte_in_the_middle_names_its_offset(tmp_path: Path) -> None:
    raw = shipped_text().encode("utf-8")
    offset = raw.index(b'name = "major-decision"')
    path = tmp_path / "broken.toml"
    path.write_bytes(raw[:offset] + b"\xff" + raw[offset:])
    assert error_of(path) == f"{path}: not UTF-8 text (byte {offset})"


def test_missing_file_names_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "absent.toml"
    assert error_of(path) == f"{path}: no such file"


def test_parse_names_the_given_source() -> None:
    with pytest.raises(WorkflowError) as info:
        parse(replace_once(shipped_text(), "schema = 1\n", "schema = 2\n"), "<provincial rules>")
    assert str(info.value) == "<provincial rules>: schema: only schema 1 is understood"


# --------------------------------------------------------------------------------------------
# 3. Legal invariants
# --------------------------------------------------------------------------------------------

# The county file is the whole procedure; the township file `extends` it, so a township (or any
# locality extending a shipped file) can break an invariant only through a patch: see the
# township cases after these.
BOTH = pytest.mark.parametrize("name", [COUNTY])

REVIEW_RULES = (
    '{ kind = "min_working_days", from = "submitted_on", to = "opinion_on", days = DAYS, article = "Art. 26" }, '
    '{ kind = "blocks_leaving", field = "opinion", value = "unlawful", return_to = "drafting", article = "Art. 25" }'
)

# (id, patch laid over the township file, the place and problem named)
TOWNSHIP_PATCHES = [
    (
        "waivable_review",
        '[steps.legality_review]\nwaiver = { policy = "only_when_flag", flag = "non_disclosable", article = "Art. 25"}',
        "legality_review.legality_review.waiver: legality_review can never be waived (Art. 25)",
    ),
    (
        "waivable_meeting",
        '[steps.collective_decision]\nwaiver = { policy = "unless_flag", flag = "technical", article = "Art. 30" }',
        "collective_decision.collective_decision.waiver: collective_decision can never be waived (Art. 30)",
    ),
    (
        "short_review",
        f"[steps.legality_review]\nrules = [{REVIEW_RULES.replace('DAYS', '5')}]",
        "legality_review.rules: legality review needs min_working_days of at least 7 (Art. 26)",
    ),
    (
        "unlawful_passes",
        f"[steps.legality_review]\nrules = [{REVIEW_RULES.replace('DAYS', '7').split('}, ')[0]}}}]",
        "legality_review.rules: an unlawful opinion must block the stage (Art. 25)",
    ),
    (
        "officer_reviews",
        '[steps.legality_review]\nroles = ["officer"]',
        "legality_review.roles: the legality review is done by a legal_reviewer (Art. 25)",
    ),
    (
        "short_comment_period",
        '[steps.public_participation]\nrules = [{ kind = "min_days", from = "opened_on", to = "closed_on", days = 20,'
        ' unless = "urgency_reason", article = "Art. 15" }]',
        "public_participation.rules: the comment period needs min_days of at least 30 (Art. 15)",
    ),
    (
        "stages_redefined",
        '[[stages]]\nname = "legality_review"',
        "stages: an extending file patches steps (steps.NAME) and may not redefine stages",
    ),
    (
        "unknown_step",
        '[steps.legal_review]\nroles = ["legal_reviewer"]',
        "steps.legal_review: no step 'legal_review' in the workflow it extends (major-decision)",
    ),
    (
        "renamed_step",
        '[steps.legality_review]\nname = "review"',
        "steps.legality_review.name: a step keeps its name",
    ),
]


@pytest.mark.parametrize(("patch", "problem"), [c[1:] for c in TOWNSHIP_PATCHES], ids=[c[0] for c in TOWNSHIP_PATCHES])
def test_an_extending_file_may_not_break_an_invariant(tmp_path: Path, patch: str, problem: str) -> None:
    path = write(tmp_path, shipped_text(TOWNSHIP) + "\n" + patch + "\n")
    assert error_of(path) == f"{path}: {problem}"


def test_the_township_file_only_names_what_differs() -> None:
    """The township file is the county one, extended: the same stages, steps and rules, the
    township's own meetings and reviewer, and a few lines long."""
    county, township = get(COUNTY), get(TOWNSHIP)
    assert township.extends == COUNTY and township.base_sha256 == county.sha256
    assert [s.name for s in township.stages] == [s.name for s in county.stages]
    assert [st.rules for st in township.steps()] == [st.rules for st in county.steps()]
    assert len(shipped_text(TOWNSHIP).splitlines()) < 30


def test_a_changed_base_is_a_changed_extending_definition(tmp_path: Path) -> None:
    """The extending file's SHA-256 covers its base's: a case pinned to it notices either change."""
    base = parse(shipped_text(COUNTY), "county.toml")
    changed = parse(shipped_text(COUNTY).replace("version = 2", "version = 3", 1), "county.toml")
    assert changed.sha256 != base.sha256
    one = parse(shipped_text(TOWNSHIP), "township.toml", lambda name: base)
    two = parse(shipped_text(TOWNSHIP), "township.toml", lambda name: changed)
    assert one.stages == two.stages and one.sha256 != two.sha256


@BOTH
def test_legality_review_may_not_be_waivable(tmp_path: Path, name: str) -> None:
    text = replace_once(
        shipped_text(name),
        'waiver = { policy = "never", article = "Art. 25" }',
        'waiver = { policy = "only_when_flag", flag = "non_disclosable", article = "Art. 25" }',
    )
    path = write(tmp_path, text)
    message = error_of(path)
    assert message == (f"{path}: legality_review.legality_review.waiver: legality_review can never be waived (Art. 25)")


@BOTH
def test_collective_decision_may_not_be_waivable(tmp_path: Path, name: str) -> None:
    text = replace_once(
        shipped_text(name),
        'waiver = { policy = "never", article = "Art. 30" }',
        'waiver = { policy = "unless_flag", flag = "technical", article = "Art. 30" }',
    )
    path = write(tmp_path, text)
    message = error_of(path)
    assert message == (
        f"{path}: collective_decision.collective_decision.waiver: collective_decision can never be waived (Art. 30)"
    )


@BOTH
def test_legality_review_stage_may_not_be_removed(tmp_path: Path, name: str) -> None:
    head, blocks = split_stages(shipped_text(name))
    del blocks["legality_review"]
    path = write(tmp_path, join_stages(head, list(blocks.values())))
    message = error_of(path)
    assert message.startswith(f"{path}: stages: ")
    assert "the legality_review stage is missing" in message
    assert "Art. 25" in message or "Arts. 25" in message


@BOTH
def test_collective_decision_stage_may_not_be_removed(tmp_path: Path, name: str) -> None:
    head, blocks = split_stages(shipped_text(name))
    del blocks["collective_decision"]
    path = write(tmp_path, join_stages(head, list(blocks.values())))
    message = error_of(path)
    assert message.startswith(f"{path}: stages: ")
    assert "the collective_decision stage is missing" in message
    assert "30" in message


@BOTH
def test_collective_decision_may_not_come_before_legality_review(tmp_path: Path, name: str) -> None:
    head, blocks = split_stages(shipped_text(name))
    order = list(blocks)
    i, j = order.index("legality_review"), order.index("collective_decision")
    order[i], order[j] = order[j], order[i]
    path = write(tmp_path, join_stages(head, [blocks[s] for s in order]))
    message = error_of(path)
    assert message == (f"{path}: stages: legality_review must come before collective_decision (Art. 25)")


@BOTH
def test_a_consultation_step_may_not_follow_legality_review(tmp_path: Path, name: str) -> None:
    head, blocks = split_stages(shipped_text(name))
    consultation = blocks["consultation"].split(STEP_SEP)
    assert len(consultation) == 4  # stage header + three steps
    risk = next(s for s in consultation if s.startswith('name = "risk_assessment"'))
    blocks["consultation"] = STEP_SEP.join(s for s in consultation if s is not risk)
    blocks["party_report"] = blocks["party_report"].rstrip("\n") + "\n" + STEP_SEP + risk
    path = write(tmp_path, join_stages(head, list(blocks.values())))
    message = error_of(path)
    assert message == (
        f"{path}: party_report.risk_assessment: every consultation step must come before legality_review (Arts. 26–27)"
    )


@BOTH
def test_a_consultation_step_may_not_be_removed(tmp_path: Path, name: str) -> None:
    head, blocks = split_stages(shipped_text(name))
    consultation = blocks["consultation"].split(STEP_SEP)
    blocks["consultation"] = STEP_SEP.join(s for s in consultation if not s.startswith('name = "expert_review"'))
    path = write(tmp_path, join_stages(head, list(blocks.values())))
    message = error_of(path)
    assert message.startswith(f"{path}: stages: the consultation step expert_review is missing")
    assert "19" in message


@BOTH
def test_legality_review_needs_seven_working_days(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'to = "opinion_on", days = 7,', 'to = "opinion_on", days = 5,')
    path = write(tmp_path, text)
    message = error_of(path)
    assert message == (f"{path}: legality_review.rules: legality review needs min_working_days of at least 7 (Art. 26)")


@BOTH
def test_legality_review_needs_a_min_working_days_rule(tmp_path: Path, name: str) -> None:
    text = re.sub(r'  \{ kind = "min_working_days".*\n', "", shipped_text(name))
    assert "min_working_days" not in text
    message = error_of(write(tmp_path, text))
    assert "legality_review.rules: legality review needs min_working_days of at least 7" in message
    assert "(Art. 26)" in message


@BOTH
def test_comment_period_needs_thirty_days(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'to = "closed_on", days = 30,', 'to = "closed_on", days = 20,')
    path = write(tmp_path, text)
    message = error_of(path)
    assert message == (
        f"{path}: public_participation.rules: the comment period needs min_days of at least 30 (Art. 15)"
    )


@BOTH
def test_comment_period_check_is_not_fooled_by_another_min_days_rule(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'to = "closed_on", days = 30,', 'to = "closed_on", days = 5,')
    text = replace_once(text, 'to = "hearing_on", days = 7,', 'to = "hearing_on", days = 30,')
    message = error_of(write(tmp_path, text))
    assert "the comment period needs min_days of at least 30 (Art. 15)" in message


@BOTH
def test_unlawful_opinion_must_block_leaving(tmp_path: Path, name: str) -> None:
    text = re.sub(r'  \{ kind = "blocks_leaving", field = "opinion".*\n', "", shipped_text(name))
    assert 'value = "unlawful"' not in text
    path = write(tmp_path, text)
    message = error_of(path)
    assert message == (f"{path}: legality_review.rules: an unlawful opinion must block the stage (Art. 25)")


@BOTH
def test_legality_review_is_done_by_a_legal_reviewer(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'roles = ["legal_reviewer"]', 'roles = ["officer"]')
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(f"{path}: legality_review.roles: ")
    assert "(Art. 25)" in message


@BOTH
def test_a_rule_parameter_must_name_a_field_of_its_step(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'from = "submitted_on"', 'from = "sent_on"')
    path = write(tmp_path, text)
    message = error_of(path)
    assert message == (
        f"{path}: legality_review.rules.min_working_days.from: 'sent_on' is not a field of step legality_review"
    )


@BOTH
def test_an_optional_rule_parameter_must_name_a_field_of_its_step(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'unless = "urgency_reason"', 'unless = "urgency"')
    message = error_of(write(tmp_path, text))
    assert (
        "public_participation.rules.min_days.unless: 'urgency' is not a field of step public_participation"
    ) in message


@BOTH
def test_not_greater_than_must_name_a_field_of_its_step(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'than = "opinions_received"', 'than = "opinions_recieved"')
    message = error_of(write(tmp_path, text))
    assert (
        "public_participation.rules.not_greater.than: 'opinions_recieved' is not a field of step public_participation"
    ) in message


@BOTH
def test_blocks_leaving_must_return_to_an_earlier_stage(tmp_path: Path, name: str) -> None:
    text = replace_once(
        shipped_text(name), 'value = "unlawful", return_to = "drafting"', 'value = "unlawful", return_to = "draftin"'
    )
    message = error_of(write(tmp_path, text))
    assert "legality_review.rules.blocks_leaving.return_to" in message
    assert "'draftin'" in message


@BOTH
def test_a_waiver_flag_must_be_declared(tmp_path: Path, name: str) -> None:
    text = replace_once(
        shipped_text(name), 'flag = "technical", article = "Art. 19"', 'flag = "techincal", article = "Art. 19"'
    )
    message = error_of(write(tmp_path, text))
    assert "expert_review.waiver.flag: 'techincal' is not a declared flag" in message


@BOTH
def test_an_outcome_may_not_return_to_an_unknown_stage(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'amend = "return:drafting"', 'amend = "return:draft"')
    message = error_of(write(tmp_path, text))
    assert "collective_decision.outcome.routes.amend: no stage 'draft'" in message


@BOTH
def test_a_stricter_variant_loads(tmp_path: Path, name: str) -> None:
    text = replace_once(shipped_text(name), 'to = "opinion_on", days = 7,', 'to = "opinion_on", days = 10,')
    text = replace_once(text, 'to = "closed_on", days = 30,', 'to = "closed_on", days = 45,')
    wf = load_file(write(tmp_path, text))
    assert wf.name == name
    review = [r for r in wf.step("legality_review").rules if r.kind == "min_working_days"]
    assert [r.params["days"] for r in review] == [10]
    comment = [
        r for r in wf.step("public_participation").rules if r.kind == "min_days" and r.params["from"] == "opened_on"
    ]
    assert [r.params["days"] for r in comment] == [45]
    assert actual_stages(wf) == EXPECTED[name]["stages"]


@BOTH
def test_a_stricter_order_of_one_consultation_step_per_stage_loads(tmp_path: Path, name: str) -> None:
    head, blocks = split_stages(shipped_text(name))
    _stage_header, *steps = blocks["consultation"].split(STEP_SEP)
    split = []
    for step in steps:
        step_name = re.match(r'name = "([a-z_]+)"', step).group(1)  # type: ignore[union-attr]
        split.append(
            f'name = "{step_name}_stage"\narticle = "Arts. 14–24"\n'
            f'title = {{ zh = "征求意见", en = "{step_name}" }}\n' + STEP_SEP + step
        )
    order = []
    for stage, block in blocks.items():
        order += split if stage == "consultation" else [block]
    wf = load_file(write(tmp_path, join_stages(head, order)))
    assert [s.name for s in wf.stages][2:5] == [
        "public_participation_stage",
        "expert_review_stage",
        "risk_assessment_stage",
    ]
    assert wf.stage_index("risk_assessment_stage") < wf.stage_index("legality_review")


# --------------------------------------------------------------------------------------------
# 4. machine_spec()
# --------------------------------------------------------------------------------------------


@BOTH
def test_machine_spec_states_are_the_stages_then_the_terminal_states(name: str) -> None:
    spec = get(name).machine_spec()
    stages = [stage for stage, _ in EXPECTED[name]["stages"]]
    assert spec["states"] == stages + ["rejected", "archived"]
    assert spec["initial"] == "initiation"


@BOTH
def test_machine_spec_advance_goes_one_stage_forward_guarded_by_may_leave(name: str) -> None:
    spec = get(name).machine_spec()
    stages = [stage for stage, _ in EXPECTED[name]["stages"]]
    advances = [t for t in spec["transitions"] if t["trigger"] == "advance"]
    assert advances == [
        {"trigger": "advance", "source": here, "dest": there, "conditions": "may_leave"}
        for here, there in zip(stages, stages[1:] + ["archived"], strict=True)
    ]


def _sources(transition: dict[str, Any]) -> list[str]:
    source = transition["source"]
    return [source] if isinstance(source, str) else list(source)


@BOTH
def test_machine_spec_never_skips_a_stage(name: str) -> None:
    spec = get(name).machine_spec()
    stages = [stage for stage, _ in EXPECTED[name]["stages"]]
    for t in spec["transitions"]:
        for source in _sources(t):
            assert source in stages, f"no transition leaves the terminal state {source}"
            if t["dest"] == "archived":
                assert source == stages[-1] and t["trigger"] == "advance"
            elif t["dest"] == "rejected":
                assert (source, t["trigger"]) == ("collective_decision", "reject")
            else:
                assert stages.index(t["dest"]) <= stages.index(source) + 1, t


@BOTH
def test_machine_spec_returns_only_go_backward_and_reach_every_earlier_stage(name: str) -> None:
    spec = get(name).machine_spec()
    stages = [stage for stage, _ in EXPECTED[name]["stages"]]
    returns = [t for t in spec["transitions"] if t["trigger"].startswith("return_to_")]
    assert {t["trigger"] for t in returns} == {f"return_to_{s}" for s in stages[:-1]}
    for t in returns:
        assert t["trigger"] == f"return_to_{t['dest']}"
        assert "conditions" not in t
        sources = _sources(t)
        assert sources == stages[stages.index(t["dest"]) + 1 :]
        assert all(stages.index(s) > stages.index(t["dest"]) for s in sources)
    triggers = {t["trigger"] for t in spec["transitions"]}
    assert triggers == {"advance", "reject"} | {t["trigger"] for t in returns}


class _Model:
    """A plain model for the machine; `may_leave` answers what the test says."""

    def __init__(self, allow: bool) -> None:
        self.allow = allow

    def may_leave(self, event: Any) -> bool:
        return self.allow


@BOTH
def test_machine_spec_is_accepted_by_transitions(name: str) -> None:
    spec = get(name).machine_spec()
    machine = Machine(model=None, auto_transitions=False, send_event=True, **spec)
    assert list(machine.states) == spec["states"]
    stages = [stage for stage, _ in EXPECTED[name]["stages"]]

    walker = _Model(allow=True)
    machine.add_model(walker, initial="initiation")
    for there in stages[1:] + ["archived"]:
        assert walker.trigger("advance")
        assert walker.state == there

    guarded = _Model(allow=False)
    machine.add_model(guarded, initial="legality_review")
    assert not guarded.trigger("advance")
    assert guarded.state == "legality_review"
    assert guarded.trigger("return_to_drafting")
    assert guarded.state == "drafting"

    meeting = _Model(allow=True)
    machine.add_model(meeting, initial="collective_decision")
    assert meeting.trigger("reject")
    assert meeting.state == "rejected"
