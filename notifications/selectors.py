"""Reads for the notification list, the header count and the preferences page."""

from django.db.models import Count, Q, QuerySet

from privacy.policy import own_reminders

from .models import IS_READ, OPT_IN_KINDS, NotificationPreference, ReminderKind


def inbox(user) -> QuerySet:
    """The user's own reminders, unread first, newest first within each group."""
    return own_reminders(user).order_by(IS_READ.asc(), "-created_at", "-pk")


def unread_count(user) -> int:
    return own_reminders(user).filter(read_at__isnull=True).count()


def inbox_counts(user) -> tuple[int, int]:
    """How many reminders the user has and how many of them are unread, in one query
    (the list page shows both)."""
    # Only columns of the index `reminder_inbox` (recipient, read_at, ...), so PostgreSQL
    # counts from the index alone; COUNT("pk") would read every reminder's row. The
    # recipient is never null: counting it counts the rows (Django allows no COUNT(*)
    # with a filter).
    counts = own_reminders(user).aggregate(
        total=Count("*"), unread=Count("recipient", filter=Q(read_at__isnull=True))
    )
    return counts["total"], counts["unread"]


def own_reminder(user, reminder_id):
    """The user's reminder, or None (someone else's is treated as missing)."""
    return own_reminders(user).filter(pk=reminder_id).first()


def email_preferences(user) -> dict[str, bool]:
    """Per kind whether the user also wants e-mail; e-mail is on unless switched off
    (an opt-in kind, `OPT_IN_KINDS`, is off until switched on)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, kind not in OPT_IN_KINDS) for kind in ReminderKind.values}
