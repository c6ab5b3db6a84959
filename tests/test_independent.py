"""A corpus of altered trails on which decision-flow's verifiers and an independent one must agree.

`tests/independent/verify_trail.py` was written from docs/audit-format.md alone. Here the engine
writes a real trail (signed events, a key rotation, a revocation and a new key, a change of roles,
signed and unsigned refusals, two decisions interleaved in the chain of the organ `main`, a third
decision in a second organ's chain, `shahe`, with the registry chain's events between them); each
case alters one export file or one copy of the database and both verifiers must give the same
(ok, event named, kind of fault, and for a database the chain of that event). A disagreement is a
place where the document, or one of its readings, is wrong.

The export cases start from four files: the engine's export of decision 1 (version 3: key lines of
the registry chain, event lines of `main`'s), a version 2 file and a version 1 file of the same
decision derived from the same events written as one chain of version 1 events (what a database
from before chains per organ held: section 3), and ("legacy: …") the version 3 export of a legacy
database, whose registry chain begins with version 1 events, decision 1's first events among them,
before the decision goes on in `main`'s chain. The database cases start from the engine's database
or from that legacy one.

Forgeries marked "forged" are careful: the edited event's hash, every hash after it that links to
a changed one (in its chain and in its decision's chain), the signatures of the events re-hashed
(with the keys that signed them before, as a forger holding every key file would), the registry
positions a moved registry event shifts and the digest are recomputed, so that only the rule under
test can catch them. The cases added with chains per organ also name the finding they expect.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from decision_flow.core.errors import Blocked, Forbidden, InvalidInput
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.store.db import Database
from decision_flow.trail import filecheck
from decision_flow.trail.trailfile import write_json
from tests.conftest import TODAY, Clock
from tests.flow import (
    ADMIN,
    AUDITOR,
    EXECUTIVE,
    OFFICER,
    REVIEWER,
    TOWNSHIP,
    new_decision,
    record_valid,
    register_users,
)
from tests.independent.verify_trail import (
    CONTENT_KEYS,
    CONTENT_KEYS_OF,
    DIGEST_DOMAIN,
    KEY_ACTIONS,
    REGISTRY,
    SIGN_DOMAIN,
    V1,
    V2,
    V3,
    ZEROS,
    Finding,
    canonical,
    content_hash,
    signed_by,
    verify_export,
    verify_sqlite,
)

VECTORS = Path(__file__).parent / "vectors"
VECTOR = VECTORS / "trail-export.json"
LEGACY = "legacy"  # the fourth starting file: the legacy database's export (version 3, events of both versions)
FORMAT_OF = {V3: V3, V2: V2, V1: V1, LEGACY: V3}  # the file format of each starting file
FAMILY = {V3: "", V2: "v2: ", V1: "v1: ", LEGACY: "legacy: "}  # how a case on each starting file is named
MAIN = "main"  # the organ of decisions 1 and 2, made with the first admin
COLUMNS = (
    "seq",
    "at",
    "actor",
    "action",
    "decision_id",
    "decision_seq",
    "decision_prev",
    "stage",
    "step",
    "data",
    "prev_hash",
    "hash",
    "signature",
    "chain",
    "registry_position",
    "format",
)
Row = dict[str, Any]  # an audit_events row: its rowid (the order written) and COLUMNS
Loc = tuple[Any, int]  # an event's place: (chain, seq)
OK = Finding(True, None, "ok")
Expected = str | Finding | None  # what a case expects both verifiers to find: a kind of fault, or the whole finding


class Stranger:
    """A key no user holds, signing as the engine's signers do (docs §4a)."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes_raw()
        self.public = "ed25519:" + base64.b64encode(raw).decode()

    def sign(self, hash_hex: str) -> str:
        return base64.b64encode(self.key.sign(SIGN_DOMAIN + hash_hex.encode())).decode()


def resign(signers: Iterable[Any], old_sig: str, old_hash: str, new_hash: str) -> str:
    """Sign `new_hash` with the key that made `old_sig` over `old_hash` (the old signature if none did)."""
    for signer in signers:
        if signed_by(signer.public, old_sig, old_hash):
            return signer.sign(new_hash)  # type: ignore[no-any-return]
    return old_sig


@dataclass
class Trail:
    """One engine-written trail, built once: its database and the databases derived from it, the
    export files the cases start from, the signers."""

    db: Path  # the engine's database
    legacy_db: Path  # its first events rewritten as version 1 in the registry chain (section 3)
    one_chain_db: Path  # every event of version 1 in one chain: a database of before chains per organ, upgraded
    export: bytes  # decision 1's export as the engine wrote it (v3)
    files: dict[str, bytes]  # V3 (the engine's export), V2, V1 (derived), LEGACY: the files the cases start from
    lines: dict[str, list[dict[str, Any]]]  # for each starting file: every event's line, in the order written
    names: dict[str, int]  # the events the cases alter, by name: their place in the order written
    signer: dict[str, Any]  # "zhao" (current key), "zhao_old", "qian", "qian_old", ...
    public: dict[str, str] = field(default_factory=dict)
    version: str = V3  # the starting file of an export case; LEGACY: the legacy database of a database case

    @property
    def format(self) -> str:
        return FORMAT_OF[self.version]

    def raw(self) -> bytes:
        return self.files[self.version]

    def doc(self, version: str | None = None) -> dict[str, Any]:
        return json.loads(self.files[version or self.version])  # type: ignore[no-any-return]

    def ev(self, name: str) -> dict[str, Any]:
        """The named event's line (content, hash, signature) as the starting file or database holds it."""
        return self.lines[self.version][self.names[name]]

    @property
    def seq(self) -> dict[str, int]:
        return {name: self.lines[self.version][i]["seq"] for name, i in self.names.items()}

    def loc(self, name: str) -> Loc:
        """The named event's chain and seq (its place in the database too)."""
        ev = self.ev(name)
        return ev.get("chain", REGISTRY), ev["seq"]

    def hash(self, name: str) -> str:
        return self.ev(name)["hash"]  # type: ignore[no-any-return]

    def line(self, doc: dict[str, Any], name: str) -> dict[str, Any]:
        return line(doc, *self.loc(name))

    def drop(self, doc: dict[str, Any], *names: str) -> dict[str, Any]:
        gone = {self.loc(name) for name in names}
        for section in ("keys", "events"):
            if section in doc:
                doc[section] = [ev for ev in doc[section] if (ev.get("chain", REGISTRY), ev["seq"]) not in gone]
        return doc

    def resign(self, old_sig: str, old_hash: str, new_hash: str) -> str:
        return resign(self.signer.values(), old_sig, old_hash, new_hash)


# ---------------------------------------------------------------- writing and forging export files


def dump(doc: dict[str, Any], *, keep_digest: bool = False, count: int | None = None) -> bytes:
    """The file of section 6 for `doc`, its digest recomputed unless kept."""
    version = doc["format"]

    def section(items: list[Any]) -> list[bytes]:
        return [canonical(item) + (b"," if i < len(items) - 1 else b"") for i, item in enumerate(items)]

    head = b'{"format":' + canonical(version) + b',"exported_at":' + canonical(doc["exported_at"])
    head += b',"checkpoint":' + canonical(doc["checkpoint"]) + b',"decision":' + canonical(doc["decision"])
    lines = [head + (b',"keys":[' if "keys" in doc else b',"events":[')]
    if "keys" in doc:
        lines += section(doc["keys"]) + [b'],"events":[']
    lines += section(doc["events"])
    n = len(doc["events"]) if count is None else count
    body = b"\n".join(lines) + b'\n],"count":' + str(n).encode() + b',"digest":"'
    domain = DIGEST_DOMAIN.get(version, DIGEST_DOMAIN[V2])
    digest = doc["digest"] if keep_digest else hashlib.sha256(domain + body).hexdigest()
    return body + digest.encode() + b'"}\n'


def version_of(ev: dict[str, Any]) -> int:
    """Section 6: a line's keys say its version (`chain` and `registry` only in version 2)."""
    return 2 if "chain" in ev else 1


def rehash(ev: dict[str, Any]) -> None:
    """Section 2's formula over the line's content, with its version's keys and domain."""
    version = version_of(ev)
    ev["hash"] = content_hash({k: ev[k] for k in CONTENT_KEYS_OF[version]}, canonical(ev["data"]), version)


def seq_order(ev: dict[str, Any]) -> float:
    return ev["seq"] if type(ev["seq"]) is int else float("inf")


def chain_order(ev: dict[str, Any]) -> tuple[int, float]:
    """The registry chain's lines first (key lines, version 1 event lines), then the organs', each in seq
    order: every line comes after the lines it links to (`prev_hash` in its chain, `decision_prev`)."""
    return (0 if ev.get("chain", REGISTRY) == REGISTRY else 1), seq_order(ev)


def forge(doc: dict[str, Any], t: Trail, sign: dict[str, Any] | None = None) -> dict[str, Any]:
    """Recompute every hash, relink what linked to a changed hash, re-sign what was re-hashed (`sign`:
    a line's hash before the forgery -> the signer to use instead of the one that signed before)."""
    changed: dict[str, str] = {}
    for ev in sorted(doc.get("keys", []) + doc["events"], key=chain_order):
        for link in ("prev_hash", "decision_prev"):
            if isinstance(ev[link], str) and ev[link] in changed:
                ev[link] = changed[ev[link]]
        old = ev["hash"]
        rehash(ev)
        if ev["hash"] != old:
            changed[old] = ev["hash"]
            if sign and old in sign and "signature" in ev:
                ev["signature"] = sign[old].sign(ev["hash"])
            elif ev.get("signature") is not None:
                ev["signature"] = t.resign(ev["signature"], old, ev["hash"])
    head = doc["checkpoint"]["head"]
    doc["checkpoint"]["head"] = changed.get(head, head)
    return doc


def line(doc: dict[str, Any], chain: Any, seq: int) -> dict[str, Any]:
    """The key or event line of that chain's event `seq` (a line of version 1 is of the registry chain)."""
    return next(
        ev for ev in doc.get("keys", []) + doc["events"] if (ev.get("chain", REGISTRY), ev["seq"]) == (chain, seq)
    )


def as_version_1(ev: dict[str, Any]) -> dict[str, Any]:
    """The line as an event of version 1 (its hash to be recomputed): no `chain`, no `registry`."""
    del ev["chain"], ev["registry"]
    return ev


def export_of(lines: list[dict[str, Any]], decision: dict[str, Any], form: str, exported_at: str) -> bytes:
    """Section 6's file of `decision` (the header's D) from every event's line, in the order written:
    the registry chain's checkpoint, its key events, the decision's events in decision_seq order."""
    registry = sorted((ev for ev in lines if ev.get("chain", REGISTRY) == REGISTRY), key=seq_order)
    doc: dict[str, Any] = {
        "format": form,
        "exported_at": exported_at,
        "checkpoint": {"head": registry[-1]["hash"] if registry else ZEROS, "size": len(registry)},
        "decision": decision,
    }
    if form != V1:
        doc["keys"] = [ev for ev in registry if ev["action"] in KEY_ACTIONS and ev["decision"] is None]
    events = sorted((ev for ev in lines if ev["decision"] == decision["id"]), key=lambda ev: ev["decision_seq"])
    doc["events"] = [{k: v for k, v in ev.items() if k != "signature" or form != V1} for ev in events]
    return dump(doc)


def v1_from_v2(v2: bytes) -> bytes:
    doc = json.loads(v2)
    del doc["keys"]
    for ev in doc["events"]:
        del ev["signature"]
    doc["format"] = V1
    return dump(doc)


# ---------------------------------------------------------------- the database's rows


def rows(con: sqlite3.Connection) -> list[Row]:
    """Every row with its rowid, in the order written (docs: no global order by seq any more)."""
    cursor = con.execute(f"SELECT rowid, {', '.join(COLUMNS)} FROM audit_events ORDER BY rowid")
    return [dict(zip(("rowid", *COLUMNS), r, strict=True)) for r in cursor]


