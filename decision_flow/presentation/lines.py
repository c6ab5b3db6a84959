"""A line of text for a person, printed without loading rich (issue 17: a change's one-line
report is most of what the commands print)."""

from __future__ import annotations

import sys


def message(text: str) -> None:
    """`text` as it is, on its own line: no markup read in it, never wrapped (as rich prints a
    plain Text with soft wrapping, which the tables and views around it use)."""
    sys.stdout.write(text + "\n")
