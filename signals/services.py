"""Writes of the signals domain: one transactional function per use case."""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.choices import AgreementStatus, SignalKind
from partners.csv_files import decode as decode_csv
from partners.models import AgreementTerm, Organisation
from partners.postcodes import (
    household_key,
    normalise_addition,
    normalise_house_number,
    normalise_postcode,
    pc4_of,
)
from partners.routing import Route, route
from privacy import access_log, policy
from privacy.grants import grant_signal_access, grant_signal_access_in_bulk
from privacy.models import AccessAction

from . import csv_io
from .deadlines import add_working_days, deadlines, start_day
from .models import (
    WGS_STEPS,
    ImportStatus,
    ReferenceCounter,
    Signal,
    SignalImport,
    SignalStatus,
    Urgency,
)

DESCRIPTION_MAX = 5000
ARREARS_MAX = Decimal("1000000")
logger = logging.getLogger(__name__)

IMPORT_BATCH_SIZE = 500
# An eviction date on a rent-arrears signal: triage within three working days at most.
EVICTION_TRIAGE_DAYS = 3
TRUE_WORDS = {"true", "1", "ja", "j", "yes", "y", "waar", "on"}
FALSE_WORDS = {"false", "0", "nee", "n", "no", "onwaar", "off", ""}


class DuplicateSignal(Exception):
    """The organisation already filed a signal with this external reference."""

    def __init__(self, signal: Signal):
        super().__init__(signal.reference)
        self.signal = signal


@dataclass(frozen=True)
class Terms:
    triage_days: int
    feedback_days: int
    outreach_days: int | None = None


# --- validation -------------------------------------------------------------------------


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("Kies ja of nee."), code="invalid_boolean")


