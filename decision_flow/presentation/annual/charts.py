"""The annual report's charts (图表), drawn with matplotlib: cases opened by month (one stacked
series per procedure) and legality review times against the legal minimum.

matplotlib is imported inside the functions only (``dflow --help`` never loads it), with the Agg
backend and no pyplot (no global figure state). Chinese labels are drawn in the Droid Sans
Fallback the PDF embeds, with DejaVu Sans (matplotlib's own) first for Latin letters and digits:
matplotlib falls back from one to the other glyph by glyph. A chart is returned as PNG bytes (for
the DOCX) and as raw RGB pixels (for the PDF's image XObject) of the same drawing; the PNG carries
no software name or date, so the same report draws the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from decision_flow.core.i18n import Msg, t

DPI = 150
SIZE = (6.4, 3.2)  # inches: 960 × 480 pixels at 150 dpi, 6 inches wide in the DOCX
BLUE, GREY, RED, BLACK = "#3a6ea5", "#9aa5b1", "#c0392b", "#222222"
# One colour per stacked series, in order.
PALETTE = ("#3a6ea5", "#e0a030", "#5a9e6f", "#b05a7a", "#7f7fbf", "#8c6d46", "#5fa8b8")


@dataclass(frozen=True)
class Picture:
    """A drawn chart: its PNG, and its pixels as rows of 8-bit RGB (width × height × 3 bytes)."""

    png: bytes
    width: int
    height: int
    rgb: bytes


def draw(chart: Mapping[str, Any], lang: str) -> Picture:
    """Draw one of the report's charts with its labels in `lang`: series by month stacked, or
    items against their legal minimum."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _fonts():
        fig = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        if "series" in chart:  # by its shape, as outline.chart_is_empty knows it
            _by_month(ax, chart, lang)
        else:
            _review_days(ax, chart, lang)
        ax.set_title(chart["title"][lang], fontsize=11)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return _picture(fig)


def _fonts() -> Any:
    """A context in which text falls back from DejaVu Sans to the shipped Chinese font."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    path = str(resources.files("decision_flow") / "fonts" / "DroidSansFallbackFull.ttf")
    name = font_manager.FontProperties(fname=path).get_name()
    if name not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return matplotlib.rc_context({"font.family": ["DejaVu Sans", name]})


def _by_month(ax: Any, chart: Mapping[str, Any], lang: str) -> None:
    months = t(Msg("report.chart.months"), lang).split()
    bottom = [0.0] * 12
    for n, series in enumerate(chart.get("series") or []):
        values = [float(v or 0) for v in (series.get("values") or [])][:12]
        values += [0.0] * (12 - len(values))
        colour = PALETTE[n % len(PALETTE)]
        ax.bar(range(12), values, bottom=bottom, color=colour, label=series["title"][lang], width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(12), months, fontsize=8)
    ax.set_xlabel(t(Msg("report.chart.month"), lang), fontsize=9)
    ax.set_ylabel(t(Msg("report.chart.cases"), lang), fontsize=9)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncols=2)
    ax.set_ylim(0, max(bottom) * 1.35 + 0.5)


def _review_days(ax: Any, chart: Mapping[str, Any], lang: str) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    items = list(chart.get("items") or [])
    days = [float(i["days"]) for i in items]
    minimum = [float(i["minimum"]) if i.get("minimum") is not None else None for i in items]
    short = [m is not None and d < m for d, m in zip(days, minimum, strict=True)]
    ax.bar(range(len(items)), days, width=0.6, color=[RED if s else BLUE for s in short])
    for x, m in enumerate(minimum):
        if m is not None:
            ax.plot([x - 0.4, x + 0.4], [m, m], color=BLACK, linewidth=1.6)
    ax.set_xticks(range(len(items)), [str(i["id"]) for i in items], fontsize=8)
    room = (max(len(items), 4) - len(items)) / 2  # a few bars stay narrow, centred
    ax.set_xlim(-0.8 - room, len(items) - 0.2 + room)
    ax.set_xlabel(t(Msg("report.chart.case_id"), lang), fontsize=9)
    ax.set_ylabel(t(Msg("report.chart.days"), lang), fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    top = max(days + [m for m in minimum if m is not None] + [1.0])
    ax.set_ylim(0, top * 1.35)
    handles = [
        Patch(color=BLUE, label=t(Msg("report.chart.taken"), lang)),
        Line2D([], [], color=BLACK, linewidth=1.6, label=t(Msg("report.chart.minimum"), lang)),
    ]
    if any(short):
        handles.insert(1, Patch(color=RED, label=t(Msg("report.chart.short"), lang)))
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left", ncols=len(handles))


def _picture(fig: Any) -> Picture:
    import io

    import numpy  # matplotlib's own dependency

    fig.canvas.draw()
    rgba = numpy.asarray(fig.canvas.buffer_rgba())
    height, width = int(rgba.shape[0]), int(rgba.shape[1])
    rgb = rgba[:, :, :3].tobytes()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return Picture(out.getvalue(), width, height, rgb)
