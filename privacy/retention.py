"""Erasing personal data: on request (per household) and by the retention periods.

Erasure blanks the personal fields and sets `erased_at`; the stripped row is the anonymous
statistical record (kind, district, team, organisation, dates, status, outcome stay), so
dashboards keep counting it. Everything is set-based: each batch is one UPDATE over at
most `BATCH` ids chosen by a sub-select, so a million rows never pass through Python.

Retention periods (settings, in days, counted back from the run's moment):
- signals declined or closed without a case: RETENTION_SIGNAL_DAYS after the moment they
  were closed (`closed_at`), else after triage (`triaged_at`, when a decline is decided),
  else after filing;
- closed cases: RETENTION_CASE_DAYS after `closed_at`, with all their signals and the
  texts of their history;
- access-log rows: RETENTION_ACCESS_LOG_DAYS, in whole days (rows from before local
  midnight of the cut day), removed as a prefix of the sealed hash chain with a
  checkpoint."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseState
from core.dates import local_midnight
from signals.models import ImportStatus, Signal, SignalImport, SignalStatus

from .models import (
    AccessLog,
    AccessLogCheckpoint,
    AccessLogReason,
    CaseUserObjectPermission,
    RetentionRun,
)

BATCH = 5000


def erased_signal_fields(now: datetime) -> dict:
    return {
        "postcode": "",
        "house_number": None,
        "house_number_addition": "",
        "household_key": "",
        "description": "",
        "arrears_amount": None,
        "arrears_months": None,
        "eviction_date": None,
        "decline_reason": "",
        "external_reference": None,
        "erased_at": now,
    }


def erased_case_fields(now: datetime) -> dict:
    return {
        "postcode": "",
        "house_number": None,
        "house_number_addition": "",
        "household_key": "",
        "threat": "",
        "erased_at": now,
    }


def erase_signals(pks: QuerySet, now: datetime) -> int:
    """`pks`: a query of signal ids (used as a sub-select, never loaded)."""
    return Signal.objects.filter(pk__in=pks).update(**erased_signal_fields(now))


def erase_cases(cases: QuerySet, now: datetime) -> tuple[int, int]:
    """Erase the cases, their signals and their history texts. Returns (cases, signals).

    The (at most BATCH) ids are read once: the same sliced query would select other
    cases after the first UPDATE."""
    case_ids = list(cases.values_list("pk", flat=True))
    signal_count = erase_signals(
        Signal.objects.filter(case_link__case_id__in=case_ids, erased_at__isnull=True).values("pk"),
        now,
    )
    CaseEvent.objects.filter(case_id__in=case_ids).exclude(text="").update(text="")
    # A personal share carries a reason that may name the resident: it ends with the case.
    CaseUserObjectPermission.objects.filter(content_object_id__in=case_ids).delete()
    case_count = Case.objects.filter(pk__in=case_ids).update(**erased_case_fields(now))
    return case_count, signal_count


# --- what is due ---------------------------------------------------------------------------


def signals_due(now: datetime) -> QuerySet:
    cutoff = now - timedelta(days=settings.RETENTION_SIGNAL_DAYS)
    return (
        Signal.objects.filter(
            status__in=[SignalStatus.DECLINED, SignalStatus.CLOSED], erased_at__isnull=True
        )
        .filter(case_link__isnull=True)
        .alias(ended_at=Coalesce("closed_at", "triaged_at", "filed_at"))
        .filter(ended_at__lt=cutoff)
    )


def cases_due(now: datetime) -> QuerySet:
    cutoff = now - timedelta(days=settings.RETENTION_CASE_DAYS)
    return Case.objects.filter(state=CaseState.CLOSED, erased_at__isnull=True, closed_at__lt=cutoff)


def access_log_cut(now: datetime) -> datetime:
    """Local midnight of the first day that is kept."""
    day = timezone.localdate(now) - timedelta(days=settings.RETENTION_ACCESS_LOG_DAYS)
    return local_midnight(day)


def access_log_due(now: datetime) -> QuerySet:
    return AccessLog.objects.filter(at__lt=access_log_cut(now))


def case_signals_due(now: datetime) -> QuerySet:
    return Signal.objects.filter(
        case_link__case__in=cases_due(now).values("pk"), erased_at__isnull=True
    )


# --- applying -------------------------------------------------------------------------------


@dataclass
class Counts:
    signals: int = 0
    cases: int = 0
    case_signals: int = 0
    access_log: int = 0
    import_files: int = 0


def apply_retention(now: datetime | None = None, *, dry_run=False, triggered_by="") -> RetentionRun:
    """Run every retention rule as of `now`; a dry run only counts. Records a RetentionRun."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(as_of=now, dry_run=dry_run, triggered_by=triggered_by)
    counts = count_due(now) if dry_run else erase_due(now)
    run.signals_erased = counts.signals
    run.cases_erased = counts.cases
    run.case_signals_erased = counts.case_signals
    run.access_log_removed = counts.access_log
    run.finished_at = timezone.now()
    run.save()
    run.import_files_cleared = counts.import_files  # reported by the command, not stored
    return run


def count_due(now: datetime) -> Counts:
    return Counts(
        signals=signals_due(now).count(),
        cases=cases_due(now).count(),
        case_signals=case_signals_due(now).count(),
        access_log=access_log_due(now).count(),
        import_files=import_files_due(now).count(),
    )


