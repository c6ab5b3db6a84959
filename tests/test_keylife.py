"""A key's life and the types of hashed content, as the verifiers check them (docs/audit-format.md
sections 2 "Types" and 4a "A key's life"), in the database and in an export file, and as the
command line refuses them before they are written.

Each forgery is what an insider holding the database and the right private key could write:
well-formed, hashed by the documented formula and properly signed, so only the rule under test
can catch it.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from decision_flow.engine import Engine, queries, users, verification
from decision_flow.identity import keys
from decision_flow.trail import audit, canonical, chainwalk, filecheck
from tests.flow import ADMIN, OFFICER, REVIEWER, new_decision

REGISTRY = "registry"  # the chain every key event belongs in (docs/audit-format.md, section 3)


def append(
    engine: Engine, actor: str, action: str, data: dict[str, Any], signer: Any = None, chain: str = REGISTRY
) -> int:
    """Append a well-formed event to `chain` signed with `signer` (default: the actor's own key);
    its seq there."""
    sign = (signer or engine.keys.signer(actor)).sign
    with engine.db.session() as s:
        seq, _ = audit.append(s, at=engine.stamp(), actor=actor, action=action, data=data, sign=sign, chain=chain)
        s.commit()
    return seq


@pytest.fixture
def decision(engine: Engine) -> int:
    """A decision made before each forgery: its export, taken after, carries every key event."""
    return new_decision(engine, title="伪造之前")


def both_verdicts(engine: Engine, decision: int, tmp_path: Path) -> tuple[chainwalk.Verdict, chainwalk.Verdict]:
    """The database's verdict and that of an export of the decision (its key lines carry every
    key event up to the export, the forged one included)."""
    out = tmp_path / "after.json"
    queries.export_trail(engine, decision, out)
    return verification.verify(engine, full=True), filecheck.verify_file(out)


def assert_named(verdicts: tuple[chainwalk.Verdict, chainwalk.Verdict], seq: int, reason: str) -> None:
    """Both verdicts name the key event at `seq` of the registry chain (the database's names its chain)."""
    for verdict in verdicts:
        assert (verdict.ok, verdict.first_bad_seq, verdict.reason) == (False, seq, reason)
    assert verdicts[0].chain == REGISTRY


# ---------------------------------------------------------------------------- a key's life


def test_a_rotation_from_a_key_not_held_is_found(engine: Engine, decision: int, tmp_path: Path) -> None:
    """The officer signs, with the key he holds, a rotation naming another 'previous' key."""
    other = keys.generate("other")
    new = keys.generate(OFFICER)
    seq = append(engine, OFFICER, "key_rotated", {"name": OFFICER, "public_key": new.public, "previous": other.public})
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        "key rotated from a key not held: 'zhao' did not hold the key named as previous",
    )


def test_a_revoked_key_registered_again_is_found(engine: Engine, decision: int, tmp_path: Path) -> None:
    revoked = engine.keys.signer(OFFICER).public
    users.revoke(engine, OFFICER, "笔记本电脑遗失", ADMIN)
    seq = append(engine, ADMIN, "key_registered", {"name": OFFICER, "public_key": revoked})
    fingerprint = keys.fingerprint(revoked)
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        f"retired key registered again: 'zhao''s key {fingerprint} was revoked or rotated away before",
    )


def test_a_key_rotated_away_registered_again_is_found(engine: Engine, decision: int, tmp_path: Path) -> None:
    old = engine.keys.signer(OFFICER).public
    users.rotate(engine, OFFICER)
    users.revoke(engine, OFFICER, "离职", ADMIN)
    seq = append(engine, ADMIN, "key_registered", {"name": OFFICER, "public_key": old})
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        f"retired key registered again: 'zhao''s key {keys.fingerprint(old)} was revoked or rotated away before",
    )


def test_a_key_registered_over_a_held_key_is_found(engine: Engine, decision: int, tmp_path: Path) -> None:
    seq = append(engine, ADMIN, "key_registered", {"name": OFFICER, "public_key": keys.generate(OFFICER).public})
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        "key registered over a held key: 'zhao' already holds a key (revoke it first)",
    )


def test_another_users_key_registered_is_found(engine: Engine, decision: int, tmp_path: Path) -> None:
    """The reviewer's key given to a new account: their acts would become indistinguishable."""
    theirs = engine.keys.signer(REVIEWER).public
    seq = append(engine, ADMIN, "user_added", {"name": "mallory", "roles": ["officer"], "public_key": theirs})
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        f"key of another user registered: 'mallory''s key {keys.fingerprint(theirs)} is held by 'qian'",
    )


