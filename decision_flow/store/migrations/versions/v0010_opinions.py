"""The public's side of public participation (issue 16): ``opinions`` (each opinion's text, its
SHA-256 and how it was handled), ``opinion_submitters`` (who gave it, kept apart),
``consultation_pages`` (the period a page takes opinions in),
``public_files`` (the evidence a consultation page shows) and ``user_passwords`` (the web
pages' logins). New tables only: no existing row is touched.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "opinions" not in tables:
        op.create_table(
            "opinions",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
            sa.Column("received_at", sa.String, nullable=False),
            sa.Column("channel", sa.String(20), nullable=False),
            sa.Column("text", sa.String, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("mark", sa.String(20)),
            sa.Column("reason", sa.String),
            sa.Column("marked_by", sa.String(100)),
            sa.Column("marked_at", sa.String(40)),
            sa.UniqueConstraint("decision_id", "sha256", name="uq_opinions_decision_text"),
        )
        op.create_index("ix_opinions_decision", "opinions", ["decision_id", "id"])
    if "opinion_submitters" not in tables:
        op.create_table(
            "opinion_submitters",
            sa.Column("opinion_id", sa.Integer, sa.ForeignKey("opinions.id"), primary_key=True),
            sa.Column("name", sa.String),
            sa.Column("unit", sa.String),
            sa.Column("phone", sa.String(40)),
        )
    if "consultation_pages" not in tables:
        op.create_table(
            "consultation_pages",
            sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), primary_key=True),
            sa.Column("opens_on", sa.String(10), nullable=False),
            sa.Column("closes_on", sa.String(10), nullable=False),
            sa.Column("opened_at", sa.String, nullable=False),
            sa.Column("opened_by", sa.String, nullable=False),
        )
    if "public_files" not in tables:
        op.create_table(
            "public_files",
            sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), primary_key=True),
            sa.Column("sha256", sa.String(64), primary_key=True),
            sa.Column("name", sa.String, nullable=False),
            sa.Column("kind", sa.String(80), nullable=False),
            sa.Column("published_at", sa.String, nullable=False),
            sa.Column("published_by", sa.String, nullable=False),
        )
    if "user_passwords" not in tables:
        op.create_table(
            "user_passwords",
            sa.Column("name", sa.String(100), primary_key=True),
            sa.Column("hash", sa.String, nullable=False),
            sa.Column("set_at", sa.String, nullable=False),
            sa.Column("set_by", sa.String, nullable=False),
        )


def downgrade() -> None:
    raise RuntimeError("opinions the public gave are part of the record: never undone")
