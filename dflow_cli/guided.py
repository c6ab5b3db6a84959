"""Guided entry (issue 17): `dflow record ID STEP` with nothing to set, on a terminal, asks for
each field of the step not yet recorded, in the workflow's order, with its title in the reader's
language, its type and its allowed values; checks each answer as it is typed (asking again
when it will not do); takes evidence as a path; then records the whole step as one audited
change. Ctrl-C before the end writes nothing. An empty answer leaves a field for later."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dflow_cli.common import _engine, _id, _run


def wanted(set_: list[str] | None, attach: list[str] | None, json_out: bool) -> bool:
    """Whether to ask: nothing given to record, no JSON asked for, and a person at a terminal."""
    return not set_ and not attach and not json_out and sys.stdin.isatty() and sys.stdout.isatty()


def entry(db: str | None, decision: str, step: str, acting: str | None) -> tuple[list[str], list[str]]:
    """The answers, asked for at the terminal; an error (an unknown case or step) is reported as
    any command's is. Ctrl-C: says nothing was recorded (nothing is written before the last
    answer), then goes on as an interrupt (exit 130)."""
    answers: tuple[list[str], list[str]] = ([], [])

    def act() -> None:
        nonlocal answers
        answers = ask(db, decision, step, acting)

    try:
        _run(False, act, lambda _r: None, step=step)
    except KeyboardInterrupt:
        from decision_flow.core.i18n import Msg, t

        print("\n" + t(Msg("interrupted.none", {"id": decision})), file=sys.stderr)
        raise
    return answers


def ask(db: str | None, decision: str, step_name: str, acting: str | None) -> tuple[list[str], list[str]]:
    """The `--set` and `--attach` items the officer gave, asked for one by one."""
    from decision_flow.core.errors import Blocked, DflowError
    from decision_flow.core.i18n import Msg, language, t
    from decision_flow.definition.values import parse_values
    from decision_flow.engine import queries
    from decision_flow.procedures import known_choices

    engine = _engine(db)
    case = _id(decision)
    wf = queries.workflow_of(engine, case)
    step = wf.step(step_name)
    shown = queries.show(engine, case, acting)
    now = next(s for s in shown["steps"] if s["step"] == step.name)
    lang = language()
    say(t(Msg("guided.intro", {"id": case, "step": step.title.get(lang), "name": step.name})))
    sets: list[str] = []
    for field in step.fields:
        if now["fields"].get(field.name) is not None:
            continue
        while True:
            answer = _input(_prompt(field, wf.choices, lang))
            if answer.strip() == "":
                break
            try:
                parse_values(step, [(field.name, answer)], wf.choices, known_choices())
            except (Blocked, DflowError) as exc:
                say(f"  {exc.message()}")
                continue
            sets.append(f"{field.name}={answer.strip()}")
            break
    files: list[str] = []
    held = {e["kind"] for e in now["evidence"]}
    for kind in step.evidence:
        if kind.kind in held:
            continue
        while True:
            answer = _input(t(Msg("guided.file", {"title": kind.title.get(lang), "kind": kind.kind})))
            if answer.strip() == "":
                break
            if not Path(answer.strip()).is_file():
                say(f"  {t(Msg('evidence.not_a_file', {'path': answer.strip()[:200]}))}")
                continue
            files.append(f"{kind.kind}={answer.strip()}")
            break
    if not sets and not files:
        say(t(Msg("guided.nothing", {"step": step.name})))
    return sets, files


def _prompt(field: Any, labels: Any, lang: str) -> str:
    from decision_flow.core.i18n import Msg, t

    kind = t(Msg(f"guided.type.{field.type}", {}))
    if field.choices:
        bracket = "（{}）" if lang == "zh" else " ({})"
        named = [c + bracket.format(labels[c].get(lang)) if c in labels else c for c in field.choices]
        kind = t(Msg("guided.choices", {"kind": kind, "choices": " / ".join(named)}))
    need = t(Msg("guided.required" if field.required else "guided.optional", {}))
    return t(Msg("guided.prompt", {"title": field.title.get(lang), "name": field.name, "kind": kind, "need": need}))


def _input(prompt: str) -> str:
    """One answer from the terminal (EOF: none)."""
    try:
        return input(prompt)
    except EOFError:
        return ""


def say(text: str) -> None:
    print(text, flush=True)
