"""Local time where the contest or the class is held: stored moments are UTC, people read the
local date and minute. The zone is a setting (`BABEL_DEFAULT_TIMEZONE`, from `TIMEZONE`)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from competition.core.workdays import Calendar

DEFAULT_ZONE = "Asia/Shanghai"


def zone_name() -> str:
    """The configured zone's name (an empty setting means the default), e.g. for the documents,
    which take the zone as plain data."""
    return str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_ZONE)


def local_zone() -> ZoneInfo:
    return ZoneInfo(zone_name())


def local_date(moment: datetime) -> date:
    """The day a moment falls on where the contest is held (dates on notices are local)."""
    return moment.astimezone(local_zone()).date()


def calendar() -> Calendar:
    """The working-day calendar of the settings (`HOLIDAYS`, `WORKING_WEEKENDS`), which every
    notice period (contest rounds, award programmes) is counted in."""
    return Calendar(
        frozenset(current_app.config.get("HOLIDAYS", ())),
        frozenset(current_app.config.get("WORKING_WEEKENDS", ())),
    )
