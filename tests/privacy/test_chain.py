"""Tamper evidence: the hash chain over the access log."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from privacy import access_log, chain, retention
from privacy.models import AccessAction, AccessLog, AccessLogCheckpoint
from tests.helpers import user, verify_while_writing


def write_rows(n, who="sara"):
    actor = user(who)
    return [
        access_log.record(actor, AccessAction.READ, "signal", f"id-{i}", household_key="1012AB-5-")
        for i in range(n)
    ]


def test_rows_are_chained_in_insertion_order(demo):
    rows = write_rows(3)
    assert rows[0].hash and rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    stored = AccessLog.objects.get(pk=rows[1].pk)
    assert stored.hash == chain.row_hash(
        stored.prev_hash, {f: getattr(stored, f) for f in chain.CONTENT_FIELDS}
    )


def test_verify_reports_ok_with_row_count(demo, capsys):
    write_rows(4)
    call_command("verify_access_log")
    total = AccessLog.objects.count()
    assert f"OK: {total} regels" in capsys.readouterr().out


def test_database_refuses_update(demo):
    (row,) = write_rows(1)
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_accesslog SET username = 'x' WHERE id = %s", [row.pk])


def test_verify_detects_an_edited_row(demo):
    rows = write_rows(5)
    edited = rows[2]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE privacy_accesslog DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE privacy_accesslog SET username = 'iemand-anders' WHERE id = %s", [edited.pk]
        )
        cursor.execute("ALTER TABLE privacy_accesslog ENABLE TRIGGER USER")
    result = chain.verify()
    assert not result.ok
    assert result.broken_id == edited.pk
    with pytest.raises(CommandError, match=f"id={edited.pk}"):
        call_command("verify_access_log")


def test_verify_detects_a_removed_row(demo):
    rows = write_rows(4)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE privacy_accesslog DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM privacy_accesslog WHERE id = %s", [rows[1].pk])
        cursor.execute("ALTER TABLE privacy_accesslog ENABLE TRIGGER USER")
    result = chain.verify()
    assert not result.ok and result.broken_id == rows[2].pk


def test_chain_stays_verifiable_after_log_retention(demo, settings):
    settings.RETENTION_ACCESS_LOG_DAYS = 10
    old = write_rows(3)
    later = timezone.now() + timedelta(days=12)
    kept = write_rows(2)
    removed = retention.remove_old_access_log(later)
    # Everything written before the cut day (the demo's rows and the first three) is gone.
    assert removed >= 3
    assert not AccessLog.objects.filter(pk__in=[r.pk for r in old]).exists()
    # The newest rows were written "today", 12 days before `later`: also past 10 days.
    assert not AccessLog.objects.filter(pk__in=[r.pk for r in kept]).exists()
    fresh = write_rows(2)
    checkpoint = AccessLogCheckpoint.objects.get()
    assert checkpoint.anchor_hash == kept[-1].hash
    assert AccessLog.objects.order_by("id").first().prev_hash == checkpoint.anchor_hash
    assert chain.verify().ok
    assert chain.verify().rows == len(fresh)


def test_log_retention_cuts_in_whole_days(demo, settings):
    """With 1 day: rows written today stay through tomorrow and go the day after."""
    settings.RETENTION_ACCESS_LOG_DAYS = 1
    rows = write_rows(2)
    today = timezone.localtime()
    tomorrow_late = today.replace(hour=23, minute=59) + timedelta(days=1)
    day_after_early = today.replace(hour=0, minute=1) + timedelta(days=2)
    assert retention.remove_old_access_log(tomorrow_late) == 0
    assert retention.remove_old_access_log(day_after_early) >= len(rows)
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Writers in their own transactions (no savepoint in `chain.append`) still chain one
    after another: the head row lock is held until each transaction commits."""
    import threading

    from django.db import connections, transaction

    errors = []

    def write(thread: int):
        try:
            for i in range(10):
                with transaction.atomic():
                    access_log.record(None, AccessAction.READ, "signal", f"t{thread}-{i}")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = chain.verify()
    assert result.ok, result.problem
    assert result.rows == AccessLog.objects.count() >= 40


@pytest.mark.django_db(transaction=True)
def test_verify_under_concurrent_writers_raises_no_false_alarm():
    """Verification while others keep writing: the head and the rows come from one
    snapshot, so a row appended meanwhile is not reported as a missing link."""
    results, written, errors = verify_while_writing(seeds=300, writers=2, verifications=8)
    assert errors == []
    assert written > 0
    assert [(r.ok, r.problem) for r in results] == [(True, "")] * 8
    assert chain.verify().rows == AccessLog.objects.count()