def row_at(con: sqlite3.Connection, loc: Loc) -> Row:
    return next(r for r in rows(con) if (r["chain"], r["seq"]) == loc)


def row_hash(r: Row) -> str:
    """Section 2's formula over a row: version 1 if its `format` says so, else version 2 (a format of
    neither version has no domain: a forger can only try version 2's)."""
    version = 1 if r["format"] == 1 else 2
    content = {k: r[k] for k in CONTENT_KEYS if k != "decision"} | {"decision": r["decision_id"]}
    if version == 2:
        content |= {"chain": r["chain"], "registry": r["registry_position"]}
    data = b"null" if r["data"] is None else r["data"] if isinstance(r["data"], bytes) else str(r["data"]).encode()
    return content_hash(content, data, version)


def as_line(r: Row) -> dict[str, Any]:
    """A row as section 6 writes its line."""
    ev = {k: r[k] for k in COLUMNS if k not in ("decision_id", "data", "chain", "registry_position", "format")}
    ev |= {"decision": r["decision_id"], "data": json.loads(r["data"])}
    if r["format"] == 2:
        ev |= {"chain": r["chain"], "registry": r["registry_position"]}
    return ev


def rechain(written: list[Row], signers: Iterable[Any]) -> list[Row]:
    """The rows, in the order written, each in the chain and of the format it names, as the engine
    appends them: numbered and linked in its chain, linked in its decision's chain, an organ chain's
    event at the registry chain's size so far, hashed by its version and signed again by the key
    that signed it."""
    signers = list(signers)
    size: dict[Any, int] = {}
    head: dict[Any, str] = {}
    last: dict[Any, str] = {}
    out = []
    for r in written:
        new = dict(r)
        chain = new["chain"]
        new["seq"] = size.get(chain, 0) + 1
        new["prev_hash"] = head.get(chain, ZEROS)
        if new["decision_id"] is not None:
            new["decision_prev"] = last.get(new["decision_id"])
        in_registry = new["format"] == 1 or chain == REGISTRY
        new["registry_position"] = None if in_registry else size.get(REGISTRY, 0)
        new["hash"] = row_hash(new)
        if r["signature"] is not None:
            new["signature"] = resign(signers, r["signature"], r["hash"], new["hash"])
        size[chain], head[chain] = new["seq"], new["hash"]
        if new["decision_id"] is not None:
            last[new["decision_id"]] = new["hash"]
        out.append(new)
    return out


def put_rows(con: sqlite3.Connection, new: list[Row]) -> None:
    """Replace every row of audit_events by `new`, each keeping its rowid."""
    con.execute("DELETE FROM audit_events")
    con.executemany(
        f"INSERT INTO audit_events (rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
        [tuple(r[k] for k in ("rowid", *COLUMNS)) for r in new],
    )


GUARDS = ("audit_events_no_update", "audit_events_no_delete")


def unguarded(path: Path, change: Callable[[sqlite3.Connection], None]) -> None:
    """Make `change` to the database with its append-only triggers dropped, as its owner can, and put
    them back after."""
    with closing(sqlite3.connect(path)) as con:
        triggers = con.execute(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN {GUARDS}").fetchall()
        for name in GUARDS:
            con.execute(f"DROP TRIGGER {name}")
        change(con)
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_events'").fetchone():
            for (sql,) in triggers:
                con.execute(sql)
        con.commit()


# ---------------------------------------------------------------- the trail


def commit_key(key_file: Any) -> None:
    """Put a new key file in place as the command line does after its transaction."""
    if key_file.pending is not None and Path(key_file.pending).exists():
        Path(key_file.pending).replace(key_file.path)


def refused(act: Callable[[], Any]) -> None:
    with pytest.raises((Blocked, Forbidden)):
        act()


TOWNSHIP_WORKFLOW = "major-decision-township"


def name_events(written: list[Row]) -> dict[str, int]:
    """The events the cases alter, by name: their place in the order written."""
    names = {
        (OFFICER, "created", 1): "created",
        (OFFICER, "recorded", 1): "recorded",
        (OFFICER, "created", 2): "d2_created",
        (OFFICER, "recorded", 2): "d2_recorded",
        (OFFICER, "key_rotated", None): "rotated",
        (OFFICER, "completed", 1): "completed",
        (ADMIN, "user_roles_changed", None): "roles",
        (ADMIN, "key_revoked", None): "revoked",
        (ADMIN, "key_registered", None): "registered",
        (OFFICER, "advanced", 1): "advanced",
        (ADMIN, "organ_added", None): "organ_added",
        (OFFICER, "created", 3): "d3_created",
        (OFFICER, "recorded", 3): "d3_recorded",
    }
    found: dict[str, int] = {}
    for i, r in enumerate(written):
        key = (r["actor"], r["action"], r["decision_id"])
        if key in names:
            found[names[key]] = i
        elif r["action"] == "refused":
            found[f"refused_{r['actor']}" if r["signature"] else "refused_unsigned"] = i
        elif r["action"] in ("user_added", "membership_changed"):
            kind = "added" if r["action"] == "user_added" else "granted"
            found[f"{kind}_{len([k for k in found if k.startswith(kind)]) + 1}"] = i
    return found


@pytest.fixture(scope="module")
def trail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trail]:
    tmp = tmp_path_factory.mktemp("trail")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DFLOW_KEYS", str(tmp / "keys"))
        mp.setenv("XDG_CACHE_HOME", str(tmp / "cache"))
        mp.delenv("DFLOW_PASSPHRASE", raising=False)
        mp.delenv("DFLOW_NEW_PASSPHRASE", raising=False)
        db = Database(f"sqlite:///{tmp / 'dflow.db'}")
        eng = Engine(db, now=Clock(), today=lambda: TODAY)
        files = tmp / "files"
        files.mkdir()
        register_users(eng)  # registry 1-5 user_added, the admin's own key first

        def signer_of(name: str) -> Any:  # through another engine: the key ring remembers what it loaded
            return Engine(db, now=Clock(), today=lambda: TODAY).keys.signer(name)

        signer = {name: signer_of(name) for name in (ADMIN, OFFICER, REVIEWER, EXECUTIVE, AUDITOR)}
        signer["zhao_old"], signer["qian_old"] = signer.pop(OFFICER), signer.pop(REVIEWER)
        d1 = new_decision(eng)  # main's chain from here
        record_valid(eng, d1, "initiation", files)
        d2 = new_decision(eng, title="沙河乡第二项决策")
        refused(lambda: eng.advance(d1, OFFICER, to="legality_review"))  # signed refusal
        commit_key(users.rotate(eng, OFFICER))
        eng.complete(d1, "initiation", OFFICER)  # right after a key event
        record_valid(eng, d2, "initiation", files)
        users.set_roles(eng, EXECUTIVE, ["executive", "officer"], ADMIN)
        users.revoke(eng, REVIEWER, "钥匙遗失", ADMIN)
        (tmp / "keys" / f"{REVIEWER}.key").rename(tmp / "qian-revoked.key")
        commit_key(users.issue(eng, REVIEWER, ADMIN))
        refused(lambda: eng.complete(d1, "initiation", REVIEWER))  # signed with the new key
        (tmp / "keys" / f"{AUDITOR}.key").rename(tmp / "li.key")
        refused(lambda: eng.complete(d1, "initiation", AUDITOR))  # no key file: unsigned
        (tmp / "li.key").rename(tmp / "keys" / f"{AUDITOR}.key")
        eng.advance(d1, OFFICER)
        # a second organ (its registration and grants in the registry chain) and a decision in its chain
        d3 = new_decision(eng, workflow=TOWNSHIP_WORKFLOW, title="沙河乡集贸市场改造")
        record_valid(eng, d3, "initiation", files, workflow=TOWNSHIP_WORKFLOW)
        signer[OFFICER], signer[REVIEWER] = signer_of(OFFICER), signer_of(REVIEWER)
        signer["stranger"] = Stranger()
        pristine = tmp / "pristine.db"
        with closing(sqlite3.connect(str(eng.db.path))) as src, closing(sqlite3.connect(pristine)) as dst:
            src.backup(dst)
        export = tmp / "export.json"
        queries.export_trail(eng, d1, export)
        db.dispose()
    assert (d1, d2, d3) == (1, 2, 3)
    with closing(sqlite3.connect(pristine)) as con:
        written = rows(con)
    names = name_events(written)
    chains_of = {r["chain"] for r in written}
    assert chains_of == {REGISTRY, MAIN, TOWNSHIP} and {r["format"] for r in written} == {2}
    # the engine appends as rechain() rewrites: the forgeries below write what the engine would
    assert rechain(written, signer.values()) == written
    raw = export.read_bytes()
    header = json.loads(raw.split(b"\n", 1)[0] + b"]}")
    at, dec = header["exported_at"], header["decision"]
    v3_lines = [as_line(r) for r in written]
    assert export_of(v3_lines, dec, V3, at) == raw  # section 6's file, as the engine writes it

    # before chains per organ: every event of version 1 in one chain, signed by the same keys
    one_chain = rechain([r | {"chain": REGISTRY, "format": 1} for r in written], signer.values())
    one_chain_lines = [as_line(r) for r in one_chain]
    v2 = export_of(one_chain_lines, {k: v for k, v in dec.items() if k != "organ"}, V2, at)
    one_chain_db = tmp / "one-chain.db"
    shutil.copy(pristine, one_chain_db)
    unguarded(one_chain_db, lambda con: put_rows(con, one_chain))

    # a legacy database: the events up to decision 2's creation written before the upgrade (version 1,
    # in the registry chain, numbered as the one chain was), the rest after it, in their chains
    upgrade = names["d2_created"] + 1
    legacy = rechain(
        [r | {"chain": REGISTRY, "format": 1} if i < upgrade else r for i, r in enumerate(written)], signer.values()
    )
    assert legacy[:upgrade] == one_chain[:upgrade]  # the upgrade keeps the one chain byte for byte
    legacy_db = tmp / "legacy.db"
    shutil.copy(pristine, legacy_db)
    unguarded(legacy_db, lambda con: put_rows(con, legacy))
    legacy_lines = [as_line(r) for r in legacy]
    legacy_export = export_of(legacy_lines, dec, V3, at)
    written_by_dflow = tmp / "legacy.json"  # the engine's writer writes the same file from that database
    legacy_database = Database(f"sqlite:///{legacy_db}")
    try:
        write_json(legacy_database, d1, written_by_dflow, at)
    finally:
        legacy_database.dispose()
    assert written_by_dflow.read_bytes() == legacy_export

    t = Trail(
        db=pristine,
        legacy_db=legacy_db,
        one_chain_db=one_chain_db,
        export=raw,
        files={V3: raw, V2: v2, V1: v1_from_v2(v2), LEGACY: legacy_export},
        lines={
            V3: v3_lines,
            V2: one_chain_lines,
            V1: [{k: v for k, v in ev.items() if k != "signature"} for ev in one_chain_lines],
            LEGACY: legacy_lines,
        },
        names=names,
        signer=signer,
    )
    t.public = {name: s.public for name, s in signer.items()}
    yield t


# ---------------------------------------------------------------- both verifiers


def theirs_file(path: Path) -> Finding:
    try:
        verdict = filecheck.verify_file(path)
    except InvalidInput:
        return Finding(False, None, "malformed")
    except Exception as exc:  # a crash is a finding too: it is reported, not hidden
        return Finding(False, None, f"raised {type(exc).__name__}")
    return Finding(verdict.ok, verdict.first_bad_seq, "ok" if verdict.ok else (verdict.reason or "").split(":")[0])