def parse_amount(value) -> Decimal:
    """Euros as `1250.00`, `1250,00` or `1.250,00`."""
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("Vul een bedrag in euro's in, bijvoorbeeld 1250,00."), code="invalid_amount"
        ) from None
    if not amount.is_finite() or amount <= 0 or amount >= ARREARS_MAX:
        raise ValidationError(
            _("Het bedrag moet groter dan 0 en kleiner dan 1.000.000 euro zijn."),
            code="invalid_amount",
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Gebruik hoogstens twee decimalen."), code="invalid_amount")
    return amount.quantize(Decimal("0.01"))


def clean_signal_input(data: dict) -> dict:
    """Validate and normalise the fields of a new signal, whatever the channel (form, API,
    CSV). Raises ValidationError with a dict of Dutch messages per field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def check(field, parser):
        value = data.get(field)
        try:
            if isinstance(value, list | dict):
                # JSON clients can send any shape; every field here is one value.
                raise ValidationError(_("Geef één waarde op."), code="invalid")
            cleaned[field] = parser(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    def required(parser):
        def parse(value):
            if value is None or str(value).strip() == "":
                raise ValidationError(_("Dit veld is verplicht."), code="required")
            return parser(value)

        return parse

    check("kind", required(_parse_kind))
    check("postcode", required(normalise_postcode))
    check("house_number", required(normalise_house_number))
    check("house_number_addition", normalise_addition)
    check("description", required(_parse_description))
    check("urgency", _parse_urgency)
    check("resident_informed", parse_bool)
    for step in WGS_STEPS:
        check(step, parse_bool)
    check("external_reference", _parse_external_reference)

    if cleaned.get("kind") == SignalKind.RENT_ARREARS:
        check("arrears_amount", required(parse_amount))
        check("arrears_months", required(_parse_months))
        check("eviction_date", _parse_eviction_date)
        _check_wgs_steps(cleaned, errors)
        if cleaned.get("eviction_date"):
            # An announced eviction or court hearing makes the signal urgent.
            cleaned["urgency"] = Urgency.URGENT
    else:
        cleaned["arrears_amount"] = None
        cleaned["arrears_months"] = None
        cleaned["eviction_date"] = None

    if errors:
        raise ValidationError(errors)
    return cleaned


def _parse_kind(value) -> str:
    if value not in SignalKind.values:
        raise ValidationError(_("Kies een geldige soort signaal."), code="invalid_choice")
    return value


def _parse_urgency(value) -> str:
    value = value or Urgency.NORMAL
    if value not in Urgency.values:
        raise ValidationError(_("Kies normaal of spoed."), code="invalid_choice")
    return value


def _parse_description(value) -> str:
    text = str(value).strip()
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            _("De omschrijving is %(length)d tekens; het maximum is 5000.") % {"length": len(text)},
            code="max_length",
        )
    return text


def _parse_months(value) -> int:
    try:
        months = int(str(value).strip())
    except ValueError:
        raise ValidationError(_("Vul een aantal maanden in."), code="invalid_months") from None
    if not 1 <= months <= 120:
        raise ValidationError(_("Het aantal maanden ligt tussen 1 en 120."), code="invalid_months")
    return months


def _parse_external_reference(value) -> str | None:
    text = str(value or "").strip()
    if len(text) > 100:
        raise ValidationError(_("Het externe kenmerk is hoogstens 100 tekens."), code="max_length")
    return text or None


def _parse_eviction_date(value) -> date | None:
    """`2026-12-21` or `21-12-2026`; not in the past (it is the hearing or eviction to come)."""
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    else:
        raise ValidationError(_("Vul een datum in als 21-12-2026."), code="invalid_date") from None
    if day < timezone.localdate():
        raise ValidationError(
            _("De datum van de zitting of ontruiming ligt in het verleden."), code="past_date"
        )
    return day


def _check_wgs_steps(cleaned: dict, errors: dict) -> None:
    """Bgs art. 2: before signalling, the landlord has taken all four steps."""
    messages = {
        "wgs_contact_attempted": _(
            "Probeer eerst persoonlijk contact met de huurder te krijgen (Bgs art. 2, onder a)."
        ),
        "wgs_debt_help_pointed": _(
            "Wijs de huurder eerst op de mogelijkheid van schuldhulpverlening "
            "(Bgs art. 2, onder b)."
        ),
        "wgs_reminder_sent": _(
            "Stuur eerst ten minste één schriftelijke herinnering (Bgs art. 2, onder c)."
        ),
        "wgs_handover_offered": _(
            "Bied de huurder in de herinnering eerst aan de gegevens aan de gemeente door te "
            "geven, zonder bezwaar van de huurder (Bgs art. 2, onder d)."
        ),
    }
    for field, message in messages.items():
        if field not in errors and not cleaned.get(field):
            errors[field] = [message]


# --- routing, terms, numbering ----------------------------------------------------------


def clean_and_route(data: dict, router=route) -> tuple[dict, Route]:
    """The checks every channel shares: the fields (`clean_signal_input`), then the route
    of the postcode, whose refusal is reported at the postcode."""
    cleaned = clean_signal_input(data)
    try:
        return cleaned, router(cleaned["postcode"])
    except ValidationError as exc:
        raise ValidationError({"postcode": exc.messages}) from None


def agreed_terms(corporation_id: int, municipality_id: int, kind: str, on: date) -> Terms:
    """Terms of the active agreement for this corporation, municipality and kind, or the
    defaults from settings."""
    term = (
        AgreementTerm.objects.filter(
            kind=kind,
            agreement__corporation_id=corporation_id,
            agreement__municipality_id=municipality_id,
            agreement__status=AgreementStatus.ACTIVE,
            agreement__valid_from__lte=on,
        )
        .filter(Q(agreement__valid_to__isnull=True) | Q(agreement__valid_to__gte=on))
        .order_by("-agreement__valid_from")
        .values("triage_days", "feedback_days", "outreach_days")
        .first()
    )
    if term is None:
        return Terms(settings.DEFAULT_TRIAGE_DAYS, settings.DEFAULT_FEEDBACK_DAYS)
    return Terms(term["triage_days"], term["feedback_days"], term["outreach_days"])


def next_references(prefix: str, year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive references (`SIG-2026-000123`) in the current
    transaction. The counter row stays locked until commit, so numbers are unique and,
    because a rollback returns them, gap-free."""
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(prefix=prefix, year=year)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [f"{prefix}-{year}-{number:06d}" for number in range(first, first + count)]


def filing_organisation(user, organisation_id: int | None = None) -> Organisation:
    """The corporation the user files for: the given one, or their only one."""
    allowed = {organisation.pk: organisation for organisation in policy.filing_organisations(user)}
    if organisation_id is None and len(allowed) == 1:
        organisation_id = next(iter(allowed))
    if organisation_id not in allowed:
        raise PermissionDenied(_("U kunt geen signalen melden namens deze organisatie."))
    return allowed[organisation_id]


def build_signal(
    cleaned: dict,
    organisation: Organisation,
    user,
    routing: Route,
    terms: Terms,
    now,
    due: tuple[date, date] | None = None,
) -> Signal:
    triage_deadline, feedback_deadline = due or deadlines(
        now, terms.triage_days, terms.feedback_days
    )
    if cleaned.get("eviction_date"):
        triage_deadline = min(
            triage_deadline, add_working_days(start_day(now), EVICTION_TRIAGE_DAYS)
        )
    outreach_deadline = None
    if terms.outreach_days:
        outreach_deadline = add_working_days(start_day(now), terms.outreach_days)
    return Signal(
        **cleaned,
        household_key=household_key(
            cleaned["postcode"], cleaned["house_number"], cleaned["house_number_addition"]
        ),
        organisation=organisation,
        filed_by=user,
        district=routing.district,
        team=routing.team,
        status=SignalStatus.RECEIVED,
        filed_at=now,
        triage_deadline=triage_deadline,
        feedback_deadline=feedback_deadline,
        outreach_deadline=outreach_deadline,
    )


def mark_multiple(signals: list[Signal]) -> None:
    """Flag signals about a household that more than one partner has reported on (open
    signals only), as the national early-detection platforms do."""
    keys = {s.household_key for s in signals}
    open_signals = Signal.objects.filter(
        household_key__in=keys, status__in=[SignalStatus.RECEIVED, SignalStatus.ACCEPTED]
    )
    partners_per_key: dict[str, set[int]] = {}
    for key, org in open_signals.values_list("household_key", "organisation_id"):
        partners_per_key.setdefault(key, set()).add(org)
    multiple = [key for key, orgs in partners_per_key.items() if len(orgs) > 1]
    if multiple:
        open_signals.filter(household_key__in=multiple, is_multiple=False).update(is_multiple=True)
        for signal in signals:
            signal.is_multiple = signal.household_key in multiple


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
    existing = _existing_by_external_reference(organisation, cleaned["external_reference"])
    if existing:
        raise DuplicateSignal(existing)
    try:
        with transaction.atomic():
            signal = _store_signal(user, organisation, cleaned, routing, follows_up)
    except IntegrityError:
        # A concurrent request filed the same external reference first.
        existing = _existing_by_external_reference(organisation, cleaned["external_reference"])
        if existing:
            raise DuplicateSignal(existing) from None
        raise
    return signal


def _existing_by_external_reference(organisation, external_reference):
    if not external_reference:
        return None
    return (
        Signal.objects.select_related("team")
        .filter(organisation=organisation, external_reference=external_reference)
        .first()
    )


def _store_signal(user, organisation, cleaned, routing, follows_up=None) -> Signal:
    now = timezone.now()
    terms = agreed_terms(organisation.pk, routing.municipality.pk, cleaned["kind"], now.date())
    signal = build_signal(cleaned, organisation, user, routing, terms, now)
    signal.follows_up = follows_up
    (signal.reference,) = next_references("SIG", timezone.localdate(now).year)
    signal.save(force_insert=True)
    grant_signal_access([signal])
    mark_multiple([signal])
    access_log.record(
        user,
        AccessAction.CREATE,
        "signal",
        signal.pk,
        household_key=signal.household_key,
        organisation_id=organisation.pk,
    )
    return signal


# --- CSV import -------------------------------------------------------------------------


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
                    _store_signal(context.user, context.organisation, cleaned, routing)
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


def queue_signal_import(import_id) -> bool:
    """Hand the import to the broker; False (logged, never raised) when it is down."""
    from wijkportaal.celery import BROKER_ERRORS

    from .tasks import run_signal_import_task

    try:
        run_signal_import_task.delay(str(import_id))
    except BROKER_ERRORS as exc:
        logger.warning("Import %s wacht: broker niet bereikbaar (%s)", import_id, exc)
        return False
    SignalImport.objects.filter(pk=import_id, queued_at__isnull=True).update(
        queued_at=timezone.now()
    )
    return True


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


def start_waiting_imports() -> int:
    """The periodic sweep: queue every waiting import (see `waiting_imports`)."""
    started = 0
    for import_id in waiting_imports().order_by("uploaded_at").values_list("pk", flat=True):
        SignalImport.objects.filter(pk=import_id).update(queued_at=None)
        if not queue_signal_import(import_id):
            break  # the broker is still down: the rest waits for the next sweep
        started += 1
    return started


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
