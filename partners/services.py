"""Writes of the partners domain: one transactional function per use case."""

import json
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.csv_files import EXTRA, decode, read_table
from privacy import access_log, policy
from privacy.models import AccessAction, Purpose

from . import maps, selectors
from .choices import AgreementStatus, ComplexStatus, OrganisationKind, Role
from .models import (
    Agreement,
    AgreementChange,
    AgreementTerm,
    Complex,
    ComplexAddress,
    ContactPerson,
    District,
    DistrictObservation,
    Membership,
    Municipality,
    Organisation,
    PlanAction,
    PostcodeArea,
    check_personal_role,
)
from .postcodes import (
    expand_pc4_ranges,
    household_key,
    normalise_addition,
    normalise_house_number,
    normalise_postcode,
    pc4_of,
)
from .routing import check_district_ranges


@transaction.atomic
def sync_postcode_areas(municipality: Municipality) -> None:
    """Rebuild the PostcodeArea rows of one municipality from its ranges and districts."""
    municipality_pc4s = expand_pc4_ranges(municipality.pc4_ranges)
    clash = PostcodeArea.objects.filter(pc4__in=municipality_pc4s).exclude(
        municipality=municipality
    )
    if clash.exists():
        raise ValidationError({"pc4_ranges": _("Deze postcodes horen al bij een andere gemeente.")})
    district_of = {}
    for district in municipality.districts.all():
        for pc4 in check_district_ranges(district, taken=district_of):
            district_of[pc4] = district
    PostcodeArea.objects.filter(municipality=municipality).delete()
    PostcodeArea.objects.bulk_create(
        PostcodeArea(pc4=pc4, municipality=municipality, district=district_of.get(pc4))
        for pc4 in sorted(municipality_pc4s)
    )


@transaction.atomic
def save_district(district: District) -> District:
    check_district_ranges(district)
    district.save()
    sync_postcode_areas(district.municipality)
    return district


@transaction.atomic
def save_municipality(municipality: Municipality) -> Municipality:
    municipality.save()
    sync_postcode_areas(municipality)
    return municipality


def sync_user_groups(user) -> None:
    """Make the user's Django groups exactly the groups of their organisations."""
    org_groups = set(
        Organisation.objects.filter(memberships__user=user, group__isnull=False).values_list(
            "group_id", flat=True
        )
    )
    current = set(user.groups.filter(organisation__isnull=False).values_list("id", flat=True))
    if org_groups - current:
        user.groups.add(*(org_groups - current))
    if current - org_groups:
        user.groups.remove(*(current - org_groups))


@transaction.atomic
def add_membership(user, organisation: Organisation, role: str) -> Membership:
    check_personal_role(user, role)
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    sync_user_groups(user)
    return membership


# --- agreements -----------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "title",
    "valid_from",
    "valid_to",
    "review_date",
    "monthly_capacity",
    "responsibilities",
)
TERM_FIELDS = ("triage_days", "feedback_days", "outreach_days", "responsibilities")


def _require_coordinator_of(user, municipality_id: int) -> None:
    if municipality_id not in policy.coordinator_municipality_ids(user):
        raise PermissionDenied(_("U bent geen coördinator van deze gemeente."))


