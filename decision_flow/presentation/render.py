"""Terminal output with rich: the only module besides cli.py that draws for a person.

Labels come from the workflow files (Chinese or English by locale); messages go through
:func:`decision_flow.core.i18n.t`. Times are stored in UTC and shown in local time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from decision_flow.core.errors import DflowError
from decision_flow.core.i18n import article, language, t
from decision_flow.definition.workflow import Workflow
from decision_flow.engine import definitions
from decision_flow.trail.audit import Verdict

if TYPE_CHECKING:
    from rich.table import Table

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS = {
    "pending": ("pending", "待办"),
    "completed": ("completed", "已完成"),
    "waived": ("waived", "已免除"),
    "active": ("active", "办理中"),
    "rejected": ("rejected", "已否决"),
    "archived": ("archived", "已归档"),
    "closed": ("closed", "已终结"),
}
HEAD = {
    "id": ("ID", "编号"),
    "title": ("Title", "标题"),
    "stage": ("Stage", "阶段"),
    "status": ("Status", "状态"),
    "step": ("Step", "步骤"),
    "recorded": ("Recorded", "已记录"),
    "missing": ("Still missing", "尚缺"),
    "workflow": ("Workflow", "流程"),
    "flags": ("Flags", "标记"),
    "seq": ("#", "序号"),
    "at": ("Time", "时间"),
    "actor": ("Actor", "操作人"),
    "action": ("Action", "动作"),
    "detail": ("Detail", "内容"),
    "name": ("Name", "名称"),
    "roles": ("Roles", "角色"),
    "active": ("Active", "有效"),
    "key": ("Signing key", "签名密钥"),
    "version": ("Version", "版本"),
    "level": ("Level", "层级"),
    "fields": ("Fields", "字段"),
    "evidence": ("Evidence", "材料"),
    "waiver": ("Waiver", "免除"),
    "marks": ("Marks", "标注"),
}


def _table(**options: Any) -> Table:
    """A rich table; rich.table is imported only when one is drawn (most commands print a line)."""
    from rich.table import Table

    return Table(**options)


def _row(table: Table, *cells: str) -> None:
    """Add a row whose cells are literal text: what users typed is never read as rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def h(key: str) -> str:
    return HEAD[key][1] if language() == "zh" else HEAD[key][0]


def status(value: str) -> str:
    pair = STATUS.get(value)
    return (pair[1] if language() == "zh" else pair[0]) if pair else value


def message(text: str) -> None:
    out.print(Text(text))


_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(32), 0x7F, 0x85]} | {0x2028: "\\u2028", 0x2029: "\\u2029"}


def one_line(text: str) -> str:
    """A message as one line: control and line-separator characters a user typed (in a path,
    a key, a value) are shown escaped, never acted on."""
    return text.translate(_CONTROLS)


def error(exc: DflowError) -> None:
    lang = language()
    text = one_line(exc.message(lang))
    reasons = [(article(r.article, lang), one_line(r.detail(lang))) for r in exc.reasons]
    if len(reasons) == 1 and reasons[0][1] == text:
        err.print(Text(f"{text} [{reasons[0][0]}]", style="bold red"))
        return
    err.print(Text(text, style="bold red"))
    for cited, detail in reasons:
        err.print(Text(f"  · [{cited}] {detail}"))


def _stage_title(wf: Workflow, name: str) -> str:
    try:
        return wf.stage(name).title.get(language())
    except DflowError:
        return name


def decision(view: Mapping[str, Any]) -> None:
    lang = language()
    wf = definitions.viewed(view["workflow"], view["workflow_version"])
    flags = ", ".join(wf.flags[f].get(lang) if f in wf.flags else f for f in view["flags"]) or "—"
    out.print(Text(f"{h('id')} {view['id']} · {view['title']}", style="bold"))
    out.print(Text(f"{h('workflow')}: {wf.title.get(lang)} (v{view['workflow_version']})"))
    out.print(Text(f"{h('stage')}: {_stage_title(wf, view['stage'])} · {h('status')}: {status(view['status'])}"))
    out.print(Text(f"{h('flags')}: {flags}"))
    table = _table(show_lines=False)
    for key in ("stage", "step", "status", "recorded", "missing"):
        table.add_column(h(key))
    for item in view["steps"]:
        step = wf.step(item["step"])
        recorded = [t_msg("show.carried_over")] if item.get("carried_over") else []
        recorded += [f"{_field_title(step, k)}: {_value(v)}" for k, v in item["fields"].items()]
        recorded += [f"📎 {e['kind']}: {e['name']} ({e['sha256'][:12]}…)" for e in item["evidence"]]
        if item.get("waiver_reason"):
            recorded.append(f"{h('waiver')}: {item['waiver_reason']}")
        mark = f" ({', '.join(item['marks'])})" if item.get("marks") else ""
        _row(
            table,
            _stage_title(wf, item["stage"]),
            step.title.get(lang),
            status(item["status"]) + mark,
            "\n".join(recorded) or "—",
            ", ".join(item["missing"]) or "—",
        )
    out.print(table)


def _field_title(step: Any, name: str) -> str:
    field = step.field(name)
    return field.title.get(language()) if field is not None else name


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return ("是" if value else "否") if language() == "zh" else ("yes" if value else "no")
    return str(value)


def decisions(rows: Iterable[Mapping[str, Any]]) -> None:
    table = _table()
    for key in ("id", "title", "stage", "status"):
        table.add_column(h(key))
    for row in rows:
        _row(table, str(row["id"]), row["title"], row["stage"], status(row["status"]))
    out.print(table)


