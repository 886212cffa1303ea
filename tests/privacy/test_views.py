"""The privacy officer's screens and API: inquiry, logging, reports, erasure."""

import csv
import io
import json

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent
from privacy import access_log
from privacy.models import AccessAction, AccessLog, Purpose
from signals.models import Signal
from tests import helpers

ADDRESS = {"postcode": "1012ab", "house_number": "5"}
KEY = "1012AB-5-"


@pytest.fixture
def household(demo):
    """Two signals and a case at 1012 AB 5, read and listed by the team; one elsewhere."""
    first = helpers.signal(house_number=5)
    second = helpers.signal(house_number=5, by="bram")
    case = helpers.case_for(first)
    other = helpers.signal(house_number=77)
    sara = helpers.user("sara")
    access_log.record(sara, AccessAction.READ, "case", case.pk, household_key=KEY)
    # A team queue page that returned this household's signal among others (no key).
    listed = access_log.record_list(sara, "signal", [other, second])
    unrelated = access_log.record_list(sara, "signal", [other])
    return {"case": case, "signals": [first, second], "listed": listed, "unrelated": unrelated}


def last_row():
    return AccessLog.objects.order_by("-id").first()


def test_household_search_finds_rows_and_list_rows_via_object_ids(household, client_for):
    response = client_for("pim").get("/privacy/inzagelog/", ADDRESS)
    assert response.status_code == 200
    ids = {row.pk for row in response.context["page"]}
    assert household["listed"].pk in ids
    assert household["unrelated"].pk not in ids
    created = AccessLog.objects.filter(action="create", household_key=KEY)
    assert set(created.values_list("pk", flat=True)) <= ids
    inquiry = last_row()
    assert inquiry.username == "pim" and inquiry.purpose == Purpose.PRIVACY_INQUIRY
    assert inquiry.household_key == KEY and inquiry.object_type == "access_log"
    assert set(map(int, inquiry.object_ids)) == ids


def test_search_by_user_organisation_and_period(household, client_for, demo):
    client = client_for("pim")
    by_user = client.get("/privacy/inzagelog/", {"username": "bram"}).context["page"]
    assert {row.username for row in by_user} == {"bram"}
    team = demo["organisations"]["Wijkteam Noord"]
    by_org = client.get("/privacy/inzagelog/", {"organisation": team.pk}).context["page"]
    assert by_org and {row.organisation_id for row in by_org} == {team.pk}
    today = timezone.localdate().isoformat()
    assert client.get("/privacy/inzagelog/", {"date_from": today}).context["page"]
    none = client.get("/privacy/inzagelog/", {"date_to": "2020-01-01"}).context["page"]
    assert list(none) == []


def test_invalid_search_shows_dutch_error_and_keeps_input(demo, client_for):
    response = client_for("pim").get("/privacy/inzagelog/", {"postcode": "12", "house_number": "5"})
    assert response.status_code == 200
    assert "Vul een geldige postcode in" in response.content.decode()
    assert 'value="12"' in response.content.decode()


def test_csv_export_is_semicolon_with_bom_and_logged(household, client_for):
    response = client_for("pim").get("/privacy/inzagelog/export.csv", ADDRESS)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Tijdstip", "Gebruiker"]
    assert any(row[1] == "sara" for row in rows[1:])
    export = last_row()
    assert export.action == AccessAction.EXPORT and export.purpose == Purpose.PRIVACY_INQUIRY
    assert len(export.object_ids) == len(rows) - 1


