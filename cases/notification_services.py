"""Writes for notifications: mark read, e-mail preferences, delivering one e-mail."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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


def deliver_reminder_email(reminder_id) -> bool:
    """Send the reminder's e-mail once; record every attempt and its error.

    The row is locked while sending, so a duplicated task waits or skips instead of
    sending twice. Returns True when sent now; raises the delivery error after recording
    it, so the caller can retry."""
    failure = None
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=reminder_id, email_wanted=True, email_sent_at__isnull=True)
            .first()
        )
        if reminder is None or not reminder.recipient.email:
            return False
        reminder.email_attempts += 1
        try:
            reminder_email(reminder).send()
        except EMAIL_ERRORS as exc:
            failure = exc
            reminder.email_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            reminder.email_sent_at = timezone.now()
            reminder.email_error = ""
        reminder.save(update_fields=["email_attempts", "email_error", "email_sent_at"])
    if failure is not None:
        raise failure
    return True
