"""Background work of the signals app. Tasks take ids and are idempotent."""

from celery import shared_task

from .services import run_signal_import, start_waiting_imports


@shared_task(name="signals.tasks.run_signal_import_task", acks_late=True)
def run_signal_import_task(import_id: str) -> None:
    run_signal_import(import_id)


@shared_task(name="signals.tasks.start_waiting_imports", acks_late=True, ignore_result=True)
def start_waiting_imports_task() -> int:
    """Periodic (every 2 minutes): imports uploaded while the broker was down, or whose
    worker died, are queued again and resume where they stopped."""
    return start_waiting_imports()
