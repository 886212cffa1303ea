from datetime import date

from core.dates import add_months, month_start


def test_add_months_keeps_the_day_and_caps_at_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 1), -6) == date(2026, 9, 1)
    assert add_months(date(2026, 5, 15), -12) == date(2025, 5, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_month_start():
    assert month_start(date(2026, 11, 21)) == date(2026, 11, 1)