def test_a_revocation_of_a_key_not_held_is_found(engine: Engine, decision: int, tmp_path: Path) -> None:
    seq = append(
        engine, ADMIN, "key_revoked", {"name": OFFICER, "public_key": keys.generate("x").public, "reason": "?"}
    )
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        "key revoked that is not held: 'zhao' did not hold the key named",
    )


def test_a_key_in_another_spelling_is_not_a_key(engine: Engine, decision: int, tmp_path: Path) -> None:
    """The same 32 bytes with other padding bits would dodge 'never registered again'."""
    public = keys.generate("mallory").public
    last = public[-2]
    import base64

    alphabet = "ACEGIKMOQSUWYacegikmoqsuwy02468+"  # characters whose low bits differ from one another
    twin = next(
        public[:-2] + c + "="
        for c in alphabet
        if c != last and base64.b64decode(public[8:-2] + c + "=") == base64.b64decode(public[8:])
    )
    seq = append(engine, ADMIN, "user_added", {"name": "mallory", "roles": ["officer"], "public_key": twin})
    assert_named(
        both_verdicts(engine, decision, tmp_path),
        seq,
        "key event unreadable: 'mallory''s public key is not an Ed25519 key",
    )


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("key_revoked", lambda e: {"name": REVIEWER, "public_key": e.keys.signer(REVIEWER).public, "reason": "?"}),
        ("user_added", lambda e: {"name": "mallory", "roles": ["admin"], "public_key": keys.generate("m").public}),
    ],
)
def test_a_key_event_in_an_organs_chain_is_found(engine: Engine, decision: int, action: str, data: Any) -> None:
    """Which key each actor holds is followed in the registry chain alone: a key event written,
    hashed and signed by the admin in an organ's chain (where it would change no one's key, or
    could be hidden from an export of another organ) is *key event outside the registry*."""
    seq = append(engine, ADMIN, action, data(engine), chain="main")
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, "main", seq)
    assert verdict.reason == f"key event outside the registry: {action} in an organ's chain"


# ---------------------------------------------------------------------------- wrong types in the database


def forge_row(engine: Engine, chain: str = REGISTRY, **columns: Any) -> int:
    """Insert the next event of `chain` with these stored columns (the rest those of an ordinary
    event of no decision, of version 2, with the registry position an event of `chain` has),
    hashed over what is stored by the documented formula and signed by the admin's key: only a
    type check can refuse it. Returns its seq."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path, isolation_level=None)) as con:
        con.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        seq, prev = con.execute(
            "SELECT seq, hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1", (chain,)
        ).fetchone() or (0, canonical.GENESIS)
        (size,) = con.execute("SELECT count(*) FROM audit_events WHERE chain = ?", (REGISTRY,)).fetchone()
        row: dict[str, Any] = {
            "chain": chain,
            "registry_position": None if chain == REGISTRY else size,
            "format": 2,
            "seq": seq + 1,
            "at": "2024-12-31T02:00:00.000000Z",
            "actor": ADMIN,
            "action": "user_deactivated",
            "decision_id": None,
            "decision_seq": None,
            "decision_prev": None,
            "stage": None,
            "step": None,
            "data": '{"name":"nobody","roles":["officer"]}',
            "prev_hash": prev,
            **columns,
        }
        content = canonical.stored_content(
            *(row[k] for k in _STORED), row["prev_hash"], row["chain"], row["registry_position"]
        )
        row["hash"] = canonical.hash_content(content)
        row["signature"] = engine.keys.signer(ADMIN).sign(row["hash"])
        con.execute(
            f"INSERT INTO audit_events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )
    return int(row["seq"])


_STORED = ("seq", "at", "actor", "action", "decision_id", "decision_seq", "decision_prev", "stage", "step", "data")


@pytest.mark.parametrize(
    ("columns", "reason"),
    [
        ({"data": "[]"}, "wrong type: data must be the canonical JSON text of an object"),
        ({"data": '"text"'}, "wrong type: data must be the canonical JSON text of an object"),
        (
            {"data": '{"roles":["officer"], "name":"x"}'},
            "wrong type: data must be the canonical JSON text of an object",
        ),
        ({"data": '{"a":1.5}'}, "wrong type: data must be the canonical JSON text of an object"),
        ({"data": '{"a":"\\u6c99"}'}, "wrong type: data must be the canonical JSON text of an object"),
        (
            {"decision_seq": 1},
            "wrong type: decision_seq must be an integer of at least 1 when decision is one,"
            " null when decision is null",
        ),
        (
            {"decision_prev": "0" * 64},
            "wrong type: decision_prev must be a hash (64 lowercase hexadecimal digits) or null when decision is an"
            " integer, null when decision is null",
        ),
    ],
)
def test_a_wrong_type_in_the_database_is_found_though_hashed_and_signed(
    engine: Engine, columns: dict[str, Any], reason: str
) -> None:
    seq = forge_row(engine, **columns)
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq, verdict.reason) == (False, REGISTRY, seq, reason)


REGISTRY_TYPE = "wrong type: registry must be null in the registry chain, an integer of at least 0 in an organ's"
CHAIN_TYPE = "wrong type: chain must be a string of 1 to 40 characters"


@pytest.mark.parametrize(
    ("chain", "columns", "reason"),
    [
        (REGISTRY, {"registry_position": 0}, REGISTRY_TYPE),  # a registry event has no registry position
        ("main", {"registry_position": None}, REGISTRY_TYPE),  # an organ's event has one
        ("main", {"registry_position": -1}, REGISTRY_TYPE),
        ("x" * 41, {}, CHAIN_TYPE),
    ],
)
def test_a_wrong_chain_or_registry_position_is_found_though_hashed_and_signed(
    engine: Engine, decision: int, chain: str, columns: dict[str, Any], reason: str
) -> None:
    """The two keys of version 2 have their types (docs/audit-format.md, section 2, "Types")."""
    seq = forge_row(engine, chain, **columns)
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq, verdict.reason) == (False, chain, seq, reason)


def test_a_prev_hash_that_is_no_hash_is_a_wrong_type(engine: Engine) -> None:
    """Upper-case hex is the same number but not the documented form: refused, not smoothed."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        (prev,) = con.execute(
            "SELECT hash FROM audit_events WHERE chain = ? ORDER BY seq DESC LIMIT 1", (REGISTRY,)
        ).fetchone()
    seq = forge_row(engine, prev_hash=prev.upper())
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.first_bad_seq) == (False, seq)
    assert verdict.reason == "wrong type: prev_hash must be a hash (64 lowercase hexadecimal digits)"


