"""Background work of the signals app, and handing it to the broker. Tasks take ids and are
idempotent."""

import logging

from celery import shared_task
from django.utils import timezone

from wijkportaal.celery import BROKER_ERRORS

from . import tally
from .imports import run_signal_import, waiting_imports
from .models import SignalImport

logger = logging.getLogger(__name__)


@shared_task(name="signals.tasks.run_signal_import_task", acks_late=True)
def run_signal_import_task(import_id: str) -> None:
    run_signal_import(import_id)


@shared_task(name="signals.tasks.start_waiting_imports", acks_late=True, ignore_result=True)
def start_waiting_imports_task() -> int:
    """Periodic (every 2 minutes): imports uploaded while the broker was down, or whose
    worker died, are queued again and resume where they stopped."""
    return start_waiting_imports()


def queue_signal_import(import_id) -> bool:
    """Hand the import to the broker; False (logged, never raised) when it is down."""
    try:
        run_signal_import_task.delay(str(import_id))
    except BROKER_ERRORS as exc:
        logger.warning("Import %s wacht: broker niet bereikbaar (%s)", import_id, exc)
        return False
    SignalImport.objects.filter(pk=import_id, queued_at__isnull=True).update(
        queued_at=timezone.now()
    )
    return True


def start_waiting_imports() -> int:
    """The periodic sweep: queue every waiting import (see `waiting_imports`)."""
    started = 0
    for import_id in waiting_imports().order_by("uploaded_at").values_list("pk", flat=True):
        SignalImport.objects.filter(pk=import_id).update(queued_at=None)
        if not queue_signal_import(import_id):
            break  # the broker is still down: the rest waits for the next sweep
        started += 1
    return started


@shared_task(name="signals.tasks.compact_signal_tally", ignore_result=True)
def compact_signal_tally() -> int:
    """Periodic (every 5 minutes): sum the signal tally's changes (`signals.tally`)."""
    return tally.compact()
