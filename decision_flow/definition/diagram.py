"""A workflow as a Mermaid state diagram (text), drawn from the machine's own spec."""

from __future__ import annotations

from decision_flow.definition.workflow import Workflow


def mermaid(wf: Workflow, lang: str = "en") -> str:
    """`stateDiagram-v2` text: each stage with its title, advances, returns, rejection."""
    spec = wf.machine_spec()
    lines = ["stateDiagram-v2", f"    [*] --> {spec['initial']}"]
    for stage in wf.stages:
        lines.append(f"    {stage.name} : {stage.title.get(lang)}")
    for t in spec["transitions"]:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        label = t["trigger"] if not t["trigger"].startswith("return_to_") else "return"
        for source in sources:
            lines.append(f"    {source} --> {t['dest']} : {label}")
    ends = spec["states"][len(wf.stages) :]
    lines += [f"    {end} --> [*]" for end in ["archived"] + [e for e in ends if e != "archived"]]
    return "\n".join(lines) + "\n"
