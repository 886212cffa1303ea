"""Issue 13: the access log is append-only on the embedded SQLite database as well;
PostgreSQL has had its trigger since 0002. The triggers as they were then (migration
0009 replaces them with those of `privacy.sqlite_triggers`)."""

from django.db import migrations

TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS privacy_accesslog_no_update
    BEFORE UPDATE ON privacy_accesslog
    BEGIN
        SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS privacy_accesslog_no_delete
    BEFORE DELETE ON privacy_accesslog
    WHEN OLD.id > COALESCE(
        (SELECT MAX(removed_through_id) FROM privacy_accesslogcheckpoint), 0
    )
    BEGIN
        SELECT RAISE(ABORT, 'access log is append-only: DELETE refused');
    END
    """,
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in TRIGGERS:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    from privacy import sqlite_triggers

    sqlite_triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_access_log_reasons_erasable")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