def erase_due(now: datetime) -> Counts:
    counts = Counts()
    stamp = timezone.now()
    while True:
        with transaction.atomic():
            batch = cases_due(now).order_by("pk")[:BATCH]
            cases, signals = erase_cases(batch, stamp)
        counts.cases += cases
        counts.case_signals += signals
        if cases < BATCH:
            break
    while True:
        with transaction.atomic():
            done = erase_signals(signals_due(now).order_by("pk").values("pk")[:BATCH], stamp)
        counts.signals += done
        if done < BATCH:
            break
    counts.access_log = remove_old_access_log(now)
    counts.import_files = clear_import_files(now)
    return counts


def import_files_due(now: datetime) -> QuerySet:
    """Uploaded files still stored after `IMPORT_FILE_MAX_HOURS`: imports that never ran
    (or stopped) keep personal data no one will process any more."""
    cutoff = now - timedelta(hours=settings.IMPORT_FILE_MAX_HOURS)
    return SignalImport.objects.exclude(content="").filter(uploaded_at__lt=cutoff)


def clear_import_files(now: datetime) -> int:
    """Clear those files; an import still unfinished is marked failed, so its page stops
    waiting and says how far it got."""
    due = import_files_due(now)
    unfinished = due.filter(finished_at__isnull=True).update(
        content="", status=ImportStatus.FAILED, finished_at=timezone.now()
    )
    return unfinished + due.update(content="")


def remove_old_access_log(now: datetime) -> int:
    """Remove the rows before the cut as a prefix of the chain, one batch per
    transaction; the run's checkpoint keeps the hash of the last removed row.

    Only sealed rows go (the committed ones are sealed first): the prefix ends before the
    first sealed row from on or after the cut, so a row that was sealed late (its
    transaction committed late) never takes a newer one with it. An old row still
    unsealed waits for the next run."""
    from . import chain

    chain.seal()
    cut = access_log_cut(now)
    sealed = AccessLog.objects.filter(seq__isnull=False)
    first_kept = sealed.filter(at__gte=cut).order_by("seq").values_list("seq", flat=True)[:1]
    first_kept = next(iter(first_kept), None)
    old = sealed.filter(at__lt=cut)
    if first_kept is not None:
        old = old.filter(seq__lt=first_kept)
    last_seq = old.order_by("-seq").values_list("seq", flat=True).first()
    checkpoint = None
    removed = 0
    while last_seq is not None:
        with transaction.atomic():
            first = sealed.order_by("seq").values_list("seq", flat=True).first()
            if first is None or first > last_seq:
                break
            through = min(first + BATCH - 1, last_seq)
            anchor_id, anchor_seq, anchor_hash = (
                sealed.filter(seq__lte=through)
                .order_by("-seq")
                .values_list("id", "seq", "hash")
                .first()
            )
            # The checkpoint first: on SQLite the trigger lets a DELETE through only for
            # rows a checkpoint already covers (privacy migration 0009).
            checkpoint = checkpoint or AccessLogCheckpoint(cut_before=cut)
            checkpoint.removed_through_id = anchor_id
            checkpoint.removed_through_seq = anchor_seq
            checkpoint.anchor_hash = anchor_hash
            checkpoint.save()
            removed += delete_access_log_through(through)
            checkpoint.removed_count = removed
            checkpoint.save(update_fields=["removed_count"])
    if removed:
        remove_unreferenced_reasons()
    return removed


def remove_unreferenced_reasons() -> int:
    """Reasons are written with their log rows: once the oldest rows are gone, every
    reason older than the oldest one a remaining row (sealed or not) points at goes with
    them. A reason whose row is not yet committed is not visible to the DELETE."""
    oldest = AccessLog.objects.aggregate(oldest=Min("reason_entry_id"))["oldest"]
    first_kept_row = AccessLog.objects.order_by("at").values_list("at", flat=True).first()
    stale = AccessLogReason.objects.all()
    if oldest is not None:
        stale = stale.filter(pk__lt=oldest)
    elif first_kept_row is not None:
        stale = stale.filter(created_at__lt=first_kept_row)
    deleted, _rows = stale.delete()
    return deleted


def delete_access_log_through(last_seq: int) -> int:
    """DELETE the sealed rows up to chain place `last_seq` in the caller's transaction;
    the append-only trigger lets it through only for sealed rows, after SET LOCAL
    wijkportaal.access_log_retention = 'on' (PostgreSQL), or for rows a retention
    checkpoint covers (SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL wijkportaal.access_log_retention = 'on'")
        cursor.execute(
            "DELETE FROM privacy_accesslog WHERE seq IS NOT NULL AND seq <= %s", [last_seq]
        )
        return cursor.rowcount


# --- erasure on request ---------------------------------------------------------------------


def erase_household_rows(signals: QuerySet, cases: QuerySet, now: datetime) -> Counts:
    cases_count, case_signals = erase_cases(cases.filter(erased_at__isnull=True), now)
    signals_count = erase_signals(signals.filter(erased_at__isnull=True).values("pk"), now)
    return Counts(signals=signals_count, cases=cases_count, case_signals=case_signals)
