"""The same procedure, trail and refusals on a real PostgreSQL server (DFLOW_TEST_PG).

Each test run creates its own database and drops it afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from decision_flow.core.errors import Blocked, Forbidden
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database
from tests.flow import ACTOR, ADMIN, EXECUTIVE, OFFICER, REVIEWER, bring_to, new_decision, record_valid
from tests.pg import NO_PG, PG_URL, pg_database

pytestmark = pytest.mark.skipif(not PG_URL, reason=NO_PG)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with pg_database() as url:
        yield url


@pytest.fixture(scope="module")
def pg_keys(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    """The users' key files, kept for the module as its database is."""
    return KeyRing(directory=tmp_path_factory.mktemp("keys"))


@pytest.fixture
def pg_engine(pg_url: str, pg_keys: KeyRing) -> Iterator[Engine]:
    db = Database(pg_url)
    engine = Engine(db, today=lambda: date(2024, 12, 31), keys=pg_keys)
    users.init(engine, ADMIN)
    for name, role in ((OFFICER, "officer"), (REVIEWER, "legal_reviewer"), (EXECUTIVE, "executive")):
        if name not in {u.name for u in users.list_users(engine)}:
            users.add(engine, name, [role], ADMIN)
    yield engine
    db.dispose()


def test_postgres_walk_to_archive_verifies(pg_engine: Engine, tmp_path: Path) -> None:
    i = new_decision(pg_engine, ["stability_risk"])
    bring_to(pg_engine, i, "archiving", tmp_path)
    record_valid(pg_engine, i, "archiving", tmp_path)
    assert pg_engine.advance(i, OFFICER) == "archived"
    assert queries.show(pg_engine, i)["status"] == "archived"
    verdict = verification.verify(pg_engine)
    assert verdict.ok, verdict


def test_postgres_return_carries_records_over(pg_engine: Engine, tmp_path: Path) -> None:
    """The carry-over's plain SQL (booleans, IN lists, inserts returning ids) on a server: the
    evidence rows are copied, the blobs are not, and the carried case goes on to archiving."""
    i = new_decision(pg_engine)
    bring_to(pg_engine, i, "legality_review", tmp_path)
    before = queries.show(pg_engine, i)["steps"]
    with pg_engine.db.engine.connect() as conn:
        blobs = conn.execute(text("SELECT count(*) FROM evidence_blobs")).scalar()
    pg_engine.send_back(i, "drafting", "补充法律依据", REVIEWER)
    after = queries.show(pg_engine, i)["steps"]
    for old, new in zip(before[1:5], after[1:5], strict=True):
        assert (new["status"], new["carried_over"]) == ("pending", True)
        assert (new["fields"], new["evidence"]) == (old["fields"], old["evidence"])
    event = queries.trail(pg_engine, i)["events"][-1]
    assert event["data"]["carried"] == ["drafting", "public_participation", "expert_review", "risk_assessment"]
    with pg_engine.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM evidence_blobs")).scalar() == blobs
        superseded = conn.execute(
            text("SELECT count(*) FROM step_records WHERE decision_id = :i AND NOT active"), {"i": i}
        ).scalar()
    assert superseded == 4
    for first in ("drafting", "public_participation"):  # what was carried over, completed again
        pg_engine.advance(i, ACTOR[first])
    for step in ("legality_review", "collective_decision", "party_report", "publication", "archiving"):
        record_valid(pg_engine, i, step, tmp_path)
        if step != "archiving":
            pg_engine.advance(i, ACTOR[step])
    assert pg_engine.advance(i, OFFICER) == "archived"
    assert verification.verify(pg_engine).ok


def test_postgres_refusal_is_recorded_and_changes_nothing(pg_engine: Engine, tmp_path: Path) -> None:
    i = new_decision(pg_engine)
    before = queries.show(pg_engine, i)
    with pytest.raises(Blocked) as refused:
        pg_engine.advance(i, OFFICER, to="legality_review")
    assert refused.value.reasons[0].rule == "stage_order"
    assert queries.show(pg_engine, i) == before
    events = queries.trail(pg_engine, i)["events"]
    assert events[-1]["action"] == "refused"
    assert events[-1]["data"]["attempted"] == "advance"
    assert verification.verify(pg_engine).ok


