"""Terminal output of ``dflow calendar``: a year of the official calendar, an import, a check.
Every line is a message of the catalogue, so a Chinese reader reads Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from decision_flow.core.i18n import Msg, t
from decision_flow.presentation.lines import message
from decision_flow.presentation.render import local_time


def _say(key: str, **params: Any) -> None:
    message(t(Msg(key, params)))


def imported(result: Mapping[str, Any]) -> None:
    """What `dflow calendar import` did."""
    key = "calendar.replaced" if result.get("replaces") else "calendar.imported"
    _say(key, **{k: v for k, v in result.items() if k != "replaces"}, previous=result.get("replaces"))


def year(view: Mapping[str, Any]) -> None:
    """A year as `dflow calendar show` prints it: its source, holidays and adjusted working days."""
    number, version = view["year"], view["chinese_calendar"]
    if view["source"] == "imported":
        _say(
            "calendar.show.imported",
            year=number,
            notice=view["notice"],
            notice_date=view["notice_date"],
            by=view["imported_by"],
            at=local_time(view["imported_at"]),
            sha256=view["sha256"],
        )
        if view["overrides_chinese_calendar"]:
            _say("calendar.show.overrides", version=version, year=number)
    else:
        _say("calendar.show.shipped", year=number, version=version)
    _say("calendar.show.holidays")
    for p in view["holidays"]:
        days = (date.fromisoformat(p["to"]) - date.fromisoformat(p["from"])).days + 1
        _say("calendar.show.period", first=p["from"], last=p["to"], days=days, name=p["name"])
    if not view["holidays"]:
        _say("calendar.show.none")
    _say("calendar.show.workdays")
    names = t(Msg("calendar.weekdays", {})).split()
    for w in view["workdays"]:
        weekday = names[date.fromisoformat(w["date"]).weekday()]
        _say("calendar.show.workday", date=w["date"], weekday=weekday, name=w["name"])
    if not view["workdays"]:
        _say("calendar.show.none")


def check(report: Mapping[str, Any]) -> None:
    """What `dflow calendar check` found, year by year."""
    version = report["chinese_calendar"]
    if not report["years"]:
        _say("calendar.check.none")
    for item in report["years"]:
        number, found = item["year"], item["disagreements"]
        if not item["compared"]:
            _say("calendar.check.not_covered", year=number, version=version)
        elif not found:
            _say("calendar.check.agrees", year=number, version=version)
        else:
            _say("calendar.check.differs", year=number, count=len(found), version=version)
            for d in found:
                _say(
                    "calendar.check.day",
                    date=d["date"],
                    imported=t(Msg(f"calendar.kind.{d['imported']}", {})),
                    shipped=t(Msg(f"calendar.kind.{d['chinese_calendar']}", {})),
                    counts=t(Msg("calendar.check.counts", {})) if d["counts"] else "",
                )
