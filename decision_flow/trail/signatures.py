"""Checking the actors' signatures while the chain is walked (docs/audit-format.md, "Signatures").

The keys are read from the trail itself, in chain order, so each event is checked against the
key its actor held at that point:

- ``user_added`` with a ``public_key`` and ``key_registered`` register a key; they must be made
  by an admin holding a key, except the very first key of the chain, which its holder registers
  for themselves (the first admin at ``dflow init``, or an upgraded database's admin);
- ``key_rotated`` replaces the actor's own key and is signed with the old one;
- ``key_revoked`` (by an admin) leaves the user without a key.

From the first registered key on, every event must carry a valid signature of its actor, except
a ``refused`` event whose actor could not prove who they are (no key file, wrong key): that
attempt is kept unsigned. Before it (a database written before signing existed) events are
unsigned. Roles are followed from ``user_added`` and ``user_roles_changed``.

Key events are all in the registry chain, which is walked first. An event of an organ's chain is
checked against the key its actor held at its registry position (``registry``: how many registry
events there were when its key was read), from the history of every key kept during that walk.

A key belongs to one user, once: a rotation names the key its user held as ``previous``, a
revocation the key held; a key revoked or rotated away, or held by another user, is never
registered again, and ``key_registered`` is only for a user who holds no key.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from decision_flow.core.i18n import Msg
from decision_flow.identity import keys
from decision_flow.trail import canonical
from decision_flow.trail.canonical import REGISTRY

KEY_ACTIONS = frozenset(canonical.KEY_ACTIONS)


UNSIGNED_SHOWN = 10  # unsigned events named, per reason


class Signatures:
    """Feed it every event in chain order; `check` says why an event is bad (a message), or None."""

    def __init__(
        self, defer: Callable[[Any, str, str, str, str], None] | None = None, checked_until: int | dict[str, int] = 0
    ) -> None:
        """`defer(where, actor, public key, hash, signature)`, if given, takes over the
        cryptographic checks (to run them on other CPUs); the caller then owns their outcome
        (`where` is (`place`, seq): `place` is set by the caller for each chain it walks).
        Events up to `checked_until` (of the registry chain, or of each chain named) passed these
        checks in an earlier verification (:mod:`decision_flow.trail.verified`, whose caller makes
        sure they are the same bytes): only their key events are followed again (for the keys and
        roles of later events), and without the cryptography."""
        self.defer = defer
        self.checked = checked_until if isinstance(checked_until, dict) else {REGISTRY: checked_until}
        self.place = 0
        self.keys: dict[str, tuple[str, Callable[[str, str], bool]]] = {}  # user -> (public key, check)
        self.history: dict[str, tuple[list[int], list[tuple[str, Callable[[str, str], bool]] | None]]] = {}
        # key_at's last (actor, position, key)
        self._last_asked: tuple[Any, Any, tuple[str, Callable[[str, str], bool]] | None] = (None, None, None)
        self.era_from: int | None = None  # the registry seq of the first key registered
        self._seq = 0  # the registry event being followed
        self.roles: dict[str, set[str]] = {}
        self.retired: set[str] = set()  # every key revoked or rotated away: never registered again
        self.era = False  # a key has been registered: from here on acts are signed
        self.signed = 0
        self.unsigned = 0
        # why events are unsigned -> how many, and the first few as (chain, seq, actor): a refusal
        # of someone not proven (an unknown name, no key, a wrong key), or from before signing began
        self.unsigned_why: dict[str, tuple[int, list[tuple[str, int, str]]]] = {}
        self.recalled = 0  # signatures not checked again: an earlier verification did

    def check(self, content: dict[str, Any], digest: str, signature: str | None = None, *_: Any) -> Msg | None:
        if "chain" in content and content["chain"] != REGISTRY:
            return self._check_organ(content, digest, signature)
        actor, action, seq = content.get("actor"), content.get("action"), content.get("seq")
        self._seq = seq if type(seq) is int else self._seq
        checked_until = self.checked.get(REGISTRY, 0)
        if type(seq) is int and seq <= checked_until and action not in KEY_ACTIONS:
            # these very bytes passed before, and only key events change what later ones need
            if signature is None:
                self._unsigned(content)
            else:
                self.signed += 1
                self.recalled += 1
            return None
        held = self.keys.get(actor) if isinstance(actor, str) else None
        data: dict[str, Any] | None = None
        if action in KEY_ACTIONS:
            data = _data(content)
            if data is None:
                return Msg("verify.key_data", {"action": action})
        if signature is not None:
            if held is None:
                held = self._first_key(actor, action, data)
                if held is None:
                    return Msg("verify.no_key", {"actor": repr(actor)})
            bad = self._signed_by(held, seq, checked_until, actor, digest, signature)
            if bad is not None:
                return bad
        elif self.era and action != "refused":
            return Msg("verify.signature_missing", {"actor": repr(actor)})
        else:
            self._unsigned(content)
        return self._apply(actor, action, data, signed=signature is not None) if data is not None else None

    def _unsigned(self, content: dict[str, Any]) -> None:
        """Count an unsigned event, and say why it may be: a refusal of someone not proven, or
        an event from before signing began."""
        self.unsigned += 1
        why = "refused" if content.get("action") == "refused" else "before_signing"
        seq = content.get("seq")
        count, first = self.unsigned_why.get(why, (0, []))
        if len(first) < UNSIGNED_SHOWN:  # a million old events are counted, not kept
            first.append(
                (str(content.get("chain", REGISTRY)), seq if isinstance(seq, int) else 0, str(content.get("actor")))
            )
        self.unsigned_why[why] = (count + 1, first)

    def key_at(self, actor: Any, position: int) -> tuple[str, Callable[[str, str], bool]] | None:
        """The key `actor` held after the first `position` events of the registry chain."""
        if self._last_asked[:2] == (actor, position):  # an organ's events come in runs of one actor's
            return self._last_asked[2]
        seqs, held = self.history.get(actor, ([], [])) if isinstance(actor, str) else ([], [])
        i = bisect_right(seqs, position)
        found = held[i - 1] if i else None
        self._last_asked = (actor, position, found)
        return found

    def _check_organ(self, content: dict[str, Any], digest: str, signature: str | None) -> Msg | None:
        """An event of an organ's chain, against the key its actor held at its registry position
        (its type, and its bound by the registry's size, already checked)."""
        actor, seq, position = content.get("actor"), content.get("seq"), content["registry"]
        chain = str(content["chain"])
        if signature is None:
            if self.era_from is not None and self.era_from <= position and content.get("action") != "refused":
                return Msg("verify.signature_missing", {"actor": repr(actor)})
            self._unsigned(content)
            return None
        held = self.key_at(actor, position)
        if held is None:
            return Msg("verify.no_key", {"actor": repr(actor)})
        return self._signed_by(held, seq, self.checked.get(chain, 0), actor, digest, signature)

    def _signed_by(
        self,
        held: tuple[str, Callable[[str, str], bool]],
        seq: Any,
        checked_until: int,
        actor: Any,
        digest: str,
        signature: str,
    ) -> Msg | None:
        """`signature` of `digest` by the key `held`: taken from an earlier verification (events up
        to `checked_until`), handed to `defer`, or checked here."""
        if type(seq) is int and seq <= checked_until:
            self.recalled += 1
        elif self.defer is not None:
            self.defer((self.place, int(seq or 0)), str(actor), held[0], digest, signature)
        elif not held[1](digest, signature):
            return invalid(actor)
        self.signed += 1
        return None

    def _held_now(self, name: str, key: tuple[str, Callable[[str, str], bool]] | None) -> None:
        """`name` holds `key` (None: no key) from the registry event being followed on."""
        seqs, held = self.history.setdefault(name, ([], []))
        self._last_asked = (None, None, None)
        if seqs and seqs[-1] == self._seq:
            held[-1] = key
        else:
            seqs.append(self._seq)
            held.append(key)

    def _first_key(self, actor: Any, action: Any, data: dict[str, Any] | None) -> tuple[str, Any] | None:
        """The key an actor registers for themselves, allowed only as the chain's first key."""
        if self.era or data is None or data.get("name") != actor or action not in ("user_added", "key_registered"):
            return None
        public = data.get("public_key")
        if not isinstance(public, str):
            return None
        check = keys.verifier(public)  # any spelling of a key here: the spelling is checked after
        return (public, check) if check is not None else None

    def _apply(self, actor: Any, action: Any, data: dict[str, Any], signed: bool) -> Msg | None:
        """A key event's effect, after its signature: it names a user; its writer was entitled to
        it; the key it registers or revokes is a key; the rules of a key's life hold."""
        name = data.get("name")
        if not isinstance(name, str):
            return Msg("verify.key_no_user", {"action": action})
        if action == "user_added" and isinstance(data.get("roles"), list):
            self.roles[name] = {str(r) for r in data["roles"]}
        admin = signed and "admin" in self.roles.get(actor, set())
        if action == "user_roles_changed":
            if self.era and not admin:
                return Msg("verify.roles_no_authority", {"actor": repr(actor)})
            if isinstance(data.get("new"), list):
                self.roles[name] = {str(r) for r in data["new"]}
            return None
        public = data.get("public_key")
        held = self.keys.get(name)
        if action == "key_registered" or (action == "user_added" and public is not None):
            # the chain's first key is its holder's own: an admin, signing with the key registered
            first = not self.era and name == actor and signed and "admin" in self.roles.get(name, set())
            if not (first or admin):
                return Msg("verify.register_no_authority", {"actor": repr(actor)})
            key = _held(public)
            if key is None:
                return Msg("verify.key_bad", {"name": repr(name)})
            if action == "key_registered" and held is not None:
                return Msg("verify.register_over_held", {"name": repr(name)})
            return self._register(name, key)
        if action == "user_added" and self.era and not admin:
            return Msg("verify.register_no_authority", {"actor": repr(actor)})
        if action == "key_rotated":
            if name != actor or not signed:
                return Msg("verify.rotate_no_authority", {"name": repr(name)})
            key = _held(public)
            if key is None:
                return Msg("verify.key_bad", {"name": repr(name)})
            if held is None or data.get("previous") != held[0]:
                return Msg("verify.rotate_previous", {"name": repr(name)})
            self.retired.add(held[0])
            del self.keys[name]
            self._held_now(name, None)
            return self._register(name, key)
        if action == "key_revoked":
            if not admin:
                return Msg("verify.revoke_no_authority", {"actor": repr(actor)})
            if _held(public) is None:
                return Msg("verify.key_bad", {"name": repr(name)})
            if held is None or public != held[0]:
                return Msg("verify.revoke_not_held", {"name": repr(name)})
            self.retired.add(held[0])
            del self.keys[name]
            self._held_now(name, None)
        return None

    def _register(self, name: str, key: tuple[str, Callable[[str, str], bool]]) -> Msg | None:
        public = key[0]
        if public in self.retired:
            return Msg("verify.key_retired", {"name": repr(name), "fingerprint": keys.fingerprint(public)})
        holder = next((user for user, (held, _) in self.keys.items() if held == public and user != name), None)
        if holder is not None:
            named = {"name": repr(name), "fingerprint": keys.fingerprint(public), "holder": repr(holder)}
            return Msg("verify.key_of_another", named)
        self.keys[name] = key
        self._held_now(name, key)
        if not self.era:
            self.era, self.era_from = True, self._seq
        return None


def invalid(actor: Any) -> Msg:
    """Why an event's signature is bad: not its actor's key."""
    return Msg("verify.signature_invalid", {"actor": repr(actor)})


def _held(public: Any) -> tuple[str, Callable[[str, str], bool]] | None:
    """A registered key and its check; None unless it is an Ed25519 key in its one spelling."""
    raw = keys.public_raw(public) if isinstance(public, str) else None
    if raw is None or keys.public_text(raw) != public:
        return None
    check = keys.verifier(public)
    return (public, check) if check is not None else None


def _data(content: dict[str, Any]) -> dict[str, Any] | None:
    data = content.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return None
    return data if isinstance(data, dict) else None
