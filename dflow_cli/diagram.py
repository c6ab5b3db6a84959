"""dflow show ID --diagram: a case's procedure drawn, its current stage highlighted (流程图)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dflow_cli.common import _id, _path, _run, _say

if TYPE_CHECKING:
    from decision_flow.engine import Engine


def draw(
    engine: Engine,
    decision: str,
    diagram: bool,
    fmt: str | None,
    output: str | None,
    acting: str | None,
    json_out: bool,
) -> None:
    """Draw decision `decision` as `fmt` (mermaid by default, or svg): to `output`, else to stdout."""

    def act() -> dict[str, Any]:
        from decision_flow.core.errors import InvalidInput
        from decision_flow.core.i18n import Msg
        from decision_flow.engine import queries
        from decision_flow.presentation import picture

        if not diagram:
            option = "--format" if fmt is not None else "-o"
            raise InvalidInput(Msg("diagram.needs_diagram", {"option": option}))
        kind = picture.check_format(fmt or "mermaid")
        case = _id(decision)
        out = _path(output, "-o") if output is not None else None
        text = picture.case_diagram(queries.show(engine, case, acting), kind)
        if out is None:
            return {"id": case, "format": kind, kind: text}
        return {"id": case, "format": kind, "file": output, "bytes": picture.write(out, text)}

    def human(result: dict[str, Any]) -> None:
        if "file" in result:
            _say("diagram.written", id=result["id"], file=result["file"], fmt=result["format"])(result)
        else:
            print(result[result["format"]], end="")

    _run(json_out, act, human)
