"""Rent arrears on the case: the team's outreach, the resident's answer, the legal clock of
Wgs art. 4a, and the filer's feedback in the covenant's terms, the same for a signal that
opened a case and one merged into it."""

import importlib
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEventKind, Outreach
from privacy.models import AccessAction, AccessLog
from privacy.retention import erase_cases
from signals.models import Signal
from tests.helpers import WGS_STEPS_TAKEN

ARREARS = {
    "kind": "rent_arrears",
    "arrears_amount": "1250,00",
    "arrears_months": 3,
    **WGS_STEPS_TAKEN,
}


def at(value: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(value))


@pytest.fixture
def after_christmas(monkeypatch):
    """The portal's clock at Thursday 7 January 2027, so moments in December are past."""
    moment = at("2027-01-07T12:00")
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def arrears_case(file, user):
    """`arrears_case(house_number=3, **fields)` -> a case opened by a rent-arrears signal."""

    def make(**fields):
        signal = file(**{**ARREARS, **fields})
        return services.accept_signal(user("noor"), signal)

    return make


# --- outreach --------------------------------------------------------------------------


def test_outreach_is_recorded_listed_and_logged(api_for, arrears_case):
    case = arrears_case(house_number=3)
    sara = api_for("sara")
    body = {"channel": "visit", "at": "2026-11-30T10:15:00+01:00", "reached": False}
    response = sara.post(f"/api/v1/cases/{case.pk}/outreach/", {**body, "note": "Niet thuis"})
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "channel": "visit",
        "at": "2026-11-30T10:15:00+01:00",
        "reached": False,
    }
    assert AccessLog.objects.filter(
        action=AccessAction.UPDATE, object_type="case", object_id=str(case.pk)
    ).exists()

    detail = sara.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["outreach"] == [body]
    event = detail["history"][-1]
    assert (event["kind"], event["text"], event["data"]["channel"]) == (
        "outreach",
        "Niet thuis",
        "visit",
    )


def test_outreach_in_the_future_or_on_an_unknown_channel_is_refused(api_for, arrears_case):
    case = arrears_case(house_number=3)
    sara = api_for("sara")
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    response = sara.post(
        f"/api/v1/cases/{case.pk}/outreach/", {"channel": "phone", "at": future, "reached": True}
    )
    assert response.status_code == 400
    assert response.json() == {"at": ["Dit tijdstip ligt in de toekomst."]}
    response = sara.post(
        f"/api/v1/cases/{case.pk}/outreach/",
        {"channel": "duif", "at": "2026-11-30T10:00", "reached": True},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"channel"}
    assert not Outreach.objects.exists()


def test_other_teams_and_the_filer_cannot_record_outreach(api_for, arrears_case):
    case = arrears_case(house_number=3)
    body = {"channel": "phone", "at": "2026-11-30T10:00", "reached": True}
    for username in ("anna", "omar", "eva"):
        response = api_for(username).post(f"/api/v1/cases/{case.pk}/outreach/", body)
        assert response.status_code == 404, username
    assert not Outreach.objects.exists()


def test_case_page_offers_outreach_and_help_forms(client_for, arrears_case):
    case = arrears_case(house_number=3)
    sara = client_for("sara")
    html = sara.get(f"/casussen/{case.pk}/").content.decode()
    assert f'action="/casussen/{case.pk}/contactpoging/"' in html
    assert f'action="/casussen/{case.pk}/hulpaanbod/"' in html
    response = sara.post(
        f"/casussen/{case.pk}/contactpoging/",
        {"channel": "letter", "at": "2026-11-30T09:00", "reached": ""},
    )
    assert response.status_code == 302
    response = sara.post(
        f"/casussen/{case.pk}/hulpaanbod/", {"response": "accepted", "at": "30-11-2026 11:00"}
    )
    assert response.status_code == 302
    html = sara.get(f"/casussen/{case.pk}/").content.decode()
    assert "Brief" in html
    assert "Eerste gesprek (Wgs art. 4a)" in html
    assert "28-12-2026" in html  # four weeks after 30-11-2026


