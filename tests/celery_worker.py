"""A real Celery worker for tests: it runs in a thread of the test process (so it uses the
test database) and consumes from a real broker: Redis (REDIS_URL, else
redis://127.0.0.1:6379/5) or the filesystem broker of `make run`."""

import os
import time
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from kombu import pools

from wijkportaal.celery import app as celery_app

BROKER_KEYS = ("broker_url", "broker_transport_options", "task_always_eager")


def _reset_producers(app):
    """Drop pooled broker connections so the next publish uses the current broker URL.
    kombu's global producer pools are keyed by broker URL: an earlier test that published
    to the same broker would otherwise leave a closed pool behind."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def _close_worker_connections(**kwargs):
    # The worker thread's database connections must not outlive the test database.
    connections.close_all()


def _broker(kind: str, tmp_path) -> tuple[str, dict]:
    if kind == "redis":
        return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5", {
            "visibility_timeout": 3600
        }
    folder = tmp_path / "broker"
    (folder / "processed").mkdir(parents=True)
    return "filesystem://", {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }


@contextmanager
def running_worker(kind: str, tmp_path):
    """Start a solo-pool worker on the given broker ("redis" or "filesystem"); the app's
    broker settings are restored afterwards."""
    saved = {key: celery_app.conf[key] for key in BROKER_KEYS}
    url, options = _broker(kind, tmp_path)
    celery_app.conf.update(broker_url=url, broker_transport_options=options)
    celery_app.conf.task_always_eager = False
    _reset_producers(celery_app)
    if kind == "redis":
        celery_app.control.purge()  # nothing left over from an earlier run
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ) as started:
            yield started
    finally:
        task_postrun.disconnect(_close_worker_connections)
        celery_app.conf.update(saved)
        _reset_producers(celery_app)


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
