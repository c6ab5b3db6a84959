"""The README's "Using it" block, run verbatim by bash in a fresh directory (issue 19): every
command in it works as written, the refusal it shows is a refusal, and the trail verifies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def using_it() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Using it\n\n```bash\n") + len("## Using it\n\n```bash\n")
    return text[start : text.index("```\n", start)]


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("awk") is None, reason="needs bash and awk")
def test_the_readme_using_it_block_runs_verbatim(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "DFLOW_DB": str(tmp_path / "dflow.db"),
        "DFLOW_KEYS": str(tmp_path / "keys"),
        "LANG": "C.UTF-8",
        "COLUMNS": "120",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", using_it()], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "refused (exit 3): the consultation steps come first" in done.stdout
    assert "flag technical set to True; reopened: expert_review" in done.stdout
    assert "audit trail verified:" in done.stdout
    assert "Traceback" not in done.stderr
