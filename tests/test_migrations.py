"""Schema migrations on SQLite and on a real PostgreSQL server (DFLOW_TEST_PG).

A database built only from the migrations matches the models; `init` run again changes
nothing; a database made before migrations existed is adopted with every row kept and its
chain verifiable; the database itself refuses to change or remove audit rows. Each
PostgreSQL test creates its own database and drops it afterwards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from decision_flow.core.errors import Blocked, InvalidInput
from decision_flow.engine import Engine, queries, users, verification
from decision_flow.store import migrations
from decision_flow.store.db import Database
from decision_flow.store.migrations.versions.v0001_baseline import SQLITE_GUARDS
from decision_flow.trail import canonical
from tests.conftest import TODAY, Clock
from tests.flow import (
    ADMIN,
    OFFICER,
    REVIEWER,
    bring_to,
    new_decision,
    record_valid,
    register_users,
)
from tests.pg import NO_PG, PG_URL, pg_database

ROOT = Path(__file__).resolve().parents[1]
HEAD = ScriptDirectory.from_config(migrations.config()).get_current_head()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dflow.db'}"
        return
    if not PG_URL:
        pytest.skip(NO_PG)
    with pg_database("dflow_mig") as pg_url:
        yield pg_url


@pytest.fixture
def open_db(url: str) -> Iterator[list[Database]]:
    """Databases the test opens on `url`; each is disposed of (so PostgreSQL can drop it)."""
    opened: list[Database] = []
    yield opened
    for db in opened:
        db.dispose()


class OldDatabase(Database):
    """decision-flow's Database before migrations: `init` exactly as it was (SQLModel's
    create_all, the SQLite guard triggers, the schema_version row)."""

    def init(self) -> bool:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.exists()
        SQLModel.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            if self.is_sqlite:
                for ddl in SQLITE_GUARDS:
                    conn.exec_driver_sql(ddl)
            if conn.execute(text("SELECT 1 FROM meta WHERE key='schema_version'")).first() is None:
                conn.execute(text("INSERT INTO meta(key, value) VALUES ('schema_version', '1')"))
        return created

    def require(self) -> None:
        """The old code checked only that the database existed."""
        if not self.exists():
            raise InvalidInput("not initialised")


def _engine(db: Database, clock: Clock | None = None) -> Engine:
    return Engine(db, now=clock or Clock(), today=lambda: TODAY)


def _populate(engine: Engine, files: Path) -> int:
    """Users, a decision walked through three stages with evidence, a refusal, a second decision."""
    files.mkdir(exist_ok=True)
    register_users(engine)
    walked = new_decision(engine, ["stability_risk"])
    bring_to(engine, walked, "legality_review", files)
    other = new_decision(engine, title="乡村道路养护办法")
    with pytest.raises(Blocked):
        engine.advance(other, OFFICER, to="legality_review")
    return walked


def _rows(db: Database, without: str = "") -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the models (but `without`), in primary-key order."""
    with db.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in SQLModel.metadata.sorted_tables
            if table.name != without
        }


def _triggers(db: Database) -> list[tuple[str, ...]]:
    with db.engine.connect() as conn:
        if db.is_sqlite:
            found = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"))
            return [tuple(row) for row in found]
        found = conn.execute(
            text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid), p.prosrc FROM pg_trigger t"
                " JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal ORDER BY t.tgname"
            )
        )
        return [tuple(row) for row in found]


def _schema(db: Database) -> dict[str, Any]:
    """The shape of the database as its catalogue reports it: tables, columns, keys, indexes,
    unique constraints, triggers, and the revision it stands at."""
    with db.engine.connect() as conn:
        insp = inspect(conn)
        shape: dict[str, Any] = {"revision": migrations.current(conn)}
        for table in sorted(insp.get_table_names()):
            shape[table] = {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
                "primary_key": insp.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                    for fk in insp.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"] or "", tuple(c or "" for c in i["column_names"]), bool(i["unique"]))
                    for i in insp.get_indexes(table)
                ),
                "unique": sorted(
                    (u["name"] or "", tuple(u["column_names"])) for u in insp.get_unique_constraints(table)
                ),
            }
    shape["triggers"] = _triggers(db)
    return shape


def _differences(db: Database) -> list[Any]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with db.engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata))


