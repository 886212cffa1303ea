"""Tamper evidence: the hash chain over the access log, sealed after the write."""

import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from privacy import access_log, chain, retention
from privacy.models import AccessAction, AccessLog, AccessLogChainHead, AccessLogCheckpoint
from tests.helpers import user, verify_while_writing


def write_rows(n, who="sara"):
    actor = user(who)
    return [
        access_log.record(actor, AccessAction.READ, "signal", f"id-{i}", household_key="1012AB-5-")
        for i in range(n)
    ]


def test_rows_are_written_unsealed_and_chained_by_the_sealer(demo):
    chain.seal()
    rows = write_rows(3)
    stored = list(AccessLog.objects.filter(pk__in=[r.pk for r in rows]).order_by("id"))
    assert [(r.seq, r.prev_hash, r.hash) for r in stored] == [(None, "", "")] * 3
    assert chain.seal() == 3
    head = AccessLogChainHead.objects.get(pk=1)
    stored = list(AccessLog.objects.filter(pk__in=[r.pk for r in rows]).order_by("seq"))
    assert [r.pk for r in stored] == [r.pk for r in rows]
    assert stored[0].hash and stored[1].prev_hash == stored[0].hash
    assert stored[2].prev_hash == stored[1].hash
    assert [r.seq for r in stored] == [head.last_seq - 2, head.last_seq - 1, head.last_seq]
    assert head.last_hash == stored[2].hash and head.last_id == stored[2].pk
    assert stored[1].hash == chain.row_hash(
        stored[1].prev_hash, {f: getattr(stored[1], f) for f in chain.CONTENT_FIELDS}
    )
    assert chain.seal() == 0


def test_a_log_write_is_one_insert(demo, django_assert_num_queries):
    """No lock, no head update: one INSERT (and the reason's row when there is one)."""
    with django_assert_num_queries(1) as context:
        access_log.record(None, AccessAction.READ, "signal", "1")
    assert context.captured_queries[0]["sql"].startswith('INSERT INTO "privacy_accesslog"')
    with django_assert_num_queries(2):
        access_log.record(None, AccessAction.UPDATE, "signal", "1", reason="Doorgezet")


def test_the_rows_of_one_page_are_one_insert_chained_in_their_order(
    demo, django_assert_num_queries
):
    """`record_all` (the district page's four rows): one INSERT, the same rows as
    recording each, sealed in the order given and verifiable."""
    sara = user("sara")
    chain.seal()
    entries = [
        access_log.entry(sara, AccessAction.READ, "district_analysis", "1"),
        access_log.entry(sara, AccessAction.LIST, "contact", object_ids=["7", "8"]),
        access_log.entry(sara, AccessAction.LIST, "observation"),
    ]
    with django_assert_num_queries(1) as context:
        written = access_log.record_all(entries)
    assert context.captured_queries[0]["sql"].startswith('INSERT INTO "privacy_accesslog"')
    assert chain.seal() == 3
    stored = list(AccessLog.objects.filter(pk__in=[r.pk for r in written]).order_by("seq"))
    assert [(r.object_type, r.object_ids, r.username) for r in stored] == [
        ("district_analysis", [], "sara"),
        ("contact", ["7", "8"], "sara"),
        ("observation", [], "sara"),
    ]
    assert stored[1].prev_hash == stored[0].hash and stored[2].prev_hash == stored[1].hash
    assert chain.verify().ok


def test_verify_counts_unsealed_rows_as_pending_not_as_tampered(demo, capsys):
    chain.seal()
    write_rows(3)
    result = chain.verify(seal_first=False)
    assert result.ok and result.pending == 3
    assert result.rows == AccessLog.objects.count() - 3
    result = chain.verify()
    assert result.ok and result.pending == 0
    assert result.rows == AccessLog.objects.count()


def test_verify_command_reports_pending_rows_separately(demo, capsys, monkeypatch):
    chain.seal()
    write_rows(2)
    monkeypatch.setattr(chain, "seal", lambda **kwargs: 0)  # a sealer busy elsewhere
    call_command("verify_access_log")
    out = capsys.readouterr().out
    total = AccessLog.objects.count()
    assert f"OK: {total - 2} regels, keten intact; 2 regels nog niet verzegeld" in out


def test_verify_reports_ok_with_row_count(demo, capsys):
    write_rows(4)
    call_command("verify_access_log")
    total = AccessLog.objects.count()
    assert f"OK: {total} regels" in capsys.readouterr().out