def theirs_db(path: Path) -> Finding:
    db = Database(f"sqlite:///{path}")
    try:
        verdict = verification.verify(Engine(db, now=Clock(), today=lambda: TODAY), full=True, remember=False)
    except InvalidInput:
        return Finding(False, None, "malformed")
    except Exception as exc:
        return Finding(False, None, f"raised {type(exc).__name__}")
    finally:
        db.dispose()
    if verdict.ok:
        return OK
    return Finding(False, verdict.first_bad_seq, (verdict.reason or "").split(":")[0], verdict.chain)


# ---------------------------------------------------------------- the export corpus


@dataclass(frozen=True)
class ExportCase:
    build: Callable[[Trail], bytes]
    on: tuple[str, ...]  # the starting files it runs on
    expect: dict[str, Expected]  # for the cases added with chains per organ: the finding, by starting file


EXPORT_CASES: dict[str, ExportCase] = {}


def export_case(
    name: str,
    v1: bool = False,
    v2: bool = True,
    v3: bool = True,
    legacy: bool = False,
    expect: Expected | dict[str, Expected] = None,
) -> Callable[[Callable[[Trail], bytes]], Callable[[Trail], bytes]]:
    """Register a case; it runs on the v3 file as NAME, and on the others as "v2: NAME", "v1: NAME",
    "legacy: NAME"."""

    def register(fn: Callable[[Trail], bytes]) -> Callable[[Trail], bytes]:
        assert name not in EXPORT_CASES, name
        on = tuple(v for v, wanted in ((V3, v3), (V2, v2), (V1, v1), (LEGACY, legacy)) if wanted)
        expected: dict[str, Expected] = expect if isinstance(expect, dict) else dict.fromkeys(on, expect)
        EXPORT_CASES[name] = ExportCase(fn, on, expected)
        return fn

    return register


def edit(t: Trail, name: str, key: str, value: Any) -> dict[str, Any]:
    doc = t.doc()
    t.line(doc, name)[key] = value(t) if callable(value) else value
    return doc


# every content key of an event, edited: hash kept; its own hash recomputed; forged
EDITS: dict[str, tuple[str, Any]] = {
    "seq": ("recorded", lambda t: t.seq["recorded"] + 1),
    "at": ("recorded", "2025-01-02T03:04:05.000000Z"),
    "actor": ("recorded", EXECUTIVE),
    "action": ("recorded", "waived"),
    "decision": ("recorded", 2),
    "decision_seq": ("recorded", 3),
    "decision_prev": ("recorded", "a" * 64),
    "stage": ("recorded", "drafting"),
    "step": ("recorded", None),
    "data": ("recorded", {"evidence": [], "fields": {"undertaking_unit": "沙河乡财政所"}}),
    "prev_hash": ("completed", "b" * 64),
}
# and the two keys of version 2 (of an event line of an organ's chain)
EDITS_V2 = {
    "chain": ("completed", TOWNSHIP),
    "registry": ("completed", lambda t: t.ev("refused_zhao")["registry"] - 1),  # behind the line before it
}


def _edit_cases() -> None:
    for key, (name, value) in (EDITS | EDITS_V2).items():
        of_v2 = key in EDITS_V2

        def kept(t: Trail, key: str = key, name: str = name, value: Any = value) -> bytes:
            return dump(edit(t, name, key, value), keep_digest=True)

        def own_hash(t: Trail, key: str = key, name: str = name, value: Any = value) -> bytes:
            doc = t.doc()
            ev = t.line(doc, name)
            ev[key] = value(t) if callable(value) else value
            rehash(ev)
            return dump(doc)

        def forged(t: Trail, key: str = key, name: str = name, value: Any = value) -> bytes:
            sign = {t.hash(name): t.signer[value]} if key == "actor" else None
            return dump(forge(edit(t, name, key, value), t, sign))

        for what, build in (
            ("hash kept", kept),
            ("its hash and the digest recomputed", own_hash),
            ("forged", forged),
        ):  # a key of version 2 only in the v3 and legacy files
            export_case(f"{key} edited, {what}", v1=not of_v2, v2=not of_v2, legacy=True)(build)


_edit_cases()


@export_case("original", v1=True, legacy=True, expect=OK)
def _original(t: Trail) -> bytes:
    return t.raw()


@export_case("test vector", v2=False, expect={V3: OK})
def _vector(t: Trail) -> bytes:
    return VECTOR.read_bytes()


@export_case("key event data edited, forged by the admin", legacy=True)
def _key_data(t: Trail) -> bytes:
    doc = edit(t, "roles", "data", {"name": EXECUTIVE, "new": ["executive"], "old": ["executive"]})
    return dump(forge(doc, t))


@export_case("key event edited, hash kept")
def _key_kept(t: Trail) -> bytes:
    return dump(edit(t, "revoked", "at", "2025-01-01T00:00:00.000000Z"))


@export_case("hash member edited", v1=True)
def _hash_edited(t: Trail) -> bytes:
    return dump(edit(t, "recorded", "hash", "c" * 64))


@export_case("a content key removed, forged", v1=True, legacy=True)
def _key_removed(t: Trail) -> bytes:
    doc = t.doc()
    ev = t.line(doc, "recorded")
    del ev["step"]
    domain = b"decision-flow/audit/v%d\n" % version_of(ev)
    ev["hash"] = hashlib.sha256(
        domain + canonical({k: ev[k] for k in ev if k not in ("hash", "signature")})
    ).hexdigest()
    return dump(doc)


@export_case("a key added to an event, hash kept", v1=True)
def _key_added(t: Trail) -> bytes:
    return dump(edit(t, "recorded", "note", "补记"))


# ---- wrong types, every hash and the digest recomputed (issue 18)


def typed(name: str, key: str, value: Any) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        return dump(forge(edit(t, name, key, value), t))

    return build


for _name, _key, _value, _what in (
    ("created", "decision_seq", True, "decision_seq as true"),
    ("recorded", "data", [], "data as []"),
    ("recorded", "stage", 7, "stage as 7"),
    ("recorded", "actor", None, "actor as null"),
    ("refused_qian", "prev_hash", None, "prev_hash as null in the middle of the chain"),
    ("created", "decision", True, "decision as true"),
    ("recorded", "seq", "7", "seq as a string"),
    ("recorded", "decision_prev", None, "decision_prev as null after the first event"),
    ("recorded", "step", ["initiation"], "step as a list"),
    ("recorded", "at", 1735606800, "at as a number"),
    ("created", "decision", None, "decision as null"),
    ("completed", "prev_hash", "B" * 64, "prev_hash in capitals"),
    ("completed", "decision_prev", "d" * 63, "decision_prev of 63 digits"),
    ("revoked", "decision_seq", 1, "decision_seq on a key event"),
    ("roles", "data", "name=sun", "key event data as a string"),
):
    export_case(f"wrong type: {_what}, forged", v1=_name not in ("revoked", "roles"))(typed(_name, _key, _value))

# the keys of version 2: `chain` a string of 1 to 40 characters, `registry` an integer >= 0 in an
# organ's chain and null in the registry's (section 2, Types)
for _name, _key, _value, _what in (
    ("completed", "registry", None, "registry as null in an organ's chain"),
    ("completed", "registry", "6", "registry as a string"),
    ("completed", "registry", -1, "registry as -1"),
    ("completed", "registry", True, "registry as true"),
    ("completed", "chain", "", "chain as the empty string"),
    ("completed", "chain", "x" * 41, "chain of 41 characters"),
    ("completed", "chain", None, "chain as null"),
    ("revoked", "registry", 7, "registry on a key line of the registry chain"),
):
    export_case(f"wrong type: {_what}, forged", v2=False, legacy=True, expect="wrong type")(typed(_name, _key, _value))


@export_case("chain of 40 characters, not the decision's organ, forged", v2=False)
def _chain_40(t: Trail) -> bytes:
    return dump(forge(edit(t, "completed", "chain", "沙" * 40), t))


@export_case("wrong type: signature as a number")
def _sig_number(t: Trail) -> bytes:
    return dump(edit(t, "recorded", "signature", 5))


@export_case("decision_seq as 2.0, forged", v1=True)
def _fraction(t: Trail) -> bytes:
    raw = dump(forge(edit(t, "recorded", "decision_seq", 2), t))
    return raw.replace(b'"decision_seq":2,', b'"decision_seq":2.0,', 1)


# ---- events deleted, swapped, duplicated, moved


@export_case("event deleted", v1=True, legacy=True)
def _deleted(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "recorded"))


@export_case("event deleted, count kept", v1=True)
def _deleted_count(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "recorded"), count=len(t.doc()["events"]))


@export_case("first event deleted", v1=True, legacy=True)
def _deleted_first(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "created"))


@export_case("last event deleted", v1=True)
def _deleted_last(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "advanced"))


@export_case("last event deleted, count kept", v1=True)
def _deleted_last_count(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "advanced"), count=len(t.doc()["events"]))


@export_case("last event line cut out of the file", v1=True)
def _cut(t: Trail) -> bytes:
    lines = t.raw().split(b"\n")
    return b"\n".join(lines[:-3] + lines[-2:])


@export_case("file ends after an event line and its comma", v1=True)
def _ends_after_comma(t: Trail) -> bytes:
    lines = t.raw().split(b"\n")
    first_event = lines.index(b'],"events":[') + 1 if b'],"events":[' in lines else 1
    return b"\n".join(lines[: first_event + 1]) + b"\n"


@export_case("file ends after the last event line", v1=True)
def _ends_after_last(t: Trail) -> bytes:
    lines = t.raw().split(b"\n")
    return b"\n".join(lines[:-2]) + b"\n"


@export_case("two events swapped", v1=True, legacy=True)
def _swapped(t: Trail) -> bytes:
    doc = t.doc()
    ev = doc["events"]
    ev[1], ev[2] = ev[2], ev[1]
    return dump(doc)


@export_case("two events swapped, numbers and links rewritten, forged", v1=True)
def _swapped_forged(t: Trail) -> bytes:
    doc = t.doc()
    a, b = doc["events"][1], doc["events"][2]
    for k in ("seq", "decision_seq", "decision_prev", "prev_hash", "stage", "step"):
        a[k], b[k] = b[k], a[k]
    a["data"], b["data"], a["action"], b["action"] = b["data"], a["data"], b["action"], a["action"]
    return dump(forge(doc, t))


@export_case("event duplicated", v1=True)
def _duplicated(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].insert(2, copy.deepcopy(doc["events"][1]))
    return dump(doc)


@export_case("last event duplicated", v1=True, legacy=True)
def _duplicated_last(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].append(copy.deepcopy(doc["events"][-1]))
    return dump(doc)


@export_case("event moved to decision 2, forged", v1=True)
def _moved(t: Trail) -> bytes:
    doc = edit(t, "completed", "decision", 2)
    return dump(forge(doc, t))


@export_case("event of decision 2 inserted", v1=True)
def _inserted(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].insert(2, copy.deepcopy(t.ev("d2_created")))
    return dump(doc)


@export_case("decision id in the header changed to 2", v1=True)
def _header_id(t: Trail) -> bytes:
    doc = t.doc()
    doc["decision"]["id"] = 2
    return dump(doc)


# ---- signatures


def signature(t: Trail, name: str, value: Callable[[dict[str, Any]], Any]) -> bytes:
    doc = t.doc()
    ev = t.line(doc, name)
    ev["signature"] = value(ev)
    return dump(doc)


@export_case("signature removed")
def _sig_removed(t: Trail) -> bytes:
    return signature(t, "completed", lambda ev: None)


@export_case("signature removed from a signed refusal")
def _sig_removed_refusal(t: Trail) -> bytes:
    return signature(t, "refused_zhao", lambda ev: None)


@export_case("signature removed from a key event")
def _sig_removed_key(t: Trail) -> bytes:
    return signature(t, "registered", lambda ev: None)


@export_case("signature removed from the first key", legacy=True)
def _sig_removed_first(t: Trail) -> bytes:
    return signature(t, "added_1", lambda ev: None)


