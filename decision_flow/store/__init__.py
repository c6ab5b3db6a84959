"""Storage: the tables, the sessions, the few statements sent straight through the driver, the
evidence store and the migrations."""
