"""Notifications: every user reaches their own list; someone else's notification is 404."""

from datetime import date

from django.contrib.auth import get_user_model

from . import USERS, Row

signed_in = {**dict.fromkeys(USERS, 200), "anonymous": 302}
api_signed_in = {**dict.fromkeys(USERS, 200), "anonymous": 401}
after_post = {**dict.fromkeys(USERS, 302)}
# The notification belongs to noor: only she may mark it read; for anyone else it is 404.
noor_only_web = {**dict.fromkeys(USERS, 404), "anonymous": 302, "noor": 302}
noor_only_api = {**dict.fromkeys(USERS, 404), "anonymous": 401, "noor": 200}


def setup(world):
    from notifications.models import Reminder, ReminderKind

    world["reminders_noor"] = Reminder.objects.create(
        kind=ReminderKind.TRIAGE_OVERDUE,
        object_type="signal",
        object_id="matrix",
        due=date(2026, 12, 1),
        recipient=get_user_model().objects.get(username="noor"),
        subject="Triagetermijn verstreken: SIG-2026-000001",
        link="/signalen/",
    )


def _noor(w):
    return w["reminders_noor"].pk


ROWS = [
    Row("notifications-list", "GET", lambda w: "/meldingen/", signed_in, logs_access=True),
    Row("notifications-preferences", "GET", lambda w: "/meldingen/voorkeuren/", signed_in),
    Row(
        "notifications-preferences-save",
        "POST",
        lambda w: "/meldingen/voorkeuren/",
        after_post,
        data={"email_kinds": ["triage_overdue"]},
    ),
    Row("notifications-mark-all-read", "POST", lambda w: "/meldingen/alles-gelezen/", after_post),
    Row(
        "notifications-mark-read",
        "POST",
        lambda w: f"/meldingen/{_noor(w)}/gelezen/",
        noor_only_web,
        logs_access=True,
    ),
    Row(
        "notifications-open",
        "POST",
        lambda w: f"/meldingen/{_noor(w)}/openen/",
        noor_only_web,
        logs_access=True,
    ),
    Row(
        "api-notifications-list",
        "GET",
        lambda w: "/api/v1/notifications/",
        api_signed_in,
        api=True,
        logs_access=True,
    ),
    Row(
        "api-notifications-read",
        "POST",
        lambda w: f"/api/v1/notifications/{_noor(w)}/read/",
        noor_only_api,
        api=True,
        logs_access=True,
    ),
    Row(
        "api-notifications-read-all",
        "POST",
        lambda w: "/api/v1/notifications/read-all/",
        {**api_signed_in},
        api=True,
    ),
]
