"""The signal pages in the browser."""

import re

from django.utils import timezone
from django.utils.formats import date_format

from privacy.models import AccessAction, AccessLog
from signals.imports import import_signal_rows
from signals.intake import filing_organisation
from signals.models import Signal

from .conftest import NUISANCE, RENT_ARREARS


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_new_signal_form_shows_every_field_without_js(client_for):
    html = page(client_for("anna"), "/signalen/nieuw/")
    assert html.count("<h1>") == 1
    for name in (
        "kind",
        "postcode",
        "house_number",
        "house_number_addition",
        "description",
        "urgency",
        "resident_informed",
        "arrears_amount",
        "arrears_months",
        "wgs_reminder_sent",
        "wgs_contact_attempted",
        "wgs_handover_offered",
        "wgs_debt_help_pointed",
        "eviction_date",
    ):
        assert f'name="{name}"' in html
    assert "Alleen invullen bij huurachterstand" in html


def test_filing_redirects_to_the_detail_with_team_and_deadlines(client_for):
    anna = client_for("anna")
    response = anna.post("/signalen/nieuw/", {**NUISANCE, "urgency": "urgent"}, follow=True)
    signal = Signal.objects.get()
    assert response.redirect_chain == [(f"/signalen/{signal.pk}/", 302)]
    html = response.content.decode()
    assert f"Signaal {signal.reference} is gemeld bij Wijkteam Noord." in html
    assert date_format(signal.triage_deadline, "d-m-Y") in html
    assert date_format(signal.feedback_deadline, "d-m-Y") in html
    assert signal.urgency == "urgent"


