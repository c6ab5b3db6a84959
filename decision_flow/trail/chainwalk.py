"""Walking a chain of audit events (审计链核验): each event's number, hash, types, links, its
decision's own chain and its registry position, in the order docs/audit-format.md (section 4)
gives; the database verifier (:mod:`decision_flow.engine.verification`) and the export file's
(:mod:`decision_flow.trail.filecheck`) both walk with :func:`verify_contents`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from decision_flow.core.i18n import Msg, t
from decision_flow.store.rows import AuditEvent
from decision_flow.trail.canonical import GENESIS, KEY_ACTIONS, REGISTRY, content_of, hash_content, type_fault


@dataclass(frozen=True, eq=False)
class Verdict:
    """The result of walking the chain: ok, how many events, and the first bad one with why
    (a message, shown in the reader's language; its English text is the JSON `reason`)."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    why: Msg | str | None = None
    signed: int | None = None  # how many signatures were checked, if any
    recalled: int = 0  # of those, checked by an earlier run on this machine
    signers: tuple[tuple[str, str], ...] = ()  # (actor, key fingerprint) of each key that signed, in a file
    note: Msg | None = None  # what the verdict does not cover (a file of the first version: no signatures)
    chain: str | None = None  # the chain of the first bad event, in a database
    # why some events are unsigned: (why, how many, the first few as (chain, seq, actor))
    unsigned: tuple[tuple[str, int, tuple[tuple[str, int, str], ...]], ...] = ()
    anchor: str | None = None  # the checkpoint file the chain was found to extend

    @property
    def reason(self) -> str | None:
        """Why, in English: the `reason` of `dflow audit verify --json`, a stable contract."""
        return None if self.why is None else t(self.why, "en")

    def _compared(self) -> tuple[bool, int, int | None, str | None, str | None]:
        return self.ok, self.events, self.first_bad_seq, self.reason, self.chain

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "ok": self.ok,
            "events": self.events,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
        }
        if self.chain is not None:  # a database's bad event: its chain (first_bad_seq is its number there)
            shown["chain"] = self.chain
        if self.signers:  # a verified export file: whose keys signed it (the database's shape is fixed)
            shown["signatures"] = self.signed
            shown["signers"] = [{"actor": actor, "fingerprint": key} for actor, key in self.signers]
        if self.note is not None:
            shown["note"] = t(self.note, "en")
        return shown


@dataclass
class Walk:
    """What verification carries from one chain to the next: each decision's last number, last
    hash, the organ chain of its version 2 events and its last registry position; the registry
    chain's size (the bound of every registry position)."""

    registry_size: int | None = None
    decisions: dict[Any, tuple[int, str | None, str | None, int]] = field(default_factory=dict)


def verify_events(events: Iterable[AuditEvent]) -> Verdict:
    """Walk one whole chain in seq order: recompute each hash, check numbering and both links."""
    return verify_contents(((_content_or_none(e), e.hash) for e in events), whole_chain=True)


def _content_or_none(event: AuditEvent) -> dict[str, Any] | None:
    try:
        return content_of(event)
    except (ValueError, TypeError):
        return None


def _written_as(content: dict[str, Any], stored_hash: str, locate: Callable[[str], int | None] | None) -> int | None:
    """The seq an event was written with, if its content hashes right under another seq."""
    if locate is None:
        return None
    prev = content.get("prev_hash")
    before = 0 if prev == GENESIS else locate(prev) if isinstance(prev, str) else None
    if before is None or before + 1 == content.get("seq"):
        return None
    return before + 1 if hash_content({**content, "seq": before + 1}) == stored_hash else None


def position(content: dict[str, Any]) -> int | None:
    """An event's registry position (docs/audit-format.md, section 4a): how many registry events
    its actor's key was read after. `registry` for an organ's event; seq - 1 for the registry's
    own; None when the content does not say."""
    if "chain" in content and content["chain"] != REGISTRY:
        registry = content["registry"]
        return registry if type(registry) is int else None
    seq = content.get("seq")
    return seq - 1 if type(seq) is int else None


