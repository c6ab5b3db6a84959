"""The offline verifier of an exported trail (`dflow audit verify --file`, docs/audit-format.md
section 6): the file's canonical layout, every key line and event line (hash, types, the
decision's chain, the signature by the database verifier's rules), the header against the events,
the count, then the digest; with a checkpoint kept elsewhere, the event it names. Reads line by
line, so memory stays flat; the key lines, few, are kept to check the events' signatures."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg, os_error
from decision_flow.trail import canonical, chainwalk
from decision_flow.trail.canonical import REGISTRY
from decision_flow.trail.chainwalk import Verdict
from decision_flow.trail.checkpoint import Checkpoint
from decision_flow.trail.trailfile import (
    BETWEEN,
    CONTENT_KEYS,
    CONTENT_KEYS_V2,
    DIGEST_DOMAIN,
    DIGEST_DOMAINS,
    FOOTER,
    FORMAT,
    FORMAT_V1,
    SIGNED,
    NotHeader,
    is_int,
    no_constant,
    read_header,
)


def verify_file(path: Path, anchor: Checkpoint | None = None, anchor_path: Path | None = None) -> Verdict:
    """Verify an exported trail offline: canonical layout, every key event and event (hash,
    types, the decision's chain, the signature by the rules of the database verifier), the
    header against the events, the count, then the file digest. With `anchor` (a checkpoint
    kept outside the system, read from `anchor_path`), the file must also hold the event it
    names, with its hash: a decision's checkpoint of the file's decision, or a chain checkpoint
    whose event is in the file (else InvalidInput: it cannot vouch for this file)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InvalidInput(Msg("file.cannot_read", {"path": str(path), "why": os_error(exc)})) from None
    with fh:
        check = _FileCheck(path, fh, anchor)
        verdict = check.run()
    if anchor is None or not verdict.ok or anchor.size == 0:
        return verdict
    return check.against(verdict, anchor, str(anchor_path or ""))


@dataclass
class _Problem:
    index: int  # 0 for the header, n for the n-th line of its section
    seq: int | None
    reason: Msg


Item = tuple[Any, ...]  # (content, hash) in a v1 file, (content, hash, signature) in v2 and v3


class _FileCheck:
    """One pass over an export file: line by line, so memory stays flat (the key events, few,
    are kept to check the events' signatures against)."""

    def __init__(self, path: Path, fh: IO[bytes], anchor: Checkpoint | None = None) -> None:
        from decision_flow.trail.signatures import Signatures  # loaded only to verify

        self.path, self.fh = path, fh
        self.form = FORMAT
        self.lineno = 0  # lines read so far
        self.at_line = 1  # the line being checked
        self.digest = hashlib.sha256(DIGEST_DOMAIN)
        self.problem: _Problem | None = None
        self.scanning = False  # reading on past a fault, only to tell order broken from missing
        self.index = 0
        self.last_seq, self.last_hash = 0, canonical.GENESIS
        self.organ_seq, self.organ_hash = 0, canonical.GENESIS  # the last version 2 event line's
        self.newer = False  # a version 2 line seen in this section: no version 1 line may follow
        self.organ: str | None = None  # the decision's organ (a v3 file's header)
        self.closing = b""  # the line that closed the last section read
        self.key_events: list[Item] = []
        self.key_hashes: dict[int, str] = {}
        self.key_sigs, self.sigs = Signatures(), Signatures()  # the key section's, and the events' replay
        self.replayed = 0
        self.signed = 0
        self.signers: dict[tuple[str, str], None] = {}
        self.decision_id: int | None = None
        # the line a checkpoint names, kept to hold it against: by (chain, seq), or by decision_seq (seq, hash)
        self.want_seq = (anchor.chain, anchor.size) if anchor is not None and anchor.decision is None else None
        self.want_decision_seq = anchor.size if anchor is not None and anchor.decision is not None else None
        self.by_seq: dict[tuple[str, int], str] = {}
        self.by_decision_seq: dict[int, tuple[int, str]] = {}

    def run(self) -> Verdict:
        header = self._header()
        signed = self.form in SIGNED
        if signed:
            items = self._lines(header, keys=True)
            verdict = self._section(items, self._key_signature, self._key_event)
            if verdict is not None:
                return verdict
            if self.closing != BETWEEN:
                why = "verify.file_unclosed" if not self.closing else "verify.file_line"
                return Verdict(False, 0, None, Msg(why, {"line": self.lineno}))
            self.digest.update(self.closing)
            self.last_seq, self.last_hash, self.newer = 0, canonical.GENESIS, False
        items = self._lines(header, keys=False)
        # a v3 file bounds its events' registry positions by its checkpoint (the registry chain's)
        walk = chainwalk.Walk(registry_size=header["checkpoint"]["size"]) if self.form == FORMAT else None
        verdict = self._section(
            items, self._event_signature if signed else None, self._of_decision, events=True, walk=walk
        )
        if verdict is not None:
            return verdict
        return self._close()

    def _section(
        self,
        items: Iterator[Item],
        then: Callable[..., Msg | None] | None,
        admit: Callable[[dict[str, Any]], Msg | None] | None,
        events: bool = False,
        walk: chainwalk.Walk | None = None,
    ) -> Verdict | None:
        """Verify one section's lines; the first fault, or None if there is none."""
        verdict = chainwalk.verify_contents(items, whole_chain=False, then=then, admit=admit, walk=walk)
        problem = self.problem
        if not verdict.ok and (problem is None or problem.index >= verdict.events):
            missing = isinstance(verdict.why, Msg) and verdict.why.key == "verify.decision_missing"
            if events and missing and self._comes_later(items, verdict.events):
                why = Msg("verify.file_order", {"n": verdict.events})
                return Verdict(False, verdict.events, verdict.first_bad_seq, why)
            return verdict
        if problem is not None:
            return Verdict(False, self.index, problem.seq, problem.reason)
        return None

    def _comes_later(self, rest: Iterable[Item], decision_seq: int) -> bool:
        """Whether the event numbered `decision_seq` in its decision, found missing where it
        belongs, follows later (an event out of order rather than one taken out)."""
        self.scanning = True
        try:
            return any(item[0] is not None and item[0].get("decision_seq") == decision_seq for item in rest)
        except InvalidInput:
            return False

    def _of_decision(self, content: dict[str, Any]) -> Msg | None:
        """Why an event line is not of the file's decision (nor of its organ's chain, nor in its
        version's place), or None."""
        if content["decision"] != self.decision_id:
            other = {"seq": content["seq"], "other": content["decision"], "decision": self.decision_id}
            return Msg("verify.file_other_decision", other)
        if "chain" in content and content["chain"] != self.organ:
            return Msg(
                "verify.file_other_chain", {"seq": content["seq"], "chain": content["chain"], "organ": self.organ}
            )
        return self._in_place(content)

    def _key_event(self, content: dict[str, Any]) -> Msg | None:
        """Why a line of the key section is no key event (or not in its version's place), or None."""
        if (
            content["decision"] is not None
            or content["action"] not in canonical.KEY_ACTIONS
            or content.get("chain", REGISTRY) != REGISTRY
        ):
            return Msg("verify.file_not_key", {"seq": content["seq"]})
        return self._in_place(content)

    def _in_place(self, content: dict[str, Any]) -> Msg | None:
        """A version 1 line after a version 2 line of its section is out of place."""
        if "chain" in content:
            self.newer = True
        elif self.newer:
            return Msg("verify.format_place")
        return None

    # -- signatures

    def _key_signature(self, content: dict[str, Any], stored: str, signature: str | None) -> Msg | None:
        bad = self._signed(self.key_sigs, content, stored, signature)
        if bad is None:
            self.key_events.append((content, stored, signature))
        return bad

    def _event_signature(self, content: dict[str, Any], stored: str, signature: str | None) -> Msg | None:
        """An event's signature against the keys and roles the key events up to its registry
        position establish (those before it, for a version 1 event)."""
        at = chainwalk.position(content)
        assert at is not None  # its types were checked
        while self.replayed < len(self.key_events) and self.key_events[self.replayed][0]["seq"] <= at:
            self.sigs.check(*self.key_events[self.replayed])  # passed in the key section: the same walk
            self.replayed += 1
        return self._signed(self.sigs, content, stored, signature)

    def _signed(self, sigs: Any, content: dict[str, Any], stored: str, signature: str | None) -> Msg | None:
        actor = content["actor"]
        organ = "chain" in content and content["chain"] != REGISTRY
        before = sigs.key_at(actor, content["registry"]) if organ else sigs.keys.get(actor)
        bad: Msg | None = sigs.check(content, stored, signature)
        if bad is None and signature is not None:
            self.signed += 1
            key = before[0] if before is not None else sigs.keys[actor][0]  # the chain's first key: its own
            self.signers[(actor, key)] = None
        return bad

    # -- the header

    def _header(self) -> dict[str, Any]:
        line = self._line()
        if not line:
            raise InvalidInput(Msg("trailfile.empty", {"path": str(self.path)}))
        try:
            header, problem = read_header(line, self._text(line))
        except NotHeader as exc:
            raise self._malformed(exc.why) from None
        self.form = header["format"]
        self.digest = hashlib.sha256(DIGEST_DOMAINS[self.form])
        self.decision_id, self.organ = header["decision"]["id"], header["decision"].get("organ")
        if problem is not None:
            self._fail(0, None, problem)
        self.digest.update(line)
        return header

    # -- the lines of a section

    def _lines(self, header: dict[str, Any], keys: bool) -> Iterator[Item]:
        if self.problem is not None:
            return
        self.index = 0
        line = self._line()
        while line and not line.startswith(b"]"):
            self.at_line = self.lineno
            following = self._line()
            if not following:  # the file ends here, before its closing line: named once this line is checked
                end = b",\n" if line.endswith(b",\n") else b"\n"
            else:
                end = b"\n" if following.startswith(b"]") else b",\n"
            self.index += 1
            item = self._event(line, end, header, keys)
            if item is None:
                return
            self.digest.update(line)
            yield item
            if self.problem is not None and not self.scanning:
                return
            line = following
        self.closing = line

    def _event(self, line: bytes, end: bytes, header: dict[str, Any], keys: bool) -> Item | None:
        text = self._text(line)
        text = text[:-1] if text.endswith("\n") else text
        text = text[:-1] if text.endswith(",") else text
        cut = not line.endswith(b"\n")  # the file ends inside this line: it was cut short (exit 7)
        try:  # a number with a fraction is JSON, but never canonical: the line was altered
            value = json.loads(text, parse_float=_Fraction, parse_constant=no_constant)
        except ValueError as exc:
            if cut:
                self._fail(self.index, None, Msg("verify.file_cut", {"line": self.at_line}))
                return None
            raise self._malformed(Msg("trailfile.bad_json", {"error": str(exc)})) from None
        if not isinstance(value, dict):
            if cut:
                self._fail(self.index, None, Msg("verify.file_cut", {"line": self.at_line}))
                return None
            raise self._malformed(Msg("trailfile.not_object"))
        seq = value.get("seq") if is_int(value.get("seq")) else None
        if not line.endswith(end) or _canonical(value) != line[: -len(end)]:
            self._fail(self.index, seq, Msg("verify.file_line", {"line": self.at_line}))
            return None
        stored = value.pop("hash", None)
        signed = self.form in SIGNED
        signature = value.pop("signature", _ABSENT) if signed else None
        keys_held = set(value)
        known = keys_held == CONTENT_KEYS or (self.form == FORMAT and keys_held == CONTENT_KEYS_V2)
        if not known or not isinstance(stored, str) or signature is _ABSENT:
            self._fail(self.index, seq, Msg("verify.file_keys"))
            return None
        item: Item = (value, stored, signature) if signed else (value, stored)
        if seq is None:
            return item  # verify_contents names it: content edited, or wrong type
        if keys:
            self._agree_key(value, stored, seq, header)
        else:
            self._agree(value, stored, seq, header)
        return item

    def _agree_key(self, content: dict[str, Any], stored: str, seq: int, header: dict[str, Any]) -> None:
        """Check a key line's place: after the key line before it, linked to it where the seq runs
        on, within the checkpoint. Only recorded: its own hash and signature are named first."""
        cp = header["checkpoint"]
        if seq <= self.last_seq:
            self._fail(self.index, seq, Msg("verify.file_follows", {"seq": seq, "last": self.last_seq}))
        elif seq == self.last_seq + 1 and content["prev_hash"] != self.last_hash:
            self._fail(self.index, seq, Msg("verify.file_link", {"last": self.last_seq}))
        elif seq > cp["size"]:
            self._fail(self.index, seq, Msg("verify.file_beyond", {"seq": seq, "size": cp["size"]}))
        elif seq == cp["size"] and stored != cp["head"]:
            self._fail(self.index, seq, Msg("verify.file_head", {"seq": seq}))
        self.key_hashes.setdefault(seq, stored)
        if (REGISTRY, seq) == self.want_seq:
            self.by_seq.setdefault((REGISTRY, seq), stored)
        self.last_seq, self.last_hash = seq, stored

    def _agree(self, content: dict[str, Any], stored: str, seq: int, header: dict[str, Any]) -> None:
        """Check an event against the header and the key lines. A disagreement is only recorded:
        the event's own hash, chain and signature, which verify_contents checks next, name the
        fault first."""
        dec, cp = header["decision"], header["checkpoint"]
        before = self.key_hashes.get(seq - 1)
        organ = "chain" in content and content["chain"] != REGISTRY
        if organ:  # a version 2 event of the organ's chain: linked to the one before it there
            if seq <= self.organ_seq:
                self._fail(self.index, seq, Msg("verify.file_follows", {"seq": seq, "last": self.organ_seq}))
            elif seq == self.organ_seq + 1 and content["prev_hash"] != self.organ_hash:
                self._fail(self.index, seq, Msg("verify.file_link", {"last": self.organ_seq}))
        elif seq <= self.last_seq:
            self._fail(self.index, seq, Msg("verify.file_follows", {"seq": seq, "last": self.last_seq}))
        elif seq in self.key_hashes:
            self._fail(self.index, seq, Msg("verify.file_same_seq", {"seq": seq}))
        elif before is not None and content["prev_hash"] != before:
            self._fail(self.index, seq, Msg("verify.file_link", {"last": seq - 1}))
        elif before is None and seq == self.last_seq + 1 and content["prev_hash"] != self.last_hash:
            # consecutive in the global chain too: that link is checkable offline
            self._fail(self.index, seq, Msg("verify.file_link", {"last": self.last_seq}))
        elif seq > cp["size"]:
            self._fail(self.index, seq, Msg("verify.file_beyond", {"seq": seq, "size": cp["size"]}))
        elif seq == cp["size"] and stored != cp["head"]:
            self._fail(self.index, seq, Msg("verify.file_head", {"seq": seq}))
        if self.index == 1 and self.problem is None:
            data = content["data"] if isinstance(content["data"], dict) else {}
            if content["action"] != "created":
                self._fail(1, seq, Msg("verify.file_first"))
            for key in ("title", "workflow", "workflow_version"):
                if self.problem is None and data.get(key) != dec[key]:
                    self._fail(1, seq, Msg("verify.file_meta", {"key": key}))
        chain = str(content["chain"]) if organ else REGISTRY
        if (chain, seq) == self.want_seq:
            self.by_seq.setdefault((chain, seq), stored)
        if content["decision_seq"] == self.want_decision_seq:
            self.by_decision_seq.setdefault(content["decision_seq"], (seq, stored))
        if organ:
            self.organ_seq, self.organ_hash = seq, stored
        else:
            self.last_seq, self.last_hash = seq, stored

    # -- the closing line and the digest

    def _close(self) -> Verdict:
        n = self.index
        if not self.closing:
            return Verdict(False, n, None, Msg("verify.file_unclosed"))
        match = FOOTER.fullmatch(self.closing)
        if match is None:
            return Verdict(False, n, None, Msg("verify.file_footer", {"line": self.lineno}))
        if self.fh.read(1):
            return Verdict(False, n, None, Msg("verify.file_trailing", {"line": self.lineno}))
        declared = int(match.group(1))
        if declared != n:
            why = "verify.file_count_missing" if declared > n else "verify.file_count"
            return Verdict(False, n, None, Msg(why, {"declared": declared, "held": n}))
        if n == 0:
            return Verdict(False, 0, None, Msg("verify.file_empty"))
        self.digest.update(self.closing[: match.start(2)])
        if self.digest.hexdigest() != match.group(2).decode("ascii"):
            return Verdict(False, n, None, Msg("verify.file_digest"))
        if self.form == FORMAT_V1:
            return Verdict(True, n, note=Msg("verify.file_v1"))
        from decision_flow.identity.keys import fingerprint

        signers = tuple((actor, fingerprint(key) or key) for actor, key in self.signers)
        return Verdict(True, n, signed=self.signed, signers=signers)

    # -- a checkpoint held outside the system

    def against(self, verdict: Verdict, cp: Checkpoint, where: str) -> Verdict:
        """The verdict of a file that verified on its own, checked against checkpoint `cp`."""
        decision = self.decision_id
        if cp.decision is not None:
            if cp.decision != decision:
                named = {"path": where, "anchor": cp.decision, "file": decision}
                raise InvalidInput(Msg("anchor.other_decision", named))
            found = self.by_decision_seq.get(cp.size)
            named = {"decision": decision, "size": self.index, "checkpoint": cp.size, "n": cp.size}
            if found is None:
                return Verdict(False, verdict.events, None, Msg("verify.decision_truncated", named))
            if found[1] != cp.head:
                return Verdict(False, verdict.events, found[0], Msg("verify.decision_rewritten", named))
            return verdict
        held = self.by_seq.get((cp.chain, cp.size))
        if held is None:
            named = {"path": where, "seq": cp.size, "decision": decision, "chain": cp.chain}
            raise InvalidInput(Msg("anchor.cannot_vouch", named))
        if held != cp.head:
            why = Msg("verify.rewritten", {"seq": cp.size, "chain": cp.chain})
            return Verdict(False, verdict.events, cp.size, why)
        return verdict

    # -- helpers

    def _line(self) -> bytes:
        self.lineno += 1
        return self.fh.readline()

    def _text(self, line: bytes) -> str:
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(Msg("trailfile.not_utf8", {"path": str(self.path), "line": self.at_line})) from None

    def _fail(self, index: int, seq: int | None, reason: Msg) -> None:
        if self.problem is None:
            self.problem = _Problem(index, seq, reason)

    def _malformed(self, why: Msg) -> InvalidInput:
        return InvalidInput(Msg("trailfile.malformed", {"path": str(self.path), "line": self.at_line, "why": why}))


_ABSENT: Any = object()


class _Fraction(str):
    """A number with a fraction or exponent, as written in an event line (never canonical)."""


def _canonical(value: Any) -> bytes | None:
    try:
        return canonical.canonical_json(value)
    except ValueError:  # e.g. a lone surrogate written as an escape
        return None


__all__ = ["Verdict", "verify_file"]
