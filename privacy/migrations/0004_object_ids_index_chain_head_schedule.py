"""Indexes and rows the privacy operations need.

- A GIN index (jsonb_path_ops) on `object_ids`, so finding list/export rows that included
  one signal or case (`object_ids @> '["<id>"]'`) is an index lookup (PostgreSQL only).
- The chain head row (pk 1) every access-log writer locks.
- The daily retention task in celery beat's database schedule (03:30, Europe/Amsterdam)."""

from django.db import migrations

GIN = (
    "CREATE INDEX IF NOT EXISTS privacy_accesslog_object_ids_gin "
    "ON privacy_accesslog USING gin (object_ids jsonb_path_ops)"
)
DROP_GIN = "DROP INDEX IF EXISTS privacy_accesslog_object_ids_gin"
TASK = "privacy.tasks.apply_retention"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN, params=None)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GIN, params=None)


def create_rows(apps, schema_editor):
    apps.get_model("privacy", "AccessLogChainHead").objects.get_or_create(pk=1)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Amsterdam",
    )
    PeriodicTask.objects.get_or_create(
        name="Bewaartermijnen toepassen", defaults={"task": TASK, "crontab": crontab}
    )


def remove_rows(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_access_log_chain_retention"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(create_rows, remove_rows),
    ]