@export_case("signatures swapped between two events", legacy=True)
def _sig_swapped(t: Trail) -> bytes:
    doc = t.doc()
    a, b = t.line(doc, "created"), t.line(doc, "recorded")
    a["signature"], b["signature"] = b["signature"], a["signature"]
    return dump(doc)


@export_case("signature made by another user's key", legacy=True)
def _sig_other(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: t.signer[EXECUTIVE].sign(ev["hash"]))


@export_case("signature made by a key no user holds")
def _sig_stranger(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: t.signer["stranger"].sign(ev["hash"]))


@export_case("signature made with the key rotated away", legacy=True)
def _sig_rotated(t: Trail) -> bytes:
    return signature(t, "completed", lambda ev: t.signer["zhao_old"].sign(ev["hash"]))


@export_case("signature made with the new key before the rotation", legacy=True)
def _sig_too_early(t: Trail) -> bytes:
    return signature(t, "refused_zhao", lambda ev: t.signer[OFFICER].sign(ev["hash"]))


@export_case("signature made with the revoked key", legacy=True)
def _sig_revoked(t: Trail) -> bytes:
    return signature(t, "refused_qian", lambda ev: t.signer["qian_old"].sign(ev["hash"]))


@export_case("signature of the rotation made with the new key")
def _sig_rotation_new(t: Trail) -> bytes:
    return signature(t, "rotated", lambda ev: t.signer[OFFICER].sign(ev["hash"]))


@export_case("signature of the first key made by a key no user holds")
def _sig_first_stranger(t: Trail) -> bytes:
    return signature(t, "added_1", lambda ev: t.signer["stranger"].sign(ev["hash"]))


@export_case("event given a key event's seq, forged", v1=True)
def _same_seq(t: Trail) -> bytes:
    return dump(forge(edit(t, "completed", "seq", t.seq["rotated"]), t))


@export_case("signature not base64")
def _sig_garbage(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: "not base64!")


@export_case("signature of another message")
def _sig_message(t: Trail) -> bytes:
    return signature(t, "recorded", lambda ev: t.signer[OFFICER].sign("0" * 64))


@export_case("signature added to an unsigned refusal, by the actor's key")
def _sig_added(t: Trail) -> bytes:
    return signature(t, "refused_unsigned", lambda ev: t.signer[AUDITOR].sign(ev["hash"]))


@export_case("signature added to an unsigned refusal, by another key")
def _sig_added_other(t: Trail) -> bytes:
    return signature(t, "refused_unsigned", lambda ev: t.signer[ADMIN].sign(ev["hash"]))


@export_case("signatures removed from every line")
def _sig_none(t: Trail) -> bytes:
    doc = t.doc()
    for ev in doc["keys"] + doc["events"]:
        ev["signature"] = None
    return dump(doc)


# ---- key events


@export_case("revocation removed from the keys")
def _no_revocation(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "revoked"))


@export_case("revocation and new key removed from the keys")
def _no_revocation_issue(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "revoked", "registered"))


@export_case("revocation and new key removed, then signed with the revoked key")
def _no_revocation_resigned(t: Trail) -> bytes:
    doc = t.drop(t.doc(), "revoked", "registered")
    ev = t.line(doc, "refused_qian")
    ev["signature"] = t.signer["qian_old"].sign(ev["hash"])
    return dump(doc)


@export_case("rotation removed from the keys", legacy=True)
def _no_rotation(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "rotated"))


@export_case("roles change removed from the keys")
def _no_roles(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "roles"))


@export_case("every key event removed")
def _no_keys(t: Trail) -> bytes:
    doc = t.doc()
    doc["keys"] = []
    return dump(doc)


@export_case("first key event removed", legacy=True)
def _no_first_key(t: Trail) -> bytes:
    return dump(t.drop(t.doc(), "added_1"))


@export_case("two key events swapped")
def _keys_swapped(t: Trail) -> bytes:
    doc = t.doc()
    i = doc["keys"].index(t.line(doc, "revoked"))
    doc["keys"][i], doc["keys"][i + 1] = doc["keys"][i + 1], doc["keys"][i]
    return dump(doc)


@export_case("key event duplicated")
def _key_dup(t: Trail) -> bytes:
    doc = t.doc()
    i = doc["keys"].index(t.line(doc, "roles"))
    doc["keys"].insert(i + 1, copy.deepcopy(doc["keys"][i]))
    return dump(doc)


@export_case("decision event copied into the keys", legacy=True)
def _event_in_keys(t: Trail) -> bytes:
    doc = t.doc()
    doc["keys"].insert(0, copy.deepcopy(doc["events"][0]))
    return dump(doc)


@export_case("key event given a decision, forged")
def _key_with_decision(t: Trail) -> bytes:
    doc = edit(t, "roles", "decision", 1)
    t.line(doc, "roles")["decision_seq"] = 9
    return dump(forge(doc, t))


@export_case("key event copied into the events")
def _key_in_events(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"].insert(3, copy.deepcopy(t.line(doc, "rotated")))
    return dump(doc)


def key_data(
    name: str, change: Callable[[dict[str, Any], Trail], None], sign: str | None = None
) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        doc = t.doc()
        ev = t.line(doc, name)
        change(ev, t)
        return dump(forge(doc, t, {t.hash(name): t.signer[sign]} if sign else None))

    return build


def set_data(key: str, value: Callable[[Trail], Any]) -> Callable[[dict[str, Any], Trail], None]:
    def change(ev: dict[str, Any], t: Trail) -> None:
        ev["data"][key] = value(t)

    return change


def twin(public: str) -> str:
    """The same 32 key bytes in another base64 spelling (other padding bits in the last digit)."""
    raw = base64.b64decode(public[8:])
    return next(
        public[:-2] + c + "="
        for c in "ACEGIKMOQSUWYacegikmoqsuwy02468+"
        if c != public[-2] and base64.b64decode(public[8:-2] + c + "=") == raw
    )


def set_actor(actor: str) -> Callable[[dict[str, Any], Trail], None]:
    def change(ev: dict[str, Any], t: Trail) -> None:
        ev["actor"] = actor

    return change


for _what, _name, _change, _sign in (
    ("rotation from a key not held", "rotated", set_data("previous", lambda t: t.public[EXECUTIVE]), None),
    ("rotation written by the admin", "rotated", set_actor(ADMIN), ADMIN),
    ("rotation to another user's key", "rotated", set_data("public_key", lambda t: t.public[EXECUTIVE]), None),
    ("revocation written by an officer", "revoked", set_actor(OFFICER), OFFICER),
    ("revocation of a key not held", "revoked", set_data("public_key", lambda t: t.public[EXECUTIVE]), None),
    ("revocation of another user", "revoked", set_data("name", lambda t: EXECUTIVE), None),
    ("new key is the revoked key", "registered", set_data("public_key", lambda t: t.public["qian_old"]), None),
    ("new key is a rotated-away key", "registered", set_data("public_key", lambda t: t.public["zhao_old"]), None),
    ("new key is another user's key", "registered", set_data("public_key", lambda t: t.public[EXECUTIVE]), None),
    ("new key registered by an officer", "registered", set_actor(OFFICER), OFFICER),
    ("new key registered over a held key", "registered", set_data("name", lambda t: EXECUTIVE), None),
    ("new key registered by its holder", "registered", set_actor(REVIEWER), "qian_old"),
    ("user added with the admin's key", "added_2", set_data("public_key", lambda t: t.public[ADMIN]), None),
    ("user added by themselves", "added_2", set_actor(OFFICER), "zhao_old"),
    ("first key not an admin's", "added_1", set_data("roles", lambda t: ["officer"]), None),
    ("first key spelled another way", "added_1", set_data("public_key", lambda t: twin(t.public[ADMIN])), None),
    ("roles changed by an officer", "roles", set_actor(OFFICER), OFFICER),
    ("roles change takes the admin's role", "roles", set_data("name", lambda t: ADMIN), None),
    ("key event data without a name", "roles", set_data("name", lambda t: None), None),
    ("key event public key not base64", "registered", set_data("public_key", lambda t: "ed25519:not-a-key"), None),
    (
        "key event public key of 31 bytes",
        "revoked",
        set_data("public_key", lambda t: "ed25519:" + "A" * 40 + "="),
        None,
    ),
):
    # on the legacy file the first keys are key lines of version 1, the later ones of version 2
    export_case(f"key rule: {_what}, forged", legacy=_name in ("added_1", "added_2", "registered"))(
        key_data(_name, _change, _sign)
    )


@export_case("key rule: a stranger's key registered for the reviewer, forged")
def _stranger_key(t: Trail) -> bytes:
    doc = t.doc()
    ev = t.line(doc, "registered")
    ev["data"] = {"name": REVIEWER, "public_key": t.public["stranger"]}
    ev = t.line(doc, "refused_qian")
    doc = forge(doc, t)
    ev["signature"] = t.signer["stranger"].sign(ev["hash"])
    return dump(doc)


# ---- checkpoint, header, count, digest, layout


def header(change: Callable[[dict[str, Any], Trail], None], keep_digest: bool = False) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        doc = t.doc()
        change(doc, t)
        return dump(doc, keep_digest=keep_digest)

    return build


def setter(*path: str, value: Any) -> Callable[[dict[str, Any], Trail], None]:
    def change(doc: dict[str, Any], t: Trail) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(doc, t) if callable(value) else value

    return change


def bound(ev: dict[str, Any]) -> int:
    """What C.size must reach for an event line (section 6, checks 3 and 4): a version 1 event's seq,
    a version 2 event's registry position."""
    return ev["seq"] if version_of(ev) == 1 else ev["registry"]  # type: ignore[no-any-return]


def registry_lines(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The file's lines of the registry chain (key lines and version 1 event lines), in seq order."""
    return sorted(
        (ev for ev in doc.get("keys", []) + doc["events"] if version_of(ev) == 1 or ev["chain"] == REGISTRY),
        key=seq_order,
    )


def moved_back(doc: dict[str, Any], t: Trail) -> dict[str, Any]:
    before = registry_lines(doc)[-2]
    return {"head": before["hash"], "size": before["seq"]}


for _what, _header_change, _keep in (
    ("checkpoint head edited", setter("checkpoint", "head", value="e" * 64), False),
    (
        "checkpoint size lowered below the last event",
        setter("checkpoint", "size", value=lambda d, t: bound(d["events"][-1]) - 1),
        False,
    ),
    ("checkpoint moved back to the registry line before the last", setter("checkpoint", value=moved_back), False),
    (
        "checkpoint size lowered below a key event",
        setter("checkpoint", "size", value=lambda d, t: t.seq["roles"] - 1),
        False,
    ),
    ("checkpoint size raised", setter("checkpoint", "size", value=lambda d, t: d["checkpoint"]["size"] + 1), False),
    ("checkpoint of an empty chain", setter("checkpoint", value={"head": ZEROS, "size": 0}), False),
    ("export time edited, digest kept", setter("exported_at", value="2030-01-01T00:00:00.000000Z"), True),
    ("export time edited, digest recomputed", setter("exported_at", value="2030-01-01T00:00:00.000000Z"), False),
    ("decision title edited", setter("decision", "title", value="别的决策"), False),
    ("decision workflow version edited", setter("decision", "workflow_version", value=1), False),
    ("decision stage edited, digest kept", setter("decision", "stage", value="archiving"), True),
    ("decision stage edited, digest recomputed", setter("decision", "stage", value="archiving"), False),
    ("decision status edited, digest kept", setter("decision", "status", value="closed"), True),
    ("header with another key", setter("decision", "note", value="x"), False),
    (
        "header checkpoint size as a string",
        setter("checkpoint", "size", value=lambda d, t: str(d["checkpoint"]["size"])),
        False,
    ),
    ("header checkpoint head not a hash", setter("checkpoint", "head", value="not a hash"), False),
    (
        "header checkpoint head in capitals",
        setter("checkpoint", "head", value=lambda d, t: d["checkpoint"]["head"].upper()),
        False,
    ),
    ("header checkpoint size negative", setter("checkpoint", "size", value=-1), False),
    ("header checkpoint size 0 with a head", setter("checkpoint", "size", value=0), False),
    ("header decision id as true", setter("decision", "id", value=True), False),
    ("format of another version", setter("format", value=lambda d, t: V2 if t.format == V3 else V3), False),
):
    export_case(_what, v1=True)(header(_header_change, _keep))


@export_case(
    "checkpoint head edited, the file holding its event",
    v1=True,
    expect={
        V3: Finding(False, 9, "file altered"),
        V2: Finding(False, 18, "file altered"),
        V1: Finding(False, 18, "file altered"),
    },
)
def _head_held(t: Trail) -> bytes:
    """The checkpoint moved back to the file's last registry line (a key line of v3, the last event
    line of v2), then its head edited: that line no longer agrees with it. (The head of the registry
    chain as exported is an event the file does not hold: editing it alone is not seen, section 5.)"""
    doc = t.doc()
    doc["checkpoint"] = {"head": "e" * 64, "size": registry_lines(doc)[-1]["seq"]}
    return dump(doc)


def _organ(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any], Trail], None]:
    def apply(doc: dict[str, Any], t: Trail) -> None:
        change(doc["decision"])

    return apply


