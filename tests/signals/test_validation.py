"""Postcode rules and every validation message of a new signal."""

import pytest
from django.core.exceptions import ValidationError

from partners.postcodes import normalise_addition, normalise_postcode
from signals.intake import clean_signal_input

from .conftest import NUISANCE, RENT_ARREARS


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1012ab", "1012 AB"),
        (" 1012 ab ", "1012 AB"),
        ("9999  zz", "9999 ZZ"),
        ("1012AB", "1012 AB"),
    ],
)
def test_postcodes_are_normalised(given, expected):
    assert normalise_postcode(given) == expected


@pytest.mark.parametrize(
    "given", ["0123 AB", "123 AB", "1012 A", "1012 A1", "10123 AB", "", "AB 1012"]
)
def test_malformed_postcodes_are_refused(given):
    with pytest.raises(ValidationError) as error:
        normalise_postcode(given)
    assert error.value.messages == ["Vul een geldige postcode in, bijvoorbeeld 1012 AB."]


@pytest.mark.parametrize("letters", ["SA", "SD", "SS", "sa"])
def test_postcodes_with_sa_sd_ss_do_not_exist(letters):
    with pytest.raises(ValidationError) as error:
        normalise_postcode(f"1012 {letters}")
    assert error.value.messages == [f"Postcodes met de letters {letters.upper()} bestaan niet."]


def test_addition_is_normalised():
    assert normalise_addition(" a-1 ") == "A1"
    assert normalise_addition(None) == ""


def errors_for(**changes) -> dict:
    data = {**NUISANCE, **changes}
    with pytest.raises(ValidationError) as error:
        clean_signal_input(data)
    return error.value.message_dict


def arrears_errors_for(**changes) -> dict:
    return errors_for(**{**RENT_ARREARS, **changes})


REQUIRED = ["Dit veld is verplicht."]


@pytest.mark.parametrize(
    ("changes", "field", "messages"),
    [
        ({"kind": ""}, "kind", REQUIRED),
        ({"kind": "burenruzie"}, "kind", ["Kies een geldige soort signaal."]),
        ({"postcode": ""}, "postcode", REQUIRED),
        ({"postcode": "1012"}, "postcode", ["Vul een geldige postcode in, bijvoorbeeld 1012 AB."]),
        ({"house_number": ""}, "house_number", REQUIRED),
        (
            {"house_number": "twaalf"},
            "house_number",
            ["Het huisnummer moet een geheel getal zijn."],
        ),
        ({"house_number": 0}, "house_number", ["Het huisnummer moet tussen 1 en 99999 liggen."]),
        (
            {"house_number": 100000},
            "house_number",
            ["Het huisnummer moet tussen 1 en 99999 liggen."],
        ),
        (
            {"house_number_addition": "ABCDE"},
            "house_number_addition",
            ["De toevoeging bestaat uit hoogstens 4 letters of cijfers."],
        ),
        ({"description": "  "}, "description", REQUIRED),
        (
            {"description": "x" * 5001},
            "description",
            ["De omschrijving is 5001 tekens; het maximum is 5000."],
        ),
        ({"urgency": "morgen"}, "urgency", ["Kies normaal of spoed."]),
        ({"resident_informed": "misschien"}, "resident_informed", ["Kies ja of nee."]),
        (
            {"external_reference": "x" * 101},
            "external_reference",
            ["Het externe kenmerk is hoogstens 100 tekens."],
        ),
    ],
)
def test_validation_messages(changes, field, messages):
    assert errors_for(**changes)[field] == messages


@pytest.mark.parametrize(
    ("changes", "field", "messages"),
    [
        ({"arrears_amount": ""}, "arrears_amount", REQUIRED),
        (
            {"arrears_amount": "veel"},
            "arrears_amount",
            ["Vul een bedrag in euro's in, bijvoorbeeld 1250,00."],
        ),
        (
            {"arrears_amount": "0"},
            "arrears_amount",
            ["Het bedrag moet groter dan 0 en kleiner dan 1.000.000 euro zijn."],
        ),
        (
            {"arrears_amount": "1000000"},
            "arrears_amount",
            ["Het bedrag moet groter dan 0 en kleiner dan 1.000.000 euro zijn."],
        ),
        ({"arrears_amount": "12,345"}, "arrears_amount", ["Gebruik hoogstens twee decimalen."]),
        ({"arrears_months": None}, "arrears_months", REQUIRED),
        ({"arrears_months": "drie"}, "arrears_months", ["Vul een aantal maanden in."]),
        ({"arrears_months": 0}, "arrears_months", ["Het aantal maanden ligt tussen 1 en 120."]),
        ({"arrears_months": 121}, "arrears_months", ["Het aantal maanden ligt tussen 1 en 120."]),
        (
            {"wgs_reminder_sent": False},
            "wgs_reminder_sent",
            ["Stuur eerst ten minste één schriftelijke herinnering (Bgs art. 2, onder c)."],
        ),
        (
            {"wgs_contact_attempted": "nee"},
            "wgs_contact_attempted",
            ["Probeer eerst persoonlijk contact met de huurder te krijgen (Bgs art. 2, onder a)."],
        ),
        (
            {"wgs_handover_offered": None},
            "wgs_handover_offered",
            [
                "Bied de huurder in de herinnering eerst aan de gegevens aan de gemeente door "
                "te geven, zonder bezwaar van de huurder (Bgs art. 2, onder d)."
            ],
        ),
        (
            {"wgs_debt_help_pointed": "nee"},
            "wgs_debt_help_pointed",
            [
                "Wijs de huurder eerst op de mogelijkheid van schuldhulpverlening "
                "(Bgs art. 2, onder b)."
            ],
        ),
    ],
)
def test_rent_arrears_messages(changes, field, messages):
    assert arrears_errors_for(**changes)[field] == messages


def test_all_mistakes_are_reported_at_once():
    errors = errors_for(kind="", postcode="0000 AA", house_number="x", description="")
    assert set(errors) == {"kind", "postcode", "house_number", "description"}


@pytest.mark.parametrize(
    ("amount", "expected"), [("1250.00", "1250.00"), ("1250,00", "1250.00"), ("1.250,5", "1250.50")]
)
def test_amount_notations(amount, expected):
    cleaned = clean_signal_input({**RENT_ARREARS, "arrears_amount": amount})
    assert str(cleaned["arrears_amount"]) == expected


def test_arrears_fields_are_dropped_for_other_kinds():
    cleaned = clean_signal_input({**NUISANCE, "arrears_amount": "100", "arrears_months": 2})
    assert cleaned["arrears_amount"] is None
    assert cleaned["arrears_months"] is None
    assert cleaned["postcode"] == "1012 AB"
    assert cleaned["urgency"] == "normal"
