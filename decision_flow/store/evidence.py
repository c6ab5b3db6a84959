"""The evidence store: files kept by the SHA-256 of their content, never by a user's name.

Beside an SQLite file they live in a directory (:class:`EvidenceStore`); with a shared server
database they live inside it (:class:`DatabaseStore`), so every terminal sees them, they commit
with the change that attaches them, and one backup holds everything.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg
from decision_flow.store.tx import cursor_of

if TYPE_CHECKING:
    from decision_flow.store.db import Database
    from decision_flow.store.tx import Tx

CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a file, read in chunks (memory stays flat)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _sync_dir(path: Path) -> None:
    """fsync a directory, so a file just renamed into it survives a crash (POSIX)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class EvidenceStore:
    """Content-addressed files under `root` (``ab/abcdef…``), written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, source: Path, session: Tx | None = None) -> tuple[str, int]:
        """Copy `source` into the store; return its SHA-256 and size. (A file written here
        for a change that is then refused is harmless: it is named by its content.)"""
        try:
            if not source.is_file():
                raise InvalidInput(Msg("evidence.not_a_file", {"path": str(source)}))
            self.root.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            import tempfile  # a file is stored on a change that attaches one: loaded for it

            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
            try:
                with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
                    sha = digest.hexdigest()
                    target = self.path_for(sha)
                    if target.is_file() and target.stat().st_size == size:
                        Path(tmp).unlink()  # these bytes are stored already: no second copy, no fsync
                        return sha, size
                    dst.flush()
                    os.fsync(dst.fileno())
                target.parent.mkdir(exist_ok=True)
                os.replace(tmp, target)
                _sync_dir(target.parent)  # the new name is durable too, not only the bytes
                _sync_dir(self.root)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise InvalidInput(
                Msg("evidence.unreadable", {"path": str(source), "why": exc.strerror or str(exc)})
            ) from None
        return sha, size

    def read(self, sha256: str) -> bytes | None:
        """The stored bytes of `sha256`, or None."""
        path = self.path_for(sha256)
        return path.read_bytes() if path.is_file() else None

    def intact(self, sha256: str) -> bool:
        """Whether the stored file exists and still hashes to `sha256`."""
        path = self.path_for(sha256)
        return path.is_file() and sha256_file(path)[0] == sha256


class DatabaseStore:
    """Evidence bytes in the `evidence_blobs` table of a server database, written in the
    session of the change that attaches them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, source: Path, session: Tx | None = None) -> tuple[str, int]:
        """Store `source` in the change's own transaction; return its SHA-256 and size."""
        assert session is not None, "a server database stores evidence inside the change's transaction"
        try:
            if not source.is_file():
                raise InvalidInput(Msg("evidence.not_a_file", {"path": str(source)}))
            content = source.read_bytes()
        except OSError as exc:
            raise InvalidInput(
                Msg("evidence.unreadable", {"path": str(source), "why": exc.strerror or str(exc)})
            ) from None
        sha = hashlib.sha256(content).hexdigest()
        # two terminals attaching the same file at once: the second's insert does nothing
        cursor_of(session).run(
            "INSERT INTO evidence_blobs (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
            sha,
            len(content),
            content,
        )
        return sha, len(content)

    def read(self, sha256: str) -> bytes | None:
        """The stored bytes of `sha256`, or None."""
        with self.db.reading() as cur:
            found = cur.one("SELECT content FROM evidence_blobs WHERE sha256 = ?", sha256)
            return bytes(found[0]) if found is not None else None

    def intact(self, sha256: str) -> bool:
        """Whether the stored bytes exist and still hash to `sha256`."""
        content = self.read(sha256)
        return content is not None and hashlib.sha256(content).hexdigest() == sha256


def store_for(db: Database) -> EvidenceStore | DatabaseStore:
    """Files beside an SQLite database; inside the database for a server."""
    return EvidenceStore(db.evidence_dir) if db.is_sqlite else DatabaseStore(db)