for _what, _decision_change, _expect in (
    ("header's organ edited to another organ", lambda d: d.update(organ=TOWNSHIP), Finding(False, 1, "file altered")),
    ("header's organ removed", lambda d: d.pop("organ"), Finding(False, None, "malformed")),
    ("header's organ as a number", lambda d: d.update(organ=7), Finding(False, None, "malformed")),
):
    export_case(_what, v2=False, expect=_expect)(header(_organ(_decision_change)))


@export_case("v2 file given the header's organ", v3=False)
def _v2_organ(t: Trail) -> bytes:
    doc = t.doc()
    doc["decision"]["organ"] = MAIN
    return dump(doc)


@export_case("file without its keys section")
def _no_keys_section(t: Trail) -> bytes:
    doc = t.doc()
    raw = dump(doc)
    return raw.replace(raw[raw.index(b',"keys":[') : raw.index(b'],"events":[') + 12], b',"events":[')


@export_case("v1 file with a keys section")
def _v1_keys(t: Trail) -> bytes:
    doc = t.doc()
    doc["format"] = V1
    return dump(doc)


@export_case("count wrong", v1=True)
def _count(t: Trail) -> bytes:
    return dump(t.doc(), count=len(t.doc()["events"]) + 1)


@export_case("count zero and no events", v1=True)
def _count_zero(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"] = []
    return dump(doc)


@export_case("digest wrong", v1=True)
def _digest(t: Trail) -> bytes:
    doc = t.doc()
    doc["digest"] = "f" * 64
    return dump(doc, keep_digest=True)


@export_case("digest in capitals", v1=True)
def _digest_caps(t: Trail) -> bytes:
    return t.raw()[:-67] + t.raw()[-67:-3].upper() + t.raw()[-3:]


@export_case("digest of the v1 domain")
def _digest_v1(t: Trail) -> bytes:
    body = t.raw()[:-67]
    return body + hashlib.sha256(DIGEST_DOMAIN[V1] + body).hexdigest().encode() + b'"}\n'


@export_case("digest of the v2 domain", v2=False, v1=True)
def _digest_v2(t: Trail) -> bytes:
    body = t.raw()[:-67]
    return body + hashlib.sha256(DIGEST_DOMAIN[V2] + body).hexdigest().encode() + b'"}\n'


def raw_edit(old: bytes, new: bytes, count: int = 1, digest: bool = True) -> Callable[[Trail], bytes]:
    def build(t: Trail) -> bytes:
        assert old in t.raw(), old
        body = t.raw()[:-67].replace(old, new, count)
        if not digest:
            return body + t.raw()[-67:]
        return body + hashlib.sha256(DIGEST_DOMAIN[t.format] + body).hexdigest().encode() + b'"}\n'

    return build


for _what, _old, _new, _count_, _digest_, _v1 in (
    (
        "a space after a comma in an event line",
        b'"action":"recorded","actor"',
        b'"action":"recorded", "actor"',
        1,
        True,
        True,
    ),
    ("a space in the header", b'{"format":', b'{"format": ', 1, True, True),
    (
        "members reordered in an event line",
        b'{"action":"recorded","actor":"zhao"',
        b'{"actor":"zhao","action":"recorded"',
        1,
        True,
        True,
    ),
    (
        "Chinese escaped as \\u in an event line",
        "沙河乡经济发展办公室".encode(),
        b"\\u6c99\\u6cb3\\u4e61\\u7ecf\\u6d4e\\u53d1\\u5c55\\u529e\\u516c\\u5ba4",
        1,
        True,
        True,
    ),
    ("CRLF line ends", b"\n", b"\r\n", -1, True, True),
    ("the line between the sections altered", b'],"events":[', b'] ,"events":[', 1, True, False),
    ("two event lines joined", b',\n{"action":"recorded"', b',{"action":"recorded"', 1, True, True),
    ("a comma removed after a key line", b',\n{"action":"key_revoked"', b'\n,{"action":"key_revoked"', 1, True, False),
    (
        "title edited in the header, digest kept",
        "沙河乡农贸市场搬迁".encode(),
        "沙河乡农贸市场迁建".encode(),
        1,
        False,
        True,
    ),
):
    export_case(_what, v1=_v1)(raw_edit(_old, _new, _count_, _digest_))


@export_case("newline at the end removed", v1=True)
def _no_newline(t: Trail) -> bytes:
    return t.raw()[:-1]


@export_case("blank line after the end", v1=True)
def _blank(t: Trail) -> bytes:
    return t.raw() + b"\n"


@export_case("text after the end", v1=True)
def _trailing(t: Trail) -> bytes:
    return t.raw() + b"x\n"


@export_case("not JSON: file cut in the middle", v1=True)
def _half(t: Trail) -> bytes:
    return t.raw()[: len(t.raw()) // 2]


@export_case("not UTF-8", v1=True)
def _latin(t: Trail) -> bytes:
    return t.raw().replace("沙".encode(), b"\xff", 1)


@export_case("empty file")
def _empty(t: Trail) -> bytes:
    return b""


@export_case("a JSON array")
def _array(t: Trail) -> bytes:
    return b"[]\n"


@export_case("NaN in an event line", v1=True)
def _nan(t: Trail) -> bytes:
    return t.raw().replace(b'"decision_seq":2,', b'"decision_seq":NaN,', 1)


# ---- v1 files


@export_case("second event edited, hash kept", v2=False, v3=False, v1=True)
def _v1_edited(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"][1]["at"] = "2025-01-01T00:00:00.000000Z"
    return dump(doc)


@export_case("second event edited, forged", v2=False, v3=False, v1=True)
def _v1_forged(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"][1]["at"] = "2025-01-01T00:00:00.000000Z"
    return dump(forge(doc, t))


@export_case("a line with a signature", v2=False, v3=False, v1=True)
def _v1_signed(t: Trail) -> bytes:
    doc = t.doc()
    doc["events"][0]["signature"] = None
    return dump(doc)


# ---- chains per organ: the registry position, the chain of a line, the version of a line


@export_case(
    "registry position ahead of the checkpoint, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 9, "registry ahead"), LEGACY: Finding(False, 6, "registry ahead")},
)
def _ahead(t: Trail) -> bytes:
    doc = t.doc()
    t.line(doc, "advanced")["registry"] = doc["checkpoint"]["size"] + 1
    return dump(forge(doc, t))


@export_case(
    "checkpoint moved back behind the last key line, which is removed",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 7, "registry ahead"), LEGACY: Finding(False, 4, "registry ahead")},
)
def _ahead_of_checkpoint(t: Trail) -> bytes:
    """The registry's checkpoint as it was before the reviewer's new key was registered: the event
    signed with that key is ahead of it."""
    doc = t.drop(t.doc(), "registered")
    doc["checkpoint"] = {"head": t.hash("revoked"), "size": t.seq["revoked"]}
    return dump(doc)


@export_case(
    "registry position went back, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 7, "registry went back"), LEGACY: Finding(False, 4, "registry went back")},
)
def _went_back(t: Trail) -> bytes:
    doc = t.doc()
    t.line(doc, "refused_qian")["registry"] = t.ev("completed")["registry"] - 1
    return dump(forge(doc, t))


@export_case(
    "the first version 2 line's registry position behind the version 1 line before it, forged",
    v3=False,
    v2=False,
    legacy=True,
    expect=Finding(False, 1, "registry went back"),
)
def _went_back_v1(t: Trail) -> bytes:
    doc = t.doc()
    previous = t.ev("recorded")  # a version 1 line of the registry chain: its position is seq - 1
    t.line(doc, "refused_zhao")["registry"] = previous["seq"] - 2
    return dump(forge(doc, t))


@export_case(
    "event line in another organ's chain, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 9, "file altered"), LEGACY: Finding(False, 6, "file altered")},
)
def _other_chain(t: Trail) -> bytes:
    return dump(forge(edit(t, "advanced", "chain", TOWNSHIP), t))


@export_case(
    "event line in the registry chain as version 2, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 9, "file altered"), LEGACY: Finding(False, 6, "file altered")},
)
def _in_registry(t: Trail) -> bytes:
    doc = t.doc()
    t.line(doc, "advanced").update(chain=REGISTRY, registry=None)
    return dump(forge(doc, t))


@export_case(
    "version 1 event line after version 2 lines, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 9, "format out of place"), LEGACY: Finding(False, 6, "format out of place")},
)
def _v1_after_v2(t: Trail) -> bytes:
    doc = t.doc()
    as_version_1(t.line(doc, "advanced"))
    return dump(forge(doc, t))


@export_case(
    "version 1 key line after version 2 key lines, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 9, "format out of place"), LEGACY: Finding(False, 12, "format out of place")},
)
def _v1_key_after_v2(t: Trail) -> bytes:
    doc = t.doc()
    as_version_1(t.line(doc, "registered"))
    return dump(forge(doc, t))


@export_case(
    "version 2 event line in a v2 file, forged",
    v3=False,
    expect={V2: Finding(False, 18, "content edited")},
)
def _v2_line_in_v2(t: Trail) -> bytes:
    doc = t.doc()
    ev = t.line(doc, "advanced")
    ev |= {"chain": REGISTRY, "registry": None}  # as the one chain's event would be written today
    return dump(forge(doc, t))


@export_case(
    "key event in an organ's chain: an event line's action made a key action, forged",
    v2=False,
    legacy=True,
    expect={
        V3: Finding(False, 9, "key event outside the registry"),
        LEGACY: Finding(False, 6, "key event outside the registry"),
    },
)
def _key_action_in_main(t: Trail) -> bytes:
    return dump(forge(edit(t, "advanced", "action", "key_revoked"), t))


@export_case(
    "key line moved into an organ's chain, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 9, "file altered"), LEGACY: Finding(False, 12, "file altered")},
)
def _key_line_in_main(t: Trail) -> bytes:
    doc = t.doc()
    t.line(doc, "registered").update(chain=MAIN, registry=t.seq["registered"] - 1)
    return dump(forge(doc, t))


@export_case(
    "revoked key used at a later registry position: no key held there, forged",
    v2=False,
    legacy=True,
    expect={V3: Finding(False, 7, "signature without a key"), LEGACY: Finding(False, 4, "signature without a key")},
)
def _revoked_later(t: Trail) -> bytes:
    """The reviewer's refusal at the registry position right after the revocation, before the new key
    was registered, signed with the revoked key."""
    doc = edit(t, "refused_qian", "registry", t.seq["revoked"])
    return dump(forge(doc, t, {t.hash("refused_qian"): t.signer["qian_old"]}))


@export_case(
    "revoked key used at a position before the revocation, forged: a backdating the document allows",
    v2=False,
    legacy=True,
    expect=OK,
)
def _revoked_backdated(t: Trail) -> bytes:
    """Section 4a: "A key revoked at registry event r still verifies events of position below r": the
    refusal backdated to the position just before the revocation (not behind the line before it) and
    signed with the revoked key verifies. Checkpoints close that."""
    doc = edit(t, "refused_qian", "registry", t.seq["revoked"] - 1)
    return dump(forge(doc, t, {t.hash("refused_qian"): t.signer["qian_old"]}))


@export_case(
    "registry position moved forward within the checkpoint, forged",
    v2=False,
    legacy=True,
    expect=OK,
)
def _forward(t: Trail) -> bytes:
    """A position may go forward up to C.size: nothing signed changes hands (the officer holds one key
    from the rotation on)."""
    doc = t.doc()
    t.line(doc, "completed")["registry"] = t.ev("refused_qian")["registry"]
    return dump(forge(doc, t))


@export_case(
    "the decision's events as version 2 events of the registry chain, the header's organ 'registry', forged", v2=False
)
def _organ_registry(t: Trail) -> bytes:
    """Every event line written as a version 2 event of the registry chain, after the registry's head
    (numbered and linked there, its position seq - 1), signed with the key its actor holds there, the
    checkpoint the registry chain's new head, and `D.organ` "registry" so that check 3's "a version 2
    event's `chain` is `D.organ`" holds. Section 3 says no organ is named `registry` and section 4 step 5
    that a decision's version 2 events are never in the registry chain, but section 6 lists neither among
    a file's checks."""
    doc = t.doc()
    doc["decision"]["organ"] = REGISTRY
    size, prev = doc["checkpoint"]["size"], doc["checkpoint"]["head"]
    holds = {OFFICER: t.signer[OFFICER], REVIEWER: t.signer[REVIEWER]}  # their keys from the last key line on
    for n, ev in enumerate(doc["events"]):
        ev.update(chain=REGISTRY, registry=None, seq=size + 1 + n, prev_hash=prev)
        if n:
            ev["decision_prev"] = doc["events"][n - 1]["hash"]
        rehash(ev)
        if ev["signature"] is not None:
            ev["signature"] = holds[ev["actor"]].sign(ev["hash"])
        prev = ev["hash"]
    doc["checkpoint"] = {"head": prev, "size": size + len(doc["events"])}
    return dump(doc)


def legacy_checkpoint(t: Trail, name: str) -> dict[str, Any]:
    """The legacy file as exported when the registry chain ended at the key event `name`: the key lines
    after it left out, the checkpoint that event's."""
    doc = t.doc()
    doc["keys"] = [ev for ev in doc["keys"] if ev["seq"] <= t.seq[name]]
    doc["checkpoint"] = {"head": t.hash(name), "size": t.seq[name]}
    return doc


@export_case(
    "a version 1 event line beyond the checkpoint",
    v3=False,
    v2=False,
    legacy=True,
    expect=Finding(False, 6, "file altered"),
)
def _v1_beyond(t: Trail) -> bytes:
    """Its position (seq - 1) is within the checkpoint, its seq is not (section 6, check 4)."""
    return dump(legacy_checkpoint(t, "added_5"))


@export_case(
    "a version 1 event line's position beyond the checkpoint",
    v3=False,
    v2=False,
    legacy=True,
    expect=Finding(False, 6, "registry ahead"),
)
def _v1_ahead(t: Trail) -> bytes:
    """Section 6, check 3: a version 1 event's registry position is seq - 1, at most C.size."""
    return dump(legacy_checkpoint(t, "added_4"))


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")[:90]


def agree(mine: Finding, theirs: Finding, expected: Expected) -> None:
    """Both verifiers give the same finding, and, where the case names it, the one expected."""
    assert mine == theirs, f"independent: {mine}; decision-flow: {theirs}"
    if isinstance(expected, str):
        assert mine.kind == expected, f"both found {mine}, the case expects {expected}"
    elif expected is not None:
        assert mine == expected, f"both found {mine}, the case expects {expected}"


XFAIL: dict[str, str] = {}  # a case -> why the two verifiers disagree (reported, not hidden); none today


def params(cases: Iterable[tuple[str, tuple[Any, ...]]]) -> list[Any]:
    return [
        pytest.param(
            *values, id=name, marks=[pytest.mark.xfail(strict=True, reason=XFAIL[name])] if name in XFAIL else []
        )
        for name, values in cases
    ]


ORIGINAL_FILES: dict[str, Callable[[Trail], bytes]] = {
    "engine's export": lambda t: t.export,
    "v2 export, derived": lambda t: t.files[V2],
    "v1 export, derived": lambda t: t.files[V1],
    "legacy export": lambda t: t.files[LEGACY],
    "test vector": lambda t: VECTOR.read_bytes(),
    "test vector v2": lambda t: (VECTORS / "trail-export-v2.json").read_bytes(),
    "test vector v1": lambda t: (VECTORS / "trail-export-v1.json").read_bytes(),
}
ORIGINAL_DATABASES: dict[str, Callable[[Trail], Path]] = {
    "database": lambda t: t.db,
    "legacy database": lambda t: t.legacy_db,
    "one-chain database": lambda t: t.one_chain_db,
}


@pytest.mark.parametrize("name", list(ORIGINAL_FILES) + list(ORIGINAL_DATABASES))
def test_original_passes_both(trail: Trail, name: str, tmp_path: Path) -> None:
    if name in ORIGINAL_DATABASES:
        path = tmp_path / "copy.db"
        shutil.copy(ORIGINAL_DATABASES[name](trail), path)
        mine, theirs = verify_sqlite(str(path)), theirs_db(path)
    else:
        raw = ORIGINAL_FILES[name](trail)
        path = tmp_path / "original.json"
        path.write_bytes(raw)
        mine, theirs = verify_export(raw), theirs_file(path)
    assert (mine, theirs) == (OK, OK)


@pytest.mark.parametrize(
    ("version", "name"),
    params((FAMILY[v] + name, (v, name)) for name, case in EXPORT_CASES.items() for v in case.on),
)
def test_export_case(trail: Trail, version: str, name: str, tmp_path: Path) -> None:
    """Both verifiers give the same finding for the altered file ("v2: NAME" alters the v2 file, ...)."""
    case = EXPORT_CASES[name]
    raw = case.build(dataclasses.replace(trail, version=version))
    path = tmp_path / f"{slug(name)}.json"
    path.write_bytes(raw)
    agree(verify_export(raw), theirs_file(path), case.expect.get(version))


# ---------------------------------------------------------------- the database corpus


@dataclass(frozen=True)
class DatabaseCase:
    build: Callable[[sqlite3.Connection, Trail], None]
    base: str  # V3: the engine's database; LEGACY: the legacy one
    expect: Expected


DB_CASES: dict[str, DatabaseCase] = {}


def db_case(
    name: str, expect: Expected = None, legacy: bool = False
) -> Callable[[Callable[[sqlite3.Connection, Trail], None]], Any]:
    def register(fn: Callable[[sqlite3.Connection, Trail], None]) -> Any:
        full = f"legacy: {name}" if legacy else name
        assert full not in DB_CASES, full
        DB_CASES[full] = DatabaseCase(fn, LEGACY if legacy else V3, expect)
        return fn

    return register


def update(con: sqlite3.Connection, where: Loc, **values: Any) -> None:
    """Edit the event `where` (its chain and seq)."""
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE audit_events SET {sets} WHERE chain = ? AND seq = ?", (*values.values(), *where))


def update_row(con: sqlite3.Connection, rowid: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE audit_events SET {sets} WHERE rowid = ?", (*values.values(), rowid))


def stored(con: sqlite3.Connection, where: Loc, column: str) -> Any:
    return con.execute(f"SELECT {column} FROM audit_events WHERE chain = ? AND seq = ?", where).fetchone()[0]


def db_forge(con: sqlite3.Connection, t: Trail, sign: dict[str, Any] | None = None, relink: bool = False) -> None:
    """Recompute every hash in the order written, relink what linked to a changed hash (`relink`: every
    link rewritten from the rows as they stand, in each chain and each decision), re-sign what was
    re-hashed (`sign`: a row's hash before the forgery -> the signer to use instead)."""
    changed: dict[str, str] = {}
    last: dict[Any, str | None] = {}
    prev: dict[Any, str] = {}
    for r in rows(con):
        new = dict(r)
        if relink:
            new["prev_hash"] = prev.get(r["chain"], ZEROS)
            if r["decision_id"] is not None:
                new["decision_prev"] = last.get(r["decision_id"])
        for link in ("prev_hash", "decision_prev"):
            if isinstance(new[link], str) and new[link] in changed:
                new[link] = changed[new[link]]
        new["hash"] = row_hash(new)
        if new["hash"] != r["hash"]:
            changed[r["hash"]] = new["hash"]
            if sign and r["hash"] in sign:
                new["signature"] = sign[r["hash"]].sign(new["hash"])
            elif r["signature"] is not None:
                new["signature"] = t.resign(r["signature"], r["hash"], new["hash"])
        if new != r:
            update_row(con, r["rowid"], **{k: new[k] for k in COLUMNS if new[k] != r[k]})
        prev[r["chain"]] = new["hash"]
        if r["decision_id"] is not None:
            last[r["decision_id"]] = new["hash"]


def rewrite(con: sqlite3.Connection, t: Trail, change: Callable[[list[Row]], list[Row]]) -> None:
    """Forge the trail as if written otherwise: `change` the rows in the order written (their chain,
    their format, their order), then number, link, position, hash and sign every row as the engine
    appends (rechain)."""
    put_rows(con, rechain(change(rows(con)), t.signer.values()))


def moved(t: Trail, name: str, **values: Any) -> Callable[[list[Row]], list[Row]]:
    """The named event written with other `values` (a chain, a format) where it was written."""
    at = t.names[name]
    return lambda written: [r | values if i == at else r for i, r in enumerate(written)]


def renumber_after(con: sqlite3.Connection, where: Loc) -> None:
    chain, seq = where
    for r in rows(con):
        if r["chain"] == chain and r["seq"] > seq:
            update_row(con, r["rowid"], seq=r["seq"] - 1)


def delete(con: sqlite3.Connection, *where: Loc) -> None:
    for loc in where:
        con.execute("DELETE FROM audit_events WHERE chain = ? AND seq = ?", loc)


def delete_registry_events(con: sqlite3.Connection, t: Trail, *names: str) -> None:
    """Delete registry events, renumber the registry chain after them and move every organ event's
    registry position back by the events deleted within it, then forge: a registry chain that never
    held them."""
    gone = sorted(t.seq[name] for name in names)
    delete(con, *((REGISTRY, seq) for seq in gone))
    for r in rows(con):
        if r["chain"] == REGISTRY and r["seq"] > gone[0]:
            update_row(con, r["rowid"], seq=r["seq"] - sum(seq < r["seq"] for seq in gone))
        elif r["chain"] != REGISTRY and r["registry_position"] is not None:
            position = r["registry_position"]
            update_row(con, r["rowid"], registry_position=position - sum(seq <= position for seq in gone))
    db_forge(con, t, relink=True)


def without_unique(con: sqlite3.Connection, not_null: str = " NOT NULL") -> None:
    """Rebuild audit_events without its primary key and unique constraints (and NOT NULL), as a
    database owner can; every row keeps its rowid."""
    nn = not_null
    con.execute("ALTER TABLE audit_events RENAME TO audit_events_old")
    con.execute(
        f"CREATE TABLE audit_events (seq INTEGER{nn}, at VARCHAR{nn}, actor VARCHAR{nn}, action VARCHAR{nn},"
        f" decision_id INTEGER, stage VARCHAR, step VARCHAR, data VARCHAR{nn}, decision_seq INTEGER,"
        f" decision_prev VARCHAR(64), prev_hash VARCHAR(64){nn}, hash VARCHAR(64){nn}, signature VARCHAR(100),"
        f" chain VARCHAR(40){nn}, registry_position INTEGER, format INTEGER{nn})"
    )
    columns = ", ".join(COLUMNS)
    con.execute(f"INSERT INTO audit_events (rowid, {columns}) SELECT rowid, {columns} FROM audit_events_old")
    con.execute("DROP TABLE audit_events_old")


COLUMN_EDITS: dict[str, tuple[str, Any]] = {
    "at": ("recorded", "2025-01-02T03:04:05.000000Z"),
    "actor": ("recorded", EXECUTIVE),
    "action": ("recorded", "waived"),
    "decision_id": ("recorded", 2),
    "decision_seq": ("recorded", 3),
    "decision_prev": ("recorded", "a" * 64),
    "stage": ("recorded", "drafting"),
    "step": ("recorded", None),
    "data": ("recorded", '{"evidence":[],"fields":{"undertaking_unit":"沙河乡财政所"}}'),
    "prev_hash": ("completed", "b" * 64),
    "chain": ("advanced", TOWNSHIP),
    "registry_position": ("completed", 5),
}


def _column_cases() -> None:
    for column, (name, value) in COLUMN_EDITS.items():

        def kept(con: sqlite3.Connection, t: Trail, column: str = column, name: str = name, value: Any = value) -> None:
            if column in ("decision_id", "decision_seq", "chain"):
                without_unique(con)
            update(con, t.loc(name), **{column: value})

        def forged(
            con: sqlite3.Connection, t: Trail, column: str = column, name: str = name, value: Any = value
        ) -> None:
            kept(con, t, column, name, value)
            db_forge(con, t, {t.hash(name): t.signer[value]} if column == "actor" else None)

        db_case(f"{column} edited, hash kept")(kept)
        db_case(f"{column} edited, forged")(forged)


_column_cases()


@db_case("signature column edited")
def _db_sig_edit(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), signature=t.signer[OFFICER].sign("0" * 64))


@db_case("hash column edited")
def _db_hash(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), hash=t.hash("recorded").upper())


@db_case("data rewritten with spaces, hash kept")
def _db_spaces(con: sqlite3.Connection, t: Trail) -> None:
    data = stored(con, t.loc("recorded"), "data")
    update(con, t.loc("recorded"), data=json.dumps(json.loads(data), ensure_ascii=False))


@db_case("data rewritten with spaces, forged")
def _db_spaces_forged(con: sqlite3.Connection, t: Trail) -> None:
    _db_spaces(con, t)
    db_forge(con, t)


@db_case("wrong type: data as [], forged")
def _db_data_list(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), data="[]")
    db_forge(con, t)


