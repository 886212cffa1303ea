"""Intake of one signal: parsing and validation, routing, agreed terms, reference numbers,
and storing it with its access grants and log row. `services.file_signal` is the use case;
the CSV import (`imports`) files its rows through the same functions."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.kinds import SignalKind
from core.working_days import add_working_days, start_day
from partners.choices import AgreementStatus
from partners.models import AgreementTerm, Organisation
from partners.postcodes import (
    household_key,
    normalise_addition,
    normalise_house_number,
    normalise_postcode,
)
from partners.routing import Route, route
from privacy import access_log, policy
from privacy.grants import grant_signal_access
from privacy.models import AccessAction

from .deadlines import deadlines
from .models import (
    WGS_STEPS,
    ReferenceCounter,
    Signal,
    SignalStatus,
    Urgency,
)

DESCRIPTION_MAX = 5000
ARREARS_MAX = Decimal("1000000")
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


# --- routing, terms, numbering, filing -----------------------------------------------


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


def existing_by_external_reference(organisation, external_reference):
    if not external_reference:
        return None
    return (
        Signal.objects.select_related("team")
        .filter(organisation=organisation, external_reference=external_reference)
        .first()
    )


def store_signal(user, organisation, cleaned, routing, follows_up=None) -> Signal:
    now = timezone.now()
    terms = agreed_terms(organisation.pk, routing.municipality.pk, cleaned["kind"], now.date())
    signal = build_signal(cleaned, organisation, user, routing, terms, now)
    signal.follows_up = follows_up
    (signal.reference,) = next_references("SIG", timezone.localdate(now).year)
    signal.save(force_insert=True)
    grant_signal_access([signal])
    mark_multiple([signal])
    access_log.record_object(
        user,
        AccessAction.CREATE,
        "signal",
        signal,
        organisation_id=organisation.pk,
    )
    return signal
