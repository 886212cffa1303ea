"""The signal tally (signals.tally): the district figures count from it, so it must add up
to the signals after every way a signal is written, stay exact while compaction runs
beside writers or dies, and never make one filing wait for another."""

import io
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cases import services
from privacy.retention import erase_signals
from signals import tally
from signals.models import Signal, SignalTally
from signals.services import file_signal
from tests.signals.conftest import NUISANCE

# Every column of the tally's key: the strictest comparison.
EVERY_COLUMN = ("team_id", "month", "organisation_id", "district_id", "kind", "outcome", "status")
FROM, UNTIL = date(2000, 1, 1), date(2100, 1, 1)


def _teams():
    return set(Signal.objects.values_list("team_id", flat=True))


def assert_tally_adds_up(by=EVERY_COLUMN):
    teams = _teams()
    kept = sorted(map(tuple, tally.counts(teams, FROM, UNTIL, by)), key=repr)
    assert kept == sorted(map(tuple, tally.live_counts(teams, FROM, UNTIL, by)), key=repr)
    return kept


def test_the_tally_adds_up_to_the_signals_after_every_kind_of_write(file_as, user):
    noor, omar = user("noor"), user("omar")
    first, second, third, fourth = (file_as("anna", house_number=n) for n in (1, 2, 3, 4))
    file_as("bram", house_number=5, postcode="1025 AB")
    assert sum(n for *_key, n in assert_tally_adds_up()) == 5

    case = services.accept_signal(noor, first)  # a new status
    services.decline_signal(noor, second, "Al bekend bij de huisarts", "other")
    services.reroute_signal(noor, third, omar.memberships.get().organisation, "Hoort bij Zuid")
    services.transition_case(noor, case, "in_progress")
    services.transition_case(noor, case, "closed", outcome="help_accepted")  # an outcome
    assert_tally_adds_up()

    # Bulk updates bypass every Python function: a new filing month, a new district.
    Signal.objects.filter(pk=fourth.pk).update(filed_at=timezone.now().replace(year=2024))
    Signal.objects.filter(pk=second.pk).update(district=None)
    rows = SignalTally.objects.count()
    erase_signals(Signal.objects.values("pk"), timezone.now())  # changes no counted column
    assert SignalTally.objects.count() == rows
    assert_tally_adds_up()

    Signal.objects.bulk_create(
        [Signal(**{**_copy_of(fourth), "reference": f"SIG-T-{n}"}) for n in range(3)]
    )
    file_as("anna", house_number=9).delete()
    counted = assert_tally_adds_up(("team_id", "kind"))
    assert sum(n for *_key, n in counted) == Signal.objects.count() == 8


def _copy_of(signal) -> dict:
    """The fields of `signal` for another one (no id, no external reference)."""
    fields = {f.attname: getattr(signal, f.attname) for f in Signal._meta.concrete_fields}
    fields.pop("id")
    fields["external_reference"] = None
    return fields


def test_compaction_keeps_every_sum_and_leaves_one_row_per_key(file_as, user):
    signals = [file_as("anna", house_number=n) for n in range(1, 7)]
    services.decline_signal(user("noor"), signals[0], "Geen vraag", "other")
    before = assert_tally_adds_up()
    pending = SignalTally.objects.filter(compacted=False).count()
    assert pending >= 7  # one row per filing, two for the decline

    removed = tally.compact()

    assert removed >= pending
    assert not SignalTally.objects.filter(compacted=False).exists()
    assert SignalTally.objects.count() == len(before)  # one row per key, no zero sums
    assert assert_tally_adds_up() == before
    assert tally.compact() == 0  # nothing changed since


@pytest.mark.django_db(transaction=True)
def test_a_compaction_killed_halfway_changes_nothing(demo, file_as):
    """The compaction's backend is killed while it deletes (it waits on a row lock held
    here): every row stays as it was, and the sums with it."""
    for n in range(1, 4):
        file_as("anna", house_number=n)
    rows = sorted(SignalTally.objects.values_list("id", "delta", "compacted"))
    backend, failures, started = [], [], threading.Event()

    def compact_in_a_worker():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
            started.set()
            tally.compact()
        except Exception as exc:  # the kill, whatever the driver calls it
            failures.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=compact_in_a_worker)
    with transaction.atomic():
        SignalTally.objects.select_for_update().filter(pk=rows[-1][0]).get()
        worker.start()
        assert started.wait(10)
        _wait_until_waiting_on_a_lock(backend[0])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend[0]])
    worker.join(10)

    assert failures  # it died, it did not finish
    assert sorted(SignalTally.objects.values_list("id", "delta", "compacted")) == rows
    assert_tally_adds_up()


