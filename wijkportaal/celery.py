"""The Celery app. Redis in production and CI; a filesystem broker for `make run`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkportaal.settings")

app = Celery("wijkportaal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
