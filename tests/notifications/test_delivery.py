"""Sent once under concurrency, e-mail failures retried and recorded, the command, the
beat schedule."""

import threading
from datetime import date
from io import StringIO
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connections
from django_celery_beat.models import PeriodicTask

from notifications.models import Reminder, ReminderKind
from notifications.sweeps import run_all_sweeps
from notifications.tasks import (
    EMAIL_MAX_RETRIES,
    email_backoff,
    send_reminder_email,
    send_reminder_emails,
)

from .conftest import moment


class FailingBackend(LocmemBackend):
    """An SMTP server that is down: every send fails."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Verbinding met de mailserver verbroken")


class FlakyBackend(LocmemBackend):
    """Fails the first attempt, delivers after that."""

    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts == 1:
            raise SMTPServerDisconnected("Tijdelijk niet bereikbaar")
        return super().send_messages(messages)


@pytest.fixture
def overdue_reminder(make_signal):
    make_signal(triage=date(2026, 12, 1))
    ids = run_all_sweeps(moment("2026-12-02T09:00"))[ReminderKind.TRIAGE_OVERDUE]
    return Reminder.objects.get(pk=ids[0])


def test_failing_email_is_retried_with_back_off_and_recorded(overdue_reminder, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FailingBackend"
    result = send_reminder_email.apply(args=[overdue_reminder.pk])
    assert result.failed()
    overdue_reminder.refresh_from_db()
    assert overdue_reminder.email_attempts == EMAIL_MAX_RETRIES + 1
    assert "SMTPServerDisconnected" in overdue_reminder.email_error
    assert overdue_reminder.email_sent_at is None
    assert mail.outbox == []
    # The notification itself exists regardless of the e-mail.
    assert overdue_reminder.read_at is None
    # Every countdown stays below the broker's visibility timeout (20 minutes).
    assert [email_backoff(n) for n in range(7)] == [60, 120, 240, 480, 600, 600, 600]


def test_email_that_fails_once_is_sent_once(overdue_reminder, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FlakyBackend"
    FlakyBackend.attempts = 0
    assert send_reminder_email.apply(args=[overdue_reminder.pk]).successful()
    overdue_reminder.refresh_from_db()
    assert overdue_reminder.email_attempts == 2
    assert overdue_reminder.email_error == ""
    assert overdue_reminder.email_sent_at is not None
    assert len(mail.outbox) == 1
    # A duplicated delivery of the task sends nothing more.
    send_reminder_email.apply(args=[overdue_reminder.pk])
    assert len(mail.outbox) == 1


def test_task_for_a_missing_reminder_is_a_no_op(db):
    assert send_reminder_email.apply(args=[987654]).result is False


def test_command_prints_counts_and_second_run_sends_nothing(make_signal):
    make_signal(triage=date(2026, 12, 1))
    make_signal(triage=date(2026, 12, 2), team="Wijkteam Zuid")
    out = StringIO()
    call_command("send_reminders", "--now", "2026-12-01T09:00", stdout=out)
    lines = out.getvalue().splitlines()
    assert "triage_due_soon (Triagetermijn verloopt morgen): 1" in lines
    assert "triage_overdue (Triagetermijn verstreken): 0" in lines
    assert lines[-1] == "totaal: 1"
    assert len(mail.outbox) == 1
    again = StringIO()
    call_command("send_reminders", "--now", "2026-12-01T09:00", stdout=again)
    assert again.getvalue().splitlines()[-1] == "totaal: 0"
    assert len(mail.outbox) == 1


def test_command_rejects_a_bad_moment(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ongeldig moment"):
        call_command("send_reminders", "--now", "morgen")


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_once(make_signal):
    make_signal(triage=date(2026, 12, 1))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(run_all_sweeps(moment("2026-12-02T09:00")))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    claimed = [pk for result in results for pks in result.values() for pk in pks]
    assert len(claimed) == 2  # one overdue (noor) + one escalation (eva), across both runs
    assert Reminder.objects.count() == 2
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == [
        ReminderKind.TRIAGE_ESCALATION,
        ReminderKind.TRIAGE_OVERDUE,
    ]


def test_beat_schedule_is_created_by_the_migration(db):
    task = PeriodicTask.objects.get(name="Herinneringen versturen (elk kwartier)")
    assert task.task == "cases.tasks.run_reminder_sweeps"
    assert task.enabled
    assert task.crontab.minute == "*/15"
    assert str(task.crontab.timezone) == "Europe/Amsterdam"
    retention = PeriodicTask.objects.get(task="privacy.tasks.apply_retention")
    assert retention.name == "Bewaartermijnen toepassen"
    assert retention.enabled


def test_batch_sends_each_email_once_and_hands_a_failure_to_the_retrying_task(
    make_signal, settings
):
    make_signal(triage=date(2026, 12, 1))
    make_signal(triage=date(2026, 12, 1), team="Wijkteam Zuid")
    ids = sorted(run_all_sweeps(moment("2026-12-02T09:00"))[ReminderKind.TRIAGE_OVERDUE])
    assert len(ids) == 2
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FlakyBackend"
    FlakyBackend.attempts = 0
    # The first e-mail fails once and is retried on its own; the second goes out at once.
    assert send_reminder_emails.apply(args=[ids]).result == 1
    reminders = Reminder.objects.filter(pk__in=ids).order_by("pk")
    assert [r.email_attempts for r in reminders] == [2, 1]
    assert all(r.email_sent_at is not None for r in reminders)
    assert len(mail.outbox) == 2
    # The same batch delivered again sends nothing more.
    assert send_reminder_emails.apply(args=[ids]).result == 0
    assert len(mail.outbox) == 2