def _wait_until_waiting_on_a_lock(pid: int) -> None:
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                return
            time.sleep(0.05)
    raise AssertionError("de samenvatting wachtte niet op de vergrendelde rij")


@contextmanager
def _open_in_another_transaction(write):
    """Run `write` in a transaction of another thread and keep it open (uncommitted) while
    the block runs; it commits when the block ends."""
    written, go_on = threading.Event(), threading.Event()

    def write_and_wait():
        try:
            with transaction.atomic():
                write()
                written.set()
                go_on.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=write_and_wait)
    writer.start()
    try:
        assert written.wait(10)
        yield
    finally:
        go_on.set()
        writer.join(10)


@pytest.mark.django_db(transaction=True)
def test_compaction_beside_an_open_filing_loses_no_count(demo, user):
    """A filing still open while compaction runs is not in its snapshot: its rows stay and
    count once, after its commit."""
    anna = user("anna")
    file_signal(anna, {**NUISANCE, "house_number": 1})
    with _open_in_another_transaction(lambda: file_signal(anna, {**NUISANCE, "house_number": 2})):
        tally.compact()

    counted = assert_tally_adds_up()
    assert sum(n for *_key, n in counted) == 2
    assert SignalTally.objects.filter(compacted=False).exists()  # the late filing's row
    tally.compact()
    assert assert_tally_adds_up() == counted


@pytest.mark.django_db(transaction=True)
def test_two_signals_of_the_same_key_do_not_wait_for_each_other(demo, file_as):
    """Rows of changes, not a row per key updated in place: a signal of the same team,
    month and kind is written and committed while another one is still open."""
    model = _copy_of(file_as("anna", house_number=1))
    with (
        _open_in_another_transaction(
            lambda: Signal.objects.create(**{**model, "reference": "SIG-T-1"})
        ),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL lock_timeout = '2s'")
        Signal.objects.create(**{**model, "reference": "SIG-T-2"})
    assert sum(n for *_key, n in assert_tally_adds_up()) == 3


def test_months_are_local_months_of_the_configured_time_zone(file_as):
    """Filed at 00:30 on 1 January in Amsterdam is still December in UTC: the trigger
    counts it in January, as the pages do; rebuilt for another zone it moves."""
    assert tally.trigger_time_zone() == settings.TIME_ZONE
    signal = file_as("anna", house_number=1)
    new_year = timezone.make_aware(datetime(2026, 1, 1, 0, 30))
    Signal.objects.filter(pk=signal.pk).update(filed_at=new_year)
    teams = _teams()
    assert tally.counts(teams, FROM, UNTIL, ("month",)) == [(date(2026, 1, 1), 1)]

    tally.rebuild("UTC")
    try:
        assert tally.trigger_time_zone() == "UTC"
        assert tally.counts(teams, FROM, UNTIL, ("month",)) == [(date(2025, 12, 1), 1)]
    finally:
        call_command("rebuild_signal_tally", stdout=io.StringIO())
    assert tally.trigger_time_zone() == settings.TIME_ZONE
    assert_tally_adds_up()


def test_the_tally_is_summed_every_five_minutes_and_by_hand(file_as, capsys):
    task = PeriodicTask.objects.get(task="signals.tasks.compact_signal_tally")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 5, "minutes")
    file_as("anna", house_number=1)
    call_command("rebuild_signal_tally", "--compact")
    assert "1 rijen opgeteld" in capsys.readouterr().out
    assert not SignalTally.objects.filter(compacted=False).exists()


def test_only_the_tally_columns_can_be_asked_for():
    with pytest.raises(ValueError):
        tally.counts([1], FROM, UNTIL, ("month", "description"))
    with pytest.raises(ValueError):
        tally.function_sql("Europe/Amsterdam'; DROP TABLE signals_signal; --")


def test_a_load_without_triggers_is_found_by_the_check_and_repaired(file_as, capsys):
    """A restore or bulk load with triggers off (`session_replication_role = replica`)
    passes the trigger by: `rebuild_signal_tally --check` says so, a rebuild repairs it."""
    model = _copy_of(file_as("anna", house_number=1))
    call_command("rebuild_signal_tally", "--check")
    assert "klopt" in capsys.readouterr().out

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        Signal.objects.bulk_create(
            [Signal(**{**model, "reference": f"SIG-R-{n}"}) for n in range(2)]
        )
    assert tally.differences() == 1  # one key counted 1 instead of 3
    with pytest.raises(CommandError, match="1 sleutels"):
        call_command("rebuild_signal_tally", "--check")

    call_command("rebuild_signal_tally", stdout=io.StringIO())
    assert tally.differences() == 0
    assert sum(n for *_key, n in assert_tally_adds_up()) == 3
