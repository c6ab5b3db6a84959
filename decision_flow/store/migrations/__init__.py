"""Schema migrations (Alembic), shipped inside the package and configured in code.

`Database.init` brings a database to the newest revision ("head") through `upgrade`; no
``alembic.ini`` is read. A database made before migrations existed (tables created by
SQLModel's ``create_all``, no ``alembic_version`` table) is adopted: the baseline revision
fills in only what such a database may lack, and it is stamped at the baseline instead of
being created again.

This module imports Alembic only inside its functions, so importing it costs nothing; only
`dflow init` pays for Alembic.

To write a new revision after changing `decision_flow/models.py`, against a scratch database
that is at head::

    from alembic import command
    from decision_flow.store.migrations import config
    command.revision(config(url="sqlite:////tmp/scratch.db"), "what changes", autogenerate=True, rev_id="0002")

then read and edit the generated file in ``versions/``. Give each revision a readable id
(``0002``, ``0003``, …). On SQLite, ALTER TABLE runs in batch mode (the table is copied and
re-created): a revision that does that to ``audit_events`` must create its guard triggers
again (`versions/v0001_baseline.install_guards`), and one that re-creates a table others
refer to (decisions, step_records) runs inside a transaction with foreign keys on, so it
needs ``PRAGMA defer_foreign_keys = ON`` first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

SCRIPT_LOCATION = Path(__file__).parent
BASELINE = "0001"
HEAD = "0010"  # the newest revision; a test checks it is Alembic's head (update it with each revision)


def config(connection: Connection | None = None, url: str | None = None, script_location: Path | None = None) -> Config:
    """An Alembic configuration for this package's migrations, working on `connection` (inside
    its transaction) or, for developers' commands, on the database at `url`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or SCRIPT_LOCATION))
    cfg.set_main_option("file_template", "v%%(rev)s_%%(slug)s")  # module names Python can import
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def current(connection: Connection) -> str | None:
    """The revision the database on `connection` stands at (None: not under migrations)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, script_location: Path | None = None) -> None:
    """Bring the database on `connection` to head, inside the caller's transaction.

    Three cases: an empty database runs every revision from the baseline; a database under
    migrations runs the revisions it lacks (none: nothing happens); a database made before
    migrations (it has the ``meta`` table but no ``alembic_version``) is adopted at the
    baseline, then upgraded like any other."""
    from alembic import command
    from sqlalchemy import inspect

    from decision_flow.store.migrations.versions import v0001_baseline as baseline

    cfg = config(connection, script_location=script_location)
    tables = set(inspect(connection).get_table_names())
    if tables and "alembic_version" not in tables and "meta" not in tables:
        from decision_flow.core.errors import InvalidInput
        from decision_flow.core.i18n import Msg

        raise InvalidInput(Msg("db.foreign", {"tables": ", ".join(sorted(tables)[:5])}))
    if "alembic_version" not in tables and "meta" in tables:
        baseline.build(connection, adopt=True)
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, "head")


__all__ = ["BASELINE", "HEAD", "SCRIPT_LOCATION", "config", "current", "upgrade"]
