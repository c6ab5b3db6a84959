"""One decision's trail exported as a self-verifying JSON file (审计记录导出), and its offline
verifier (checkpoints are in :mod:`decision_flow.trail.checkpoint`).

The export is one JSON document in a single canonical byte form (docs/audit-format.md)::

    {"format":"decision-flow/trail-export/v3","exported_at":T,"checkpoint":C,"decision":D,"keys":[
    KEY EVENT,
    ...
    ],"events":[
    EVENT,
    ...
    EVENT
    ],"count":N,"digest":"HEX"}

one event per line, each the canonical JSON of its hashed content plus its ``hash`` and its
``signature``. The key events (registrations, rotations, revocations, roles) of the registry
chain come first, so that every signature is checked offline by the rules the database verifier
applies. HEX is SHA-256 over ``DIGEST_DOMAIN`` and every byte before it, so any one-byte change
is found. Its verifier is :mod:`decision_flow.trail.filecheck`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from decision_flow.core.errors import IntegrityError, InvalidInput, NotFound
from decision_flow.core.i18n import Msg, os_error
from decision_flow.store.db import Database
from decision_flow.store.row import one_as, select_all
from decision_flow.store.rows import AuditEvent, Decision
from decision_flow.store.tx import cursor_of
from decision_flow.trail import audit, canonical
from decision_flow.trail.checkpoint import Checkpoint

FORMAT = "decision-flow/trail-export/v3"
FORMAT_V2 = "decision-flow/trail-export/v2"
FORMAT_V1 = "decision-flow/trail-export/v1"
DIGEST_DOMAINS = {
    FORMAT: b"decision-flow/trail-export/v3/digest\n",
    FORMAT_V2: b"decision-flow/trail-export/v2/digest\n",
    FORMAT_V1: b"decision-flow/trail-export/v1/digest\n",
}
DIGEST_DOMAIN = DIGEST_DOMAINS[FORMAT]
CONTENT_KEYS = frozenset(canonical.CONTENT_KEYS)
CONTENT_KEYS_V2 = frozenset(canonical.CONTENT_KEYS_V2)
HEX64 = re.compile(r"[0-9a-f]{64}")
FOOTER = re.compile(rb'\],"count":(0|[1-9][0-9]{0,17}),"digest":"([0-9a-f]{64})"\}\n')
BETWEEN = b'],"events":[\n'
HEADER_KEYS = {
    FORMAT: ["format", "exported_at", "checkpoint", "decision", "keys"],
    FORMAT_V2: ["format", "exported_at", "checkpoint", "decision", "keys"],
    FORMAT_V1: ["format", "exported_at", "checkpoint", "decision", "events"],
}
DECISION_KEYS_V2 = {"id": int, "title": str, "workflow": str, "workflow_version": int, "stage": str, "status": str}
DECISION_KEYS = {**DECISION_KEYS_V2, "organ": str}
SIGNED = (FORMAT, FORMAT_V2)  # the formats whose lines carry signatures and whose files carry key lines


def write_json(db: Database, decision_id: int, out: Path, at: str) -> int:
    """Export one decision's trail to `out` (atomically, streaming), exported `at` (the clock's
    stamp); return how many events."""
    db.require()
    with db.reading() as s:
        dec = one_as(Decision, cursor_of(s).one(f"{select_all(Decision)} WHERE id = ?", decision_id))
        if dec is None:
            raise NotFound(Msg("decision.unknown", {"id": decision_id}))
        size, head = audit.head(s, canonical.REGISTRY)
        header = header_line(FORMAT, at, {"head": head, "size": size}, _decision_meta(dec))
        key_lines = [_event_line(e) for e in audit.iter_key_events(s, size)]
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")  # beside it: the move is atomic
        try:
            fh = tmp.open("xb")  # the permissions an ordinary new file gets
        except OSError as exc:
            raise InvalidInput(Msg("file.cannot_write", {"path": str(out), "why": os_error(exc)})) from None
        try:
            with fh:
                count = _write(fh, header, key_lines, _event_lines(audit.iter_decision(s, decision_id), size))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InvalidInput(Msg("file.cannot_write", {"path": str(out), "why": os_error(exc)})) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return count


def _write(fh: IO[bytes], header: bytes, key_lines: list[bytes], lines: Iterator[bytes]) -> int:
    digest = hashlib.sha256(DIGEST_DOMAIN)

    def put(chunk: bytes) -> None:
        digest.update(chunk)
        fh.write(chunk)

    put(header)
    for n, line in enumerate(key_lines):
        put((b",\n" if n else b"") + line)
    put((b"\n" if key_lines else b"") + BETWEEN)
    count = 0
    for line in lines:
        put((b",\n" if count else b"") + line)
        count += 1
    put((b"\n" if count else b"") + _footer_prefix(count))
    fh.write(digest.hexdigest().encode("ascii") + b'"}\n')
    return count


def file_checkpoint(path: Path) -> Checkpoint:
    """The checkpoint of the decision's events an export file holds (the number of its events and
    its last event's hash, at the export time), to keep apart from the file. Read from a file
    this program has just written."""
    with path.open("rb") as fh:
        header = json.loads(fh.readline()[:-1] + b"]}")
        last = b""
        for line in fh:
            if line.startswith(b'],"count"'):
                break
            last = line
    event = json.loads(last.rstrip(b",\n"))
    return Checkpoint(event["decision_seq"], event["hash"], header["exported_at"], header["decision"]["id"])


def _event_lines(events: Iterator[AuditEvent], size: int) -> Iterator[bytes]:
    for event in events:
        at = event.registry_position if event.format == 2 else event.seq - 1
        if at is not None and at > size:  # appended after the checkpoint was read
            return
        yield _event_line(event)


def _event_line(event: AuditEvent) -> bytes:
    """The event's hashed content, its hash and its signature, in one canonical object. The data
    is written as stored, byte for byte (the bytes the database verifier hashes), so a stored
    rewrite is carried into the file rather than smoothed over by re-serialising."""
    try:
        content = {**canonical.content_of(event), "data": canonical.RawJSON(event.data)}
    except ValueError:
        raise IntegrityError(Msg("export.bad_event", {"seq": event.seq})) from None
    body = canonical.content_bytes(content)
    # "hash" sorts just before "prev_hash", "signature" just before "stage": nothing after the
    # data can hold either text (a string value's quotes are escaped)
    cut = body.rindex(b',"stage":')
    body = body[:cut] + b',"signature":' + canonical.canonical_json(event.signature) + body[cut:]
    cut = body.rindex(b',"prev_hash":')
    return body[:cut] + b',"hash":' + canonical.canonical_json(event.hash) + body[cut:]


def _decision_meta(dec: Decision) -> dict[str, Any]:
    return {
        "id": dec.id,
        "title": dec.title,
        "workflow": dec.workflow,
        "workflow_version": dec.workflow_version,
        "stage": dec.stage,
        "status": dec.status,
        "organ": dec.organ or "",
    }


def header_line(form: str, exported_at: str, cp: dict[str, Any], decision: dict[str, Any]) -> bytes:
    c = canonical.canonical_json
    first = b',"keys":[\n' if form in SIGNED else b',"events":[\n'
    return (
        b'{"format":' + c(form) + b',"exported_at":' + c(exported_at) + b',"checkpoint":' + c(cp)
        + b',"decision":' + c(decision) + first
    )  # fmt: skip


class NotHeader(Exception):
    """A first line that is no export file's header (why: a message)."""

    def __init__(self, why: Msg) -> None:
        super().__init__(why.key)
        self.why = why


