"""Working days for the public notice period (公示期), in plain Python.

Chinese offices count a notice period in working days: Monday to Friday, minus public holidays,
plus the weekend days worked in exchange for a holiday (调休补班). Both lists change every year,
so they are settings (`HOLIDAYS`, `WORKING_WEEKENDS`), not code.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    """Which days are working days."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    working_weekends: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays


def notice_ends_on(published_on: date, working_days: int, calendar: Calendar) -> date:
    """The last day of a notice period of `working_days` full working days.

    The period starts the day after publication, so a notice put up late in the afternoon
    still leaves everyone the whole number of days to object; it ends on the evening of its last
    working day. Zero days ends it on the day of publication.
    """
    if working_days < 0:
        raise ValueError("a notice period cannot be negative")
    day = published_on
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def working_days_left(today: date, ends_on: date, calendar: Calendar) -> int:
    """The working days of a notice period still to come after `today`, up to and including
    its last day `ends_on`: 0 on the last day itself and once it has ended."""
    left = 0
    day = today
    while day < ends_on:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left += 1
    return left


def parse_dates(text: str | None) -> frozenset[date]:
    """Dates from a setting: ISO dates or ranges (`2026-10-01..2026-10-07`), separated by
    commas, spaces or new lines. A malformed entry raises ValueError with the entry in it, so a
    typo in the configuration stops the start-up instead of silently shortening a notice."""
    days: set[date] = set()
    for entry in (text or "").replace(",", " ").split():
        first, sep, last = entry.partition("..")
        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if sep else start
        except ValueError as error:
            raise ValueError(f"not a date or date range: {entry!r}") from error
        if end < start:
            raise ValueError(f"date range ends before it starts: {entry!r}")
        days.update(_days(start, end))
    return frozenset(days)


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def calendar_from(holidays: Collection[date], working_weekends: Collection[date]) -> Calendar:
    return Calendar(frozenset(holidays), frozenset(working_weekends))