@db_case("wrong type: data not JSON, forged")
def _db_data_text(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), data="recorded")
    db_forge(con, t)


@db_case("wrong type: decision_seq as text, forged")
def _db_dseq_text(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), decision_seq="two")
    db_forge(con, t)


@db_case("wrong type: decision_id as text, forged")
def _db_decision_text(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), decision_id="one")
    db_forge(con, t)


@db_case("wrong type: decision_prev in capitals, forged")
def _db_dprev_caps(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), decision_prev=t.hash("created").upper())
    db_forge(con, t)


@db_case("wrong type: decision_seq on an event of no decision, forged")
def _db_dseq_none(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("roles"), decision_seq=1)
    db_forge(con, t)


@db_case("wrong type: decision_seq as 2.5, forged")
def _db_dseq_real(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), decision_seq=2.5)
    db_forge(con, t)


@db_case("wrong type: actor as null, forged")
def _db_actor_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.loc("recorded"), actor=None)
    db_forge(con, t)


@db_case("wrong type: prev_hash as null in the middle of the chain, forged")
def _db_prev_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.loc("completed"), prev_hash=None)
    db_forge(con, t)


@db_case("wrong type: data as null, forged")
def _db_data_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.loc("recorded"), data=None)
    db_forge(con, t)


@db_case("wrong type: data as the JSON null, forged")
def _db_data_json_null(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), data="null")
    db_forge(con, t)


