"""Working days for the public notice period."""

from __future__ import annotations

from datetime import date

import pytest

from competition.core.workdays import Calendar, notice_ends_on, parse_dates, working_days_left

PLAIN = Calendar()


@pytest.mark.parametrize(
    ("published", "days", "ends"),
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday → the next Monday
        (date(2026, 11, 27), 5, date(2026, 12, 4)),  # Friday → the next Friday
        (date(2026, 11, 28), 5, date(2026, 12, 4)),  # Saturday: Monday is day 1
        (date(2026, 11, 29), 1, date(2026, 11, 30)),
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
    ],
)
def test_notice_counts_whole_working_days_after_publication(published, days, ends):
    assert notice_ends_on(published, days, PLAIN) == ends


def test_holidays_are_skipped_and_working_weekends_count():
    national_day = parse_dates("2026-10-01..2026-10-07")
    worked = parse_dates("2026-10-10")
    calendar = Calendar(national_day, worked)
    # Wednesday 30 September: 1 Oct-7 Oct off, Thursday 8, Friday 9, Saturday 10 (worked),
    # Monday 12, Tuesday 13.
    assert notice_ends_on(date(2026, 9, 30), 5, calendar) == date(2026, 10, 13)
    assert not calendar.is_working_day(date(2026, 10, 5))
    assert calendar.is_working_day(date(2026, 10, 10))


def test_working_days_left_count_what_is_still_to_come():
    national_day = parse_dates("2026-10-01..2026-10-07")
    calendar = Calendar(national_day, parse_dates("2026-10-10"))
    ends = notice_ends_on(date(2026, 9, 30), 5, calendar)
    assert working_days_left(date(2026, 9, 30), ends, calendar) == 5
    assert working_days_left(date(2026, 10, 9), ends, calendar) == 3  # Sat 10, Mon 12, Tue 13
    assert working_days_left(ends, ends, calendar) == 0  # the last day itself
    assert working_days_left(date(2026, 10, 20), ends, calendar) == 0  # over
    for published in (date(2026, 11, 23), date(2026, 11, 28)):
        assert working_days_left(published, notice_ends_on(published, 5, PLAIN), PLAIN) == 5


def test_date_settings_are_parsed_strictly():
    assert parse_dates(None) == frozenset()
    assert parse_dates(" 2026-01-01, 2026-02-16..2026-02-18\n2026-05-01 ") == {
        date(2026, 1, 1),
        date(2026, 2, 16),
        date(2026, 2, 17),
        date(2026, 2, 18),
        date(2026, 5, 1),
    }
    with pytest.raises(ValueError, match="2026-13-01"):
        parse_dates("2026-13-01")
    with pytest.raises(ValueError, match="ends before"):
        parse_dates("2026-02-18..2026-02-16")
    with pytest.raises(ValueError):
        notice_ends_on(date(2026, 1, 1), -1, PLAIN)


def test_a_bad_holiday_setting_stops_the_start(monkeypatch, tmp_path):
    from competition.config import ConfigError, load_config

    monkeypatch.setenv("COMPETITION_ENV", "development")
    monkeypatch.setenv("HOLIDAYS", "2026-10-01..2026-10-O7")
    with pytest.raises(ConfigError, match="HOLIDAYS"):
        load_config(str(tmp_path))
    monkeypatch.setenv("HOLIDAYS", "2026-10-01..2026-10-07")
    assert len(load_config(str(tmp_path))["HOLIDAYS"]) == 7
