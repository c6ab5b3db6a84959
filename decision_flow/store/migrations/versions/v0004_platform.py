"""The platform's first tables beyond one procedure: workflow definitions pinned per case,
imported calendar years, and the record a return carried a step's values over from.

- ``workflow_definitions``: every definition a case was created under or an admin installed,
  by SHA-256, one text per (name, version); cases made before this revision keep running the
  shipped text they recorded (the package keeps those texts, ``workflows/history``).
- ``calendar_years``: a year of the official calendar imported from the State Council's notice.
- ``step_records.carried_from``: added with ALTER TABLE ADD COLUMN (in place on SQLite: no table
  is copied, nothing else is touched).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "workflow_definitions" not in tables:
        op.create_table(
            "workflow_definitions",
            sa.Column("sha256", sa.String(64), primary_key=True),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("procedure", sa.String(100), nullable=False),
            sa.Column("text", sa.String, nullable=False),
            sa.Column("base_sha256", sa.String(64)),
            sa.Column("origin", sa.String(20), nullable=False),
            sa.Column("recorded_at", sa.String, nullable=False),
            sa.Column("recorded_by", sa.String),
            sa.UniqueConstraint("name", "version", name="uq_workflow_name_version"),
        )
    if "calendar_years" not in tables:
        op.create_table(
            "calendar_years",
            sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("holidays", sa.String, nullable=False),
            sa.Column("workdays", sa.String, nullable=False),
            sa.Column("notice", sa.String, nullable=False),
            sa.Column("notice_date", sa.String, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("imported_at", sa.String, nullable=False),
            sa.Column("imported_by", sa.String, nullable=False),
        )
    if "carried_from" not in {c["name"] for c in sa.inspect(bind).get_columns("step_records")}:
        op.execute("ALTER TABLE step_records ADD COLUMN carried_from INTEGER")


def downgrade() -> None:
    raise RuntimeError("pinned definitions and imported calendars are what cases were decided under: never undone")
