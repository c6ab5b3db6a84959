"""Signed acts: each user's registered public key, and each audit event's signature.

Both columns are added (nullable) with plain ALTER TABLE ADD COLUMN, which SQLite does in place:
no table is copied, so the append-only triggers on ``audit_events`` stay as they are. Events
written before this revision carry no signature; `dflow audit verify` accepts unsigned events
only before the first key is registered in the chain (docs/audit-format.md, "Signatures").

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    bind = op.get_bind()
    columns = {t: {c["name"] for c in sa.inspect(bind).get_columns(t)} for t in ("users", "audit_events")}
    if "public_key" not in columns["users"]:
        op.execute("ALTER TABLE users ADD COLUMN public_key VARCHAR(60)")
    if "signature" not in columns["audit_events"]:
        op.execute("ALTER TABLE audit_events ADD COLUMN signature VARCHAR(100)")


def downgrade() -> None:
    raise RuntimeError("signatures are evidence: this revision is never undone")
