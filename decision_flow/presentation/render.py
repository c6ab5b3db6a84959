"""Terminal output with rich: the only module besides cli.py that draws for a person.

Every label comes from :mod:`decision_flow.presentation.labels` (Chinese or English by locale);
messages go through :func:`decision_flow.core.i18n.t`. Times are stored in UTC and shown in
local time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from decision_flow.core.i18n import Msg, article, language, t
from decision_flow.definition.workflow import FieldDef, Workflow
from decision_flow.engine import definitions
from decision_flow.presentation import events, labels
from decision_flow.presentation.lines import message
from decision_flow.trail.chainwalk import Verdict

if TYPE_CHECKING:
    from rich.table import Table

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _table(**options: Any) -> Table:
    """A rich table; rich.table is imported only when one is drawn (most commands print a line)."""
    from rich.table import Table

    return Table(**options)


def _row(table: Table, *cells: str) -> None:
    """Add a row whose cells are literal text: what users typed is never read as rich markup."""
    table.add_row(*(Text(cell, overflow="fold") for cell in cells))  # wrapped, never cut: names are typed back


def decision(view: Mapping[str, Any]) -> None:
    """`dflow show`: the decision, then each step with what is recorded and what is missing."""
    lang = language()
    wf = definitions.viewed(view["workflow"], view["workflow_version"])
    word = labels.word
    flags = labels.flags(wf, view["flags"]) or "—"
    out.print(Text(f"{word('id')} {view['id']} · {view['title']}", style="bold"))
    out.print(Text(f"{word('workflow')}: {wf.title.get(lang)} (v{view['workflow_version']})"))
    out.print(
        Text(f"{word('stage')}: {labels.stage(wf, view['stage'])} · {word('status')}: {labels.status(view['status'])}")
    )
    out.print(Text(f"{word('flags')}: {flags}"))
    table = _table(show_lines=False)
    for key in ("stage", "step", "status", "recorded", "missing"):
        table.add_column(word(key))
    for item in view["steps"]:
        at, step = item["step"], wf.step(item["step"])
        recorded = [t(Msg("show.carried_over", {}))] if item.get("carried_over") else []
        recorded += [
            f"{labels.field(wf, at, k)}: {labels.value(wf, at, k, v)}" for k, v in labels.fields(step, item["fields"])
        ]
        recorded += [
            f"📎 {labels.evidence(wf, at, e['kind'])}: {e['name']} ({e['sha256'][:12]}…)" for e in item["evidence"]
        ]
        if item.get("waiver_reason"):
            recorded.append(f"{word('waiver')}: {item['waiver_reason']}")
        marks = f" ({labels.join(labels.mark(m) for m in item['marks'])})" if item.get("marks") else ""
        missing = labels.join(labels.named(m, labels.item(wf, at, m)) for m in item["missing"])
        _row(
            table,
            labels.stage(wf, item["stage"]),
            f"{step.title.get(lang)}\n{at}",  # the name `record` and `complete` take, under its title
            labels.status(item["status"]) + marks,
            "\n".join(recorded) or "—",
            missing or "—",
        )
    out.print(table)
    _life(view)
    _masked(view)


def _masked(view: Mapping[str, Any]) -> None:
    """Say so when personal data was masked or confidential material withheld from the reader."""
    if view.get("masked"):
        out.print(Text(t(Msg("privacy.masked", {"organ": view.get("organ") or "—"})), style="dim"))


def _life(view: Mapping[str, Any]) -> None:
    """`dflow show`, after the procedure: the decision's life since archiving (Arts. 34-37), the
    decision it changes or stops, and the cases that change or stop it."""
    word = labels.word
    if view.get("supersedes") is not None:
        kind = labels.life(str(view.get("adjustment")))
        out.print(Text(f"{word('supersedes')}: {view['supersedes']} ({kind})"))
    if view.get("superseded_by"):
        out.print(Text(f"{word('superseded_by')}: {', '.join(str(i) for i in view['superseded_by'])}"))
    if view.get("life") is None:
        return
    out.print(Text(f"{word('life')}: {labels.life(view['life'])}", style="bold"))
    for act in view.get("life_acts", []):
        summary = events.summary(act["kind"], act["data"], None, None)
        out.print(Text(f"  {local_time(act['at'])}  {act['actor']}  {labels.action(act['kind'])}  {summary}"))


def table_of(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A table of literal cells, folded to the screen (:mod:`.listing` draws it without rich when it fits)."""
    table = _table()
    for header in headers:
        table.add_column(header)
    for row in rows:
        _row(table, *row)
    out.print(table)


