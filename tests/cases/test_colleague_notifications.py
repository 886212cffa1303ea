"""Colleagues of the filing organisation hear that a signal was accepted, declined or
closed only when they switched that on (the filer always does): each event once, also
for a colleague who is the filer, and with the filer's text (no address, no story)."""

import pytest
from django.contrib.auth import get_user_model

from cases import services
from notifications.models import NotificationPreference, Reminder, ReminderKind
from notifications.selectors import email_preferences
from notifications.services import save_email_preferences
from partners.choices import Role
from partners.services import add_membership

COLLEAGUE = ReminderKind.COLLEAGUE_SIGNAL


@pytest.fixture
def colleague(demo):
    """Lotte, a second member of anna's corporation, with an e-mail address."""
    lotte = get_user_model().objects.create_user(
        "lotte", email="lotte@delinde.example", first_name="Lotte"
    )
    add_membership(lotte, demo["organisations"]["Woonstichting De Linde"], Role.CORPORATION_STAFF)
    return lotte


def told(user, kind=COLLEAGUE):
    return list(Reminder.objects.filter(recipient=user, kind=kind).order_by("pk"))


def test_colleagues_hear_nothing_by_default(colleague, file, user):
    assert email_preferences(colleague)[COLLEAGUE] is False
    assert email_preferences(user("anna"))[ReminderKind.SIGNAL_ACCEPTED] is True
    signal = file("anna", house_number=71)
    services.accept_signal(user("noor"), signal)
    assert told(colleague) == []
    assert len(told(user("anna"), ReminderKind.SIGNAL_ACCEPTED)) == 1


def test_colleague_who_switched_it_on_hears_each_event_once(colleague, file, user):
    save_email_preferences(colleague, [COLLEAGUE])
    save_email_preferences(user("bram"), [COLLEAGUE])  # another corporation: never told
    accepted, declined = file("anna", house_number=72), file("anna", house_number=73)
    case = services.accept_signal(user("noor"), accepted)
    services.decline_signal(user("noor"), declined, "Geen zorgvraag", "no_support_needed")
    services.transition_case(user("noor"), case, "in_progress")
    services.transition_case(user("noor"), case, "closed", outcome="help_accepted")
    notes = told(colleague)
    assert [n.subject for n in notes] == [
        f"Signaal {accepted.reference} is opgepakt",
        f"Signaal {declined.reference} is niet opgepakt",
        f"Signaal {accepted.reference} is afgerond",
    ]
    assert all(n.email_wanted and n.link.startswith("/signalen/") for n in notes)
    for note in notes:
        assert "1012" not in note.subject + note.body and "Geluidsoverlast" not in note.body
    assert told(user("bram")) == []
    # A retried event does not tell anyone twice.
    from cases import events

    events.signal_accepted(accepted)
    assert len(told(colleague)) == 3


def test_the_filer_is_told_as_filer_only(colleague, file, user):
    save_email_preferences(user("anna"), [COLLEAGUE, ReminderKind.SIGNAL_ACCEPTED])
    save_email_preferences(colleague, [COLLEAGUE])
    signal = file("anna", house_number=74)
    services.accept_signal(user("noor"), signal)
    assert told(user("anna")) == []
    assert len(told(user("anna"), ReminderKind.SIGNAL_ACCEPTED)) == 1
    assert len(told(colleague)) == 1


def test_switched_off_again_means_no_notification(colleague, file, user):
    save_email_preferences(colleague, [COLLEAGUE])
    save_email_preferences(colleague, [])
    assert NotificationPreference.objects.get(user=colleague, kind=COLLEAGUE).email is False
    services.accept_signal(user("noor"), file("anna", house_number=75))
    assert told(colleague) == []


def test_colleague_may_open_the_linked_signal(colleague, client_for, file, user):
    save_email_preferences(colleague, [COLLEAGUE])
    services.accept_signal(user("noor"), file("anna", house_number=76))
    [note] = told(colleague)
    client = client_for("anonymous")
    client.force_login(colleague)
    assert client.get(note.link).status_code == 200


def test_preferences_page_offers_the_colleague_kind_unticked(colleague, client_for):
    client = client_for("anonymous")
    client.force_login(colleague)
    html = client.get("/meldingen/voorkeuren/").content.decode()
    at = html.index('value="colleague_signal"')
    box = html[html.rindex("<input", 0, at) : html.index(">", at)]
    assert "checked" not in box
    assert "Signalen van collega" in html
