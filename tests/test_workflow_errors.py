"""What is wrong with a workflow file, in the reader's language: every problem the loader, the
rule kinds, the common checks and each procedure's invariants find is a message with an English
and a Chinese text. The English is the text the other tests pin (and the trail keeps); the
Chinese keeps the file's path, the key path and the names the file wrote as they are, and says
the rest in Chinese, citing articles in their Chinese form (第26条, 《国办发〔2018〕115号》第（五）项).

Each broken file is made from a shipped one (each edit asserts its anchor occurs exactly once,
so a change to the shipped file cannot make a case silently vacuous) and loaded as
`dflow workflow check` loads it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import cli
from decision_flow.core.errors import WorkflowError
from decision_flow.core.i18n import Cited, Msg
from decision_flow.definition.workflow import FIELD_TYPES, LEVELS, ROLES, WAIVER_POLICIES
from decision_flow.procedures import PROCEDURES, load_file, read_text, shipped
from decision_flow.rules import RULE_KINDS
from decision_flow.rules.kinds import UNITS
from tests.test_cli import BASE_ENV, fails, runner

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / "workflows"


def text_of(name: str) -> str:
    return (WORKFLOWS / f"{name}.toml").read_text("utf-8")


def edited(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, f"edit anchor {old!r} must occur exactly once"
        text = text.replace(old, new)
    return text


def md(*edits: tuple[str, str]) -> str:
    """The shipped major-decision file (county), edited."""
    return edited(text_of("major-decision"), *edits)


def township(patch: str) -> str:
    """The shipped township file (it extends the county one), with `patch` added."""
    return text_of("major-decision-township") + "\n" + patch + "\n"


def nd(*edits: tuple[str, str]) -> str:
    """The shipped normative-document base made a locality's file (its settings set), edited."""
    text = edited(text_of("normative-document"), ("abstract = true\n", ""), *edits)
    return (
        text
        + '\n[settings]\nfiling_deadline = { days = 15, unit = "calendar" }\n'
        + ('consultation_period = { days = 30, unit = "calendar" }\n')
    )


# A county locality extending the shipped normative-document base.
ND_LOCALITY = """extends = "normative-document"
name = "nd-test-county"
[settings]
filing_deadline = { days = 3, unit = "working" }
consultation_period = { days = 30, unit = "calendar" }
"""
ND_FLAG = '[flags]\nsimple = { zh = "内容简单", en = "simple" }\n'


def without_stage(text: str, name: str) -> str:
    """`text` without the stage `name` (its [[stages]] block, up to the next one)."""
    head, *blocks = text.split("\n[[stages]]\n")
    kept = [b for b in blocks if not b.startswith(f'name = "{name}"\n')]
    assert len(kept) == len(blocks) - 1, name
    return head + "".join("\n[[stages]]\n" + b for b in kept)


def swapped_stages(text: str, first: str, second: str) -> str:
    """`text` with the blocks of stages `first` and `second` swapped."""
    head, *blocks = text.split("\n[[stages]]\n")
    at = {b.split('"')[1]: i for i, b in enumerate(blocks)}
    blocks[at[first]], blocks[at[second]] = blocks[at[second]], blocks[at[first]]
    return head + "".join("\n[[stages]]\n" + b for b in blocks)


def nd_section(text: str, start: str, end: str) -> tuple[int, int]:
    mark = "# ---------------------------------------------------------------- "
    return text.index(mark + start), text.index(mark + end)


def nd_without_review() -> str:
    text = nd()
    start, end = nd_section(text, "4. legality review", "5. revision")
    return (text[:start] + text[end:]).replace('when_step = "legality_review"', 'when_step = "submission"')


def nd_registration_after_publication() -> str:
    text = nd()
    start, middle = nd_section(text, "7. 三统一", "8. publication")
    end = text.index("# ---------------------------------------------------------------- 9. filing")
    return text[:start] + text[middle:end] + text[start:middle] + text[end:]