def local_time(at: str) -> str:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _padded(text: str, width: int) -> str:
    """`text` padded to `width` terminal cells (a Chinese character takes two)."""
    return text + " " * max(0, width - cell_len(text))


def trail(doc: Mapping[str, Any]) -> None:
    """One line per event (local time); refusals in red. The full data is in `--json`."""
    wf = events.workflow_of(doc["events"])
    rows = []
    for ev in doc["events"]:
        stage, step = ev["stage"], ev["step"]
        where = "/".join(
            x
            for x in (
                stage and labels.named(stage, labels.stage(wf, stage)),
                step and labels.named(step, labels.step(wf, step)),
            )
            if x
        )
        shown = labels.named(ev["action"], labels.action(ev["action"]))
        rows.append((ev, shown, where, events.summary(ev["action"], ev["data"], wf, step)))
    word = labels.word
    actors = max([cell_len(word("actor")), *(cell_len(ev["actor"]) for ev, *_ in rows)])
    actions = max([cell_len(word("action")), *(cell_len(shown) for _, shown, *_ in rows)])
    wheres = max([cell_len(word("where")), *(cell_len(where) for *_, where, _ in rows)])
    head = f"{_padded(word('seq'), 5)}  {_padded(word('at'), 19)}  {_padded(word('actor'), actors)}  "
    out.print(Text(f"{head}{_padded(word('action'), actions)}  {_padded(word('where'), wheres)}  {word('detail')}"))
    for ev, shown, where, summary in rows:
        line = Text(f"{ev['seq']:>5}  {local_time(ev['at'])}  {_padded(ev['actor'], actors)}  ")
        line.append(_padded(shown, actions), style="bold red" if ev["action"] == "refused" else "bold")
        line.append(f"  {_padded(where, wheres)}  {summary}")
        out.print(line)
    _masked(doc)


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
    """`dflow audit verify`: what was verified, or the first bad event and why, in the reader's language."""
    if v.ok and v.signed is not None:
        out.print(Text(t(Msg("audit.ok_signed", {"events": v.events, "signed": v.signed})), style="green"))
        if v.recalled:
            out.print(Text(t(Msg("audit.recalled", {"recalled": v.recalled}))))
    elif v.ok:
        out.print(Text(t(Msg("audit.ok", {"events": v.events})), style="green"))
    if v.ok and v.signers:
        out.print(Text(t(Msg("audit.signers"))))
        for actor, key in v.signers:
            out.print(Text(t(Msg("audit.signer", {"actor": actor, "fingerprint": key}))))
    if v.ok and v.unsigned:
        count = sum(n for _, n, _ in v.unsigned)
        out.print(Text(t(Msg("audit.unsigned", {"count": count, "why": _unsigned_why(v.unsigned)}))))
    if v.ok and v.anchor:
        out.print(Text(t(Msg("audit.anchored", {"anchor": v.anchor})), style="green"))
    if v.ok and v.note is not None:
        out.print(Text(t(v.note), style="yellow"))
    if not v.ok:
        why = t(v.why) if v.why is not None else None
        named = {"seq": v.first_bad_seq, "reason": why, "chain": v.chain}
        err.print(Text(t(Msg("audit.bad_chain" if v.chain else "audit.bad", named)), style="bold red"))


def _unsigned_why(unsigned: Iterable[tuple[str, int, tuple[tuple[str, int, str], ...]]]) -> str:
    """Why the unsigned events may be so, with where they are (chain and number, the first few)."""
    keys = {"refused": "audit.unsigned_refused", "before_signing": "audit.unsigned_early"}
    said = []
    for why, count, first in unsigned:
        where = ", ".join(f"{chain} {seq} ({actor})" for chain, seq, actor in first)
        said.append(t(Msg(keys[why], {"where": where + (" …" if count > len(first) else "")})))
    return "; ".join(said)


def organs(rows: list[dict[str, Any]]) -> None:
    """`dflow organ list`: each organ's code, name, level and the organ above it."""
    table = _table()
    for key in ("code", "name", "level", "parent"):
        table.add_column(labels.word(key))
    for row in rows:
        _row(table, row["code"], row["name"], labels.level(row["level"]), row["parent"] or "—")
    out.print(table)