def _assert_append_only(db: Database) -> None:
    """UPDATE and DELETE of audit rows (and TRUNCATE on PostgreSQL), in raw SQL, are refused by
    the database itself and leave every audit row as it was."""
    before = _rows(db)["audit_events"]
    assert len(before) >= 2
    statements = [
        "UPDATE audit_events SET actor = 'forger' WHERE seq = 1",
        "UPDATE audit_events SET data = '{}'",
        "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
        "DELETE FROM audit_events",
    ]
    if not db.is_sqlite:
        statements.append("TRUNCATE audit_events")
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert _rows(db)["audit_events"] == before


# ---------------------------------------------------------------------------- built from migrations


def test_migrations_build_exactly_the_models(url: str, open_db: list[Database]) -> None:
    db = Database(url)
    open_db.append(db)
    assert not db.exists()
    assert db.init() is True
    assert db.exists()
    assert _differences(db) == []
    schema = _schema(db)
    assert schema["revision"] == HEAD
    # the unique constraints the chain relies on (SQLite's reflection does not let Alembic
    # compare the unnamed one on `hash`, so every one is checked here by its columns)
    uniques = {columns for _, columns in schema["audit_events"]["unique"]}
    assert uniques == {("hash",), ("chain", "prev_hash"), ("decision_id", "decision_seq")}
    assert schema["audit_events"]["primary_key"] == ["chain", "seq"]
    assert set(schema) - {"revision", "triggers"} == set(SQLModel.metadata.tables) | {"alembic_version"}
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == "1"


def test_the_comparison_finds_a_schema_that_differs(url: str, open_db: list[Database]) -> None:
    """The check above is not blind: a missing column, index and unique constraint show up."""
    db = Database(url)
    open_db.append(db)
    db.init()
    with db.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_decisions_stage_status"))
        conn.execute(text("ALTER TABLE users DROP COLUMN active"))
        conn.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
    kinds = {diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in _differences(db)}
    assert {"add_index", "add_column", "remove_table"} <= kinds


def test_init_twice_is_a_no_op(url: str, open_db: list[Database], tmp_path: Path) -> None:
    db = Database(url)
    open_db.append(db)
    engine = _engine(db)
    _populate(engine, tmp_path / "files")
    schema, rows = _schema(db), _rows(db)
    assert db.init() is False
    assert users.init(engine, ADMIN) is False
    again = Database(url)  # another terminal
    open_db.append(again)
    assert again.init() is False
    assert _schema(db) == schema
    assert _rows(db) == rows
    assert verification.verify(engine).ok


def test_two_inits_at_once_create_the_schema_once(url: str) -> None:
    """Terminals started together: every `dflow init` succeeds and exactly one creates."""
    code = (
        "import sys; from decision_flow.store.db import Database;"
        " d = Database(sys.argv[1]); print(d.init()); d.dispose()"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err.decode()[-800:] for _, err in results]
    assert sorted(out.decode().strip() for out, _ in results) == ["False", "False", "False", "True"]


# ---------------------------------------------------------------------------- a database made before migrations


def test_old_database_is_adopted_keeping_every_row(url: str, open_db: list[Database], tmp_path: Path) -> None:
    old = OldDatabase(url)
    open_db.append(old)
    clock = Clock()
    walked = _populate(_engine(old, clock), tmp_path / "files")
    assert old.init() is False  # the old code itself was idempotent too
    rows = _rows(old)
    assert len(rows["audit_events"]) > 20 and len(rows["evidence"]) >= 3 and len(rows["users"]) == 5
    with old.engine.connect() as conn:
        assert migrations.current(conn) is None
        assert not inspect(conn).has_table("alembic_version")
    if not old.is_sqlite:
        assert _triggers(old) == []  # the old code guarded the trail on SQLite only
    old.dispose()

    db = Database(url)
    open_db.append(db)
    engine = _engine(db, clock)
    assert db.init() is False  # adopted, not created
    assert _rows(db) == rows
    verdict = verification.verify(engine)
    assert verdict.ok, verdict
    assert _differences(db) == []
    assert _schema(db)["revision"] == HEAD
    assert [t[0] for t in _triggers(db)] == (
        ["audit_events_no_delete", "audit_events_no_update"]
        if db.is_sqlite
        else ["audit_events_no_delete", "audit_events_no_truncate", "audit_events_no_update"]
    )
    _assert_append_only(db)  # on PostgreSQL the old code had no guards: adoption added them

    # and the work goes on where it stood
    record_valid(engine, walked, "legality_review", tmp_path / "files")
    assert engine.advance(walked, REVIEWER) == "collective_decision"
    assert verification.verify(engine).ok


