from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

SQLITE_TRIGGER_MIGRATION = ("privacy", "0009_access_log_sealed_after_write")


def _ensure_sqlite_triggers(sender, using, **kwargs):
    """A later migration that rebuilds the access-log table on SQLite drops its triggers:
    once the trigger migration is applied, put them back after every migrate."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import sqlite_triggers

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if SQLITE_TRIGGER_MIGRATION in MigrationRecorder(connection).applied_migrations():
        sqlite_triggers.ensure(connection)


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from . import admin_audit, aggregates

        admin_audit.connect()
        connection_created.connect(aggregates.register_sqlite_functions)
        post_migrate.connect(_ensure_sqlite_triggers, sender=self)
