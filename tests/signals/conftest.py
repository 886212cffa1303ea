"""Helpers for the signals tests."""

import pytest

from signals.services import file_signal
from tests.helpers import WGS_STEPS_TAKEN

NUISANCE = {
    "kind": "nuisance",
    "postcode": "1012 AB",
    "house_number": 5,
    "description": "Geluidsoverlast in de nacht.",
}
RENT_ARREARS = {
    "kind": "rent_arrears",
    "postcode": "1012 AB",
    "house_number": 6,
    "description": "Drie maanden huur niet betaald.",
    "arrears_amount": "1250,00",
    "arrears_months": 3,
    **WGS_STEPS_TAKEN,
}


@pytest.fixture
def file_as(user):
    """`file_as("anna", postcode="1025 AB")` files a nuisance signal with those changes."""

    def make(username: str, **changes):
        return file_signal(user(username), {**NUISANCE, **changes})

    return make
