"""What this machine's verifier has already checked: the signatures of each chain up to some
event, so the next `dflow audit verify` re-hashes and re-links every event but checks the Ed25519
signatures only of the events added since (a signature check costs ten times a hash).

An entry holds, for one database and each of its chains, the last event verified (``seq``), its
hash (``head``) and the SHA-256 of every signature up to it in order (``signatures``). It vouches only for exactly those
bytes: the walk recomputes every hash and link, so reaching event ``seq`` with the same hash means
the content of every event up to it is what was verified (SHA-256 chaining), and the same
signature digest means the same signatures. Anything else (a shorter chain, another head, another
signature, a verification that fails for any reason) and the verification is done again from
scratch, so the verdict is always the one a full check gives. ``dflow audit verify --full``
ignores the entry.

Entries live in ``$XDG_CACHE_HOME/dflow/verified`` (``~/.cache/dflow/verified``), keyed by the
database's address and the code that checks signatures, and are read only when the directory
and the file are the user's own and nobody else can write them (the workflow cache's rule).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from decision_flow.core.private import cache_home, is_private
from decision_flow.store.db import Database

# The code whose verdict a record vouches for, relative to the package (a change to any of it is a new key).
CHECKING_CODE = (
    "trail/audit.py",
    "trail/canonical.py",
    "trail/signatures.py",
    "identity/keys.py",
    "engine/verification.py",
    "trail/verified.py",
)


@dataclass(frozen=True)
class Verified:
    """Events 1..seq of a chain whose last hash was `head` and whose signatures hash to
    `signatures` were verified, signatures included."""

    seq: int
    head: str
    signatures: str


class SignatureDigest:
    """The running SHA-256 of a chain's signatures in seq order, each followed by a newline (an
    unsigned event counts as ``-``, which no base64 signature is). Signatures are hashed a few
    thousand at a time: once per event cost more than half a second a million."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._pending: list[str] = []

    def add(self, signature: str | None) -> None:
        self._pending.append("-" if signature is None else signature)
        if len(self._pending) >= 4096:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._digest.update(("\n".join(self._pending) + "\n").encode("utf-8", "replace"))
            self._pending.clear()

    def hexdigest(self) -> str:
        self._flush()
        return self._digest.hexdigest()


def _entry(db: Database) -> Path:
    package = Path(__file__).parent.parent
    key = hashlib.sha256(sys.version.encode())
    for name in CHECKING_CODE:
        key.update(name.encode() + b"\0" + (package / name).read_bytes())
    where = str(db.path.resolve()) if db.path is not None else db.display_url
    key.update(where.encode("utf-8", "replace"))
    return cache_home() / "verified" / f"{key.hexdigest()}.json"


def recall(db: Database) -> dict[str, Verified]:
    """What was verified of each chain of this database before on this machine, if anything
    trustworthy (nothing, else)."""
    try:
        entry = _entry(db)
        if not is_private(entry):
            return {}
        data = json.loads(entry.read_text(encoding="utf-8"))
        found = {
            str(chain): Verified(int(v["seq"]), str(v["head"]), str(v["signatures"]))
            for chain, v in data["chains"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return {chain: v for chain, v in found.items() if v.seq > 0}


def remember(db: Database, verified: dict[str, Verified]) -> None:
    """Keep what a passing verification checked (written atomically, private to the user); a
    cache that cannot be written only means the next verification checks everything again."""
    try:
        entry = _entry(db)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
            chains = {c: {"seq": v.seq, "head": v.head, "signatures": v.signatures} for c, v in verified.items()}
            json.dump({"chains": chains}, fh)
        os.replace(tmp, entry)
    except OSError:
        pass
