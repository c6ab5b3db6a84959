"""One audit chain per organ (docs/audit-format.md, section 3): writers in different organs no
longer queue on one chain.

``audit_events`` gains ``chain`` (``registry`` or an organ's code), ``registry_position`` (an organ
event's registry position) and ``format`` (1 or 2: the hash's version); its key becomes
(``chain``, ``seq``) and ``prev_hash`` is unique within a chain. Every existing row becomes an
event of version 1 in the registry chain, byte for byte as it was: the old single chain is the
registry chain, with the same numbers and hashes, so every chain checkpoint taken of it still
holds. The decisions' next events go to their organ's chain.

SQLite cannot change a primary key in place: the table is copied into one of the new shape and
its append-only guards are created again (``install_guards``). PostgreSQL alters it in place,
and its triggers stay.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from decision_flow.store.migrations.versions.v0001_baseline import install_guards

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_COPIED = (
    "seq, at, actor, action, decision_id, stage, step, data, decision_seq, decision_prev, prev_hash, hash, signature"
)

_SQLITE_TABLE = """CREATE TABLE audit_events_chains (
    seq INTEGER NOT NULL,
    at VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    decision_id INTEGER,
    stage VARCHAR,
    step VARCHAR,
    data VARCHAR NOT NULL,
    decision_seq INTEGER,
    decision_prev VARCHAR(64),
    prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL,
    signature VARCHAR(100),
    chain VARCHAR(40) NOT NULL,
    registry_position INTEGER,
    format INTEGER NOT NULL,
    CONSTRAINT audit_events_pkey PRIMARY KEY (chain, seq),
    CONSTRAINT uq_audit_chain_prev UNIQUE (chain, prev_hash),
    CONSTRAINT uq_audit_decision_seq UNIQUE (decision_id, decision_seq),
    UNIQUE (hash)
)"""


def upgrade() -> None:
    bind = op.get_bind()
    if "chain" in {c["name"] for c in sa.inspect(bind).get_columns("audit_events")}:
        return
    if bind.dialect.name == "sqlite":
        op.execute(_SQLITE_TABLE)
        op.execute(
            f"INSERT INTO audit_events_chains (chain, {_COPIED}, registry_position, format)"
            f" SELECT 'registry', {_COPIED}, NULL, 1 FROM audit_events ORDER BY seq"
        )
        op.execute("DROP TABLE audit_events")
        op.execute("ALTER TABLE audit_events_chains RENAME TO audit_events")
        install_guards(bind)
        return
    op.execute("ALTER TABLE audit_events ADD COLUMN chain VARCHAR(40) NOT NULL DEFAULT 'registry'")
    op.execute("ALTER TABLE audit_events ALTER COLUMN chain DROP DEFAULT")
    op.execute("ALTER TABLE audit_events ADD COLUMN registry_position INTEGER")
    op.execute("ALTER TABLE audit_events ADD COLUMN format INTEGER NOT NULL DEFAULT 1")
    op.execute("ALTER TABLE audit_events ALTER COLUMN format DROP DEFAULT")
    op.execute("ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey")
    op.execute("ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (chain, seq)")
    op.execute("ALTER TABLE audit_events DROP CONSTRAINT uq_audit_prev_hash")
    op.execute("ALTER TABLE audit_events ADD CONSTRAINT uq_audit_chain_prev UNIQUE (chain, prev_hash)")
    op.execute("DROP INDEX IF EXISTS ix_audit_decision")


def downgrade() -> None:
    raise RuntimeError("events written into an organ's chain have no place in a single chain: never undone")
