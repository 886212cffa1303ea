"""A real Celery worker (in a thread of this process, so it uses the test database)
consumes the sweep task from a real broker: Redis and the filesystem broker of `make run`."""

import time
from datetime import date

import pytest
from django.core import mail

from notifications.models import Reminder, ReminderKind
from notifications.tasks import run_reminder_sweeps
from tests.celery_worker import running_worker, wait_for


@pytest.fixture(params=["redis", "filesystem"])
def worker(request, tmp_path, transactional_db, demo):
    with running_worker(request.param, tmp_path) as started:
        yield started


def test_worker_runs_the_sweep_once_and_sends_the_emails(worker, make_signal):
    signal = make_signal(triage=date(2026, 12, 1))
    # The periodic task delivered twice (a duplicate or a redelivery after a lost worker).
    run_reminder_sweeps.delay("2026-12-02T09:00")
    run_reminder_sweeps.delay("2026-12-02T09:00")
    assert wait_for(lambda: len(mail.outbox) >= 2), "the worker sent no e-mail"
    assert wait_for(lambda: not Reminder.objects.filter(email_sent_at__isnull=True).exists())
    time.sleep(1)  # give a duplicate every chance to show up
    reminders = Reminder.objects.filter(object_id=str(signal.pk))
    assert sorted(reminders.values_list("kind", "recipient__username")) == [
        (ReminderKind.TRIAGE_ESCALATION, "eva"),
        (ReminderKind.TRIAGE_OVERDUE, "noor"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eva@demostad.example",
        "noor@demostad.example",
    ]
    assert all(r.email_attempts == 1 for r in reminders)
