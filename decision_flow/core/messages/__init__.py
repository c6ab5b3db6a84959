"""The message catalogue: key -> (English, Chinese) templates, rendered by :func:`decision_flow.core.i18n.t`.

One module per concern; a key belongs to exactly one of them (`DUPLICATED` names any that do
not, and a test keeps it empty).

The Chinese of every command's ``--help`` is here too (`help_texts`, from the ``help*``
modules), keyed by the command's path, Chinese alone: its English is the commands' own
docstrings and ``help=`` texts (dflow_cli), never written twice. It is loaded only to draw a
help in Chinese, so a run in English, or one that draws no help, never reads it.
"""

from functools import cache

from decision_flow.core.messages import (
    activities,
    annual,
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
    report,
    trail,
    views,
    web,
)

_PARTS = (
    annual,
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
    report,
    opinions,
    web,
)
MESSAGES: dict[str, tuple[str, str]] = {key: text for part in _PARTS for key, text in part.MESSAGES.items()}
DUPLICATED = sorted({k for i, a in enumerate(_PARTS) for b in _PARTS[i + 1 :] for k in a.MESSAGES if k in b.MESSAGES})


@cache
def help_texts() -> dict[str, str]:
    """The Chinese of every command's help: help.<command path>[.<option or argument>] -> text
    (dflow_cli/help_zh.py applies it). A key in two modules is an error."""
    from decision_flow.core.messages import help_commands, help_registers

    parts = (help_commands.HELP, help_registers.HELP)
    twice = sorted({k for k in parts[0] if k in parts[1]} | {k for part in parts for k in part if k in MESSAGES})
    if twice:
        raise KeyError(f"help keys defined twice: {twice}")
    return {key: text for part in parts for key, text in part.items()}
