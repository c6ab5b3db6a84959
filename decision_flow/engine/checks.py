"""Names and roles as typed for users: checked before any change is made."""

from __future__ import annotations

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.core.values import clean_text
from decision_flow.definition.workflow import ROLES


def check_name(name: str) -> str:
    name = clean_text(name, "name", 64)
    if not name or name.startswith(".") or any(c.isspace() or c in ",:/\\" for c in name):
        raise InvalidInput(Msg("user.bad_name", {"name": name[:64]}))
    return name


def check_roles(roles: list[str]) -> list[str]:
    if not roles:
        raise InvalidInput(Msg("user.bad_role", {"role": "", "roles": ", ".join(ROLES)}))
    for role in roles:
        if role not in ROLES:
            raise InvalidInput(Msg("user.bad_role", {"role": role[:40], "roles": ", ".join(ROLES)}))
    return sorted(set(roles), key=ROLES.index)
