"""Celery tasks for reminders. Tasks take ids (or an ISO moment), are idempotent and
run with acks_late / reject_on_worker_lost: a task lost with its worker runs again and
the claimed Reminder rows make the second run a no-op. E-mail goes through the outbox
(`delivery.py`): what could not be queued or was lost with a worker is queued again by the
next round or by `requeue_reminder_emails`. No task is scheduled further ahead than
Redis' visibility timeout (20 minutes): e-mail retries back off to at most 10 minutes."""

import contextlib
import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from wijkportaal.celery import BROKER_ERRORS

from . import delivery, sweeps
from .delivery import EMAIL_ERRORS, deliver_reminder_email
from .models import Reminder

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 6
EMAIL_BACKOFF_SECONDS = 60
EMAIL_BACKOFF_MAX_SECONDS = 10 * 60

# The task names keep the module these tasks were first written in (`cases.tasks`):
# messages already on the broker and the beat schedule in the database (rows written by
# the cases migrations 0003 and 0006) call the tasks by these names.
TASK_PREFIX = "cases.tasks."

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


def email_backoff(retries: int) -> int:
    """Exponential back-off: 1, 2, 4, 8, 10 minutes (below the visibility timeout)."""
    return min(EMAIL_BACKOFF_SECONDS * 2**retries, EMAIL_BACKOFF_MAX_SECONDS)


def parse_moment(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    moment = datetime.fromisoformat(value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


EMAIL_BATCH_SIZE = 200


def publish_email_batches(ids: list[int]) -> int:
    """Queue these reminders' e-mails in batches of `EMAIL_BATCH_SIZE` ids per task: a
    round after a holiday can claim tens of thousands of reminders, and one broker
    message each would make queueing slower than the round. Each batch is marked queued
    once the broker took it; raises a broker error, the rest stays pending."""
    queued = 0
    with send_reminder_emails.app.producer_or_acquire() as producer:
        for start in range(0, len(ids), EMAIL_BATCH_SIZE):
            batch = ids[start : start + EMAIL_BATCH_SIZE]
            send_reminder_emails.apply_async((batch,), producer=producer)
            delivery.mark_queued(batch)
            queued += len(batch)
    return queued


def queue_emails(claimed: dict[str, list[int]]) -> int:
    """Queue the e-mails of the new reminders whose recipient wants e-mail. The in-app
    notification exists already; the e-mail follows when a worker gets to it."""
    ids = [pk for pks in claimed.values() for pk in pks]
    wanted = list(
        Reminder.objects.filter(pk__in=ids, email_wanted=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return publish_email_batches(wanted)


REQUEUE_LIMIT = 100_000


def requeue_pending() -> int:
    """Queue again every pending e-mail whose turn passed (see `delivery`)."""
    ids = list(
        delivery.due_for_requeue().order_by("pk").values_list("pk", flat=True)[:REQUEUE_LIMIT]
    )
    if ids:
        logger.warning("%d herinneringsmails opnieuw in de wachtrij gezet", len(ids))
    return publish_email_batches(ids)


def sweep_and_queue(now: datetime) -> dict[str, int]:
    """One round: claim what is due, then queue its e-mails and any the outbox holds.
    With the broker down the round still claims (in-app notifications appear) and the
    e-mails wait in the outbox; the round does not fail for it."""
    claimed = sweeps.run_all_sweeps(now)
    try:
        queue_emails(claimed)
        requeue_pending()
    except BROKER_ERRORS as exc:
        logger.warning("Broker niet bereikbaar; e-mails wachten in de outbox: %s", exc)
    return {kind: len(ids) for kind, ids in claimed.items()}


@shared_task(name=TASK_PREFIX + "run_reminder_sweeps", **TASK_OPTIONS)
def run_reminder_sweeps(now: str | None = None) -> dict[str, int]:
    """The periodic task: every sweep once, as of `now` (ISO moment; default now)."""
    counts = sweep_and_queue(parse_moment(now))
    logger.info("Herinneringen verstuurd: %s", counts)
    return counts


@shared_task(name=TASK_PREFIX + "requeue_reminder_emails", **TASK_OPTIONS)
def requeue_reminder_emails() -> int:
    """The short periodic outbox task (every 2 minutes): e-mails lost with the broker or
    a worker go out within minutes of their return, not at the next round."""
    return requeue_pending()


@shared_task(
    bind=True,
    name=TASK_PREFIX + "send_reminder_email",
    max_retries=EMAIL_MAX_RETRIES,
    **TASK_OPTIONS,
)
def send_reminder_email(self, reminder_id: int) -> bool:
    """Send one reminder's e-mail; a failure is recorded on the row and retried."""
    try:
        return deliver_reminder_email(reminder_id)
    except EMAIL_ERRORS as exc:
        logger.warning("E-mail voor herinnering %s mislukt: %s", reminder_id, exc)
        countdown = email_backoff(self.request.retries)
        _postpone(reminder_id, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc


def _postpone(reminder_id: int, countdown: int) -> None:
    """A retry is on its way: the outbox leaves the e-mail alone until its turn."""
    delivery.mark_queued([reminder_id], at=timezone.now() + timedelta(seconds=countdown))


@shared_task(name=TASK_PREFIX + "send_reminder_emails", **TASK_OPTIONS)
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
            _postpone(reminder_id, email_backoff(0))
            # With the broker down the outbox queues it again when its turn comes.
            with contextlib.suppress(*BROKER_ERRORS):
                send_reminder_email.apply_async((reminder_id,), countdown=email_backoff(0))
    return sent
