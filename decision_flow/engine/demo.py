"""`dflow demo`: a procedure's demonstration case walked through every stage in a throwaway
database, with a refused skip, the full trail and its verification.

The walk itself is the procedure's data (:class:`~decision_flow.procedures.model.Demo`, e.g.
``procedures/major_decision/demo.py``); this module only plays it.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from decision_flow import procedures
from decision_flow.core.errors import Blocked, InvalidInput, NotFound
from decision_flow.core.i18n import Msg, article, language, os_error, t
from decision_flow.definition.workflow import Workflow
from decision_flow.engine import activities, catalogue, definitions, queries, users, verification
from decision_flow.engine.engine import Engine
from decision_flow.identity.keys import KeyRing
from decision_flow.procedures.model import Act, Demo
from decision_flow.store.db import Database

DEMO_PROCEDURE = "major-decision"  # `dflow demo`'s case: the township's major decision


def procedure_of(workflow_name: str | None) -> str:
    """The procedure whose demonstration case runs the workflow `workflow_name` (`dflow demo
    --workflow NAME`; by default the township's major decision), or NotFound naming those known."""
    if workflow_name is None:
        return DEMO_PROCEDURE
    walks = {p.demo.workflow: key for key, p in procedures.PROCEDURES.items() if p.demo is not None}
    if workflow_name not in walks:
        known = ", ".join(sorted(walks))
        raise NotFound(Msg("workflow.unknown", {"name": workflow_name[:100], "known": known}))
    return walks[workflow_name]


def workflow(procedure: str = DEMO_PROCEDURE) -> Workflow:
    """The workflow the demonstration case of `procedure` runs."""
    demo = procedures.PROCEDURES[procedure].demo
    assert demo is not None, f"procedure {procedure} has no demonstration case"
    return procedures.get(demo.workflow)


def run_demo(
    say: Callable[[str], None] | None = None, procedure: str = DEMO_PROCEDURE, keep: Path | None = None
) -> dict[str, Any]:
    """Run the demonstration case of `procedure`; narrate through `say` (if given); return a
    summary with the trail. The database is thrown away, or kept in the folder `keep` (new or
    empty: InvalidInput otherwise) with its users' key files, for `dflow --db` to read on."""
    demo = procedures.PROCEDURES[procedure].demo
    assert demo is not None, f"procedure {procedure} has no demonstration case"
    speak = say or (lambda _text: None)

    def line(key: str, **params: Any) -> None:
        speak(t(Msg(key, params)))

    with contextlib.ExitStack() as stack:
        root = (
            _kept(keep)
            if keep is not None
            else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dflow-demo-")))
        )
        engine, decision, refused = build(root, line, procedure, kept=keep is not None)
        if keep is not None:  # the rest of a township's year, for `dflow report annual` to read
            more_of_the_year(root, procedure, line)
        trail = queries.trail(engine, decision)
        verdict = verification.verify(engine, remember=False)  # a scratch database: nothing kept of it elsewhere
        shown = queries.show(engine, decision)
        engine.db.dispose()
    if keep is not None:
        line("demo.kept", path=str(root), db=str(root / "demo.db"), keys=str(root / "keys"), id=decision)
    return {
        "decision": decision,
        "title": demo.title,
        "workflow": demo.workflow,
        "status": shown["status"],
        "refused": refused,
        "events": len(trail["events"]),
        "trail": trail,
        "verify": verdict.as_dict() | {"signed": verdict.signed},
    }


def _kept(folder: Path) -> Path:
    """The folder a kept demonstration is written to: made if missing, refused unless empty."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.iterdir()):
            raise InvalidInput(Msg("demo.keep_not_empty", {"path": str(folder)}))
    except OSError as exc:
        raise InvalidInput(Msg("file.cannot_write", {"path": str(folder), "why": os_error(exc)})) from None
    return folder


def build(
    root: Path,
    line: Callable[..., None] = lambda key, **params: None,
    procedure: str = DEMO_PROCEDURE,
    until: str | None = None,
    kept: bool = False,
) -> tuple[Engine, int, list[dict[str, str]]]:
    """The demonstration database in the folder `root` (``demo.db``, the users' keys in
    ``keys/``): its organ, users and case, walked to the end, or until the case stands at the
    stage `until`. Returns the engine on it (today fixed at the demo's day), the case's id and
    the reasons of the refused skip. Tests read the demo's case here as `dflow` would."""
    demo = procedures.PROCEDURES[procedure].demo
    assert demo is not None, f"procedure {procedure} has no demonstration case"
    db = Database(f"sqlite:///{root / 'demo.db'}")
    engine = _engine(db, root, demo)
    shipped = definitions.shipped_named(demo.workflow)
    level = shipped.level if shipped is not None else "county"  # one organ, of its workflow's level
    users.init(engine, "admin", organ=("demo", "示范乡人民政府" if level == "township" else "示范县人民政府", level))
    for name, role in demo.users:
        users.add(engine, name, [role], "admin")
    line("demo.db_kept" if kept else "demo.db", path=str(root / "demo.db"))
    dec = engine.new(demo.title, demo.workflow, list(demo.flags), demo.users[0][0])
    assert dec.id is not None
    line("demo.created", id=dec.id, title=demo.title)
    refused: list[dict[str, str]] = []
    for act in demo.acts:
        if until is not None and queries.state(engine, dec.id)["stage"] == until:
            break
        refused += _play(engine, demo, dec.id, act, root, line)
    return engine, dec.id, refused


def _engine(db: Database, root: Path, demo: Demo) -> Engine:
    """An engine on the demonstration database whose day is the demonstration's (its events are
    stamped with that day, at the time of day they are made); the users keep their key files in
    the scratch directory, never in the real one."""

    def now() -> datetime:
        return datetime.combine(demo.today, datetime.now(UTC).time(), UTC)

    return Engine(db, now=now, today=lambda: demo.today, keys=KeyRing(directory=root / "keys"))


def more_of_the_year(root: Path, played: str, line: Callable[..., None]) -> None:
    """Into the demonstration database in `root`, beside the case of the procedure `played`: the
    demonstration cases of the other procedures and every procedure's further samples (each on
    its own day, in the same organ), then the register and the decision-item catalogue of the
    year of the case played: a year whole enough for ``dflow report annual`` to describe."""
    main = procedures.PROCEDURES[played].demo
    assert main is not None, f"procedure {played} has no demonstration case"
    walks = [
        demo
        for key, procedure in procedures.PROCEDURES.items()
        for demo in ((procedure.demo,) if procedure.demo is not None and key != played else ()) + procedure.samples
    ]
    known = {name for name, _role in main.users}
    db = Database(f"sqlite:///{root / 'demo.db'}")
    try:
        for demo in walks:
            engine = _engine(db, root, demo)
            for name, role in demo.users:
                if name not in known:  # a user of an earlier case is there already
                    users.add(engine, name, [role], "admin")
                    known.add(name)
            dec = engine.new(demo.title, demo.workflow, list(demo.flags), demo.users[0][0])
            assert dec.id is not None
            line("demo.also", id=dec.id, title=demo.title)
            for act in demo.acts:
                _play(engine, demo, dec.id, act, root, lambda *_a, **_k: None)
        engine = _engine(db, root, main)
        officer = next(name for name, role in main.users if role == "officer")
        year = main.today.year
        for kind, on, count, materials, village, title in SAMPLE_REGISTER:
            held = on.replace(year=year)
            if held <= main.today:
                activities.add(
                    engine, "demo", kind, held.isoformat(), count, title, materials, village, None, [], officer
                )
        title, unit, planned = SAMPLE_ITEM
        catalogue.add(engine, year, "demo", title, unit, f"{year}-{planned}", None, None, "admin")
        line("demo.register", year=year)
    finally:
        db.dispose()


# A year's register, as 沙河乡's report of 2024 counts its work (../shared/seed/): kind, day (its
# year the demonstration's), people, materials handed out, village, title.
SAMPLE_REGISTER = (
    ("adviser_appointment", date(2000, 1, 6), 1, None, "东村", "东村法律顾问聘任"),
    ("adviser_appointment", date(2000, 1, 6), 1, None, "西村", "西村法律顾问聘任"),
    ("study_session", date(2000, 2, 20), 32, None, None, "党委理论学习中心组学习习近平法治思想"),
    ("publicity_event", date(2000, 3, 15), 260, 400, None, "消费者权益日法治宣传"),
    ("legal_consultation", date(2000, 3, 31), 86, None, None, "一季度法律咨询"),
    ("publicity_event", date(2000, 4, 15), 180, 300, None, "全民国家安全教育日宣传"),
    ("study_session", date(2000, 4, 18), 28, None, None, "集中学习《行政处罚法》"),
    ("legal_consultation", date(2000, 6, 28), 95, None, None, "二季度法律咨询"),
)
# An item of the year's decision-item catalogue (Decree 713 Art. 3) still to be decided: title,
# undertaking unit, planned by (month and day).
SAMPLE_ITEM = ("沙河乡集贸市场改造提升", "沙河乡经济发展办公室", "12-31")


def _play(
    engine: Engine, demo: Demo, decision: int, act: Act, root: Path, line: Callable[..., None]
) -> list[dict[str, str]]:
    """Play one act; return the reasons of a refused skip (none otherwise)."""
    wf = procedures.get(demo.workflow)
    if act.verb == "record" and act.step:
        files = []
        for kind in act.evidence:
            path = root / f"{kind}.txt"
            path.write_text(f"{demo.title}：{kind}\n", encoding="utf-8")
            files.append(f"{kind}={path}")
        engine.record(decision, act.step, list(act.fields), files, act.actor)
        step = wf.step(act.step).title.get(language())
        line("demo.recorded", step=step, actor=act.actor, n=len(act.fields), files=len(files))
    elif act.verb == "waive" and act.step and act.reason:
        engine.waive(decision, act.step, act.reason, act.actor)
        line("demo.waived", step=wf.step(act.step).title.get(language()), reason=act.reason)
    elif act.verb == "skip" and act.to:
        try:
            engine.advance(decision, act.actor, to=act.to)
        except Blocked as exc:
            reason = exc.reasons[0]
            line(
                "demo.refused",
                stage=wf.stage(act.to).title.get(language()),
                why=reason.detail(),
                article=article(reason.article),
            )
            return [reason.as_dict()]
        raise AssertionError(f"the demo's skip to {act.to} was not refused")  # a bug of the engine
    elif act.verb == "complete" and act.step:
        engine.complete(decision, act.step, act.actor)
    elif act.verb == "advance":
        stage = engine.advance(decision, act.actor)
        line("demo.advanced", stage=stage)
    else:
        raise AssertionError(f"unknown demo act {act}")
    return []
