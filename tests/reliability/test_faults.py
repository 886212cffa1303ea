"""Each fault of issue 14 as an operator would meet it, on a private Redis and real
worker processes: nothing is lost, duplicates stay within what the design allows, and the
figures (claimed, sent, duplicates, seconds to recover) are printed."""

import threading
import time
from collections import Counter
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.utils import timezone

from notifications import delivery
from notifications.models import Reminder
from notifications.tasks import requeue_pending, sweep_and_queue
from partners.demo import load_demo_world
from partners.models import Organisation
from signals.imports import waiting_imports
from signals.models import ImportStatus, Signal, SignalImport, SignalStatus
from signals.tasks import start_waiting_imports
from tests.helpers import verify_while_writing

from .conftest import VISIBILITY_TIMEOUT, wait_for

# Kept out of `make test` (1 to 2.5 minutes): `make test-reliability`, which CI runs.
pytestmark = pytest.mark.reliability

ROUND = timezone.make_aware(timezone.datetime(2026, 12, 2, 9, 0))


def overdue_signals(count: int) -> None:
    """`count` signals whose triage deadline passed yesterday: each gives two reminders
    (the triage lead noor and the coordinator eva)."""
    linde = Organisation.objects.get(name="Woonstichting De Linde")
    noord = Organisation.objects.get(name="Wijkteam Noord")
    Signal.objects.bulk_create(
        Signal(
            reference=f"SIG-2026-{n:06d}",
            kind="nuisance",
            postcode="1012 AB",
            house_number=n,
            household_key=f"1012AB-{n}",
            description="Overlast",
            organisation=linde,
            team=noord,
            filed_at=ROUND - timedelta(days=10),
            triage_deadline=date(2026, 12, 1),
            feedback_deadline=date(2027, 6, 1),
            status=SignalStatus.RECEIVED,
        )
        for n in range(1, count + 1)
    )


def advance_the_clock() -> None:
    """What the passing of minutes does in production: queued e-mails' turn lies behind
    (REQUEUE_AFTER) and the lease of a worker that died ran out (EMAIL_LEASE)."""
    long_ago = timezone.now() - timedelta(minutes=10)
    delivery.pending_emails().update(email_next_try_at=long_ago, email_lease_until=None)


def duplicates(accepted: list[str]) -> int:
    return sum(count - 1 for count in Counter(accepted).values())


def test_broker_down_during_a_round_then_every_email_is_delivered(broker, workers, report):
    load_demo_world()
    overdue_signals(300)
    broker.stop()
    counts = sweep_and_queue(ROUND)
    claimed = sum(counts.values())
    assert claimed == 600
    assert delivery.pending_emails().count() == claimed  # in-app at once, e-mail waits

    broker.start()
    back = time.monotonic()
    workers.start()
    advance_the_clock()  # the 2-minute outbox task finds them
    requeue_pending()
    assert wait_for(lambda: not delivery.pending_emails().exists(), timeout=120)
    recovered = time.monotonic() - back
    accepted = workers.accepted()
    report(
        claimed=claimed,
        sent=len(set(accepted)),
        duplicates=duplicates(accepted),
        seconds_to_recover=round(recovered, 1),
    )
    assert len(set(accepted)) == claimed
    assert duplicates(accepted) == 0


