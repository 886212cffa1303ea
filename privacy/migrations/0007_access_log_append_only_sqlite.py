"""Issue 13: the access log is append-only on the embedded SQLite database as well;
PostgreSQL has had its trigger since 0002. See `privacy.sqlite_triggers`."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from privacy import sqlite_triggers

    sqlite_triggers.ensure(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from privacy import sqlite_triggers

    sqlite_triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_access_log_reasons_erasable")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