def _plain(value):
    """A JSON-safe value for the history: dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def agreement_snapshot(agreement: Agreement) -> dict:
    snapshot = {name: _plain(getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    snapshot["corporation"] = agreement.corporation_id
    snapshot["status"] = agreement.status
    snapshot["last_reviewed_on"] = _plain(agreement.last_reviewed_on)
    for term in agreement.terms.all():
        for name in TERM_FIELDS:
            snapshot[f"terms.{term.kind}.{name}"] = getattr(term, name)
    return snapshot


def snapshot_diff(before: dict, after: dict) -> dict:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    }


def _log_change(user, agreement, action, before: dict) -> AgreementChange:
    after = agreement_snapshot(agreement)
    return AgreementChange.objects.create(
        agreement=agreement, by=user, action=action, changes=snapshot_diff(before, after)
    )


def check_agreement_values(data: dict, terms: dict) -> None:
    errors = {}
    if data.get("valid_to") and data["valid_to"] < data["valid_from"]:
        errors["valid_to"] = [_("De einddatum ligt vóór de begindatum.")]
    if data.get("review_date") and data["review_date"] < data["valid_from"]:
        errors["review_date"] = [_("De evaluatiedatum ligt vóór de begindatum.")]
    for kind, values in terms.items():
        if values["feedback_days"] < values["triage_days"]:
            errors[f"feedback_days_{kind}"] = [
                _("De termijn voor terugkoppeling is korter dan die voor triage.")
            ]
    if errors:
        raise ValidationError(errors)


def _write_terms(agreement: Agreement, terms: dict) -> None:
    for kind, values in terms.items():
        AgreementTerm.objects.update_or_create(agreement=agreement, kind=kind, defaults=values)


@transaction.atomic
def create_agreement(user, municipality: Municipality, data: dict, terms: dict) -> Agreement:
    """A new draft agreement with its terms per signal kind, and its first history row."""
    _require_coordinator_of(user, municipality.pk)
    if data["corporation"].kind != OrganisationKind.CORPORATION:
        raise ValidationError({"corporation": _("Kies een woningcorporatie.")})
    check_agreement_values(data, terms)
    agreement = Agreement.objects.create(
        municipality=municipality,
        corporation=data["corporation"],
        status=AgreementStatus.DRAFT,
        **{name: data.get(name) for name in AGREEMENT_FIELDS if name in data},
    )
    _write_terms(agreement, terms)
    _log_change(user, agreement, AgreementChange.Action.CREATED, {})
    return agreement


@transaction.atomic
def update_agreement(user, agreement: Agreement, data: dict, terms: dict) -> Agreement:
    """Change fields and terms. Terms apply to signals filed from now on: stored deadlines
    of earlier signals are never recomputed."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_coordinator_of(user, agreement.municipality_id)
    if agreement.status == AgreementStatus.EXPIRED:
        raise ValidationError(_("Een verlopen afspraak kan niet meer worden gewijzigd."))
    check_agreement_values(data, terms)
    before = agreement_snapshot(agreement)
    for name in AGREEMENT_FIELDS:
        if name in data:
            setattr(agreement, name, data[name])
    if agreement.status == AgreementStatus.ACTIVE:
        check_no_overlap(agreement)
    agreement.save()
    _write_terms(agreement, terms)
    _log_change(user, agreement, AgreementChange.Action.UPDATED, before)
    return agreement


def check_no_overlap(agreement: Agreement) -> None:
    """Refuse a second active agreement for the same corporation and municipality whose
    period overlaps this one. The rows are locked, so two activations cannot race."""
    others = (
        Agreement.objects.select_for_update()
        .filter(
            corporation_id=agreement.corporation_id,
            municipality_id=agreement.municipality_id,
            status=AgreementStatus.ACTIVE,
        )
        .exclude(pk=agreement.pk)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=agreement.valid_from))
    )
    if agreement.valid_to:
        others = others.filter(valid_from__lte=agreement.valid_to)
    clash = others.order_by("valid_from").first()
    if clash:
        until = clash.valid_to.strftime("%d-%m-%Y") if clash.valid_to else _("onbepaalde tijd")
        raise ValidationError(
            _(
                "Er is al een actieve afspraak tussen %(corporation)s en %(municipality)s die "
                "overlapt (%(start)s tot en met %(end)s). Laat die eerst verlopen of pas de "
                "looptijd aan."
            )
            % {
                "corporation": agreement.corporation.name,
                "municipality": agreement.municipality.name,
                "start": clash.valid_from.strftime("%d-%m-%Y"),
                "end": until,
            },
            code="overlap",
        )


@transaction.atomic
def activate_agreement(user, agreement: Agreement) -> Agreement:
    def ready(draft: Agreement) -> None:
        if not draft.terms.exists():
            raise ValidationError(_("Leg eerst de termijnen per soort signaal vast."))
        check_no_overlap(draft)

    return _move_agreement(
        user,
        agreement,
        AgreementStatus.DRAFT,
        AgreementStatus.ACTIVE,
        _("Alleen een concept kan worden geactiveerd."),
        AgreementChange.Action.ACTIVATED,
        ready,
    )


@transaction.atomic
def expire_agreement(user, agreement: Agreement) -> Agreement:
    return _move_agreement(
        user,
        agreement,
        AgreementStatus.ACTIVE,
        AgreementStatus.EXPIRED,
        _("Alleen een actieve afspraak kan verlopen."),
        AgreementChange.Action.EXPIRED,
    )