def test_inzageverzoek_report_is_logged(household, client_for):
    response = client_for("pim").get("/privacy/inzagelog/rapport/", ADDRESS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wijkteam Noord" in body and "<h1>" in body
    assert last_row().object_type == "access_log_report"


def test_subject_report_html_and_json(household, client_for):
    client = client_for("pim")
    response = client.get("/privacy/huishouden/", ADDRESS)
    body = response.content.decode()
    assert household["case"].reference in body
    assert "Gesprek met mevrouw" in body
    assert last_row().action == AccessAction.READ and last_row().household_key == KEY
    download = client.get("/privacy/huishouden/", {**ADDRESS, "format": "json"})
    assert "attachment" in download["Content-Disposition"]
    data = json.loads(download.content)
    assert {s["reference"] for s in data["signals"]} == {s.reference for s in household["signals"]}
    assert [c["reference"] for c in data["cases"]] == [household["case"].reference]
    assert any(e["text"] == "Gesprek met mevrouw" for e in data["history"])
    assert data["access_log"]
    assert last_row().action == AccessAction.EXPORT


def test_subject_report_outside_municipality_is_refused(demo, client_for):
    response = client_for("pim").get(
        "/privacy/huishouden/", {"postcode": "9711 AA", "house_number": "1"}
    )
    assert "ligt niet in uw gemeente" in response.content.decode()


def test_access_report_outside_municipality_is_refused(demo, client_for):
    """Not an empty report ("nobody looked"): the address is not the officer's to answer."""
    response = client_for("pim").get(
        "/privacy/inzagelog/rapport/", {"postcode": "9711 AA", "house_number": "1"}
    )
    assert "ligt niet in uw gemeente" in response.content.decode()


def test_erasure_requires_reason(household, client_for):
    response = client_for("pim").post("/privacy/huishouden/wissen/", {**ADDRESS, "confirm": "1"})
    assert response.status_code == 400
    assert "Geef de reden van het wissen op" in response.content.decode()
    assert not Signal.objects.filter(erased_at__isnull=False).exists()


def test_erasure_confirmation_step_then_erase(household, client_for):
    client = client_for("pim")
    data = {**ADDRESS, "reason": "Verzoek van de bewoner (AVG art. 17)"}
    confirm = client.post("/privacy/huishouden/wissen/", data)
    assert confirm.status_code == 200 and confirm.context["signal_count"] == 2
    assert not Signal.objects.filter(erased_at__isnull=False).exists()
    response = client.post("/privacy/huishouden/wissen/", {**data, "confirm": "1"})
    assert response.status_code == 302
    for sig in household["signals"]:
        sig.refresh_from_db()
        assert sig.erased_at and sig.household_key == "" and sig.description == ""
        assert sig.kind == "nuisance" and sig.team.name == "Wijkteam Noord"
    case = Case.objects.get(pk=household["case"].pk)
    assert case.erased_at and case.household_key == ""
    assert not CaseEvent.objects.filter(case=case, text="Gesprek met mevrouw").exists()
    assert CaseEvent.objects.filter(case=case, kind="erased").exists()
    erase = AccessLog.objects.get(action=AccessAction.ERASE)
    # The erasure's own reason is erased with the household (issue 13): only the fact stays.
    assert erase.reason == "(gewist)" and erase.household_key == KEY
    assert Signal.objects.filter(house_number=77, erased_at__isnull=True).exists()
    # The log about the household stays searchable after the erasure.
    found = client.get("/privacy/inzagelog/", ADDRESS).context["page"]
    assert erase.pk in {row.pk for row in found}


def test_api_contract(household, api_for):
    response = api_for("pim").get("/api/v1/access-log/", ADDRESS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] >= 4
    assert set(body["results"][0]) == {
        "at",
        "user",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "purpose",
    }
    assert last_row().purpose == Purpose.PRIVACY_INQUIRY


def test_api_bad_postcode_is_400(demo, api_for):
    response = api_for("pim").get("/api/v1/access-log/", {"postcode": "x", "house_number": "1"})
    assert response.status_code == 400
    assert "postcode" in response.json()


def test_officer_sees_no_signals_in_work_screens(household, user):
    from privacy import policy

    pim = user("pim")
    assert not policy.visible_signals(pim).exists()
    assert not policy.visible_cases(pim).exists()


@pytest.mark.parametrize("url", ["/privacy/inzagelog/", "/api/v1/access-log/"])
def test_list_query_count_does_not_grow(
    demo, client_for, api_for, django_assert_max_num_queries, url
):
    sara = helpers.user("sara")
    client = api_for("pim") if url.startswith("/api") else client_for("pim")
    access_log.record(sara, AccessAction.READ, "signal", "x", household_key=KEY)
    with django_assert_max_num_queries(20) as few:
        client.get(url, ADDRESS)
    for i in range(40):
        access_log.record(sara, AccessAction.READ, "signal", f"x{i}", household_key=KEY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, ADDRESS)
