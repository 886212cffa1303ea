"""The Celery app. Redis in production and CI; a filesystem broker for `make run`."""

import os

from celery import Celery
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkportaal.settings")

app = Celery("wijkportaal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# What publishing raises while the broker is unreachable: kombu wraps connection errors in
# OperationalError; a socket error can surface bare.
BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)
