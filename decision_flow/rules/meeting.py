"""Rule kinds of a deciding meeting: members' stances and the packet before it."""

from __future__ import annotations

from decision_flow.core.errors import Reason
from decision_flow.core.values import half_width
from decision_flow.definition.workflow import RuleSpec, Step
from decision_flow.rules.kinds import Context, fields_of, refuse, rule

STANCES = ("agree", "disagree", "abstain")
# A stance as an officer writes it in Chinese (同意 / 反对 / 弃权), and the words the minutes use.
SAID = {"同意": "agree", "赞成": "agree", "反对": "disagree", "不同意": "disagree", "弃权": "abstain"}


def parse_stances(items: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split `name:stance` items (a full-width colon too; a stance as its id or in Chinese) into
    a mapping of name -> stance id; also return the items that do not parse."""
    stances, bad = {}, []
    for item in items:
        name, _, said = half_width(item).rpartition(":")
        name, said = name.strip(), said.strip()
        stance = SAID.get(said, said)
        if not name or ":" in name or stance not in STANCES or name in stances:  # "甲:agree 乙:agree" is two, unread
            bad.append(item)
        else:
            stances[name] = stance
    return stances, bad


@rule("stances", ("field", "dissent", "decision", "reasons"), phases=("record", "complete"))
def stances(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """Each member's stance is recorded; dissent when anyone disagrees; the head's reasons when
    the decision departs from the majority (approved against a disagreeing majority, or
    anything but approved against an agreeing one)."""
    f, p = fields_of(ctx, step), spec.params
    items = f.get(p["field"])
    if items is None:
        return []
    parsed, bad = parse_stances(items)
    if bad or not parsed:
        return [refuse(spec, "rule.stances_format", field=p["field"], items=", ".join(bad) or "—")]
    reasons = []
    if "disagree" in parsed.values() and not str(f.get(p["dissent"]) or "").strip():
        reasons.append(refuse(spec, "rule.dissent", field=p["dissent"]))
    decision = f.get(p["decision"])
    agree = sum(s == "agree" for s in parsed.values())
    disagree = sum(s == "disagree" for s in parsed.values())
    majority = "agree" if agree * 2 > len(parsed) else "disagree" if disagree * 2 > len(parsed) else None
    departs = (majority == "agree" and decision not in (None, "approved")) or (
        majority == "disagree" and decision == "approved"
    )
    if departs and not str(f.get(p["reasons"]) or "").strip():
        reasons.append(refuse(spec, "rule.head_reasons", decision=decision, majority=majority, field=p["reasons"]))
    return reasons


@rule("packet", ("items",), phases=("record", "complete"))
def packet(ctx: Context, step: Step, spec: RuleSpec) -> list[Reason]:
    """The meeting packet holds each listed step's evidence, unless that step was waived;
    an item with a `flag` is asked for only when the decision carries it."""
    if ctx.state(step.name).fields.get(step.outcome.field if step.outcome else "") is None:
        return []  # checked before the decision itself is recorded
    missing = []
    for item in spec.params["items"]:
        if "flag" in item and not ctx.flags.get(item["flag"]):
            continue
        state = ctx.state(item["step"])
        if state.status == "waived":
            continue
        if not state.evidence.get(item["evidence"]):
            missing.append(f"{item['step']}/{item['evidence']}")
    return [refuse(spec, "rule.packet", items=", ".join(missing))] if missing else []
