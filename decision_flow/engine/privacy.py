"""Who may read a case's personal information and confidential material (个人信息保护法;
信访工作条例 Art. 46), and the :class:`~decision_flow.core.privacy.Redactor` that hides them from
anyone else.

A workflow marks a field ``personal`` (a name, an ID number, a phone number, an address) or
``confidential`` (e.g. who is accused in a whistle-blowing petition), an evidence kind
``confidential`` (the whistle-blowing material), and a list field ``excluded_readers`` (the user
names of those accused, never shown the confidential items). A reader holding a role in the
case's organ (their own, a membership, or admin/auditor above it) sees personal data; so, unless
excluded, the confidential items. Anyone else, and a read made as no one, sees the personal
values masked and the confidential ones withheld — in `show`, the trail, and the exports.

The values hidden are collected from every record of the case (a superseded one included) and
from its refused attempts, and replaced wherever they appear, so a name typed again in a free
text field or the title is masked there too. Values shorter than two characters are masked
only where a free text does not hold them (see :data:`~decision_flow.core.privacy.SHORTEST`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from decision_flow.core.errors import DflowError
from decision_flow.core.privacy import NONE, Redactor, mask, withheld
from decision_flow.definition.values import parse_value
from decision_flow.definition.workflow import FieldDef, Step, Workflow
from decision_flow.engine.reach import roles_in
from decision_flow.store.row import rows_as, select_all
from decision_flow.store.rows import Decision, StepRecord, User
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

PRIVACY_ARTICLE = "PIPL Arts. 10, 28"  # 个人信息保护法: no disclosure beyond the purpose; sensitive data


def guarded(wf: Workflow) -> bool:
    """Whether the workflow records anything personal or confidential at all."""
    return any(f.personal or f.confidential for step in wf.steps() for f in step.fields) or any(
        e.confidential for step in wf.steps() for e in step.evidence
    )


def redactor(s: Tx, user: User | None, case: Decision, wf: Workflow, lang: str) -> Redactor:
    """What `user` (None: a read made as no one) may not see of `case`, as a Redactor: empty
    when they may see everything."""
    if not guarded(wf):
        return NONE
    rows = rows_as(StepRecord, cursor_of(s).all(f"{select_all(StepRecord)} WHERE decision_id = ? ORDER BY id", case.id))
    excluded = {
        str(name)
        for rec in rows
        for f in _defs(wf, rec.step)
        if f.excluded_readers
        for name in _items(json.loads(rec.fields).get(f.name))
    }
    sees_personal = user is not None and bool(roles_in(s, user, case.organ))
    sees_confidential = sees_personal and user is not None and user.name not in excluded
    if sees_personal and sees_confidential:
        return NONE
    hidden = withheld(lang)
    replace: dict[str, str] = {}
    # a confidential list of user names (those accused): withheld by field, not by text
    whole = {f.name for s in wf.steps() for f in s.fields if f.confidential and f.excluded_readers}

    def hide(step: str, values: dict[str, Any]) -> None:
        for f in _defs(wf, step):
            if f.name in whole:
                continue
            for item in _items(_typed(f, values.get(f.name))):
                if f.confidential and not sees_confidential:
                    replace[item] = hidden
                elif f.personal and not sees_personal:
                    replace.setdefault(item, mask(f.personal, item))

    for rec in rows:
        hide(rec.step, json.loads(rec.fields))
    for step, values in _attempted(s, case):
        hide(step, values)
    if not sees_confidential:
        for rec in rows:
            at = _step(wf, rec.step)
            kinds = [e.kind for e in at.evidence if e.confidential] if at else []
            if kinds:
                marks = ", ".join("?" for _ in kinds)
                query = f"SELECT name, sha256 FROM evidence WHERE record_id = ? AND kind IN ({marks})"
                found = cursor_of(s).all(query, rec.id, *kinds)
                for name, sha in found:
                    replace[name] = replace[sha] = hidden
    return Redactor(replace, () if sees_confidential else whole, hidden)


def _step(wf: Workflow, name: str) -> Step | None:
    return wf.steps_by_name.get(name)


def _defs(wf: Workflow, name: str) -> list[FieldDef]:
    step = _step(wf, name)
    return [f for f in step.fields if f.personal or f.confidential or f.excluded_readers] if step else []


def _typed(field: FieldDef, value: Any) -> Any:
    """A list field's value as stored, also when it is still the text typed (a refused attempt)."""
    if field.type == "list" and isinstance(value, str):
        try:
            return parse_value(field, value)
        except DflowError:
            return value
    return value


def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _attempted(s: Tx, case: Decision) -> list[tuple[str, dict[str, Any]]]:
    """The values of the refused attempts to record a step of the case (``--set name=value``):
    a refusal keeps what was typed, personal data included."""
    found = []
    query = "SELECT step, data FROM audit_events WHERE decision_id = ? AND action = 'refused'"
    for step, data in cursor_of(s).all(query, case.id):
        args = json.loads(data).get("args") if data else None
        assignments = args.get("set") if isinstance(args, dict) else None
        if not isinstance(step, str) or not isinstance(assignments, list):
            continue
        values: dict[str, Any] = {}
        for a in assignments:
            if isinstance(a, str) and "=" in a:
                name, _, value = a.partition("=")
                values[name.strip()] = value
        found.append((step, values))
    return found