@db_case("decision_prev null after the first event, forged")
def _db_dprev_null(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), decision_prev=None)
    db_forge(con, t)


@db_case("decision_prev on an event of no decision, forged")
def _db_dprev_nodecision(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("roles"), decision_prev="a" * 64)
    db_forge(con, t)


@db_case("event deleted")
def _db_deleted(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.loc("recorded"))


@db_case("last event of main's chain deleted")
def _db_deleted_last(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.loc("advanced"))


@db_case("last event of the last chain deleted", expect=OK)
def _db_deleted_last_chain(con: sqlite3.Connection, t: Trail) -> None:
    """A chain cut short is consistent: that is what checkpoints are for (section 5)."""
    delete(con, t.loc("d3_recorded"))


@db_case("event deleted, later events renumbered and forged")
def _db_deleted_renumbered(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.loc("recorded"))
    renumber_after(con, t.loc("recorded"))
    db_forge(con, t, relink=True)


@db_case("event of decision 2 deleted, renumbered and forged")
def _db_deleted_d2(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.loc("d2_recorded"))
    renumber_after(con, t.loc("d2_recorded"))
    db_forge(con, t, relink=True)


@db_case("event deleted, every number and link rewritten, forged")
def _db_deleted_all(con: sqlite3.Connection, t: Trail) -> None:
    delete(con, t.loc("recorded"))
    renumber_after(con, t.loc("recorded"))
    for r in rows(con):
        if r["decision_id"] == 1 and r["decision_seq"] > 1:
            update_row(con, r["rowid"], decision_seq=r["decision_seq"] - 1)
    db_forge(con, t, relink=True)


@db_case("revocation deleted, renumbered and forged")
def _db_no_revocation(con: sqlite3.Connection, t: Trail) -> None:
    delete_registry_events(con, t, "revoked")


@db_case("revocation and new key deleted, renumbered and forged")
def _db_no_revocation_issue(con: sqlite3.Connection, t: Trail) -> None:
    delete_registry_events(con, t, "revoked", "registered")


@db_case("revocation and new key deleted, then signed with the revoked key")
def _db_no_revocation_resigned(con: sqlite3.Connection, t: Trail) -> None:
    _db_no_revocation_issue(con, t)
    at = t.loc("refused_qian")  # in main's chain: its place is kept
    update(con, at, signature=t.signer["qian_old"].sign(stored(con, at, "hash")))


def db_key_data(
    name: str, key: str, value: Callable[[Trail], Any], sign: str | None = None
) -> Callable[[sqlite3.Connection, Trail], None]:
    def build(con: sqlite3.Connection, t: Trail) -> None:
        obj = json.loads(stored(con, t.loc(name), "data"))
        obj[key] = value(t)
        update(con, t.loc(name), data=canonical(obj).decode())
        db_forge(con, t, {t.hash(name): t.signer[sign]} if sign else None)

    return build


for _what, _name, _key, _new_value in (
    ("rotation from a key not held", "rotated", "previous", lambda t: t.public[EXECUTIVE]),
    ("revocation of a key not held", "revoked", "public_key", lambda t: t.public[EXECUTIVE]),
    ("new key is the revoked key", "registered", "public_key", lambda t: t.public["qian_old"]),
    ("new key is another user's key", "registered", "public_key", lambda t: t.public[EXECUTIVE]),
    ("new key registered over a held key", "registered", "name", lambda t: EXECUTIVE),
    ("roles change takes the admin's role", "roles", "name", lambda t: ADMIN),
    ("key event public key not base64", "registered", "public_key", lambda t: "ed25519:not-a-key"),
):
    db_case(f"key rule: {_what}, forged")(db_key_data(_name, _key, _new_value))


@db_case("key rule: revocation written by an officer, forged")
def _db_revoke_officer(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("revoked"), actor=OFFICER)
    db_forge(con, t, {t.hash("revoked"): t.signer[OFFICER]})


@db_case("key rule: rotation written by the admin, forged")
def _db_rotate_admin(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("rotated"), actor=ADMIN)
    db_forge(con, t, {t.hash("rotated"): t.signer[ADMIN]})


@db_case("signature removed")
def _db_sig_removed(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("completed"), signature=None)


@db_case("signature removed from a refusal")
def _db_sig_refusal(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_zhao"), signature=None)


@db_case("signature removed from the first key")
def _db_sig_first(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("added_1"), signature=None)


@db_case("signatures swapped between two events")
def _db_sig_swapped(con: sqlite3.Connection, t: Trail) -> None:
    a, b = t.loc("created"), t.loc("recorded")
    sa, sb = stored(con, a, "signature"), stored(con, b, "signature")
    update(con, a, signature=sb)
    update(con, b, signature=sa)


@db_case("signature made by another user's key")
def _db_sig_other(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), signature=t.signer[EXECUTIVE].sign(t.hash("recorded")))


@db_case("signature made with the revoked key")
def _db_sig_revoked(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_qian"), signature=t.signer["qian_old"].sign(t.hash("refused_qian")))


@db_case("two events of decision 1 swapped, forged")
def _db_swapped(con: sqlite3.Connection, t: Trail) -> None:
    a, b = t.loc("recorded"), t.loc("refused_zhao")
    ra, rb = row_at(con, a), row_at(con, b)
    for column in ("at", "action", "stage", "step", "data", "signature"):
        update(con, a, **{column: rb[column]})
        update(con, b, **{column: ra[column]})
    db_forge(con, t, {t.hash("recorded"): t.signer["zhao_old"], t.hash("refused_zhao"): t.signer["zhao_old"]})


@db_case("two events swapped by their decision numbers, forged")
def _db_swapped_dseq(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con)
    a, b = t.loc("recorded"), t.loc("refused_zhao")
    ra, rb = row_at(con, a), row_at(con, b)
    update(con, a, decision_seq=rb["decision_seq"])
    update(con, b, decision_seq=ra["decision_seq"])
    db_forge(con, t, relink=True)


@db_case("event duplicated at the end of its chain, forged")
def _db_duplicated(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con)
    r = row_at(con, t.loc("completed"))
    last = max(x["seq"] for x in rows(con) if x["chain"] == r["chain"])
    con.execute(
        f"INSERT INTO audit_events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        tuple({**r, "seq": last + 1}[k] for k in COLUMNS),
    )
    db_forge(con, t, relink=True)


@db_case("seq of the last event jumps ahead")
def _db_seq_gap(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("advanced"), seq=t.seq["advanced"] + 100)


@db_case("seq 0 before the first event")
def _db_seq_zero(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("added_1"), seq=0)


@db_case("seq 0 before the first event of an organ's chain")
def _db_seq_zero_organ(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("d3_created"), seq=0)


@db_case("event moved to decision 2 with decision 2's numbers, forged")
def _db_moved(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("advanced"), decision_id=2, decision_seq=3)
    db_forge(con, t, relink=True)


@db_case("stage stored as the integer 7, forged")
def _db_stage_int(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), stage=7)
    db_forge(con, t)


