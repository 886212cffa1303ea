"""Issue 20: access-log writes take no global lock. A row is inserted unchained and a
sealer chains it afterwards (see `privacy.chain`), in the order of sealing: `seq`.

- `AccessLog.seq`, `AccessLogChainHead.last_seq`, `AccessLogCheckpoint.removed_through_seq`.
  The existing chain was built in id order, so its rows get `seq = id` (a position may
  skip numbers; only the order counts) and the head and checkpoints follow. This is done
  with the append-only trigger switched off inside this migration's transaction, like
  0006 did.
- The append-only triggers (PostgreSQL and SQLite) let exactly one UPDATE through: the
  sealer setting `seq`, `prev_hash` and `hash` once on an unsealed row, every other
  column unchanged. DELETE stays refused, and retention may delete sealed rows only.
- The sealer in celery beat's database schedule: every 5 seconds; a run not started
  within 30 seconds (no worker) expires, the next one seals the backlog."""

from importlib import import_module

from django.db import migrations, models

TRIGGER = "privacy_accesslog_append_only"
SEAL_TASK = "privacy.tasks.seal_access_log"
SEAL_TASK_NAME = "Inzagelog verzegelen (elke 5 seconden)"

SEALABLE = """
CREATE OR REPLACE FUNCTION privacy_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq IS NOT NULL
       AND current_setting('wijkportaal.access_log_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    -- The sealer (privacy.chain.seal): once, on an unsealed row, content unchanged.
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash = ''
       AND NEW.seq IS NOT NULL AND NEW.hash <> ''
       AND to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash']
           = to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash'] THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION privacy_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('wijkportaal.access_log_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def drop_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds the checkpoint table below, which its DELETE trigger names."""
    from privacy import sqlite_triggers

    sqlite_triggers.drop(schema_editor.connection)


def place_existing_rows(apps, schema_editor):
    from privacy import sqlite_triggers

    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE privacy_accesslog DISABLE TRIGGER {TRIGGER}")
    else:
        sqlite_triggers.drop(connection)
    schema_editor.execute("UPDATE privacy_accesslog SET seq = id WHERE hash <> ''", params=None)
    schema_editor.execute("UPDATE privacy_accesslogchainhead SET last_seq = last_id", params=None)
    schema_editor.execute(
        "UPDATE privacy_accesslogcheckpoint SET removed_through_seq = removed_through_id",
        params=None,
    )
    if postgresql:
        schema_editor.execute(SEALABLE, params=None)
        schema_editor.execute(f"ALTER TABLE privacy_accesslog ENABLE TRIGGER {TRIGGER}")
    else:
        sqlite_triggers.ensure(connection)


def restore_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)
    else:
        from privacy import sqlite_triggers

        sqlite_triggers.drop(schema_editor.connection)


def restore_sqlite_triggers(apps, schema_editor):
    """Back to the triggers of migration 0007."""
    if schema_editor.connection.vendor == "sqlite":
        previous = import_module("privacy.migrations.0007_access_log_append_only_sqlite")
        previous.create_triggers(apps, schema_editor)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_seconds, _created = IntervalSchedule.objects.get_or_create(
        every=5, period="seconds"
    )
    PeriodicTask.objects.update_or_create(
        name=SEAL_TASK_NAME,
        defaults={
            "task": SEAL_TASK,
            "interval": every_five_seconds,
            "crontab": None,
            "enabled": True,
            "expire_seconds": 30,
            "description": "Zet nieuwe inzagelogregels in de hashketen.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=SEAL_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0008_api_token_moved_out"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, restore_sqlite_triggers),
        migrations.AddField(
            model_name="accesslog",
            name="seq",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, verbose_name="plaats in de keten"
            ),
        ),
        migrations.AddField(
            model_name="accesslogchainhead",
            name="last_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="accesslogcheckpoint",
            name="removed_through_seq",
            field=models.BigIntegerField(default=0, verbose_name="verwijderd tot en met plaats"),
        ),
        migrations.AlterModelOptions(
            name="accesslogcheckpoint",
            options={
                "ordering": ["-removed_through_seq"],
                "verbose_name": "inzagelog-ankerpunt",
                "verbose_name_plural": "inzagelog-ankerpunten",
            },
        ),
        migrations.AddIndex(
            model_name="accesslog",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)),
                fields=["id"],
                name="accesslog_unsealed",
            ),
        ),
        migrations.AddConstraint(
            model_name="accesslog",
            constraint=models.UniqueConstraint(fields=("seq",), name="accesslog_unique_seq"),
        ),
        # After the constraint: SQLite rebuilds the table for it, dropping its triggers.
        migrations.RunPython(place_existing_rows, restore_append_only),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
