"""The cases API: accept/decline, case list and detail, transitions and notes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case
from privacy.models import AccessLog


def test_accept_answers_the_same_shape_for_new_and_merged(api_for, file):
    api = api_for("noor")
    first, second = file("anna", house_number=51), file("bram", house_number=51)
    new = api.post(f"/api/v1/signals/{first.pk}/accept/")
    merged = api.post(f"/api/v1/signals/{second.pk}/accept/")
    assert new.status_code == merged.status_code == 200
    case = Case.objects.get()
    assert new.json() == merged.json() == {"case": {"id": str(case.pk)}}


def test_accept_is_for_the_routed_teams_triage_lead(api_for, file):
    signal = file("anna", house_number=52)
    assert api_for("sara").post(f"/api/v1/signals/{signal.pk}/accept/").status_code == 403
    assert api_for("anna").post(f"/api/v1/signals/{signal.pk}/accept/").status_code == 403
    assert api_for("omar").post(f"/api/v1/signals/{signal.pk}/accept/").status_code == 404
    again = api_for("noor")
    assert again.post(f"/api/v1/signals/{signal.pk}/accept/").status_code == 200
    response = again.post(f"/api/v1/signals/{signal.pk}/accept/")
    assert response.status_code == 400
    assert "al getrieerd" in response.json()["status"][0]


def test_decline_requires_a_reason(api_for, file):
    signal = file("anna", house_number=53)
    api = api_for("noor")
    response = api.post(f"/api/v1/signals/{signal.pk}/decline/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(
        f"/api/v1/signals/{signal.pk}/decline/",
        {"reason": "Geen zorgvraag", "reason_category": "no_support_needed"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": str(signal.pk),
        "reference": signal.reference,
        "status": "declined",
        "decline_reason_category": "no_support_needed",
    }


def test_case_detail_transitions_and_notes(api_for, file, user):
    signal = file("anna", house_number=54)
    case = services.accept_signal(user("noor"), signal)
    api = api_for("sara")
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["reference"] == case.reference
    assert [s["reference"] for s in detail["signals"]] == [signal.reference]
    assert [e["kind"] for e in detail["history"]] == ["opened"]

    response = api.post(f"/api/v1/cases/{case.pk}/transition/", {"to": "closed"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"to": ["Een casus kan niet van ‘Nieuw’ naar ‘Afgesloten’."]}
    response = api.post(
        f"/api/v1/cases/{case.pk}/transition/", {"to": "in_progress"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "in_progress"
    response = api.post(f"/api/v1/cases/{case.pk}/transition/", {"to": "closed"}, format="json")
    assert response.json() == {"outcome": ["Kies de uitkomst voor de melder."]}
    response = api.post(f"/api/v1/cases/{case.pk}/notes/", {"text": ""}, format="json")
    assert response.status_code == 400 and "text" in response.json()
    response = api.post(f"/api/v1/cases/{case.pk}/notes/", {"text": "Gebeld"}, format="json")
    assert response.status_code == 201 and response.json()["text"] == "Gebeld"
    response = api.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"to": "closed", "outcome": "contact_made"},
        format="json",
    )
    body = response.json()
    assert body["state"] == "closed" and body["outcome"] == "contact_made"
    assert body["signals"][0]["status"] == "closed"
    assert body["signals"][0]["outcome"] == "contact_made"
    # Reopening is the triage lead's move.
    response = api.post(
        f"/api/v1/cases/{case.pk}/transition/", {"to": "in_progress", "reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_hidden_case_is_404(api_for, file, user):
    case = services.accept_signal(user("noor"), file("anna", house_number=55))
    for name in ("omar", "anna", "eva", "admin"):
        assert api_for(name).get(f"/api/v1/cases/{case.pk}/").status_code == 404
        response = api_for(name).post(
            f"/api/v1/cases/{case.pk}/notes/", {"text": "x"}, format="json"
        )
        assert response.status_code == 404


def test_list_logs_returned_ids_and_filters_before_paging(api_for, file, user):
    noor = user("noor")
    cases = [services.accept_signal(noor, file("anna", house_number=n)) for n in (56, 57, 58)]
    services.set_confidential(noor, cases[0], True)
    body = api_for("sara").get("/api/v1/cases/?page_size=2").json()
    assert body["count"] == 2  # the confidential case is not counted
    assert {c["id"] for c in body["results"]} == {str(c.pk) for c in cases[1:]}
    log = AccessLog.objects.filter(username="sara", action="list").latest("pk")
    assert set(log.object_ids) == {str(c.pk) for c in cases[1:]}
    assert api_for("noor").get("/api/v1/cases/").json()["count"] == 3
    assert api_for("omar").get("/api/v1/cases/").json()["count"] == 0


def test_list_query_count_does_not_grow(api_for, file, user, django_assert_max_num_queries):
    noor, api = user("noor"), api_for("noor")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/cases/").status_code == 200
        return len(ctx.captured_queries)

    services.accept_signal(noor, file("anna", house_number=60))
    queries()  # the first request also records when the token was last used
    few = queries()
    for number in range(61, 75):
        services.accept_signal(noor, file("anna", house_number=number))
    assert queries() == few
    with django_assert_max_num_queries(few):
        api.get("/api/v1/cases/")


def test_schema_documents_the_endpoints(api_for):
    schema = api_for(None).get("/api/v1/schema/?format=json").json()
    for path in (
        "/api/v1/signals/{id}/accept/",
        "/api/v1/signals/{id}/decline/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/transition/",
        "/api/v1/cases/{id}/notes/",
    ):
        assert path in schema["paths"], path


def test_filer_cannot_tell_a_new_case_from_a_merge(api_for, file, user):
    """DESIGN §3: accepting into a new case or into the team's open case looks the same
    to the filer. anna files twice for one household: the first opens a case, the second
    is merged into it. Her API answers agree key by key except id, reference and dates."""
    noor = user("noor")
    opened, merged = file("anna", house_number=58), file("anna", house_number=58)
    services.accept_signal(noor, opened)
    services.accept_signal(noor, merged)
    assert Case.objects.get().case_signals.count() == 2

    api = api_for("anna")
    answers = []
    for signal in (opened, merged):
        response = api.get(f"/api/v1/signals/{signal.pk}/")
        assert response.status_code == 200
        answers.append(response.json())
    new_json, merged_json = answers
    assert new_json.keys() == merged_json.keys()
    differing = {key for key in new_json if new_json[key] != merged_json[key]}
    dates = {key for key in new_json if key.endswith(("_at", "_deadline"))}
    assert differing <= {"id", "reference"} | dates
    assert not {"case", "is_multiple"} & new_json.keys()


def test_detail_serializers_built_once_still_serialize_each_case_on_its_own(api_for, file, user):
    """The case serializers build their fields once per class (`FieldsBuiltOnce`); every
    instance still gets its own fields, so two cases in a row each show their own
    signals and history."""
    from cases.api import CaseDetailSerializer

    noor = user("noor")
    first = services.accept_signal(noor, file("anna", house_number=81))
    second = services.accept_signal(noor, file("anna", house_number=82))
    services.add_note(noor, second, "Alleen bij de tweede")
    api = api_for("noor")
    one, two = (api.get(f"/api/v1/cases/{c.pk}/").json() for c in (first, second))
    assert one["reference"] == first.reference and two["reference"] == second.reference
    assert [s["house_number"] for s in one["signals"]] == [81]
    assert [s["house_number"] for s in two["signals"]] == [82]
    assert "Alleen bij de tweede" not in str(one["history"])
    assert "Alleen bij de tweede" in str(two["history"])
    a, b = CaseDetailSerializer(first), CaseDetailSerializer(second)
    assert a.fields["team"] is not b.fields["team"] and a.fields["team"].parent is a
