"""The signals API of DESIGN §5."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from privacy.models import AccessAction, AccessLog
from signals.csv_io import DUTCH_COLUMNS, column_name, template_csv
from signals.models import INPUT_FIELDS, Signal
from signals.serializers import FilerSignalSerializer, SignalInputSerializer

from .conftest import NUISANCE, RENT_ARREARS

FILER_KEYS = {
    "id",
    "reference",
    "kind",
    "urgency",
    "postcode",
    "house_number",
    "house_number_addition",
    "description",
    "resident_informed",
    "arrears_amount",
    "arrears_months",
    "wgs_reminder_sent",
    "wgs_contact_attempted",
    "wgs_handover_offered",
    "wgs_debt_help_pointed",
    "eviction_date",
    "external_reference",
    "team",
    "status",
    "outcome",
    "decline_reason_category",
    "filed_at",
    "triage_deadline",
    "feedback_deadline",
}


def test_create_answers_with_team_and_deadlines(api_for):
    response = api_for("anna").post("/api/v1/signals/", RENT_ARREARS, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == FILER_KEYS
    assert body["team"] == {"name": "Wijkteam Noord"}
    assert body["status"] == "received"
    assert body["arrears_amount"] == "1250.00"
    assert body["reference"].startswith("SIG-")
    signal = Signal.objects.get(pk=body["id"])
    assert body["triage_deadline"] == signal.triage_deadline.isoformat()
    assert body["feedback_deadline"] == signal.feedback_deadline.isoformat()
    assert AccessLog.objects.filter(action=AccessAction.CREATE, object_id=body["id"]).exists()


def test_validation_errors_have_the_field_shape(api_for):
    response = api_for("anna").post(
        "/api/v1/signals/", {**NUISANCE, "postcode": "1012 SS", "house_number": 0}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "postcode": ["Postcodes met de letters SS bestaan niet."],
        "house_number": ["Het huisnummer moet tussen 1 en 99999 liggen."],
    }


def test_outside_region_is_400_and_stores_nothing(api_for):
    response = api_for("anna").post(
        "/api/v1/signals/", {**NUISANCE, "postcode": "9999 AA"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "postcode": ["Postcode 9999 AA ligt buiten het werkgebied van het portaal."]
    }
    assert Signal.objects.count() == 0


def test_repeat_external_reference_is_409_with_the_existing_signal(api_for):
    anna = api_for("anna")
    data = {**NUISANCE, "external_reference": "CRM-77"}
    first = anna.post("/api/v1/signals/", data, format="json").json()
    again = anna.post("/api/v1/signals/", data, format="json")
    assert again.status_code == 409
    assert again.json()["id"] == first["id"]
    assert again.json()["reference"] == first["reference"]
    assert Signal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_external_reference_under_concurrent_requests(api_for):
    clients = [api_for("anna"), api_for("anna")]
    barrier = threading.Barrier(2)
    statuses = []

    def post(client):
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/signals/", {**NUISANCE, "external_reference": "RACE-1"}, format="json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert Signal.objects.filter(external_reference="RACE-1").count() == 1
    # The refused request returned its reference number: no gap.
    assert Signal.objects.get().reference.endswith("-000001")


def test_team_members_cannot_file(api_for):
    assert api_for("sara").post("/api/v1/signals/", NUISANCE, format="json").status_code == 403
    assert api_for("admin").post("/api/v1/signals/", NUISANCE, format="json").status_code == 403


def test_list_filters_and_shapes(api_for, file_as):
    noord = file_as("anna")
    file_as("anna", kind="other", postcode="1025 AB")
    anna = api_for("anna").get("/api/v1/signals/", {"kind": "nuisance"}).json()
    assert anna["count"] == 1
    assert set(anna) == {"count", "next", "previous", "results"}
    assert set(anna["results"][0]) == FILER_KEYS
    assert api_for("anna").get("/api/v1/signals/", {"status": "accepted"}).json()["count"] == 0
    assert api_for("anna").get("/api/v1/signals/", {"status": "bogus"}).status_code == 400

    sara = api_for("sara").get("/api/v1/signals/").json()
    assert [row["id"] for row in sara["results"]] == [str(noord.pk)]
    assert set(sara["results"][0]) == FILER_KEYS | {"organisation", "is_multiple"}
    assert sara["results"][0]["organisation"] == {"name": "Woonstichting De Linde"}
    listed = AccessLog.objects.filter(action=AccessAction.LIST, username="sara").get()
    assert listed.object_ids == [str(noord.pk)]


def test_detail_visibility(api_for, file_as):
    signal = file_as("anna")
    assert api_for("anna").get(f"/api/v1/signals/{signal.pk}/").status_code == 200
    assert api_for("noor").get(f"/api/v1/signals/{signal.pk}/").json()["is_multiple"] is False
    for outsider in ("bram", "omar", "eva", "pim", "admin"):
        assert api_for(outsider).get(f"/api/v1/signals/{signal.pk}/").status_code == 404
    assert api_for("anna").get("/api/v1/signals/not-a-uuid/").status_code == 404


def test_import_endpoint(api_for):
    content = (
        "\ufeffkind;postcode;house_number;description;external_reference\r\n"
        "overlast;1012 AB;1;Overlast;A-1\r\n"
        "overlast;1012 AB;;Overlast;A-2\r\n"
    ).encode()
    anna = api_for("anna")

    def upload():
        file = SimpleUploadedFile("lijst.csv", content, content_type="text/csv")
        return anna.post("/api/v1/signals/import/", {"file": file}, format="multipart")

    first = upload()
    assert first.status_code == 200
    assert first.json() == {
        "created": 1,
        "duplicates": 0,
        "errors": [{"line": 3, "errors": {"house_number": ["Dit veld is verplicht."]}}],
    }
    assert upload().json()["duplicates"] == 1
    assert (
        api_for("anna").post("/api/v1/signals/import/", {}, format="multipart").status_code == 400
    )


def test_list_query_count_does_not_grow(api_for, user, django_assert_max_num_queries):
    from signals.imports import import_signal_rows
    from signals.intake import filing_organisation

    anna = user("anna")
    client = api_for("anna")
    rows = [(n, {**NUISANCE, "house_number": str(n)}) for n in range(1, 31)]
    import_signal_rows(anna, filing_organisation(anna), rows[:5])
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/signals/").json()["count"] == 5
    import_signal_rows(anna, filing_organisation(anna), rows[5:])
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/signals/", {"page_size": 30}).json()["results"]) == 30


def test_create_query_count(api_for, django_assert_num_queries):
    """11: token, memberships, route, terms, reference counter (3), signal, grants, other
    partners' signals, log row; in a test the atomic block adds a savepoint and its
    release. The external reference is not looked up first: the unique constraint refuses
    a repeat (the rarer case), which then costs the rollback and the lookup."""
    anna = api_for("anna")
    # The first request notes the token's use and loads the permission ids.
    assert anna.post("/api/v1/signals/", NUISANCE, format="json").status_code == 201
    data = {**NUISANCE, "external_reference": "CRM-1"}
    with django_assert_num_queries(13):
        assert anna.post("/api/v1/signals/", data, format="json").status_code == 201
    with django_assert_num_queries(12):
        assert anna.post("/api/v1/signals/", data, format="json").status_code == 409


def test_schema_describes_the_signal_endpoints(api_for):
    schema = api_for(None).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/signals/"])
    assert "post" in paths["/api/v1/signals/import/"]
    assert "409" in paths["/api/v1/signals/"]["post"]["responses"]


def test_one_list_of_input_fields_serves_api_csv_and_filer_shape():
    assert tuple(SignalInputSerializer().fields) == INPUT_FIELDS
    assert template_csv() == "\ufeff" + ";".join(map(column_name, INPUT_FIELDS)) + "\r\n"
    assert set(DUTCH_COLUMNS) == set(INPUT_FIELDS), "every input field has a Dutch column name"
    assert set(INPUT_FIELDS) <= set(FilerSignalSerializer.Meta.fields)