def _move_agreement(user, agreement, from_status, to_status, refusal, action, ready=None):
    """One step of an agreement's life (draft → active → expired), by a coordinator of its
    municipality, with the row locked and the change logged with the state before it."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_coordinator_of(user, agreement.municipality_id)
    if agreement.status != from_status:
        raise ValidationError(refusal, code="status")
    if ready is not None:
        ready(agreement)
    before = agreement_snapshot(agreement)
    agreement.status = to_status
    agreement.save(update_fields=["status", "updated_at"])
    _log_change(user, agreement, action, before)
    return agreement


@transaction.atomic
def record_review(user, agreement: Agreement, reviewed_on: date, next_review: date) -> Agreement:
    """ "Geëvalueerd op … door …, volgende evaluatie …"."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_coordinator_of(user, agreement.municipality_id)
    errors = {}
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = [_("Een evaluatie kan niet in de toekomst liggen.")]
    if next_review <= reviewed_on:
        errors["next_review"] = [_("De volgende evaluatie ligt na deze evaluatie.")]
    if errors:
        raise ValidationError(errors)
    before = agreement_snapshot(agreement)
    agreement.last_reviewed_on = reviewed_on
    agreement.last_reviewed_by = user
    agreement.review_date = next_review
    agreement.save(update_fields=["last_reviewed_on", "last_reviewed_by", "review_date"])
    _log_change(user, agreement, AgreementChange.Action.REVIEWED, before)
    return agreement


# --- contact persons ------------------------------------------------------------------

CONTACT_FIELDS = ("organisation", "district", "name", "function", "email", "phone")


def _log_contact(user, action, contact) -> None:
    access_log.record(user, action, "contact", contact.pk)


@transaction.atomic
def create_contact(user, data: dict) -> ContactPerson:
    """A new fixed contact person; adding counts as confirming."""
    _require_coordinator_of(user, data["district"].municipality_id)
    contact = ContactPerson.objects.create(
        **{name: data[name] for name in CONTACT_FIELDS if name in data},
        confirmed_on=timezone.localdate(),
        confirmed_by=user,
    )
    _log_contact(user, AccessAction.CREATE, contact)
    return contact


@transaction.atomic
def update_contact(user, contact: ContactPerson, data: dict) -> ContactPerson:
    _require_coordinator_of(user, contact.district.municipality_id)
    _require_coordinator_of(user, data.get("district", contact.district).municipality_id)
    for name in CONTACT_FIELDS:
        if name in data:
            setattr(contact, name, data[name])
    contact.save()
    _log_contact(user, AccessAction.UPDATE, contact)
    return contact


@transaction.atomic
def end_contact(user, contact: ContactPerson, ended_on: date | None = None) -> ContactPerson:
    _require_coordinator_of(user, contact.district.municipality_id)
    contact.ended_on = ended_on or timezone.localdate()
    contact.save(update_fields=["ended_on"])
    _log_contact(user, AccessAction.UPDATE, contact)
    return contact


@transaction.atomic
def confirm_contact(user, contact: ContactPerson) -> ContactPerson:
    """ "Still correct": by a coordinator of the municipality or a member of the contact's
    own organisation."""
    if not policy.can_confirm_contact(user, contact):
        raise PermissionDenied(_("U kunt deze contactpersoon niet bevestigen."))
    if contact.ended_on and contact.ended_on <= timezone.localdate():
        raise ValidationError(_("Deze contactpersoon is beëindigd."))
    contact.confirmed_on = timezone.localdate()
    contact.confirmed_by = user
    contact.save(update_fields=["confirmed_on", "confirmed_by"])
    _log_contact(user, AccessAction.UPDATE, contact)
    return contact


# --- complex import -------------------------------------------------------------------

REQUIRED_COMPLEX_COLUMNS = ("code", "postcode", "house_number")
# Dutch column names, for lists kept in Excel; the English ones keep working.
COMPLEX_COLUMN_ALIASES = {
    "naam": "name",
    "huisnummer": "house_number",
    "toevoeging": "house_number_addition",
}


