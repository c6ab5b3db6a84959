"""Storage: the tables (:mod:`.models`), the sessions (:mod:`.db`), the few statements sent
straight through the driver (:mod:`.sql`, and :mod:`.rawsql` on a session's connection), a
database's URL (:mod:`.url`), the evidence store and the migrations. :mod:`.db`, :mod:`.sql` and
:mod:`.url` load no SQLAlchemy until an engine or a session is asked for: on a plain SQLite
file, opening and checking the database and `Database.reading` use the driver alone.

Which path a statement takes — the one rule:

- **The driver's cursor** (:class:`.sql.Cursor`; :class:`.rawsql.Raw` in a session) for a
  statement that runs on *every change* of a case (read the acting user, the case and its step
  records; write a record and the case; append the event) or once per event while verifying.
  Through SQLAlchemy each such statement cost 50–150 µs, through the cursor 5–10 µs
  (``benchmarks/throughput.py``); a new statement joins this path only when it runs that often
  and a benchmark shows its cost.
- **SQLModel / SQLAlchemy** (a :meth:`.db.Database.session` and its ORM or Core statements) for
  everything else: reads that draw a case or a list, admin commands (users, keys, workflow
  files, the calendar), exports, and anything that runs once per command rather than once
  per change.
- **Alembic** (:mod:`.migrations`) alone changes the schema, from ``dflow init``.

Either way a statement runs in the session's own transaction, so a change and its audit event
still commit together or not at all.
"""
