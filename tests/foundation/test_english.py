"""The English catalog: English users get English pages and API messages, Dutch stays default."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"

INVALID_POSTCODE_NL = "Vul een geldige postcode in, bijvoorbeeld 1012 AB."
INVALID_POSTCODE_EN = "Enter a valid postcode, for example 1012 AB."

BAD_SIGNAL = {
    "kind": "nuisance",
    "postcode": "0123 AB",
    "house_number": 1,
    "description": "x",
    "resident_informed": True,
}


def test_login_page_in_english_with_accept_language_en(client, db):
    html = client.get("/inloggen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "Inloggen" not in html


def test_login_page_in_dutch_without_header(client, db):
    html = client.get("/inloggen/").content.decode()
    assert '<html lang="nl">' in html
    assert "<h1>Inloggen</h1>" in html


def test_api_validation_error_in_english(api_for):
    response = api_for("anna").post(
        "/api/v1/signals/", BAD_SIGNAL, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["postcode"][0] == INVALID_POSTCODE_EN


def test_api_validation_error_in_dutch_without_header(api_for):
    response = api_for("anna").post("/api/v1/signals/", BAD_SIGNAL, format="json")
    assert response.status_code == 400
    assert response.json()["postcode"][0] == INVALID_POSTCODE_NL


def test_compiled_catalog_is_used():
    with translation.override("en"):
        assert translation.gettext("Inloggen") == "Log in"
        assert translation.gettext("Werkbak") == "Work tray"
        assert translation.ngettext("%(n)s casus", "%(n)s casussen", 2) == "%(n)s cases"


def _entries(text):
    """Yield (flags, msgid, msgstrs, msgid + msgid_plural) for every entry of a .po file."""
    for block in text.split("\n\n"):
        flags, fields, current = [], {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            strs = [value for key, value in fields.items() if key.startswith("msgstr")]
            source = fields["msgid"] + fields.get("msgid_plural", "")
            yield flags, fields["msgid"], strs, source


def test_every_catalog_entry_is_translated():
    entries = list(_entries(PO_FILE.read_text(encoding="utf-8")))
    assert len(entries) > 100
    header, *messages = entries
    assert header[1] == ""
    assert "fuzzy" not in header[0]
    untranslated = [msgid for _f, msgid, strs, _s in messages if not strs or "" in strs]
    fuzzy = [msgid for flags, msgid, _strs, _s in messages if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for _flags, msgid, strs, source in messages:
        for msgstr in strs:
            assert set(placeholder.findall(msgstr)) <= set(placeholder.findall(source)), msgid
