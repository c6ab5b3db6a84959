from pathlib import Path

from decision_flow.engine import Engine, queries
from tests.flow import bring_to, new_decision


def test_valid_walk_reaches_archive(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "archiving", files)
    from tests.flow import record_valid

    record_valid(engine, i, "archiving", files)
    assert engine.advance(i, "zhao") == "archived"
    shown = queries.show(engine, i)
    assert shown["status"] == "archived"
    assert queries.verify(engine).ok
