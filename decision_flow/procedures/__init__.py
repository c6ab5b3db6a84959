"""The procedures the engine hosts, one folder each: its invariants, legal gates, separation of
duties and articles. Stage and step names appear only here and in the workflow files.

A workflow file names its procedure (``procedure = "major-decision"``); :func:`load_file` is
the one way a file becomes a :class:`~decision_flow.definition.workflow.Workflow`: parsed
(with its ``extends`` base), its rule kinds checked, then the named procedure's invariants.
:func:`get` and :func:`registry` give the shipped workflows, each loaded once per process.

To add a procedure: a folder here with a :class:`~decision_flow.procedures.model.Procedure`
(see ``major_decision/__init__.py``),
listed in :data:`PROCEDURES`, and its TOML files in ``workflows/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from decision_flow.core.errors import NotFound, WorkflowError
from decision_flow.core.i18n import Msg, os_error

if TYPE_CHECKING:  # parsing and checking a file load the loader, the rules and the procedures' model
    from decision_flow.definition.workflow import Workflow
    from decision_flow.procedures.model import Procedure, Setting

# Each procedure's key and its folder (its package is imported when the procedure is first asked
# for: a command about one case loads that case's procedure alone).
_FOLDERS = {
    "major-decision": "major_decision",
    "normative-document": "normative_document",
    "petition": "petition",
    "mediation": "mediation",
    "enforcement-decision": "enforcement_decision",
}


class _Procedures(Mapping[str, "Procedure"]):
    """The procedures by key, in the order above, each loaded on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, Procedure] = {}

    def __getitem__(self, key: str) -> Procedure:
        found = self._loaded.get(key)
        if found is None:
            procedure: Procedure = import_module(f"{__name__}.{_FOLDERS[key]}").PROCEDURE
            if procedure.key != key:
                raise RuntimeError(f"procedures/{_FOLDERS[key]} holds {procedure.key!r}, not {key!r}")  # a bug
            found = self._loaded[key] = procedure
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(_FOLDERS)

    def __len__(self) -> int:
        return len(_FOLDERS)


PROCEDURES: Mapping[str, Procedure] = _Procedures()


def of(wf: Workflow) -> Procedure:
    """The procedure a (loaded, so valid) workflow follows."""
    return PROCEDURES[wf.procedure]


def check(wf: Workflow, invariants: bool = True) -> Workflow:
    """The rule kinds and (unless not `invariants`) the named procedure's invariants of a parsed
    workflow."""
    from decision_flow.procedures.common import check_links, check_settings, check_steps
    from decision_flow.rules import check_specs

    if wf.procedure not in PROCEDURES:
        known = ", ".join(sorted(PROCEDURES))
        raise WorkflowError.at(wf.source, "procedure", "wf.unknown_procedure", name=wf.procedure, known=known)
    check_settings(wf, PROCEDURES[wf.procedure])
    check_specs(wf)
    check_steps(wf)
    if invariants:
        PROCEDURES[wf.procedure].check(wf)
    check_links(wf)
    return wf


def unset_settings(wf: Workflow) -> list[Setting]:
    """The locality settings a (loaded) workflow leaves unset: none, unless it is an abstract
    base, which opens no cases until a locality's file extends it and sets them."""
    from decision_flow.procedures.common import missing_settings

    return missing_settings(wf, of(wf))


def read_text(path: Path) -> str:
    """A workflow file's text, or a WorkflowError that names the file and the trouble."""
    source = str(path)
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise WorkflowError(Msg("wf.no_file", {"source": source})) from None
    except UnicodeDecodeError as exc:
        raise WorkflowError(Msg("wf.not_utf8", {"source": source, "byte": exc.start})) from None
    except IsADirectoryError:
        raise WorkflowError(Msg("wf.folder", {"source": source})) from None
    except OSError as exc:
        raise WorkflowError(Msg("wf.unreadable", {"source": source, "why": os_error(exc)})) from None
    except ValueError:  # e.g. a NUL byte in the path
        raise WorkflowError(Msg("wf.bad_file_name", {"source": repr(path)})) from None


