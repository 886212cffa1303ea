"""Working-day deadlines as the Algemene termijnenwet counts them (the calendar itself:
`tests/core/test_working_days.py`)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from signals.deadlines import deadlines

AMS = ZoneInfo("Europe/Amsterdam")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=AMS)


def test_friday_after_five_counts_from_monday():
    # Friday 20 November 2026, 17:30: day 0 is Monday 23 November.
    assert deadlines(at(2026, 11, 20, 17, 30), 5, 10) == (date(2026, 11, 30), date(2026, 12, 7))


def test_friday_before_five_counts_from_friday():
    assert deadlines(at(2026, 11, 20, 16, 59), 5, 10) == (date(2026, 11, 27), date(2026, 12, 4))


def test_weekend_filing_starts_monday():
    assert deadlines(at(2026, 11, 22, 9, 0), 1, 3) == (date(2026, 11, 24), date(2026, 11, 26))


def test_christmas_and_new_year_are_skipped():
    # Thursday 24 December 2026; 25 and 26 December, the weekend and 1 January do not count.
    triage, feedback = deadlines(at(2026, 12, 24, 10, 0), 5, 10)
    assert triage == date(2027, 1, 4)
    assert feedback == date(2027, 1, 11)


def test_christmas_eve_after_five():
    # Starts Monday 28 December: day 1 is the 29th.
    assert deadlines(at(2026, 12, 24, 17, 0), 1, 4) == (date(2026, 12, 29), date(2027, 1, 4))


def test_good_friday_and_easter_monday_are_skipped():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are holidays.
    assert deadlines(at(2026, 4, 2, 10, 0), 1, 2) == (date(2026, 4, 7), date(2026, 4, 8))


def test_fifth_of_may_is_skipped():
    # Monday 4 May 2026 -> Wednesday 6 May.
    assert deadlines(at(2026, 5, 4, 10, 0), 1, 1) == (date(2026, 5, 6), date(2026, 5, 6))


def test_ascension_day_is_skipped():
    # Wednesday 13 May 2026; Ascension Day is Thursday 14 May.
    assert deadlines(at(2026, 5, 13, 10, 0), 1, 2) == (date(2026, 5, 15), date(2026, 5, 18))
