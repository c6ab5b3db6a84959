"""A PDF file written while it is drawn (边绘边写的 PDF): each page's content goes to the file as
soon as the page is done, so a document of any length takes about the memory of one page.

Only what the audit-trail PDF and the annual report need, in plain PDF 1.4: pages of one size,
lines, filled boxes, colours, text in TrueType fonts embedded as Type 0 fonts, and pictures
(8-bit RGB image XObjects, compressed with FlateDecode as every other stream here). A character's
code is fixed the first time it is drawn, and the subset keeps the fonts' glyph ids, so nothing
about the subset has to be known while pages are written; it is made with fontTools (as fpdf2
makes its own) when the file is closed.

What depends on the page count (第 N 页 共 M 页) cannot be drawn before the last page, so every
page has a second content stream, drawn and written at close; until then only its object number
is kept. Units are PDF points with the origin at the bottom left.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

from fontTools import subset  # type: ignore[import-untyped]  # fontTools ships no type hints
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

Color = tuple[int, int, int]
BLACK: Color = (0, 0, 0)
LINE_WIDTH = 0.57  # points (0.2 mm, as fpdf2 draws)
# Tables a PDF viewer never reads from an embedded TrueType font (fpdf2 drops the same).
UNUSED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "kern", "vhea", "vmtx"]


class Face:
    """A TrueType font to draw with: each character's glyph id and advance (in 1/1000 em) for
    layout, and the characters drawn so far, which are all that its embedded subset holds.

    Each character drawn gets the next code (CID), as fpdf2 does, so that text extraction gives
    back the very character even where two share a glyph; CIDToGIDMap leads from code to glyph."""

    def __init__(self, path: str) -> None:
        self.path = path
        font = TTFont(path, lazy=True)
        try:
            scale = 1000 / font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            self.glyphs: dict[int, tuple[int, int]] = {
                code: (font.getGlyphID(name), round(metrics[name][0] * scale + 0.001))
                for code, name in font.getBestCmap().items()
            }
            self.name = re.sub("[ ()]", "", font["name"].getBestFullName())
            self.missing_width = round(metrics[font.getGlyphOrder()[0]][0] * scale)
            head, hhea, os2, post = font["head"], font["hhea"], font["OS/2"], font["post"]
            self.descriptor = (
                f"/Flags 4 /FontBBox [{head.xMin * scale:.0f} {head.yMin * scale:.0f} {head.xMax * scale:.0f}"
                f" {head.yMax * scale:.0f}] /ItalicAngle {int(post.italicAngle)}"
                f" /Ascent {round(hhea.ascent * scale)} /Descent {round(hhea.descent * scale)}"
                f" /CapHeight {round(getattr(os2, 'sCapHeight', hhea.ascent) * scale)}"
                f" /StemV {round(50 + (os2.usWeightClass / 65) ** 2)} /MissingWidth {self.missing_width}"
            )
        finally:
            font.close()
        self.used: list[str] = [""]  # the characters drawn, by code; code 0 is the missing glyph
        self._codes: dict[str, str] = {}

    def encode(self, text: str) -> str:
        """`text` (characters this font has) as the hex string of its codes."""
        out = []
        for ch in text:
            code = self._codes.get(ch)
            if code is None:
                code = self._codes[ch] = f"{len(self.used):04X}"
                self.used.append(ch)
            out.append(code)
        return "".join(out)

    def subset(self) -> bytes:
        """The font file with only the glyphs drawn, each at its original glyph id."""
        font = TTFont(self.path)
        try:
            for tag in UNUSED_TABLES:  # removed before subsetting, which would otherwise read them
                if tag in font:
                    del font[tag]
            options = subset.Options(notdef_outline=True, recommended_glyphs=True, retain_gids=True)
            subsetter = subset.Subsetter(options)
            subsetter.populate(gids=sorted({self.glyphs[ord(ch)][0] for ch in self.used[1:]}))
            subsetter.subset(font)
            out = io.BytesIO()
            font.save(out)
            return out.getvalue()
        finally:
            font.close()

    def widths(self) -> str:
        """The /W array: the advance of each code from 1 on."""
        return f"[1 [{' '.join(str(self.glyphs[ord(ch)][1]) for ch in self.used[1:])}]]"

    def cid_to_gid(self) -> bytes:
        """The CIDToGIDMap: each code's glyph id, two bytes each (the subset keeps glyph ids)."""
        return b"\0\0" + b"".join(self.glyphs[ord(ch)][0].to_bytes(2, "big") for ch in self.used[1:])

    def to_unicode(self) -> bytes:
        """The ToUnicode CMap: the character each code stands for (text extraction, search)."""
        pairs = [f"<{code:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for code, ch in enumerate(self.used) if ch]
        blocks = (pairs[i : i + 100] for i in range(0, len(pairs), 100))
        body = "".join(f"{len(b)} beginbfchar\n" + "\n".join(b) + "\nendbfchar\n" for b in blocks)
        return (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
        ).encode("ascii")


class Canvas:
    """The content stream of one page being drawn."""

    def __init__(self, fonts: dict[Face, str]) -> None:
        self._fonts = fonts
        self._ops: list[str] = ["q", f"{LINE_WIDTH} w"]
        self._fill: Color = BLACK
        self._stroke: Color = BLACK
        self._font: tuple[str, float] = ("", 0.0)

    def text(self, x: float, y: float, face: Face, size: float, text: str, color: Color = BLACK) -> None:
        """Draw `text` (characters `face` has) with its baseline starting at (x, y)."""
        if color != self._fill:
            self._ops.append(f"{_rgb(color)} rg")
            self._fill = color
        font = (self._fonts[face], size)
        set_font = f"/{font[0]} {size:.2f} Tf " if font != self._font else ""
        self._font = font
        self._ops.append(f"BT {set_font}{x:.2f} {y:.2f} Td <{face.encode(text)}> Tj ET")

    def line(self, x1: float, y1: float, x2: float, y2: float, color: Color = BLACK) -> None:
        if color != self._stroke:
            self._ops.append(f"{_rgb(color)} RG")
            self._stroke = color
        self._ops.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    def box(self, x: float, y: float, w: float, h: float, color: Color) -> None:
        """A filled rectangle with no outline; (x, y) is its bottom left corner."""
        self._ops.append(f"{_rgb(color)} rg {x:.2f} {y:.2f} {w:.2f} {h:.2f} re f")
        self._fill = color

    def image(self, name: str, x: float, y: float, w: float, h: float) -> None:
        """Draw the picture `name` (:meth:`PdfFile.image`) scaled into the w × h box whose bottom
        left corner is (x, y): the image space's unit square is mapped onto it with ``cm``."""
        self._ops.append(f"q {w:.2f} 0 0 {h:.2f} {x:.2f} {y:.2f} cm /{name} Do Q")

    def content(self) -> bytes:
        """The stream, its graphics state saved and restored so that the next one starts afresh."""
        return "\n".join([*self._ops, "Q"]).encode("ascii")


class PdfFile:
    """A PDF written to `out` page by page. Draw each page on the canvas `new_page` returns, hand
    it back to `end_page`, and `close` with a function that draws each page's last layer once the
    page count is known."""

    def __init__(self, out: BinaryIO, size: tuple[float, float], faces: Sequence[Face]) -> None:
        self.out = out
        self.size = size
        self.fonts = {face: f"F{n}" for n, face in enumerate(faces, 1)}
        self._pos = 0
        self._offsets: list[int] = [0]  # by object number; 0 while reserved but not yet written
        self._pages: list[tuple[int, int]] = []  # (page object, its content stream written at close)
        self._images: dict[str, int] = {}  # resource name -> image XObject
        self._put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._catalog, self._root, self._resources = self._reserve(), self._reserve(), self._reserve()

    def new_page(self) -> Canvas:
        return Canvas(self.fonts)

    def end_page(self, canvas: Canvas) -> None:
        """Write the page and its content now; only two object numbers are kept."""
        content, late, page = self._reserve(), self._reserve(), self._reserve()
        self._stream(content, canvas.content())
        self._object(
            page,
            f"<< /Type /Page /Parent {self._root} 0 R /MediaBox [0 0 {self.size[0]:.2f} {self.size[1]:.2f}]"
            f" /Resources {self._resources} 0 R /Contents [{content} 0 R {late} 0 R] >>",
        )
        self._pages.append((page, late))

    def image(self, width: int, height: int, rgb: bytes) -> str:
        """Write a picture now (`width` × `height` pixels, rows top to bottom, 3 bytes each) as an
        image XObject, and return the name a canvas draws it by (:meth:`Canvas.image`)."""
        if len(rgb) != width * height * 3:
            raise ValueError(f"{len(rgb)} bytes are not {width} × {height} RGB pixels")
        name, number = f"Im{len(self._images) + 1}", self._reserve()
        kind = "/Type /XObject /Subtype /Image /ColorSpace /DeviceRGB /BitsPerComponent 8"
        self._stream(number, rgb, f"{kind} /Width {width} /Height {height}")
        self._images[name] = number
        return name

    @property
    def pages(self) -> int:
        return len(self._pages)

    def close(self, last_layer: Callable[[Canvas, int, int], None], title: str, created: datetime) -> None:
        """Draw every page's last layer (`last_layer(canvas, number, total)`), embed the fonts,
        and write the document's structure; the caller closes `out`."""
        total = len(self._pages)
        for number, (_, late) in enumerate(self._pages, 1):
            canvas = self.new_page()
            last_layer(canvas, number, total)
            self._stream(late, canvas.content())
        fonts = " ".join(f"/{name} {self._font(face)} 0 R" for face, name in self.fonts.items())
        images = " ".join(f"/{name} {number} 0 R" for name, number in self._images.items())
        pictures = f" /XObject << {images} >> /ProcSet [/PDF /Text /ImageC]" if images else " /ProcSet [/PDF /Text]"
        self._object(self._resources, f"<< /Font << {fonts} >>{pictures} >>")
        kids = " ".join(f"{page} 0 R" for page, _ in self._pages)
        self._object(self._root, f"<< /Type /Pages /Kids [{kids}] /Count {total} >>")
        self._object(self._catalog, f"<< /Type /Catalog /Pages {self._root} 0 R /Lang (zh-CN) >>")
        info = self._reserve()
        stamp = created.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")
        self._object(
            info,
            f"<< /Title <{_text(title)}> /Creator (decision-flow) /Producer (decision-flow) /CreationDate ({stamp}) >>",
        )
        start = self._pos
        rows = "".join(f"{offset:010d} 00000 n \n" for offset in self._offsets[1:])
        self._put(f"xref\n0 {len(self._offsets)}\n0000000000 65535 f \n{rows}".encode("ascii"))
        self._put(
            f"trailer\n<< /Size {len(self._offsets)} /Root {self._catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n".encode("ascii")
        )

    # ------------------------------------------------------------------ objects

    def _font(self, face: Face) -> int:
        """Embed `face`'s subset; return the number of its Type 0 font object."""
        data = face.subset()
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
        name = f"{tag}+{face.name}"
        file, descriptor, cid_font, cid_to_gid, to_unicode, font = (self._reserve() for _ in range(6))
        self._stream(file, data, f"/Length1 {len(data)}")
        self._object(
            descriptor, f"<< /Type /FontDescriptor /FontName /{name} {face.descriptor} /FontFile2 {file} 0 R >>"
        )
        self._object(
            cid_font,
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name}"
            " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            f" /FontDescriptor {descriptor} 0 R /DW {face.missing_width} /W {face.widths()}"
            f" /CIDToGIDMap {cid_to_gid} 0 R >>",
        )
        self._stream(cid_to_gid, face.cid_to_gid())
        self._stream(to_unicode, face.to_unicode())
        self._object(
            font,
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H"
            f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>",
        )
        return font

    def _reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _object(self, number: int, body: str | bytes) -> None:
        self._offsets[number] = self._pos
        data = body.encode("ascii") if isinstance(body, str) else body
        self._put(b"%d 0 obj\n%s\nendobj\n" % (number, data))

    def _stream(self, number: int, data: bytes, extra: str = "") -> None:
        packed = zlib.compress(data)
        head = f"<< /Length {len(packed)} /Filter /FlateDecode{' ' + extra if extra else ''} >>\nstream\n"
        self._object(number, head.encode("ascii") + packed + b"\nendstream")

    def _put(self, data: bytes) -> None:
        self.out.write(data)
        self._pos += len(data)


def _rgb(color: Iterable[int]) -> str:
    return " ".join(f"{c / 255:.3f}" for c in color)


def _text(text: str) -> str:
    """A PDF text string in UTF-16 with its byte-order mark, as hex."""
    return "FEFF" + text.encode("utf-16-be").hex().upper()
