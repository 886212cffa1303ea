"""The notification list, header count, mark read, preferences and the API: every user
sees only their own notifications."""

from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.context_processors import unread_notifications
from notifications.models import OPT_IN_KINDS, NotificationPreference, Reminder, ReminderKind
from notifications.selectors import inbox
from privacy.models import AccessLog


@pytest.fixture
def notify(user):
    def make(username: str, n: int = 1, read: bool = False) -> list[Reminder]:
        start = Reminder.objects.count()
        return [
            Reminder.objects.create(
                kind=ReminderKind.FOLLOW_UP_DUE,
                object_type="case",
                object_id=f"case-{start + i}",
                due=date(2026, 12, 1),
                recipient=user(username),
                subject=f"Vervolgdatum bereikt: CAS-{username}-{start + i}",
                link="/casussen/",
                read_at="2026-12-01T10:00+01:00" if read else None,
            )
            for i in range(n)
        ]

    return make


def test_header_shows_unread_count_with_accessible_text(client_for, notify):
    notify("sara", 3)
    notify("sara", 1, read=True)
    notify("noor", 5)
    html = client_for("sara").get("/").content.decode()
    assert 'Meldingen <span aria-hidden="true">(3)</span>' in html
    assert "3 ongelezen meldingen" in html


def test_list_shows_own_notifications_unread_first(client_for, notify):
    old_read = notify("sara", 1, read=True)[0]
    unread = notify("sara", 2)
    other = notify("noor", 1)[0]
    response = client_for("sara").get("/meldingen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert other.subject not in html
    positions = [html.index(r.subject) for r in [*reversed(unread), old_read]]
    assert positions == sorted(positions)
    log = AccessLog.objects.filter(object_type="reminder").latest("at")
    assert sorted(log.object_ids) == sorted(str(r.pk) for r in [*unread, old_read])


def test_read_notifications_follow_the_unread_ones_newest_first(user, notify):
    """Within the read ones the newest comes first, whenever each was read."""
    older, newer = notify("sara", 2, read=True)
    Reminder.objects.filter(pk=older.pk).update(read_at="2026-12-01T09:00+01:00")
    Reminder.objects.filter(pk=newer.pk).update(read_at="2026-12-01T12:00+01:00")
    Reminder.objects.filter(pk=older.pk).update(created_at="2026-11-30T10:00+01:00")
    unread = notify("sara", 1)[0]
    assert list(inbox(user("sara"))) == [unread, newer, older]


def test_list_query_count_does_not_grow(client_for, notify, django_assert_max_num_queries):
    client = client_for("sara")
    notify("sara", 2)
    with django_assert_max_num_queries(16) as few:
        client.get("/meldingen/")
    notify("sara", 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/meldingen/")


def test_list_rows_show_kind_date_state_and_their_actions(client_for, notify):
    unread = notify("sara", 1)[0]
    read = notify("sara", 1, read=True)[0]
    Reminder.objects.filter(pk=read.pk).update(link="")
    html = client_for("sara").get("/meldingen/?page=1").content.decode()
    rows = [row.split("</tr>")[0] for row in html.split("<tr>")[2:]]
    unread_row, read_row = (next(r for r in rows if x.subject in r) for x in (unread, read))
    day = timezone.localtime(unread.created_at).strftime("%d-%m-%Y")
    assert f"<strong>{unread.subject}</strong>" in unread_row
    assert f"<td>Vervolgdatum bereikt</td>\n      <td>{day}</td>" in unread_row
    assert '<span class="badge">Ongelezen</span>' in unread_row
    assert f'action="/meldingen/{unread.pk}/openen/"' in unread_row
    assert f'action="/meldingen/{unread.pk}/gelezen/"' in unread_row
    assert '<input type="hidden" name="next" value="/meldingen/?page=1">' in unread_row
    assert "<td>Gelezen</td>" in read_row and "<strong>" not in read_row
    assert "<form" not in read_row  # no link to open, nothing left to mark


def test_mark_read_and_mark_all_read(client_for, notify):
    first, *_others = notify("sara", 3)
    client = client_for("sara")
    response = client.post(f"/meldingen/{first.pk}/gelezen/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post("/meldingen/alles-gelezen/")
    assert response.status_code == 302
    assert not Reminder.objects.filter(recipient__username="sara", read_at__isnull=True).exists()


def test_open_marks_read_and_follows_the_link(client_for, notify):
    reminder = notify("sara")[0]
    response = client_for("sara").post(f"/meldingen/{reminder.pk}/openen/")
    assert response.status_code == 302
    assert response["Location"] == "/casussen/"
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_someone_elses_notification_is_not_found(client_for, notify):
    other = notify("noor")[0]
    client = client_for("sara")
    assert client.post(f"/meldingen/{other.pk}/gelezen/").status_code == 404
    assert client.post(f"/meldingen/{other.pk}/openen/").status_code == 404
    assert client.post("/meldingen/999999/gelezen/").status_code == 404
    client.post("/meldingen/alles-gelezen/")
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_switch_email_per_kind(client_for, user):
    client = client_for("eva")
    page = client.get("/meldingen/voorkeuren/").content.decode()
    assert "Escalatie: triage te laat" in page
    # E-mail on by default, apart from the kinds one must switch on first.
    assert page.count("checked") == len(ReminderKind.values) - len(OPT_IN_KINDS)
    kept = [k for k in ReminderKind.values if k != ReminderKind.TRIAGE_ESCALATION]
    response = client.post("/meldingen/voorkeuren/", {"email_kinds": kept})
    assert response.status_code == 302
    prefs = dict(
        NotificationPreference.objects.filter(user=user("eva")).values_list("kind", "email")
    )
    assert prefs[ReminderKind.TRIAGE_ESCALATION] is False
    assert prefs[ReminderKind.AGREEMENT_REVIEW] is True


def test_preferences_reject_an_unknown_kind(client_for):
    response = client_for("eva").post("/meldingen/voorkeuren/", {"email_kinds": ["onzin"]})
    assert response.status_code == 200
    assert "onzin is geen beschikbare keuze" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_api_lists_own_notifications_unread_first(api_for, notify, django_assert_max_num_queries):
    read = notify("noor", 1, read=True)[0]
    unread = notify("noor", 2)
    notify("sara", 3)
    api = api_for("noor")
    response = api.get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert set(body) == {"count", "next", "previous", "results"}
    assert [r["id"] for r in body["results"]] == [unread[1].pk, unread[0].pk, read.pk]
    assert body["results"][0]["read"] is False
    assert [r["kind_display"] for r in body["results"]] == [
        reminder.get_kind_display() for reminder in (unread[1], unread[0], read)
    ]
    notify("noor", 30)
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/notifications/").json()["count"] == 33


def test_api_mark_read_own_only(api_for, notify):
    own = notify("noor")[0]
    other = notify("sara")[0]
    api = api_for("noor")
    response = api.post(f"/api/v1/notifications/{own.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert api.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    notify("noor", 2)
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    other.refresh_from_db()
    assert other.read_at is None


def test_list_page_counts_all_and_unread_in_one_query(client_for, notify):
    notify("sara", 3)
    notify("sara", 2, read=True)
    client = client_for("sara")
    client.get("/")  # the session is loaded and renewed once, outside the count below
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/meldingen/").content.decode()
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "cases_reminder" in q["sql"]]
    assert len(counts) == 1
    assert "5 meldingen" in html and "3 ongelezen" in html
    assert 'Meldingen <span aria-hidden="true">(3)</span>' in html


def test_header_count_is_asked_once_and_only_when_shown(user, notify):
    notify("sara", 2)
    request = RequestFactory().get("/")
    request.user = user("sara")
    count = unread_notifications(request)["unread_notifications"]
    with CaptureQueriesContext(connection) as queries:
        assert Template("").render(Context({"n": count})) == ""
    assert len(queries) == 0  # a page without the header asks nothing
    template = Template(
        "{% load i18n %}{% if n %}{{ n }} {% blocktranslate count c=n %}{{ c }} x{% plural %}"
        "{{ c }} y{% endblocktranslate %}{% endif %}"
    )
    with CaptureQueriesContext(connection) as queries:
        assert template.render(Context({"n": count})) == "2 2 y"
    assert len(queries) == 1
