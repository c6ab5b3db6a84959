"""The HTML export: the PDF's content as one self-contained UTF-8 page, readable in a browser and
printable on A4. Every piece of user text is escaped; events are streamed to the file.

On paper, the chain head, the export time and 第 N 页 共 M 页 are printed in the page margins
with CSS paged media (``@page`` margin boxes: Chromium 131+, WeasyPrint); a browser without
them prints the same information once, at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TextIO

from decision_flow.presentation import labels
from decision_flow.presentation.exports.source import ZH, Event, Source

STYLE = """
:root { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
        "SimSun", sans-serif; font-size: 10pt; color: #000; }
body { max-width: 190mm; margin: 1em auto; line-height: 1.45; }
h1 { font-size: 18pt; text-align: center; margin: 0.2em 0; }
h2 { font-size: 12.5pt; border-bottom: 1px solid #888; margin: 1.2em 0 0.5em; }
h3 { font-size: 10.5pt; margin: 0.8em 0 0.3em; }
.title { font-size: 13pt; }
.hash, .data { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 7.5pt; color: #555;
               overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: 2px 4px; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th { background: #eee; }
table.events { table-layout: fixed; }
.events th.seq { width: 3em; } .events th.at { width: 7em; } .events th.actor { width: 5em; }
.events th.action { width: 3.4em; } .events th.where { width: 8em; }
.events tr.hashes td { border-top: none; padding-top: 0; }
.events tr.main td { border-bottom: none; }
table.overview th { width: 9em; }
tr.refused td { color: #a00; }
.step { margin: 0.3em 0 0.6em 1.2em; }
.step ul { margin: 0.1em 0; padding-left: 1.4em; }
.signature p { margin: 2.2em 0 0; }
.signature .line { display: inline-block; width: 60mm; border-bottom: 1px solid #000; }
@page {
  size: A4; margin: 22mm 15mm 24mm 15mm;
  @bottom-left { content: "审计链 HEAD_CHAIN 链头 HEAD_SIZE 条 · HEAD_HASH · 导出 EXPORTED UTC";
                 font-size: 7pt; color: #666; }
  @bottom-right { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 8pt; }
  @top-left { content: "RECORD_TITLE · CASE编号 DECISION_ID"; font-size: 8pt; color: #666; }
}
@media print {
  body { max-width: none; margin: 0; }
  thead { display: table-header-group; }
  tr, tbody.event, .step, .signature { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""


def _w(key: str) -> str:
    """A word of the page (Chinese, as the whole export)."""
    return labels.word(key, ZH)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def write(source: Source, path: Path, progress: Callable[[int, int], None]) -> int:
    """Write the HTML page of the decision's trail to `path`; return the number of events."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        _head(f, source)
        f.write(f"<h2>二、{_e(source.case_word)}程序</h2>\n")
        for stage, steps in source.stages():
            f.write(f"<h3>{_e(stage)}</h3>\n")
            for step in steps:
                f.write(f'<div class="step"><b>{_e(step.title)}</b>【{_e(step.status)}】<ul>\n')
                for name, value in step.fields:
                    f.write(f"<li>{_e(name)}：{_e(value)}</li>\n")
                for kind, name, sha in step.evidence:
                    f.write(f"<li>{_w('evidence')} {_e(kind)}：{_e(name)}")
                    f.write(f'<br><span class="hash">SHA-256 {_e(sha)}</span></li>\n')
                for note in step.notes:
                    f.write(f"<li>{_e(note)}</li>\n")
                f.write("</ul></div>\n")
        f.write("<h2>三、被拒绝的操作</h2>\n")
        refused = 0
        for event in source.stream(refused_only=True):
            if not refused:
                f.write(f'<table class="events">{_heads("seq", "at", "actor", "where", "detail")}<tbody>\n')
            refused += 1
            f.write(
                f'<tr class="refused"><td>{event.seq}</td><td>{_e(event.local)}</td><td>{_e(event.actor)}</td>'
                f"<td>{_e(event.where)}</td><td>{_e(event.summary)}"
                f'<br><span class="hash">{_w("event_hash")} {_e(event.hash)}</span></td></tr>\n'
            )
        f.write("</tbody></table>\n" if refused else "<p>无。</p>\n")
        head = _heads("seq", "at", "actor", "action", "where", "detail")
        f.write(f'<h2>四、审计事件</h2>\n<table class="events">{head}\n')
        count = 0
        for event in source.stream():
            f.write(_event_row(event))
            count += 1
            if count % 1000 == 0:
                progress(count, source.events)
        f.write("</table>\n")
        f.write(
            '<h2>五、审计签字</h2>\n<div class="signature">'
            "<p>本记录由 decision-flow 自审计链导出，可用 dflow audit verify 复核链头哈希。</p>"
            '<p>审计意见：<span class="line"></span></p>'
            '<p>审计人员签字：<span class="line"></span>　日期：　　　　年　　月　　日</p>'
            '<p>复核人员签字：<span class="line"></span>　日期：　　　　年　　月　　日</p></div>\n'
            "</body>\n</html>\n"
        )
    return count


def _head(f: TextIO, source: Source) -> None:
    # Only digits, hex and fixed words go into the CSS strings, never user text.
    style = (
        STYLE.replace("HEAD_CHAIN", source.head_chain)
        .replace("HEAD_SIZE", str(source.head_size))
        .replace("HEAD_HASH", source.head_hash)
        .replace("EXPORTED", source.exported_utc)
        .replace("DECISION_ID", str(source.decision_id))
        .replace("RECORD_TITLE", source.record_title)
        .replace("CASE", source.case_word)
    )
    f.write('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n')
    f.write(
        f"<title>{_e(source.record_title)} · {_e(source.case_word)} {source.decision_id}"
        f" · {_e(source.view['title'])}</title>\n"
    )
    f.write(f"<style>{style}</style>\n</head>\n<body>\n")
    f.write(f'<h1>{_e(source.record_title)}</h1>\n<p class="title">{_e(source.view["title"])}</p>\n')
    f.write(f'<h2>一、{_e(source.case_word)}概况</h2>\n<table class="overview"><tbody>\n')
    for label, value in source.overview():
        f.write(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>\n")
    f.write("</tbody></table>\n")


def _heads(*keys: str) -> str:
    """The head row of an events table: the columns' words, with the class that sizes them."""
    cells = "".join(f'<th class="{key}">{_w(key)}</th>' if key != "detail" else f"<th>{_w(key)}</th>" for key in keys)
    return f"<thead><tr>{cells}</tr></thead>"


def _event_row(event: Event) -> str:
    action = event.action_label
    kind = "main refused" if event.action == "refused" else "main"
    return (
        f'<tbody class="event"><tr class="{kind}"><td>{event.seq}</td><td>{_e(event.local)}</td>'
        f"<td>{_e(event.actor)}</td><td>{_e(action)}</td><td>{_e(event.where)}</td><td>{_e(event.summary)}</td></tr>"
        f'<tr class="hashes"><td></td><td colspan="5" class="hash">{_w("hash")} {_e(event.hash)}'
        f"　{_w('prev_hash')} {_e(event.prev_hash)}"
        "</td></tr></tbody>\n"
    )
