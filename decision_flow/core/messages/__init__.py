"""The message catalogue: key -> (English, Chinese) templates, rendered by :func:`decision_flow.core.i18n.t`.

One module per concern; a key belongs to exactly one of them (`DUPLICATED` names any that do
not, and a test keeps it empty).
"""

from decision_flow.core.messages import (
    activities,
    calendar,
    cases,
    catalogue,
    enforcement,
    files,
    life,
    mediation,
    opinions,
    people,
    petition,
    privacy,
    procedures,
    trail,
    views,
    web,
)

_PARTS = (
    cases,
    people,
    trail,
    procedures,
    calendar,
    files,
    catalogue,
    life,
    views,
    petition,
    mediation,
    privacy,
    enforcement,
    activities,
    opinions,
    web,
)
MESSAGES: dict[str, tuple[str, str]] = {key: text for part in _PARTS for key, text in part.MESSAGES.items()}
DUPLICATED = sorted({k for i, a in enumerate(_PARTS) for b in _PARTS[i + 1 :] for k in a.MESSAGES if k in b.MESSAGES})
