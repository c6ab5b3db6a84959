"""Storage: the tables (:mod:`.models`, the one definition of the schema, and the plain row
class of each, :mod:`.rows`, generated from it), the database and its transactions (:mod:`.db`),
plain SQL through the driver (:mod:`.sql`, :mod:`.row`; :mod:`.tx` and :mod:`.rawsql` on an ORM
session's connection), a database's URL (:mod:`.url`), the evidence store and the migrations.

Which path a statement takes — the one rule (issue 17: a command starts near the interpreter's
own start, and a change commits near the disk's floor):

- **The driver, on plain rows** for everything the engine reads and changes: every read
  (`Database.reading`, one snapshot of every table: what verification and an export read
  across chains agrees) and every change (`Database.writing`, its rows and its
  audit event committed together). On a plain SQLite file through :mod:`sqlite3` and on a
  ``postgresql+psycopg://`` server through psycopg, each from a pool of connections kept per
  thread: no SQLAlchemy, SQLModel or pydantic is loaded (tests/test_no_orm.py). A statement
  marks its parameters ``?`` whatever the driver and names only columns of the row classes
  (tests/test_rows.py holds those to the columns the migrations make).
- **SQLAlchemy** where the driver path does not reach: another URL (an SQLite database in
  memory, say), which runs the same statements on a session's connection (:class:`.rawsql.Raw`).
- **Alembic** (:mod:`.migrations`) alone changes the schema, from ``dflow init``.

Either way a change and its audit event commit together or not at all.
"""