def workflows(items: Iterable[Workflow]) -> None:
    table = _table()
    for key in ("name", "version", "level", "title"):
        table.add_column(labels.word(key))
    for wf in items:
        _row(table, wf.name, str(wf.version), labels.level(wf.level), wf.title.get(language()))
    out.print(table)


def workflow(wf: Workflow) -> None:
    """`dflow workflow show`: each step's title above the name one types for it (its fields'
    and evidence kinds' too), who performs it and when it may be waived."""
    lang = language()
    out.print(Text(f"{wf.name} v{wf.version} · {wf.title.get(lang)}", style="bold"))
    out.print(Text(wf.basis.get(lang)))
    table = _table(show_lines=True)
    for key in ("stage", "step", "roles", "fields", "evidence", "waiver"):
        table.add_column(labels.word(key))
    for stage in wf.stages:
        for step in stage.steps:
            fields = "\n".join(
                f"{f.title.get(lang)}{'*' if f.required else ''} ({f.name}, {labels.field_type(f.type)})"
                + _accepts(wf, f)
                for f in step.fields
            )
            evidence = "\n".join(f"{e.title.get(lang)}{'*' if e.required else ''} ({e.kind})" for e in step.evidence)
            w = step.waiver
            when = labels.waiver(w.policy, labels.named(w.flag, labels.flag(wf, w.flag)) if w.flag else w.setting or "")
            _row(
                table,
                f"{stage.title.get(lang)}\n{stage.name}",
                f"{step.title.get(lang)}\n{step.name}",
                labels.named(", ".join(step.roles), labels.roles(step.roles)),
                fields or "—",
                evidence or "—",
                f"{when} [{article(w.article, lang)}]",
            )
    out.print(table)


def _accepts(wf: Workflow, field: FieldDef) -> str:
    """What a field takes, as typed: its choices (label and id), or the form of a date, a list or
    yes/no; '' for plain text and numbers."""
    word = labels.word
    if field.type == "enum":
        return "\n  " + word("accepts") + labels.join(f"{labels.choice(wf, c)} ({c})" for c in field.choices)
    said = {"date": "format_date", "list": "format_list", "bool": "format_bool"}.get(field.type)
    return f"\n  {word(said)}" if said else ""


def users(rows: Iterable[Any]) -> None:
    table = _table()
    from decision_flow.identity.keys import fingerprint

    for key in ("name", "roles", "active", "key"):
        table.add_column(labels.word(key))
    for u in rows:
        active = labels.word("yes" if u.active else "no")
        _row(table, u.name, labels.named(u.roles, labels.roles(u.roles)), active, fingerprint(u.public_key) or "—")
    out.print(table)


def catalogues(view: Mapping[str, Any]) -> None:
    """`dflow catalogue show`: each organ's catalogue of the year, its consent and publication,
    then its items, each with the case made from it; a removed item marked with when and why."""
    word = labels.word
    if not view["catalogues"]:
        message(t(Msg("catalogue.none", {"year": view["year"]})))
    for n, cat in enumerate(view["catalogues"]):
        if n:
            out.print()
        named = {"organ": cat["organ"], "name": cat["organ_name"], "year": view["year"]}
        out.print(Text(t(Msg("catalogue.heading", named)), style="bold"))
        consent = cat["consent"]
        if consent is None:
            message(t(Msg("catalogue.consent_missing")))
        else:
            message(t(Msg("catalogue.consent_line", {"body": consent["body"], "on": labels.day(consent["on"])})))
        published = cat["published_on"]
        said = (
            Msg("catalogue.published_line", {"on": labels.day(published)})
            if published
            else Msg("catalogue.unpublished")
        )
        message(t(said))
        table = _table()
        for key in ("item", "matter", "unit", "planned", "basis", "case", "note"):
            table.add_column(word(key), overflow="fold")  # wrapped, never cut: a title or reason is read whole
        for item in cat["items"]:
            case, removed = item["case"], item["removed"]
            made = "—"
            if case is not None:
                stage = labels.named(case["stage"], labels.stage(None, case["stage"]))
                made = f"{case['id']} · {stage} · {labels.status(case['status'])}"
            note = "—"
            if removed is not None:
                note = t(
                    Msg(
                        "catalogue.removed_mark",
                        {"at": labels.day(local_time(removed["at"])[:10]), "reason": removed["reason"]},
                    )
                )
            _row(
                table,
                str(item["id"]),
                item["title"],
                item["undertaking_unit"],
                labels.day(item["planned_on"]),
                item["basis"] or "—",
                made,
                note,
            )
        out.print(table)
