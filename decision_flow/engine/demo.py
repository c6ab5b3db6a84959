"""`dflow demo`: a township decision walked through every stage in a throwaway database.

Shahe township (沙河乡) relocates its farmers' market: a stability risk and a market-affecting
matter, so risk assessment and a fair-competition review are required. The walk shows one
refused skip (straight to legality review), the full trail and its verification.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from decision_flow.core.errors import Blocked
from decision_flow.core.i18n import Msg, article, t
from decision_flow.engine import Engine, queries, users
from decision_flow.identity.keys import KeyRing
from decision_flow.store.db import Database

WORKFLOW = "major-decision-township"
OFFICER, REVIEWER, EXECUTIVE = "zhang_wei", "li_sifasuo", "wang_xiangzhang"
TITLE = "沙河乡农贸市场搬迁方案"

# (step, actor, fields, evidence kinds); dates in 2025, inside the official calendar data.
WALK: list[tuple[str, str, list[str], list[str]]] = [
    (
        "initiation",
        OFFICER,
        [
            "proposer_kind=organ_leader",
            "proposed_by=乡长办公会",
            "undertaking_unit=沙河乡经济发展办公室",
            "start_approved_on=2025-03-03",
            "catalogue_item=2025-03",
        ],
        [],
    ),
    (
        "drafting",
        OFFICER,
        [
            "legal_basis=《农产品批发市场管理办法》《河南省集贸市场管理条例》",
            "alternatives=2",
            "units_consulted=县市场监管局,县自然资源局",
        ],
        ["draft"],
    ),
    (
        "public_participation",
        OFFICER,
        [
            "opened_on=2025-04-01",
            "closed_on=2025-05-06",
            "channels=乡政府网站,村务公开栏,群众座谈会",
            "opinions_received=46",
            "opinions_adopted=19",
        ],
        ["notice", "opinion_handling"],
    ),
    (
        "risk_assessment",
        OFFICER,
        ["completed_on=2025-05-16", "assessed_by=沙河乡综治中心", "risk_level=medium", "controllable=true"],
        ["risk_report"],
    ),
    (
        "legality_review",
        REVIEWER,
        [
            "submitted_on=2025-05-19",
            "opinion_on=2025-05-30",
            "reviewer_unit=沙河乡司法所",
            "legal_adviser=河南某律师事务所 李律师",
            "opinion=lawful_with_revisions",
        ],
        ["review_packet", "legality_opinion"],
    ),
    (
        "collective_decision",
        EXECUTIVE,
        [
            "meeting_type=township_office_meeting",
            "held_on=2025-06-05",
            "stances=王乡长:agree,赵副乡长:agree,陈委员:disagree,刘委员:agree",
            "head_decision=approved",
            "dissent=陈委员：新址距东部三个村较远，建议增设早市班车",
        ],
        ["minutes", "fair_competition_review"],
    ),
    ("party_report", OFFICER, ["reported_on=2025-06-09", "party_committee=中共沙河乡委员会"], []),
    ("publication", OFFICER, ["published_on=2025-06-16", "channels=乡政府网站,村务公开栏"], ["publication_copy"]),
    ("archiving", OFFICER, ["archived_on=2025-06-30", "archive_ref=SHX-2025-ZD-003"], []),
]


def run_demo(say: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the demo; narrate through `say` (if given); return a summary with the trail."""
    speak = say or (lambda _text: None)

    def line(key: str, **params: Any) -> None:
        speak(t(Msg(key, params)))

    with tempfile.TemporaryDirectory(prefix="dflow-demo-") as tmp:
        root = Path(tmp)
        db = Database(f"sqlite:///{root / 'demo.db'}")
        # the demo's users keep their key files in the scratch directory, never in the real one
        engine = Engine(db, today=lambda: date(2025, 7, 1), keys=KeyRing(directory=root / "keys"))
        users.init(engine, "admin")
        users.add(engine, OFFICER, ["officer"], "admin")
        users.add(engine, REVIEWER, ["legal_reviewer"], "admin")
        users.add(engine, EXECUTIVE, ["executive"], "admin")
        line("demo.db", path=str(root / "demo.db"))
        dec = engine.new(TITLE, WORKFLOW, ["stability_risk", "market_affecting"], OFFICER)
        assert dec.id is not None
        line("demo.created", id=dec.id, title=TITLE)
        refused: list[dict[str, str]] = []
        for step, actor, fields, kinds in WALK:
            files = []
            for kind in kinds:
                path = root / f"{kind}.txt"
                path.write_text(f"{TITLE}：{kind}\n", encoding="utf-8")
                files.append(f"{kind}={path}")
            engine.record(dec.id, step, fields, files, actor)
            line("demo.recorded", step=step, actor=actor, n=len(fields), files=len(files))
            if step == "drafting":
                try:
                    engine.advance(dec.id, OFFICER, to="legality_review")
                except Blocked as exc:
                    reason = exc.reasons[0]
                    refused.append(reason.as_dict())
                    line("demo.refused", why=reason.detail(), article=article(reason.article))
            if step == "public_participation":
                engine.waive(dec.id, "expert_review", "非专业性、技术性事项（乡长办公会认定）", OFFICER)
                line("demo.waived", step="expert_review")
            if step in ("public_participation",):
                continue  # the consultation stage is left once risk assessment is done too
            stage = engine.advance(dec.id, actor)
            line("demo.advanced", stage=stage)
        trail = queries.trail(engine, dec.id)
        verdict = queries.verify(engine, remember=False)  # a throwaway database: nothing kept of it
        shown = queries.show(engine, dec.id)
        db.dispose()
    return {
        "decision": dec.id,
        "title": TITLE,
        "workflow": WORKFLOW,
        "status": shown["status"],
        "refused": refused,
        "events": len(trail["events"]),
        "trail": trail,
        "verify": verdict.as_dict() | {"signed": verdict.signed},
    }
