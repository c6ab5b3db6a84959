"""Checkpoints (审计检查点): the chain's size and head hash at a moment, printed by
`dflow audit head` for an auditor to keep outside the system; `dflow audit verify --anchor`
proves today's chain still extends it, so a cut-off tail or a rewritten history is found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from decision_flow.core.errors import InvalidInput, NotFound
from decision_flow.core.i18n import Msg, os_error
from decision_flow.store.db import Database
from decision_flow.store.models import Decision
from decision_flow.trail import audit, canonical

PLAIN_TITLE = "decision-flow audit checkpoint"
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Checkpoint:
    """The chain's size and head hash at a moment: what an auditor keeps outside the system. With
    `decision`, one decision's own chain: its number of events and its last event's hash."""

    size: int
    head: str
    at: str
    decision: int | None = None

    def plain(self) -> str:
        """The text `dflow audit head` prints (and `read_anchor` reads back)."""
        named = f"decision: {self.decision}\n" if self.decision is not None else ""
        return f"{PLAIN_TITLE}\n{named}size: {self.size}\nhead: {self.head}\nat: {self.at}\n"

    def as_dict(self) -> dict[str, Any]:
        """The `--json` form."""
        named = {"decision": self.decision} if self.decision is not None else {}
        return {**named, "size": self.size, "head": self.head, "at": self.at}


def checkpoint(db: Database, at: str, decision: int | None = None) -> Checkpoint:
    """The chain's checkpoint now (`at`, the clock's stamp), or one decision's."""
    db.require()
    with db.session(write=False) as s:
        if decision is None:
            size, head = audit.head(s)
            return Checkpoint(size, head, at)
        if s.get(Decision, decision) is None:
            raise NotFound(Msg("decision.unknown", {"id": decision}))
        size, head = audit.decision_head(s, decision)
    return Checkpoint(size, head, at, decision)


def read_anchor(path: Path) -> Checkpoint:
    """A checkpoint from a file holding what `dflow audit head` printed, plain or `--json`."""
    text = _read_text(path).strip()
    if text.startswith("{"):
        try:
            value = json.loads(text, parse_constant=_no_constant)
        except ValueError:
            raise _not_checkpoint(path, Msg("checkpoint.bad_json")) from None
        if not isinstance(value, dict) or set(value) - {"decision"} != {"size", "head", "at"}:
            raise _not_checkpoint(path, Msg("checkpoint.json_keys"))
        decision = value.get("decision")
        if "decision" in value and (type(decision) is not int or decision < 1):
            raise _not_checkpoint(path, Msg("checkpoint.decision"))
        return _checked_checkpoint(path, value["size"], value["head"], value["at"], decision)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != PLAIN_TITLE:
        raise _not_checkpoint(path, Msg("checkpoint.not_plain", {"title": PLAIN_TITLE}))
    fields: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in ("decision", "size", "head", "at") or key in fields:
            raise _not_checkpoint(path, Msg("checkpoint.line", {"line": line[:40]}))
        fields[key] = value.strip()
    if set(fields) - {"decision"} != {"size", "head", "at"}:
        raise _not_checkpoint(path, Msg("checkpoint.lines"))
    if not re.fullmatch(r"[0-9]{1,18}", fields["size"]):
        raise _not_checkpoint(path, Msg("checkpoint.size"))
    decision = None
    if "decision" in fields:
        if not re.fullmatch(r"[1-9][0-9]{0,17}", fields["decision"]):
            raise _not_checkpoint(path, Msg("checkpoint.decision"))
        decision = int(fields["decision"])
    return _checked_checkpoint(path, int(fields["size"]), fields["head"], fields["at"], decision)


def _checked_checkpoint(path: Path, size: Any, head: Any, at: Any, decision: int | None = None) -> Checkpoint:
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _not_checkpoint(path, Msg("checkpoint.size"))
    if not isinstance(head, str) or not _HEX64.fullmatch(head.lower()):
        raise _not_checkpoint(path, Msg("checkpoint.head"))
    if size == 0 and head != canonical.GENESIS:
        raise _not_checkpoint(path, Msg("checkpoint.empty_head"))
    if not isinstance(at, str) or not _is_time(at):
        raise _not_checkpoint(path, Msg("checkpoint.at"))
    return Checkpoint(size, head.lower(), at, decision)


def _is_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _not_checkpoint(path: Path, why: Msg) -> InvalidInput:
    return InvalidInput(Msg("checkpoint.invalid", {"path": str(path), "why": why}))


# ---------------------------------------------------------------------------- writing


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not allowed")


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(Msg("file.cannot_read", {"path": str(path), "why": os_error(exc)})) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_checkpoint(path, Msg("checkpoint.not_utf8")) from None
