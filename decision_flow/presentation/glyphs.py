"""Text drawn as glyph outlines for an SVG picture (文字轮廓): each character's shape taken from
the two fonts dflow ships (DejaVu Sans for Latin letters, digits and symbols, Droid Sans Fallback
for Chinese, as the PDF export uses them), so the picture looks the same on any machine, with or
without Chinese fonts, in a browser, a word processor or a converter. Each glyph's outline is
written once (``<defs>``) and placed where it is used (``<use>``); the words themselves are kept
in each drawing's ``<title>``, for search and screen readers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from fontTools.pens.svgPathPen import SVGPathPen  # type: ignore[import-untyped]  # fontTools ships no type hints
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

FONTS = ("DejaVuSans.ttf", "DroidSansFallbackFull.ttf")  # tried in this order for each character


@dataclass
class _Font:
    """One font: its characters' glyph names, advances, its em size, and its outlines."""

    key: str
    cmap: dict[int, str]
    advances: dict[str, int]
    em: int
    glyphs: Any  # fontTools' glyph set

    @classmethod
    def load(cls, key: str, name: str) -> _Font:
        data = (resources.files("decision_flow") / "fonts" / name).read_bytes()
        font = TTFont(io.BytesIO(data), lazy=True)  # read whole: no file is left open while glyphs are drawn
        advances = {glyph: width for glyph, (width, _lsb) in font["hmtx"].metrics.items()}
        return cls(key, font.getBestCmap(), advances, font["head"].unitsPerEm, font.getGlyphSet())


class Glyphs:
    """Measures text and draws it as outlines; :meth:`defs` gives the outlines used so far."""

    def __init__(self) -> None:
        self.fonts = [_Font.load(f"f{i}", name) for i, name in enumerate(FONTS)]
        self._paths: dict[str, str] = {}  # id -> outline path data, in font units (y up)

    def _glyph(self, ch: str) -> tuple[_Font, str]:
        """The font and glyph a character is drawn with (the first font's missing-glyph box if none has it)."""
        for font in self.fonts:
            name = font.cmap.get(ord(ch))
            if name is not None:
                return font, name
        return self.fonts[0], ".notdef"

    def width(self, text: str, size: float) -> float:
        """How wide `text` is at `size` (pixels per em)."""
        total = 0.0
        for ch in text:
            font, name = self._glyph(ch)
            total += font.advances.get(name, 0) * size / font.em
        return total

    def draw(self, text: str, x: float, y: float, size: float, fill: str, anchor: str = "start") -> str:
        """`text` on the baseline `y` from `x` (or centred on it, or ending at it: `anchor` is
        start, middle or end), as SVG: a group of placed glyphs with the text as its title."""
        if anchor != "start":
            x -= self.width(text, size) / (2 if anchor == "middle" else 1)
        parts = [f'<g fill="{fill}"><title>{escape(text)}</title>']
        for ch in text:
            font, name = self._glyph(ch)
            scale = size / font.em
            if not ch.isspace():
                ref = self._outline(font, name)
                parts.append(
                    f'<use xlink:href="#{ref}" transform="translate({x:.2f} {y:.2f}) scale({scale:.5f} {-scale:.5f})"/>'
                )
            x += font.advances.get(name, 0) * scale
        parts.append("</g>")
        return "".join(parts)

    def _outline(self, font: _Font, name: str) -> str:
        ref = f"{font.key}-{_safe(name)}"
        if ref not in self._paths:
            pen = SVGPathPen(font.glyphs)
            font.glyphs[name].draw(pen)
            self._paths[ref] = pen.getCommands()
        return ref

    def defs(self) -> str:
        """The outlines placed so far, for the picture's ``<defs>``."""
        return "".join(f'<path id="{ref}" d="{d}"/>' for ref, d in self._paths.items())


def _safe(name: str) -> str:
    """A glyph name as an XML id (names like ``uni6C99`` or ``.notdef``)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else f"_{ord(c):x}" for c in name)