def test_adopted_database_is_the_same_as_one_built_from_migrations(
    url: str, open_db: list[Database], tmp_path: Path
) -> None:
    """Adoption leaves the catalogue the migrations build (tables, keys, indexes, unique
    constraints, triggers, revision), compared with a second database of the same backend."""
    old = OldDatabase(url)
    open_db.append(old)
    old.init()
    old.dispose()
    db = Database(url)
    open_db.append(db)
    db.init()
    with nullcontext(f"sqlite:///{tmp_path / 'fresh.db'}") if db.is_sqlite else pg_database() as fresh_url:
        fresh = Database(fresh_url)
        try:
            fresh.init()
            assert _schema(db) == _schema(fresh)
        finally:
            fresh.dispose()


def test_old_database_from_before_evidence_blobs_gains_the_table(url: str, open_db: list[Database]) -> None:
    """A database initialised before evidence_blobs existed gets it on adoption, rows kept."""
    old = OldDatabase(url)
    open_db.append(old)
    users.init(_engine(old), ADMIN)
    with old.engine.begin() as conn:
        conn.execute(text("DROP TABLE evidence_blobs"))
    rows = _rows(old, without="evidence_blobs")
    old.dispose()
    db = Database(url)
    open_db.append(db)
    assert db.init() is False
    assert _rows(db) == {**rows, "evidence_blobs": []}
    assert _differences(db) == []
    assert verification.verify(_engine(db)).ok


# ---------------------------------------------------------------------------- append-only, in the database


def test_database_refuses_to_change_or_remove_audit_rows(url: str, open_db: list[Database]) -> None:
    db = Database(url)
    open_db.append(db)
    engine = _engine(db)
    users.init(engine, ADMIN)
    users.add(engine, OFFICER, ["officer"], ADMIN)
    _assert_append_only(db)
    assert verification.verify(engine).ok
    with db.engine.begin() as conn:  # other tables stay writable: the guards are on the trail only
        conn.execute(text("UPDATE users SET active = :no WHERE name = :name"), {"no": False, "name": OFFICER})
    assert not next(u for u in users.list_users(engine) if u.name == OFFICER).active


# ---------------------------------------------------------------------------- organs (0005)


def _stored(db: Database, table: str) -> list[tuple[Any, ...]]:
    """A table's rows as stored, every column in the table's own order."""
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]


def _before_organs(db: Database) -> None:
    """Take a database back to what revision 0004 left: no organs, no memberships, no organ
    column; its rows and its trail as they were."""
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE organs"))
        conn.execute(text("DROP TABLE memberships"))
        conn.execute(text("DROP INDEX ix_decisions_organ"))
        conn.execute(text("ALTER TABLE users DROP COLUMN organ"))
        conn.execute(text("ALTER TABLE decisions DROP COLUMN organ"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))


def test_a_one_organ_database_becomes_the_organ_main_with_every_row_and_event_kept(
    url: str, open_db: list[Database], tmp_path: Path
) -> None:
    db = Database(url)
    open_db.append(db)
    engine = _engine(db)
    _populate(engine, tmp_path / "files")
    township = new_decision(engine, workflow="major-decision-township", title="集贸市场收费")
    _before_organs(db)
    with db.engine.connect() as conn:
        assert migrations.current(conn) == "0004"
    kept = ("audit_events", "step_records", "evidence", "users", "decisions")
    before = {table: _stored(db, table) for table in kept}
    db.init()  # `dflow init` upgrades it
    with db.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
        organs = conn.execute(text("SELECT code, name, level, parent FROM organs ORDER BY code")).all()
        placed = conn.execute(text("SELECT DISTINCT organ FROM users UNION SELECT DISTINCT organ FROM decisions")).all()
        users_after = conn.execute(text("SELECT name FROM users")).all()
    # one organ (with a township case among them, a township); every user and case in it
    assert organs == [("main", "本机关", "township", None)]
    assert {row[0] for row in placed} == {"main"}
    assert len(users_after) == len(before["users"])
    after = {table: _stored(db, table) for table in kept}
    for table in ("audit_events", "step_records", "evidence"):
        assert after[table] == before[table], table  # every event and record byte for byte
    for table in ("users", "decisions"):  # the same rows, and the organ column at their end
        assert [row[:-1] for row in after[table]] == before[table], table
        assert {row[-1] for row in after[table]} == {"main"}
    assert verification.verify(engine).ok  # the old chain still verifies
    assert township in [row["id"] for row in queries.list_decisions(engine, actor=OFFICER)]
    _assert_append_only(db)