def test_errors_next_to_fields_and_input_kept(client_for):
    response = client_for("anna").post(
        "/signalen/nieuw/",
        {
            "kind": "rent_arrears",
            "postcode": "1012 SA",
            "house_number": "12",
            "house_number_addition": "b",
            "description": "Al maanden geen huur",
            "urgency": "normal",
            "arrears_amount": "1250,00",
            "arrears_months": "3",
            "wgs_reminder_sent": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert Signal.objects.count() == 0
    assert "Postcodes met de letters SA bestaan niet." in html
    assert "Probeer eerst persoonlijk contact met de huurder te krijgen" in html
    assert "Wijs de huurder eerst op de mogelijkheid van schuldhulpverlening" in html
    assert 'value="1012 SA"' in html
    assert 'value="1250,00"' in html
    assert "Al maanden geen huur</textarea>" in html
    assert re.search(r'name="wgs_reminder_sent"[^>]*checked', html)


def test_missing_kind_still_reports_other_fields(client_for):
    response = client_for("anna").post(
        "/signalen/nieuw/", {**NUISANCE, "kind": "", "postcode": "x"}
    )
    html = response.content.decode()
    assert "Dit veld is verplicht." in html
    assert "Vul een geldige postcode in, bijvoorbeeld 1012 AB." in html


def test_outside_region_is_shown_at_the_postcode(client_for):
    response = client_for("anna").post("/signalen/nieuw/", {**NUISANCE, "postcode": "9999 AA"})
    assert (
        "Postcode 9999 AA ligt buiten het werkgebied van het portaal." in response.content.decode()
    )
    assert Signal.objects.count() == 0


def test_detail_for_the_filer_says_nothing_about_multiple(client_for, file_as):
    signal = file_as("anna")
    file_as("bram")  # another partner about the same household
    html = page(client_for("anna"), f"/signalen/{signal.pk}/")
    assert "Wijkteam Noord" in html
    assert "Meervoudig" not in html
    assert "Stadswonen" not in html
    assert date_format(signal.triage_deadline, "d-m-Y") in html
    team_html = page(client_for("sara"), f"/signalen/{signal.pk}/")
    assert "Meervoudig signaal" in team_html
    assert "Ja, er zijn signalen van meer dan één partner" in team_html
    assert AccessLog.objects.filter(action=AccessAction.READ, username="sara").exists()


def test_list_headings_per_role(client_for, file_as):
    file_as("anna")
    assert "Signalen van mijn organisatie" in page(client_for("anna"), "/signalen/")
    team = page(client_for("noor"), "/signalen/")
    assert "Signalen voor ons team" in team
    assert "1012 AB 5" in team
    assert "Geen signalen gevonden." in page(client_for("bram"), "/signalen/")


def test_list_filters_keep_their_values(client_for, file_as):
    wanted = file_as("anna", external_reference="EXT-1")
    file_as("anna", kind="other")
    html = page(
        client_for("anna"), "/signalen/", q="EXT-1", kind="nuisance", filed_from="2026-01-01"
    )
    assert wanted.reference in html
    assert html.count("/signalen/") >= 1
    assert 'value="EXT-1"' in html
    assert '<option value="nuisance" selected>' in html
    assert 'value="2026-01-01"' in html
    assert "1 signaal" in html


def _fill(user, count, start=1):
    anna = user("anna")
    rows = [(n, {**NUISANCE, "house_number": str(n)}) for n in range(start, start + count)]
    import_signal_rows(anna, filing_organisation(anna), rows)


def test_list_is_paginated_by_25_and_logs_the_page(client_for, user):
    _fill(user, 30)
    anna = client_for("anna")
    first = page(anna, "/signalen/", kind="nuisance")
    assert "30 signalen" in first
    assert first.count("<tr>") == 26  # header + 25 rows
    assert "Pagina 1 van 2" in first
    assert "?kind=nuisance&amp;page=2" in first
    second = page(anna, "/signalen/", kind="nuisance", page=2)
    assert second.count("<tr>") == 6
    logged = AccessLog.objects.filter(action=AccessAction.LIST).order_by("id")
    assert [len(log.object_ids) for log in logged] == [25, 5]


def test_list_query_count_does_not_grow(client_for, user, django_assert_max_num_queries):
    anna, noor = client_for("anna"), client_for("noor")
    _fill(user, 5)
    with django_assert_max_num_queries(18) as few:
        page(anna, "/signalen/")
    with django_assert_max_num_queries(18) as few_team:
        page(noor, "/signalen/")
    _fill(user, 25, start=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "30 signalen" in page(anna, "/signalen/")
    with django_assert_max_num_queries(len(few_team.captured_queries)):
        assert "30 signalen" in page(noor, "/signalen/")


def _row(html: str, reference: str) -> str:
    start = html.index(f">{reference}</a>")
    return html[html.rindex("<tr>", 0, start) : html.index("</tr>", start)]


def test_list_rows_show_labels_badges_and_dates(client_for, file_as):
    urgent = file_as("anna", **{**RENT_ARREARS, "urgency": "urgent"})
    plain = file_as("anna", house_number=7)
    file_as("bram", house_number=7)  # another partner about the same household: multiple
    plain.refresh_from_db()
    assert plain.is_multiple and not urgent.is_multiple
    filed_on = date_format(timezone.localtime(plain.filed_at), "d-m-Y")
    triage = date_format(plain.triage_deadline, "d-m-Y")

    filer = page(client_for("anna"), "/signalen/")
    row = _row(filer, plain.reference)
    assert f'<a href="/signalen/{plain.pk}/">{plain.reference}</a></td>' in row
    assert f"<td>{filed_on}</td>" in row and f"<td>{triage}</td>" in row
    assert "<td>Overlast</td>" in row and "<td>1012 AB 7</td>" in row
    assert '<span class="status status-received">Ontvangen</span>' in row
    assert "<td>—</td>" in row  # no outcome yet
    assert "badge" not in row  # the filer is not told about other partners
    assert 'badge-urgent">Spoed</span>' in _row(filer, urgent.reference)

    team = page(client_for("noor"), "/signalen/")
    assert '<span class="badge">Meervoudig</span>' in _row(team, plain.reference)
    assert "Meervoudig" not in _row(team, urgent.reference)

    english = client_for("noor")
    english.cookies["django_language"] = "en"
    row = _row(page(english, "/signalen/"), urgent.reference)
    assert "<td>Rent arrears</td>" in row and ">Urgent</span>" in row


def test_import_page_and_nav(client_for):
    anna = client_for("anna")
    html = page(anna, "/signalen/importeren/")
    assert 'enctype="multipart/form-data"' in html
    assert "/signalen/importeren/sjabloon.csv" in html
    home = page(anna, "/")
    for link in ("/signalen/nieuw/", "/signalen/", "/signalen/importeren/"):
        assert f'href="{link}"' in home


def test_filer_sees_the_decline_category_and_the_message_addressed_to_them(
    client_for, api_for, file_as, user
):
    """The decline text is written as a message to the filer (so labelled, with a hint
    not to reveal whether the household is known) and shown to the filer as such."""
    from cases.services import decline_signal

    signal = file_as("anna")
    decline_signal(user("noor"), signal, "Neem contact op met de huisarts", "other")
    html = page(client_for("anna"), f"/signalen/{signal.pk}/")
    assert "Niet opgepakt" in html
    assert "Overig" in html
    assert "Bericht van het wijkteam" in html
    assert "Neem contact op met de huisarts" in html
    body = api_for("anna").get(f"/api/v1/signals/{signal.pk}/").json()
    assert body["decline_reason_category"] == "other"
