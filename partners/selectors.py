"""Reads of the partners domain that depend on the requesting user."""

from collections import Counter, defaultdict
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import IntegerField, Prefetch, Q
from django.db.models.functions import Cast, Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import add_months
from privacy import access_log, aggregates, monitor, policy
from privacy.models import AccessAction

from .choices import ComplexStatus, OrganisationKind
from .models import (
    AgreementChange,
    ComplexAddress,
    District,
    Municipality,
    Organisation,
    PostcodeArea,
)
from .postcodes import pc4_of

# --- agreements, contacts, dashboard, insights ----------------------------------------------
# Every read starts from `privacy.policy`; the dashboard and insights read only through
# `privacy.aggregates`, which returns counts and shares, never personal fields.

CONFIRMATION_MONTHS = 6
PAGE_SIZE = 50


def agreements_for(user):
    return (
        policy.visible_agreements(user)
        .select_related("municipality", "corporation", "last_reviewed_by")
        .prefetch_related("terms")
    )


def listed(user, object_type: str, objects) -> list:
    """A list the API returns (one page), logged with its ids."""
    objects = list(objects)
    access_log.record_list(user, object_type, objects)
    return objects


def read(user, object_type: str, obj):
    """An object the API returns in detail, logged as read."""
    access_log.record_object(user, AccessAction.READ, object_type, obj)
    return obj


def agreement_page(user, number):
    return access_log.listed_page(
        user, "agreement", agreements_for(user), number, per_page=PAGE_SIZE
    )


def agreement_for(user, pk: int):
    """The agreement when visible (404 otherwise), with its history; logged."""
    agreement = get_object_or_404(
        agreements_for(user).prefetch_related(
            Prefetch("changes", queryset=AgreementChange.objects.select_related("by"))
        ),
        pk=pk,
    )
    access_log.record_object(user, AccessAction.READ, "agreement", agreement)
    return agreement


def editable_agreement_for(user, pk: int):
    return get_object_or_404(
        policy.editable_agreements(user).select_related("municipality", "corporation"), pk=pk
    )


def contacts_for(user):
    return policy.visible_contacts(user).select_related(
        "organisation", "district__municipality", "confirmed_by"
    )


def manageable_contact_for(user, pk: int):
    return get_object_or_404(
        policy.manageable_contacts(user).select_related("organisation", "district"), pk=pk
    )


def read_manageable_contact(user, pk: int):
    """`manageable_contact_for`, logged as read (the edit page shows it)."""
    contact = manageable_contact_for(user, pk)
    access_log.record_object(user, AccessAction.READ, "contact", contact)
    return contact


def contact_list_for(user, number) -> dict:
    """The contact list page: one page of visible contacts, each marked when the user may
    confirm it, and for coordinators the overdue and missing ones; logged once."""
    page = Paginator(contacts_for(user), PAGE_SIZE).get_page(number)
    context = {"page": page, "can_manage": policy.can_manage_contacts(user)}
    shown = list(page.object_list)
    for contact in shown:
        contact.can_confirm = policy.can_confirm_contact(user, contact)
    if context["can_manage"]:
        context["unconfirmed"] = list(unconfirmed_contacts(user))
        context["missing"] = missing_contacts(user)
        shown += context["unconfirmed"]
    access_log.record_list(user, "contact", {c.pk: c for c in shown}.values())
    return context


def visible_contact_for(user, pk: int):
    return get_object_or_404(contacts_for(user), pk=pk)


def confirmation_due_before(today: date) -> date:
    """The same day `CONFIRMATION_MONTHS` earlier (the month's last day when shorter)."""
    return add_months(today, -CONFIRMATION_MONTHS)


def unconfirmed_contacts(user, today: date | None = None):
    """Current contacts of the coordinator's municipality not confirmed for 6 months."""
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
    # By name: `signals` builds on `partners`, so partners does not import signals.
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
    return Municipality.objects.filter(pk__in=policy.coordinator_municipality_ids(user))


def dashboard_for(user, municipality_id: int, first_month, last_month, **filters):
    if municipality_id not in policy.coordinator_municipality_ids(user):
        raise PermissionDenied
    return aggregates.dashboard(municipality_id, first_month, last_month, **filters)


def monitor_for(user, municipality_id: int, first_month, last_month):
    """The vroegsignalering monitor of a municipality the user coordinates. Aggregates
    only: the log records that the monitor was read, with no ids."""
    if municipality_id not in policy.coordinator_municipality_ids(user):
        raise PermissionDenied
    rows = monitor.monitor(municipality_id, first_month, last_month)
    access_log.record(user, AccessAction.LIST, "monitor")
    return rows


def complexes_for(user):
    return policy.visible_complexes(user).order_by("code", "pk")


