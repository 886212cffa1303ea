"""Writes for notifications: mark read, e-mail preferences (sending: `delivery`)."""

from django.db import transaction
from django.utils import timezone

from privacy.access_log import record
from privacy.models import AccessAction
from privacy.policy import own_reminders

from .models import NotificationPreference, ReminderKind


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
