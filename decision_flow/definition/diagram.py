"""A workflow as a Mermaid state diagram (text), drawn from the machine's own spec."""

from __future__ import annotations

from decision_flow.core.labels import STATUSES, TRIGGERS
from decision_flow.definition.workflow import Workflow


def mermaid(wf: Workflow, lang: str = "en") -> str:
    """`stateDiagram-v2` text: each stage with its title, advances, returns, rejection; the
    states keep their machine names (Mermaid's identifiers), the labels are in `lang`."""
    pick = 1 if lang == "zh" else 0
    spec = wf.machine_spec()
    lines = ["stateDiagram-v2", f"    [*] --> {spec['initial']}"]
    for stage in wf.stages:
        lines.append(f"    {stage.name} : {stage.title.get(lang)}")
    for end in ("archived", "rejected"):
        lines.append(f"    {end} : {STATUSES[end][pick]}")
    for t in spec["transitions"]:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        trigger = t["trigger"] if not t["trigger"].startswith("return_to_") else "return"
        label = TRIGGERS[trigger][pick] if trigger in TRIGGERS else trigger
        for source in sources:
            lines.append(f"    {source} --> {t['dest']} : {label}")
    ends = spec["states"][len(wf.stages) :]
    lines += [f"    {end} --> [*]" for end in ["archived"] + [e for e in ends if e != "archived"]]
    return "\n".join(lines) + "\n"
