"""The working-day calendar: Dutch public holidays, the 17:00 cut-off, counting days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.working_days import (
    is_working_day,
    start_day,
    working_days_between,
    working_days_counter,
)

AMS = ZoneInfo("Europe/Amsterdam")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=AMS)


def test_start_day_after_five_on_friday_is_monday():
    assert start_day(at(2026, 11, 20, 17, 30)) == date(2026, 11, 23)
    assert start_day(at(2026, 11, 20, 16, 59)) == date(2026, 11, 20)


def test_start_day_in_the_weekend_is_monday():
    assert start_day(at(2026, 11, 21, 10, 0)) == date(2026, 11, 23)
    assert start_day(at(2026, 11, 22, 9, 0)) == date(2026, 11, 23)


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2029])
def test_fifth_of_may_is_a_holiday_every_year(year):
    assert not is_working_day(date(year, 5, 5))


def test_kings_day_and_whit_monday_are_not_working_days():
    assert not is_working_day(date(2026, 4, 27))
    assert not is_working_day(date(2026, 5, 25))
    assert is_working_day(date(2026, 5, 26))


def test_working_days_between():
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0


def test_working_days_counter_counts_as_working_days_between():
    """The district figures count many pairs at once: the same answers, inside and
    outside the range it was built for, across Christmas, King's Day and a leap day."""
    counter = working_days_counter(date(2027, 12, 1), date(2028, 5, 31))
    days = [date(2027, 11, 20) + timedelta(days=n) for n in range(0, 200, 3)]
    for start in days:
        for end in days:
            assert counter(start, end) == working_days_between(start, end), (start, end)