def test_case_page_shows_the_errors_of_a_future_moment(client_for, arrears_case):
    case = arrears_case(house_number=3)
    moment = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for("sara").post(
        f"/casussen/{case.pk}/contactpoging/", {"channel": "phone", "at": moment}
    )
    assert response.status_code == 200
    assert "Dit tijdstip ligt in de toekomst." in response.content.decode()


# --- the resident's answer and the clock -------------------------------------------------


def test_help_accepted_starts_four_weeks(api_for, arrears_case):
    case = arrears_case(house_number=3)
    response = api_for("sara").post(
        f"/api/v1/cases/{case.pk}/help/", {"response": "accepted", "at": "2026-11-30T11:00+01:00"}
    )
    assert response.status_code == 200
    assert response.json()["help_response"] == "accepted"
    assert response.json()["first_conversation_due"] == "2026-12-28"


def test_eviction_date_on_any_signal_makes_it_three_working_days(
    api_for, arrears_case, file, user, after_christmas
):
    # The case was opened by a nuisance signal; a rent-arrears signal with an eviction date
    # merges into it. Help accepted Wednesday 23 December -> 24, 28, 29 December.
    case = services.accept_signal(user("noor"), file(house_number=8))
    services.accept_signal(
        user("noor"), file(house_number=8, **ARREARS, eviction_date=date(2027, 2, 1))
    )
    response = api_for("sara").post(
        f"/api/v1/cases/{case.pk}/help/", {"response": "accepted", "at": "2026-12-23T10:00+01:00"}
    )
    assert response.json()["first_conversation_due"] == "2026-12-29"


def test_a_recorded_threat_makes_it_three_working_days(api_for, arrears_case, after_christmas):
    case = arrears_case(house_number=3)
    response = api_for("sara").post(
        f"/api/v1/cases/{case.pk}/help/",
        {"response": "accepted", "at": "2026-12-23T18:00+01:00", "threat": "disconnection"},
    )
    # After 17:00 the term counts from Thursday 24 December: 28, 29, 30 December.
    assert response.json()["first_conversation_due"] == "2026-12-30"
    assert response.json()["threat"] == "disconnection"


def test_merging_an_eviction_signal_shortens_a_running_clock(
    arrears_case, file, user, after_christmas
):
    case = arrears_case(house_number=3)
    services.record_help_response(user("sara"), case, "accepted", at("2026-12-23T10:00"))
    case.refresh_from_db()
    assert case.first_conversation_due == date(2027, 1, 20)
    signal = file(house_number=3, **ARREARS, eviction_date=date(2027, 2, 1))
    services.accept_signal(user("noor"), signal)
    case.refresh_from_db()
    assert case.first_conversation_due == date(2026, 12, 29)


def test_declined_or_no_response_sets_no_clock(arrears_case, user):
    case = arrears_case(house_number=3)
    for response in ("declined", "no_response"):
        case = services.record_help_response(user("sara"), case, response, at("2026-11-30T10:00"))
        assert case.first_conversation_due is None
    assert case.events.filter(kind=CaseEventKind.HELP).count() == 2


def test_reached_call_after_acceptance_is_the_first_conversation(api_for, arrears_case, user):
    case = arrears_case(house_number=3)
    services.record_help_response(user("sara"), case, "accepted", at("2026-11-30T10:00"))
    sara = api_for("sara")
    url = f"/api/v1/cases/{case.pk}/outreach/"
    sara.post(url, {"channel": "letter", "at": "2026-11-30T12:00+01:00", "reached": True})
    sara.post(url, {"channel": "phone", "at": "2026-11-30T09:00+01:00", "reached": True})
    assert sara.get(f"/api/v1/cases/{case.pk}/").json()["first_conversation_at"] is None
    sara.post(url, {"channel": "phone", "at": "2026-11-30T14:00+01:00", "reached": True})
    detail = sara.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["first_conversation_at"] == "2026-11-30T14:00:00+01:00"


