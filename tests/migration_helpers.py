"""Helpers for upgrade tests: move the test database to an older migration state and back
(PostgreSQL, in-process), or run `manage.py` against a temporary SQLite file (as `make
run` does)."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BASE = Path(__file__).resolve().parents[1]


def migrate_to(targets):
    """Migrate the test database to `targets` (`(app, None)`: before the app's first
    migration); returns the historical apps of the state reached."""
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    # The state of exactly the applied migrations (what `migrate` itself builds).
    applied = MigrationExecutor(connection)._create_project_state(with_applied_migrations=True)
    return applied.apps


def migrate_to_latest() -> None:
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def manage_sqlite(database: Path, *args: str) -> str:
    """`manage.py <args>` in a subprocess on the SQLite file `database`; its output."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV")
    }
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["CELERY_DATA_DIR"] = str(database.parent / "celery")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def shell_result(database: Path, code: str) -> str:
    """Run `code` in `manage.py shell`; the text after "RESULT " on its output."""
    output = manage_sqlite(database, "shell", "-c", code)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return line.removeprefix("RESULT ")