def test_worker_killed_mid_batch_then_every_email_is_delivered(broker, workers, report):
    load_demo_world()
    overdue_signals(500)
    first = workers.start(mail_delay=0.01)  # a batch of 200 takes about two seconds
    counts = sweep_and_queue(ROUND)
    claimed = sum(counts.values())
    assert wait_for(lambda: len(workers.accepted()) >= 250, timeout=120)
    workers.kill(first)
    killed = time.monotonic()
    at_kill = len(workers.accepted())
    assert at_kill < claimed, "the worker finished before it could be killed"

    # The unacknowledged batch comes back after the visibility timeout, to a new worker.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    workers.start()
    redelivered = wait_for(lambda: delivery.pending_emails().count() <= 1, timeout=120)
    # The one e-mail whose worker died while sending waits for its lease (5 minutes in
    # production); the outbox task then queues it.
    advance_the_clock()
    requeue_pending()
    assert wait_for(lambda: not delivery.pending_emails().exists(), timeout=60)
    recovered = time.monotonic() - killed
    accepted = workers.accepted()
    report(
        claimed=claimed,
        sent_before_kill=at_kill,
        sent=len(set(accepted)),
        duplicates=duplicates(accepted),
        redelivered_by_broker=redelivered,
        seconds_to_recover=round(recovered, 1),
    )
    assert redelivered
    assert len(set(accepted)) == claimed
    assert duplicates(accepted) <= 200  # at most the batch in flight (in practice 0 or 1)


def test_concurrent_rounds_send_every_email_once(broker, workers, report):
    load_demo_world()
    overdue_signals(300)
    workers.start()
    workers.start()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def round_():
        try:
            barrier.wait()
            results.append(sweep_and_queue(ROUND))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=round_) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    claimed = sum(sum(counts.values()) for counts in results)
    assert wait_for(lambda: not delivery.pending_emails().exists(), timeout=120)
    accepted = workers.accepted()
    report(
        rounds=4,
        claimed=claimed,
        reminders=Reminder.objects.count(),
        sent=len(set(accepted)),
        duplicates=duplicates(accepted),
        seconds=round(time.monotonic() - started, 1),
    )
    assert claimed == Reminder.objects.count() == 600
    assert len(accepted) == 600
    assert duplicates(accepted) == 0


HEADER = "kind;postcode;house_number;house_number_addition;description\r\n"


def big_csv(rows: int) -> bytes:
    """Rows without external references: only the import's own bookkeeping (job and
    line) keeps a retry from filing a row twice."""
    lines = (
        f"overlast;10{11 + n % 9} AB;{n % 99_999 + 1};{chr(65 + n // 99_999)};Overlast {n}\r\n"
        for n in range(rows)
    )
    return (HEADER + "".join(lines)).encode()


