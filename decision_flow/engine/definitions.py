"""Workflow definitions pinned per case (流程定义版本): which definition a case runs and which
one a new case gets.

A case records the name, version and SHA-256 of the definition it was created under, and runs
exactly that definition to its end, on every terminal. The definition is found by its SHA-256
among the shipped files, their earlier versions (``workflows/history``) and the definitions kept
in the database (``workflow_definitions``); the one a case is created under is kept there in the
same transaction, so a terminal running another release of the package still finds it. A new
case gets the newest version of its workflow, shipped or installed. One (name, version) has one
text: a changed file needs a new version (installing and migrating: :mod:`.versions`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from decision_flow import procedures
from decision_flow.core.errors import IntegrityError, NotFound, WorkflowError
from decision_flow.core.i18n import Msg
from decision_flow.definition.cache import load_keyed
from decision_flow.definition.workflow import Workflow
from decision_flow.store.rows import Decision
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.store.tx import Tx

_by_sha: dict[str, Workflow] = {}  # every definition resolved in this process
_history: dict[str, Workflow] | None = None


def shipped_named(name: str) -> Workflow | None:
    """The shipped workflow `name`, if there is one."""
    try:
        return procedures.get(name)
    except NotFound:
        return None


def _history_by_sha() -> dict[str, Workflow]:
    """The earlier shipped versions, by SHA-256 (loaded once per process, through the cache)."""
    global _history
    if _history is None:
        from decision_flow.definition.cache import load_cached

        _history = {}
        for path in procedures.history().values():
            wf = load_cached(path, procedures.load_history)
            _history[wf.sha256] = wf
    return _history


def _stored(s: Tx, sha: str) -> Workflow | None:
    """A definition kept in the database, parsed (once per text, through the cache)."""
    row = cursor_of(s).one("SELECT name, version, text, base_sha256 FROM workflow_definitions WHERE sha256 = ?", sha)
    if row is None:
        return None
    name, version, text, base_sha = row
    if _sha_of_text(str(text), base_sha) != sha:  # the stored text was edited: not what cases recorded
        raise IntegrityError(Msg("workflow.stored_altered", {"name": name, "version": version, "sha256": sha}))
    base = by_sha(s, base_sha) if base_sha else None
    source = f"{name}@{version} (database)"

    def load() -> Workflow:
        return procedures.load_text(text, source, (lambda _name: base) if base is not None else None)

    return load_keyed(b"stored\0" + sha.encode(), load, lambda found: found.sha256 == sha and found.text == text)


def _sha_of_text(text: str, base_sha: str | None) -> str:
    """A definition's SHA-256 from its text and the SHA-256 of what it extends (as
    :func:`decision_flow.definition.loader.parse` computes it)."""
    own = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return hashlib.sha256(f"{base_sha}\n{own}".encode()).hexdigest() if base_sha else own


def by_sha(s: Tx, sha: str, name: str | None = None) -> Workflow:
    """The definition whose SHA-256 is `sha` (`name`, if known, finds a shipped one at once)."""
    wf = _by_sha.get(sha)
    if wf is not None:
        return wf
    if name:
        shipped = shipped_named(name)
    else:
        shipped = next((w for w in procedures.registry().values() if w.sha256 == sha), None)
    if shipped is not None and shipped.sha256 == sha:
        wf = shipped
    else:
        wf = _history_by_sha().get(sha) or _stored(s, sha)
    if wf is None:
        raise NotFound(Msg("workflow.definition_missing", {"name": name or "?", "sha256": sha}))
    _by_sha[sha] = wf
    return wf


def of_case(s: Tx, dec: Decision) -> Workflow:
    """The definition `dec` was created under (or last migrated to), exactly."""
    wf = by_sha(s, dec.workflow_sha256, dec.workflow)
    if (wf.name, wf.version) != (dec.workflow, dec.workflow_version):
        raise IntegrityError(
            Msg(
                "workflow.case_mismatch",
                {
                    "id": dec.id,
                    "name": dec.workflow,
                    "version": dec.workflow_version,
                    "found": f"{wf.name} v{wf.version}",
                },
            )
        )
    return wf


def viewed(name: str, version: int) -> Workflow:
    """The definition of a case just read in this process (by :func:`of_case`), for drawing it;
    else the shipped file or its earlier version of that name and version."""
    for wf in _by_sha.values():
        if (wf.name, wf.version) == (name, version):
            return wf
    shipped = shipped_named(name)
    if shipped is not None and shipped.version == version:
        return shipped
    for wf in _history_by_sha().values():
        if (wf.name, wf.version) == (name, version):
            return wf
    raise NotFound(Msg("workflow.version_unknown", {"name": name, "version": version}))


def newest_row(s: Tx, name: str) -> tuple[str, int] | None:
    row = cursor_of(s).one(
        "SELECT sha256, version FROM workflow_definitions WHERE name = ? ORDER BY version DESC LIMIT 1", name
    )
    return (str(row[0]), int(row[1])) if row else None


def newest(s: Tx, name: str) -> Workflow:
    """The definition a new case of `name` gets: the newest version, shipped or kept in the
    database (installed by an admin, or shipped with a newer release another terminal runs)."""
    shipped, row = shipped_named(name), newest_row(s, name)
    if row is None and shipped is None:
        known = sorted({p.stem for p in procedures.shipped()} | _stored_names(s))
        raise NotFound(Msg("workflow.unknown", {"name": name[:100], "known": ", ".join(known)}))
    if row is not None and (shipped is None or row[1] > shipped.version):
        return by_sha(s, row[0], name)
    if shipped is not None and row is not None and row[1] == shipped.version and row[0] != shipped.sha256:
        raise WorkflowError(Msg("workflow.version_differs", {"name": name, "version": shipped.version}))
    assert shipped is not None
    return shipped


def base_for(s: Tx, name: str, own: tuple[str, int] | None) -> Workflow:
    """What a file `extends` when it names `name`: the newest version of it, or, for a file of
    that same name (a locality's stricter version of a shipped procedure), the newest version
    below the file's own, so a file never extends itself."""
    if own is None or own[0] != name:
        return newest(s, name)
    candidates = [shipped_named(name), _newest_below(s, name, own[1]), *_history_by_sha().values()]
    below = [wf for wf in candidates if wf is not None and wf.name == name and wf.version < own[1]]
    if not below:
        raise NotFound(Msg("workflow.version_unknown", {"name": name, "version": own[1] - 1}))
    return max(below, key=lambda wf: wf.version)


def _newest_below(s: Tx, name: str, version: int) -> Workflow | None:
    row = cursor_of(s).one(
        "SELECT sha256 FROM workflow_definitions WHERE name = ? AND version < ? ORDER BY version DESC LIMIT 1",
        name,
        version,
    )
    return by_sha(s, str(row[0]), name) if row else None


def _stored_names(s: Tx) -> set[str]:
    return {str(r[0]) for r in cursor_of(s).all("SELECT DISTINCT name FROM workflow_definitions")}


def version_of(s: Tx, name: str, version: int) -> Workflow:
    """The definition `name` at `version`: shipped, an earlier shipped version, or kept in the database."""
    shipped = shipped_named(name)
    if shipped is not None and shipped.version == version:
        return shipped
    row = cursor_of(s).one("SELECT sha256 FROM workflow_definitions WHERE name = ? AND version = ?", name, version)
    if row is not None:
        return by_sha(s, str(row[0]), name)
    for wf in _history_by_sha().values():
        if (wf.name, wf.version) == (name, version):
            return wf
    raise NotFound(Msg("workflow.version_unknown", {"name": name, "version": version}))


def keep(s: Tx, wf: Workflow, origin: str, at: str, by: str) -> None:
    """Keep `wf` (and what it extends) in the database, if it is not there yet, in the caller's
    transaction (a change's, with its time `at` and user `by`); a different text kept under the
    same name and version is refused."""
    raw = cursor_of(s)
    found = raw.one("SELECT sha256 FROM workflow_definitions WHERE name = ? AND version = ?", wf.name, wf.version)
    if found is not None:
        if found[0] != wf.sha256:
            raise WorkflowError(Msg("workflow.version_differs", {"name": wf.name, "version": wf.version}))
        return
    if wf.base_sha256:
        keep(s, by_sha(s, wf.base_sha256, wf.extends), "shipped", at, by)  # an installed base is kept already
    raw.run(
        "INSERT INTO workflow_definitions (sha256, name, version, procedure, text, base_sha256, origin, recorded_at,"
        " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        wf.sha256,
        wf.name,
        wf.version,
        wf.procedure,
        wf.text,
        wf.base_sha256,
        origin,
        at,
        by,
    )
    again = raw.one("SELECT sha256 FROM workflow_definitions WHERE name = ? AND version = ?", wf.name, wf.version)
    if again is None or again[0] != wf.sha256:  # another terminal kept another text meanwhile
        raise WorkflowError(Msg("workflow.version_differs", {"name": wf.name, "version": wf.version}))
    _by_sha[wf.sha256] = wf


def altered(s: Tx) -> tuple[str, int, str, int | None, str | None] | None:
    """The first kept definition whose text no longer hashes to the SHA-256 cases recorded
    (name, version, sha256, and the first event that names it: its seq and chain), or None."""
    rows = cursor_of(s).all(
        "SELECT sha256, name, version, text, base_sha256 FROM workflow_definitions ORDER BY name, version"
    )
    for sha, name, version, text, base in rows:
        if _sha_of_text(str(text), base) != sha:
            first = cursor_of(s).one(
                "SELECT seq, chain FROM audit_events WHERE data LIKE ?"
                " ORDER BY CASE WHEN chain = 'registry' THEN 0 ELSE 1 END, chain, seq LIMIT 1",
                f"%{sha}%",
            )
            named = (int(first[0]), str(first[1])) if first is not None else (None, None)
            return str(name), int(version), str(sha), *named
    return None