def test_postgres_keeps_evidence_inside_the_database(pg_engine: Engine, pg_url: str, tmp_path: Path) -> None:
    i = new_decision(pg_engine)
    bring_to(pg_engine, i, "consultation", tmp_path)
    draft = queries.show(pg_engine, i)["steps"][1]["evidence"][0]
    with pg_engine.db.engine.connect() as conn:
        size = conn.execute(text("SELECT size FROM evidence_blobs WHERE sha256 = :s"), {"s": draft["sha256"]}).scalar()
    assert size == (tmp_path / "draft.txt").stat().st_size
    assert not (tmp_path / "dflow.db.evidence").exists()
    # another terminal, with nothing on its own disk, sees the same evidence intact
    other = Engine(Database(pg_url), today=lambda: date(2024, 12, 31), keys=pg_engine.keys)
    assert other.store.intact(draft["sha256"])
    assert verification.verify(other).ok
    other.db.dispose()
    with pg_engine.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE evidence_blobs SET content = :c WHERE sha256 = :s"), {"c": b"forged", "s": draft["sha256"]}
        )
    try:
        verdict = verification.verify(pg_engine)
        assert not verdict.ok
        assert verdict.reason is not None and draft["sha256"] in verdict.reason
    finally:
        with pg_engine.db.engine.begin() as conn:
            conn.execute(
                text("UPDATE evidence_blobs SET content = :c WHERE sha256 = :s"),
                {"c": (tmp_path / "draft.txt").read_bytes(), "s": draft["sha256"]},
            )
    assert verification.verify(pg_engine).ok


def test_a_login_without_the_grant_is_refused_cleanly(tmp_path: Path) -> None:
    """docs/operations.md's staff grants, tried for real: a staff login that lacks
    UPDATE (public_key) on users cannot rotate its key (exit 5, nothing written), and can
    once it has it; it can never give itself roles."""
    assert PG_URL is not None
    login = f"dflow_staff_{uuid.uuid4().hex[:8]}"
    ring = KeyRing(directory=tmp_path / "keys")
    with pg_database("dflow_grant") as owner_url:
        owner = Engine(Database(owner_url), today=lambda: date(2024, 12, 31), keys=ring)
        users.init(owner, ADMIN)
        users.add(owner, OFFICER, ["officer"], ADMIN)
        grants = [
            f"CREATE ROLE {login} LOGIN",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {login}",
            f"GRANT INSERT ON audit_events, evidence, evidence_blobs, workflow_definitions TO {login}",
            f"GRANT INSERT, UPDATE ON decisions, step_records TO {login}",
            f"GRANT USAGE ON SEQUENCE decisions_id_seq, step_records_id_seq, evidence_id_seq TO {login}",
        ]
        with owner.db.engine.begin() as conn:
            for grant in grants:
                conn.execute(text(grant))
        staff_url = make_url(owner_url).set(username=login).render_as_string(hide_password=False)
        staff = Engine(Database(staff_url), today=lambda: date(2024, 12, 31), keys=ring)
        try:
            assert new_decision(staff) == 1  # staff work as usual
            before = [(u.name, u.public_key) for u in users.list_users(owner)]
            with pytest.raises(Forbidden) as denied:
                users.rotate(staff, OFFICER)
            assert str(denied.value).startswith("the database login may not make this change (")
            assert [(u.name, u.public_key) for u in users.list_users(owner)] == before
            assert not [p for p in ring.path(OFFICER).parent.iterdir() if p.name.startswith(".")]
            assert queries.trail(owner, 1)["events"][-1]["action"] == "created"
            with owner.db.engine.begin() as conn:
                conn.execute(text(f"GRANT UPDATE (public_key) ON users TO {login}"))
            users.rotate(staff, OFFICER)
            with pytest.raises(DBAPIError, match="permission denied"), staff.db.engine.begin() as conn:
                conn.execute(text("UPDATE users SET roles = 'admin' WHERE name = :n"), {"n": OFFICER})
            assert verification.verify(owner).ok
        finally:
            staff.db.dispose()
            owner.db.dispose()
            server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with server.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {make_url(owner_url).database} WITH (FORCE)"))
                conn.execute(text(f"DROP ROLE IF EXISTS {login}"))
            server.dispose()


