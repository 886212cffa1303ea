"""Fixtures for the cases tests: signals filed by the demo corporations."""

import pytest

from signals.services import file_signal


@pytest.fixture
def file(user):
    """`file("anna", house_number=5, **fields)` -> a new signal filed by that user."""

    def make(username="anna", **fields):
        data = {
            "kind": "nuisance",
            "postcode": "1012 AB",
            "house_number": 1,
            "description": "Geluidsoverlast en zorgen over de bewoner.",
            "urgency": "normal",
            "resident_informed": True,
            **fields,
        }
        return file_signal(user(username), data)

    return make