@dataclass
class ComplexImportResult:
    complexes_created: int = 0
    addresses_created: int = 0
    duplicates: int = 0
    errors: list = field(default_factory=list)

    def error_lines(self) -> list[tuple[int, list[tuple[str, str]]]]:
        """Per bad line: (Dutch column name or "", messages), as the upload page shows it."""
        column = {english: dutch for dutch, english in COMPLEX_COLUMN_ALIASES.items()}
        return [
            (
                error["line"],
                [
                    ("" if name == "__all__" else column.get(name, name), " ".join(messages))
                    for name, messages in error["errors"].items()
                ],
            )
            for error in self.errors
        ]


def _clean_complex_row(row: dict) -> dict:
    errors, cleaned = {}, {}
    if EXTRA in row:
        errors["__all__"] = [_("Deze regel heeft meer waarden dan er kolommen zijn.")]
    code = row.get("code", "")
    if not code or len(code) > 40:
        errors["code"] = [_("Vul een code van hoogstens 40 tekens in.")]
    cleaned["code"], cleaned["name"] = code, row.get("name", "")[:200]
    for name, parser in (
        ("postcode", normalise_postcode),
        ("house_number", normalise_house_number),
        ("house_number_addition", normalise_addition),
    ):
        try:
            cleaned[name] = parser(row.get(name, ""))
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    cleaned["household_key"] = household_key(
        cleaned["postcode"], cleaned["house_number"], cleaned["house_number_addition"]
    )
    return cleaned


def corporation_municipality_ids(corporation_id: int) -> set[int]:
    """Where a corporation may lay out complexes: its own municipality and those it has an
    active agreement with."""
    own = Organisation.objects.filter(pk=corporation_id).values_list("municipality_id", flat=True)
    agreed = Agreement.objects.filter(
        corporation_id=corporation_id, status=AgreementStatus.ACTIVE
    ).values_list("municipality_id", flat=True)
    return {pk for pk in [*own, *agreed] if pk is not None}