def verify_contents(
    items: Iterable[tuple[Any, ...]],
    whole_chain: bool,
    locate: Callable[[str], int | None] | None = None,
    then: Callable[..., Msg | None] | None = None,
    checked_until: int = 0,
    admit: Callable[[dict[str, Any]], Msg | None] | None = None,
    chain: str | None = None,
    walk: Walk | None = None,
) -> Verdict:
    """Verify (content, hash, …) tuples in order (a fourth item, if any, is the content's hash,
    already computed; a fifth, its stored format, as :func:`decision_flow.trail.audit.iter_stored`
    says). With `whole_chain` the numbering and links of the chain (`chain`, in a database) are
    checked too; without, only each decision's own chain (an export of one decision).
    A content of None stands for an event whose stored data does not parse. `locate` (the seq
    of the event with a given hash) lets a failure tell an event moved from one edited. `then`,
    called with each whole tuple once its hash, links and registry position are right, returns
    why it is bad (the signature check), or None. Stored data of events up to `checked_until`
    (bytes an earlier verification checked, :mod:`decision_flow.trail.verified`) is not parsed
    again. `admit`, called once an event's hash and types are right, says why it does not belong
    where it is (a key line of an export that is no key event), or None. `walk` carries each
    decision's chain and the registry's size from one chain to the next (and bounds registry
    positions: those of an organ's events, in a database; of every event of a decision, in an
    export).
    The event named for a fault is always one that is there: for a missing event, the one found
    in its place (the reason names the missing number)."""
    walk = walk if walk is not None else Walk()
    decisions = walk.decisions
    prev_hash, expected_seq, count = GENESIS, None if not whole_chain else 1, 0
    newer, last_position = False, -1  # a version 2 event seen in this chain; the chain's last position

    def bad(seq: Any, why: Msg) -> Verdict:
        return Verdict(False, count, seq if type(seq) is int else None, why, chain=chain)

    for item in items:
        content, stored_hash, size = item[0], item[1], len(item)
        count += 1
        seq = content.get("seq") if content else None
        if content is None:
            return bad(seq, Msg("verify.data_not_json"))
        if expected_seq is not None and seq != expected_seq:
            missing = isinstance(seq, int) and seq > expected_seq
            found = {"expected": expected_seq, "found": str(seq)}
            return bad(seq, Msg("verify.seq_missing" if missing else "verify.seq_order", found))
        v2 = "chain" in content
        if whole_chain and chain is not None:
            placed = item[4] if size > 4 else ("v2" if v2 else "v1")
            if placed == "v1-misplaced" or (placed == "v1" and newer):
                return bad(seq, Msg("verify.format_place"))
            newer = newer or v2
        if (item[3] if size > 3 else hash_content(content)) != stored_hash:
            moved_from = _written_as(content, stored_hash, locate)
            if moved_from is not None:
                return bad(seq, Msg("verify.moved", {"seq": seq, "written": moved_from}))
            return bad(seq, Msg("verify.hash"))
        fault = type_fault(content, check_data=not (type(seq) is int and seq <= checked_until))
        if fault is not None:
            return bad(seq, Msg("verify.type", {"key": fault[0], "kind": Msg(f"type.{fault[1]}")}))
        if size > 2 and item[2] is not None and type(item[2]) is not str:
            return bad(seq, Msg("verify.type", {"key": "signature", "kind": Msg("type.signature")}))
        if admit is not None:
            refused = admit(content)
            if refused is not None:
                return bad(seq, refused)
        if whole_chain and content.get("prev_hash") != prev_hash:
            return bad(seq, Msg("verify.prev_link"))
        decision = content.get("decision")
        organ = content["chain"] if v2 and content["chain"] != REGISTRY else None
        last_seq, last_hash, last_organ, last_at = decisions.get(decision, (0, None, None, -1))
        if decision is not None:
            if content.get("decision_seq") != last_seq + 1:
                missing = (content.get("decision_seq") or 0) > last_seq + 1
                found = {"decision": decision, "expected": last_seq + 1, "found": str(content.get("decision_seq"))}
                return bad(seq, Msg("verify.decision_missing" if missing else "verify.decision_order", found))
            if content.get("decision_prev") != last_hash:
                return bad(seq, Msg("verify.decision_link", {"decision": decision}))
            if v2 and organ is None:  # a decision's version 2 event is in its organ's chain, never the registry's
                return bad(seq, Msg("verify.decision_two_chains", {"decision": decision, "chain": REGISTRY}))
            if organ is not None and last_organ is not None and organ != last_organ:
                return bad(seq, Msg("verify.decision_two_chains", {"decision": decision, "chain": last_organ}))
        here = position(content) if decision is not None or organ is not None else None
        if here is not None and walk.registry_size is not None and (organ is not None or not whole_chain):
            # an organ's event in a database; an event line of a file that bounds positions (v3)
            if walk.registry_size is not None and here > walk.registry_size:
                return bad(seq, Msg("verify.registry_ahead", {"position": here, "size": walk.registry_size}))
            before = max(last_position, last_at)
            if here < before:
                return bad(seq, Msg("verify.registry_back", {"position": here, "before": before}))
            last_position = here
        if organ is not None and content.get("action") in KEY_ACTIONS:
            return bad(seq, Msg("verify.key_outside_registry", {"action": content.get("action")}))
        if then is not None:
            refused = then(*item)
            if refused is not None:
                return bad(seq, refused)
        if decision is not None:
            decisions[decision] = (
                last_seq + 1,
                stored_hash,
                organ or last_organ,
                here if here is not None else last_at,
            )
        prev_hash = stored_hash
        if expected_seq is not None:
            expected_seq += 1
    return Verdict(True, count)