def test_database_refuses_update(demo):
    (row,) = write_rows(1)
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_accesslog SET username = 'x' WHERE id = %s", [row.pk])


def refused(sql: str, params=(), *, retention=False) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if retention:
                cursor.execute("SET LOCAL wijkportaal.access_log_retention = 'on'")
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert "append-only" in str(exc)
        return True
    return False


def test_database_lets_only_the_one_time_sealing_through(demo):
    (row,) = write_rows(1)
    seal = "UPDATE privacy_accesslog SET seq = %s, prev_hash = '', hash = %s"
    # Sealing must leave the content as it is.
    assert refused(f"{seal}, username = 'x' WHERE id = %s", [10**9, "a" * 64, row.pk])
    assert refused(f"{seal}, at = now() WHERE id = %s", [10**9, "a" * 64, row.pk])
    # A seal with an empty hash is no seal.
    assert refused("UPDATE privacy_accesslog SET seq = %s WHERE id = %s", [10**9, row.pk])
    chain.seal()
    stored = AccessLog.objects.get(pk=row.pk)
    assert stored.seq is not None and stored.hash
    # Once sealed, never again, and no row is unsealed again.
    assert refused(f"{seal} WHERE id = %s", [stored.seq + 5, "b" * 64, row.pk])
    assert refused("UPDATE privacy_accesslog SET seq = NULL, hash = '' WHERE id = %s", [row.pk])
    assert AccessLog.objects.filter(pk=row.pk, hash=stored.hash, seq=stored.seq).exists()


def test_retention_cannot_delete_an_unsealed_row(demo):
    (row,) = write_rows(1)
    delete = "DELETE FROM privacy_accesslog WHERE id = %s"
    assert refused(delete, [row.pk], retention=True)
    chain.seal()
    assert refused(delete, [row.pk])  # sealed, but not by retention
    assert not refused(delete, [row.pk], retention=True)


def test_verify_detects_an_edited_row(demo):
    rows = write_rows(5)
    chain.seal()
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
    chain.seal()
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
    chain.seal()
    checkpoint = AccessLogCheckpoint.objects.get()
    assert checkpoint.removed_through_id == kept[-1].pk
    assert checkpoint.anchor_hash == AccessLog.objects.get(pk=fresh[0].pk).prev_hash
    assert AccessLog.objects.order_by("seq").first().pk == fresh[0].pk
    assert chain.verify().ok
    assert chain.verify().rows == len(fresh)


def test_log_retention_cuts_sealed_rows_only(demo, settings, monkeypatch):
    """A row from before the cut that is not sealed yet waits for the next run."""
    settings.RETENTION_ACCESS_LOG_DAYS = 10
    chain.seal()
    write_rows(2)
    later = timezone.now() + timedelta(days=12)
    monkeypatch.setattr(chain, "seal", lambda **kwargs: 0)  # no sealer ran
    sealed = AccessLog.objects.filter(seq__isnull=False).count()
    assert retention.remove_old_access_log(later) == sealed
    assert AccessLog.objects.filter(seq__isnull=True).count() == 2
    monkeypatch.undo()
    assert retention.remove_old_access_log(later) == 2
    assert not AccessLog.objects.exists()
    assert chain.verify().ok


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
def test_concurrent_writers_and_two_sealers_keep_one_chain():
    """Writers in their own transactions while two sealers run at once: once sealed, one
    chain, every row in it once, places 1..n without a fork."""
    errors = []
    writing = threading.Event()
    writing.set()

    def write(thread: int):
        try:
            for i in range(15):
                with transaction.atomic():
                    access_log.record(None, AccessAction.READ, "signal", f"t{thread}-{i}")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def sealer(wait: bool):
        try:
            while writing.is_set():
                chain.seal(wait=wait, batch=4)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    sealers = [threading.Thread(target=sealer, args=(wait,)) for wait in (True, False)]
    for thread in writers + sealers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    for thread in sealers:
        thread.join()
    assert errors == []
    result = chain.verify()
    assert result.ok, result.problem
    assert result.pending == 0
    assert result.rows == AccessLog.objects.count() >= 60
    places = sorted(AccessLog.objects.values_list("seq", flat=True))
    assert places == list(range(1, len(places) + 1))