def load_text(text: str, source: str, base: Callable[[str], Workflow] | None = None) -> Workflow:
    """Parse and fully validate a workflow's text; an ``extends`` names a shipped workflow
    unless `base` resolves names otherwise."""
    from decision_flow.definition.loader import parse

    return check(parse(text, source, base or get))


def load_file(path: Path) -> Workflow:
    """Load and fully validate (schema, rule kinds, the procedure's invariants) one file."""
    return load_text(read_text(path), str(path))


# Files written before a workflow named its procedure were all of Decree 713's.
LEGACY_PROCEDURE = "major-decision"


def history() -> dict[tuple[str, int], Path]:
    """Earlier versions of the shipped files (``workflows/history/NAME@VERSION.toml``), kept
    byte for byte so a case created under one runs it to the end."""
    root = _workflows() / "history"
    found = {}
    for item in root.iterdir() if root.is_dir() else ():
        stem, _, version = item.name.removesuffix(".toml").rpartition("@")
        if item.name.endswith(".toml") and stem and version.isdigit():
            found[(stem, int(version))] = item
    return found


def load_history(path: Path, base: Callable[[str], Workflow] | None = None) -> Workflow:
    """Load an earlier shipped version (its `extends`, if any, resolved by `base`). It met the
    invariants of its release; a later release may ask more of a new file (e.g. a period that
    refuses rather than marks), but a case created under the old version runs it to its end."""
    from decision_flow.definition.loader import parse

    return check(parse(read_text(path), str(path), base or get, procedure=LEGACY_PROCEDURE), invariants=False)


def shipped() -> list[Path]:
    """The shipped workflow files, a base before the files that extend it (by name: a
    township variant is named after its county file)."""
    return sorted((p for p in _workflows().iterdir() if p.name.endswith(".toml")), key=lambda p: p.stem)


def _workflows() -> Path:
    """The folder of the shipped files: the package ``decision_flow.workflows`` (``workflows/`` in a
    checkout, mapped by pyproject), found by its own ``__file__`` as it is imported; always a
    folder, as the package is installed unzipped (importlib.resources with its zipfile and
    tempfile would cost a command 3 ms)."""
    return Path(str(import_module("decision_flow.workflows").__file__)).parent


_cache: dict[str, Workflow] = {}
_loading: set[str] = set()


def _current(wf: Workflow) -> bool:
    """A cached workflow that extends another is current only while its base is unchanged."""
    return wf.extends is None or get(wf.extends).sha256 == wf.base_sha256


def get(name: str) -> Workflow:
    """The shipped workflow `name` (the file ``workflows/NAME.toml``), or NotFound."""
    if name in _cache:
        return _cache[name]
    path = next((p for p in shipped() if p.stem == name), None)
    if path is None:
        known = ", ".join(p.stem for p in shipped())
        raise NotFound(Msg("workflow.unknown", {"name": name[:100], "known": known}))
    if name in _loading:
        chain = ", ".join(sorted(_loading))
        raise WorkflowError.at(str(path), "extends", "wf.extends_itself", chain=chain)
    from decision_flow.definition.cache import load_cached

    _loading.add(name)
    try:
        wf = load_cached(path, load_file, _current)
    finally:
        _loading.discard(name)
    if wf.name != name:
        raise WorkflowError.at(str(path), "name", "wf.name_mismatch", got=wf.name, name=name)
    _cache[name] = wf
    return wf


def known_choices() -> dict[str, frozenset[str]]:
    """Every choice a field of that name takes in any shipped workflow (e.g. the meeting types of
    both levels): a value known there but not allowed here is the law's exclusion, not a typo."""
    global _known
    if _known is None:
        found: dict[str, set[str]] = {}
        for wf in registry().values():
            for step in wf.steps():
                for f in step.fields:
                    found.setdefault(f.name, set()).update(f.choices)
        _known = {name: frozenset(choices) for name, choices in found.items()}
    return _known


_known: dict[str, frozenset[str]] | None = None


def registry() -> dict[str, Workflow]:
    """Every shipped workflow by name, loaded once per process (and parsed once per file
    version, through the on-disk cache)."""
    return {path.stem: get(path.stem) for path in shipped()}
