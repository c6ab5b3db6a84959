"""Baseline: every table as decision-flow 0.1 made it, and the append-only guards on the audit trail.

The tables are frozen here (not read from `decision_flow.store.models`, which moves on with later
revisions), with the very names SQLModel's ``create_all`` gave them before migrations existed,
so a database made that way and one built by this revision are the same. `build` with
``adopt=True`` completes such an older database: it creates only the tables it lacks and adds
the guards, and the caller stamps it at this revision.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, LargeBinary, String, Table, UniqueConstraint

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

SCHEMA = sa.MetaData()

Table(
    "users",
    SCHEMA,
    Column("name", String(100), primary_key=True),
    Column("roles", String, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", String, nullable=False),
)
Table(
    "decisions",
    SCHEMA,
    Column("id", Integer, primary_key=True),
    Column("title", String, nullable=False),
    Column("workflow", String, nullable=False),
    Column("workflow_version", Integer, nullable=False),
    Column("workflow_sha256", String, nullable=False),
    Column("stage", String, nullable=False),
    Column("status", String, nullable=False),
    Column("flags", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", String, nullable=False),
    Column("created_by", String, nullable=False),
    Index("ix_decisions_stage_status", "stage", "status"),
)
Table(
    "step_records",
    SCHEMA,
    Column("id", Integer, primary_key=True),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False),
    Column("stage", String, nullable=False),
    Column("step", String, nullable=False),
    Column("status", String, nullable=False),
    Column("fields", String, nullable=False),
    Column("marks", String, nullable=False),
    Column("waiver_reason", String),
    Column("waiver_reference", String),
    Column("closed_at", String),
    Column("closed_by", String),
    Column("active", Boolean, nullable=False),
    Index("ix_step_records_decision", "decision_id", "active"),
)
Table(
    "evidence",
    SCHEMA,
    Column("id", Integer, primary_key=True),
    Column("record_id", Integer, ForeignKey("step_records.id"), nullable=False),
    Column("kind", String, nullable=False),
    Column("name", String, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("attached_at", String, nullable=False),
    Column("attached_by", String, nullable=False),
    Index("ix_evidence_record_id", "record_id"),
)
Table(
    "audit_events",
    SCHEMA,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String, nullable=False),
    Column("actor", String, nullable=False),
    Column("action", String, nullable=False),
    Column("decision_id", Integer),
    Column("stage", String),
    Column("step", String),
    Column("data", String, nullable=False),
    Column("decision_seq", Integer),
    Column("decision_prev", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    UniqueConstraint("prev_hash", name="uq_audit_prev_hash"),
    UniqueConstraint("decision_id", "decision_seq", name="uq_audit_decision_seq"),
    Index("ix_audit_decision", "decision_id", "seq"),
)
Table(
    "meta",
    SCHEMA,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)
Table(
    "evidence_blobs",
    SCHEMA,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# Audit rows are append-only: the database itself refuses to change or remove them. Each
# statement may run again on a database that has it already.
SQLITE_GUARDS = (
    """CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
)
POSTGRESQL_GUARDS = (
    """CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
               USING ERRCODE = 'insufficient_privilege';
       END
       $$""",
    "DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    "DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
)


def install_guards(bind: sa.Connection) -> None:
    """Create (or re-create) the triggers that refuse UPDATE and DELETE of audit rows (and, on
    PostgreSQL, TRUNCATE of the table)."""
    for ddl in SQLITE_GUARDS if bind.dialect.name == "sqlite" else POSTGRESQL_GUARDS:
        bind.execute(sa.text(ddl))


def build(bind: sa.Connection, *, adopt: bool = False) -> None:
    """The baseline on `bind`: every table, the guards and the schema_version row. With
    `adopt`, on a database made before migrations: only what it lacks."""
    SCHEMA.create_all(bind, checkfirst=adopt)
    install_guards(bind)
    bind.execute(
        sa.text(
            "INSERT INTO meta (key, value) SELECT 'schema_version', '1'"
            " WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'schema_version')"
        )
    )


def upgrade() -> None:
    build(op.get_bind())


def downgrade() -> None:
    raise RuntimeError("the baseline is never undone: that would drop every decision and the audit trail")
