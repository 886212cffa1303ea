"""Agreements: lifecycle, overlap refusal, history, reviews, and terms for new signals."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.kinds import SignalKind
from core.working_days import add_working_days, start_day
from partners import services
from partners.choices import AgreementStatus
from partners.models import Agreement, AgreementChange
from privacy.models import AccessLog
from tests.helpers import signal

TERMS = {
    kind: {"triage_days": 5, "feedback_days": 10, "responsibilities": ""}
    for kind in SignalKind.values
}


def _draft(demo, eva, **fields):
    data = {
        "corporation": demo["organisations"]["Stadswonen"],
        "title": "Nieuwe afspraak",
        "valid_from": date(2028, 1, 1),
        "valid_to": date(2028, 12, 31),
        "monthly_capacity": 30,
        **fields,
    }
    return services.create_agreement(eva, demo["municipality"], data, TERMS)


def test_create_writes_a_history_row(demo, user):
    agreement = _draft(demo, user("eva"))
    (change,) = agreement.changes.all()
    assert change.action == AgreementChange.Action.CREATED
    assert change.by == user("eva")
    assert change.changes["monthly_capacity"] == [None, 30]
    assert change.changes["terms.nuisance.triage_days"] == [None, 5]
    assert agreement.status == AgreementStatus.DRAFT


def test_history_reads_in_words_not_field_codes(demo, user, client_for):
    eva = user("eva")
    agreement = _draft(demo, eva)
    services.activate_agreement(eva, agreement)
    html = client_for("eva").get(f"/samenwerking/afspraken/{agreement.pk}/").content.decode()
    assert "Capaciteit per maand: – → 30" in html
    assert "Termijn terugkoppeling (werkdagen) — Overlast: – → 10" in html
    assert "Geldig vanaf: – → 01-01-2028" in html
    assert "Status: Concept → Actief" in html
    assert "Corporatie: – → Stadswonen" in html
    for code in ("monthly_capacity", "terms.", "feedback_days", "2028-01-01", "draft"):
        assert code not in html


def test_only_coordinators_of_the_municipality_create(demo, user):
    with pytest.raises(PermissionDenied):
        _draft(demo, user("anna"))
    assert not Agreement.objects.filter(title="Nieuwe afspraak").exists()


def test_activating_an_overlapping_agreement_is_refused(demo, user):
    eva = user("eva")
    overlapping = _draft(demo, eva, valid_from=date(2027, 6, 1))
    with pytest.raises(ValidationError) as refused:
        services.activate_agreement(eva, overlapping)
    message = refused.value.messages[0]
    assert "Er is al een actieve afspraak tussen Stadswonen en Demostad" in message
    assert "01-01-2026 tot en met 31-12-2027" in message
    overlapping.refresh_from_db()
    assert overlapping.status == AgreementStatus.DRAFT
    assert list(overlapping.changes.values_list("action", flat=True)) == ["created"]


def test_activating_after_the_other_ends_is_allowed(demo, user):
    eva = user("eva")
    later = _draft(demo, eva)  # 2028, after the demo agreement ends in 2027
    services.activate_agreement(eva, later)
    later.refresh_from_db()
    assert later.status == AgreementStatus.ACTIVE
    assert later.changes.first().changes == {"status": ["draft", "active"]}


def test_expire_then_activate_the_successor(demo, user):
    eva = user("eva")
    current = Agreement.objects.get(corporation__name="Stadswonen")
    successor = _draft(demo, eva, valid_from=date(2027, 1, 1), valid_to=None)
    services.expire_agreement(eva, current)
    services.activate_agreement(eva, successor)
    current.refresh_from_db()
    assert current.status == AgreementStatus.EXPIRED
    assert current.changes.get().action == AgreementChange.Action.EXPIRED


def test_update_records_a_json_diff(demo, user):
    eva = user("eva")
    agreement = Agreement.objects.get(corporation__name="Stadswonen")
    terms = {**TERMS, "nuisance": {"triage_days": 2, "feedback_days": 8, "responsibilities": ""}}
    services.update_agreement(eva, agreement, {"monthly_capacity": 55}, terms)
    change = agreement.changes.get()
    assert change.action == AgreementChange.Action.UPDATED
    assert change.changes["monthly_capacity"] == [40, 55]
    assert change.changes["terms.nuisance.triage_days"] == [5, 2]
    assert "terms.other.triage_days" not in change.changes


def test_review_is_recorded(demo, user):
    eva = user("eva")
    agreement = Agreement.objects.get(corporation__name="Stadswonen")
    today = timezone.localdate()
    services.record_review(eva, agreement, today, today + timedelta(days=180))
    agreement.refresh_from_db()
    assert agreement.last_reviewed_on == today
    assert agreement.last_reviewed_by == eva
    assert agreement.review_date == today + timedelta(days=180)
    assert agreement.changes.get().action == AgreementChange.Action.REVIEWED


def test_review_in_the_future_is_refused(demo, user):
    agreement = Agreement.objects.get(corporation__name="Stadswonen")
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.record_review(user("eva"), agreement, tomorrow, tomorrow + timedelta(days=9))
    assert "reviewed_on" in refused.value.message_dict


def test_changed_terms_affect_new_signals_only(demo, user):
    anna, eva = user("anna"), user("eva")
    earlier = signal(anna, 1)
    stored = (earlier.triage_deadline, earlier.feedback_deadline)
    agreement = Agreement.objects.get(corporation__name="Woonstichting De Linde")
    terms = {**TERMS, "nuisance": {"triage_days": 1, "feedback_days": 2, "responsibilities": ""}}
    services.update_agreement(eva, agreement, {}, terms)
    later = signal(anna, 2)
    earlier.refresh_from_db()
    assert (earlier.triage_deadline, earlier.feedback_deadline) == stored
    start = start_day(later.filed_at)
    assert later.triage_deadline == add_working_days(start, 1)
    assert later.feedback_deadline == add_working_days(start, 2)
    assert stored[0] == add_working_days(start_day(earlier.filed_at), 5)


# --- web -----------------------------------------------------------------------------------------


def _form_data(**overrides):
    data = {
        "corporation": "",
        "title": "Afspraak 2028",
        "valid_from": "2028-01-01",
        "valid_to": "2028-12-31",
        "review_date": "2028-06-01",
        "monthly_capacity": "25",
        "responsibilities": "",
    }
    for kind in SignalKind.values:
        data |= {f"triage_days_{kind}": "4", f"feedback_days_{kind}": "9"}
    return data | overrides


def test_coordinator_creates_and_activates_through_the_web(demo, client_for):
    eva = client_for("eva")
    stadswonen = demo["organisations"]["Stadswonen"]
    response = eva.post("/samenwerking/afspraken/nieuw/", _form_data(corporation=stadswonen.pk))
    agreement = Agreement.objects.get(title="Afspraak 2028")
    assert response.status_code == 302
    assert agreement.terms.get(kind="nuisance").triage_days == 4
    eva.post(f"/samenwerking/afspraken/{agreement.pk}/activeren/")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    page = eva.get(f"/samenwerking/afspraken/{agreement.pk}/").content.decode()
    assert "Geactiveerd" in page and "Aangemaakt" in page


def test_bad_form_keeps_input_and_shows_dutch_errors(demo, client_for):
    stadswonen = demo["organisations"]["Stadswonen"]
    data = _form_data(corporation=stadswonen.pk, valid_to="2027-01-01", feedback_days_nuisance="2")
    response = client_for("eva").post("/samenwerking/afspraken/nieuw/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "De einddatum ligt vóór de begindatum." in page
    assert "Afspraak 2028" in page
    assert not Agreement.objects.filter(title="Afspraak 2028").exists()


def test_overlap_message_on_the_detail_page(demo, client_for, user):
    overlapping = _draft(demo, user("eva"), valid_from=date(2027, 6, 1))
    response = client_for("eva").post(
        f"/samenwerking/afspraken/{overlapping.pk}/activeren/", follow=True
    )
    assert "Er is al een actieve afspraak" in response.content.decode()


def test_review_through_the_web_shows_who_and_when(demo, client_for):
    agreement = Agreement.objects.get(corporation__name="Stadswonen")
    today = timezone.localdate()
    client_for("eva").post(
        f"/samenwerking/afspraken/{agreement.pk}/evaluatie/",
        {"reviewed_on": today.isoformat(), "next_review": (today + timedelta(days=90)).isoformat()},
    )
    page = client_for("eva").get(f"/samenwerking/afspraken/{agreement.pk}/").content.decode()
    expected = (
        f"Geëvalueerd op {today:%d-%m-%Y} door Eva Visser, volgende evaluatie "
        f"{today + timedelta(days=90):%d-%m-%Y}"
    )
    assert expected in page


def test_list_query_count_does_not_grow(demo, user, client_for, django_assert_max_num_queries):
    eva = user("eva")
    for year in range(2030, 2040):
        _draft(demo, eva, valid_from=date(year, 1, 1), valid_to=date(year, 12, 31))
    client = client_for("eva")
    with django_assert_max_num_queries(16):
        response = client.get("/samenwerking/afspraken/")
    assert response.content.decode().count("/samenwerking/afspraken/") >= 12


def test_api_lists_for_coordinator_and_own_for_corporation(demo, api_for, user):
    _draft(demo, user("eva"))
    everything = api_for("eva").get("/api/v1/agreements/").json()
    own = api_for("anna").get("/api/v1/agreements/").json()
    assert everything["count"] == 3
    assert own["count"] == 1
    assert own["results"][0]["corporation"]["name"] == "Woonstichting De Linde"
    assert {t["kind"] for t in own["results"][0]["terms"]} == set(SignalKind.values)
    assert AccessLog.objects.filter(object_type="agreement", action="list").count() == 2
