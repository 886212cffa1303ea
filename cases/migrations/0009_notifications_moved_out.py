"""`Reminder` and `NotificationPreference` moved to the `notifications` app with their
tables (see notifications/migrations/0001_initial.py): removed from the state of `cases`
only; the database keeps the tables and their rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_reminder_plan_action_due"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="NotificationPreference"),
                migrations.DeleteModel(name="Reminder"),
            ],
        ),
    ]
