"""A decision's whole life (Decree 713 Arts. 3, 34-37): the catalogue before it, its life after it.

- ``decisions.life`` (in_force, suspended, stopped, superseded: set from archiving on),
  ``decisions.supersedes`` and ``decisions.adjustment`` (a case that changes or stops an earlier
  decision, Art. 37) and ``decisions.catalogue_item`` (the item it was created from, Art. 3):
  ALTER TABLE ADD COLUMN, in place; every existing case keeps its row, archived ones in force.
- ``life_acts``: implementation reports, tracking feedback, suspensions, evaluations.
- ``catalogues`` and ``catalogue_items``: an organ's yearly decision-item catalogue.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    held = {c["name"] for c in sa.inspect(bind).get_columns("decisions")}
    for column, kind in (
        ("life", "VARCHAR(20)"),
        ("supersedes", "INTEGER"),
        ("adjustment", "VARCHAR(10)"),
        ("catalogue_item", "INTEGER"),
    ):
        if column not in held:
            op.execute(f"ALTER TABLE decisions ADD COLUMN {column} {kind}")
    if "life" not in held:
        op.execute("UPDATE decisions SET life = 'in_force' WHERE status = 'archived'")
    if "life_acts" not in tables:
        op.create_table(
            "life_acts",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("data", sa.String, nullable=False),
            sa.Column("at", sa.String, nullable=False),
            sa.Column("actor", sa.String, nullable=False),
        )
        op.create_index("ix_life_acts_decision", "life_acts", ["decision_id", "id"])
    if "catalogues" not in tables:
        op.create_table(
            "catalogues",
            sa.Column("organ", sa.String(40), primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("consent_on", sa.String),
            sa.Column("consent_body", sa.String),
            sa.Column("published_on", sa.String),
            sa.Column("created_at", sa.String, nullable=False),
            sa.Column("created_by", sa.String, nullable=False),
        )
    if "catalogue_items" not in tables:
        op.create_table(
            "catalogue_items",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("organ", sa.String(40), nullable=False),
            sa.Column("year", sa.Integer, nullable=False),
            sa.Column("title", sa.String, nullable=False),
            sa.Column("undertaking_unit", sa.String, nullable=False),
            sa.Column("planned_on", sa.String, nullable=False),
            sa.Column("basis", sa.String, nullable=False),
            sa.Column("added_at", sa.String, nullable=False),
            sa.Column("added_by", sa.String, nullable=False),
            sa.Column("removed_at", sa.String),
            sa.Column("removed_by", sa.String),
            sa.Column("removed_reason", sa.String),
        )
        op.create_index("ix_catalogue_items_year", "catalogue_items", ["organ", "year", "id"])


def downgrade() -> None:
    raise RuntimeError("a decision's life and its catalogue are records: never undone")
