"""The suppression rules and the aggregate figures, tested on their own."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from partners.models import Agreement, Complex, ComplexAddress
from partners.postcodes import household_key
from privacy import aggregates
from privacy.aggregates import cell, round_percentage, share
from signals.models import Signal
from tests.helpers import at, case_for, signal

# --- rules at their boundaries ------------------------------------------------------------


@pytest.mark.parametrize(("count", "shown"), [(0, None), (4, None), (5, 5), (6, 6)])
def test_cell_under_five_is_hidden(count, shown):
    assert cell(count) == shown


@pytest.mark.parametrize(("count", "total", "shown"), [(6, 10, None), (5, 10, 5), (15, 19, None)])
def test_cell_with_complement_under_five_is_hidden(count, total, shown):
    # 6 of 10 leaves 4 outside the cell: hidden; 5 of 10 leaves 5: shown.
    assert cell(count, total) == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "percentage"),
    [(11, 25, 40), (9, 20, 50), (1, 3, 30), (2, 3, 70), (5, 10, 50), (7, 20, 40), (3, 20, 20)],
)
def test_percentages_round_to_tens_half_up(numerator, denominator, percentage):
    # 44 % -> 40 %, 45 % -> 50 %, 35 % -> 40 % (half up), 15 % -> 20 %.
    assert round_percentage(numerator, denominator) == percentage


def test_share_is_hidden_when_part_or_complement_is_small():
    assert share(4, 20) is None
    assert share(16, 20) is None
    assert share(5, 10) == 50
    assert share(5, 9) is None


# --- complex insights ------------------------------------------------------------------------


def _complex(corporation, code: str, households: int) -> Complex:
    complex_ = Complex.objects.create(corporation=corporation, code=code, status="approved")
    ComplexAddress.objects.bulk_create(
        ComplexAddress(
            complex=complex_,
            postcode="1013 CD",
            house_number=n,
            household_key=household_key("1013 CD", n, ""),
        )
        for n in range(1, households + 1)
    )
    return complex_


def _known(anna, numbers, **case_fields):
    for n in numbers:
        case_for(signal(anna, n, postcode="1013 CD"), **case_fields)


def _insight(code):
    complexes = Complex.objects.filter(code=code)
    (row,) = aggregates.complex_insights(complexes)
    return row


@pytest.mark.parametrize(("households", "known_share"), [(9, None), (10, "50%")])
def test_complex_under_ten_households_shows_nothing(demo, user, households, known_share):
    linde = demo["organisations"]["Woonstichting De Linde"]
    _complex(linde, "C", households)
    _known(user("anna"), range(1, 6))
    row = _insight("C")
    assert row["households"] == households
    assert row["known_share"] == known_share
    assert row["suppressed"] is (known_share is None)


@pytest.mark.parametrize(("known", "known_share"), [(4, None), (5, "30%")])
def test_complex_known_count_under_five_is_hidden(demo, user, known, known_share):
    _complex(demo["organisations"]["Woonstichting De Linde"], "C", 16)
    _known(user("anna"), range(1, known + 1))
    assert _insight("C")["known_share"] == known_share


@pytest.mark.parametrize(("known", "known_share"), [(11, "70%"), (12, None)])
def test_complex_complement_under_five_is_hidden(demo, user, known, known_share):
    # 16 households: 11 known leaves 5 unknown (shown), 12 known leaves 4 (hidden).
    _complex(demo["organisations"]["Woonstichting De Linde"], "C", 16)
    _known(user("anna"), range(1, known + 1))
    assert _insight("C")["known_share"] == known_share


def test_known_means_open_case_or_closed_within_twelve_months(demo, user):
    anna = user("anna")
    _complex(demo["organisations"]["Woonstichting De Linde"], "C", 20)
    now = timezone.now()
    _known(anna, range(1, 6))  # open
    _known(anna, range(6, 9), state="closed", closed_at=now - timedelta(days=100))
    _known(anna, range(9, 12), state="closed", closed_at=now - timedelta(days=400))
    # 8 of 20 known = 40 %; the 3 closed over a year ago do not count.
    assert _insight("C")["known_share"] == "40%"


# --- dashboard ------------------------------------------------------------------------------------


def _month(signals_spec, anna, month_start: date):
    """Create signals in one month from (count, fields) pairs."""
    number = 100
    for count, fields in signals_spec:
        for _i in range(count):
            number += 1
            signal(anna, number, **{"filed_at": at(month_start + timedelta(days=1)), **fields})


@pytest.fixture
def march(demo, user):
    """March 2026 for De Linde: 12 nuisance and 6 rent-arrears signals with known dates."""
    anna = user("anna")
    d = date(2026, 3, 2)  # a Monday; filed_at is 3 March
    deadline = date(2026, 3, 10)
    in_term = {"triage_deadline": deadline, "feedback_deadline": deadline}
    _month(
        [
            # 7 triaged within term (1 working day after filing), fed back in term, closed.
            (
                7,
                {
                    **in_term,
                    "triaged_at": at(date(2026, 3, 4)),
                    "feedback_at": at(deadline),
                    "status": "closed",
                },
            ),
            # 5 triaged late (on 12 March, 7 working days), still accepted, no feedback.
            (5, {**in_term, "triaged_at": at(date(2026, 3, 12)), "status": "accepted"}),
        ],
        anna,
        d,
    )
    _month([(6, {**in_term, "status": "received", "kind": "rent_arrears"})], anna, d)
    return demo


def test_dashboard_figures_match_hand_computed(march):
    municipality = march["municipality"]
    (figures,) = aggregates.dashboard(
        municipality.pk, date(2026, 3, 1), date(2026, 3, 1), today=date(2026, 4, 15)
    )
    assert figures.total == 18
    assert figures.per_kind == {
        "nuisance": 12,
        "rent_arrears": 6,
        "renovation_finding": 0,  # nothing: shown as 0, not hidden
        "other": 0,
    }
    # All 18 are due for triage (deadline passed); 7 triaged in term: 39 % -> 40 %.
    assert figures.triaged_in_term == 40
    # 7 of 18 fed back in term: 11 outside it -> 40 %.
    assert figures.feedback_in_term == 40
    # 12 triaged: seven after 1 working day, five after 7: median 1.
    assert figures.median_triage_days == 1.0
    # Open: 5 accepted + 6 received = 11 (complement 7); overdue: the same 11.
    assert figures.open == 11
    assert figures.overdue == 11
    assert figures.capacity_agreed == 80  # two demo agreements of 40
    assert figures.capacity_used == 20  # 18 / 80 = 22.5 % -> 20 %


def test_dashboard_suppresses_small_months_entirely(demo, user):
    _month([(4, {})], user("anna"), date(2026, 2, 2))
    (figures,) = aggregates.dashboard(
        demo["municipality"].pk, date(2026, 2, 1), date(2026, 2, 1), today=date(2026, 4, 1)
    )
    assert figures.total is None
    assert set(figures.per_kind.values()) == {None}
    assert figures.triaged_in_term is None and figures.open is None


def test_filtered_total_is_hidden_when_the_rest_is_small(demo, user):
    """Differencing: 9 De Linde + 4 Stadswonen; showing De Linde's 9 next to the
    municipality's 13 would reveal Stadswonen's 4."""
    month = date(2026, 2, 2)
    _month([(9, {})], user("anna"), month)
    number = 500
    for _i in range(4):
        number += 1
        signal(user("bram"), number, postcode="1022 AB", filed_at=at(month))
    linde = demo["organisations"]["Woonstichting De Linde"]
    first = date(2026, 2, 1)
    (whole,) = aggregates.dashboard(demo["municipality"].pk, first, first)
    (filtered,) = aggregates.dashboard(
        demo["municipality"].pk, first, first, corporation_id=linde.pk
    )
    assert whole.total == 13
    assert filtered.total is None


def test_median_counts_working_days_across_easter(demo, user):
    """Filed Thursday 2 April 2026, triaged Tuesday 7 April: Good Friday and Easter
    Monday are no working days, so that is 1 working day."""
    anna = user("anna")
    for n in range(1, 11):
        signal(
            anna,
            n,
            filed_at=at(date(2026, 4, 2)),
            triaged_at=at(date(2026, 4, 7)),
            status="accepted",
        )
    (figures,) = aggregates.dashboard(demo["municipality"].pk, date(2026, 4, 1), date(2026, 4, 1))
    assert figures.median_triage_days == 1.0


def test_dashboard_stays_right_after_retention_erases_personal_fields(march):
    before = aggregates.dashboard(
        march["municipality"].pk, date(2026, 3, 1), date(2026, 3, 1), today=date(2026, 4, 15)
    )
    Signal.objects.update(
        postcode="", house_number=None, household_key="", description="", erased_at=timezone.now()
    )
    after = aggregates.dashboard(
        march["municipality"].pk, date(2026, 3, 1), date(2026, 3, 1), today=date(2026, 4, 15)
    )
    assert after == before


def test_dashboard_query_count_does_not_grow(march, django_assert_max_num_queries):
    Agreement.objects.update(monthly_capacity=10)
    with django_assert_max_num_queries(4):
        figures = aggregates.dashboard(
            march["municipality"].pk, date(2024, 1, 1), date(2026, 12, 1)
        )
    assert len(figures) == 36


def test_compliance_trend_breaks_at_hidden_months_and_scales_to_percent():
    from partners.views import compliance_lines
    from privacy.aggregates import MonthFigures

    newest_first = [
        MonthFigures(month=date(2026, 3, 1), triaged_in_term=100, feedback_in_term=50),
        MonthFigures(month=date(2026, 2, 1), triaged_in_term=None, feedback_in_term=0),
        MonthFigures(month=date(2026, 1, 1), triaged_in_term=80, feedback_in_term=40),
    ]
    lines = compliance_lines(newest_first)
    triaged = [line["points"] for line in lines["triaged_in_term"]]
    assert triaged == ["56,52", "144,20"]  # January, then March: a gap
    assert [line["points"] for line in lines["feedback_in_term"]] == ["56,116 100,180 144,100"]
    assert lines["triaged_in_term"][1]["dots"] == [(144, 20)]  # a lone month still shows


def test_dashboard_capacity_in_one_unit(client_for, demo):
    html = client_for("eva").get("/samenwerking/dashboard/").content.decode()
    assert "Capaciteit: signalen / afgesproken (benut)" in html
    assert "0 / 80 (0%)" in html  # no signals yet this month; the agreements are 2 × 40
    assert "Legenda" in html
