"""The filer's view of a signal: a dated timeline, the team's contact person, and the
team's message on a decline (shown to the filer, as its label says)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import services
from partners.models import ContactPerson
from signals.models import Signal
from signals.services import file_signal

from .conftest import NUISANCE


def page(client, signal):
    response = client.get(f"/signalen/{signal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_filer_follows_the_signal_on_a_dated_timeline(file_as, user, client_for):
    signal = file_as("anna", house_number=41)
    case = services.accept_signal(user("noor"), signal)
    services.transition_case(user("sara"), case, "in_progress")
    services.transition_case(user("sara"), case, "closed", outcome="help_accepted")
    signal.refresh_from_db()
    html = page(client_for("anna"), signal)
    today = timezone.localdate().strftime("%d-%m-%Y")
    timeline = html[html.index('id="timeline-heading"') :]
    assert f"{today}</time> Gemeld" in timeline
    assert f"{today}</time> Opgepakt" in timeline
    assert f"{today}</time> Afgerond: {signal.get_outcome_display()}" in timeline


def test_filer_reads_the_teams_message_on_a_decline(file_as, user, client_for):
    signal = file_as("anna", house_number=42)
    services.decline_signal(
        user("noor"), signal, "Graag het telefoonnummer van de bewoner.", "insufficient_information"
    )
    html = page(client_for("anna"), signal)
    assert "Niet opgepakt: Onvoldoende informatie" in html
    assert "Bericht van het wijkteam" in html
    assert "Graag het telefoonnummer van de bewoner." in html


def test_decline_form_labels_the_text_as_a_message_to_the_filer(file_as, client_for):
    signal = file_as("anna", house_number=43)
    html = client_for("noor").get(f"/casussen/werkbak/{signal.pk}/").content.decode()
    assert "Bericht aan de melder" in html
    assert "Schrijf niet of het huishouden bij het wijkteam bekend is." in html
    assert "Toelichting voor de melder" not in html


def test_filer_sees_the_teams_current_contact_person_for_the_district(file_as, client_for):
    signal = file_as("anna", house_number=44)
    ContactPerson.objects.filter(organisation=signal.team, district=signal.district).delete()
    html = page(client_for("anna"), signal)
    assert "geen vaste contactpersoon" in html
    ContactPerson.objects.create(
        organisation=signal.team,
        district=signal.district,
        name="Vera Vast",
        email="vera@wijkteam.example",
        ended_on=timezone.localdate() - timedelta(days=1),
    )
    assert "Vera Vast" not in page(client_for("anna"), signal)  # ended: not shown
    ContactPerson.objects.create(
        organisation=signal.team, district=signal.district, name="Cor Contact", phone="020 123"
    )
    html = page(client_for("anna"), signal)
    assert "Cor Contact" in html and "020 123" in html


def decline(user, signal, category="insufficient_information"):
    services.decline_signal(user("noor"), signal, "Welke overlast precies?", category)


def test_after_a_decline_for_lack_of_information_the_filer_files_a_follow_up(
    file_as, user, client_for
):
    anna = client_for("anna")
    first = file_as("anna", house_number=45)
    decline(user, first)
    detail = page(anna, first)
    assert f"/signalen/nieuw/?vervolg={first.pk}" in detail
    form = anna.get(f"/signalen/nieuw/?vervolg={first.pk}").content.decode()
    assert first.reference in form and 'value="45"' in form
    response = anna.post(
        "/signalen/nieuw/",
        {
            "follows_up": str(first.pk),
            "kind": "nuisance",
            "postcode": "1012 AB",
            "house_number": "45",
            "description": "Elke nacht harde muziek tot 04:00 uur.",
            "urgency": "normal",
            "resident_informed": "on",
        },
    )
    assert response.status_code == 302
    second = Signal.objects.get(follows_up=first)
    assert second.organisation_id == first.organisation_id
    assert first.reference in page(client_for("noor"), second)


def test_no_follow_up_on_another_decline_or_for_another_corporation(file_as, user, client_for):
    other_reason = file_as("anna", house_number=46)
    decline(user, other_reason, "no_support_needed")
    assert "vervolg=" not in page(client_for("anna"), other_reason)
    assert client_for("anna").get(f"/signalen/nieuw/?vervolg={other_reason.pk}").status_code == 404
    lacking = file_as("anna", house_number=47)
    decline(user, lacking)
    # bram works for another corporation: the signal is missing to him.
    assert client_for("bram").get(f"/signalen/nieuw/?vervolg={lacking.pk}").status_code == 404
    with pytest.raises(PermissionDenied):
        file_signal(user("bram"), {**NUISANCE, "house_number": 47}, follows_up=lacking)
