"""Typing what users type for a workflow's field (`--set field=value`) into JSON-storable values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg, did_you_mean
from decision_flow.core.values import clean_text, half_width, parse_date, split_list
from decision_flow.definition.workflow import FieldDef, Step, Title

MAX_INT = 10**12
TRUE = {"true", "yes", "1", "y", "是"}
FALSE = {"false", "no", "0", "n", "否"}


def parse_value(field: FieldDef, raw: str) -> Any:
    """The stored form of `raw` for `field`; None clears it. Enum choices are checked by the
    engine, which refuses with the field's article."""
    text = clean_text(raw, field.name)
    if text == "":
        return None
    if field.type == "text" or field.type == "enum":
        return text
    if field.type == "integer":
        try:
            digits = half_width(text)
            if not digits.isascii():
                raise ValueError
            number = int(digits)
        except ValueError:
            raise InvalidInput(Msg("value.integer", {"what": field.name, "value": text[:40]})) from None
        if not 0 <= number <= MAX_INT:
            raise InvalidInput(Msg("value.range", {"what": field.name, "max": MAX_INT}))
        return number
    if field.type == "bool":
        lowered = text.lower()
        if lowered in TRUE or lowered in FALSE:
            return lowered in TRUE
        raise InvalidInput(Msg("value.bool", {"what": field.name, "value": text[:40]}))
    if field.type == "date":
        return parse_date(text, field.name).isoformat()
    if field.type == "list":
        return split_list(text)
    raise AssertionError(field.type)


def parse_values(
    step: Step,
    pairs: list[tuple[str, str]],
    labels: Mapping[str, Title] | None = None,
    known: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, Any]:
    """The stored form of each `field=value` for `step`. An enum value may be typed as its id or
    as its label in either language (`labels`: the workflow's ``[choices]``), and is stored as
    its id. A value that is none of the choices is invalid input, whichever the field; a value
    the same field takes elsewhere (`known`: e.g. a county's meeting type at a township, Arts. 30,
    42) is the law's exclusion here, refused citing the field's article."""
    values: dict[str, Any] = {}
    for name, raw in pairs:
        field = step.field(name)
        if field is None:
            names = [f.name for f in step.fields]
            hint = did_you_mean(name, names)
            found = {"field": name[:80], "step": step.name, "hint": hint, "known": ", ".join(names)}
            raise InvalidInput(Msg("field.unknown", found))
        values[name] = parse_value(field, raw)
        if field.type == "enum" and values[name] is not None:
            elsewhere = (known or {}).get(field.name, frozenset())
            values[name] = _choice(field, values[name], labels or {}, elsewhere)
    return values


def _choice(field: FieldDef, typed: str, labels: Mapping[str, Title], known: frozenset[str]) -> str:
    """The enum value `typed` names: the id itself, the id whose Chinese or English label it is, or
    the one choice of the field whose Chinese label starts with it (中 for 中风险); `known` are the
    values the same field takes in other workflows."""
    ids = set(field.choices) | known
    named = [typed] if typed in ids else []
    named = named or [c for c, title in labels.items() if c in ids and typed in (title.zh, title.en)]
    named = named or [c for c in field.choices if c in labels and labels[c].zh.startswith(typed)][:2]
    allowed = [c for c in named if c in field.choices]
    if len(allowed) == 1:
        return allowed[0]
    msg = Msg("field.choice", {"field": field.name, "value": typed, "choices": ", ".join(field.choices)})
    if named and field.article is not None:  # a value this field takes elsewhere, which the law excludes here
        raise Blocked(msg, [Reason("choice", field.article, msg)])
    raise InvalidInput(msg)


def check_kinds(step: Step, kinds: list[str]) -> None:
    """Every `--attach` kind is one the step takes."""
    for kind in kinds:
        if step.evidence_kind(kind) is None:
            known = ", ".join(e.kind for e in step.evidence) or "—"
            raise InvalidInput(Msg("evidence.unknown", {"kind": kind[:80], "step": step.name, "known": known}))