def test_the_engines_own_events_are_of_their_types(engine: Engine) -> None:
    new_decision(engine)
    assert verification.verify(engine, full=True).ok


# ---------------------------------------------------------------------------- refused before written


def run(tmp_path: Path, *args: str) -> Any:
    from cli import app

    return CliRunner().invoke(app, [*args, "--db", f"sqlite:///{tmp_path / 'dflow.db'}"])


def actions(engine: Engine) -> list[tuple[str, str]]:
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        return con.execute("SELECT action, data FROM audit_events ORDER BY rowid").fetchall()  # as written


def test_the_command_line_refuses_a_revoked_key_registered_again(engine: Engine, decision: int, tmp_path: Path) -> None:
    revoked = engine.keys.signer(OFFICER).public
    users.revoke(engine, OFFICER, "笔记本电脑遗失", ADMIN)
    issued = run(tmp_path, "key", "issue", OFFICER, "--public-key", revoked, "--as", ADMIN)
    added = run(tmp_path, "user", "add", "zhao2", "--role", "officer", "--public-key", revoked, "--as", ADMIN)
    for result in (issued, added):
        assert result.exit_code == 3, result.output
        assert "revoked or rotated away" in result.output
    refused = [json.loads(data) for action, data in actions(engine)[-2:]]
    assert [r["reasons"][0]["rule"] for r in refused] == ["key_retired", "key_retired"]
    assert verification.verify(engine, full=True).ok


def test_the_command_line_refuses_a_rotation_by_someone_not_holding_the_key(
    engine: Engine, tmp_path: Path, key_dir: Path
) -> None:
    """A rotation is signed with the key held: a key file that is not the registered one (the
    only way to name another 'previous') is impersonation, refused and recorded unsigned."""
    registered = engine.keys.signer(OFFICER).public
    path = key_dir / f"{OFFICER}.key"
    path.write_bytes(keys.pem_of(keys.generate(OFFICER), None))
    result = run(tmp_path, "key", "rotate", "--as", OFFICER)
    assert result.exit_code == 5, result.output
    action, data = actions(engine)[-1]
    assert action == "refused" and json.loads(data)["attempted"] == "key_rotate"
    with engine.db.session() as s:
        from decision_flow.store.models import User

        held = s.get(User, OFFICER)
        assert held is not None and held.public_key == registered  # nothing rotated
    assert verification.verify(engine, full=True).ok
