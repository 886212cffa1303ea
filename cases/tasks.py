"""Celery tasks for reminders. Tasks take ids (or an ISO moment), are idempotent and
run with acks_late / reject_on_worker_lost: a task lost with its worker runs again and
the claimed Reminder rows make the second run a no-op. No task is scheduled days ahead
(an ETA beyond Redis' visibility timeout is redelivered); e-mail retries back off to at
most half an hour."""

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import reminders
from .models import Reminder
from .notification_services import EMAIL_ERRORS, deliver_reminder_email

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 6
EMAIL_BACKOFF_SECONDS = 60
EMAIL_BACKOFF_MAX_SECONDS = 30 * 60

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


def email_backoff(retries: int) -> int:
    """Exponential back-off: 1, 2, 4, 8, 16, 30 minutes."""
    return min(EMAIL_BACKOFF_SECONDS * 2**retries, EMAIL_BACKOFF_MAX_SECONDS)


def parse_moment(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    moment = datetime.fromisoformat(value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


EMAIL_BATCH_SIZE = 200


def queue_emails(claimed: dict[str, list[int]]) -> int:
    """Queue the e-mails of the new reminders whose recipient wants e-mail, in batches of
    `EMAIL_BATCH_SIZE` ids per task: a round after a holiday can claim tens of thousands
    of reminders, and one broker message each would make queueing slower than the round.
    The in-app notification exists already; the e-mail follows when a worker gets to it."""
    ids = [pk for pks in claimed.values() for pk in pks]
    wanted = list(
        Reminder.objects.filter(pk__in=ids, email_wanted=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with send_reminder_emails.app.producer_or_acquire() as producer:
        for start in range(0, len(wanted), EMAIL_BATCH_SIZE):
            batch = wanted[start : start + EMAIL_BATCH_SIZE]
            send_reminder_emails.apply_async((batch,), producer=producer)
    return len(wanted)


def sweep_and_queue(now: datetime) -> dict[str, int]:
    claimed = reminders.run_all_sweeps(now)
    queue_emails(claimed)
    return {kind: len(ids) for kind, ids in claimed.items()}


@shared_task(name="cases.tasks.run_reminder_sweeps", **TASK_OPTIONS)
def run_reminder_sweeps(now: str | None = None) -> dict[str, int]:
    """The periodic task: every sweep once, as of `now` (ISO moment; default now)."""
    counts = sweep_and_queue(parse_moment(now))
    logger.info("Herinneringen verstuurd: %s", counts)
    return counts


@shared_task(
    bind=True, name="cases.tasks.send_reminder_email", max_retries=EMAIL_MAX_RETRIES, **TASK_OPTIONS
)
def send_reminder_email(self, reminder_id: int) -> bool:
    """Send one reminder's e-mail; a failure is recorded on the row and retried."""
    try:
        return deliver_reminder_email(reminder_id)
    except EMAIL_ERRORS as exc:
        logger.warning("E-mail voor herinnering %s mislukt: %s", reminder_id, exc)
        raise self.retry(exc=exc, countdown=email_backoff(self.request.retries)) from exc


@shared_task(name="cases.tasks.send_reminder_emails", **TASK_OPTIONS)
def send_reminder_emails(reminder_ids: list[int]) -> int:
    """Send the e-mails of one batch of reminders; each is sent at most once (see
    `deliver_reminder_email`). One that fails is handed to `send_reminder_email`, which
    retries it alone with back-off, so the rest of the batch is not held up or resent."""
    sent = 0
    for reminder_id in reminder_ids:
        try:
            sent += deliver_reminder_email(reminder_id)
        except EMAIL_ERRORS as exc:
            logger.warning("E-mail voor herinnering %s mislukt: %s", reminder_id, exc)
            send_reminder_email.apply_async((reminder_id,), countdown=email_backoff(0))
    return sent
