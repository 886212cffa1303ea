"""`ApiToken` moved to the `accounts` app with its table (see
accounts/migrations/0001_initial.py): removed from the state of `privacy` only; the
database keeps the table and every token."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0007_access_log_append_only_sqlite"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ApiToken")],
        ),
    ]