def ledger(wf: Workflow, rows: Iterable[Mapping[str, Any]]) -> None:
    """The cases of one workflow as its procedure's ledger (台账): each column it declares,
    between the title and the stage; enum values by their label, dates as recorded."""
    from decision_flow.procedures import of as procedure_of

    columns = procedure_of(wf).ledger
    if not columns:
        decisions(rows)
        return
    lang = language()
    table = _table()
    table.add_column(h("id"))
    table.add_column(h("title"))
    for column in columns:
        table.add_column(column.title.get(lang))
    table.add_column(h("stage"))
    table.add_column(h("status"))
    for row in rows:
        cells = [_label(wf, row.get(c.key)) for c in columns]
        _row(table, str(row["id"]), row["title"], *cells, _stage_title(wf, row["stage"]), status(row["status"]))
    out.print(table)


def _label(wf: Workflow, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str) and value in wf.choices:
        return wf.choices[value].get(language())
    return _value(value)


def local_time(at: str) -> str:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def trail(doc: Mapping[str, Any]) -> None:
    """One line per event (local time); refusals in red. The full data is in `--json`."""
    for ev in doc["events"]:
        where = "/".join(x for x in (ev["stage"], ev["step"]) if x)
        line = Text(f"{ev['seq']:>5}  {local_time(ev['at'])}  {ev['actor']:<14} ")
        line.append(f"{ev['action']:<9}", style="bold red" if ev["action"] == "refused" else "bold")
        line.append(f" {where}  {summary(ev['action'], ev['data'])}")
        out.print(line)


def summary(action: str, data: Mapping[str, Any]) -> str:
    """One readable line of an event's data (the full data is in `--json`)."""
    lang = language()
    if action == "recorded":
        parts = [f"{k}={_value(v)}" for k, v in data.get("fields", {}).items()]
        parts += [f"📎{e['kind']} {e['sha256'][:12]}" for e in data.get("evidence", [])]
        return "; ".join(parts)
    if action == "refused":
        reasons = "; ".join(f"[{article(r['article'], lang)}] {r['detail']}" for r in data.get("reasons", []))
        return f"{data.get('attempted')}: {reasons or data.get('message', '')}"
    if action in ("advanced", "returned"):
        tail = f" ({data['reason']})" if data.get("reason") else ""
        return f"{data.get('from')} → {data.get('to')}{tail}"
    if action == "created":
        return f"{data.get('title')} [{data.get('workflow')} v{data.get('workflow_version')}]"
    if action == "waived":
        ref = f" (ref. {data['reference']})" if data.get("reference") else ""
        return f"{data.get('reason')}{ref}"
    if action == "flag_changed":
        sign = "+" if data.get("value") else "−"
        reopened = f" → {', '.join(data['reopened'])}" if data.get("reopened") else ""
        return f"{sign}{data.get('flag')}: {data.get('reason')}{reopened}"
    if action == "user_added":
        return f"{data.get('name')}: {', '.join(data.get('roles', []))}"
    if action == "completed":
        bits = [f"outcome={data['outcome']}"] if data.get("outcome") else []
        return ", ".join(bits + [m["rule"] for m in data.get("marks", [])])
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@contextmanager
def progress(quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long exports (only on a terminal, never with --json)."""
    if quiet or not err.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("export", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def verdict(v: Verdict) -> None:
    if v.ok and v.signed is not None:
        out.print(Text(t_msg("audit.ok_signed", events=v.events, signed=v.signed), style="green"))
        if v.recalled:
            out.print(Text(t_msg("audit.recalled", recalled=v.recalled)))
    elif v.ok:
        out.print(Text(t_msg("audit.ok", events=v.events), style="green"))
    else:
        err.print(Text(t_msg("audit.bad", seq=v.first_bad_seq, reason=v.reason), style="bold red"))


def t_msg(key: str, **params: Any) -> str:
    from decision_flow.core.i18n import Msg

    return t(Msg(key, params))


def workflows(items: Iterable[Workflow]) -> None:
    table = _table()
    for key in ("name", "version", "level", "title"):
        table.add_column(h(key))
    for wf in items:
        _row(table, wf.name, str(wf.version), wf.level, wf.title.get(language()))
    out.print(table)


def workflow(wf: Workflow) -> None:
    lang = language()
    out.print(Text(f"{wf.name} v{wf.version} · {wf.title.get(lang)}", style="bold"))
    out.print(Text(wf.basis))
    table = _table(show_lines=True)
    for key in ("stage", "step", "roles", "fields", "evidence", "waiver"):
        table.add_column(h(key))
    for stage in wf.stages:
        for step in stage.steps:
            fields = "\n".join(f"{f.name}{'*' if f.required else ''} ({f.type})" for f in step.fields) or "—"
            evidence = "\n".join(f"{e.kind}{'*' if e.required else ''}" for e in step.evidence) or "—"
            w = step.waiver
            waiver = f"{w.policy}{' ' + w.flag if w.flag else ''} [{article(w.article, lang)}]"
            _row(
                table,
                f"{stage.title.get(lang)}\n{stage.name}",
                f"{step.title.get(lang)}\n{step.name}",
                ", ".join(step.roles),
                fields,
                evidence,
                waiver,
            )
    out.print(table)


def users(rows: Iterable[Any]) -> None:
    table = _table()
    from decision_flow.identity.keys import fingerprint

    for key in ("name", "roles", "active", "key"):
        table.add_column(h(key))
    for u in rows:
        _row(table, u.name, u.roles, _value(u.active), fingerprint(u.public_key) or "—")
    out.print(table)
