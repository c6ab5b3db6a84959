"""Signed acts: every event carries its actor's Ed25519 signature over its hash; acting without
the actor's own private key is refused (exit 5); keys are rotated, revoked and issued as
audited events; `audit verify` checks each signature against the key valid at that point.

Keys live in each test's own DFLOW_KEYS directory (conftest); the database is a real SQLite file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from decision_flow.core.errors import Blocked, Forbidden, InvalidInput
from decision_flow.engine import Engine, users, verification
from decision_flow.identity import keys
from decision_flow.identity.keys import KeyRing
from tests.flow import ADMIN, AUDITOR, OFFICER, REVIEWER, new_decision, record_valid

# ---------------------------------------------------------------------------- helpers


REGISTRY, MAIN = "registry", "main"  # the registry chain; the chain of the organ the tests' decisions are in


def stored(engine: Engine) -> list[dict[str, Any]]:
    """Every audit event, of every chain, in the order written (SQLite's rowid)."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        cursor = con.execute("SELECT * FROM audit_events ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def walk_order(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events in the order verification walks them: the registry chain, then each organ's chain
    in the order of its name, each in seq order."""
    return sorted(events, key=lambda e: (e["chain"] != REGISTRY, e["chain"].encode(), e["seq"]))


def documented_hash(row: dict[str, Any]) -> str:
    """The hash of a stored event by docs/audit-format.md, section 2, written out here: the
    content of its row's version (format 2 adds `chain` and `registry`) after that version's
    domain prefix."""
    content = {
        "seq": row["seq"],
        "at": row["at"],
        "actor": row["actor"],
        "action": row["action"],
        "decision": row["decision_id"],
        "decision_seq": row["decision_seq"],
        "decision_prev": row["decision_prev"],
        "stage": row["stage"],
        "step": row["step"],
        "data": json.loads(row["data"]),
        "prev_hash": row["prev_hash"],
    }
    if row["format"] == 2:
        content |= {"chain": row["chain"], "registry": row["registry_position"]}
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(f"decision-flow/audit/v{row['format']}\n".encode() + body).hexdigest()


def rewrite(con: sqlite3.Connection, chain: str, seq: int, ring: KeyRing | None = None, **changes: Any) -> None:
    """A consistent rewrite of history: set `changes` on event `seq` of `chain`, then recompute by
    the documented formula its hash and that of every later event of the chain, with every link
    to them (prev_hash, decision_prev); with `ring`, as a forger holding the actors' key files,
    sign each of them again with its actor's key from it."""
    renamed: dict[str, str] = {}
    cursor = con.execute("SELECT * FROM audit_events WHERE chain = ? AND seq >= ? ORDER BY seq", (chain, seq))
    names = [d[0] for d in cursor.description]
    for row in [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]:
        at = row["seq"]
        edited = changes if at == seq else {}
        row |= edited
        row["prev_hash"] = renamed.get(row["prev_hash"], row["prev_hash"])
        row["decision_prev"] = renamed.get(row["decision_prev"], row["decision_prev"])
        new = documented_hash(row)
        signature = row["signature"]
        if ring is not None and signature is not None:
            signature = ring.signer(row["actor"]).sign(new)
        columns = {**edited, "prev_hash": row["prev_hash"], "decision_prev": row["decision_prev"]}
        columns |= {"hash": new, "signature": signature}
        con.execute(
            f"UPDATE audit_events SET {', '.join(f'{c} = ?' for c in columns)} WHERE chain = ? AND seq = ?",
            (*columns.values(), chain, at),
        )
        renamed[row["hash"]] = new


def tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the audit trail, as stored."""
    assert engine.db.path is not None
    with closing(sqlite3.connect(engine.db.path)) as con:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("users", "decisions", "step_records", "evidence", "meta")
        }


def attacker(engine: Engine) -> sqlite3.Connection:
    """Someone with the database file who drops the append-only guards."""
    assert engine.db.path is not None
    con = sqlite3.connect(engine.db.path, isolation_level=None)
    con.execute("DROP TRIGGER audit_events_no_update")
    con.execute("DROP TRIGGER audit_events_no_delete")
    return con


def signature_valid(public: str, event_hash: str, signature: str) -> bool:
    """The documented check, written out with `cryptography` alone: Ed25519 over
    b"decision-flow/sign/v1\\n" + the hash's 64 hex digits."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = base64.b64decode(public.removeprefix("ed25519:"))
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(signature), b"decision-flow/sign/v1\n" + event_hash.encode()
        )
    except InvalidSignature:
        return False
    return True


def refused_as(engine: Engine, error: type[Exception], rule: str, call: Any) -> dict[str, Any]:
    """Run `call`, expect `error`; nothing but one refused event written; return that event."""
    before, events = tables(engine), stored(engine)
    with pytest.raises(error) as caught:
        call()
    assert caught.value.reasons[0].rule == rule  # type: ignore[attr-defined]
    assert caught.value.reasons[0].article == "Arts. 33, 38"  # type: ignore[attr-defined]
    assert tables(engine) == before
    after = stored(engine)
    assert after[:-1] == events and len(after) == len(events) + 1
    assert after[-1]["action"] == "refused"
    return after[-1]


