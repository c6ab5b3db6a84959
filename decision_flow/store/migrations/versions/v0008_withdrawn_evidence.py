"""An attachment made by mistake is withdrawn, not deleted: ``evidence.withdrawn_at``,
``withdrawn_by`` and ``withdrawn_reason`` (ALTER TABLE ADD COLUMN, in place). A withdrawn file's
bytes stay in the store and its attachment in the trail; the record no longer counts it.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = (("withdrawn_at", "VARCHAR(40)"), ("withdrawn_by", "VARCHAR(100)"), ("withdrawn_reason", "VARCHAR"))


def upgrade() -> None:
    held = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("evidence")}
    for column, kind in COLUMNS:
        if column not in held:
            op.execute(f"ALTER TABLE evidence ADD COLUMN {column} {kind}")


def downgrade() -> None:
    for column, _ in reversed(COLUMNS):
        op.drop_column("evidence", column)
