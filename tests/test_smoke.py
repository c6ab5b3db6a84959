from pathlib import Path

from decision_flow.engine import Engine, queries, verification
from tests.flow import bring_to, new_decision


def test_valid_walk_reaches_archive(engine: Engine, files: Path) -> None:
    i = new_decision(engine)
    bring_to(engine, i, "archiving", files)
    from tests.flow import record_valid

    record_valid(engine, i, "archiving", files)
    assert engine.advance(i, "zhao") == "archived"
    shown = queries.show(engine, i)
    assert shown["status"] == "archived"
    assert verification.verify(engine).ok


def test_every_package_of_the_engine_is_installed_by_pip_install_dot() -> None:
    """`pip install .` (not editable) installs only the packages pyproject.toml lists: a new
    subpackage left out of the list would be missing from every installation but a developer's."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "decision_flow").rglob("__init__.py")}
    found |= {".".join(p.parent.relative_to(root).parts) for p in (root / "dflow_cli").rglob("__init__.py")}
    assert sorted(found - listed) == []
