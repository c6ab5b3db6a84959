"""Files dflow may recompute, kept where only the user can write them."""

from __future__ import annotations

import os
from pathlib import Path


def cache_home() -> Path:
    """Where dflow keeps what it may recompute: ``$XDG_CACHE_HOME/dflow`` (``~/.cache/dflow``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "dflow"


def is_private(path: Path) -> bool:
    """A cache entry is trusted only in a directory and a file that are the user's own and that
    nobody else can write (it is unpickled, or it vouches for a verification)."""
    try:
        for item in (path.parent, path):
            info = item.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True
