"""E-mail delivery of notifications, and the outbox: a claimed reminder whose e-mail is
wanted stays pending in the database until it is sent, whatever happens to the broker or
the workers.

A round queues the e-mails of the reminders it claimed. When that fails (broker down) or
the message is lost (worker killed mid-batch), the row is still pending: every round and a
short periodic task queue again each pending e-mail whose turn (`email_next_try_at`) lies
more than `REQUEUE_AFTER` behind. Sending is idempotent (`deliver_reminder_email` takes a
lease and skips what was sent), so a message queued twice sends once. Guarantee: the
in-app notification exactly once (the claimed row), the e-mail at least once."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Reminder

# What counts as a failed delivery worth retrying: SMTP errors and network failures
# (smtplib.SMTPException is an OSError).
EMAIL_ERRORS = (OSError,)

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


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "url": settings.SITE_URL + reminder.link,
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            subject=f"[Wijkportaal] {reminder.subject}",
            body=render_to_string("email/reminder.txt", context),
            to=[reminder.recipient.email],
        )
        message.attach_alternative(render_to_string("email/reminder.html", context), "text/html")
    return message


# How long one worker may take to hand an e-mail to the mail server before another may try.
EMAIL_LEASE = timedelta(minutes=5)


def message_id(reminder: Reminder) -> str:
    """The same Message-ID for every attempt, so a duplicate after a crash is recognisable
    (and dropped by mail systems that deduplicate on it)."""
    domain = urlsplit(settings.SITE_URL).hostname or "wijkportaal.local"
    return f"<herinnering-{reminder.pk}@{domain}>"


def deliver_reminder_email(reminder_id) -> bool:
    """Send the reminder's e-mail unless it was sent or another worker is sending it.

    Three short steps, no transaction held open while the mail server talks: take a
    lease on the row (one UPDATE that also counts the attempt), send, and mark the row
    sent in its own UPDATE right after the server accepted. A worker that dies between
    the acceptance and that UPDATE leaves the row unsent, so the outbox sends it again:
    e-mail is delivered at least once, with the same Message-ID. Returns True when sent
    now; raises the delivery error after recording it, so the caller can retry."""
    now = timezone.now()
    unsent = Reminder.objects.filter(pk=reminder_id, email_wanted=True, email_sent_at__isnull=True)
    leased = unsent.filter(Q(email_lease_until__isnull=True) | Q(email_lease_until__lt=now)).update(
        email_lease_until=now + EMAIL_LEASE, email_attempts=F("email_attempts") + 1
    )
    if not leased:
        return False
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    if not reminder.recipient.email:  # the address was removed after the claim
        unsent.update(email_wanted=False, email_lease_until=None)
        return False
    message = reminder_email(reminder)
    message.extra_headers["Message-ID"] = message_id(reminder)
    try:
        message.send()
    except EMAIL_ERRORS as exc:
        unsent.update(email_error=f"{type(exc).__name__}: {exc}"[:2000], email_lease_until=None)
        raise
    unsent.update(email_sent_at=timezone.now(), email_error="", email_lease_until=None)
    return True
