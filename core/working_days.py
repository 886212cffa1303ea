"""Working days, as the Algemene termijnenwet counts them.

Weekends and the Dutch public holidays of `holidays.NL(categories=("public", "optional"))`
(which includes Good Friday and 5 May every year) are not working days. A signal filed
after the end of the working day (17:00) or on a non-working day starts counting on the
next working day: that day is day 0, and a term of N days ends N working days later."""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.NL(categories=("public", "optional"), years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    day = start
    for _ in range(days):
        day = next_working_day(day)
    return day


def start_day(moment: datetime) -> date:
    """The working day from which a term counts, for a filing at `moment`."""
    local = timezone.localtime(moment)
    day = local.date()
    if not is_working_day(day) or local.hour >= settings.WORKDAY_END_HOUR:
        return next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def working_day_numbers(first: date, last: date) -> list[int]:
    """For each day from `first` to `last`, the working days from `first` up to and
    including it: `working_days_between(a, b)` is the number of b minus that of a, for
    a <= b in the range (a calendar the database can read too)."""
    numbers, count, day = [], 0, first
    while day <= last:
        if is_working_day(day):
            count += 1
        numbers.append(count)
        day += timedelta(days=1)
    return numbers


def working_days_counter(first: date, last: date):
    """A `working_days_between` for many pairs of days from `first` to `last`: one pass
    over the days, then each pair is a subtraction (the district figures count thousands)."""
    counted = {first + timedelta(days=i): n for i, n in enumerate(working_day_numbers(first, last))}

    def between(start: date, end: date) -> int:
        if end <= start:
            return 0
        if start in counted and end in counted:
            return counted[end] - counted[start]
        return working_days_between(start, end)

    return between
