"""The layering of ``decision_flow`` (STYLE.md, "Target layout"): each subpackage imports only
the layers below it, and no two modules import each other. Every import counts, including one
inside a function or under ``TYPE_CHECKING``: an arrow back up is an arrow back up.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "decision_flow"

# What each layer may import besides itself. Deviation from STYLE.md: `trail` also reads
# `identity` (a signature is checked against the key a user held when they signed).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "definition": {"core"},
    "rules": {"core", "definition"},
    "procedures": {"core", "definition", "rules"},
    "store": {"core"},
    "identity": {"core"},
    "trail": {"core", "store", "identity"},
    "engine": {"core", "definition", "rules", "procedures", "store", "identity", "trail"},
    "presentation": {"core", "definition", "rules", "procedures", "store", "identity", "trail", "engine"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The decision_flow modules that `name` imports anywhere in its text."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join(base + ([node.module] if node.module else []))
            targets |= {stem} | {f"{stem}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            targets |= {a.name for a in node.names}
    return {t for t in targets if t in modules and t != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_module_is_in_a_layer() -> None:
    """A module outside the named layers would escape the check below."""
    stray = sorted(m for m in _modules() if _layer(m) is not None and _layer(m) not in ALLOWED)
    assert stray == []


def test_no_import_runs_back_up_a_layer() -> None:
    wrong = sorted(
        f"{a} -> {b}"
        for a, targets in _graph().items()
        for b in targets
        if _layer(a) and _layer(b) and _layer(a) != _layer(b) and _layer(b) not in ALLOWED[_layer(a) or ""]
    )
    assert wrong == []


def test_the_package_root_imports_no_layer() -> None:
    """`decision_flow/__init__.py` stays empty of imports, so importing any layer imports no other."""
    assert _graph()["decision_flow"] == set()


def test_no_two_modules_import_each_other() -> None:
    graph = _graph()
    pairs = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if a < b and a in graph[b])
    assert pairs == []


def test_no_import_cycle_at_all() -> None:
    """Longer cycles too (a -> b -> c -> a), found by a depth-first walk."""
    graph, state, cycles = _graph(), {}, []

    def walk(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(path[path.index(nxt) :] + [nxt]))
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    assert cycles == []


def _names_of_shipped_workflows() -> set[str]:
    from decision_flow.procedures import registry

    return {name for wf in registry().values() for name in [*(s.name for s in wf.stages), *wf.steps_by_name]}


def _string_constants(path: Path) -> set[str]:
    """The string literals of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


def test_stage_and_step_names_appear_only_under_procedures() -> None:
    """The engine, the rules, the store, the trail and the presentation are generic: a stage or
    step name in their code would make one procedure special."""
    names = _names_of_shipped_workflows()
    # the same word meaning something else where it appears
    other_meaning = {
        ("definition/loader.py", "consultation"),  # a key of the schema: a step the case's flags govern
        ("store/db.py", "revision"),  # Alembic's schema revision
    }
    found = sorted(
        f"{path.relative_to(PACKAGE)}: {name!r}"
        for path in PACKAGE.rglob("*.py")
        if "procedures" not in path.relative_to(PACKAGE).parts
        for name in _string_constants(path) & names
        if (str(path.relative_to(PACKAGE)), name) not in other_meaning
    )
    assert found == []