def check_complex_upload_size(size: int) -> None:
    """Refuse a complex file over COMPLEX_IMPORT_MAX_BYTES: the form asks before the file
    is read, the service again for callers without the form."""
    if size > settings.COMPLEX_IMPORT_MAX_BYTES:
        message = _("Een complexbestand is hoogstens %(max)d kB; splits het op.")
        raise ValidationError(
            {"file": [message % {"max": settings.COMPLEX_IMPORT_MAX_BYTES // 1024}]}
        )


def import_complexes(user, content: bytes, organisation_id: int | None = None):
    """Upload complexes and their addresses: valid rows are kept, every bad row is
    reported with its line number; the valid rows are written in one transaction.

    Limits (attack 10 of docs/privacy.md): at most COMPLEX_IMPORT_MAX_BYTES and
    COMPLEX_IMPORT_MAX_ROWS; an address must lie in the corporation's municipality area,
    in the same municipality as the rest of its complex, and in no other complex. Every
    complex that gains an address goes back to pending approval."""
    allowed = policy.corporation_ids(user)
    if organisation_id is None and len(allowed) == 1:
        organisation_id = next(iter(allowed))
    if organisation_id not in allowed:
        raise PermissionDenied(_("U kunt geen complexen importeren voor deze organisatie."))
    check_complex_upload_size(len(content))
    result, valid = ComplexImportResult(), []
    table = read_table(
        decode(content),
        REQUIRED_COMPLEX_COLUMNS,
        max_rows=settings.COMPLEX_IMPORT_MAX_ROWS,
        aliases=COMPLEX_COLUMN_ALIASES,
    )
    for line, row in table:
        try:
            valid.append((line, _clean_complex_row(row)))
        except ValidationError as exc:
            result.errors.append({"line": line, "errors": exc.message_dict})
    with transaction.atomic():
        _store_complex_rows(organisation_id, valid, result)
        access_log.record(
            user,
            AccessAction.CREATE,
            "complex_import",
            organisation_id=organisation_id,
            reason=f"{result.addresses_created} adressen",
        )
    result.errors.sort(key=lambda error: error["line"])
    return result


def _row_error(result, line: int, field_name: str, message: str) -> None:
    result.errors.append({"line": line, "errors": {field_name: [message]}})


def _complex_of_addresses(keys: set[str]) -> dict[str, int]:
    """household key -> the complex it already belongs to, for the given keys."""
    return dict(
        ComplexAddress.objects.filter(household_key__in=keys).values_list(
            "household_key", "complex_id"
        )
    )


def _store_complex_rows(corporation_id: int, rows: list[tuple[int, dict]], result) -> None:
    municipality_ids = corporation_municipality_ids(corporation_id)
    pc4_municipality = dict(
        PostcodeArea.objects.filter(municipality_id__in=municipality_ids).values_list(
            "pc4", "municipality_id"
        )
    )
    codes = {row["code"] for _line, row in rows}
    complexes = {
        c.code: c
        for c in Complex.objects.select_for_update().filter(
            corporation_id=corporation_id, code__in=codes
        )
    }
    taken = _complex_of_addresses({row["household_key"] for _line, row in rows})
    new, changed = {}, set()
    for line, row in rows:
        municipality_id = pc4_municipality.get(pc4_of(row["postcode"]))
        if municipality_id is None:
            _row_error(
                result,
                line,
                "postcode",
                _("Dit adres ligt buiten de gemeente(n) waarin uw corporatie werkt."),
            )
            continue
        complex_ = complexes.get(row["code"])
        if complex_ is None:
            complex_ = Complex.objects.create(
                corporation_id=corporation_id,
                code=row["code"],
                name=row["name"],
                municipality_id=municipality_id,
            )
            complexes[row["code"]] = complex_
            result.complexes_created += 1
        if complex_.municipality_id is None:
            complex_.municipality_id = municipality_id
            changed.add(complex_)
        if complex_.municipality_id != municipality_id:
            _row_error(
                result,
                line,
                "postcode",
                _("Dit adres ligt in een andere gemeente dan de rest van het complex."),
            )
            continue
        key = row["household_key"]
        owner = taken.get(key)
        if owner == complex_.pk:
            result.duplicates += 1
            continue
        if owner is not None:
            _row_error(
                result,
                line,
                "house_number",
                _("Dit adres hoort al bij een ander complex; een adres telt in één complex."),
            )
            continue
        taken[key] = complex_.pk
        changed.add(complex_)
        new[key] = ComplexAddress(
            complex=complex_,
            postcode=row["postcode"],
            house_number=row["house_number"],
            house_number_addition=row["house_number_addition"],
            household_key=key,
        )
    try:
        with transaction.atomic():
            ComplexAddress.objects.bulk_create(new.values())
    except IntegrityError:
        # Another upload added one of these addresses after they were read above: the
        # database's one-complex-per-address rule refuses it. Nothing of this file is kept.
        raise ValidationError(
            {
                "file": [
                    _(
                        "Een ander bestand voegde tegelijk een van deze adressen aan een "
                        "complex toe. Er is niets opgeslagen; upload het bestand opnieuw."
                    )
                ]
            }
        ) from None
    result.addresses_created = len(new)
    # A changed list counts again only after the coordinator approved it.
    for complex_ in changed:
        complex_.status = ComplexStatus.PENDING
    Complex.objects.bulk_update(changed, ["status", "municipality"])


# --- complex approval -----------------------------------------------------------------


@transaction.atomic
def approve_complex(user, complex_: Complex) -> Complex:
    """The coordinator of the complex's municipality approves its address list as it is
    now: from then on it counts for insights and contact visibility. Who and when are kept
    on the complex and in the access log."""
    complex_ = Complex.objects.select_for_update().get(pk=complex_.pk)
    _require_coordinator_of(user, complex_.municipality_id)
    if complex_.status == ComplexStatus.APPROVED:
        raise ValidationError(_("Dit complex is al goedgekeurd."), code="status")
    keys = sorted(complex_.addresses.values_list("household_key", flat=True))
    if not keys:
        raise ValidationError(_("Een complex zonder adressen kan niet worden goedgekeurd."))
    complex_.status = ComplexStatus.APPROVED
    complex_.approved_at = timezone.now()
    complex_.approved_by = user
    complex_.approved_keys = keys
    complex_.save(update_fields=["status", "approved_at", "approved_by", "approved_keys"])
    access_log.record(
        user,
        AccessAction.UPDATE,
        "complex_approval",
        complex_.pk,
    )
    return complex_


# --- districts: observations and the plan ---------------------------------------------


def _district_organisation(user, district) -> int:
    """The organisation a user writes for in a district: the first of theirs that works there."""
    if not policy.visible_districts(user).filter(pk=district.pk).exists():
        raise PermissionDenied(_("U werkt niet in deze wijk."))
    held = policy.memberships(user)
    for membership in held:
        organisation = membership.organisation
        if organisation.pk == district.team_id or (
            membership.role == Role.COORDINATOR
            and organisation.municipality_id == district.municipality_id
        ):
            return organisation.pk
    return next(m.organisation_id for m in held if m.role == Role.CORPORATION_STAFF)


@transaction.atomic
def add_observation(user, district, observed_on: date, text: str) -> DistrictObservation:
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("Een observatie kan niet in de toekomst liggen.")})
    observation = DistrictObservation.objects.create(
        district=district,
        organisation_id=_district_organisation(user, district),
        author=user,
        observed_on=observed_on,
        text=text.strip(),
    )
    access_log.record(user, AccessAction.CREATE, "observation", observation.pk)
    return observation


@transaction.atomic
def erase_observation(user, observation: DistrictObservation) -> None:
    """The privacy officer erases an observation (e.g. one that names a resident); the
    access log keeps that it existed and who erased it, not its text."""
    if not policy.can_erase_observation(user, observation):
        raise PermissionDenied(_("Alleen de privacyfunctionaris kan een observatie wissen."))
    access_log.record(
        user, AccessAction.ERASE, "observation", observation.pk, purpose=Purpose.PRIVACY_INQUIRY
    )
    observation.delete()


PLAN_FIELDS = ("what", "owner", "due_on", "status", "capacity_hours")


@transaction.atomic
def save_plan_action(user, district, data: dict, action: PlanAction | None = None) -> PlanAction:
    """Create or change an action of the district plan; the coordinator keeps the plan."""
    _require_coordinator_of(user, district.municipality_id)
    if action is not None and action.district_id != district.pk:
        raise PermissionDenied
    if not selectors.plan_owner_choices(district).filter(pk=data["owner"].pk).exists():
        raise ValidationError({"owner": _("Deze organisatie werkt niet in de wijk.")})
    created = action is None
    action = action or PlanAction(district=district, created_by=user)
    for name in PLAN_FIELDS:
        if name in data:
            setattr(action, name, data[name])
    action.save()
    access_log.record(
        user, AccessAction.CREATE if created else AccessAction.UPDATE, "plan_action", action.pk
    )
    return action


# --- district geometry ----------------------------------------------------------------

CODE_KEYS = ("code", "wijkcode", "wk_code", "statcode")
NAME_KEYS = ("name", "naam", "wijknaam", "wk_naam", "statnaam")


@dataclass
class AreaImport:
    matched: list = field(default_factory=list)  # district names
    unknown: list = field(default_factory=list)  # feature labels that match no district
    invalid: list = field(default_factory=list)  # (feature label, reason)


def _feature_label(properties: dict, number: int) -> tuple[str, str, str]:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    code = next((str(lowered[k]).strip() for k in CODE_KEYS if lowered.get(k)), "")
    name = next((str(lowered[k]).strip() for k in NAME_KEYS if lowered.get(k)), "")
    return code, name, name or code or _("object %(number)s") % {"number": number}


@transaction.atomic
def import_area_geometries(text: str) -> AreaImport:
    """Boundaries from a GeoJSON FeatureCollection (e.g. the CBS wijk- en buurtkaart):
    each feature is matched to a district by its code, else by its name (case does not
    matter); its Polygon or MultiPolygon is stored on the district. Nothing else changes;
    what did not match or is not a valid polygon is reported."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationError(_("Het bestand is geen geldige GeoJSON.")) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValidationError(_("Het bestand is geen GeoJSON FeatureCollection."))
    districts = list(District.objects.all())
    by_code = {d.code.lower(): d for d in districts if d.code}
    by_name: dict[str, list] = {}
    for district in districts:
        by_name.setdefault(district.name.lower(), []).append(district)
    report = AreaImport()
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        code, name, label = _feature_label(feature.get("properties") or {}, number)
        district = by_code.get(code.lower()) if code else None
        if district is None and len(by_name.get(name.lower(), [])) == 1:
            district = by_name[name.lower()][0]
        if district is None:
            report.unknown.append(label)
            continue
        try:
            maps.polygons(feature.get("geometry"))
        except maps.InvalidGeometry as exc:
            report.invalid.append((label, str(exc)))
            continue
        district.geometry = json.dumps(feature["geometry"], separators=(",", ":"))
        if code and not district.code:
            district.code = code
        district.save(update_fields=["geometry", "code"])
        report.matched.append(district.name)
    return report