def complex_insights_for(user, complexes=None) -> list[dict]:
    """Insights for the user's own complexes, or for one page of them (`complexes`)."""
    scope = complexes_for(user)
    if complexes is not None:
        scope = scope.filter(pk__in=[c.pk for c in complexes])
    return aggregates.complex_insights(scope)


# --- complex approval ------------------------------------------------------------------------


def pending_complexes_for(user):
    return (
        policy.approvable_complexes(user)
        .filter(status=ComplexStatus.PENDING)
        .select_related("corporation", "approved_by")
        .order_by("corporation__name", "code", "pk")
    )


def pending_complex_page(user, number):
    return access_log.listed_page(
        user, "complex", pending_complexes_for(user), number, per_page=PAGE_SIZE
    )


def approvable_complex_for(user, pk: int):
    return get_object_or_404(pending_complexes_for(user), pk=pk)


def complex_spread(complexes) -> list[dict]:
    """What a coordinator weighs before approving, per complex: its size, how its
    addresses spread over PC4s and districts, and what changed since the last approval.
    Counts only, never an address. Two queries for a whole page."""
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


# --- districts ------------------------------------------------------------------------------


def districts_for(user):
    return policy.visible_districts(user).select_related("municipality", "team")


def district_for(user, pk: int):
    """The district when the user works in it; 404 otherwise, as for a missing one."""
    return get_object_or_404(districts_for(user), pk=pk)


def district_analysis_for(user, district, today=None) -> list:
    """Suppressed area figures of a district the user works in (`district_for`), logged."""
    access_log.record_object(user, AccessAction.READ, "district_analysis", district)
    return aggregates.district_analysis(district, today=today)


def district_map_for(user, today=None) -> list[dict]:
    """Per visible district its name, geometry and the figures of the last complete
    quarter (every kind), for the map and its table. Queries grow with the number of
    municipalities, not districts."""
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
    access_log.record_list(user, "district", districts)
    return rows


def district_complexes_for(user, district):
    """The viewer's own corporation's complexes in the district, with their insight."""
    in_district = (
        ComplexAddress.objects.annotate(pc4=Cast(Substr("postcode", 1, 4), IntegerField()))
        .filter(pc4__in=PostcodeArea.objects.filter(district=district).values("pc4"))
        .values("complex_id")
    )
    complexes = complexes_for(user).filter(pk__in=in_district)
    return aggregates.complex_insights(complexes)


def plan_owner_choices(district):
    """Organisations that can own an action of the district plan: the team serving the
    district, the municipality, and every organisation with a contact person there."""
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
    """Everything on a district page, each part through the policy, logged once (one
    INSERT of its four rows)."""
    contacts = list(policy.district_contacts(user, district).select_related("organisation"))
    observations = list(
        policy.visible_observations(user)
        .filter(district=district)
        .select_related("organisation", "author")
    )
    actions = list(
        policy.visible_plan_actions(user).filter(district=district).select_related("owner")
    )
    quarters, capacity = aggregates.district_page_figures(district, today=today)
    page = {
        "quarters": quarters,
        "complexes": district_complexes_for(user, district),
        "contacts": contacts,
        "capacity": capacity,
        "observations": observations,
        "actions": actions,
    }
    access_log.record_all(
        [
            access_log.object_entry(user, AccessAction.READ, "district_analysis", district),
            access_log.list_entry(user, "contact", contacts),
            access_log.list_entry(user, "observation", observations),
            access_log.list_entry(user, "plan_action", actions),
        ]
    )
    return page


def observation_for(user, pk: int):
    return get_object_or_404(policy.visible_observations(user).select_related("district"), pk=pk)


def observation_review_page(user, number):
    """The privacy officer's list of observations, to erase any that names a resident."""
    observations = policy.visible_observations(user).select_related("district", "organisation")
    return access_log.listed_page(user, "observation", observations, number, per_page=PAGE_SIZE)


def plan_action_for(user, pk: int):
    """A plan action of a district the user works in (404 otherwise), logged as read."""
    action = get_object_or_404(
        policy.visible_plan_actions(user).select_related("district", "owner"), pk=pk
    )
    access_log.record_object(user, AccessAction.READ, "plan_action", action)
    return action


# --- contact confirmation: the one rule for the coordinator's list and the reminders ----


def confirmation_due(today: date) -> Q:
    """Current contacts due for confirmation on `today`: never confirmed, or last confirmed
    `CONFIRMATION_MONTHS` or more ago. A filter on `ContactPerson`; the coordinator's list
    (`unconfirmed_contacts`) and the reminder sweep both use it."""
    current = Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    unconfirmed = Q(confirmed_on__isnull=True) | Q(confirmed_on__lte=confirmation_due_before(today))
    return current & unconfirmed


def confirmation_due_on(basis: date) -> date:
    """The day a contact confirmed (or, never confirmed, created) on `basis` falls due."""
    return add_months(basis, CONFIRMATION_MONTHS)
