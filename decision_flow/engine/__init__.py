"""The engine: the audited change (`Change`), the moves of a case, the reads, the users.

`Engine` is the public entry point: ``from decision_flow.engine import Engine``.
"""

from decision_flow.engine.engine import Engine, utc_now

__all__ = ["Engine", "utc_now"]
