"""Rent-arrears signals: the landlord's four steps of Bgs art. 2 in every channel, and an
eviction date that makes the signal urgent with a triage term of three working days."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from partners.models import AgreementTerm
from signals.models import Signal
from signals.services import import_signals

from .conftest import RENT_ARREARS

STEP_B = "Wijs de huurder eerst op de mogelijkheid van schuldhulpverlening (Bgs art. 2, onder b)."
HEADER = (
    "kind;postcode;house_number;description;arrears_amount;arrears_months;"
    "wgs_contact_attempted;wgs_debt_help_pointed;wgs_reminder_sent;wgs_handover_offered"
)


def at(value: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(value))


@pytest.fixture
def frozen(monkeypatch):
    """`frozen("2026-12-23T10:00")`: the portal's clock stands still at that moment."""

    def freeze(value: str) -> None:
        moment = at(value)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def test_api_refuses_rent_arrears_without_pointing_to_debt_help(api_for):
    anna = api_for("anna")
    body = {**RENT_ARREARS, "wgs_debt_help_pointed": False}
    response = anna.post("/api/v1/signals/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"wgs_debt_help_pointed": [STEP_B]}
    assert not Signal.objects.exists()

    response = anna.post("/api/v1/signals/", RENT_ARREARS, format="json")
    assert response.status_code == 201
    signal = Signal.objects.get()
    assert (signal.wgs_contact_attempted, signal.wgs_debt_help_pointed) == (True, True)
    assert (signal.wgs_reminder_sent, signal.wgs_handover_offered) == (True, True)


def test_api_names_every_missing_step_at_once(api_for):
    body = {key: value for key, value in RENT_ARREARS.items() if not key.startswith("wgs_")}
    errors = api_for("anna").post("/api/v1/signals/", body, format="json").json()
    assert set(errors) == {
        "wgs_contact_attempted",
        "wgs_debt_help_pointed",
        "wgs_reminder_sent",
        "wgs_handover_offered",
    }
    assert all("Bgs art. 2" in messages[0] for messages in errors.values())


def test_csv_accepts_ja_and_reports_nee_per_step(user):
    content = "\r\n".join(
        [
            HEADER,
            "Huurachterstand;1012 AB;1;Huur;900,00;2;ja;ja;ja;ja",
            "rent_arrears;1012 AB;2;Huur;900,00;2;ja;nee;ja;ja",
            "rent_arrears;1012 AB;3;Huur;900,00;2;ja;misschien;ja;ja",
        ]
    ).encode()
    result = import_signals(user("anna"), content)
    assert result.created == 1
    assert result.errors == [
        {"line": 3, "errors": {"wgs_debt_help_pointed": [STEP_B]}},
        {"line": 4, "errors": {"wgs_debt_help_pointed": ["Kies ja of nee."]}},
    ]
    assert Signal.objects.get().wgs_debt_help_pointed is True


def test_csv_without_the_debt_help_column_is_refused_per_row(user):
    content = (
        b"kind;postcode;house_number;description;arrears_amount;arrears_months;"
        b"wgs_contact_attempted;wgs_reminder_sent;wgs_handover_offered\r\n"
        b"rent_arrears;1012 AB;2;Huur;900,00;2;ja;ja;ja\r\n"
    )
    result = import_signals(user("anna"), content)
    assert result.created == 0
    assert result.errors == [{"line": 2, "errors": {"wgs_debt_help_pointed": [STEP_B]}}]


def test_form_files_rent_arrears_with_all_four_steps(client_for):
    form = {
        **RENT_ARREARS,
        "arrears_months": "3",
        "wgs_contact_attempted": "on",
        "wgs_debt_help_pointed": "on",
        "wgs_reminder_sent": "on",
        "wgs_handover_offered": "on",
    }
    response = client_for("anna").post("/signalen/nieuw/", form)
    assert response.status_code == 302
    assert Signal.objects.get().wgs_debt_help_pointed is True


def test_form_names_the_missing_debt_help_step(client_for):
    form = {**RENT_ARREARS, "wgs_debt_help_pointed": ""}
    response = client_for("anna").post("/signalen/nieuw/", form)
    assert response.status_code == 200
    assert STEP_B in response.content.decode()
    assert not Signal.objects.exists()


def test_eviction_date_makes_urgent_with_three_working_days_over_christmas(api_for, frozen):
    # The agreement allows 5 working days; an eviction date shortens triage to 3. Filed
    # Wednesday 23 December: Thursday 24, (Christmas, weekend), Monday 28, Tuesday 29.
    AgreementTerm.objects.filter(kind="rent_arrears").update(triage_days=5)
    frozen("2026-12-23T10:00")
    body = {**RENT_ARREARS, "eviction_date": "2027-01-14"}
    response = api_for("anna").post("/api/v1/signals/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["triage_deadline"] == "2026-12-29"
    signal = Signal.objects.get()
    assert signal.urgency == "urgent"
    assert signal.eviction_date == date(2027, 1, 14)


def test_without_eviction_date_the_agreed_term_stands(api_for, frozen):
    AgreementTerm.objects.filter(kind="rent_arrears").update(triage_days=5)
    frozen("2026-12-23T10:00")
    response = api_for("anna").post("/api/v1/signals/", RENT_ARREARS, format="json")
    assert response.json()["triage_deadline"] == "2026-12-31"
    assert Signal.objects.get().urgency == "normal"


def test_eviction_date_in_dutch_notation_and_refused_in_the_past(api_for, frozen):
    frozen("2026-12-01T10:00")
    anna = api_for("anna")
    past = anna.post(
        "/api/v1/signals/", {**RENT_ARREARS, "eviction_date": "30-11-2026"}, format="json"
    )
    assert past.status_code == 400
    assert past.json() == {
        "eviction_date": ["De datum van de zitting of ontruiming ligt in het verleden."]
    }
    wrong = anna.post(
        "/api/v1/signals/", {**RENT_ARREARS, "eviction_date": "morgen"}, format="json"
    )
    assert wrong.json() == {"eviction_date": ["Vul een datum in als 21-12-2026."]}
    ok = anna.post(
        "/api/v1/signals/", {**RENT_ARREARS, "eviction_date": "21-12-2026"}, format="json"
    )
    assert ok.status_code == 201
    assert ok.json()["eviction_date"] == "2026-12-21"


def test_agreed_first_outreach_term_sets_the_outreach_deadline(api_for, frozen):
    AgreementTerm.objects.filter(kind="rent_arrears").update(outreach_days=2)
    frozen("2026-12-23T10:00")
    api_for("anna").post("/api/v1/signals/", RENT_ARREARS, format="json")
    assert Signal.objects.get().outreach_deadline == date(2026, 12, 28)
