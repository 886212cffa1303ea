"""The CSV import: rows filed in batches, each batch with its progress in one transaction,
resumable after a crash (`run_signal_import`), and the sweep's query for imports that wait.
The use cases that start an import are in `services`; handing it to the broker in `tasks`."""

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.models import Organisation
from partners.postcodes import (
    pc4_of,
)
from partners.routing import Route, route
from privacy import access_log
from privacy.grants import grant_signal_access_in_bulk
from privacy.models import AccessAction

from . import csv_io
from .deadlines import deadlines
from .intake import (
    Terms,
    agreed_terms,
    build_signal,
    clean_and_route,
    mark_multiple,
    next_references,
    store_signal,
)
from .models import ImportStatus, Signal, SignalImport

IMPORT_BATCH_SIZE = 500


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    processed: int = 0
    errors: list = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "duplicates": self.duplicates, "errors": self.errors}


@dataclass
class _ImportContext:
    """What stays the same over one import: who files, and caches of routes and terms so
    10 000 rows do not cost 20 000 lookups."""

    user: object
    organisation: Organisation
    routes: dict = dataclasses.field(default_factory=dict)
    terms: dict = dataclasses.field(default_factory=dict)
    seen_references: set = dataclasses.field(default_factory=set)

    def route(self, postcode: str) -> Route:
        pc4 = pc4_of(postcode)
        if pc4 not in self.routes:
            try:
                self.routes[pc4] = route(postcode)
            except ValidationError:
                self.routes[pc4] = None
        if self.routes[pc4] is None:
            route(postcode)  # raises with the message naming this postcode
        return self.routes[pc4]

    def terms_for(self, routing: Route, kind: str, on: date) -> Terms:
        key = (routing.municipality.pk, kind)
        if key not in self.terms:
            self.terms[key] = agreed_terms(self.organisation.pk, routing.municipality.pk, kind, on)
        return self.terms[key]


def import_signal_rows(user, organisation, rows, *, skip: int = 0, on_batch=None) -> ImportResult:
    """File the valid rows of an import and report each bad row by line number.

    Rows go in batches of IMPORT_BATCH_SIZE, each in its own transaction, so progress is
    visible and a failure keeps the batches before it. `on_batch(result)` runs inside each
    batch's transaction (progress is stored together with the signals it counts), and
    `skip` resumes after the rows a previous run already committed."""
    context = _ImportContext(user, organisation)
    result = ImportResult(processed=skip)
    for start in range(skip, len(rows), IMPORT_BATCH_SIZE):
        batch = rows[start : start + IMPORT_BATCH_SIZE]
        with transaction.atomic():
            _import_batch(context, batch, result)
            result.processed += len(batch)
            if on_batch:
                on_batch(result)
    return result


def _import_batch(context: _ImportContext, batch, result: ImportResult) -> None:
    valid = []
    for line, data in batch:
        try:
            cleaned, routing = _clean_import_row(context, data)
        except ValidationError as exc:
            result.errors.append({"line": line, "errors": exc.message_dict})
            continue
        reference = cleaned["external_reference"]
        if reference and reference in context.seen_references:
            result.duplicates += 1
            continue
        if reference:
            context.seen_references.add(reference)
        valid.append((cleaned, routing))
    references = [c["external_reference"] for c, _r in valid if c["external_reference"]]
    known = set(
        Signal.objects.filter(
            organisation=context.organisation, external_reference__in=references
        ).values_list("external_reference", flat=True)
    )
    new = [(c, r) for c, r in valid if c["external_reference"] not in known]
    result.duplicates += len(valid) - len(new)
    if not new:
        return
    try:
        with transaction.atomic():
            result.created += len(_store_batch(context, new))
    except IntegrityError:
        # Another upload filed some of these external references meanwhile: row by row.
        for cleaned, routing in new:
            try:
                with transaction.atomic():
                    store_signal(context.user, context.organisation, cleaned, routing)
                result.created += 1
            except IntegrityError:
                result.duplicates += 1


def _clean_import_row(context: _ImportContext, data: dict) -> tuple[dict, Route]:
    extra = csv_io.extra_columns_error(data)
    if extra:
        raise ValidationError(extra)
    return clean_and_route(data, context.route)