# ---------------------------------------------------------------------------- key files


def test_each_user_gets_a_private_key_file_only_they_can_read(engine: Engine, key_dir: Path) -> None:
    assert key_dir.stat().st_mode & 0o777 == 0o700
    for name in (ADMIN, OFFICER, REVIEWER, AUDITOR):
        path = key_dir / f"{name}.key"
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert not [p for p in key_dir.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_every_event_is_signed_by_its_actor_over_its_hash(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    with pytest.raises(Blocked):
        engine.advance(i, OFFICER, to="legality_review")  # a refusal by a proven officer: signed too
    registered = {name: engine.keys.signer(name).public for name in (ADMIN, OFFICER)}
    events = stored(engine)
    assert {e["action"] for e in events} >= {"user_added", "created", "recorded", "refused"}
    for event in events:
        where = (event["chain"], event["seq"])
        assert signature_valid(registered[event["actor"]], event["hash"], event["signature"]), where
        other = registered[OFFICER if event["actor"] == ADMIN else ADMIN]
        assert not signature_valid(other, event["hash"], event["signature"])
    verdict = verification.verify(engine)
    assert verdict.ok and verdict.signed == len(events)


def test_acting_without_the_key_file_is_refused_and_kept_unsigned(engine: Engine, key_dir: Path) -> None:
    i = new_decision(engine)
    (key_dir / f"{OFFICER}.key").rename(key_dir.parent / "elsewhere.key")
    fresh = Engine(engine.db, now=engine.now, today=engine.today)  # a new terminal: nothing cached
    unit = ["undertaking_unit=沙河乡经济发展办公室"]
    event = refused_as(fresh, Forbidden, "signature", lambda: fresh.record(i, "initiation", unit, [], OFFICER))
    assert event["signature"] is None and event["actor"] == OFFICER
    assert json.loads(event["data"])["message"] == (
        f"no key file for zhao at {key_dir / 'zhao.key'}: acting as zhao needs zhao's own private key"
    )
    assert verification.verify(engine).ok  # an unproven refusal is the one event kept unsigned


def test_someone_elses_key_is_refused(engine: Engine, key_dir: Path) -> None:
    """Another user's key file put in place of zhao's: the key works, it just is not zhao's."""
    new_decision(engine)
    shutil.copy(key_dir / f"{REVIEWER}.key", key_dir / f"{OFFICER}.key")
    fresh = Engine(engine.db, now=engine.now, today=engine.today)  # a new terminal: nothing cached
    event = refused_as(fresh, Forbidden, "signature", lambda: fresh.new("冒名", "major-decision", [], OFFICER))
    assert json.loads(event["data"])["message"] == (
        "the key in the key file is not zhao's registered key: acting as zhao is refused"
    )
    assert event["signature"] is None


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666])
def test_a_key_file_others_can_read_is_refused(engine: Engine, key_dir: Path, mode: int) -> None:
    path = key_dir / f"{OFFICER}.key"
    path.chmod(mode)
    fresh = Engine(engine.db, now=engine.now, today=engine.today)
    with pytest.raises(Forbidden) as caught:
        fresh.new("泄露的密钥", "major-decision", [], OFFICER)
    assert str(caught.value) == f"the key file {path} can be read by others (mode {mode:04o}); run chmod 600 {path}"
    path.chmod(0o600)
    assert fresh.new("本人", "major-decision", [], OFFICER).id is not None


def test_a_damaged_key_file_is_refused(engine: Engine, key_dir: Path) -> None:
    path = key_dir / f"{OFFICER}.key"
    path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    fresh = Engine(engine.db, now=engine.now, today=engine.today)
    with pytest.raises(Forbidden, match="cannot be read as a private key"):
        fresh.new("x", "major-decision", [], OFFICER)


