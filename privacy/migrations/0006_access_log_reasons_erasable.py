"""Issue 13: the append-only access log holds no free text. Reasons (re-route, share,
erasure, a privacy officer's search) move to `AccessLogReason`, which erasure deletes;
the log row keeps a pointer.

Moving the existing reasons is the one time the log's rows change: the append-only
trigger is switched off inside this migration's transaction (PostgreSQL; SQLite gets its
triggers in a later migration), each reason is copied out, and the hash chain is
computed again over the new content (the pointer instead of the text), starting from
the last retention checkpoint. `verify_access_log` holds afterwards."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

TRIGGER = "privacy_accesslog_append_only"
BATCH = 2000


def _trigger(schema_editor, enabled: bool):
    if schema_editor.connection.vendor == "postgresql":
        state = "ENABLE" if enabled else "DISABLE"
        schema_editor.execute(f"ALTER TABLE privacy_accesslog {state} TRIGGER {TRIGGER}")


def move_reasons_and_rechain(apps, schema_editor):
    from privacy.chain import CONTENT_FIELDS, row_hash

    AccessLog = apps.get_model("privacy", "AccessLog")
    Reason = apps.get_model("privacy", "AccessLogReason")
    Head = apps.get_model("privacy", "AccessLogChainHead")
    Checkpoint = apps.get_model("privacy", "AccessLogCheckpoint")
    if not AccessLog.objects.exists():
        return
    _trigger(schema_editor, enabled=False)
    rows = AccessLog.objects.exclude(reason="").only("id", "at", "reason", "household_key")
    for row in rows.iterator(chunk_size=BATCH):
        reason = Reason.objects.create(
            household_key=row.household_key, text=row.reason, created_at=row.at
        )
        AccessLog.objects.filter(pk=row.pk).update(reason_entry_id=reason.pk, reason="")
    checkpoint = Checkpoint.objects.order_by("-removed_through_id").first()
    prev = checkpoint.anchor_hash if checkpoint else ""
    last_id = 0
    fields = ["id", *CONTENT_FIELDS]
    for values in AccessLog.objects.order_by("id").values(*fields).iterator(chunk_size=BATCH):
        row_id = values.pop("id")
        digest = row_hash(prev, values)
        AccessLog.objects.filter(pk=row_id).update(prev_hash=prev, hash=digest)
        prev, last_id = digest, row_id
    Head.objects.update_or_create(pk=1, defaults={"last_id": last_id, "last_hash": prev})
    _trigger(schema_editor, enabled=True)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_end_shares_outside_wijkteams")]

    operations = [
        migrations.CreateModel(
            name="AccessLogReason",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "household_key",
                    models.CharField(blank=True, max_length=20, verbose_name="huishoudsleutel"),
                ),
                ("text", models.TextField(verbose_name="reden")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="tijdstip"
                    ),
                ),
            ],
            options={
                "verbose_name": "reden bij inzagelogregel",
                "verbose_name_plural": "redenen bij inzagelogregels",
                "indexes": [
                    models.Index(fields=["household_key"], name="accesslogreason_household")
                ],
            },
        ),
        migrations.AddField(
            model_name="accesslog",
            name="reason_entry",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="privacy.accesslogreason",
                verbose_name="reden",
            ),
        ),
        migrations.RunPython(move_reasons_and_rechain, migrations.RunPython.noop),
        migrations.RemoveField(model_name="accesslog", name="reason"),
    ]
