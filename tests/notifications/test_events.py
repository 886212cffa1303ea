"""Notifications for events: assignment, the filer's feedback, a share. Once only, per
preference, written with the event, nothing personal in e-mails, and the same for a
signal that opened a case and one merged into an existing case."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cases import services
from notifications import events
from notifications.delivery import deliver_reminder_email
from notifications.models import NotificationPreference, Reminder, ReminderKind
from signals.services import file_signal

ADDRESS_AND_STORY = {
    "kind": "nuisance",
    "postcode": "1012 AB",
    "urgency": "normal",
    "description": "Geluidsoverlast en zorgen over de bewoner.",
    "resident_informed": True,
}


@pytest.fixture
def file(user):
    def make(username="anna", house_number=1):
        return file_signal(user(username), {**ADDRESS_AND_STORY, "house_number": house_number})

    return make


def notes(username, kind):
    return list(Reminder.objects.filter(recipient__username=username, kind=kind))


def sent_email(reminder):
    before = len(mail.outbox)
    assert deliver_reminder_email(reminder.pk)
    assert len(mail.outbox) == before + 1
    return mail.outbox[-1]


def assert_nothing_personal(message, signal):
    text = message.subject + message.body + message.alternatives[0][0]
    assert "Geluidsoverlast" not in text
    assert "1012" not in text and "1012 AB" not in text
    assert signal.reference in text or "CAS-" in text
    assert "/signalen/" in text or "/casussen/" in text


def test_filer_hears_once_of_accept_and_the_email_holds_no_address(file, user):
    signal = file("anna", 21)
    services.accept_signal(user("noor"), signal)
    [note] = notes("anna", ReminderKind.SIGNAL_ACCEPTED)
    assert note.link == f"/signalen/{signal.pk}/"
    assert note.email_wanted
    assert_nothing_personal(sent_email(note), signal)
    assert not deliver_reminder_email(note.pk)  # sent once, not again


def test_merged_and_new_signal_notify_the_filer_identically(file, user):
    noor = user("noor")
    services.accept_signal(noor, file("anna", 22))
    merged, fresh = file("anna", 22), file("anna", 23)
    services.accept_signal(noor, merged)
    services.accept_signal(noor, fresh)

    def shape(signal):
        note = Reminder.objects.get(object_id=str(signal.pk), kind=ReminderKind.SIGNAL_ACCEPTED)
        return (
            note.subject.replace(signal.reference, "REF"),
            note.body.replace(signal.reference, "REF"),
            note.link.replace(str(signal.pk), "ID"),
            note.email_wanted,
        )

    assert shape(merged) == shape(fresh)
    assert len(notes("anna", ReminderKind.SIGNAL_ACCEPTED)) == 3


def test_decline_notifies_the_filer_without_the_reason_in_the_email(file, user):
    signal = file("anna", 24)
    reason = "Bewoner is al bekend bij ons"
    services.decline_signal(user("noor"), signal, reason, "no_support_needed")
    [note] = notes("anna", ReminderKind.SIGNAL_DECLINED)
    message = sent_email(note)
    assert "al bekend" not in message.body
    assert_nothing_personal(message, signal)


def test_closing_notifies_each_filer_once_even_after_reopen_and_close(file, user):
    noor, sara = user("noor"), user("sara")
    first, second = file("anna", 25), file("bram", 25)
    case = services.accept_signal(noor, first)
    services.accept_signal(noor, second)
    services.transition_case(sara, case, "in_progress")
    services.transition_case(sara, case, "closed", outcome="help_accepted")
    assert len(notes("anna", ReminderKind.SIGNAL_CLOSED)) == 1
    assert len(notes("bram", ReminderKind.SIGNAL_CLOSED)) == 1
    message = sent_email(notes("anna", ReminderKind.SIGNAL_CLOSED)[0])
    assert_nothing_personal(message, first)

    services.transition_case(noor, case, "in_progress", reason="Toch nog nodig")
    services.transition_case(sara, case, "closed", outcome="help_accepted")
    assert len(notes("anna", ReminderKind.SIGNAL_CLOSED)) == 1


def test_assignee_is_told_once_and_self_assignment_is_silent(file, user):
    noor, sara = user("noor"), user("sara")
    case = services.accept_signal(noor, file("anna", 26))
    services.assign_case(noor, case, sara)
    services.assign_case(noor, case, sara)  # saved again: no second notification
    [note] = notes("sara", ReminderKind.CASE_ASSIGNED)
    assert note.link == f"/casussen/{case.pk}/"
    message = sent_email(note)
    assert case.reference in message.subject
    assert "1012" not in message.body and "Geluidsoverlast" not in message.body
    services.assign_case(noor, case, noor)
    assert notes("noor", ReminderKind.CASE_ASSIGNED) == []


def test_email_preference_per_kind_keeps_the_in_app_notification(file, user):
    sara = user("sara")
    NotificationPreference.objects.create(user=sara, kind=ReminderKind.CASE_ASSIGNED, email=False)
    case = services.accept_signal(user("noor"), file("anna", 27))
    services.assign_case(user("noor"), case, sara)
    [note] = notes("sara", ReminderKind.CASE_ASSIGNED)
    assert not note.email_wanted
    assert not deliver_reminder_email(note.pk)


def test_share_notifies_the_person_shared_with(file, user):
    from django.utils import timezone

    noor = user("noor")
    case = services.accept_signal(noor, file("anna", 28))
    services.share_case(noor, case, user("omar"), "Overleg", timezone.localdate())
    [note] = notes("omar", ReminderKind.CASE_SHARED)
    message = sent_email(note)
    assert "Overleg" not in message.body  # the reason stays in the portal
    assert case.reference in message.subject


def test_a_refused_event_notifies_nobody(file, user):
    case = services.accept_signal(user("noor"), file("anna", 29))
    with pytest.raises(ValidationError):
        services.assign_case(user("noor"), case, user("anna"))
    assert not Reminder.objects.filter(kind=ReminderKind.CASE_ASSIGNED).exists()


def test_emails_are_queued_only_after_the_event_commits(
    file, user, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("notifications.tasks.queue_emails", lambda claimed: queued.append(claimed))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.accept_signal(user("noor"), file("anna", 30))
    assert queued == []
    for callback in callbacks:
        callback()
    [note] = notes("anna", ReminderKind.SIGNAL_ACCEPTED)
    assert any(note.pk in ids for claimed in queued for ids in claimed.values())


def test_event_functions_skip_a_missing_recipient(file, user):
    case = services.accept_signal(user("noor"), file("anna", 31))
    assert events.case_assigned(case, None) == []