@pytest.mark.parametrize("maker", ["dflow", "openssl"])
def test_a_plain_key_file_is_read_as_the_standard_reader_reads_it(tmp_path: Path, maker: str) -> None:
    """The fast reader of an unencrypted key file gives the very key cryptography's PEM reader
    gives, for a file of our own and one OpenSSL wrote; a key of another kind is not taken."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "k.key"
    if maker == "openssl":
        if not shutil.which("openssl"):
            pytest.skip("no openssl on this machine")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(path)], check=True)
    else:
        path.write_bytes(keys.pem_of(keys.generate("zhao"), None))
    path.chmod(0o600)
    standard = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert keys._plain_ed25519(path.read_bytes()) is not None
    assert keys.load("zhao", path=path).public == keys._signer("zhao", standard).public
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert keys._plain_ed25519(other) is None
    path.write_bytes(other)
    with pytest.raises(Forbidden, match="cannot be read as a private key"):
        keys.load("zhao", path=path)


# ---------------------------------------------------------------------------- passphrases


@pytest.fixture
def locked(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """wang, an officer whose key file is protected by a passphrase."""
    monkeypatch.setenv("DFLOW_NEW_PASSPHRASE", "沙河-correct horse")
    users.add(engine, "wang", ["officer"], ADMIN, passphrase=b"\xe6\xb2\x99\xe6\xb2\xb3-correct horse")
    monkeypatch.delenv("DFLOW_NEW_PASSPHRASE")
    return engine


def test_a_passphrase_protected_key_needs_its_passphrase(
    locked: Engine, key_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = key_dir / "wang.key"
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    der = base64.b64decode(b"".join(path.read_bytes().splitlines()[1:-1]))
    assert bytes.fromhex("06092b06010401da47040b") in der  # the key is derived with scrypt (OID 1.3.6.1.4.1.11591.4.11)
    if shutil.which("openssl"):  # a standard file: OpenSSL reads it with the passphrase
        opened = subprocess.run(
            ["openssl", "pkey", "-in", str(path), "-passin", "env:PW", "-noout"],
            env={**os.environ, "PW": "沙河-correct horse"},
            capture_output=True,
        )
        assert opened.returncode == 0, opened.stderr

    def attempt() -> Any:
        return Engine(locked.db, now=locked.now, today=locked.today).new("口令", "major-decision", [], "wang")

    with pytest.raises(Forbidden) as no_passphrase:
        attempt()
    assert str(no_passphrase.value) == (
        f"wang's key file {path} is protected by a passphrase: set DFLOW_PASSPHRASE or run on a terminal"
    )
    monkeypatch.setenv("DFLOW_PASSPHRASE", "wrong horse")
    with pytest.raises(Forbidden) as wrong:
        attempt()
    assert str(wrong.value) == f"wrong passphrase for the key file {path}"
    monkeypatch.setenv("DFLOW_PASSPHRASE", "沙河-correct horse")
    assert attempt().id is not None
    assert verification.verify(locked).ok


# ---------------------------------------------------------------------------- rotation, revocation, issue


def test_rotation_signs_with_the_old_key_and_retires_it(engine: Engine, key_dir: Path) -> None:
    path = key_dir / f"{OFFICER}.key"
    old_file, old = path.read_bytes(), engine.keys.signer(OFFICER).public
    key = users.rotate(engine, OFFICER)
    assert key.public != old and path.stat().st_mode & 0o777 == 0o600
    rotated = stored(engine)[-1]
    assert rotated["action"] == "key_rotated"
    assert json.loads(rotated["data"]) == {"name": OFFICER, "public_key": key.public, "previous": old}
    assert signature_valid(old, rotated["hash"], rotated["signature"])  # the old key authorises the new
    assert new_decision(engine)  # the new key signs from now on
    assert signature_valid(key.public, stored(engine)[-1]["hash"], stored(engine)[-1]["signature"])
    path.write_bytes(old_file)  # the old key, kept somewhere, no longer acts
    fresh = Engine(engine.db, now=engine.now, today=engine.today)
    refused_as(fresh, Forbidden, "signature", lambda: fresh.new("旧密钥", "major-decision", [], OFFICER))
    assert verification.verify(engine).ok


def test_a_revoked_user_cannot_act_until_a_new_key_is_issued(engine: Engine, key_dir: Path) -> None:
    revoked = engine.keys.signer(OFFICER).public
    assert users.revoke(engine, OFFICER, "笔记本电脑遗失", ADMIN) == keys.fingerprint(revoked)
    event = refused_as(engine, Forbidden, "signature", lambda: engine.new("x", "major-decision", [], OFFICER))
    assert json.loads(event["data"])["message"] == (
        "zhao has no registered signing key; an admin issues one with dflow key issue zhao"
    )
    # the revoked key is never registered again, even from the file still on this machine
    with pytest.raises(Blocked) as again:
        users.issue(engine, OFFICER, ADMIN)
    assert again.value.reasons[0].rule == "key_retired"
    (key_dir / f"{OFFICER}.key").unlink()
    issued = users.issue(engine, OFFICER, ADMIN)
    assert issued.written == key_dir / f"{OFFICER}.key"
    engine.keys.forget(OFFICER)
    assert new_decision(engine)
    assert [e["action"] for e in stored(engine)][-5:] == [
        "key_revoked",
        "refused",
        "refused",
        "key_registered",
        "created",
    ]
    assert verification.verify(engine).ok


def test_only_an_admin_revokes_or_issues_keys_and_never_their_own(engine: Engine) -> None:
    refused_as(engine, Forbidden, "role", lambda: users.revoke(engine, REVIEWER, "不信任", OFFICER))
    refused_as(engine, Forbidden, "role", lambda: users.issue(engine, REVIEWER, OFFICER))
    refused_as(engine, Blocked, "not_self", lambda: users.revoke(engine, ADMIN, "测试", ADMIN))
    with pytest.raises(InvalidInput, match="already has a registered key"):
        users.issue(engine, REVIEWER, ADMIN)
    with pytest.raises(InvalidInput, match="needs a reason"):
        users.revoke(engine, REVIEWER, "  ", ADMIN)


def test_a_public_key_made_on_the_users_own_machine(engine: Engine, tmp_path: Path) -> None:
    """zhou makes the pair on her own machine; the admin registers only the public half."""
    own = KeyRing(directory=tmp_path / "zhou-laptop")
    signer = keys.generate("zhou")
    keys.commit_file(keys.write_pending(signer, None, own.path("zhou")), own.path("zhou"))
    users.add(engine, "zhou", ["officer"], ADMIN, public_key=signer.public)
    assert not engine.keys.path("zhou").exists()  # nothing private on the admin's machine
    laptop = Engine(engine.db, now=engine.now, today=engine.today, keys=own)
    assert laptop.new("周的决策", "major-decision", [], "zhou").id is not None
    assert verification.verify(engine).ok


def test_one_key_belongs_to_one_user(engine: Engine) -> None:
    """Registering zhao's public key for a second user would make their acts indistinguishable."""
    zhao = engine.keys.signer(OFFICER).public
    refused_as(engine, Blocked, "key_taken", lambda: users.add(engine, "zhou", ["officer"], ADMIN, public_key=zhao))
    users.revoke(engine, REVIEWER, "换人", ADMIN)
    refused_as(engine, Blocked, "key_taken", lambda: users.issue(engine, REVIEWER, ADMIN, public_key=zhao))


