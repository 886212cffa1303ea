"""The case page to work from: summary, one timeline, actions that open only the fields
they need, a read-only closed case, the share picker; and the triage view in one page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, CaseEventKind
from privacy import policy
from privacy.models import AccessLog

CLOSED = "Deze casus is afgesloten; heropen hem eerst."


@pytest.fixture
def open_case(file, user):
    """A case of Wijkteam Noord, in progress."""
    case = services.accept_signal(user("noor"), file("anna", house_number=51))
    return services.transition_case(user("noor"), case, "in_progress")


@pytest.fixture
def closed_case(open_case, user):
    services.set_follow_up(user("sara"), open_case, timezone.localdate() + timedelta(days=9))
    return services.transition_case(user("sara"), open_case, "closed", outcome="help_accepted")


def page(client, case, query=""):
    response = client.get(f"/casussen/{case.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_summary_header_first_then_signals_and_timeline(client_for, open_case, user):
    services.assign_case(user("noor"), open_case, user("sara"))
    services.set_confidential(user("noor"), open_case, True)
    html = page(client_for("noor"), open_case)
    header = html[html.index("<h1>") : html.index("signals-heading")]
    for text in ("status-in_progress", "Vertrouwelijk", "1012 AB 51", "Wijkteam Noord"):
        assert text in header
    assert "Sara El Amrani" in header
    # Signals and the one timeline come before the actions.
    assert html.index('id="signals-heading"') < html.index('id="history-heading"')
    assert html.index('id="history-heading"') < html.index('id="actions-heading"')
    assert 'href="#actions-heading"' in header  # a jump to the actions on a phone
    assert "Contactpogingen" not in html  # attempts are in the timeline, not a second list


def test_each_move_offers_only_the_fields_it_needs(client_for, open_case):
    html = page(client_for("sara"), open_case)
    pause = html[
        html.index('id="status-on_hold"') : html.index(
            "</details>", html.index('id="status-on_hold"')
        )
    ]
    close = html[
        html.index('id="status-closed"') : html.index(
            "</details>", html.index('id="status-closed"')
        )
    ]
    assert 'name="reason"' in pause and 'name="outcome"' not in pause
    assert 'name="outcome"' in close and 'name="reason"' not in close
    # Nothing opens by itself.
    assert " open>" not in html


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"to": "closed", "outcome": ""},
            "transition_closed_outcome",
            "Kies de uitkomst voor de melder.",
        ),
        ({"to": "on_hold", "reason": " "}, "transition_on_hold_reason", "Geef een reden op."),
    ],
)
def test_outcome_required_when_closing_reason_when_pausing(
    client_for, open_case, data, field, message
):
    response = client_for("sara").post(f"/casussen/{open_case.pk}/status/", data)
    html = response.content.decode()
    assert response.status_code == 200
    summary = html[html.index('class="error-summary"') : html.index("signals-heading")]
    assert f'<a href="#{field}">' in summary and message in summary
    assert f'id="{field}"' in html
    open_case.refresh_from_db()
    assert open_case.state == "in_progress"


def test_resuming_needs_no_reason(client_for, open_case, user):
    services.transition_case(user("sara"), open_case, "on_hold", reason="Bewoner op vakantie")
    html = page(client_for("sara"), open_case)
    assert (
        "<details"
        not in html[html.index("actions-heading") : html.index('name="to" value="in_progress"')]
    )
    response = client_for("sara").post(f"/casussen/{open_case.pk}/status/", {"to": "in_progress"})
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.state == "in_progress"


def test_refused_move_shows_the_real_message_at_the_top(client_for, open_case):
    response = client_for("sara").post(f"/casussen/{open_case.pk}/status/", {"to": "new"})
    html = response.content.decode()
    summary = html[html.index('class="error-summary"') : html.index("signals-heading")]
    assert "Kies een geldige keuze" in summary or "Selecteer een geldige keuze" in summary


def test_closed_case_is_read_only(client_for, closed_case):
    html = page(client_for("sara"), closed_case)
    assert "Deze casus is afgesloten en alleen nog te lezen." in html
    for action in ("notitie/", "vervolgdatum/", "contactpoging/", "hulpaanbod/", "status/"):
        assert f"/casussen/{closed_case.pk}/{action}" not in html
    assert "Vervolgdatum" not in html[: html.index("signals-heading")]  # no old follow-up date
    assert "Hulp geaccepteerd" in html


@pytest.mark.parametrize(
    "path, who, data",
    [
        ("notitie", "sara", {"text": "Nog iets"}),
        ("vervolgdatum", "sara", {"follow_up_date": "2099-01-01"}),
        ("toewijzen", "noor", {"assignee": ""}),
        ("vertrouwelijk", "noor", {"confidential": "on"}),
    ],
)
def test_closed_case_refuses_writes_with_a_clear_message(client_for, closed_case, path, who, data):
    events = CaseEvent.objects.filter(case=closed_case).count()
    response = client_for(who).post(f"/casussen/{closed_case.pk}/{path}/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert CLOSED in html[html.index('class="error-summary"') : html.index("signals-heading")]
    assert CaseEvent.objects.filter(case=closed_case).count() == events
    closed_case.refresh_from_db()
    assert (closed_case.confidential, closed_case.assignee_id) == (False, None)


def test_closed_case_reopened_by_a_triage_lead_within_the_period(client_for, closed_case, settings):
    assert "Heropenen" not in page(client_for("sara"), closed_case)
    html = page(client_for("noor"), closed_case)
    reopen = html[
        html.index('id="status-in_progress"') : html.index(
            "</details>", html.index('id="status-in_progress"')
        )
    ]
    assert 'name="reason"' in reopen and 'name="outcome"' not in reopen
    assert "/notitie/" not in html and "/toewijzen/" not in html
    response = client_for("noor").post(f"/casussen/{closed_case.pk}/status/", {"to": "in_progress"})
    assert "Geef een reden op." in response.content.decode()
    Case.objects.filter(pk=closed_case.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.CASE_REOPEN_DAYS + 1)
    )
    assert "Heropenen" not in page(client_for("noor"), closed_case)


def test_assign_and_confidential_are_separate_actions(client_for, open_case):
    html = page(client_for("noor"), open_case)
    assign = html[
        html.index('id="toewijzen"') : html.index("</details>", html.index('id="toewijzen"'))
    ]
    assert "confidential" not in assign
    assert 'id="vertrouwelijk"' in html and html.index('id="vertrouwelijk"') > html.index(
        "Wie de casus ziet"
    )


def test_share_picker_offers_only_whom_the_policy_allows(client_for, open_case, user, demo):
    html = page(client_for("noor"), open_case)
    picker = html[
        html.index('id="share_with_user"') : html.index(
            "</select>", html.index('id="share_with_user"')
        )
    ]
    offered = {u.username for u in policy.share_recipients(open_case)} - {"noor"}
    assert offered == {"sara", "omar"}
    for name in ("sara", "omar"):
        assert f'<option value="{user(name).pk}">' in picker
    for name in ("anna", "bram", "eva", "pim", "admin", "noor"):
        assert f'value="{user(name).pk}"' not in picker
        assert policy.can_receive_share(open_case, user(name)) == (name in ("sara", "omar", "noor"))


def test_forged_share_for_a_user_not_offered_is_refused(client_for, open_case, user):
    until = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client_for("noor").post(
        f"/casussen/{open_case.pk}/delen/",
        {"with_user": user("anna").pk, "reason": "Overleg", "until": until},
    )
    assert "Met deze gebruiker kunt u deze casus niet delen." in response.content.decode()
    assert client_for("anna").get(f"/casussen/{open_case.pk}/").status_code == 404


def test_share_shows_its_last_day(client_for, open_case, user):
    until = timezone.localdate() + timedelta(days=3)
    services.share_case(user("noor"), open_case, user("omar"), "Overleg", until)
    html = page(client_for("noor"), open_case)
    shares = html[html.index("Gedeeld met</caption>") :]
    assert until.strftime("%d-%m-%Y") in shares
    picker = html[
        html.index('id="share_with_user"') : html.index(
            "</select>", html.index('id="share_with_user"')
        )
    ]
    assert f'value="{user("omar").pk}"' not in picker  # already shared


def test_event_without_actor_is_shown_as_system(client_for, open_case):
    CaseEvent.objects.create(
        case=open_case, kind=CaseEventKind.NOTE, text="Automatisch", actor=None
    )
    html = page(client_for("sara"), open_case)
    assert "systeem" in html and "Automatisch" in html


def test_timeline_newest_first_and_query_count_constant(client_for, open_case, user):
    client = client_for("sara")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page(client, open_case)
        return len(ctx.captured_queries)

    services.add_note(user("sara"), open_case, "Eerste notitie")
    few = queries()
    for n in range(12):
        services.add_note(user("sara"), open_case, f"Notitie {n}")
    services.assign_case(user("noor"), open_case, user("sara"))
    services.set_follow_up(user("sara"), open_case, timezone.localdate() + timedelta(days=2))
    assert queries() == few
    html = page(client, open_case)
    assert html.index("Notitie 11") < html.index("Notitie 0") < html.index("Eerste notitie")


def test_long_timeline_pages_newest_first(client_for, open_case, user):
    """A case with more events than a page shows the newest page, links to older ones,
    and every page takes the same queries."""
    from cases import selectors

    size = selectors.TIMELINE_PAGE_SIZE
    client = client_for("sara")
    earlier = CaseEvent.objects.filter(case=open_case).count()
    for n in range(size + 3):
        CaseEvent.objects.create(
            case=open_case,
            kind=CaseEventKind.NOTE,
            text=f"Notitie nummer {n:03d}",
            actor=user("sara"),
            at=timezone.now() + timedelta(minutes=n),
        )
    total = earlier + size + 3
    first = page(client, open_case)
    shown = [n for n in range(size + 3) if f"Notitie nummer {n:03d}" in first]
    assert shown == list(range(3, size + 3))  # the newest page
    assert "?tijdlijn=2#history-heading" in first and "?tijdlijn=1" not in first
    with CaptureQueriesContext(connection) as ctx:
        second = page(client, open_case, "?tijdlijn=2")
    assert [n for n in range(size + 3) if f"Notitie nummer {n:03d}" in second] == [0, 1, 2]
    assert second.count('<li class="timeline-') == total - size
    assert "?tijdlijn=1#history-heading" in second and "?tijdlijn=3" not in second
    with CaptureQueriesContext(connection) as first_ctx:
        page(client, open_case)
    assert len(ctx.captured_queries) == len(first_ctx.captured_queries)
    # A page past the end or a nonsense number shows the newest page.
    for query in ("?tijdlijn=99", "?tijdlijn=x", "?tijdlijn=0"):
        assert "Notitie nummer 052" in page(client, open_case, query)


# --- triage in one view --------------------------------------------------------------


def test_triage_shows_other_partners_signals_and_three_decisions(client_for, file):
    earlier = file("bram", house_number=61, description="Stadswonen ziet achterstand.")
    signal = file("anna", house_number=61)
    html = client_for("noor").get(f"/casussen/werkbak/{signal.pk}/").content.decode()
    others = html[html.index("others-heading") : html.index("decisions-heading")]
    assert earlier.reference in others and "Stadswonen" in others
    assert "Meervoudig" in html
    for anchor in ("oppakken", "niet-oppakken", "doorzetten"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    row = AccessLog.objects.filter(username="noor", action="list", object_type="signal").get()
    assert str(earlier.pk) in row.object_ids


def test_triage_without_other_signals_says_so(client_for, file):
    signal = file("anna", house_number=62)
    html = client_for("noor").get(f"/casussen/werkbak/{signal.pk}/").content.decode()
    assert "Geen andere signalen over dit huishouden" in html


def test_triage_error_summary_at_the_top(client_for, file):
    signal = file("anna", house_number=63)
    response = client_for("noor").post(
        f"/casussen/werkbak/{signal.pk}/afwijzen/", {"reason_category": "", "reason": ""}
    )
    html = response.content.decode()
    summary = html[html.index('class="error-summary"') : html.index("signal-heading")]
    assert (
        '<a href="#decline_reason">' in summary and '<a href="#decline_reason_category">' in summary
    )
