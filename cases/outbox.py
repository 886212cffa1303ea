"""The reminder e-mail outbox: a claimed reminder whose e-mail is wanted stays pending in
the database until it is sent, whatever happens to the broker or the workers.

A round queues the e-mails of the reminders it claimed. When that fails (broker down) or
the message is lost (worker killed mid-batch), the row is still pending: every round and a
short periodic task queue again each pending e-mail whose turn (`email_next_try_at`) lies
more than `REQUEUE_AFTER` behind. Sending is idempotent (`deliver_reminder_email` takes a
lease and skips what was sent), so a message queued twice sends once. Guarantee: the
in-app notification exactly once (the claimed row), the e-mail at least once."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Reminder

# A queued e-mail is normally sent within seconds; one still pending after this was lost.
REQUEUE_AFTER = timedelta(minutes=3)
# An e-mail about a deadline a week ago is noise: older pending ones are given up (they
# stay visible as unsent in the admin and in `pending_work`).
MAX_AGE = timedelta(days=7)
# One first attempt plus the retries of `send_reminder_email`.
MAX_ATTEMPTS = 7


def pending_emails():
    """Every wanted e-mail not yet sent, whatever its state."""
    return Reminder.objects.filter(email_wanted=True, email_sent_at__isnull=True)


def due_for_requeue(now=None):
    """Pending e-mails that should have been sent by now and nobody is sending."""
    now = now or timezone.now()
    return (
        pending_emails()
        .filter(
            email_next_try_at__lte=now - REQUEUE_AFTER,
            created_at__gte=now - MAX_AGE,
            email_attempts__lt=MAX_ATTEMPTS,
        )
        .filter(Q(email_lease_until__isnull=True) | Q(email_lease_until__lt=now))
    )


def given_up(now=None):
    now = now or timezone.now()
    too_old = Q(created_at__lt=now - MAX_AGE)
    return pending_emails().filter(too_old | Q(email_attempts__gte=MAX_ATTEMPTS))


def mark_queued(ids, at=None) -> None:
    """The e-mails are on the broker now: the next re-queue waits `REQUEUE_AFTER` again."""
    Reminder.objects.filter(pk__in=ids).update(email_next_try_at=at or timezone.now())
