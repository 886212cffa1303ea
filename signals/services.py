"""Use cases of the signals domain, one transactional function each: filing a signal
(through `intake`) and starting a CSV import (stored here, filed by `imports` in a task)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.csv_files import decode as decode_csv
from privacy import access_log, policy
from privacy.models import AccessAction

from . import csv_io
from .imports import ImportResult, import_signal_rows
from .intake import (
    DuplicateSignal,
    clean_and_route,
    existing_by_external_reference,
    filing_organisation,
    store_signal,
)
from .models import Signal, SignalImport
from .tasks import queue_signal_import

# --- use cases ----------------------------------------------------------------------------


def file_signal(
    user, data: dict, organisation_id: int | None = None, follows_up: Signal | None = None
) -> Signal:
    """File one signal: validate, route, compute deadlines, store, grant access to the
    filer's organisation and the routed team, and log — all in one transaction.

    Raises ValidationError (field messages), PermissionDenied, or DuplicateSignal when the
    organisation already filed this external reference. `follows_up`: the signal declined
    for lack of information that this one completes (same corporation)."""
    if follows_up is not None:
        if not policy.can_follow_up(user, follows_up):
            raise PermissionDenied(_("Op dit signaal kunt u geen vervolg melden."))
        organisation_id = follows_up.organisation_id
    organisation = filing_organisation(user, organisation_id)
    cleaned, routing = clean_and_route(data)
    # No lookup of the external reference beforehand: the unique constraint on
    # (organisation, external_reference) refuses a repeat, whether an earlier or a
    # concurrent request filed it, and the rollback returns the reference number.
    try:
        with transaction.atomic():
            signal = store_signal(user, organisation, cleaned, routing, follows_up)
    except IntegrityError:
        existing = existing_by_external_reference(organisation, cleaned["external_reference"])
        if existing:
            raise DuplicateSignal(existing) from None
        raise
    return signal


def import_signals(user, raw: bytes, organisation_id: int | None = None) -> ImportResult:
    """Synchronous import (API): the whole file in one request."""
    organisation = filing_organisation(user, organisation_id)
    rows = csv_io.read_rows(decode_csv(raw))
    return import_signal_rows(user, organisation, rows)


def start_signal_import(user, raw: bytes, filename: str, organisation_id=None) -> SignalImport:
    """Store an uploaded file and queue its processing. The header and every line's bytes
    are checked now, so a wrong file is refused at once; the rows are filed by
    `run_signal_import`. With the broker down the upload is still accepted: it waits,
    and `start_waiting_imports` queues it when the broker is back."""
    organisation = filing_organisation(user, organisation_id)
    text = decode_csv(raw)
    return _store_import(user, organisation, text, csv_io.read_rows(text), filename)


def import_through_api(
    user, raw: bytes, filename: str, client_key: str = ""
) -> ImportResult | SignalImport:
    """`POST /api/v1/signals/import/`: a small file is filed within the request (the
    result at once); above `IMPORT_SYNC_MAX_ROWS` rows it becomes a background import like
    a web upload, well inside any request timeout. With an Idempotency-Key (`client_key`)
    it is always a background import, and a retry with the same key returns that import
    instead of filing the rows again."""
    organisation = filing_organisation(user)
    if client_key:
        _check_client_key(client_key)
        earlier = SignalImport.objects.filter(organisation=organisation, client_key=client_key)
        if earlier.exists():
            return earlier.get()
    text = decode_csv(raw)
    rows = csv_io.read_rows(text)
    if len(rows) <= settings.IMPORT_SYNC_MAX_ROWS and not client_key:
        return import_signal_rows(user, organisation, rows)
    try:
        return _store_import(user, organisation, text, rows, filename, client_key)
    except IntegrityError:  # the same key in a concurrent request
        return SignalImport.objects.get(organisation=organisation, client_key=client_key)


def _check_client_key(key: str) -> None:
    if len(key) > 100 or not key.isprintable():
        raise ValidationError(
            {"idempotency_key": [_("De Idempotency-Key is hoogstens 100 leesbare tekens.")]}
        )


def _store_import(
    user, organisation, text: str, rows: list, filename: str, client_key: str = ""
) -> SignalImport:
    with transaction.atomic():
        signal_import = SignalImport.objects.create(
            organisation=organisation,
            user=user,
            filename=filename[:255],
            content=text,
            total_rows=len(rows),
            client_key=client_key,
        )
        # The stored file holds personal data until it has been processed.
        access_log.record(
            user,
            AccessAction.CREATE,
            "signal_import",
            signal_import.pk,
            organisation_id=organisation.pk,
        )
        transaction.on_commit(lambda: queue_signal_import(signal_import.pk))
    return signal_import