@pytest.mark.parametrize(
    "text",
    ["", "ed25519:", "ed25519:abc", "rsa:" + "A" * 44, "ed25519:" + "!" * 44, "ed25519:" + "A" * 43 + "=" * 2],
)
def test_a_malformed_public_key_is_invalid_input(engine: Engine, text: str) -> None:
    before, events = tables(engine), stored(engine)
    with pytest.raises(InvalidInput, match="not a public key"):
        users.add(engine, "zhou", ["officer"], ADMIN, public_key=text)
    assert (tables(engine), stored(engine)) == (before, events)


# ---------------------------------------------------------------------------- verification


def test_a_stripped_signature_is_found(engine: Engine) -> None:
    new_decision(engine)
    created = stored(engine)[-1]
    assert (created["action"], created["chain"]) == ("created", MAIN)
    with closing(attacker(engine)) as con:
        con.execute("UPDATE audit_events SET signature = NULL WHERE chain = ? AND seq = ?", (MAIN, created["seq"]))
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, MAIN, created["seq"])
    assert verdict.reason == "signature missing: 'zhao' must sign every act once keys are registered"


def test_a_signature_moved_from_another_event_is_found(engine: Engine) -> None:
    new_decision(engine)
    events = stored(engine)
    last = events[-1]  # the creation, in the organ's chain; events[1] the officer's registration
    with closing(attacker(engine)) as con:
        con.execute(
            "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
            (events[1]["signature"], last["chain"], last["seq"]),
        )
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, last["chain"], last["seq"])
    assert verdict.reason == "signature invalid: not made with 'zhao''s registered key"


@pytest.fixture
def crypto_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The event hashes whose signatures verification checks cryptographically, in order."""
    from decision_flow.trail import signatures

    checked: list[str] = []
    real = keys.verifier

    def counting(public: str) -> Any:
        check = real(public)
        if check is None:
            return None

        def counted(digest: str, signature: str) -> bool:
            checked.append(digest)
            return check(digest, signature)

        return counted

    monkeypatch.setattr(signatures.keys, "verifier", counting)
    return checked


def test_a_second_verification_checks_only_the_signatures_added_since(
    engine: Engine, files: Path, crypto_checks: list[str]
) -> None:
    """What was verified is kept for each chain: events added to both the registry's and the
    organ's chain since are the only ones checked again."""
    i = new_decision(engine)
    first = verification.verify(engine)
    assert first.ok and first.recalled == 0
    assert crypto_checks == [e["hash"] for e in walk_order(stored(engine))]
    verified = {e["hash"] for e in stored(engine)}
    record_valid(engine, i, "initiation", files)  # the organ's chain grows
    users.add(engine, "zhou", ["officer"], ADMIN)  # and the registry's
    crypto_checks.clear()
    second = verification.verify(engine)
    events = stored(engine)
    assert {e["chain"] for e in events if e["hash"] not in verified} == {REGISTRY, MAIN}
    assert (second.ok, second.events, second.signed, second.recalled) == (True, len(events), len(events), first.events)
    assert crypto_checks == [e["hash"] for e in walk_order(events) if e["hash"] not in verified]
    crypto_checks.clear()
    assert verification.verify(engine, full=True).recalled == 0
    assert crypto_checks == [e["hash"] for e in walk_order(events)]


