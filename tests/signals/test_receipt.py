"""The receipt for court: what it says (parsed from the PDF), who may download it, and
the access-log row it leaves."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases import services
from privacy.models import AccessAction, AccessLog
from signals.receipt import verification_code
from signals.services import file_signal

from .conftest import RENT_ARREARS


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def arrears(user):
    return file_signal(user("anna"), {**RENT_ARREARS, "external_reference": "DL-77"})


def test_receipt_states_what_was_filed_and_when(api_for, arrears):
    response = api_for("anna").get(f"/api/v1/signals/{arrears.pk}/receipt/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"ontvangstbewijs-{arrears.reference}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    received = timezone.localtime(arrears.filed_at).strftime("%d-%m-%Y %H:%M")
    for expected in (
        arrears.reference,
        f"Ontvangen op: {received}",
        "Gemeente Demostad",
        "Woonstichting De Linde",
        "DL-77",
        "EUR 1.250,00",
        "Aantal maanden achterstand: 3",
        "a. Persoonlijk contact met de huurder geprobeerd: ja",
        "b. Huurder gewezen op schuldhulpverlening: ja",
        "c. Ten minste één schriftelijke herinnering verstuurd: ja",
        "zonder bezwaar van de huurder: ja",
        f"Verificatiecode: {verification_code(arrears)}",
    ):
        assert expected in text, expected


def test_receipt_says_nothing_about_the_teams_knowledge(api_for, arrears, user):
    case = services.accept_signal(user("noor"), arrears)
    services.add_note(user("noor"), case, "Bekend bij het wijkteam sinds 2024.")
    text = pdf_text(api_for("anna").get(f"/api/v1/signals/{arrears.pk}/receipt/").content)
    for word in ("Opgepakt", "Afgerond", "Status", "casus", "CAS-", "Bekend", "Wijkteam Noord"):
        assert word not in text, word


def test_verification_code_changes_with_the_declared_facts(arrears):
    code = verification_code(arrears)
    assert len(code) == 19 and code.count("-") == 3
    arrears.wgs_debt_help_pointed = False
    assert verification_code(arrears) != code


def test_receipt_read_is_logged(client_for, arrears):
    before = AccessLog.objects.count()
    response = client_for("anna").get(f"/signalen/{arrears.pk}/ontvangstbewijs.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    entry = AccessLog.objects.order_by("-pk").first()
    assert AccessLog.objects.count() == before + 1
    assert (entry.action, entry.object_type, entry.object_id) == (
        AccessAction.READ,
        "signal_receipt",
        str(arrears.pk),
    )
    assert entry.household_key == arrears.household_key
    assert entry.username == "anna"


@pytest.mark.parametrize("username", ["sara", "noor", "bram", "eva", "pim", "admin"])
def test_only_the_filing_organisation_gets_a_receipt(api_for, arrears, username):
    before = AccessLog.objects.filter(object_type="signal_receipt").count()
    response = api_for(username).get(f"/api/v1/signals/{arrears.pk}/receipt/")
    assert response.status_code == 404
    assert AccessLog.objects.filter(object_type="signal_receipt").count() == before


def test_signal_page_offers_the_download_to_the_filer_only(client_for, arrears):
    link = f"/signalen/{arrears.pk}/ontvangstbewijs.pdf"
    assert link in client_for("anna").get(f"/signalen/{arrears.pk}/").content.decode()
    assert link not in client_for("noor").get(f"/signalen/{arrears.pk}/").content.decode()