def test_fifty_thousand_row_import_completes_once_despite_a_killed_worker(
    broker, workers, report, api_for
):
    rows = 50_000
    first = workers.start()
    upload = SimpleUploadedFile("groot.csv", big_csv(rows), content_type="text/csv")
    started = time.monotonic()
    response = api_for("anna").post("/api/v1/signals/import/", {"file": upload}, format="multipart")
    answered = time.monotonic() - started
    assert response.status_code == 202
    import_id = response.json()["id"]

    def processed():
        return SignalImport.objects.get(pk=import_id).processed_rows

    assert wait_for(lambda: processed() >= 5_000, timeout=300, interval=0.5)
    workers.kill(first)
    at_kill = processed()
    killed = time.monotonic()
    assert at_kill < rows, "the import finished before its worker could be killed"
    # The retry: a new worker; the sweep finds the import without a heartbeat and queues
    # it again (its heartbeat is aged here: 5 minutes in production).
    workers.start()
    SignalImport.objects.filter(pk=import_id).update(
        heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    assert start_waiting_imports() == 1
    assert wait_for(
        lambda: SignalImport.objects.get(pk=import_id).status == ImportStatus.DONE,
        timeout=600,
        interval=1,
    )
    signal_import = SignalImport.objects.get(pk=import_id)
    status = api_for("anna").get(response.json()["status_url"]).json()
    report(
        rows=rows,
        seconds_to_answer_upload=round(answered, 2),
        processed_at_kill=at_kill,
        created=signal_import.created,
        signals_stored=Signal.objects.count(),
        duplicates=Signal.objects.count() - rows,
        seconds_to_recover=round(time.monotonic() - killed, 1),
    )
    assert (status["status"], status["processed_rows"], status["created"]) == ("done", rows, rows)
    assert Signal.objects.count() == rows
    assert signal_import.content == ""


def test_upload_while_the_broker_is_down_is_processed_later(broker, workers, report, client_for):
    workers.start()
    broker.stop()
    upload = SimpleUploadedFile("maart.csv", big_csv(1_000), content_type="text/csv")
    response = client_for("anna").post("/signalen/importeren/", {"file": upload})
    assert response.status_code == 302
    signal_import = SignalImport.objects.get()
    assert signal_import.is_waiting_for_queue
    assert list(waiting_imports()) == [signal_import]

    broker.start()
    back = time.monotonic()
    assert start_waiting_imports() == 1  # the 2-minute sweep
    assert wait_for(lambda: SignalImport.objects.get().status == ImportStatus.DONE, timeout=120)
    report(
        rows=1_000,
        created=SignalImport.objects.get().created,
        seconds_to_recover=round(time.monotonic() - back, 1),
    )
    assert Signal.objects.count() == 1_000


def test_verify_under_concurrent_writers_raises_no_false_alarm(transactional_db, report):
    results, written, errors = verify_while_writing(seeds=2_000, writers=4, verifications=20)
    alarms = [r for r in results if not r.ok]
    report(verifications=len(results), rows_written_meanwhile=written, false_alarms=len(alarms))
    assert errors == []
    assert written
    assert alarms == []


SEALER_KILLED_MID_RUN = """
import time
import django
django.setup()
from privacy import chain
real = chain.row_hash
def slow(prev_hash, values):
    time.sleep(0.002)  # about one second per batch of 500, so the kill lands mid-run
    return real(prev_hash, values)
chain.row_hash = slow
chain.seal(batch=500)
"""


def test_sealer_killed_mid_run_then_beat_and_a_worker_seal_the_rest(broker, workers, report):
    """Access-log rows are written unchained; a sealer process is killed (SIGKILL) in the
    middle of its run, which leaves a valid sealed prefix; celery beat's 5-second
    schedule and a real worker then seal the rest into one chain."""
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from privacy import access_log, chain
    from privacy.models import AccessAction, AccessLog

    schedule = import_module("privacy.migrations.0009_access_log_sealed_after_write")
    schedule.create_schedule(apps, None)  # flushed by earlier transactional tests
    PeriodicTask.objects.exclude(task=schedule.SEAL_TASK).update(enabled=False)
    rows = 3_000
    for i in range(rows):
        access_log.record(None, AccessAction.READ, "signal", f"r{i}")
    unsealed = AccessLog.objects.filter(seq__isnull=True)
    assert unsealed.count() == rows

    sealer = workers.spawn(["-c", SEALER_KILLED_MID_RUN], "sealer")
    assert wait_for(lambda: unsealed.count() <= rows - 500, timeout=60)
    workers.kill(sealer)
    sealed_before_kill = rows - unsealed.count()
    assert 0 < sealed_before_kill < rows, "the sealer finished before it could be killed"
    assert sealed_before_kill % 500 == 0  # whole batches only: the one in flight rolled back
    prefix = chain.verify(seal_first=False)
    assert prefix.ok and prefix.pending == rows - sealed_before_kill

    killed = time.monotonic()
    workers.start_beat()
    workers.start()
    assert wait_for(lambda: not unsealed.exists(), timeout=90)
    recovered = time.monotonic() - killed
    result = chain.verify(seal_first=False)
    report(
        rows=rows,
        sealed_before_kill=sealed_before_kill,
        sealed_by_beat=rows - sealed_before_kill,
        seconds_to_seal_the_rest=round(recovered, 1),
        chain_ok=result.ok,
    )
    assert result.ok and result.pending == 0 and result.rows == rows
    places = sorted(AccessLog.objects.values_list("seq", flat=True))
    assert places == list(range(1, rows + 1))
