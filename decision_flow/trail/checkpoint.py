"""Checkpoints (审计检查点): a chain's size and head hash at a moment, printed by
`dflow audit head` for an auditor to keep outside the system; `dflow audit verify --anchor`
proves today's chains still extend them, so a cut-off tail or a rewritten history is found.
A checkpoint is of one chain (the registry's or an organ's) or of one decision's own chain.
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
from decision_flow.store.tx import cursor_of
from decision_flow.trail import audit, canonical

PLAIN_TITLE = "decision-flow audit checkpoint"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHAIN = re.compile(r"[a-z0-9_-]{1,40}")  # "registry" or an organ's code


@dataclass(frozen=True)
class Checkpoint:
    """A chain's size and head hash at a moment: what an auditor keeps outside the system. With
    `decision`, one decision's own chain: its number of events and its last event's hash."""

    size: int
    head: str
    at: str
    decision: int | None = None
    chain: str = canonical.REGISTRY

    def plain(self) -> str:
        """The text `dflow audit head` prints (and `read_anchors` reads back)."""
        named = f"decision: {self.decision}\n" if self.decision is not None else f"chain: {self.chain}\n"
        return f"{PLAIN_TITLE}\n{named}size: {self.size}\nhead: {self.head}\nat: {self.at}\n"

    def as_dict(self) -> dict[str, Any]:
        """The `--json` form."""
        named = {"decision": self.decision} if self.decision is not None else {"chain": self.chain}
        return {**named, "size": self.size, "head": self.head, "at": self.at}


def checkpoint(db: Database, at: str, decision: int | None = None, chain: str | None = None) -> Checkpoint:
    """A chain's checkpoint now (`at`, the clock's stamp; the registry's unless `chain`), or one
    decision's."""
    db.require()
    with db.reading() as s:
        if decision is None:
            size, head = audit.head(s, chain or canonical.REGISTRY)
            return Checkpoint(size, head, at, chain=chain or canonical.REGISTRY)
        if cursor_of(s).one("SELECT id FROM decisions WHERE id = ?", decision) is None:
            raise NotFound(Msg("decision.unknown", {"id": decision}))
        size, head = audit.decision_head(s, decision)
    return Checkpoint(size, head, at, decision)


def checkpoints(db: Database, at: str) -> list[Checkpoint]:
    """Every chain's checkpoint now, the registry's first, read from one snapshot."""
    db.require()
    with db.reading() as s:
        return [Checkpoint(*audit.head(s, c), at, chain=c) for c in audit.chains(s) if c is not None]


def read_anchors(path: Path) -> list[Checkpoint]:
    """The checkpoints in a file holding what `dflow audit head` printed, plain (one block or
    several) or `--json` (one object or a list)."""
    text = _read_text(path).strip()
    if text.startswith("["):
        value = _json(path, text)
        if not isinstance(value, list) or not value:
            raise _not_checkpoint(path, Msg("checkpoint.json_keys"))
        return [_from_json(path, item) for item in value]
    if text.startswith("{"):
        return [_from_json(path, _json(path, text))]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != PLAIN_TITLE:
        raise _not_checkpoint(path, Msg("checkpoint.not_plain", {"title": PLAIN_TITLE}))
    blocks: list[list[str]] = []
    for line in lines:
        if line == PLAIN_TITLE:
            blocks.append([])
        else:
            blocks[-1].append(line)
    return [_from_plain(path, block) for block in blocks]


def read_anchor(path: Path) -> Checkpoint:
    """The one checkpoint in a file (for an export file, which one checkpoint vouches for)."""
    found = read_anchors(path)
    if len(found) != 1:
        raise _not_checkpoint(path, Msg("checkpoint.one", {"n": len(found)}))
    return found[0]


def _json(path: Path, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError:
        raise _not_checkpoint(path, Msg("checkpoint.bad_json")) from None


def _from_json(path: Path, value: Any) -> Checkpoint:
    if not isinstance(value, dict) or set(value) - {"decision", "chain"} != {"size", "head", "at"}:
        raise _not_checkpoint(path, Msg("checkpoint.json_keys"))
    if "decision" in value and "chain" in value:
        raise _not_checkpoint(path, Msg("checkpoint.json_keys"))
    decision, chain = value.get("decision"), value.get("chain", canonical.REGISTRY)
    if "decision" in value and (type(decision) is not int or decision < 1):
        raise _not_checkpoint(path, Msg("checkpoint.decision"))
    if not isinstance(chain, str) or not _CHAIN.fullmatch(chain):
        raise _not_checkpoint(path, Msg("checkpoint.chain"))
    return _checked_checkpoint(path, value["size"], value["head"], value["at"], decision, chain)


def _from_plain(path: Path, block: list[str]) -> Checkpoint:
    fields: dict[str, str] = {}
    for line in block:
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in ("decision", "chain", "size", "head", "at") or key in fields:
            raise _not_checkpoint(path, Msg("checkpoint.line", {"line": line[:40]}))
        fields[key] = value.strip()
    if set(fields) - {"decision", "chain"} != {"size", "head", "at"} or {"decision", "chain"} <= set(fields):
        raise _not_checkpoint(path, Msg("checkpoint.lines"))
    if not re.fullmatch(r"[0-9]{1,18}", fields["size"]):
        raise _not_checkpoint(path, Msg("checkpoint.size"))
    decision = None
    if "decision" in fields:
        if not re.fullmatch(r"[1-9][0-9]{0,17}", fields["decision"]):
            raise _not_checkpoint(path, Msg("checkpoint.decision"))
        decision = int(fields["decision"])
    chain = fields.get("chain", canonical.REGISTRY)
    if not _CHAIN.fullmatch(chain):
        raise _not_checkpoint(path, Msg("checkpoint.chain"))
    return _checked_checkpoint(path, int(fields["size"]), fields["head"], fields["at"], decision, chain)


def _checked_checkpoint(
    path: Path, size: Any, head: Any, at: Any, decision: int | None = None, chain: str = canonical.REGISTRY
) -> Checkpoint:
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _not_checkpoint(path, Msg("checkpoint.size"))
    if not isinstance(head, str) or not _HEX64.fullmatch(head.lower()):
        raise _not_checkpoint(path, Msg("checkpoint.head"))
    if size == 0 and head != canonical.GENESIS:
        raise _not_checkpoint(path, Msg("checkpoint.empty_head"))
    if not isinstance(at, str) or not _is_time(at):
        raise _not_checkpoint(path, Msg("checkpoint.at"))
    return Checkpoint(size, head.lower(), at, decision, chain)


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
