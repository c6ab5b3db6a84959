"""The named errors of decision-flow; each maps to one exit code of the product contract.

DflowError                      1  internal
├── InvalidInput                2  invalid      bad option, bad value, unreadable or malformed file
│   └── WorkflowError           2  invalid      a workflow file that does not load or validate
├── Blocked                     3  blocked      refused by the procedure (carries the reasons)
├── NotFound                    4  not_found    no such decision, step, user or workflow
├── Forbidden                   5  forbidden    the acting user lacks the role, or is unknown
├── Conflict                    6  conflict     the decision changed underneath; nothing written
└── IntegrityError              7  integrity    audit verification failed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decision_flow.core.i18n import Msg, t
from decision_flow.core.secret import redact
from decision_flow.core.value import Value


class Reason(Value):
    """One reason a change was refused: the rule, the article it comes from, and the detail.

    A reason that is not ``blocking`` is a mark on the record (e.g. ``late``), not a refusal.
    """

    rule: str
    article: str
    msg: Msg
    blocking: bool = True

    def detail(self, lang: str | None = None) -> str:
        return redact(t(self.msg, lang))

    def as_dict(self, lang: str | None = None) -> dict[str, str]:
        return {"rule": self.rule, "article": self.article, "detail": self.detail(lang)}


@dataclass
class DflowError(Exception):
    """Base of every error the tool reports; an unexpected one is a bug (exit 1)."""

    msg: Msg | str
    reasons: list[Reason] = field(default_factory=list)
    # the workflow definition of the case the error is about, when known, so its names can be
    # shown in the reader's words (set by the engine; core knows no workflow type)
    workflow: Any = field(default=None, compare=False, repr=False)
    exit_code = 1
    code = "internal"

    def __post_init__(self) -> None:
        """The same reason found by two rules (e.g. the shortest and the longest period both
        waiting for one date) is said once."""
        seen: set[tuple[str, str]] = set()
        unique = []
        for reason in self.reasons:
            key = (reason.article, reason.detail("en"))
            if key not in seen:
                seen.add(key)
                unique.append(reason)
        self.reasons = unique

    def message(self, lang: str | None = None) -> str:
        return redact(t(self.msg, lang))  # no passphrase, key or password ever leaves in a message

    def __str__(self) -> str:
        return self.message("en")


class InvalidInput(DflowError):
    """Bad option, bad value, unreadable or malformed file."""

    exit_code = 2
    code = "invalid"


class WorkflowError(InvalidInput):
    """A workflow file that does not parse, or breaks the schema or the legal invariants."""

    @classmethod
    def at(cls, source: str, where: str, problem: Msg | str, **params: object) -> WorkflowError:
        """A problem at one place of a workflow file: ``FILE: KEY.PATH: problem``, the file and
        the key path as they are, the problem (a message, or its key and `params`) in the
        reader's language."""
        said = problem if isinstance(problem, Msg) else Msg(problem, params)
        return cls(Msg("wf.at", {"source": source, "where": where, "problem": said}))


class Blocked(DflowError):
    """Refused by the procedure: a skip, a missing field or evidence, a period too short."""

    exit_code = 3
    code = "blocked"

    @classmethod
    def because(cls, rule: str, article: str, key: str, **params: object) -> Blocked:
        """A refusal whose message is its single reason."""
        msg = Msg(key, params)
        return cls(msg, [Reason(rule, article, msg)])


class NotFound(DflowError):
    """No such decision, step, user or workflow."""

    exit_code = 4
    code = "not_found"


class Forbidden(DflowError):
    """The acting user is unknown or lacks the role the step requires."""

    exit_code = 5
    code = "forbidden"


class Conflict(DflowError):
    """The decision changed underneath this change (a concurrent writer); nothing was written."""

    exit_code = 6
    code = "conflict"


class IntegrityError(DflowError):
    """The audit trail or an evidence file does not verify."""

    exit_code = 7
    code = "integrity"