KNOWN_KINDS = ", ".join(sorted(RULE_KINDS))
KNOWN_WORKFLOWS = ", ".join(p.stem for p in shipped())
REVIEW_RULES = (
    '{ kind = "min_working_days", from = "submitted_on", to = "opinion_on", days = DAYS, article = "Art. 26" }, '
    '{ kind = "blocks_leaving", field = "opinion", value = "unlawful", return_to = "drafting", article = "Art. 25" }'
)
GOB = "《国办发〔2018〕115号》"


@dataclass(frozen=True)
class Case:
    """A broken file (its text, its bytes, or None: no file), the English message today's
    tests pin ({path} is the file's path), the Chinese one where a case pins it too, and any
    word the message may show besides the file's names (a list of what is allowed)."""

    id: str
    content: str | bytes | None
    english: str
    chinese: str | None = None
    allowed: tuple[str, ...] = ()


CASES = [
    # ------------------------------------------------------------ files
    Case("missing_file", None, "{path}: no such file", "{path}：文件不存在"),
    Case(
        "not_utf8", b"\xff\xfeschema = 1\n", "{path}: not UTF-8 text (byte 0)", "{path}：不是 UTF-8 文本（第 0 字节）"
    ),
    Case(
        "not_toml",
        md(('level = "county"\n', 'level = = "county"\n')),
        "{path}: not valid TOML: Invalid value (at line 10, column 9)",
        "{path}：不是有效的 TOML：Invalid value (at line 10, column 9)",  # the parser's own words stay
    ),
    # ------------------------------------------------------------ schema and types
    Case(
        "wrong_type",
        md(
            (
                '{ name = "undertaking_unit", type = "text", required = true,',
                '{ name = "undertaking_unit", type = "text", required = "yes",',
            )
        ),
        "{path}: stages[0].steps[0].fields[2].required: must be bool, not str",
        "{path}：stages[0].steps[0].fields[2].required：须为布尔值，而非字符串",
    ),
    Case("wrong_type_top_level", md(("version = 2\n", 'version = "2"\n')), "{path}: version: must be int, not str"),
    Case(
        "wrong_type_either",
        md(
            (
                'basis = { zh = "《重大行政决策程序暂行条例》（国务院令第713号）",'
                ' en = "State Council Decree No. 713" }\n',
                "basis = 713\n",
            )
        ),
        "{path}: basis: must be str/dict, not int",
        "{path}：basis：须为字符串或表，而非整数",
    ),
    Case(
        "missing_key",
        md(('roles = ["executive"]\n', "")),
        "{path}: stages[4].steps[0].roles: is missing",
        "{path}：stages[4].steps[0].roles：缺少此项",
    ),
    Case(
        "not_a_table",
        md(
            (
                '  { kind = "min_working_days", from = "submitted_on"',
                '  "min_working_days",\n  { kind = "min_working_days", from = "submitted_on"',
            )
        ),
        "{path}: stages[3].steps[0].rules[0]: must be a table",
    ),
    Case(
        "unknown_key",
        md(('{ name = "legal_adviser", type = "text",', '{ name = "legal_adviser", mandatory = true, type = "text",')),
        "{path}: stages[3].steps[0].fields[3].mandatory: unknown key"
        " (allowed: name, type, title, required, choices, article, personal, confidential, excluded_readers)",
        "{path}：stages[3].steps[0].fields[3].mandatory：未知键"
        "（可用：name, type, title, required, choices, article, personal, confidential, excluded_readers）",
    ),
    Case("schema", md(("schema = 1\n", "schema = 2\n")), "{path}: schema: only schema 1 is understood"),
    Case(
        "bad_name",
        md(('name = "archive_ref"', 'name = "archive ref"')),
        "{path}: stages[7].steps[0].fields[1].name: 'archive ref' is not a valid name (ASCII letters, digits, _ and -)",
        allowed=("archive", "ref"),
    ),
    Case(
        "duplicate_step",
        md(('name = "expert_review"', 'name = "public_participation"')),
        "{path}: stages[2].steps[1].name: step 'public_participation' appears twice",
    ),
    Case(
        "duplicate_stage",
        md(('name = "party_report"\narticle', 'name = "publication"\narticle')),
        "{path}: stages[6].name: 'publication' appears twice",
    ),
    Case(
        "duplicate_field",
        md(('{ name = "dissent", type = "text",', '{ name = "head_reasons", type = "text",')),
        "{path}: stages[4].steps[0].fields: names a field twice",
    ),
    Case(
        "unknown_procedure",
        md(('procedure = "major-decision"', 'procedure = "zoning"')),
        f"{{path}}: procedure: unknown procedure 'zoning' (known: {', '.join(sorted(PROCEDURES))})",
    ),
    # ------------------------------------------------------------ enums and choices
    Case(
        "bad_field_type",
        md(('{ name = "closed_on", type = "date",', '{ name = "closed_on", type = "datetime",')),
        "{path}: stages[2].steps[0].fields[1].type: 'datetime' is not one of text, integer, bool, date, enum, list",
        allowed=FIELD_TYPES,
    ),
    Case(
        "bad_waiver_policy",
        md(
            (
                'waiver = { policy = "never", article = "Art. 25" }',
                'waiver = { policy = "sometimes", article = "Art. 25" }',
            )
        ),
        "{path}: stages[3].steps[0].waiver.policy: 'sometimes' is not one of never, only_when_flag, unless_flag,"
        " unless_setting",
        allowed=WAIVER_POLICIES,
    ),
    Case(
        "bad_level",
        md(('level = "county"', 'level = "city"')),
        "{path}: level: 'city' is not one of county, township",
        allowed=LEVELS,
    ),
    Case(
        "enum_without_choices",
        md(('type = "enum", choices = ["low", "medium", "high"], ', 'type = "enum", ')),
        "{path}: stages[2].steps[2].fields[2].choices: an enum field needs a list of string choices",
    ),
    Case(
        "bad_route",
        md(('amend = "return:drafting"', 'amend = "back"')),
        "{path}: stages[4].steps[0].outcome.routes.amend: 'back' is not advance, reject, stay or return:STAGE,"
        " nor close",
    ),
    Case(
        "bad_role",
        md(('roles = ["legal_reviewer"]', 'roles = ["lawyer"]')),
        "{path}: stages[3].steps[0].roles: must list roles among officer, legal_reviewer, executive, auditor, admin",
        allowed=ROLES,
    ),
    # ------------------------------------------------------------ rule kinds and their parameters
    Case(
        "unknown_rule_kind",
        md(('{ kind = "min_working_days",', '{ kind = "min_workdays",')),
        f"{{path}}: stages[3].steps[0].rules[0].kind: unknown rule kind 'min_workdays' (known: {KNOWN_KINDS})",
        allowed=tuple(RULE_KINDS),
    ),
    Case(
        "rule_missing_parameter",
        md(('to = "opinion_on", days = 7, ', 'to = "opinion_on", ')),
        "{path}: stages[3].steps[0].rules[0].days: is missing (rule kind min_working_days needs from, to, days)",
        "{path}：stages[3].steps[0].rules[0].days：缺少此项（规则类型 min_working_days 须有 from, to, days）",
    ),
    Case(
        "rule_unknown_parameter",
        md(('field = "experts", min = 1,', 'field = "experts", min = 1, max = 9,')),
        "{path}: stages[2].steps[1].rules[0].max: is not a parameter of rule kind min_items",
    ),
    Case(
        "rule_parameter_wrong_type",
        md(('to = "opinion_on", days = 7,', 'to = "opinion_on", days = "7",')),
        "{path}: stages[3].steps[0].rules[0].days: must be int, not str",
        "{path}：stages[3].steps[0].rules[0].days：须为整数，而非字符串",
    ),
    Case(
        "rule_parameter_shape",
        nd(('values = ["written_review"]', "values = []")),
        "{path}: stages[5].steps[0].rules[0].values: must be a list of one or more strings",
    ),
    # ------------------------------------------------------------ names a rule, a waiver or a route gives
    Case(
        "undeclared_waiver_flag",
        md(('flag = "technical", article = "Art. 19" }', 'flag = "technic", article = "Art. 19" }')),
        "{path}: expert_review.waiver.flag: 'technic' is not a declared flag",
        "{path}：expert_review.waiver.flag：'technic' 不是已声明的标记",
    ),
    Case(
        "undeclared_rule_flag",
        md(('{ kind = "flag_requires", flag = "hearing_required",', '{ kind = "flag_requires", flag = "hearing",')),
        "{path}: public_participation.rules.flag_requires.flag: 'hearing' is not a declared flag",
    ),
    Case(
        "rule_names_no_field",
        md(('{ kind = "min_items", field = "experts",', '{ kind = "min_items", field = "expert_list",')),
        "{path}: expert_review.rules.min_items.field: 'expert_list' is not a field of step expert_review",
    ),
    Case(
        "dangling_step",
        md(
            (
                'since_step = "collective_decision", since_field = "held_on"',
                'since_step = "collective", since_field = "held_on"',
            )
        ),
        "{path}: publication.rules.deadline_working_days.since_step: collective.held_on is not a field of the workflow",
        "{path}：publication.rules.deadline_working_days.since_step：collective.held_on 不是本流程中的字段",
    ),
    Case(
        "dangling_stage",
        md(('amend = "return:drafting"', 'amend = "return:nowhere"')),
        "{path}: collective_decision.outcome.routes.amend: no stage 'nowhere'",
    ),
    Case(
        "return_forward",
        md(
            (
                'value = false, return_to = "drafting", article = "Art. 24"',
                'value = false, return_to = "archiving", article = "Art. 24"',
            )
        ),
        "{path}: risk_assessment.rules.blocks_leaving.return_to: 'archiving' is not a stage before consultation",
    ),
    Case(
        "packet_item",
        md(
            (
                'evidence = "fair_competition_review", flag = "market_affecting" }',
                'evidence = "fair_review", flag = "market_affecting" }',
            )
        ),
        "{path}: collective_decision.rules.packet.items[5]: {'step': 'collective_decision', 'evidence': 'fair_review',"
        " 'flag': 'market_affecting'} does not name a step and one of its evidence kinds",
    ),
    Case(
        "auditor_step",
        md(('roles = ["executive"]\n', 'roles = ["auditor"]\n')),
        "{path}: collective_decision.roles: an auditor reads and verifies but changes nothing (Arts. 38–39)",
        "{path}：collective_decision.roles：审计人员只查阅和核验，不作任何改动（第38–39条）",
    ),
    # ------------------------------------------------------------ major decisions: the legal gates
    Case(
        "md_gate_removed",
        without_stage(text_of("major-decision"), "legality_review"),
        "{path}: stages: the legality_review stage is missing (Arts. 25, 30: never skipped)",
        "{path}：stages：缺少 legality_review 阶段（第25、30条：不得省略）",
    ),
    Case(
        "md_gates_reordered",
        swapped_stages(text_of("major-decision"), "legality_review", "collective_decision"),
        "{path}: stages: legality_review must come before collective_decision (Art. 25)",
    ),
    Case(
        "md_consultation_step_removed",
        md(('name = "expert_review"', 'name = "expert_panel"')),
        "{path}: stages: the consultation step expert_review is missing (Arts. 14, 19, 22)",
    ),
    Case(
        "md_review_waivable",
        township(
            '[steps.legality_review]\nwaiver = { policy = "only_when_flag", flag = "non_disclosable",'
            ' article = "Art. 25"}'
        ),
        "{path}: legality_review.legality_review.waiver: legality_review can never be waived (Art. 25)",
        "{path}：legality_review.legality_review.waiver：legality_review 不得免除（第25条）",
    ),
    Case(
        "md_review_shortened",
        township(f"[steps.legality_review]\nrules = [{REVIEW_RULES.replace('DAYS', '5')}]"),
        "{path}: legality_review.rules: legality review needs min_working_days of at least 7 (Art. 26)",
        "{path}：legality_review.rules：合法性审查须设 min_working_days 且不少于 7 个工作日（第26条）",
    ),
    Case(
        "md_unlawful_passes",
        township(f"[steps.legality_review]\nrules = [{REVIEW_RULES.replace('DAYS', '7').split('}, ')[0]}}}]"),
        "{path}: legality_review.rules: an unlawful opinion must block the stage (Art. 25)",
    ),
    Case(
        "md_officer_reviews",
        township('[steps.legality_review]\nroles = ["officer"]'),
        "{path}: legality_review.roles: the legality review is done by a legal_reviewer (Art. 25)",
    ),
    Case(
        "md_comment_period_shortened",
        md(('to = "closed_on", days = 30,', 'to = "closed_on", days = 10,')),
        "{path}: public_participation.rules: the comment period needs min_days of at least 30 (Art. 15)",
        "{path}：public_participation.rules：征求意见期限须设 min_days 且不少于 30 日（第15条）",
    ),
    # ------------------------------------------------------------ normative documents: the legal gates
    Case(
        "nd_gate_removed",
        nd_without_review(),
        "{path}: stages: the legality_review stage is missing (GOB 115 §§3–7: never skipped)",
        f"{{path}}：stages：缺少 legality_review 阶段（{GOB}第（三）至（七）项：不得省略）",
    ),
    Case(
        "nd_stages_reordered",
        nd_registration_after_publication(),
        "{path}: stages: the stages must come in the order scope, consultation, submission, legality_review,"
        " revision, deliberation, registration, publication, filing (GOB 115 §§3–7)",
    ),
    Case(
        "nd_filing_waivable",
        ND_LOCALITY
        + ND_FLAG
        + '[steps.filing]\nwaiver = { policy = "only_when_flag", flag = "simple", article = "x" }\n',
        "{path}: filing.waiver: filing can never be waived (Filing Regs Art. 25)",
        "{path}：filing.waiver：filing 不得免除（《法规规章备案审查条例》第25条）",
    ),
    Case(
        "nd_step_missing",
        nd(('name = "scope_test"', 'name = "scope_check"')),
        "{path}: stages: the scope_test step of stage scope is missing (GOB 115 §3)",
    ),
    Case(
        "nd_review_shortened",
        nd(('days = 5, unless = "urgency_reason"', 'days = 3, unless = "urgency_reason"')),
        "{path}: legality_review.rules: the review needs min_working_days of at least 5 (GOB 115 §5)",
        f"{{path}}：legality_review.rules：合法性审核须设 min_working_days 且不少于 5 个工作日（{GOB}第（五）项）",
    ),
    Case(
        "nd_review_lengthened",
        nd(('days = 15, unless = "overdue_reason"', 'days = 20, unless = "overdue_reason"')),
        "{path}: legality_review.rules: the review needs max_working_days of at most 15, and no fewer than its"
        " least (5) (GOB 115 §5)",
    ),
    Case(
        "nd_packet_evidence_optional",
        nd(('{ kind = "drafting_unit_opinion", required = true', '{ kind = "drafting_unit_opinion"')),
        "{path}: submission.evidence: drafting_unit_opinion must be required evidence (GOB 115 §5)",
    ),
    Case(
        "nd_county_consultation_waived",
        ND_LOCALITY + 'assessment_required = false\n[steps.assessment]\nwaiver = { policy = "unless_setting",'
        ' setting = "assessment_required", article = "x" }\n',
        "{path}: assessment.waiver: assessment is mandatory at county level and above (Organic Law Art. 75)",
        "{path}：assessment.waiver：assessment 在县级以上为必经程序（《地方组织法》第75条）",
    ),
    Case(
        "nd_opinion_gate_removed",
        nd(
            (
                '  { kind = "requires_outcome", prior_step = "legality_review", prior_field = "opinion",'
                ' values = ["lawful", "must_revise"], article = "GOB 115 §7" },\n',
                "",
            )
        ),
        "{path}: deliberation.rules: the deliberation needs requires_outcome of legality_review.opinion among lawful,"
        " must_revise (GOB 115 §7: an unreviewed or unlawful document is never deliberated)",
    ),
    Case(
        "nd_filing_period_fixed",
        nd(('period = { setting = "filing_deadline" }', 'period = { days = 60, unit = "calendar" }')),
        "{path}: filing.rules: filing is due within the setting filing_deadline (Filing Regs Art. 25: the province's)",
    ),
    # ------------------------------------------------------------ settings
    Case(
        "nd_unknown_setting",
        ND_LOCALITY + "filing_deadlin = 3\n",
        "{path}: settings.filing_deadlin: unknown setting (procedure normative-document takes:"
        " filing_deadline, consultation_period, assessment_required, consultation_required)",
    ),
    Case(
        "nd_period_unit",
        ND_LOCALITY.replace('unit = "working"', 'unit = "weeks"'),
        "{path}: settings.filing_deadline: unit must be working or calendar, not 'weeks'",
        allowed=UNITS,
    ),
    Case(
        "nd_setting_not_bool",
        ND_LOCALITY + 'assessment_required = "no"\n',
        "{path}: settings.assessment_required: must be true or false, not 'no'",
        allowed=("true", "false"),
    ),
    Case(
        "nd_setting_unset",
        ND_LOCALITY.replace('filing_deadline = { days = 3, unit = "working" }\n', ""),
        "{path}: settings.filing_deadline: is not set; the filing deadline is the province's rule, which no"
        ' national text fixes: set it in the file, e.g. filing_deadline = { days = 15, unit = "calendar" }'
        " (unit: working or calendar)",
        allowed=UNITS,
    ),
    # ------------------------------------------------------------ extends
    Case(
        "extends_unknown",
        'extends = "nope"\nname = "x"\n',
        f"{{path}}: extends: no workflow named 'nope' (known: {KNOWN_WORKFLOWS})",
        f"{{path}}：extends：没有名为 'nope' 的流程（可用：{KNOWN_WORKFLOWS}）",
    ),
    Case(
        "extends_redefines_stages",
        township('[[stages]]\nname = "legality_review"'),
        "{path}: stages: an extending file patches steps (steps.NAME) and may not redefine stages",
        "{path}：stages：继承（extends）其他流程的文件只能修补步骤（steps.步骤名），不得重新定义 stages",
    ),
    Case(
        "extends_unknown_step",
        township('[steps.legal_review]\nroles = ["legal_reviewer"]'),
        "{path}: steps.legal_review: no step 'legal_review' in the workflow it extends (major-decision)",
    ),
    Case(
        "extends_renames_step",
        township('[steps.legality_review]\nname = "review"'),
        "{path}: steps.legality_review.name: a step keeps its name",
    ),
    Case(
        "extends_items_not_by_name",
        township("[steps.initiation]\nfields = 3"),
        "{path}: steps.initiation.fields: must be a table of items by name in an extending file",
    ),
]