# ---------------------------------------------------------------------------- a later revision


SHIPPED_HEAD = migrations.HEAD
NEXT = f"{int(SHIPPED_HEAD) + 1:04d}"  # a throwaway revision after the shipped head
REVISION_NEXT = '''"""Decisions gain a note.

Revision ID: NEXT
Revises: HEAD
"""

import sqlalchemy as sa
from alembic import op

revision = "NEXT"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("note", sa.String(), nullable=True))
    op.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.drop_column("decisions", "note")
'''.replace("NEXT", NEXT).replace("HEAD", SHIPPED_HEAD)


def test_a_later_revision_upgrades_an_old_database_with_data(
    url: str, open_db: list[Database], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database from before migrations is stamped at the baseline, then the later revisions
    run on it (here a throwaway NEXT beside a copy of the shipped scripts)."""
    monkeypatch.setattr(migrations, "HEAD", NEXT)  # the code of the version that ships NEXT
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / f"v{NEXT}_decision_note.py").write_text(REVISION_NEXT, encoding="utf-8")
    old = OldDatabase(url)
    open_db.append(old)
    _populate(_engine(old), tmp_path / "files")
    rows = _rows(old)
    old.dispose()

    db = Database(url)
    open_db.append(db)
    with db.engine.begin() as conn:
        migrations.upgrade(conn, script_location=scripts)
    with db.engine.connect() as conn:
        assert migrations.current(conn) == NEXT
        assert "note" in {c["name"] for c in inspect(conn).get_columns("decisions")}
        notes = conn.execute(text("SELECT note FROM decisions")).scalars().all()
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == "2"
    assert notes == [None, None]
    assert {name: found for name, found in _rows(db).items() if name != "meta"} == {
        name: found for name, found in rows.items() if name != "meta"
    }
    assert verification.verify(_engine(db)).ok
    _assert_append_only(db)
    with db.engine.begin() as conn:  # run again: nothing left to do
        migrations.upgrade(conn, script_location=scripts)
        assert migrations.current(conn) == NEXT


# ---------------------------------------------------------------------------- packaging and start-up


def test_migration_scripts_ship_inside_the_package() -> None:
    location = migrations.SCRIPT_LOCATION
    assert location.parent == Path(migrations.__file__).parent.parent
    assert (location / "env.py").is_file()
    assert (location / "versions" / "v0001_baseline.py").is_file()
    assert HEAD is not None


def test_only_init_loads_alembic() -> None:
    """Every other command starts without importing Alembic (dflow stays quick to answer)."""
    code = (
        "import sys, cli, decision_flow.store.db, decision_flow.engine.queries,"
        " decision_flow.engine.users, decision_flow.store.migrations;"
        " assert 'alembic' not in sys.modules, sorted(m for m in sys.modules if m.startswith('alembic'))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_head_constant_is_alembics_head() -> None:
    # Database.require compares the database's revision with this constant on every command
    assert migrations.HEAD == HEAD


def test_commands_on_a_database_behind_the_code_ask_for_init(url: str, open_db: list[Database], tmp_path: Path) -> None:
    old = OldDatabase(url)
    open_db.append(old)
    _populate(_engine(old), tmp_path / "files")
    old.dispose()
    db = Database(url)
    open_db.append(db)
    with pytest.raises(InvalidInput) as behind:
        queries.list_decisions(_engine(db))
    assert "run `dflow init`" in str(behind.value) and f"expects {migrations.HEAD}" in str(behind.value)
    db.init()
    assert len(queries.list_decisions(_engine(db))) == 2


def test_init_refuses_a_database_holding_other_tables(url: str, open_db: list[Database]) -> None:
    db = Database(url)
    open_db.append(db)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE payroll (id INTEGER PRIMARY KEY)"))
    with pytest.raises(InvalidInput) as foreign:
        db.init()
    assert "payroll" in str(foreign.value)
    assert set(inspect(db.engine).get_table_names()) == {"payroll"}


# ---------------------------------------------------------------------------- 0002: signing keys


def _at_baseline_with_unsigned_events(db: Database) -> None:
    """A database at revision 0001 (before signing) holding what 0.1 wrote: two users and
    their unsigned events, inserted as 0.1 did (no public_key, no signature column yet)."""
    from alembic import command

    with db.engine.begin() as conn:
        command.upgrade(migrations.config(conn), "0001")
        prev = canonical.GENESIS
        for seq, (actor, action, data) in enumerate(
            [
                (ADMIN, "user_added", {"name": ADMIN, "roles": ["admin"]}),
                (ADMIN, "user_added", {"name": OFFICER, "roles": ["officer"]}),
            ],
            start=1,
        ):
            conn.execute(
                text("INSERT INTO users (name, roles, active, created_at) VALUES (:n, :r, :a, :t)"),
                {"n": data["name"], "r": data["roles"][0], "a": True, "t": "2024-01-01T00:00:00.000000Z"},
            )
            content = {
                "seq": seq,
                "at": f"2024-01-01T00:00:0{seq}.000000Z",
                "actor": actor,
                "action": action,
                "decision": None,
                "decision_seq": None,
                "decision_prev": None,
                "stage": None,
                "step": None,
                "data": data,
                "prev_hash": prev,
            }
            prev = canonical.hash_content(content)
            conn.execute(
                text(
                    "INSERT INTO audit_events (seq, at, actor, action, data, prev_hash, hash)"
                    " VALUES (:seq, :at, :actor, :action, :data, :prev, :hash)"
                ),
                {
                    **content,
                    "data": canonical.canonical_json(data).decode(),
                    "prev": content["prev_hash"],
                    "hash": prev,
                },
            )


def test_an_upgraded_database_gets_its_first_key_from_its_admin(url: str, open_db: list[Database]) -> None:
    """0002 adds the key and signature columns and keeps every row; the unsigned events from
    before stay verifiable; nobody acts without a key until the admin takes the chain's first
    key (`init --admin`) and issues the others theirs."""
    from decision_flow.core.errors import Forbidden

    db = Database(url)
    open_db.append(db)
    _at_baseline_with_unsigned_events(db)
    db.init()
    with db.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
    engine = _engine(db)
    assert verification.verify(engine).ok
    with pytest.raises(Forbidden) as no_key:
        new_decision(engine)
    assert str(no_key.value) == "zhao has no registered signing key; an admin issues one with dflow key issue zhao"
    users.init(engine, ADMIN)  # the admin's own key: the chain's first
    users.issue(engine, OFFICER, ADMIN)
    new_decision(engine)
    assert verification.verify(engine).ok
    with db.engine.connect() as conn:
        signed = conn.execute(
            text("SELECT chain, seq, action, signature IS NOT NULL, format FROM audit_events ORDER BY chain DESC, seq")
        ).all()
    # the two events from before signing stay unsigned (and of version 1, in the registry chain);
    # zhao's refused attempt (of no decision: the registry's) could not be signed; the case's
    # creation is the first event of its organ's chain
    assert [tuple(r) for r in signed] == [
        ("registry", 1, "user_added", False, 1),
        ("registry", 2, "user_added", False, 1),
        ("registry", 3, "refused", False, 2),
        ("registry", 4, "key_registered", True, 2),
        ("registry", 5, "key_registered", True, 2),
        ("main", 1, "created", True, 2),
    ]


# ---------------------------------------------------------------------------- chains per organ (0006)


def _as_one_chain(db: Database, engine: Engine) -> tuple[int, str]:
    """Take a database back to what revision 0005 left: one chain of version 1 events, numbered in
    the order they were written, each hash recomputed by the version 1 formula (docs/audit-format.md
    section 2) and signed again by its actor's key (every actor still holds theirs: no key was
    rotated), in the table's 0005 shape with its guards. Returns that chain's size and head."""
    with db.engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT at, actor, action, decision_id, decision_seq, stage, step, data, signature"
                " FROM audit_events ORDER BY at"
            )
        ).all()
        conn.execute(text("DROP TABLE audit_events"))
        conn.execute(
            text(
                "CREATE TABLE audit_events (seq INTEGER NOT NULL PRIMARY KEY, at VARCHAR NOT NULL,"
                " actor VARCHAR NOT NULL, action VARCHAR NOT NULL, decision_id INTEGER, stage VARCHAR, step VARCHAR,"
                " data VARCHAR NOT NULL, decision_seq INTEGER, decision_prev VARCHAR(64),"
                " prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL UNIQUE, signature VARCHAR(100),"
                " CONSTRAINT uq_audit_prev_hash UNIQUE (prev_hash),"
                " CONSTRAINT uq_audit_decision_seq UNIQUE (decision_id, decision_seq))"
            )
        )
        prev, last_of = canonical.GENESIS, {}
        for seq, (at, actor, action, decision, dseq, stage, step, data, signature) in enumerate(rows, 1):
            content = canonical.stored_content(
                seq, at, actor, action, decision, dseq, last_of.get(decision), stage, step, data, prev, version=1
            )
            digest = canonical.hash_content(content)
            signed = engine.keys.signer(actor).sign(digest) if signature is not None else None
            conn.execute(
                text(
                    "INSERT INTO audit_events (seq, at, actor, action, decision_id, stage, step, data, decision_seq,"
                    " decision_prev, prev_hash, hash, signature) VALUES (:seq, :at, :actor, :action, :decision,"
                    " :stage, :step, :data, :dseq, :dprev, :prev, :hash, :signature)"
                ),
                {
                    **content,
                    "data": data,
                    "dseq": dseq,
                    "dprev": content["decision_prev"],
                    "prev": prev,
                    "hash": digest,
                    "signature": signed,
                },
            )
            if decision is not None:
                last_of[decision] = digest
            prev = digest
        from decision_flow.store.migrations.versions.v0001_baseline import install_guards

        install_guards(conn)
        conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    return len(rows), prev


def test_one_chain_becomes_the_registry_chain_and_its_cases_go_on_in_their_organs_chain(
    url: str, open_db: list[Database], tmp_path: Path
) -> None:
    """Migration 0006 keeps every event of the one chain byte for byte as the registry chain
    (version 1, the same numbers, so a checkpoint taken before still holds); a case begun before
    goes on in its organ's chain, continuing its own chain, and its export (events of both
    versions) verifies offline."""
    from decision_flow.trail import filecheck
    from decision_flow.trail.checkpoint import Checkpoint

    db = Database(url)
    open_db.append(db)
    engine = _engine(db)
    walked = _populate(engine, tmp_path / "files")
    size, head = _as_one_chain(db, engine)
    before = _stored(db, "audit_events")
    db.init()  # `dflow init` upgrades it
    with db.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
        kept = conn.execute(
            text(
                "SELECT seq, at, actor, action, decision_id, stage, step, data, decision_seq, decision_prev,"
                " prev_hash, hash, signature FROM audit_events ORDER BY seq"
            )
        ).all()
        shape = conn.execute(text("SELECT DISTINCT chain, registry_position, format FROM audit_events")).all()
    assert [tuple(r) for r in kept] == before  # every event byte for byte
    assert [tuple(r) for r in shape] == [("registry", None, 1)]  # the registry chain, version 1
    assert verification.verify(engine).ok
    old_checkpoint = Checkpoint(size, head, "2024-12-31T02:00:00.000000Z")  # no chain: the registry's
    assert old_checkpoint.plain().splitlines()[1] == "chain: registry"
    assert verification.verify_anchor(engine, old_checkpoint).ok

    organ = _organ_of(db, walked)
    record_valid(engine, walked, "legality_review", tmp_path / "files")
    with db.engine.connect() as conn:
        after = conn.execute(
            text(
                "SELECT chain, seq, decision_seq, decision_prev, registry_position, format FROM audit_events"
                " WHERE decision_id = :d ORDER BY decision_seq"
            ),
            {"d": walked},
        ).all()
    *old, new = [tuple(r) for r in after]
    assert {(r[0], r[5]) for r in old} == {("registry", 1)}
    last_old = conn_hash(db, walked, len(old))
    # the case's next event: the first of its organ's chain, the next of its own, of version 2
    assert new == (organ, 1, len(old) + 1, last_old, size, 2)
    verdict = verification.verify(engine)
    assert verdict.ok, verdict
    assert verification.verify_anchor(engine, old_checkpoint).ok
    export = tmp_path / "walked.json"
    queries.export_trail(engine, walked, export)
    assert filecheck.verify_file(export).ok
    lines = json.loads(export.read_bytes())["events"]  # the file is one JSON document
    assert [("chain" in line, line["decision_seq"]) for line in lines] == [
        *((False, n) for n in range(1, len(old) + 1)),
        (True, len(old) + 1),
    ]


def _organ_of(db: Database, decision: int) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT organ FROM decisions WHERE id = :d"), {"d": decision}).scalar())


def conn_hash(db: Database, decision: int, decision_seq: int) -> str:
    with db.engine.connect() as conn:
        found = conn.execute(
            text("SELECT hash FROM audit_events WHERE decision_id = :d AND decision_seq = :n"),
            {"d": decision, "n": decision_seq},
        ).scalar()
    return str(found)
