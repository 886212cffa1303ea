"""Date arithmetic: months, and the moment a local day starts."""

import calendar
from datetime import date, datetime, time

from django.utils import timezone


def add_months(value: date, months: int) -> date:
    """The same day `months` later (earlier when negative), capped at the month's end."""
    year, month = divmod(value.year * 12 + value.month - 1 + months, 12)
    month += 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


def month_start(value: date) -> date:
    """The first day of the month of `value`."""
    return value.replace(day=1)


def local_midnight(day: date, zone=None) -> datetime:
    """The aware moment `day` starts in `zone` (default: the current time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min), zone)
