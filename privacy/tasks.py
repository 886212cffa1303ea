"""Celery tasks of the privacy app."""

from celery import shared_task

from . import retention


@shared_task(acks_late=True)
def apply_retention(dry_run: bool = False) -> int:
    """Daily (see migration 0004): erase what is past its retention period. Idempotent:
    erased rows are skipped by the next run. Returns the RetentionRun id."""
    return retention.apply_retention(dry_run=dry_run, triggered_by="celery").pk
