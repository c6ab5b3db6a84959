"""Organs (决策机关): a county server holds the county government, its departments and its
townships, each with its own cases and users.

- ``organs``: code, name, level (county, department, township) and parent, one tree.
- ``memberships``: roles a user holds in an organ other than their own.
- ``users.organ`` and ``decisions.organ``: added with ALTER TABLE ADD COLUMN (in place on SQLite:
  no table is copied, the audit trail is not touched).

A database that already holds users or decisions was one organ's: it becomes the organ ``main``
(its level ``township`` if any of its cases runs a township workflow, else ``county``), and every
user and case is put in it. Nothing else changes: every event and every chain stays as it was.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

ADOPTED = "main"  # the code of the organ an existing database becomes
ADOPTED_NAME = "本机关"


def upgrade() -> None:
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if "organs" not in tables:
        op.create_table(
            "organs",
            sa.Column("code", sa.String(40), primary_key=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("level", sa.String(20), nullable=False),
            sa.Column("parent", sa.String(40)),
            sa.Column("created_at", sa.String, nullable=False),
        )
    if "memberships" not in tables:
        op.create_table(
            "memberships",
            sa.Column("name", sa.String(100), primary_key=True),
            sa.Column("organ", sa.String(40), primary_key=True),
            sa.Column("roles", sa.String, nullable=False),
        )
    for table in ("users", "decisions"):
        if "organ" not in {c["name"] for c in sa.inspect(bind).get_columns(table)}:
            op.execute(f"ALTER TABLE {table} ADD COLUMN organ VARCHAR(40)")
    if "ix_decisions_organ" not in {i["name"] for i in sa.inspect(bind).get_indexes("decisions")}:
        op.create_index("ix_decisions_organ", "decisions", ["organ", "id"])
    held = bind.execute(sa.text("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM decisions)")).one()
    organs = bind.execute(sa.text("SELECT count(*) FROM organs")).scalar()
    if (held[0] or held[1]) and not organs:
        township = bind.execute(sa.text("SELECT 1 FROM decisions WHERE workflow LIKE '%-township' LIMIT 1")).first()
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        bind.execute(
            sa.text("INSERT INTO organs (code, name, level, parent, created_at) VALUES (:c, :n, :l, NULL, :at)"),
            {"c": ADOPTED, "n": ADOPTED_NAME, "l": "township" if township else "county", "at": at},
        )
        bind.execute(sa.text("UPDATE users SET organ = :c WHERE organ IS NULL"), {"c": ADOPTED})
        bind.execute(sa.text("UPDATE decisions SET organ = :c WHERE organ IS NULL"), {"c": ADOPTED})


def downgrade() -> None:
    raise RuntimeError("organs are what cases and users belong to: never undone")
