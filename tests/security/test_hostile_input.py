"""Hostile input gets a clear 4xx, never a server error: an HTML Accept header on the
API, a lone surrogate, JSON nested 20 000 deep, a CSV cell over 128 KB, a NUL byte. API
errors are JSON, also when the server fails or the database is down."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from signals.models import Signal

GOOD = {"kind": "nuisance", "postcode": "1012 AB", "house_number": 3, "description": "Overlast"}


def post_raw(client, body: str | bytes):
    return client.post("/api/v1/signals/", body, content_type="application/json")


def test_html_accept_header_on_the_api_gets_a_json_406(api_for):
    response = api_for("anna").get("/api/v1/signals/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response["Content-Type"].startswith("application/json")
    assert "Accept" in response.json()["detail"]
    # What a browser sends (text/html and */*) gets the JSON.
    browser = api_for("anna").get("/api/v1/signals/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert browser.status_code == 200


def test_lone_surrogate_in_json_is_a_clear_400(api_for):
    body = (
        '{"kind": "nuisance", "postcode": "1012 AB", "house_number": 3, "description": "\\ud800"}'
    )
    response = post_raw(api_for("anna"), body)
    assert response.status_code == 400
    assert "ongeldige tekens" in response.json()["detail"]
    assert not Signal.objects.exists()


def test_json_nested_twenty_thousand_deep_is_a_clear_400(api_for):
    response = post_raw(api_for("anna"), "[" * 20_000 + "]" * 20_000)
    assert response.status_code == 400
    assert "te diep genest" in response.json()["detail"]


def test_nul_byte_in_a_json_field_is_refused_per_field(api_for):
    response = post_raw(api_for("anna"), {**GOOD, "description": "Over\x00last"})
    assert response.status_code == 400
    assert response.json() == {"description": ["Tekst mag geen NUL-teken (\\x00) bevatten."]}
    assert not Signal.objects.exists()


def test_nul_byte_in_a_nested_json_value_is_refused(api_for):
    response = post_raw(api_for("anna"), {**GOOD, "description": ["a\x00"]})
    assert response.status_code == 400
    assert not Signal.objects.exists()


def test_nul_byte_in_a_query_parameter_is_not_a_server_error(api_for):
    response = api_for("noor").get("/api/v1/signals/", {"status": "a\x00b"})
    assert response.status_code == 400


def upload(client, content: bytes):
    file = SimpleUploadedFile("lijst.csv", content, content_type="text/csv")
    return client.post("/api/v1/signals/import/", {"file": file}, format="multipart")


HEADER = b"kind;postcode;house_number;description\r\n"


def test_csv_cell_over_128_kb_is_refused_before_anything_is_written(api_for):
    content = HEADER + b"overlast;1012 AB;1;Overlast\r\n" + b"overlast;1012 AB;2;" + b"x" * 140_000
    response = upload(api_for("anna"), content + b"\r\n")
    assert response.status_code == 400
    assert response.json() == {
        "file": ["Regel 3: een waarde is langer dan 131072 tekens. Controleer de aanhalingstekens."]
    }
    assert not Signal.objects.exists()


def test_nul_byte_in_row_701_refuses_the_file_before_anything_is_written(api_for):
    rows = [b"overlast;1012 AB;%d;Overlast" % n for n in range(1, 701)]
    rows.append(b"overlast;1012 AB;701;Over\x00last")
    response = upload(api_for("anna"), HEADER + b"\r\n".join(rows) + b"\r\n")
    assert response.status_code == 400
    assert response.json() == {
        "file": ["Regel 702, kolom description: tekst mag geen NUL-teken (\\x00) bevatten."]
    }
    assert not Signal.objects.exists()


def test_nul_byte_in_a_web_upload_is_shown_on_the_form(client_for):
    content = HEADER + b"overlast;1012 AB;1;Over\x00last\r\n"
    file = SimpleUploadedFile("lijst.csv", content, content_type="text/csv")
    response = client_for("anna").post("/signalen/importeren/", {"file": file})
    assert response.status_code == 200
    assert "NUL-teken" in response.content.decode()
    assert not Signal.objects.exists()


def test_unexpected_api_error_is_json_500(api_for, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client = api_for("anna")
    client.raise_request_exception = False
    with mock.patch("signals.selectors.signal_list", side_effect=RuntimeError("kapot")):
        response = client.get("/api/v1/signals/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Er ging iets mis op de server. Probeer het later opnieuw."
    }


def test_database_down_on_the_api_is_json_503(api_for):
    client = api_for("anna")
    client.raise_request_exception = False
    with mock.patch(
        "signals.selectors.signal_list", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/api/v1/signals/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "database" in response.json()["detail"]
    assert response["Retry-After"] == "30"


def test_unknown_api_path_is_json_404(api_for):
    response = api_for("anna").post("/api/v1/bestaat-niet/", {"a": 1}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    # The length announced is the JSON body's, or a keep-alive client waits for more.
    assert response["Content-Length"] == str(len(response.content))


@pytest.mark.parametrize("path", ["/signalen/"])
def test_pages_keep_their_html_errors(client_for, path):
    assert client_for("anna").get(path)["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (b"Over\x00last", "Regel 2, kolom code: tekst mag geen NUL-teken (\\x00) bevatten."),
        (b"x" * 140_000, "Regel 2: een waarde is langer dan 131072 tekens."),
    ],
)
def test_complex_import_refuses_bad_bytes_the_same_way(user, cell, message):
    from django.core.exceptions import ValidationError

    from partners.models import Complex
    from partners.services import REQUIRED_COMPLEX_COLUMNS, import_complexes

    header = ";".join(REQUIRED_COMPLEX_COLUMNS).encode()
    row = b";".join([cell] + [b"1"] * (len(REQUIRED_COMPLEX_COLUMNS) - 1))
    before = Complex.objects.count()
    with pytest.raises(ValidationError) as refused:
        import_complexes(user("anna"), header + b"\r\n" + row + b"\r\n")
    assert refused.value.message_dict["file"][0].startswith(message)
    assert Complex.objects.count() == before