@pytest.mark.django_db(transaction=True)
def test_a_row_committed_late_is_chained_after_the_rows_committed_before_it():
    """Ids are handed out at INSERT, not at COMMIT: a transaction that inserted first and
    commits last gets the lower id and the later place in the chain."""
    inserted, commit = threading.Event(), threading.Event()
    late = {}

    def slow_writer():
        try:
            with transaction.atomic():
                late["row"] = access_log.record(None, AccessAction.READ, "signal", "late")
                inserted.set()
                commit.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(10)
    early = access_log.record(None, AccessAction.READ, "signal", "early")
    assert chain.seal() == 1  # the open transaction's row is not visible yet
    assert chain.verify().ok
    commit.set()
    thread.join()
    assert chain.seal() == 1
    late_row = AccessLog.objects.get(pk=late["row"].pk)
    early_row = AccessLog.objects.get(pk=early.pk)
    assert late_row.pk < early_row.pk and late_row.seq > early_row.seq
    assert late_row.prev_hash == early_row.hash
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_a_sealer():
    """The hot path takes no global lock: while a sealer holds the chain head, a write
    still commits at once (the old design locked the head in every write)."""
    locked, release = threading.Event(), threading.Event()

    def busy_sealer():
        try:
            with transaction.atomic():
                AccessLogChainHead.objects.select_for_update().filter(pk=1).first()
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    AccessLogChainHead.objects.get_or_create(pk=1)
    thread = threading.Thread(target=busy_sealer)
    thread.start()
    try:
        assert locked.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            row = access_log.record(None, AccessAction.READ, "signal", "while-sealing")
        assert AccessLog.objects.filter(pk=row.pk).exists()
        assert chain.seal(wait=False) == 0  # the other sealer holds the head: skip
    finally:
        release.set()
        thread.join()
    assert chain.seal() == 1


def test_a_sealer_that_dies_mid_run_leaves_a_valid_prefix(demo, monkeypatch):
    chain.seal()
    write_rows(12)
    real_hash, calls = chain.row_hash, []

    def dies_at_the_eighth_row(prev_hash, values):
        calls.append(1)
        if len(calls) == 8:
            raise RuntimeError("worker lost")
        return real_hash(prev_hash, values)

    monkeypatch.setattr(chain, "row_hash", dies_at_the_eighth_row)
    with pytest.raises(RuntimeError):
        chain.seal(batch=5)
    monkeypatch.undo()
    # The first batch was committed, the second rolled back whole.
    assert AccessLog.objects.filter(seq__isnull=True).count() == 7
    result = chain.verify(seal_first=False)
    assert result.ok and result.pending == 7
    assert chain.seal() == 7
    result = chain.verify()
    assert result.ok and result.pending == 0 and result.rows == AccessLog.objects.count()


def test_a_row_placed_after_the_head_is_reported(demo):
    """A sealed-looking row the sealer never chained (inserted with its own place)."""
    chain.seal()
    head = AccessLogChainHead.objects.get(pk=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO privacy_accesslog (at, username, organisation_name, role, action, "
            "object_type, object_id, object_ids, household_key, purpose, request_id, seq, "
            "prev_hash, hash) VALUES (now(), 'x', '', '', 'read', 'signal', '1', '[]', '', "
            "'work', '', %s, %s, %s)",
            [head.last_seq + 1, head.last_hash, "c" * 64],
        )
    result = chain.verify()
    assert not result.ok


@pytest.mark.django_db(transaction=True)
def test_verify_under_concurrent_writers_raises_no_false_alarm():
    """Verification while others keep writing: the head and the rows come from one
    snapshot, so a row appended meanwhile is not reported as a missing link."""
    results, written, errors = verify_while_writing(seeds=300, writers=2, verifications=8)
    assert errors == []
    assert written > 0
    assert [(r.ok, r.problem) for r in results] == [(True, "")] * 8
    assert chain.verify().rows == AccessLog.objects.count()


def test_the_sealer_runs_every_five_seconds_from_beat(db):
    from django_celery_beat.models import PeriodicTask

    from privacy import tasks

    task = PeriodicTask.objects.get(task="privacy.tasks.seal_access_log")
    assert task.enabled and (task.interval.every, task.interval.period) == (5, "seconds")
    access_log.record(None, AccessAction.READ, "signal", "1")
    assert tasks.seal_access_log() == 1
    assert not AccessLog.objects.filter(seq__isnull=True).exists()
