"""A table of plain text drawn as rich draws its default table, without loading rich.console
and rich.table (about 20 ms of a ``dflow list`` that takes under 90: issue 17).

:func:`draw` gives the bytes rich's ``Console(highlight=False, soft_wrap=True).print(Table(...))``
writes for a table of literal cells (the header in bold on a terminal, heavy head, light body,
one space either side of a cell), or None when rich must draw it: when the table is wider than
the screen (rich then folds cells), a cell holds a character rich would change (a control
character, a tab, a line break), a header is empty, or the stream is not UTF-8 (rich then draws
the box in ASCII). Widths are rich's own (:func:`rich.cells.cell_len`: a Chinese
character takes two cells), so the two agree byte for byte (tests/test_grid.py draws random
tables both ways, on a terminal and off it, at many widths).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from decision_flow.presentation.lines import dumb, is_terminal, styled

# rich.box.HEAVY_HEAD, the default box of rich.table.Table
_TOP, _HEAD, _HEAD_RULE, _BODY, _BOTTOM = "┏━┳┓", "┃┃┃", "┡━╇┩", "│││", "└─┴┘"
_B, _E = "\x1b[1m", "\x1b[0m"  # bold, and back to plain


def width(stream: TextIO) -> int:
    """The width rich gives a console on `stream` (rich.console.Console.size, in its order):
    COLUMNS when LINES is set too; else 80 on a dumb terminal; else COLUMNS, or the width of the
    first of stdin, stdout and stderr that is a terminal, or 80."""
    columns, lines = os.environ.get("COLUMNS"), os.environ.get("LINES")
    given = int(columns) if columns is not None and columns.isdigit() else None
    if given is not None and lines is not None and lines.isdigit():
        return given
    if is_terminal(stream) and dumb():
        return 80
    found = None
    for fd in (0, 1, 2):
        try:
            found = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return given if given is not None else found or 80


def _plain(cell: str) -> bool:
    """Whether rich prints `cell` as it is: no control characters (which rich strips or acts on)."""
    return cell.isprintable()


def draw(headers: Sequence[str], rows: Sequence[Sequence[str]], stream: TextIO | None = None) -> str | None:
    """The table as rich would print it on `stream` (stdout), or None if only rich can."""
    stream = stream or sys.stdout
    cells = [list(headers), *(list(row) for row in rows)]
    if any(len(row) != len(headers) for row in cells) or not all(_plain(c) for row in cells for c in row):
        return None
    if not headers or not all(headers):  # rich styles an empty header its own way; ours never are
        return None
    if not (getattr(stream, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None  # rich draws the box in ASCII where the stream takes no Unicode
    from rich.cells import cell_len  # rich's own widths: rich.cells alone, not its console

    lengths = [[cell_len(c) for c in row] for row in cells]
    widths = [max(row[i] for row in lengths) + 2 for i in range(len(headers))]
    if sum(widths) + len(widths) + 1 > width(stream):
        return None
    bold = styled(stream)

    def rule(box: str) -> str:
        return box[0] + box[2].join(box[1] * w for w in widths) + box[3]

    def line(row: list[str], sizes: list[int], box: str, strong: bool) -> str:
        texts = [c + " " * (w - n - 2) for c, n, w in zip(row, sizes, widths, strict=True)]
        if strong:  # as rich writes them: the padding either side and the text, each a bold segment
            return box[0] + box[1].join(f"{_B} {_E}{_B}{t}{_E}{_B} {_E}" for t in texts) + box[2]
        return box[0] + box[1].join(f" {text} " for text in texts) + box[2]

    out = [rule(_TOP), line(cells[0], lengths[0], _HEAD, bold), rule(_HEAD_RULE)]
    out += [line(row, sizes, _BODY, False) for row, sizes in zip(cells[1:], lengths[1:], strict=True)]
    out.append(rule(_BOTTOM))
    return "\n".join(out) + "\n"