def test_a_signature_swapped_after_a_verification_is_still_found(engine: Engine) -> None:
    """Only the very bytes verified are vouched for: a signature replaced in the verified part
    makes the next verification check every signature again, and name it."""
    new_decision(engine)
    new_decision(engine)
    assert verification.verify(engine).ok
    zhao = [e for e in stored(engine) if e["actor"] == OFFICER]
    assert [e["chain"] for e in zhao] == [MAIN, MAIN]
    with closing(attacker(engine)) as con:
        con.execute(
            "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
            (zhao[1]["signature"], MAIN, zhao[0]["seq"]),
        )
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, MAIN, zhao[0]["seq"])
    assert verdict.reason == "signature invalid: not made with 'zhao''s registered key"


def test_history_rewritten_after_a_verification_is_still_found(engine: Engine, files: Path) -> None:
    """Someone with the file (but not the keys) edits an event verified before and recomputes
    every hash and link after it: the chain is consistent again, but not the one verified, so
    every signature is checked and the first rewritten event fails its signature."""
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    assert verification.verify(engine).ok
    created = next(e for e in stored(engine) if e["action"] == "created")
    with closing(attacker(engine)) as con:
        rewrite(con, created["chain"], created["seq"], data=created["data"].replace("农贸", "改过"))
    full = verification.verify(engine, full=True)
    assert (full.chain, full.first_bad_seq) == (MAIN, created["seq"])
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, MAIN, created["seq"])
    assert verdict.reason == "signature invalid: not made with 'zhao''s registered key"


def test_a_verification_record_others_could_write_is_not_trusted(
    engine: Engine, cache_dir: Path, crypto_checks: list[str]
) -> None:
    new_decision(engine)
    assert verification.verify(engine).ok
    (entry,) = (cache_dir / "dflow" / "verified").iterdir()
    entry.chmod(0o666)
    crypto_checks.clear()
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.recalled) == (True, 0)
    assert len(crypto_checks) == verdict.events


def test_a_key_smuggled_in_by_a_non_admin_is_found(engine: Engine) -> None:
    """An insider (the officer, with their own key and the database) appends a user_added of
    'mallory' with a key of their choosing, properly hashed and signed by themselves."""
    from decision_flow.trail import audit

    mallory = keys.generate("mallory")
    officer = engine.keys.signer(OFFICER)
    with engine.db.session() as s:
        audit.append(
            s,
            at=engine.stamp(),
            actor=OFFICER,
            action="user_added",
            data={"name": "mallory", "roles": ["admin"], "public_key": mallory.public},
            sign=officer.sign,
        )
        s.commit()
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, REGISTRY, stored(engine)[-1]["seq"])
    assert verdict.reason == "key registered without authority: 'zhao' is not an admin holding a key"


def test_only_the_chains_first_key_is_self_registered(engine: Engine) -> None:
    """A later self-registered key (what a forger with no admin key would need) is refused."""
    from decision_flow.trail import audit

    mallory = keys.generate("mallory")
    with engine.db.session() as s:
        audit.append(
            s,
            at=engine.stamp(),
            actor="mallory",
            action="key_registered",
            data={"name": "mallory", "public_key": mallory.public},
            sign=mallory.sign,
        )
        s.commit()
    verdict = verification.verify(engine)
    assert (verdict.chain, verdict.first_bad_seq) == (REGISTRY, stored(engine)[-1]["seq"])
    assert verdict.reason == "signature without a key: 'mallory' holds no registered key at this point"


# ---------------------------------------------------------------------------- the registry position


def registry_events(engine: Engine) -> list[dict[str, Any]]:
    return [e for e in stored(engine) if e["chain"] == REGISTRY]


def registered_at(engine: Engine, name: str) -> int:
    """The registry seq of `name`'s registration."""
    return next(
        e["seq"]
        for e in registry_events(engine)
        if e["action"] == "user_added" and json.loads(e["data"])["name"] == name
    )


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("before_the_key", "signature without a key: 'zhao' holds no registered key at this point"),
        ("before_a_rotation", "signature invalid: not made with 'zhao''s registered key"),
    ],
)
def test_an_organ_event_backdated_before_its_actors_key_is_refused(
    engine: Engine, files: Path, case: str, reason: str
) -> None:
    """An organ's event is checked against the key its actor held at its registry position
    (docs/audit-format.md, section 4a). A forger holding every key file edits the position of the
    officer's first act, and recomputes its hash, every later hash and link of the chain and every
    signature: at a position before his registration he held no key; at one before his rotation
    he held his earlier key, not the one that signed."""
    if case == "before_a_rotation":
        users.rotate(engine, OFFICER)
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    size = len(registry_events(engine))
    created = next(e for e in stored(engine) if e["action"] == "created")
    assert (created["chain"], created["seq"], created["registry_position"]) == (MAIN, 1, size)
    assert verification.verify(engine).ok
    # before the rotation: the registry's last event is the rotation itself, so one position less
    position = registered_at(engine, OFFICER) - 1 if case == "before_the_key" else size - 1
    with closing(attacker(engine)) as con:
        rewrite(con, MAIN, created["seq"], engine.keys, registry_position=position)
    backdated = next(e for e in stored(engine) if e["action"] == "created")
    assert backdated["registry_position"] == position and backdated["hash"] == documented_hash(backdated)
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq, verdict.reason) == (False, MAIN, 1, reason)


