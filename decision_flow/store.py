"""The evidence store: files kept by the SHA-256 of their content, never by a user's name."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from decision_flow.errors import InvalidInput
from decision_flow.i18n import Msg

CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a file, read in chunks (memory stays flat)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class EvidenceStore:
    """Content-addressed files under `root` (``ab/abcdef…``), written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, source: Path) -> tuple[str, int]:
        """Copy `source` into the store; return its SHA-256 and size."""
        try:
            if not source.is_file():
                raise InvalidInput(Msg("evidence.not_a_file", {"path": str(source)}))
            self.root.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
            try:
                with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
                    dst.flush()
                    os.fsync(dst.fileno())
                sha = digest.hexdigest()
                target = self.path_for(sha)
                target.parent.mkdir(exist_ok=True)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise InvalidInput(
                Msg("evidence.unreadable", {"path": str(source), "why": exc.strerror or str(exc)})
            ) from None
        return sha, size

    def intact(self, sha256: str) -> bool:
        """Whether the stored file exists and still hashes to `sha256`."""
        path = self.path_for(sha256)
        return path.is_file() and sha256_file(path)[0] == sha256
