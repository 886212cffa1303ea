"""The vroegsignalering monitor: figures per month and kind, counted per household, with
the dashboard's disclosure control; coordinators only, and no personal data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from partners.models import AgreementTerm, Municipality
from privacy.monitor import monitor
from signals.services import file_signal
from tests.helpers import WGS_STEPS_TAKEN

ARREARS = {
    "kind": "rent_arrears",
    "postcode": "1014 AB",
    "description": "Huur niet betaald.",
    "arrears_amount": "700,00",
    "arrears_months": 2,
    **WGS_STEPS_TAKEN,
}


@pytest.fixture
def world(user):
    """15 rent-arrears households (one signalled twice) and 3 nuisance households, all
    accepted. Ten are reached by a visit; five of those accepted help just before it (the
    visit is their first conversation), four declined; five were never contacted."""
    AgreementTerm.objects.filter(kind="rent_arrears").update(outreach_days=2)
    anna, noor, sara = user("anna"), user("noor"), user("sara")
    cases = []
    for number in range(1, 16):
        signal = file_signal(anna, {**ARREARS, "house_number": number})
        cases.append(services.accept_signal(noor, signal))
    services.accept_signal(noor, file_signal(anna, {**ARREARS, "house_number": 1}))
    for number in range(1, 4):
        nuisance = {**ARREARS, "kind": "nuisance", "house_number": 100 + number}
        services.accept_signal(noor, file_signal(anna, nuisance))
    for index, case in enumerate(cases[:10]):
        now = timezone.now() - timedelta(seconds=1)
        if index < 5:
            services.record_help_response(sara, case, "accepted", now - timedelta(seconds=1))
        elif index < 9:
            services.record_help_response(sara, case, "declined", now - timedelta(seconds=1))
        services.record_outreach(sara, case, "visit", now, True)
    return Municipality.objects.get(name="Demostad")


def this_month():
    return timezone.localdate().replace(day=1)


def test_figures_per_household_with_small_cells_hidden(world):
    rows = monitor(world.pk, this_month(), this_month())
    arrears = next(r for r in rows if r.kind == "rent_arrears")
    assert (arrears.signals, arrears.households) == (16, 15)
    assert (arrears.attempt_in_term, arrears.reached) == (10, 10)
    assert arrears.help_accepted == 5
    assert arrears.help_declined is None  # 4 households: under 5
    assert arrears.conversation_in_term == 5
    assert arrears.median_days_to_attempt == 0


def test_a_small_group_shows_nothing(world):
    rows = monitor(world.pk, this_month(), this_month())
    nuisance = next(r for r in rows if r.kind == "nuisance")
    assert nuisance.households is None
    assert nuisance.signals is None
    assert nuisance.reached is None and nuisance.help_accepted is None


def test_complement_under_five_is_hidden(world, user):
    # Three more households reached: 13 of 15 leaves 2 unreached, so "reached" is hidden.
    silent = Case.objects.filter(outreach__isnull=True, case_signals__signal__kind="rent_arrears")
    for case in silent.distinct()[:3]:
        services.record_outreach(user("sara"), case, "phone", timezone.now(), True)
    arrears = next(
        r for r in monitor(world.pk, this_month(), this_month()) if r.kind == "rent_arrears"
    )
    assert arrears.reached is None


def test_page_and_csv_for_the_coordinator_without_personal_data(
    world, client_for, django_assert_max_num_queries
):
    eva = client_for("eva")
    with django_assert_max_num_queries(20):
        html = eva.get("/samenwerking/monitor/").content.decode()
    assert "Monitor vroegsignalering" in html
    assert "Huurachterstand" in html
    response = eva.get("/samenwerking/monitor/export.csv")
    assert response.status_code == 200
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    header, *lines = content.lstrip("\ufeff").splitlines()
    assert header.startswith("Maand;Soort;Signalen ontvangen;Unieke huishoudens")
    arrears_line = next(line for line in lines if "Huurachterstand" in line)
    assert arrears_line.split(";")[2:] == ["16", "15", "10", "10", "5", "–", "0", "5"]
    for text in (html, content):
        assert "1014" not in text
        assert "Huur niet betaald" not in text


@pytest.mark.parametrize("username", ["anna", "sara", "noor", "pim"])
def test_others_are_refused(world, client_for, username):
    assert client_for(username).get("/samenwerking/monitor/").status_code == 403
    assert client_for(username).get("/samenwerking/monitor/export.csv").status_code == 403


def test_two_counts_of_a_row_never_differ_by_one_to_four():
    """reached 12 and help accepted 10 would tell that 2 households were reached but did
    not accept help: the smaller count is hidden too, and so on until no pair is left."""
    from privacy.monitor import COUNTS, MonitorRow, _fill

    raw = {
        "households": 20,
        "signals": 22,
        "attempt_in_term": 20,
        "reached": 12,
        "help_accepted": 10,
        "help_declined": 0,
        "conversation_in_term": 7,
    }
    row = MonitorRow(month=date(2026, 11, 1), kind="rent_arrears", raw=raw)
    _fill(row, [])
    published = [raw["households"]] + [
        getattr(row, name) for name in COUNTS if getattr(row, name) is not None
    ]
    assert row.attempt_in_term is None  # all 20: its complement 0 is under 5
    assert row.help_accepted is None  # 12 reached - 10 accepted = 2
    assert (row.reached, row.conversation_in_term) == (12, 7)
    for a in published:
        for b in published:
            assert not 0 < a - b < 5