def test_an_organ_event_ahead_of_the_registry_is_found(engine: Engine, files: Path) -> None:
    """A registry position beyond the registry chain's size is a registry event that is not
    there (docs/audit-format.md, section 4, check 6): *registry ahead*, even hashed and signed."""
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    size = len(registry_events(engine))
    last = stored(engine)[-1]
    assert (last["chain"], last["registry_position"]) == (MAIN, size)
    with closing(attacker(engine)) as con:
        rewrite(con, MAIN, last["seq"], engine.keys, registry_position=size + 1)
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, MAIN, last["seq"])
    assert verdict.reason == (
        f"registry ahead: the event's registry position is {size + 1}, the registry chain holds {size} events"
    )


def test_an_act_with_a_revoked_key_backdated_behind_its_chain_is_found(engine: Engine, files: Path) -> None:
    """The officer's key is revoked; a forger holding his revoked key file (and the database)
    appends an act of his to the organ's chain. At the true registry position he holds no key,
    so he backdates the position to before the revocation: but an earlier event of the chain, the
    auditor's refused attempt after the revocation, has a larger position, and positions never go
    back along a chain (docs/audit-format.md, sections 4 and 4a): *registry went back*."""
    from decision_flow.trail import audit

    first = new_decision(engine)
    second = new_decision(engine, title="第二项决策")
    before = len(registry_events(engine))
    users.revoke(engine, OFFICER, "笔记本电脑遗失", ADMIN)
    with pytest.raises(Forbidden):
        engine.advance(first, AUDITOR)  # refused, signed by the auditor, at the position after the revocation
    refused = stored(engine)[-1]
    assert (refused["chain"], refused["action"], refused["registry_position"]) == (MAIN, "refused", before + 1)
    revoked = engine.keys.signer(OFFICER)  # the revoked key's file, still on this machine
    with engine.db.session() as s:
        seq, _ = audit.append(
            s,
            at=engine.stamp(),
            actor=OFFICER,
            action="recorded",
            chain=MAIN,
            decision=second,
            stage="initiation",
            step="initiation",
            data={"fields": {"undertaking_unit": "冒名单位"}, "evidence": []},
            sign=revoked.sign,
        )
        s.commit()
    honest = verification.verify(engine, full=True)  # at its true position he held no key
    assert (honest.chain, honest.first_bad_seq, honest.reason) == (
        MAIN,
        seq,
        "signature without a key: 'zhao' holds no registered key at this point",
    )
    with closing(attacker(engine)) as con:
        rewrite(con, MAIN, seq, engine.keys, registry_position=before)
    # the decision's own previous event (its creation, at `before`) is no later: only the chain's is
    created = next(e for e in stored(engine) if e["decision_id"] == second and e["action"] == "created")
    assert created["registry_position"] == before
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, MAIN, seq)
    assert verdict.reason == (
        f"registry went back: the event's registry position is {before}, an event before it had {before + 1}"
    )


@pytest.mark.parametrize("how", ["revoked", "rotated"])
def test_a_change_whose_actors_key_changes_meanwhile_writes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """ "An event whose actor's key changed since the change began is not written (the change is
    refused as a conflict, and can be made again)" (docs/audit-format.md, section 4a).

    On SQLite a change holds the database's write lock from its first statement (BEGIN
    IMMEDIATE), so no other transaction can revoke the key between the reading of the acting
    user and the append: the admin's revocation (or the officer's rotation) is written here inside
    the change's own transaction, right after acting_user has read the officer whose key then
    proves him, exactly as users.revoke (users.rotate) writes it."""
    import decision_flow.engine.engine as engine_module
    from decision_flow.core.errors import Conflict
    from decision_flow.store.tx import cursor_of
    from decision_flow.trail import audit

    real = engine_module.acting_user
    held = engine.keys.signer(OFFICER)
    admin = engine.keys.signer(ADMIN)
    new = keys.generate(OFFICER).public

    def key_changed_meanwhile(s: Any, name: str | None) -> Any:
        user = real(s, name)
        if name == OFFICER:
            if how == "revoked":
                data = {"name": OFFICER, "public_key": held.public, "reason": "笔记本电脑遗失"}
                cursor_of(s).run("UPDATE users SET public_key = NULL WHERE name = ?", OFFICER)
                audit.append(s, at=engine.stamp(), actor=ADMIN, action="key_revoked", data=data, sign=admin.sign)
            else:
                data = {"name": OFFICER, "public_key": new, "previous": held.public}
                cursor_of(s).run("UPDATE users SET public_key = ? WHERE name = ?", new, OFFICER)
                audit.append(s, at=engine.stamp(), actor=OFFICER, action="key_rotated", data=data, sign=held.sign)
        return user

    before, events = tables(engine), stored(engine)
    monkeypatch.setattr(engine_module, "acting_user", key_changed_meanwhile)
    with pytest.raises(Conflict) as caught:
        engine.new("密钥已变", "major-decision", [], OFFICER)
    assert str(caught.value) == (
        "the key of zhao was rotated or revoked while this change was made; nothing was written, try again"
    )
    assert (tables(engine), stored(engine)) == (before, events)  # no decision, no event, no refusal
    monkeypatch.setattr(engine_module, "acting_user", real)  # (undo() would drop the key directory too)
    assert new_decision(engine)  # with the key unchanged, the same act goes through
    assert verification.verify(engine).ok


