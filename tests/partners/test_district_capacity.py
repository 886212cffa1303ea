"""Issue 19: the team's signals per month against the agreed capacity on the district
page: a quarter's months are shown together or not at all, so a published quarter total
minus two shown months never gives a hidden third."""

from datetime import date

from partners.models import District
from privacy.aggregates import dashboard, district_capacity
from tests.helpers import at, signal


def _file(user, count, day, postcode="1012 AB", start=0):
    for n in range(count):
        signal(user, start + n + 1, postcode=postcode, filed_at=at(day))


def test_a_quarter_with_a_hidden_month_shows_none_of_its_months(demo, user):
    anna, bram = user("anna"), user("bram")
    # Q3: every month shown (Zuid has signals too, so Noord's total is not the whole town).
    _file(anna, 6, date(2026, 7, 6), start=100)
    _file(anna, 7, date(2026, 8, 5), start=200)
    _file(anna, 8, date(2026, 9, 7), start=300)
    # Zuid has signals every month, so Noord's team is never the whole town.
    for month in range(7, 13):
        _file(bram, 6, date(2026, month, 3), postcode="1024 AB", start=1000 + 10 * month)
    # Q4: November's 2 signals are hidden, so October and December are hidden with it.
    _file(anna, 8, date(2026, 10, 5), start=500)
    _file(anna, 2, date(2026, 11, 4), start=600)
    _file(anna, 6, date(2026, 12, 2), start=700)
    noord = District.objects.get(name="Noord")
    figures = {f.month: f for f in district_capacity(noord, today=date(2026, 12, 15))}
    # The dashboard alone shows October (8) and hides November (2): 8 + 2 + December
    # against the quarter total on the district page would give November away.
    alone = dashboard(
        noord.municipality_id,
        date(2026, 10, 1),
        date(2026, 12, 1),
        team_id=noord.team_id,
        today=date(2026, 12, 15),
    )
    assert {f.month.month: f.total for f in alone}[10] == 8
    assert [figures[date(2026, m, 1)].total for m in (10, 11, 12)] == [None, None, None]
    assert [figures[date(2026, m, 1)].total for m in (7, 8, 9)] == [6, 7, 8]
    july = figures[date(2026, 7, 1)]
    assert july.capacity_agreed and july.capacity_used is not None


def test_capacity_months_are_the_dashboards_published_team_totals(demo, user):
    """The capacity section counts only totals, but publishes exactly what the coordinator
    dashboard publishes for the team, hidden months included (the same protected table)."""
    anna, bram = user("anna"), user("bram")
    counts = {7: (6, 9), 8: (7, 7), 9: (12, 6), 10: (5, 1), 11: (3, 8), 12: (9, 9)}
    for month, (noord, zuid) in counts.items():
        _file(anna, noord, date(2026, month, 6), start=100 * month)
        _file(bram, zuid, date(2026, month, 7), postcode="1024 AB", start=100 * month + 50)
    noord = District.objects.get(name="Noord")
    today = date(2026, 12, 15)
    alone = dashboard(
        noord.municipality_id,
        date(2026, 1, 1),
        date(2026, 12, 1),
        team_id=noord.team_id,
        today=today,
    )
    capacity = {f.month: f.total for f in district_capacity(noord, today=today)}
    published = {f.month: f.total for f in alone}
    assert [m.month for m in capacity] == [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    # Shown capacity months are the dashboard's values; a month is never shown that the
    # dashboard hides.
    assert all(total is None or total == published[m] for m, total in capacity.items())
    assert [capacity[date(2026, m, 1)] for m in (7, 8, 9)] == [6, 7, 12]
    assert published[date(2026, 11, 1)] is None  # 3 signals
    assert [capacity[date(2026, m, 1)] for m in (10, 11, 12)] == [None, None, None]