def read_header(line: bytes, text: str) -> tuple[dict[str, Any], Msg | None]:
    """An export file's first line (`text`, its bytes `line`), parsed: NotHeader unless it is a
    header of a known format with its keys of their JSON types; with it, what is wrong that its
    parse lets through (a line not in its one byte form, a checkpoint that is no chain size and
    head hash), or None."""
    if not text.endswith("[\n"):
        raise NotHeader(Msg("trailfile.not_export"))
    try:
        header = json.loads(text[:-1] + "]}", parse_float=no_float, parse_constant=no_constant)
    except ValueError:
        raise NotHeader(Msg("trailfile.not_export")) from None
    if not isinstance(header, dict) or header.get("format") not in HEADER_KEYS:
        raise NotHeader(Msg("trailfile.no_format", {"format": FORMAT}))
    form = header["format"]
    keys = HEADER_KEYS[form]
    if list(header) != keys or header[keys[-1]] != []:
        raise NotHeader(Msg("trailfile.header_keys", {"keys": ", ".join(keys)}))
    cp, dec = header["checkpoint"], header["decision"]
    decision_keys = DECISION_KEYS if form == FORMAT else DECISION_KEYS_V2
    if not isinstance(header["exported_at"], str):
        raise NotHeader(Msg("trailfile.exported_at"))
    if not (
        isinstance(cp, dict) and set(cp) == {"head", "size"} and isinstance(cp["head"], str) and is_int(cp["size"])
    ):
        raise NotHeader(Msg("trailfile.checkpoint"))
    if not (isinstance(dec, dict) and set(dec) == set(decision_keys)):
        raise NotHeader(Msg("trailfile.decision_keys", {"keys": ", ".join(decision_keys)}))
    for key, kind in decision_keys.items():
        if not isinstance(dec[key], kind) or isinstance(dec[key], bool):
            raise NotHeader(Msg("trailfile.not_integer" if kind is int else "trailfile.not_string", {"key": key}))
    try:
        in_form = header_line(form, header["exported_at"], cp, dec) == line
    except ValueError:  # e.g. a lone surrogate written as an escape
        in_form = False
    if not in_form:
        return header, Msg("verify.file_header")
    if not HEX64.fullmatch(cp["head"]) or cp["size"] < 0 or (cp["size"] == 0) != (cp["head"] == canonical.GENESIS):
        return header, Msg("verify.file_checkpoint")
    return header, None


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def no_float(text: str) -> Any:
    raise ValueError(f"a number with a fraction or exponent ({text[:20]}) is not allowed")


def no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not allowed")


def _footer_prefix(count: int) -> bytes:
    return b'],"count":' + str(count).encode("ascii") + b',"digest":"'


__all__ = ["FORMAT", "FORMAT_V1", "FORMAT_V2", "file_checkpoint", "write_json"]