def test_a_registry_change_whose_admins_key_is_revoked_meanwhile_writes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same holds in the registry's chain: an admin whose key another admin revokes while
    the first adds a user writes nothing (else the chain would hold an event signed with a key
    revoked before it), and their own key changes (a rotation) still go through."""
    import decision_flow.engine.engine as engine_module
    from decision_flow.core.errors import Conflict
    from decision_flow.store.tx import cursor_of
    from decision_flow.trail import audit

    users.add(engine, "wu", ["admin"], ADMIN)  # a second admin, who revokes the first's key
    real = engine_module.acting_user
    first, second = engine.keys.signer(ADMIN), engine.keys.signer("wu")

    def revoked_meanwhile(s: Any, name: str | None) -> Any:
        user = real(s, name)
        if name == ADMIN:
            data = {"name": ADMIN, "public_key": first.public, "reason": "密钥泄露"}
            cursor_of(s).run("UPDATE users SET public_key = NULL WHERE name = ?", ADMIN)
            audit.append(s, at=engine.stamp(), actor="wu", action="key_revoked", data=data, sign=second.sign)
        return user

    before, events = tables(engine), stored(engine)
    monkeypatch.setattr(engine_module, "acting_user", revoked_meanwhile)
    with pytest.raises(Conflict):
        users.add(engine, "qin", ["officer"], ADMIN)
    assert (tables(engine), stored(engine)) == (before, events)  # no user, no event, no refusal
    monkeypatch.setattr(engine_module, "acting_user", real)  # (undo() would drop the key directory too)
    users.rotate(engine, ADMIN)  # a change of one's own key is checked by the key rules, not refused here
    users.add(engine, "qin", ["officer"], ADMIN)
    assert verification.verify(engine, full=True).ok


# ---------------------------------------------------------------------------- the command line


def test_key_commands_end_to_end(tmp_path: Path, key_dir: Path) -> None:
    from typer.testing import CliRunner

    import cli

    env = {"DFLOW_DB": str(tmp_path / "dflow.db"), "DFLOW_LANG": "en", "COLUMNS": "200"}
    laptop = str(tmp_path / "laptop")

    def run(*args: str, **extra: str) -> Any:
        result = CliRunner().invoke(cli.app, list(args), env={**env, **extra})
        assert "Traceback" not in result.output
        return result

    assert run("init", "--admin", ADMIN).exit_code == 0
    made = run("key", "new", "zhou", "--json", DFLOW_KEYS=laptop)
    assert made.exit_code == 0, made.output
    public = json.loads(made.stdout)["public_key"]
    assert json.loads(made.stdout)["key_file"] == f"{laptop}/zhou.key"
    again = run("key", "new", "zhou", DFLOW_KEYS=laptop)
    assert (again.exit_code, again.stderr) == (
        2,
        f"a key file for zhou already exists at {laptop}/zhou.key; it is never overwritten\n",
    )
    shown = run("key", "show", "zhou", DFLOW_KEYS=laptop)
    assert shown.stdout == f"zhou: {public} ({keys.fingerprint(public)})\n"
    added = run("user", "add", "zhou", "--role", "officer", "--public-key", public, "--as", ADMIN)
    assert added.stdout == "user zhou added with roles officer\n"
    assert run("new", "周的决策", "--workflow", "major-decision", "--as", "zhou").exit_code == 5  # no key here
    assert run("new", "周的决策", "--workflow", "major-decision", "--as", "zhou", DFLOW_KEYS=laptop).exit_code == 0
    rotated = run("key", "rotate", "--as", "zhou", "--json", DFLOW_KEYS=laptop)
    assert rotated.exit_code == 0 and json.loads(rotated.stdout)["public_key"] != public
    revoked = run("key", "revoke", "zhou", "--reason", "调离", "--as", ADMIN)
    assert revoked.stdout.startswith("zhou's key SHA256:") and revoked.stdout.endswith(
        "revoked; zhou cannot act until an admin issues a new key\n"
    )
    issued = run("key", "issue", "zhou", "--as", ADMIN)
    assert issued.stdout.endswith(f"; the key file for zhou is {key_dir}/zhou.key: give it to zhou only\n")
    listed = json.loads(run("user", "list", "--json").stdout)
    assert [u["key"] for u in listed if u["name"] == "zhou"] == [keys.fingerprint(keys.load("zhou").public)]
    verified = run("audit", "verify")
    assert verified.exit_code == 0 and "signatures valid" in verified.stdout
    bad = run("user", "add", "ma", "--role", "officer", "--public-key", "ed25519:nope", "--as", ADMIN)
    assert (bad.exit_code, bad.stderr) == (
        2,
        "not a public key: give it as ed25519:… exactly as dflow key new printed it\n",
    )
    no_tty = run("key", "new", "li", "--passphrase", DFLOW_KEYS=laptop)
    assert (no_tty.exit_code, no_tty.stderr) == (
        2,
        "--passphrase needs a terminal to ask on, or DFLOW_NEW_PASSPHRASE\n",
    )
    assert not os.path.exists(f"{laptop}/li.key")


@pytest.fixture
def in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check signatures in worker processes even on a short chain, in batches of 3."""
    from decision_flow.trail import sigcheck

    monkeypatch.setattr(sigcheck, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sigcheck, "BATCH", 3)


