"""The deadlines of a signal: triage and feedback terms in working days from its filing
(the calendar is `core.working_days`)."""

from datetime import date, datetime

from core.working_days import add_working_days, start_day


def deadlines(moment: datetime, triage_days: int, feedback_days: int) -> tuple[date, date]:
    start = start_day(moment)
    return add_working_days(start, triage_days), add_working_days(start, feedback_days)