@db_case("unsigned refusal signed by its actor")
def _db_sig_added(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_unsigned"), signature=t.signer[AUDITOR].sign(t.hash("refused_unsigned")))


@db_case("not a database", expect=Finding(False, None, "trail missing"))
def _db_garbage(con: sqlite3.Connection, t: Trail) -> None:
    con.execute("DROP TABLE audit_events")


# ---- chains per organ: the registry position, the chains, the versions


@db_case("registry position ahead of the registry chain, forged", expect=Finding(False, 9, "registry ahead", MAIN))
def _db_ahead(con: sqlite3.Connection, t: Trail) -> None:
    size = max(r["seq"] for r in rows(con) if r["chain"] == REGISTRY)
    update(con, t.loc("advanced"), registry_position=size + 1)
    db_forge(con, t)


@db_case("registry position went back, forged", expect=Finding(False, 7, "registry went back", MAIN))
def _db_went_back(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_qian"), registry_position=t.ev("completed")["registry"] - 1)
    db_forge(con, t)


@db_case(
    "registry chain cut after the revocation: main's later events ahead of it",
    expect=Finding(False, 7, "registry ahead", MAIN),
)
def _db_registry_cut(con: sqlite3.Connection, t: Trail) -> None:
    """The registry chain's events after the revocation deleted (the new key, the second organ and its
    grants): the reviewer's refusal was written at a position the registry chain no longer reaches."""
    delete(con, *((REGISTRY, seq) for seq in range(t.seq["registered"], t.seq["granted_4"] + 1)))
    for name in ("d3_created", "d3_recorded"):
        delete(con, t.loc(name))


@db_case("event moved into another organ's chain, forged", expect=Finding(False, 1, "decision in two chains", TOWNSHIP))
def _db_other_chain(con: sqlite3.Connection, t: Trail) -> None:
    """Decision 1's last event written in the chain of `shahe` (whose decision comes after it there)."""
    rewrite(con, t, moved(t, "advanced", chain=TOWNSHIP))


@db_case(
    "event moved to the end of another organ's chain, forged",
    expect=Finding(False, 3, "decision in two chains", TOWNSHIP),
)
def _db_other_chain_end(con: sqlite3.Connection, t: Trail) -> None:
    r = row_at(con, t.loc("advanced"))
    head = row_at(con, t.loc("d3_recorded"))
    position = head["registry_position"]  # no less than the position of the event before it there
    update_row(con, r["rowid"], chain=TOWNSHIP, seq=head["seq"] + 1, prev_hash=head["hash"], registry_position=position)
    db_forge(con, t)


@db_case(
    "a decision's first event moved into the registry chain as version 2, forged",
    expect=Finding(False, 6, "decision in two chains", REGISTRY),
)
def _db_in_registry(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "created", chain=REGISTRY))


@db_case(
    "a decision's last event moved to the end of the registry chain as version 2, forged",
    expect=Finding(False, 15, "event missing", REGISTRY),
)
def _db_in_registry_last(con: sqlite3.Connection, t: Trail) -> None:
    """The registry chain is walked first: there the decision's event 7 comes before its events 1 to 6
    (section 4, step 5: the database verifier does not look ahead)."""
    r = row_at(con, t.loc("advanced"))
    head = row_at(con, t.loc("granted_4"))
    update_row(con, r["rowid"], chain=REGISTRY, seq=head["seq"] + 1, prev_hash=head["hash"], registry_position=None)
    db_forge(con, t)


@db_case(
    "version 1 event after version 2 events in the registry chain, forged",
    expect=Finding(False, 9, "format out of place", REGISTRY),
)
def _db_v1_after_v2(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "registered", format=1))


@db_case("version 1 event in an organ's chain, forged", expect=Finding(False, 9, "format out of place", MAIN))
def _db_v1_in_main(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "advanced", format=1))


@db_case("format 1 on an organ chain's event, hash kept", expect=Finding(False, 2, "format out of place", MAIN))
def _db_format_1(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), format=1)


@db_case(
    "format 1 on the registry chain's first event, hash kept",
    expect=Finding(False, 1, "content edited", REGISTRY),
)
def _db_format_1_first(con: sqlite3.Connection, t: Trail) -> None:
    """A version 1 event may begin the registry chain: it is in its place, but does not hash as one."""
    update(con, t.loc("added_1"), format=1)


@db_case("format 3, hash kept", expect=Finding(False, 2, "content edited", MAIN))
def _db_format_3(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), format=3)


@db_case("format 3, forged", expect=Finding(False, 2, "content edited", MAIN))
def _db_format_3_forged(con: sqlite3.Connection, t: Trail) -> None:
    """Section 2: a row whose format is neither 1 nor 2 has no domain and never hashes right, whatever
    hash a forger stores (here version 2's, and every later hash relinked)."""
    update(con, t.loc("recorded"), format=3)
    db_forge(con, t)


@db_case("format NULL, forged", expect=Finding(False, 2, "content edited", MAIN))
def _db_format_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.loc("recorded"), format=None)
    db_forge(con, t)


@db_case(
    "format 3 on the registry chain's first event, hash kept", expect=Finding(False, 1, "content edited", REGISTRY)
)
def _db_format_3_first(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("added_1"), format=3)


@db_case(
    "format 3 after version 2 events in the registry chain, hash kept",
    expect=Finding(False, 2, "content edited", REGISTRY),
)
def _db_format_3_registry(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("added_2"), format=3)


@db_case(
    "format 3 among version 1 events, hash kept", legacy=True, expect=Finding(False, 7, "content edited", REGISTRY)
)
def _legacy_format_3(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), format=3)


@db_case(
    "key event moved into an organ's chain, forged",
    expect=Finding(False, 7, "key event outside the registry", MAIN),
)
def _db_key_in_main(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "roles", chain=MAIN))


@db_case(
    "key event moved into the last organ's chain, forged",
    expect=Finding(False, 1, "key event outside the registry", TOWNSHIP),
)
def _db_key_in_township(con: sqlite3.Connection, t: Trail) -> None:
    """The roles change written in `shahe`'s chain, the last walked: named there."""
    rewrite(con, t, moved(t, "roles", chain=TOWNSHIP))


@db_case(
    "revoked key used at a later registry position: no key held there, forged",
    expect=Finding(False, 7, "signature without a key", MAIN),
)
def _db_revoked_later(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_qian"), registry_position=t.seq["revoked"])
    db_forge(con, t, {t.hash("refused_qian"): t.signer["qian_old"]})


@db_case(
    "revoked key used at a position before the revocation, forged: a backdating the document allows",
    expect=OK,
)
def _db_revoked_backdated(con: sqlite3.Connection, t: Trail) -> None:
    """Section 4a: "A key revoked at registry event r still verifies events of position below r"."""
    update(con, t.loc("refused_qian"), registry_position=t.seq["revoked"] - 1)
    db_forge(con, t, {t.hash("refused_qian"): t.signer["qian_old"]})


@db_case("chain NULL, hash kept")
def _db_chain_null(con: sqlite3.Connection, t: Trail) -> None:
    without_unique(con, not_null="")
    update(con, t.loc("advanced"), chain=None)


@db_case("chain NULL, forged", expect=Finding(False, 1, "wrong type", None))
def _db_chain_null_forged(con: sqlite3.Connection, t: Trail) -> None:
    """Rows of no chain are walked last, as one more chain (section 4): there the event is numbered 1 and
    positioned as written, and its `chain` is no string."""
    without_unique(con, not_null="")
    rewrite(con, t, moved(t, "advanced", chain=None))


@db_case("main's chain renamed throughout, forged: no rule ties a chain to an organ", expect=OK)
def _db_renamed(con: sqlite3.Connection, t: Trail) -> None:
    """Section 4 walks "every chain a row names, whether or not an organ of that code exists"."""
    rewrite(con, t, lambda written: [r | {"chain": "zhen"} if r["chain"] == MAIN else r for r in written])


@db_case(
    "key event moved into a chain named 'registry ' (a space after), forged",
    expect=Finding(False, 1, "key event outside the registry", "registry "),
)
def _db_registry_space(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "roles", chain="registry "))


# ---- the legacy database: version 1 events first in the registry chain, decision 1 going on in main's


@db_case(
    "a version 1 event after a version 2 event, forged",
    legacy=True,
    expect=Finding(False, 10, "format out of place", REGISTRY),
)
def _legacy_v1_after_v2(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "roles", format=1))


@db_case(
    "the decision's first event in main's chain behind its version 1 events' position, forged",
    legacy=True,
    expect=Finding(False, 1, "registry went back", MAIN),
)
def _legacy_went_back(con: sqlite3.Connection, t: Trail) -> None:
    """Its chain has no event before it; its decision's last event (a version 1 event, registry 7) has
    position 6 (section 4a: seq - 1)."""
    update(con, t.loc("refused_zhao"), registry_position=t.seq["recorded"] - 2)
    db_forge(con, t)


@db_case(
    "the decision continued in the registry chain as version 2, forged",
    legacy=True,
    expect=Finding(False, 9, "decision in two chains", REGISTRY),
)
def _legacy_in_registry(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "refused_zhao", chain=REGISTRY))


@db_case(
    "a version 1 event of the decision in main's chain, forged",
    legacy=True,
    expect=Finding(False, 1, "format out of place", MAIN),
)
def _legacy_v1_in_main(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, moved(t, "recorded", chain=MAIN))


@db_case(
    "a version 1 event given a registry position, hash kept",
    legacy=True,
    expect=Finding(False, 7, "format out of place", REGISTRY),
)
def _legacy_v1_position(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), registry_position=6)


@db_case(
    "a version 1 event stored as format 2, hash kept",
    legacy=True,
    expect=Finding(False, 6, "content edited", REGISTRY),
)
def _legacy_v1_as_2(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("created"), format=2)


@db_case(
    "a version 2 event stored as format 1, hash kept",
    legacy=True,
    expect=Finding(False, 9, "content edited", REGISTRY),
)
def _legacy_v2_as_1(con: sqlite3.Connection, t: Trail) -> None:
    """The registry chain's first version 2 event claiming version 1: in its place, but not hashing."""
    update(con, t.loc("rotated"), format=1)


@db_case(
    "a version 1 event of the decision deleted, renumbered and forged",
    legacy=True,
    expect=Finding(False, 1, "event missing", MAIN),
)
def _legacy_v1_deleted(con: sqlite3.Connection, t: Trail) -> None:
    rewrite(con, t, lambda written: [r for i, r in enumerate(written) if i != t.names["recorded"]])


@db_case("a version 1 event edited, hash kept", legacy=True, expect=Finding(False, 7, "content edited", REGISTRY))
def _legacy_v1_edited(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), at="2025-01-02T03:04:05.000000Z")


@db_case(
    "a version 1 event edited, forged: the decision's next event links to it across chains",
    legacy=True,
    expect=OK,
)
def _legacy_v1_forged(con: sqlite3.Connection, t: Trail) -> None:
    """Every later hash relinked and re-signed by a forger holding every key: consistent (checkpoints are
    what find it)."""
    update(con, t.loc("recorded"), at="2025-01-02T03:04:05.000000Z")
    db_forge(con, t)


@db_case(
    "a version 1 event edited, its hash and signature recomputed",
    legacy=True,
    expect=Finding(False, 8, "link broken", REGISTRY),
)
def _legacy_v1_own_hash(con: sqlite3.Connection, t: Trail) -> None:
    at = t.loc("recorded")
    update(con, at, at="2025-01-02T03:04:05.000000Z")
    r = row_at(con, at)
    digest = row_hash(r)
    update(con, at, hash=digest, signature=t.resign(r["signature"], r["hash"], digest))


@db_case(
    "the decision's first event in main's chain linked to another event, forged",
    legacy=True,
    expect=Finding(False, 1, "link broken", MAIN),
)
def _legacy_dprev(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_zhao"), decision_prev=t.hash("created"))
    db_forge(con, t)


@db_case("signature made with the revoked key", legacy=True, expect=Finding(False, 4, "signature invalid", MAIN))
def _legacy_sig_revoked(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("refused_qian"), signature=t.signer["qian_old"].sign(t.hash("refused_qian")))


@db_case("a version 1 event's signature removed", legacy=True, expect=Finding(False, 7, "signature missing", REGISTRY))
def _legacy_v1_unsigned(con: sqlite3.Connection, t: Trail) -> None:
    update(con, t.loc("recorded"), signature=None)


@pytest.mark.parametrize("name", params((name, (name,)) for name in DB_CASES))
def test_database_case(trail: Trail, name: str, tmp_path: Path) -> None:
    """Both verifiers give the same finding, and name the same chain, for the altered database."""
    case = DB_CASES[name]
    t = dataclasses.replace(trail, version=case.base)
    path = tmp_path / f"{slug(name)}.db"
    shutil.copy(t.legacy_db if case.base == LEGACY else t.db, path)
    unguarded(path, lambda con: case.build(con, t))
    agree(verify_sqlite(str(path)), theirs_db(path), case.expect)