def test_tray_lists_first_conversations_overdue_first(client_for, arrears_case, user):
    late = arrears_case(house_number=3)
    soon = arrears_case(house_number=4)
    held = arrears_case(house_number=5)
    sara = user("sara")
    services.record_help_response(sara, soon, "accepted", timezone.now() - timedelta(days=1))
    services.record_help_response(sara, late, "accepted", timezone.now() - timedelta(days=40))
    services.record_help_response(sara, held, "accepted", timezone.now() - timedelta(days=2))
    services.record_outreach(sara, held, "visit", timezone.now() - timedelta(days=1), True)
    html = client_for("sara").get("/casussen/werkbak/").content.decode()
    assert "Eerste gesprekken (Wgs art. 4a)" in html
    assert html.index(late.reference) < html.index(soon.reference)
    assert held.reference not in html
    assert "te laat" in html


def test_tray_conversations_do_not_grow_the_query_count(client_for, arrears_case, user):
    client = client_for("sara")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/casussen/werkbak/").status_code == 200
        return len(ctx.captured_queries)

    def accepted(number):
        case = arrears_case(house_number=number)
        services.record_help_response(user("sara"), case, "accepted", timezone.now())

    accepted(3)
    queries()  # warm-up: the first request also caches permission ids and refreshes the session
    few = queries()
    for number in range(4, 10):
        accepted(number)
    assert queries() == few


def test_retention_erases_the_eviction_date_and_the_threat(arrears_case, user):
    case = arrears_case(house_number=3, eviction_date=date(2099, 1, 1))
    services.record_help_response(
        user("sara"), case, "accepted", timezone.now(), threat="health_insurance"
    )
    erase_cases(Case.objects.filter(pk=case.pk), timezone.now())
    case.refresh_from_db()
    assert case.threat == ""
    assert not Signal.objects.filter(eviction_date__isnull=False).exists()
    assert not case.events.exclude(text="").exists()


# --- the filer's outcome in the covenant's terms ----------------------------------------


FILER_FIELDS = ("status", "outcome", "decline_reason_category")


def test_filer_sees_the_same_for_a_new_and_a_merged_arrears_signal(api_for, file, user):
    noor = user("noor")
    opened = file(house_number=11, **ARREARS)
    case_a = services.accept_signal(noor, opened)
    case_b = services.accept_signal(noor, file(house_number=12))
    merged = file(house_number=12, **ARREARS)
    assert services.accept_signal(noor, merged) == case_b
    for case in (case_a, case_b):
        services.transition_case(noor, case, "in_progress")
        services.transition_case(noor, case, "closed", outcome="contact_help_accepted")
    anna = api_for("anna")
    first = anna.get(f"/api/v1/signals/{opened.pk}/").json()
    second = anna.get(f"/api/v1/signals/{merged.pk}/").json()
    assert first.keys() == second.keys()
    assert [first[f] for f in FILER_FIELDS] == [second[f] for f in FILER_FIELDS]
    assert first["outcome"] == "contact_help_accepted"
    assert "case" not in str(first.keys())


def test_one_outcome_becomes_each_kinds_code(file, user):
    noor = user("noor")
    case = services.accept_signal(noor, file(house_number=13))
    services.accept_signal(noor, file(house_number=13, **ARREARS))
    services.transition_case(noor, case, "in_progress")
    services.transition_case(noor, case, "closed", outcome="help_declined")
    outcomes = dict(Signal.objects.values_list("kind", "outcome"))
    assert outcomes == {"nuisance": "help_declined", "rent_arrears": "contact_no_help_needed"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("contact_made", "contact_no_help_needed"),
        ("help_accepted", "contact_help_accepted"),
        ("help_declined", "contact_no_help_needed"),
        ("no_contact_possible", "no_contact"),
        ("referred", "contact_help_accepted"),
    ],
)
def test_migration_moves_existing_arrears_outcomes_to_the_covenant(file, old, new):
    arrears = file(house_number=14, **ARREARS)
    nuisance = file(house_number=15)
    Signal.objects.update(status="closed", outcome=old)
    migration = importlib.import_module(
        "signals.migrations.0005_rent_arrears_steps_eviction_outcomes"
    )
    migration.outcomes_to_covenant(django_apps, None)
    arrears.refresh_from_db()
    nuisance.refresh_from_db()
    assert (arrears.outcome, nuisance.outcome) == (new, old)