def test_reads_as_a_user_on_a_select_only_login(pg_engine: Engine, pg_url: str, tmp_path: Path) -> None:
    """An auditor's read-only login (SELECT only, docs/operations.md) reads as a named user, and
    an unknown name is refused as Forbidden: the check writes nothing (were it to record the
    refusal, this login would fail with a permission error instead)."""
    assert PG_URL is not None
    login = f"dflow_ro_{uuid.uuid4().hex[:8]}"
    i = new_decision(pg_engine)
    with pg_engine.db.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {login} LOGIN"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {login}"))
    reader = Engine(Database(make_url(pg_url).set(username=login).render_as_string(hide_password=False)))
    try:
        before = queries.trail(pg_engine, i)
        assert queries.show(reader, i, OFFICER)["id"] == i
        assert queries.trail(reader, i, OFFICER) == before
        assert verification.verify(reader, actor=OFFICER).ok
        assert [u.name for u in users.list_users(reader, OFFICER)] == [u.name for u in users.list_users(pg_engine)]
        for read in (
            lambda: queries.show(reader, i, "nobody"),
            lambda: queries.list_decisions(reader, actor="nobody"),
            lambda: verification.checkpoint(reader, "nobody"),
        ):
            with pytest.raises(Forbidden, match="'nobody' is not a registered user"):
                read()
        assert queries.trail(pg_engine, i) == before
    finally:
        reader.db.dispose()
        with pg_engine.db.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {login}"))
            conn.execute(text(f"DROP ROLE {login}"))


def test_postgres_roles_are_per_organ_and_a_refusal_is_recorded(pg_engine: Engine, tmp_path: Path) -> None:
    """On the server: a township's case is acted on only by who holds a role there; another
    township's officer is refused (Forbidden, exit 5) and the attempt kept as evidence in the
    case's trail; lists are scoped by organ; the chain still verifies."""
    from decision_flow.core.errors import Forbidden
    from decision_flow.engine import organs
    from tests.flow import township

    code = township(pg_engine)  # shahe under main, the three users holding their roles there too
    if "liulin" not in {o.code for o in organs.list_organs(pg_engine)}:  # the module shares one database
        organs.add(pg_engine, "liulin", "柳林镇人民政府", "township", organs.ROOT, ADMIN)
        users.add(pg_engine, "niu", ["officer"], ADMIN, organ="liulin")
    case = new_decision(pg_engine, workflow="major-decision-township", title="沙河乡的案件")
    with pytest.raises(Forbidden):
        pg_engine.record(case, "initiation", ["undertaking_unit=某"], [], "niu")
    trail = queries.trail(pg_engine, case)["events"]
    assert (trail[-1]["action"], trail[-1]["actor"]) == ("refused", "niu")
    assert case in [r["id"] for r in queries.list_decisions(pg_engine, actor=OFFICER, organ=code)]
    assert case not in [r["id"] for r in queries.list_decisions(pg_engine, actor="niu")]
    assert verification.verify(pg_engine).ok


def test_postgres_organs_chains_walked_apart_verify_as_one_walk(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the server too, the organs' chains walked at once (each worker on a connection of its
    own, opened after the fork) give the one walk's verdict, sound and after an edit."""
    from tests.flow import township
    from tests.test_verify_apart import both_ways

    township(pg_engine)
    record_valid(pg_engine, new_decision(pg_engine), "initiation", tmp_path)
    record_valid(pg_engine, new_decision(pg_engine, workflow="major-decision-township"), "initiation", tmp_path)
    apart, one, seen = both_ways(pg_engine, monkeypatch, full=True, remember=False)
    assert apart == one and one["ok"] and seen["forked"] and seen["forked"][0] >= 2
    engine = create_engine(pg_engine.db.url)
    where = "WHERE chain = 'main' AND seq = 2"

    def set_data(conn: Any, data: str) -> None:
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        conn.execute(text(f"UPDATE audit_events SET data = :data {where}"), {"data": data})
        conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))

    with engine.begin() as conn:
        kept = conn.execute(text(f"SELECT data FROM audit_events {where}")).scalar_one()
        set_data(conn, '{"edited":true}')
    try:
        apart, one, _ = both_ways(pg_engine, monkeypatch, full=True, remember=False)
        assert not one["ok"] and apart == one and one["chain"] == "main"
    finally:
        with engine.begin() as conn:  # the module shares one database: its trail is left as it was
            set_data(conn, kept)
        engine.dispose()
    assert verification.verify(pg_engine, full=True, remember=False).ok
