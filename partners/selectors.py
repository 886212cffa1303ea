"""Reads of the partners domain that depend on the requesting user."""

from calendar import monthrange
from datetime import date

from .models import Membership


def memberships_of(user) -> list[Membership]:
    """A user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_wijkportaal_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation__municipality")
            .order_by("organisation__name")
        )
        user._wijkportaal_memberships = cached
    return cached


# --- agreements, contacts, dashboard, insights (issue 5) ---------------------------------
# Every read starts from `privacy.policy`; the dashboard and insights read only through
# `privacy.aggregates`, which returns counts and shares, never personal fields. `privacy`
# imports this module (memberships_of), so privacy is imported inside the functions.

CONFIRMATION_MONTHS = 6


def agreements_for(user):
    from privacy import policy

    return (
        policy.visible_agreements(user)
        .select_related("municipality", "corporation", "last_reviewed_by")
        .prefetch_related("terms")
    )


def agreement_for(user, pk: int):
    """The agreement when visible (404 otherwise), with its history."""
    from django.db.models import Prefetch
    from django.shortcuts import get_object_or_404

    from .models import AgreementChange

    return get_object_or_404(
        agreements_for(user).prefetch_related(
            Prefetch("changes", queryset=AgreementChange.objects.select_related("by"))
        ),
        pk=pk,
    )


def editable_agreement_for(user, pk: int):
    from django.shortcuts import get_object_or_404

    from privacy import policy

    return get_object_or_404(
        policy.editable_agreements(user).select_related("municipality", "corporation"), pk=pk
    )


def contacts_for(user):
    from privacy import policy

    return policy.visible_contacts(user).select_related(
        "organisation", "district__municipality", "confirmed_by"
    )


def manageable_contact_for(user, pk: int):
    from django.shortcuts import get_object_or_404

    from privacy import policy

    return get_object_or_404(
        policy.manageable_contacts(user).select_related("organisation", "district"), pk=pk
    )


def visible_contact_for(user, pk: int):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(contacts_for(user), pk=pk)


def confirmation_due_before(today: date) -> date:
    """The same day `CONFIRMATION_MONTHS` earlier (the month's last day when shorter)."""
    return shift_months(today, -CONFIRMATION_MONTHS)


def unconfirmed_contacts(user, today: date | None = None):
    """Current contacts of the coordinator's municipality not confirmed for 6 months."""
    from django.utils import timezone

    from privacy import policy

    today = today or timezone.localdate()
    return (
        policy.manageable_contacts(user)
        .filter(confirmation_due(today))
        .select_related("organisation", "district")
        .order_by("confirmed_on", "district__name", "name")
    )


def partners_per_district(municipality_ids: set[int]) -> set[tuple[int, int]]:
    """(district, organisation) pairs of partners working there: the serving team, and
    corporations with complex addresses or signals in the district. Grouped queries."""
    from django.apps import apps
    from django.db.models import IntegerField
    from django.db.models.functions import Cast, Substr

    from privacy import policy

    from .models import District, PostcodeArea

    districts = District.objects.filter(municipality_id__in=municipality_ids)
    pairs = set(districts.filter(team__isnull=False).values_list("pk", "team_id"))
    areas = PostcodeArea.objects.filter(
        municipality_id__in=municipality_ids, district__isnull=False
    )
    pc4_corporations = (
        policy.counted_complex_addresses()
        .annotate(pc4=Cast(Substr("postcode", 1, 4), IntegerField()))
        .filter(pc4__in=areas.values("pc4"))
        .values_list("pc4", "complex__corporation_id")
        .distinct()
    )
    district_of = dict(areas.values_list("pc4", "district_id"))
    pairs |= {(district_of[pc4], org) for pc4, org in pc4_corporations if pc4 in district_of}
    Signal = apps.get_model("signals", "Signal")
    pairs |= set(
        Signal.objects.filter(district__in=districts)
        .values_list("district_id", "organisation_id")
        .distinct()
    )
    return pairs


def missing_contacts(user, today: date | None = None) -> list[dict]:
    """Districts of the coordinator's municipality lacking a current contact for a partner
    that works there."""
    from django.db.models import Q
    from django.utils import timezone

    from privacy import policy

    from .models import District, Organisation

    today = today or timezone.localdate()
    municipality_ids = policy.coordinator_municipality_ids(user)
    needed = partners_per_district(municipality_ids)
    present = set(
        policy.manageable_contacts(user)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("district_id", "organisation_id")
    )
    lacking = sorted(needed - present)
    districts = District.objects.in_bulk({d for d, _o in lacking})
    organisations = Organisation.objects.in_bulk({o for _d, o in lacking})
    rows = [
        {"district": districts[d], "organisation": organisations[o]}
        for d, o in lacking
        if d in districts and o in organisations
    ]
    return sorted(rows, key=lambda r: (r["district"].name, r["organisation"].name))


def dashboard_municipalities(user):
    from privacy import policy

    from .models import Municipality

    return Municipality.objects.filter(pk__in=policy.coordinator_municipality_ids(user))


def dashboard_for(user, municipality_id: int, first_month, last_month, **filters):
    from django.core.exceptions import PermissionDenied

    from privacy import aggregates, policy

    if municipality_id not in policy.coordinator_municipality_ids(user):
        raise PermissionDenied
    return aggregates.dashboard(municipality_id, first_month, last_month, **filters)


def monitor_for(user, municipality_id: int, first_month, last_month):
    """The vroegsignalering monitor of a municipality the user coordinates."""
    from django.core.exceptions import PermissionDenied

    from privacy import monitor, policy

    if municipality_id not in policy.coordinator_municipality_ids(user):
        raise PermissionDenied
    return monitor.monitor(municipality_id, first_month, last_month)


def complexes_for(user):
    from privacy import policy

    return policy.visible_complexes(user).order_by("code", "pk")


def complex_insights_for(user, complexes=None) -> list[dict]:
    """Insights for the user's own complexes, or for one page of them (`complexes`)."""
    from privacy import aggregates

    scope = complexes_for(user)
    if complexes is not None:
        scope = scope.filter(pk__in=[c.pk for c in complexes])
    return aggregates.complex_insights(scope)


# --- complex approval (issue 13) -------------------------------------------------------------


def pending_complexes_for(user):
    from privacy import policy

    from .choices import ComplexStatus

    return (
        policy.approvable_complexes(user)
        .filter(status=ComplexStatus.PENDING)
        .select_related("corporation", "approved_by")
        .order_by("corporation__name", "code", "pk")
    )


def approvable_complex_for(user, pk: int):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(pending_complexes_for(user), pk=pk)


def complex_spread(complexes) -> list[dict]:
    """What a coordinator weighs before approving, per complex: its size, how its
    addresses spread over PC4s and districts, and what changed since the last approval.
    Counts only, never an address. Two queries for a whole page."""
    from collections import Counter, defaultdict

    from .models import ComplexAddress, PostcodeArea
    from .postcodes import pc4_of

    complexes = list(complexes)
    keys, pc4s = defaultdict(set), defaultdict(Counter)
    addresses = ComplexAddress.objects.filter(complex__in=complexes).values_list(
        "complex_id", "postcode", "household_key"
    )
    for complex_id, postcode, key in addresses:
        keys[complex_id].add(key)
        pc4s[complex_id][pc4_of(postcode)] += 1
    all_pc4s = set().union(*pc4s.values()) if pc4s else set()
    district_of = dict(
        PostcodeArea.objects.filter(pc4__in=all_pc4s).values_list("pc4", "district__name")
    )
    rows = []
    for complex_ in complexes:
        districts = Counter()
        for pc4, n in pc4s[complex_.pk].items():
            districts[district_of.get(pc4) or "–"] += n
        approved = set(complex_.approved_keys or [])
        current = keys[complex_.pk]
        rows.append(
            {
                "complex": complex_,
                "households": len(current),
                "pc4s": sorted(pc4s[complex_.pk].items()),
                "districts": sorted(districts.items()),
                "added": len(current - approved) if complex_.approved_at else None,
                "removed": len(approved - current) if complex_.approved_at else None,
            }
        )
    return rows


# --- districts (issue 19) ------------------------------------------------------------------


def districts_for(user):
    from privacy import policy

    return policy.visible_districts(user).select_related("municipality", "team")


def district_for(user, pk: int):
    """The district when the user works in it; 404 otherwise, as for a missing one."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(districts_for(user), pk=pk)


def district_analysis_for(user, district, today=None) -> list:
    """Suppressed area figures of a district the user works in (`district_for`), logged."""
    from privacy import access_log, aggregates
    from privacy.models import AccessAction

    access_log.record(user, AccessAction.READ, "district_analysis", district.pk)
    return aggregates.district_analysis(district, today=today)


def district_map_for(user, today=None) -> list[dict]:
    """Per visible district its name, geometry and the figures of the last complete
    quarter (every kind), for the map and its table. Queries grow with the number of
    municipalities, not districts."""
    from privacy import aggregates

    districts = list(districts_for(user).order_by("municipality__name", "name"))
    by_municipality: dict[int, list] = {}
    for district in districts:
        by_municipality.setdefault(district.municipality_id, []).append(district.pk)
    figures = {}
    for municipality_id, pks in by_municipality.items():
        figures.update(aggregates.area_analysis(municipality_id, pks, today=today))
    rows = []
    for district in districts:
        quarter = figures[district.pk][1]  # the last complete quarter
        rows.append({"district": district, "quarter": quarter, "all": quarter.kinds[-1]})
    return rows


def district_complexes_for(user, district):
    """The viewer's own corporation's complexes in the district, with their insight."""
    from django.db.models import IntegerField
    from django.db.models.functions import Cast, Substr

    from privacy import aggregates

    from .models import ComplexAddress, PostcodeArea

    in_district = (
        ComplexAddress.objects.annotate(pc4=Cast(Substr("postcode", 1, 4), IntegerField()))
        .filter(pc4__in=PostcodeArea.objects.filter(district=district).values("pc4"))
        .values("complex_id")
    )
    complexes = complexes_for(user).filter(pk__in=in_district)
    return aggregates.complex_insights(complexes)


def district_capacity_for(district, today=None) -> list:
    from privacy import aggregates

    return aggregates.district_capacity(district, today=today)


def plan_owner_choices(district):
    """Organisations that can own an action of the district plan: the team serving the
    district, the municipality, and every organisation with a contact person there."""
    from django.db.models import Q

    from .choices import OrganisationKind
    from .models import Organisation

    return (
        Organisation.objects.filter(
            Q(pk=district.team_id)
            | Q(kind=OrganisationKind.MUNICIPALITY, municipality_id=district.municipality_id)
            | Q(contacts__district=district)
        )
        .distinct()
        .order_by("name")
    )


def district_page_for(user, district, today=None) -> dict:
    """Everything on a district page, each part through the policy, logged once."""
    from privacy import access_log, policy

    contacts = list(policy.district_contacts(user, district).select_related("organisation"))
    observations = list(
        policy.visible_observations(user)
        .filter(district=district)
        .select_related("organisation", "author")
    )
    actions = list(
        policy.visible_plan_actions(user).filter(district=district).select_related("owner")
    )
    page = {
        "quarters": district_analysis_for(user, district, today=today),
        "complexes": district_complexes_for(user, district),
        "contacts": contacts,
        "capacity": district_capacity_for(district, today=today),
        "observations": observations,
        "actions": actions,
    }
    access_log.record_list(user, "contact", contacts)
    access_log.record_list(user, "observation", observations)
    access_log.record_list(user, "plan_action", actions)
    return page


def observation_for(user, pk: int):
    from django.shortcuts import get_object_or_404

    from privacy import policy

    return get_object_or_404(policy.visible_observations(user).select_related("district"), pk=pk)


def plan_action_for(user, pk: int):
    from django.shortcuts import get_object_or_404

    from privacy import policy

    return get_object_or_404(
        policy.visible_plan_actions(user).select_related("district", "owner"), pk=pk
    )


# --- contact confirmation: the one rule for the coordinator's list and the reminders ----


def shift_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), capped at the month's end."""
    from privacy.aggregates import add_months

    first = add_months(day, months)
    return first.replace(day=min(day.day, monthrange(first.year, first.month)[1]))


def confirmation_due(today: date):
    """Current contacts due for confirmation on `today`: never confirmed, or last confirmed
    `CONFIRMATION_MONTHS` or more ago. A filter on `ContactPerson`; the coordinator's list
    (`unconfirmed_contacts`) and the reminder sweep both use it."""
    from django.db.models import Q

    current = Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    unconfirmed = Q(confirmed_on__isnull=True) | Q(confirmed_on__lte=confirmation_due_before(today))
    return current & unconfirmed


def confirmation_due_on(basis: date) -> date:
    """The day a contact confirmed (or, never confirmed, created) on `basis` falls due."""
    return shift_months(basis, CONFIRMATION_MONTHS)