def _store_batch(context: _ImportContext, rows) -> list[Signal]:
    now = timezone.now()
    references = next_references("SIG", timezone.localdate(now).year, len(rows))
    signals, due = [], {}
    for (cleaned, routing), reference in zip(rows, references, strict=True):
        terms = context.terms_for(routing, cleaned["kind"], now.date())
        if terms not in due:
            due[terms] = deadlines(now, terms.triage_days, terms.feedback_days)
        signal = build_signal(
            cleaned, context.organisation, context.user, routing, terms, now, due[terms]
        )
        signal.reference = reference
        signals.append(signal)
    Signal.objects.bulk_create(signals)
    grant_signal_access_in_bulk(signals)
    mark_multiple(signals)
    access_log.record(
        context.user,
        AccessAction.CREATE,
        "signal",
        object_ids=[signal.pk for signal in signals],
        organisation_id=context.organisation.pk,
    )
    return signals


# A batch of IMPORT_BATCH_SIZE rows takes well under a second: an import without progress
# for this long lost its worker (or was never queued) and is queued again.
IMPORT_STALE_AFTER = timedelta(minutes=5)


def waiting_imports(now=None):
    """Imports that should be running but are not: never queued (broker down at upload),
    or queued/running without a heartbeat for `IMPORT_STALE_AFTER`."""
    now = now or timezone.now()
    stale = now - IMPORT_STALE_AFTER
    return SignalImport.objects.filter(
        status__in=[ImportStatus.PENDING, ImportStatus.RUNNING], finished_at__isnull=True
    ).filter(
        Q(queued_at__isnull=True)
        | Q(queued_at__lt=stale, heartbeat_at__isnull=True)
        | Q(heartbeat_at__lt=stale)
    )


def _claim_import(import_id) -> bool:
    """Take the import for this worker: one UPDATE, so of two deliveries of the same task
    (a redelivery while the first still runs) only one proceeds."""
    now = timezone.now()
    return bool(
        SignalImport.objects.filter(
            pk=import_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
        )
        .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - IMPORT_STALE_AFTER))
        .update(
            status=ImportStatus.RUNNING, heartbeat_at=now, started_at=Coalesce("started_at", now)
        )
    )


def run_signal_import(import_id) -> SignalImport:
    """Process a stored upload. Idempotent: a finished import is left alone, one already
    running elsewhere too, and a rerun after a crash resumes after the last committed
    batch. The progress (`processed_rows`) is committed in the same transaction as the
    batch it counts, so the import and a line number identify every row: a retry never
    files a row twice, with or without external references. The file is cleared when
    the import ends, whatever the outcome."""
    if not _claim_import(import_id):
        return SignalImport.objects.get(pk=import_id)
    signal_import = SignalImport.objects.select_related("organisation", "user").get(pk=import_id)
    rows = csv_io.read_rows(signal_import.content)

    def save_progress(result: ImportResult) -> None:
        SignalImport.objects.filter(pk=import_id).update(
            processed_rows=result.processed,
            created=result.created,
            duplicates=result.duplicates,
            errors=result.errors,
            heartbeat_at=timezone.now(),
        )

    resumed = ImportResult(
        created=signal_import.created,
        duplicates=signal_import.duplicates,
        errors=list(signal_import.errors),
    )
    try:
        result = import_signal_rows(
            signal_import.user,
            signal_import.organisation,
            rows,
            skip=signal_import.processed_rows,
            on_batch=lambda r: save_progress(_merged(resumed, r)),
        )
    except Exception:
        # Committed batches stay; the page stops waiting and says where it stopped. The
        # file holds personal data: it goes now, the user uploads again for the rest.
        SignalImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), content=""
        )
        raise
    with transaction.atomic():
        save_progress(_merged(resumed, result))
        SignalImport.objects.filter(pk=import_id).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), content="", total_rows=len(rows)
        )
    signal_import.refresh_from_db()
    return signal_import


def _merged(before: ImportResult, now: ImportResult) -> ImportResult:
    return ImportResult(
        created=before.created + now.created,
        duplicates=before.duplicates + now.duplicates,
        processed=now.processed,
        errors=before.errors + now.errors,
    )
