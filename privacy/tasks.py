"""Celery tasks of the privacy app."""

from celery import shared_task

from . import chain, retention


@shared_task(acks_late=True)
def apply_retention(dry_run: bool = False) -> int:
    """Daily (see migration 0004): erase what is past its retention period. Idempotent:
    erased rows are skipped by the next run. Returns the RetentionRun id."""
    return retention.apply_retention(dry_run=dry_run, triggered_by="celery").pk


@shared_task(acks_late=True)
def seal_access_log() -> int:
    """Every 5 seconds (see migration 0009): chain the access-log rows committed since the
    last run (`privacy.chain.seal`). A run that finds another sealer at work skips;
    killed mid-run, the batches already committed stay a valid chain and the next run
    continues. Returns how many rows were sealed."""
    return chain.seal(wait=False)
