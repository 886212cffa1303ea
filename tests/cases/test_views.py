"""The browser path: tray → triage → case page → closed, and the forms' behaviour."""

from datetime import timedelta

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from privacy.models import AccessLog, CaseUserObjectPermission


def flashes(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def last_flash(response):
    """The message of this request (earlier ones wait until a page shows them)."""
    return flashes(response)[-1]


def test_whole_path_in_the_browser(client_for, file):
    signal = file("anna", house_number=31)
    noor, sara = client_for("noor"), client_for("sara")

    page = noor.get(f"/casussen/werkbak/{signal.pk}/")
    assert page.status_code == 200 and signal.description in page.content.decode()
    response = noor.post(f"/casussen/werkbak/{signal.pk}/oppakken/")
    assert response.status_code == 302
    case = Case.objects.get()
    case_url = f"/casussen/{case.pk}/"
    assert last_flash(response) == (
        f'Signaal {signal.reference} is opgepakt in casus <a href="{case_url}">'
        f'{case.reference}</a>. <a href="{case_url}?actie=toewijzen#toewijzen">Nu toewijzen</a>'
    )
    # The link opens the assign action on the case page (no JavaScript needed).
    assigning = noor.get(f"{case_url}?actie=toewijzen").content.decode()
    assert '<details class="action" id="toewijzen" open>' in assigning

    assert case.reference in sara.get("/casussen/").content.decode()
    detail = sara.get(f"/casussen/{case.pk}/").content.decode()
    assert signal.reference in detail
    # Only the allowed next step is offered: new → in behandeling.
    assert 'name="to" value="in_progress"' in detail
    assert 'value="closed"' not in detail
    assert "Toewijzen" not in detail  # triage leads only

    response = sara.post(f"/casussen/{case.pk}/status/", {"to": "in_progress"})
    assert response.status_code == 302
    assert last_flash(response) == "De status van de casus is gewijzigd."
    response = sara.post(f"/casussen/{case.pk}/notitie/", {"text": "Huisbezoek gedaan"})
    assert last_flash(response) == "Notitie toegevoegd."
    response = sara.post(
        f"/casussen/{case.pk}/status/", {"to": "closed", "outcome": "help_accepted"}
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == ("closed", "help_accepted")
    detail = sara.get(f"/casussen/{case.pk}/").content.decode()
    assert "Huisbezoek gedaan" in detail and "Hulp geaccepteerd" in detail


def test_form_errors_keep_input(client_for, file):
    signal = file("anna", house_number=32)
    noor = client_for("noor")
    response = noor.post(
        f"/casussen/werkbak/{signal.pk}/afwijzen/", {"reason_category": "other", "reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dit veld is vereist." in html
    assert '<option value="other" selected>' in html
    assert last_flash(response) == "Het signaal is niet afgewezen; verbeter de fouten."

    case = services.accept_signal(response.wsgi_request.user, signal)
    services.transition_case(response.wsgi_request.user, case, "in_progress")
    response = noor.post(
        f"/casussen/{case.pk}/status/", {"to": "on_hold", "reason": "", "outcome": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The error summary at the top links to the field; the pause form is open again.
    assert '<a href="#transition_on_hold_reason">Reden: Geef een reden op.</a>' in html
    assert html.index("error-summary") < html.index("signals-heading")
    assert '<details class="action" id="status-on_hold" open>' in html

    response = noor.post(
        f"/casussen/{case.pk}/delen/",
        {"with_user": "onbekend", "reason": "Overleg met GGD", "until": "2099-01-01"},
    )
    html = response.content.decode()
    assert "Met deze gebruiker kunt u deze casus niet delen." in html
    assert "Overleg met GGD" in html


def test_decline_and_reroute_in_the_browser(client_for, file, demo):
    declined, moved = file("anna", house_number=33), file("anna", house_number=34)
    noor = client_for("noor")
    response = noor.post(
        f"/casussen/werkbak/{declined.pk}/afwijzen/",
        {"reason_category": "no_support_needed", "reason": "Geen zorgvraag"},
    )
    assert response.status_code == 302
    declined.refresh_from_db()
    assert (declined.status, declined.decline_reason_category) == ("declined", "no_support_needed")
    zuid = demo["organisations"]["Wijkteam Zuid"]
    response = noor.post(
        f"/casussen/werkbak/{moved.pk}/doorzetten/", {"team": zuid.pk, "reason": "Adres Zuid"}
    )
    assert last_flash(response) == f"Signaal {moved.reference} is doorgezet naar Wijkteam Zuid."
    assert noor.get(f"/casussen/werkbak/{moved.pk}/").status_code == 404
    assert client_for("omar").get(f"/casussen/werkbak/{moved.pk}/").status_code == 200


def test_bulk_accept_and_decline(client_for, file):
    signals = [file("anna", house_number=n) for n in (35, 36, 37)]
    noor = client_for("noor")
    response = noor.post(
        "/casussen/werkbak/bulk/",
        {"action": "accept", "signals": [str(signals[0].pk), str(signals[1].pk)]},
    )
    assert last_flash(response) == "2 signalen opgepakt."
    response = noor.post(
        "/casussen/werkbak/bulk/", {"action": "decline", "signals": [str(signals[2].pk)]}
    )
    assert "Geef een toelichting voor de melder." in flashes(response)
    response = noor.post(
        "/casussen/werkbak/bulk/",
        {
            "action": "decline",
            "signals": [str(signals[2].pk)],
            "reason": "Geen zorgvraag",
            "reason_category": "no_support_needed",
        },
    )
    assert last_flash(response) == "1 signalen niet opgepakt; de melder krijgt de reden te zien."
    assert [s.status for s in (s.__class__.objects.get(pk=s.pk) for s in signals)] == [
        "accepted",
        "accepted",
        "declined",
    ]


def test_manager_forms(client_for, file, user):
    case = services.accept_signal(user("noor"), file("anna", house_number=38))
    noor = client_for("noor")
    assert "Toewijzen" in noor.get(f"/casussen/{case.pk}/").content.decode()
    noor.post(f"/casussen/{case.pk}/toewijzen/", {"assignee": user("sara").pk})
    noor.post(f"/casussen/{case.pk}/vertrouwelijk/", {"confidential": "on"})
    follow_up = timezone.localdate() + timedelta(days=3)
    client_for("sara").post(f"/casussen/{case.pk}/vervolgdatum/", {"follow_up_date": follow_up})
    case.refresh_from_db()
    assert (case.assignee.username, case.confidential, case.follow_up_date) == (
        "sara",
        True,
        follow_up,
    )
    assert case.reference in client_for("sara").get("/casussen/mijn/").content.decode()
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["opened", "assigned", "confidential", "follow_up"]


def test_confidential_case_hidden_from_member(client_for, file, user):
    case = services.accept_signal(user("noor"), file("anna", house_number=39))
    services.set_confidential(user("noor"), case, True)
    sara = client_for("sara")
    assert sara.get(f"/casussen/{case.pk}/").status_code == 404
    assert case.reference not in sara.get("/casussen/").content.decode()
    assert client_for("noor").get(f"/casussen/{case.pk}/").status_code == 200


def test_share_visible_until_end_date(client_for, file, user):
    case = services.accept_signal(user("noor"), file("anna", house_number=40))
    omar = client_for("omar")
    assert omar.get(f"/casussen/{case.pk}/").status_code == 404
    response = client_for("noor").post(
        f"/casussen/{case.pk}/delen/",
        {
            "with_user": user("omar").pk,
            "reason": "Overleg",
            "until": timezone.localdate().isoformat(),
        },
    )
    assert last_flash(response) == "De casus is gedeeld."
    assert omar.get(f"/casussen/{case.pk}/").status_code == 200
    read = AccessLog.objects.filter(username="omar", object_id=str(case.pk)).get()
    assert (read.action, read.purpose) == ("read", "shared_access")
    CaseUserObjectPermission.objects.filter(content_object=case).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert omar.get(f"/casussen/{case.pk}/").status_code == 404


def test_case_list_query_count_does_not_grow(client_for, file, user):
    noor_user = user("noor")
    client = client_for("noor")

    def queries(path):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    for number in (1, 2):
        case = services.accept_signal(noor_user, file("anna", house_number=number))
        services.assign_case(noor_user, case, noor_user)
    few = queries("/casussen/"), queries("/casussen/mijn/")
    for number in range(3, 18):
        case = services.accept_signal(noor_user, file("anna", house_number=number))
        services.assign_case(noor_user, case, noor_user)
    assert (queries("/casussen/"), queries("/casussen/mijn/")) == few
    assert "CAS-" in client.get("/casussen/mijn/").content.decode()


def test_case_page_query_count_does_not_grow_with_history(client_for, file, user):
    noor_user, client = user("noor"), client_for("noor")
    case = services.accept_signal(noor_user, file("anna", house_number=41))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/casussen/{case.pk}/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    sara = user("sara")
    now = timezone.now()
    for number in range(5):
        services.add_note(noor_user, case, f"Notitie {number}")
        services.accept_signal(noor_user, file("bram", house_number=41, description=f"S {number}"))
        services.record_outreach(noor_user, case, "phone", now, number % 2 == 0, "Gebeld")
        services.set_follow_up(noor_user, case, timezone.localdate() + timedelta(days=number))
        services.assign_case(noor_user, case, noor_user if number % 2 else None)
        services.set_confidential(noor_user, case, number % 2 == 0)
    services.record_help_response(noor_user, case, "accepted", now)
    services.share_case(noor_user, case, sara, "Overleg", timezone.localdate() + timedelta(days=7))
    assert queries() == few
    page = client.get(f"/casussen/{case.pk}/").content.decode()
    for shown in ("Contactpoging", "Vervolgdatum gezet", "Gedeeld", "Antwoord op hulpaanbod"):
        assert shown in page


def test_note_and_reroute_errors_keep_what_was_typed(client_for, file, user, demo):
    signal = file("anna", house_number=40)
    noor = client_for("noor")
    response = noor.post(
        f"/casussen/werkbak/{signal.pk}/doorzetten/", {"team": "", "reason": "Adres hoort bij Zuid"}
    )
    assert response.status_code == 200
    assert "Adres hoort bij Zuid" in response.content.decode()
    assert last_flash(response) == "Het signaal is niet doorgezet; verbeter de fouten."

    case = services.accept_signal(user("noor"), signal)
    typed = "Huisbezoek gepland met de buurtcoach. " * 140  # over the 5000 characters
    response = client_for("sara").post(f"/casussen/{case.pk}/notitie/", {"text": typed})
    assert response.status_code == 200
    assert typed.strip() in response.content.decode()
    assert last_flash(response) == "De notitie is niet opgeslagen; verbeter de fouten."
    assert not CaseEvent.objects.filter(case=case, kind="note").exists()
