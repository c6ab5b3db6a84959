"""A case's procedure as a diagram (流程图), for `dflow show ID --diagram`: Mermaid text, or an SVG
picture laid out here with no drawing program (no Graphviz ``dot`` to install on an office's
machine): the stages top to bottom, each advancing to the next and the last to archiving; the
returns the law names drawn on the left, back to the stage they send a case to; the outcomes
that end a case on the right. The stages done are green, the current one orange, with each
step of a stage of several marked done (✓) or to do (○). Text is drawn as glyph outlines
(:mod:`decision_flow.presentation.glyphs`), so the picture reads the same everywhere.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from decision_flow.core.errors import InvalidInput
from decision_flow.core.i18n import Msg, article, language, os_error
from decision_flow.core.labels import STATUSES, TRIGGERS
from decision_flow.definition.diagram import FINAL, Marks, Shape, marks, mermaid, shape
from decision_flow.definition.workflow import Workflow
from decision_flow.engine import definitions
from decision_flow.presentation import labels
from decision_flow.presentation.glyphs import Glyphs

FORMATS = ("mermaid", "svg")
# fill, stroke, text: a stage done, the current one, one to come
DONE, CURRENT, TODO = (
    ("#e3f1df", "#4f8a43", "#1d3b17"),
    ("#fde2bd", "#c8661b", "#4a2506"),
    ("#ffffff", "#8a949c", "#222"),
)
ADVANCE, RETURN, END = "#4a5560", "#9b4d4d", "#6b4f8a"  # arrow colours
MUTED = "#5f6b75"
TITLE, STAGE, STEP, LABEL = 19.0, 15.0, 12.5, 11.5  # text sizes (pixels)
MARGIN, GAP, LANE, PAD = 24, 36, 14, 16


def check_format(fmt: str) -> str:
    """A diagram format as typed (mermaid or svg), or InvalidInput (png named apart: none is drawn)."""
    if fmt == "png":
        raise InvalidInput(Msg("diagram.no_png", {}))
    if fmt not in FORMATS:
        raise InvalidInput(Msg("diagram.bad_format", {"fmt": fmt[:40], "known": ", ".join(FORMATS)}))
    return fmt


def case_diagram(view: Mapping[str, Any], fmt: str, lang: str | None = None) -> str:
    """The diagram of a case read by `queries.show` (its workflow's very version), with where it
    stands marked: Mermaid text or an SVG document."""
    lang = lang or language()
    wf = definitions.viewed(view["workflow"], view["workflow_version"])
    steps = {s["step"]: s["status"] for s in view["steps"]}
    at = marks(wf, view["stage"], view["status"], steps)
    if fmt == "mermaid":
        return mermaid(wf, lang, at)
    colon = "：" if lang == "zh" else ": "
    state = labels.status(view["status"], lang)
    if view["status"] == "active":
        where = f"{labels.word('decision_stage', lang)}{colon}{labels.stage(wf, view['stage'], lang)} · {state}"
    else:  # ended: its end is its state
        where = f"{labels.word('status', lang)}{colon}{state}"
    heading = [
        f"#{view['id']} {view['title']}",
        f"{wf.title.get(lang)} · {labels.word('version_of', lang, version=view['workflow_version'])}",
        where,
    ]
    return svg(wf, lang, at, steps, heading)


def svg(wf: Workflow, lang: str, at: Marks | None, steps: Mapping[str, str], heading: list[str]) -> str:
    """The workflow as an SVG document, `heading` lines above it; with `at`, where a case stands."""
    return _Picture(wf, lang, at, steps, Glyphs()).draw(heading)


class _Picture:
    def __init__(self, wf: Workflow, lang: str, at: Marks | None, steps: Mapping[str, str], glyphs: Glyphs) -> None:
        self.wf, self.lang, self.at, self.steps, self.g = wf, lang, at, steps, glyphs
        self.shape: Shape = shape(wf)
        self.pick = 1 if lang == "zh" else 0
        self.out: list[str] = []

    # -------------------------------------------------------------------- words

    def _step_line(self, name: str) -> tuple[str, str]:
        """A step of a stage of several: its mark and title (and `waived`), and its colour."""
        status = self.steps.get(name, "pending")
        title = self.wf.step(name).title.get(self.lang)
        if status == "waived":
            title += (
                f"（{labels.status(status, self.lang)}）"
                if self.lang == "zh"
                else f" ({labels.status(status, self.lang)})"
            )
        return (f"✓ {title}", DONE[2]) if status in ("completed", "waived") else (f"○ {title}", TODO[2])

    def _label(self, trigger: str, articles: tuple[str, ...]) -> str:
        cited = ("；" if self.lang == "zh" else "; ").join(article(a, self.lang) for a in articles)
        return f"{TRIGGERS[trigger][self.pick]} [{cited}]"

    def _colours(self, name: str) -> tuple[str, str, str]:
        if self.at is None:
            return TODO
        return CURRENT if self.at.current == name else DONE if name in self.at.done else TODO

    # -------------------------------------------------------------------- layout and drawing

    def draw(self, heading: list[str]) -> str:
        g, stages = self.g, self.wf.stages
        lines = {s.name: [self._step_line(st.name) for st in s.steps] if len(s.steps) > 1 else [] for s in stages}
        widths = [g.width(s.title.get(self.lang), STAGE) for s in stages]
        widths += [g.width(text, STEP) for found in lines.values() for text, _ in found]
        box_w = max(240.0, max(widths) + 2 * PAD)
        returns = sorted(self.shape.returns, key=lambda r: self._span(r.source, r.target))
        back = [self._label("return", r.articles) for r in returns]
        label_zone = max((g.width(t, LABEL) for t in back), default=0.0) + 14
        left = MARGIN + LANE * len(returns) + label_zone if returns else MARGIN + 12.0
        ends = [self._label("reject" if e.status == "rejected" else "close", (e.article,)) for e in self.shape.endings]
        end_gap = max((g.width(t, LABEL) for t in ends), default=0.0) + 28
        end_w = max((g.width(labels.status(e.status, self.lang), STAGE) for e in self.shape.endings), default=0.0) + 36
        top = MARGIN + 30 * len(heading) + 26
        tops: dict[str, float] = {}
        y = top + 34.0
        for s in stages:
            tops[s.name] = y
            y += self._height(lines[s.name]) + GAP
        final_top = y
        width = left + box_w + (end_gap + end_w if self.shape.endings else 0) + MARGIN
        width = max(width, max(g.width(h, TITLE if i == 0 else STAGE) for i, h in enumerate(heading)) + 2 * MARGIN)
        legend_y = final_top + 34 + 30
        height = legend_y + (16 if self.at is not None else -30) + MARGIN
        for i, text in enumerate(heading):
            size = TITLE if i == 0 else STAGE - 1
            self.out.append(g.draw(text, MARGIN, MARGIN + 22 + 30 * i, size, "#111" if i == 0 else MUTED))
        cx = left + box_w / 2
        self.out.append(f'<circle cx="{cx:.1f}" cy="{top + 6}" r="7" fill="{ADVANCE}"/>')
        self._arrow(f"M{cx:.1f} {top + 13} V{tops[stages[0].name] - 2}", ADVANCE)
        for i, s in enumerate(stages):
            self._stage(s.name, s.title.get(self.lang), lines[s.name], left, tops[s.name], box_w)
            bottom = tops[s.name] + self._height(lines[s.name])
            following = tops[stages[i + 1].name] if i + 1 < len(stages) else final_top
            self._arrow(f"M{cx:.1f} {bottom} V{following - 2}", ADVANCE)
        self._end(FINAL, cx - 90, final_top, 180)
        for lane, (r, text) in enumerate(zip(returns, back, strict=True)):
            self._return(r.source, r.target, text, lane, left, label_zone, tops, lines)
        for e, text in zip(self.shape.endings, ends, strict=True):
            y_mid = tops[e.stage] + self._height(lines[e.stage]) / 2
            x0, x1 = left + box_w, left + box_w + end_gap
            self._arrow(f"M{x0:.1f} {y_mid:.1f} H{x1 - 2:.1f}", END)
            self.out.append(g.draw(text, (x0 + x1) / 2, y_mid - 6, LABEL, END, "middle"))
            self._end(e.status, x1, y_mid - 17, end_w)
        if self.at is not None:
            self._legend(MARGIN, legend_y)
        return self._document(width, height, heading)

    def _span(self, source: str, target: str) -> int:
        return self.wf.stage_index(source) - self.wf.stage_index(target)

    @staticmethod
    def _height(lines: list[tuple[str, str]]) -> float:
        return 44.0 if not lines else 40.0 + 20 * len(lines)

    def _stage(self, name: str, title: str, lines: list[tuple[str, str]], x: float, y: float, w: float) -> None:
        fill, stroke, ink = self._colours(name)
        thick = 3 if stroke == CURRENT[1] else 1.5
        h = self._height(lines)
        self.out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="9" fill="{fill}"'
            f' stroke="{stroke}" stroke-width="{thick}"/>'
        )
        self.out.append(self.g.draw(title, x + w / 2, y + (27 if not lines else 25), STAGE, ink, "middle"))
        for i, (text, colour) in enumerate(lines):
            self.out.append(self.g.draw(text, x + PAD + 6, y + 47 + 20 * i, STEP, colour))

    def _end(self, status: str, x: float, y: float, w: float) -> None:
        fill, stroke, ink = self._colours(status)
        thick = 3 if stroke == CURRENT[1] else 1.5
        self.out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="34" rx="17" fill="{fill}"'
            f' stroke="{stroke}" stroke-width="{thick}"/>'
        )
        self.out.append(self.g.draw(STATUSES[status][self.pick], x + w / 2, y + 22, STAGE - 1, ink, "middle"))

    def _return(
        self,
        source: str,
        target: str,
        text: str,
        lane: int,
        left: float,
        zone: float,
        tops: dict[str, float],
        lines: dict[str, list[tuple[str, str]]],
    ) -> None:
        """A return drawn on the left: out of the source's side, up its lane, into the target's side."""
        into = [r.source for r in self.shape.returns if r.target == target].index(source)
        y0 = tops[source] + self._height(lines[source]) / 2 + 6
        y1 = tops[target] + 12 + 8 * into
        x = left - zone - LANE * lane - 4
        self._arrow(f"M{left:.1f} {y0:.1f} H{x:.1f} V{y1:.1f} H{left - 2:.1f}", RETURN, dashed=True)
        self.out.append(self.g.draw(text, left - 6, y0 - 6, LABEL, RETURN, "end"))

    def _arrow(self, path: str, colour: str, dashed: bool = False) -> None:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        marker = {ADVANCE: "a", RETURN: "r", END: "e"}[colour]
        self.out.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash} marker-end="url(#{marker})"/>'
        )

    def _legend(self, x: float, y: float) -> None:
        items = [
            (DONE, labels.status("completed", self.lang)),
            (CURRENT, labels.word("decision_stage", self.lang)),
            (TODO, labels.status("pending", self.lang)),
        ]
        for (fill, stroke, _ink), text in items:
            self.out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="26" height="16" rx="4" fill="{fill}" stroke="{stroke}"'
                f' stroke-width="{3 if stroke == CURRENT[1] else 1.5}"/>'
            )
            self.out.append(self.g.draw(text, x + 34, y + 13, STEP, MUTED))
            x += 34 + self.g.width(text, STEP) + 28
        self._arrow(f"M{x:.1f} {y + 8} H{x + 34:.1f}", RETURN, dashed=True)
        self.out.append(self.g.draw(TRIGGERS["return"][self.pick], x + 42, y + 13, STEP, MUTED))

    def _document(self, width: float, height: float, heading: list[str]) -> str:
        markers = "".join(
            f'<marker id="{key}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
            f' orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="{colour}"/></marker>'
            for key, colour in (("a", ADVANCE), ("r", RETURN), ("e", END))
        )
        w, h = round(width), round(height)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}"'
            f' height="{h}" viewBox="0 0 {w} {h}" role="img">\n'
            f"<title>{escape(' — '.join(heading))}</title>\n"
            f"<defs>{markers}{self.g.defs()}</defs>\n"
            f'<rect width="{w}" height="{h}" fill="#ffffff"/>\n' + "\n".join(self.out) + "\n</svg>\n"
        )


def write(out: Path, text: str) -> int:
    """Write a diagram to `out` (through a temporary file beside it, so a failure leaves nothing
    there); the number of bytes written, or InvalidInput naming the file and the trouble."""
    data = text.encode("utf-8")
    if out.is_dir():
        raise InvalidInput(Msg("file.is_directory", {"path": str(out)}))
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        with tmp.open("xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise InvalidInput(Msg("file.cannot_write", {"path": str(out), "why": os_error(exc)})) from None
    return len(data)
