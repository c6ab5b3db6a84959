"""The register of what no procedure records (issue 15): ``activities`` (study sessions, publicity
events, legal consultations, legal advisers appointed to villages), each withdrawn rather than
deleted, and ``activity_evidence`` (the files kept for one, by SHA-256). New tables only: no
existing row is touched.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "activities" not in tables:
        op.create_table(
            "activities",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("organ", sa.String(40), nullable=False),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("held_on", sa.String, nullable=False),
            sa.Column("title", sa.String, nullable=False),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("materials", sa.Integer),
            sa.Column("village", sa.String),
            sa.Column("notes", sa.String),
            sa.Column("created_at", sa.String, nullable=False),
            sa.Column("created_by", sa.String, nullable=False),
            sa.Column("withdrawn_at", sa.String),
            sa.Column("withdrawn_by", sa.String),
            sa.Column("withdrawn_reason", sa.String),
        )
        op.create_index("ix_activities_organ_day", "activities", ["organ", "held_on", "id"])
    if "activity_evidence" not in tables:
        op.create_table(
            "activity_evidence",
            sa.Column("activity_id", sa.Integer, sa.ForeignKey("activities.id"), primary_key=True),
            sa.Column("sha256", sa.String(64), primary_key=True),
            sa.Column("name", sa.String, nullable=False),
            sa.Column("size", sa.Integer, nullable=False),
        )


def downgrade() -> None:
    raise RuntimeError("activities are records of what an organ did: never undone")