def test_signatures_checked_in_worker_processes_agree(engine: Engine, files: Path, in_parallel: None) -> None:
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    events = walk_order(stored(engine))
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.events, verdict.signed) == (True, len(events), len(events))
    # two forged signatures in different batches of 3: the third registry event, the organ's last
    early, late = events[2], events[-1]
    assert (early["chain"], late["chain"]) == (REGISTRY, MAIN)
    with closing(attacker(engine)) as con:
        for event in (late, early):
            con.execute(
                "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
                (events[0]["signature"], event["chain"], event["seq"]),
            )
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq, verdict.events) == (False, REGISTRY, early["seq"], 3)
    assert verdict.reason == "signature invalid: not made with 'admin''s registered key"


@pytest.mark.parametrize("waiting", [0, 1])
def test_signatures_checked_by_the_verifying_process_beside_its_workers_agree(
    engine: Engine, files: Path, in_parallel: None, monkeypatch: pytest.MonkeyPatch, waiting: int
) -> None:
    """With no batch allowed to wait for a worker (0), the verifying process checks every batch
    itself; with one (1), it and the workers share them: the verdict names the same event."""
    from decision_flow.trail import sigcheck

    monkeypatch.setattr(sigcheck, "WAITING", waiting)
    monkeypatch.setattr(sigcheck, "workers", lambda: 1)
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    events = walk_order(stored(engine))
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.events, verdict.signed) == (True, len(events), len(events))
    late = events[-1]
    with closing(attacker(engine)) as con:
        con.execute(
            "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
            (events[0]["signature"], late["chain"], late["seq"]),
        )
    verdict = verification.verify(engine, full=True)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, late["chain"], late["seq"])
    assert verdict.reason == f"signature invalid: not made with {late['actor']!r}'s registered key"


def test_a_bad_signature_in_a_later_chain_counts_the_events_of_the_chains_before(
    engine: Engine, files: Path, in_parallel: None
) -> None:
    """A verdict's `events` counts the events walked across chains: the registry's all, then
    the organ's up to the bad one."""
    i = new_decision(engine)
    record_valid(engine, i, "initiation", files)
    events = walk_order(stored(engine))
    registry = [e for e in events if e["chain"] == REGISTRY]
    created = next(e for e in events if e["action"] == "created")
    with closing(attacker(engine)) as con:
        con.execute(
            "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
            (events[0]["signature"], MAIN, created["seq"]),
        )
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, MAIN, created["seq"])
    assert verdict.events == len(registry) + created["seq"]
    assert verdict.reason == "signature invalid: not made with 'zhao''s registered key"


def test_an_earlier_chain_fault_wins_over_a_later_bad_signature(engine: Engine, in_parallel: None) -> None:
    new_decision(engine)
    last = stored(engine)[-1]
    assert last["chain"] == MAIN
    with closing(attacker(engine)) as con:
        con.execute(
            "UPDATE audit_events SET signature = ? WHERE chain = ? AND seq = ?",
            (stored(engine)[0]["signature"], MAIN, last["seq"]),
        )
        con.execute(
            "UPDATE audit_events SET at = '2020-01-01T00:00:00.000000Z' WHERE chain = ? AND seq = 2", (REGISTRY,)
        )
    verdict = verification.verify(engine)
    assert (verdict.ok, verdict.chain, verdict.first_bad_seq) == (False, REGISTRY, 2)
    assert verdict.reason == "content edited: hash does not match content"
