"""What the engine knows of a procedure besides its workflow files: its articles, invariants,
legal gates and separation-of-duties rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import import_module
from typing import TYPE_CHECKING

from decision_flow.core.value import Value
from decision_flow.definition.workflow import Title, Workflow

if TYPE_CHECKING:
    from decision_flow.procedures.annual import Annual, Case, Days, Report


class Duty(Value):
    """Separation of duties (职责分离): whoever recorded one of the steps `earlier` names in a
    case may not record, complete or advance `stage` of the same case; refused as `rule` under
    `article`, with the message `message` (params: user, steps, id)."""

    stage: str
    earlier: Callable[[Workflow], list[str]]
    rule: str
    article: str
    message: str


class Articles(Value):
    """The articles behind the engine's own checks, which differ by procedure: stages in their
    order (a step of another stage, a skip, a return forward, a closed case), the order of the
    dates recorded, and until when a flag may change."""

    order: str
    dates: str
    flags: str


SETTING_KINDS = ("period", "bool")


class Setting(Value):
    """A locality setting (地方设置): a point the national text leaves to the province or the
    locality, which a usable workflow file must give in its ``[settings]`` (an abstract base may
    leave it to the files extending it). `kind` is ``period`` (``{ days = N, unit = "working" |
    "calendar" }``) or ``bool``; it is owed by files of the `levels` named; `article` is what
    leaves it to the locality, and `hint` the message key that says what to set."""

    name: str
    kind: str
    levels: tuple[str, ...]
    article: str
    hint: str


class Column(Value):
    """A column of the procedure's ledger (台账, e.g. the legality-review ledger): the value of
    `field` recorded on `step`, or, with `since` (a step and a date field), the working days on
    the official calendar from that date to this one."""

    key: str
    title: Title
    step: str
    field: str
    since: tuple[str, str] | None = None


class Act(Value):
    """One act of a demonstration walk: `record` a step's fields and evidence kinds, `waive` a
    step with a reason, `complete` a step (one whose outcome ends the case), `advance` the case,
    or `skip` (an advance `to` a later stage, which the engine must refuse)."""

    verb: str
    actor: str
    step: str | None = None
    fields: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    to: str | None = None
    reason: str | None = None


class Demo(Value):
    """A realistic case of the procedure, walked by `dflow demo` in a throwaway database."""

    title: str
    workflow: str
    flags: tuple[str, ...]
    today: date
    users: tuple[tuple[str, str], ...]  # (name, role)
    acts: tuple[Act, ...]


class Life(Value):
    """A decided case's life after archiving (Decree 713 Arts. 34-37): the article behind each
    act, the grounds on which an evaluation may begin and the conclusions it may reach, and who
    did the pre-decision assessments — the steps whose recorders, and the (step, field) values
    naming units or persons, that may never evaluate the same decision."""

    implementation: str
    feedback: str
    suspension: str
    evaluation: str
    adjustment: str
    grounds: tuple[str, ...]
    conclusions: tuple[str, ...]
    assessments: tuple[str, ...]
    assessors: tuple[tuple[str, str], ...]


class Consultation(Value):
    """The step where the public comments on a draft (公众参与) and the names the consultation
    page and its opinions use: the step, its period's date fields, the list field of channels
    (to which the page adds `web_channel`), the count fields computed from the opinions, the
    evidence kind of the opinion-handling document, and the flag that keeps a case off the
    page. `article` is cited when a comment is refused (the period), `handling_article` for the
    handling of opinions."""

    step: str
    opened: str
    closed: str
    channels: str
    received: str
    adopted: str
    handling: str
    hidden_flag: str
    web_channel: str
    article: str
    handling_article: str


class Procedure(Value):
    """What the engine needs to know of one procedure besides its workflow files."""

    key: str
    articles: Articles
    check: Callable[[Workflow], None]  # the invariants no locality's file may break
    record: Title = Title("审计记录", "Audit record")  # what an export of one case's trail is called
    case: Title = Title("案件", "case")  # what one case is called ("决策", "审核")
    gates: tuple[str, ...] = ()  # steps never skipped: a jump over one names it
    duties: tuple[Duty, ...] = ()
    demo: Demo | None = None
    samples: tuple[Demo, ...] = ()  # more cases of a year, which a kept demonstration database holds
    settings: tuple[Setting, ...] = ()  # what each locality's file must set
    ledger: tuple[Column, ...] = ()  # the columns `dflow list --workflow` shows for its cases
    life: Life | None = None  # what may happen to a decided case after archiving, if anything
    # The annual report (Inspection Rules Art. 24): the day a case is opened, the first of these
    # (step, date field) recorded (before any is, the day the case was created), and what the
    # report counts of a year's cases (procedures/annual.py).
    opened: tuple[tuple[str, str], ...] = ()
    annual: Report | None = None
    consultation: Consultation | None = None  # where the public comments online, if anywhere


def report_in(module: str) -> Report:
    """The annual report of a procedure, the `annual` function of `module`, imported when a report
    is first made (a command about one case never loads the report's model)."""

    def report(cases: list[Case], days: Days) -> Annual:
        made: Annual = import_module(module).annual(cases, days)
        return made

    return report
