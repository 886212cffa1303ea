"""The e-mail outbox: a broker outage or a lost worker delays reminder e-mail but never
loses it, and a duplicate carries the same Message-ID."""

from datetime import date, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from notifications import delivery
from notifications.delivery import deliver_reminder_email
from notifications.models import Reminder
from notifications.tasks import requeue_reminder_emails, send_reminder_emails, sweep_and_queue

from .conftest import moment

ROUND = "2026-12-02T09:00"


def broker_down():
    return mock.patch.object(
        send_reminder_emails, "apply_async", side_effect=OperationalError("Connection refused")
    )


def age_outbox(minutes: int = 5) -> None:
    """Let the pending e-mails' turn lie `minutes` behind, as if time passed."""
    Reminder.objects.update(email_next_try_at=timezone.now() - timedelta(minutes=minutes))


def test_round_with_the_broker_down_claims_and_keeps_the_emails_pending(make_signal):
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        counts = sweep_and_queue(moment(ROUND))
    assert sum(counts.values()) == 2  # overdue (noor) + escalation (eva): in-app at once
    assert mail.outbox == []
    assert delivery.pending_emails().count() == 2
    # The broker is back: the next round sends what the outbox held, once.
    age_outbox()
    assert sum(sweep_and_queue(moment(ROUND)).values()) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["eva@demostad.example", "noor@demostad.example"]
    assert delivery.pending_emails().count() == 0


def test_command_with_the_broker_down_does_not_fail(make_signal):
    make_signal(triage=date(2026, 12, 1))
    out = StringIO()
    with broker_down():
        call_command("send_reminders", "--now", ROUND, stdout=out)
    assert out.getvalue().splitlines()[-1] == "totaal: 2"
    assert delivery.pending_emails().count() == 2


def test_periodic_task_requeues_only_emails_whose_turn_passed(make_signal):
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    # Just claimed: a queue message may still be on its way, nothing is queued twice.
    assert requeue_reminder_emails.apply().result == 0
    age_outbox()
    assert requeue_reminder_emails.apply().result == 2
    assert len(mail.outbox) == 2
    age_outbox()
    assert requeue_reminder_emails.apply().result == 0  # sent: nothing pending


def test_outbox_gives_up_on_week_old_emails(make_signal):
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    Reminder.objects.update(created_at=timezone.now() - timedelta(days=8))
    age_outbox()
    assert requeue_reminder_emails.apply().result == 0
    assert delivery.given_up().count() == 2


def test_a_worker_sending_holds_a_lease_so_a_duplicate_task_skips(make_signal):
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    reminder = Reminder.objects.order_by("pk").first()
    Reminder.objects.filter(pk=reminder.pk).update(
        email_lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert deliver_reminder_email(reminder.pk) is False
    assert mail.outbox == []
    # A worker that died while sending leaves a lease that runs out: then it is sent.
    Reminder.objects.filter(pk=reminder.pk).update(
        email_lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert deliver_reminder_email(reminder.pk) is True
    assert len(mail.outbox) == 1


def test_crash_after_the_server_accepted_resends_with_the_same_message_id(make_signal):
    """At least once: a worker that dies between the mail server's acceptance and the
    database write sends again; the duplicate is recognisable by its Message-ID."""
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    reminder = Reminder.objects.order_by("pk").first()
    real_update = type(Reminder.objects.all()).update

    def die_when_marking_sent(queryset, **values):
        if "email_sent_at" in values:
            raise SystemExit("worker killed")
        return real_update(queryset, **values)

    with (
        mock.patch.object(type(Reminder.objects.all()), "update", die_when_marking_sent),
        pytest.raises(SystemExit),
    ):
        deliver_reminder_email(reminder.pk)
    assert len(mail.outbox) == 1
    Reminder.objects.filter(pk=reminder.pk).update(email_lease_until=None)
    assert deliver_reminder_email(reminder.pk) is True
    assert len(mail.outbox) == 2
    ids = {message.extra_headers["Message-ID"] for message in mail.outbox}
    assert ids == {f"<herinnering-{reminder.pk}@127.0.0.1>"}
    assert deliver_reminder_email(reminder.pk) is False  # sent now: never a third


def test_outbox_task_is_scheduled_by_the_migration(db):
    task = PeriodicTask.objects.get(task="cases.tasks.requeue_reminder_emails")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (2, "minutes")


def test_pending_work_command_lists_and_requeues(make_signal):
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    age_outbox()
    out = StringIO()
    call_command("pending_work", stdout=out)
    assert "E-mails te laat (wachten op opnieuw aanbieden): 2" in out.getvalue()
    assert mail.outbox == []
    out = StringIO()
    call_command("pending_work", "--requeue", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Opnieuw in de wachtrij: 2 e-mails, 0 imports"
    assert len(mail.outbox) == 2


def test_health_details_show_the_broker_and_waiting_work(client, make_signal):
    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    age_outbox()
    response = client.get("/healthz/details")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "emails_waiting": 2,
        "emails_given_up": 0,
        "imports_waiting": 0,
    }
    with mock.patch("wijkportaal.views.broker_available", return_value=False):
        down = client.get("/healthz/details")
    assert down.status_code == 503
    assert (down.json()["status"], down.json()["broker"]) == ("degraded", "unavailable")


def test_failed_email_in_a_batch_waits_in_the_outbox_when_the_retry_cannot_be_queued(
    make_signal, settings
):
    from notifications.tasks import send_reminder_email

    make_signal(triage=date(2026, 12, 1))
    with broker_down():
        sweep_and_queue(moment(ROUND))
    ids = sorted(delivery.pending_emails().values_list("pk", flat=True))
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.FailingBackend"
    with mock.patch.object(
        send_reminder_email, "apply_async", side_effect=OperationalError("Connection refused")
    ):
        assert send_reminder_emails.apply(args=[ids]).result == 0
    # Both stay pending, their turn one back-off step ahead; the outbox picks them up then.
    assert delivery.pending_emails().count() == 2
    assert not delivery.due_for_requeue().exists()
    assert delivery.due_for_requeue(timezone.now() + timedelta(minutes=5)).count() == 2
