"""Typing what users type for a workflow's field (`--set field=value`) into JSON-storable values."""

from __future__ import annotations

from typing import Any

from decision_flow.core.errors import Blocked, InvalidInput, Reason
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text, parse_date
from decision_flow.definition.workflow import FieldDef, Step

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
            number = int(text)
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
        items = [part.strip() for part in text.replace("，", ",").split(",")]
        return [item for item in items if item]
    raise AssertionError(field.type)


def parse_values(step: Step, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The stored form of each `field=value` for `step`. A value outside an enum's choices is
    invalid input, or a refusal citing the field's article where the law fixes the choices
    (e.g. the meeting types of a level, Arts. 30, 42)."""
    values: dict[str, Any] = {}
    for name, raw in pairs:
        field = step.field(name)
        if field is None:
            known = ", ".join(f.name for f in step.fields)
            raise InvalidInput(Msg("field.unknown", {"field": name[:80], "step": step.name, "known": known}))
        values[name] = parse_value(field, raw)
        if field.type == "enum" and values[name] is not None and values[name] not in field.choices:
            msg = Msg("field.choice", {"field": name, "value": values[name], "choices": ", ".join(field.choices)})
            if field.article is None:
                raise InvalidInput(msg)
            raise Blocked(msg, [Reason("choice", field.article, msg)])
    return values


def check_kinds(step: Step, kinds: list[str]) -> None:
    """Every `--attach` kind is one the step takes."""
    for kind in kinds:
        if step.evidence_kind(kind) is None:
            known = ", ".join(e.kind for e in step.evidence) or "—"
            raise InvalidInput(Msg("evidence.unknown", {"kind": kind[:80], "step": step.name, "known": known}))
