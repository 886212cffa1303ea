"""Upgrading a database of the release before the notifications app: the reminders and
e-mail preferences written when the models lived in `cases` are found through the
`notifications` models afterwards, in the same tables, on PostgreSQL (Django's migration
executor) and on the embedded SQLite database (`migrate` in a subprocess, as `make run`)."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from notifications.models import NotificationPreference, Reminder, ReminderKind
from tests.migration_helpers import manage_sqlite, migrate_to, migrate_to_latest, shell_result

# The notifications app did not exist yet; cases was at its last migration before the move.
BEFORE = [("notifications", None), ("cases", "0008_reminder_plan_action_due")]


@pytest.mark.django_db(transaction=True)
def test_reminders_and_preferences_of_the_previous_release_survive_the_move():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("auth", "User")
        OldReminder = old.get_model("cases", "Reminder")
        OldPreference = old.get_model("cases", "NotificationPreference")
        noor = User.objects.create(username="noor-upgrade", email="noor@example.org")
        old_reminder = OldReminder.objects.create(
            kind="triage_overdue",
            object_type="signal",
            object_id="42",
            due=date(2026, 11, 20),
            recipient=noor,
            subject="Triagetermijn verstreken: S-2026-0042",
            link="/signalen/42/",
            email_wanted=True,
        )
        OldPreference.objects.create(user=noor, kind="case_assigned", email=False)
        old_type = ContentType.objects.get(app_label="cases", model="reminder").pk
    finally:
        migrate_to_latest()

    reminder = Reminder.objects.get(pk=old_reminder.pk)
    assert reminder.recipient.username == "noor-upgrade"
    assert reminder.kind == ReminderKind.TRIAGE_OVERDUE
    assert reminder.subject == "Triagetermijn verstreken: S-2026-0042"
    assert reminder.email_wanted and reminder.email_sent_at is None
    preference = NotificationPreference.objects.get(user__username="noor-upgrade")
    assert (preference.kind, preference.email) == ("case_assigned", False)
    assert Reminder._meta.db_table == "cases_reminder"
    # The content type moved with the model: its id (and the permissions on it) stayed.
    assert ContentType.objects.get_for_model(Reminder).pk == old_type
    assert not ContentType.objects.filter(app_label="cases", model="reminder").exists()
    assert Permission.objects.filter(content_type_id=old_type, codename="view_reminder").exists()


OLD_ROWS = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined) VALUES ('', 0, 'noor', '', '', "
        "'noor@example.org', 0, 1, '2026-11-01 09:00')"
    )
    user_id = cursor.lastrowid
    cursor.execute(
        "INSERT INTO cases_reminder (kind, object_type, object_id, due, recipient_id, "
        "subject, body, link, created_at, email_wanted, email_error, email_attempts, "
        "email_next_try_at) VALUES ('follow_up_due', 'case', '7', '2026-11-20', %s, "
        "'Vervolgdatum bereikt: C-7', '', '/casussen/7/', '2026-11-20 09:00', 1, '', 0, "
        "'2026-11-20 09:00')",
        [user_id],
    )
    cursor.execute(
        "INSERT INTO cases_notificationpreference (user_id, kind, email) "
        "VALUES (%s, 'follow_up_due', 0)",
        [user_id],
    )
"""

CHECK = """
import json
from notifications.models import NotificationPreference, Reminder
reminder = Reminder.objects.select_related("recipient").get()
preference = NotificationPreference.objects.get()
print("RESULT " + json.dumps({
    "reminder": [reminder.kind, reminder.subject, reminder.recipient.username],
    "preference": [preference.kind, preference.email, preference.user.username],
}))
"""


def test_sqlite_database_of_the_previous_release_keeps_its_notifications(tmp_path):
    database = tmp_path / "old.sqlite3"
    manage_sqlite(database, "migrate", "cases", "0008", "--noinput")
    manage_sqlite(database, "shell", "-c", OLD_ROWS)
    manage_sqlite(database, "migrate", "--noinput")
    result = json.loads(shell_result(database, CHECK))
    assert result["reminder"] == ["follow_up_due", "Vervolgdatum bereikt: C-7", "noor"]
    assert result["preference"] == ["follow_up_due", False, "noor"]
