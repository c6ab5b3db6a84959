"""Alembic's environment: run the migrations on the connection `Database.init` passes in
(``config.attributes["connection"]``, already inside its transaction), or, for developers'
commands, on the database named by the ``sqlalchemy.url`` option."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

from decision_flow.store import models  # noqa: F401  (registers every table on SQLModel.metadata)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():  # joins the caller's transaction when there is one
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("decision-flow migrations run against a live database only (no --sql)")
    given = context.config.attributes.get("connection")
    if given is not None:
        run(given)
        return
    from decision_flow.store.db import Database

    db = Database(context.config.get_main_option("sqlalchemy.url"))
    try:
        with db.engine.connect() as connection:
            run(connection)
    finally:
        db.dispose()


main()
