"""Background work of the signals app. Tasks take ids and are idempotent."""

from celery import shared_task

from .services import run_signal_import


@shared_task(acks_late=True)
def run_signal_import_task(import_id: str) -> None:
    run_signal_import(import_id)