def _names(value: Any, found: set[str]) -> set[str]:
    """Every key and every name-like string value of a parsed TOML document (not its titles)."""
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(str(key))
            if key not in ("zh", "en"):
                _names(item, found)
    elif isinstance(value, list):
        for item in value:
            _names(item, found)
    elif isinstance(value, str) and re.fullmatch(r"[\w:.-]+", value):
        found.update(re.split(r"[:.]", value))
    return found


# The names the shipped files write (each broken file is one of them, edited, or extends one).
SHIPPED_NAMES = frozenset(
    name for path in WORKFLOWS.glob("*.toml") for name in _names(tomllib.loads(path.read_text("utf-8")), set())
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.:/'=-]*")


def _leaks(text: str, known: set[str]) -> list[str]:
    """The ASCII words of three letters or more in `text` that are none of `known`."""
    found = []
    for token in _WORD.findall(text):
        for part in re.split(r"[.:/'=]+", token):
            if re.search(r"[A-Za-z]{3,}", part) and part not in known:
                found.append(part)
    return found


def _written(tmp_path: Path, case: Case) -> Path:
    path = tmp_path / f"{case.id}.toml"
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    elif case.content is not None:
        path.write_text(case.content, "utf-8")
    return path


def _error(path: Path) -> WorkflowError:
    with pytest.raises(WorkflowError) as info:
        load_file(path)
    return info.value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_broken_workflow_file_is_named_in_english_as_before_and_in_chinese(tmp_path: Path, case: Case) -> None:
    path = _written(tmp_path, case)
    exc = _error(path)
    english = case.english.replace("{path}", str(path))
    assert str(exc) == english
    assert exc.message("en") == english and exc.exit_code == 2

    chinese = exc.message("zh")
    if case.chinese is not None:
        assert chinese == case.chinese.replace("{path}", str(path))
    assert chinese.startswith(f"{path}：")
    said = chinese.removeprefix(f"{path}：")
    if isinstance(exc.msg, Msg) and exc.msg.key == "wf.at":  # the key path, as it is
        where = exc.msg.params["where"]
        assert english.startswith(f"{path}: {where}: ")
        assert said.startswith(f"{where}：")
        said = said.removeprefix(f"{where}：")
    if case.id == "not_toml":  # the parser's own detail stays as it gives it
        said = said.removesuffix(english.partition(": not valid TOML: ")[2])
        assert said == "不是有效的 TOML："
        return
    assert re.search(r"[\u4e00-\u9fff]", said), chinese
    written = _names(tomllib.loads(case.content), set()) if isinstance(case.content, str) else set()
    assert _leaks(said, set(SHIPPED_NAMES | written | set(case.allowed) | {"UTF-8"})) == [], chinese


def test_the_cases_cover_every_family() -> None:
    """At least one broken file per raising site family the loader, the rule kinds, the common
    checks and each procedure's invariants have."""
    ids = {c.id for c in CASES}
    for family in ("wrong_type", "unknown_key", "bad_field_type", "unknown_rule_kind", "rule_missing_parameter"):
        assert family in ids
    for family in ("rule_parameter_wrong_type", "undeclared_waiver_flag", "dangling_step", "md_gate_removed"):
        assert family in ids
    for family in ("nd_gate_removed", "md_review_shortened", "nd_review_shortened", "extends_unknown"):
        assert family in ids
    assert {"not_utf8", "missing_file", "not_toml"} <= ids


def test_what_cannot_be_read_is_said_in_chinese_too(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    with pytest.raises(WorkflowError) as info:
        read_text(folder)
    assert info.value.message("en") == f"{folder}: is a folder, not a workflow file"
    assert info.value.message("zh") == f"{folder}：是文件夹，不是流程文件"
    with pytest.raises(WorkflowError) as info:
        read_text(Path("bad\0name.toml"))
    assert info.value.message("en") == "PosixPath('bad\\x00name.toml'): not a usable file name"
    assert info.value.message("zh") == "PosixPath('bad\\x00name.toml')：不是可用的文件名"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_messages_nest_in_the_readers_language(lang: str) -> None:
    """The generic form names the file and the key path; the problem inside it is rendered in
    the same language, its article in that language's form."""
    exc = WorkflowError.at("f.toml", "legality_review.rules", "wf.unlawful_blocks", article=Cited("GOB 115 §7"))
    expected = {
        "en": "f.toml: legality_review.rules: an unlawful opinion must block the stage (GOB 115 §7)",
        "zh": f"f.toml：legality_review.rules：审查意见为不合法的，须阻止离开本阶段（{GOB}第（七）项）",
    }
    assert exc.message(lang) == expected[lang]


def test_dflow_workflow_check_says_it_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "variant.toml"
    path.write_text(township(f"[steps.legality_review]\nrules = [{REVIEW_RULES.replace('DAYS', '5')}]"), "utf-8")

    def check(lang: str | None) -> Any:
        return runner.invoke(cli.app, ["workflow", "check", str(path)], env={**BASE_ENV, "DFLOW_LANG": lang})

    fails(
        check("zh"),
        2,
        f"{path}：legality_review.rules：合法性审查须设 min_working_days 且不少于 7 个工作日（第26条）\n",
    )
    fails(
        check(None),
        2,
        f"{path}: legality_review.rules: legality review needs min_working_days of at least 7 (Art. 26)\n",
    )
