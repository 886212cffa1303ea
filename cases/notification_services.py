"""Writes for notifications: mark read, e-mail preferences, delivering one e-mail."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from privacy.access_log import record
from privacy.models import AccessAction
from privacy.policy import own_reminders

from .models import NotificationPreference, Reminder, ReminderKind

# What counts as a failed delivery worth retrying: SMTP errors and network failures
# (smtplib.SMTPException is an OSError).
EMAIL_ERRORS = (OSError,)


@transaction.atomic
def mark_read(user, reminder_id) -> bool:
    """Mark one of the user's own reminders read; False when it is not theirs or missing."""
    updated = (
        own_reminders(user)
        .filter(pk=reminder_id, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    exists = updated or own_reminders(user).filter(pk=reminder_id).exists()
    if exists:
        record(user, AccessAction.UPDATE, "reminder", reminder_id)
    return bool(exists)


@transaction.atomic
def mark_all_read(user) -> int:
    unread = own_reminders(user).filter(read_at__isnull=True)
    ids = list(unread.values_list("pk", flat=True))
    count = unread.filter(pk__in=ids).update(read_at=timezone.now())
    record(user, AccessAction.UPDATE, "reminder", object_ids=ids)
    return count


@transaction.atomic
def save_email_preferences(user, email_kinds) -> None:
    """`email_kinds`: the kinds for which the user wants e-mail; the rest get none."""
    wanted = set(email_kinds)
    for kind in ReminderKind.values:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": kind in wanted}
        )


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "url": settings.SITE_URL + reminder.link,
        "preferences_url": settings.SITE_URL + "/meldingen/voorkeuren/",
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
