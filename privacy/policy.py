"""The privacy policy: the one place that decides what a user may see and do.

Views, API viewsets, exports, search, counts and dashboards all start from the querysets
here and ask the `can_*` questions here; nothing filters by hand elsewhere. Visibility of
signals and cases comes from guardian's direct foreign-key permission tables, granted to
organisation groups (each row a list yields is checked with one probe of the grant index, see
`GrantProbe`), never from global permissions: a superuser sees no personal data through
the UI or API.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, Left, Substr
from django.db.models.sql.where import WhereNode
from django.utils import timezone

from accounts.models import ApiToken
from cases.models import Case, CaseSignal
from notifications.models import Reminder
from partners.choices import (
    PERSONAL_DATA_ROLES,
    TEAM_ROLES,
    ComplexStatus,
    OrganisationKind,
    Role,
)
from partners.memberships import memberships_of
from partners.models import (
    Agreement,
    Complex,
    ComplexAddress,
    ContactPerson,
    District,
    DistrictObservation,
    PlanAction,
    PostcodeArea,
)
from signals.models import Signal, SignalImport

from .grants import SHARED_CASES_CACHE, permission_id, routing_scope
from .models import (
    AccessLog,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Purpose,
    SignalGroupObjectPermission,
)

VIEW_SIGNAL = "signals.view_signal"
TRIAGE_SIGNAL = "signals.triage_signal"
VIEW_CASE = "cases.view_case"
CHANGE_CASE = "cases.change_case"


# --- who the user is ------------------------------------------------------------------


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


def memberships(user) -> list:
    """The memberships the policy counts. An administrator (staff or superuser) manages
    the portal and never reaches personal data, whatever memberships it holds: its
    personal-data roles (PERSONAL_DATA_ROLES) count for nothing. Every question below,
    and every page that lists a user's teams, starts here."""
    held = memberships_of(user)
    if is_administrator(user):
        return [m for m in held if m.role not in PERSONAL_DATA_ROLES]
    return held


def organisation_ids(user, *roles: str) -> set[int]:
    """Organisations where the user holds one of `roles` (any role when none given)."""
    return {m.organisation_id for m in memberships(user) if not roles or m.role in roles}


def organisation_group_ids(user) -> list[int]:
    """The permission groups of the user's organisations. Memberships are the source of
    truth (`partners.services.sync_user_groups` keeps the auth groups equal to them);
    taken from the cached memberships, the ids go into SQL as literals, which lets the
    planner estimate the grants and pick a hash semi-join for long lists."""
    return sorted({m.organisation.group_id for m in memberships(user)})


def has_role(user, *roles: str) -> bool:
    return bool(organisation_ids(user, *roles))


def team_ids(user) -> set[int]:
    return organisation_ids(user, Role.TEAM_MEMBER, Role.TRIAGE_LEAD)


def teams(user) -> list:
    """The wijkteams the user works in (a team role), in a stable order."""
    seen = {}
    for membership in memberships(user):
        if membership.role in TEAM_ROLES:
            seen.setdefault(membership.organisation_id, membership.organisation)
    return list(seen.values())


def members_with_role(organisation_id: int, roles) -> QuerySet:
    """Active users holding one of `roles` in the organisation, counted as `memberships`
    counts them: an administrator's personal-data role counts for nothing."""
    members = get_user_model().objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role__in=roles,
    )
    if set(roles) & PERSONAL_DATA_ROLES:
        members = members.exclude(is_staff=True).exclude(is_superuser=True)
    return members.distinct()


def team_members(team_id: int) -> QuerySet:
    """Active users with a team role in the team: who may be assigned its cases."""
    return members_with_role(team_id, TEAM_ROLES)


def triage_team_ids(user) -> set[int]:
    return organisation_ids(user, Role.TRIAGE_LEAD)


def corporation_ids(user) -> set[int]:
    return organisation_ids(user, Role.CORPORATION_STAFF)


def coordinator_municipality_ids(user) -> set[int]:
    return {
        m.organisation.municipality_id
        for m in memberships(user)
        if m.role == Role.COORDINATOR and m.organisation.kind == OrganisationKind.MUNICIPALITY
    }


def privacy_officer_municipality_ids(user) -> set[int]:
    return {
        m.organisation.municipality_id for m in memberships(user) if m.role == Role.PRIVACY_OFFICER
    }


def privacy_officer_organisation(user):
    """The organisation on whose behalf a privacy officer answers an access request."""
    return next((m.organisation for m in memberships(user) if m.role == Role.PRIVACY_OFFICER), None)


def acting_membership(user, organisation_id: int | None = None):
    """The membership a user acts through: for that organisation when given, else the first."""
    for membership in memberships(user):
        if organisation_id is None or membership.organisation_id == organisation_id:
            return membership
    return None


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def is_privacy_officer(user) -> bool:
    return has_role(user, Role.PRIVACY_OFFICER)


# --- signals --------------------------------------------------------------------------


def _granted_to_groups(user, permission_model, app_label: str, codename: str) -> QuerySet:
    """Ids of the objects whose permission `codename` is granted to one of the user's
    groups, read straight from the direct foreign-key permission table: an index-only
    scan of (group, permission, content_object). (Guardian's `get_objects_for_user` also
    joins the object table inside its subquery and ORs in per-user grants, which at a
    million signals costs hundreds of ms.)"""
    return permission_model.objects.filter(
        group_id__in=organisation_group_ids(user),
        permission_id=permission_id(app_label, codename),
    ).values("content_object_id")


class GrantProbe(Exists):
    """`EXISTS (grant for this row)`, probed once per row on the grant index.

    Left to itself PostgreSQL turns an EXISTS or IN on the grants into a join and
    estimates it from the whole table: a big team's 30 000 grants out of a million
    signals look like 3 % of any set of its signals, so it hashes all of the team's
    grants to keep a few (the tray: 12 ms), or sorts a whole list instead of walking its
    index. Its rows are almost all granted. `OFFSET 0` keeps the sub-query as written
    (PostgreSQL does not pull a sub-query with an OFFSET up into a join), so each row
    the outer query's own index yields costs one index-only probe and a list stops after
    its page (the tray: 0.4 ms). The outer query starts from the user's own
    organisations (the routing scope or the team), so no list probes more than their
    rows. SQLite accepts the same SQL.

    `join_when_aggregating`: a query that counts or groups reads every row of the set
    anyway; where the set is about as large as the grants behind it (a team's cases and
    the team's case grants), hashing the grants once beats a probe per row (the team's
    case counts: 13 → 4 ms), so such a query gets the plain EXISTS the planner may join.
    A team's signals are a small part of what its grants name is not the case there:
    the tray counts 1 218 received signals against 30 000 grants, so signals always
    probe."""

    template = "EXISTS(%(subquery)s OFFSET 0)"
    join_when_aggregating = False

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if self.join_when_aggregating and _aggregates(compiler.query):
            template = Exists.template
        return super().as_sql(compiler, connection, template=template, **extra_context)


class CaseGrantProbe(GrantProbe):
    join_when_aggregating = True


def _aggregates(query) -> bool:
    return query.group_by is not None or any(
        getattr(expression, "contains_aggregate", False)
        for expression in query.annotation_select.values()
    )


def _same_condition(a, b) -> bool:
    """The same WHERE child: the very object, or an equal copy of a nested AND/OR (a
    query's clone copies those, not the lookups and expressions)."""
    return a is b or (isinstance(a, WhereNode) and a == b)


class CountedByGrants(QuerySet):
    """Visible signals whose length the grant table gives on its own.

    Counting the set through the semi-join probes the signal table once per grant (30 000
    probes for a big city's team: 65 ms at national scale). Every grant row points at an
    existing signal (foreign key) and (group, permission, signal) is unique, so while
    nothing narrows the set its length is the number of distinct signals granted to the
    user's groups: an index-only count of the grant index (5 ms). Anything that narrows
    it (a filter, `none()`, a slice, a union) changes the WHERE clause or the query and
    counts the normal way; the rows themselves always come from the semi-join."""

    _grants = None  # the grant rows' queryset, set by `visible_signals`
    _where_children = ()

    def _clone(self):
        clone = super()._clone()
        clone._grants, clone._where_children = self._grants, self._where_children
        return clone

    def _narrowed(self) -> bool:
        where, query = self.query.where, self.query
        return (
            where.connector != "AND"
            or where.negated
            or len(where.children) != len(self._where_children)
            or any(
                not _same_condition(a, b)
                for a, b in zip(where.children, self._where_children, strict=True)
            )
            or query.is_sliced
            or query.distinct
            or query.combinator is not None
        )

    def count(self) -> int:
        if self._grants is None or self._result_cache is not None or self._narrowed():
            return super().count()
        return self._grants.count()


def visible_signals(user) -> QuerySet:
    """Signals the user may see: filed by their organisation or routed to their team.

    Signal access is only ever granted to organisation groups (`privacy.grants`); no
    signal is granted to a single user, so the per-user table is not consulted. The grant
    decides; the routing scope (`privacy.grants.routing_scope`: the team's or filer's own
    column) is asked next to it so a list starts from its organisation's index and
    probes only its own rows (`GrantProbe`)."""
    if not getattr(user, "is_authenticated", False):
        return Signal.objects.none()
    granted = _granted_to_groups(user, SignalGroupObjectPermission, "signals", "view_signal")
    organisations = [m.organisation for m in memberships(user)]
    signals = Signal.objects.filter(
        routing_scope(organisations),
        GrantProbe(granted.filter(content_object_id=OuterRef("pk"))),
    )
    hidden = _hidden_by_confidential_case(user)
    if hidden is not None:
        return signals.filter(hidden)
    counted = CountedByGrants(model=Signal, query=signals.query)
    # One group's grants are unique per signal; several groups may grant the same one.
    one_group = len(organisation_group_ids(user)) == 1
    counted._grants = granted if one_group else granted.distinct()
    counted._where_children = tuple(signals.query.where.children)
    return counted


def _hidden_by_confidential_case(user) -> Q | None:
    """A confidential case's signals follow the case: a team member who is neither its
    assignee, a triage lead of its team nor named in a current share does not see them
    (in detail, lists, counts, tray or search). One NOT EXISTS over the few confidential
    cases of the user's teams (partial index `case_confidential_team`), so the signal
    semi-join stays index-only. None when it cannot hide anything: a user who is triage
    lead in every team they work in sees all of those teams' cases. The filing
    corporation keeps seeing its own signal's filer fields, which say nothing of a case."""
    non_lead_teams = team_ids(user) - triage_team_ids(user)
    if not non_lead_teams:
        return None
    shared = CaseUserObjectPermission.objects.filter(
        user_id=user.pk, expires_at__gt=timezone.now()
    ).values("content_object_id")
    hidden = (
        CaseSignal.objects.filter(
            signal_id=OuterRef("pk"),
            case__confidential=True,
            case__team_id__in=sorted(non_lead_teams),
        )
        .exclude(case__assignee_id=user.pk)
        .exclude(case_id__in=shared)
    )
    return ~Exists(hidden) | Q(organisation_id__in=sorted(corporation_ids(user)))


def signal_perspective(user, signal) -> str | None:
    """'team' for members of the routed team, 'filer' for the filing organisation's staff.

    The filer's perspective never includes anything about cases or other partners."""
    if signal.team_id in team_ids(user):
        return "team"
    if signal.organisation_id in corporation_ids(user):
        return "filer"
    return None


def can_file_signal(user) -> bool:
    return bool(corporation_ids(user))


def can_triage_signal(user, signal) -> bool:
    return signal.team_id in triage_team_ids(user)


def can_list_signals(user) -> bool:
    """Signal lists are for corporation staff (their filings) and team members (their
    team's signals); municipality roles and administrators have no signal list."""
    return bool(corporation_ids(user) or team_ids(user))


def filing_organisations(user) -> list:
    """The corporations the user may file and import signals for."""
    return [m.organisation for m in memberships(user) if m.role == Role.CORPORATION_STAFF]


def visible_signal_imports(user) -> QuerySet:
    """CSV imports of the corporations the user works for."""
    return SignalImport.objects.filter(organisation_id__in=corporation_ids(user))


def can_reroute_signal(user, signal) -> bool:
    """Re-routing is a triage lead's decision for their own team's signal. (DESIGN §3 also
    names the coordinator, but coordinators see no signal and no page or endpoint lets
    them re-route; add that path and its branch here together.)"""
    return can_triage_signal(user, signal)


def team_signals(user, team_id: int) -> QuerySet:
    """Signals routed to one of the user's own teams (the work tray starts here)."""
    if team_id not in team_ids(user):
        return Signal.objects.none()
    return visible_signals(user).filter(team_id=team_id)


def can_download_receipt(user, signal) -> bool:
    """The receipt for court is the filing organisation's: its staff only."""
    return signal.organisation_id in corporation_ids(user)


def signal_colleagues(signal) -> QuerySet:
    """Who may hear of a signal's progress as the filer's colleague: the filing
    corporation's staff (the role that may see the organisation's signals), the filer
    excluded (told as filer)."""
    return members_with_role(signal.organisation_id, {Role.CORPORATION_STAFF}).exclude(
        pk=signal.filed_by_id
    )


def can_follow_up(user, signal) -> bool:
    """After a decline for lack of information, staff of the filing corporation may file
    a follow-up with what was missing."""
    return signal.declined_for_lack_of_information and any(
        org.pk == signal.organisation_id for org in filing_organisations(user)
    )


def address_searchable_signals(user) -> Q:
    """Among visible signals, those the user may find by postcode: routed to their team
    or filed by their corporation (a shared case does not open address search)."""
    return Q(team_id__in=team_ids(user)) | Q(organisation_id__in=corporation_ids(user))


def can_search_signal_addresses(user) -> bool:
    return bool(team_ids(user) or corporation_ids(user))


# --- cases ----------------------------------------------------------------------------


def shared_case_ids(user) -> list:
    """Ids of the cases shared with the user personally whose share has not ended, read
    once per user object (a request), like the memberships; `privacy.grants` forgets
    them on the user object a share is given to or taken from."""
    cached = user.__dict__.get(SHARED_CASES_CACHE)
    if cached is None:
        cached = sorted(
            CaseUserObjectPermission.objects.filter(
                user_id=user.pk,
                permission_id=permission_id("cases", "view_case"),
                expires_at__gt=timezone.now(),
            ).values_list("content_object_id", flat=True)
        )
        user.__dict__[SHARED_CASES_CACHE] = cached
    return cached


def visible_cases(user) -> QuerySet:
    """Cases of the user's teams, minus confidential ones unless assignee or triage lead,
    plus cases shared with the user personally until the share ends.

    Read like `visible_signals`, from the direct foreign-key tables: the team path asks
    `privacy_casegroupobjectpermission` for a grant to one of the user's organisation
    groups (`CaseGrantProbe` on (group, permission, content_object): one probe per case
    a list reads in its own index order, a join with the team's grants when counting),
    kept to the user's own teams; a share is a per-user grant (`CaseUserObjectPermission`)
    with an expiry. Case access is granted to the team's group only, so the per-user
    table holds shares and nothing else. The shares are few and read first
    (`shared_case_ids`): most users have none, and then there is no OR at all, so a
    list walks an index in its own order (`case_team_list`) and stops after a page; with
    shares the OR adds their ids as literals to the primary key."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    shared = shared_case_ids(user)
    visible = Q(pk__in=shared) if shared else None
    own_teams = team_ids(user)
    if own_teams:
        granted = _granted_to_groups(user, CaseGroupObjectPermission, "cases", "view_case")
        via_team = Q(team_id__in=sorted(own_teams)) & CaseGrantProbe(
            granted.filter(content_object_id=OuterRef("pk"))
        )
        lead_teams = triage_team_ids(user)
        if own_teams - lead_teams:
            via_team &= (
                Q(confidential=False) | Q(assignee_id=user.pk) | Q(team_id__in=sorted(lead_teams))
            )
        visible = via_team if visible is None else via_team | visible
    return Case.objects.none() if visible is None else Case.objects.filter(visible)


def case_access_purpose(user, case) -> str:
    """Why the user may see the case: their team's work, or a personal share."""
    return Purpose.WORK if case.team_id in team_ids(user) else Purpose.SHARED_ACCESS


def can_triage_in_team(user, team_id: int) -> bool:
    return team_id in triage_team_ids(user)


def can_work_case(user, case) -> bool:
    """Write notes, set follow-up: team members who can see it, and people it is shared with."""
    return visible_cases(user).filter(pk=case.pk).exists()


def can_manage_case(user, case) -> bool:
    """Assign, mark confidential and share: the triage leads of the case's team."""
    return can_triage_in_team(user, case.team_id)


def share_recipient_municipality_ids(user) -> set[int]:
    """Municipalities where the user is a member or triage lead of a wijkteam: a case may
    be shared with them only there. Never corporation staff, coordinators, privacy
    officers or administrators (these have no team role, see `memberships_of`)."""
    return {
        m.organisation.municipality_id
        for m in memberships(user)
        if m.role in TEAM_ROLES
        and m.organisation.kind == OrganisationKind.WIJKTEAM
        and m.organisation.is_active
        and m.organisation.municipality_id
    }


def can_receive_share(case, with_user) -> bool:
    """A case is shared only with a wijkteam member or triage lead of its municipality."""
    return (
        with_user is not None
        and with_user.is_active
        and case.team.municipality_id in share_recipient_municipality_ids(with_user)
    )


def share_recipients(case) -> QuerySet:
    """`can_receive_share` as a queryset, for the share picker: active users with a team
    role in an active wijkteam of the case's municipality, administrators left out (their
    team roles count for nothing, see `memberships`)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=False,
            is_superuser=False,
            memberships__role__in=TEAM_ROLES,
            memberships__organisation__kind=OrganisationKind.WIJKTEAM,
            memberships__organisation__is_active=True,
            memberships__organisation__municipality_id=case.team.municipality_id,
        )
        .distinct()
    )


def team_cases(user, team_id: int) -> QuerySet:
    """Visible cases of one of the user's own teams."""
    if team_id not in team_ids(user):
        return Case.objects.none()
    return visible_cases(user).filter(team_id=team_id)


def signals_of_visible_case(case) -> QuerySet:
    """The signals merged into a case. Pass only a case taken from `visible_cases`: who
    may see a case may see the signals it is about (also when it is shared with them)."""
    return Signal.objects.filter(case_link__case_id=case.pk)


# --- partners data: agreements, contact persons, complexes ----------------------------
#
# Agreements: coordinators see and edit those of their municipality; a corporation reads
# its own; a team reads those of the municipality it works for.
# Contact persons (personal data of professionals): coordinators see and manage all of
# their municipality's. A corporation sees its own contacts plus the wijkteam contacts
# of districts where it has complex addresses or has filed signals. A team sees its own
# contacts plus every contact of the districts it serves. Partners see current contacts
# only (not ended). Members of an organisation may confirm its contacts.


def municipality_coordinators(municipality: str) -> tuple[dict, tuple[str, str]]:
    """The active coordinators of a municipality as a filter for a set-based query (the
    reminder sweeps): `municipality` is the path from the queried model to the
    municipality (e.g. "team__municipality"). Returns the filter and the two fields (user
    id, e-mail) to read per coordinator. It counts the memberships
    `coordinator_municipality_ids` counts: the coordinator role in a municipality
    organisation, and an administrator's membership only when the role is not one of
    PERSONAL_DATA_ROLES (see `memberships`). A filter rather than a user queryset, so
    the sweep joins object and recipient in one query and each row keeps its object."""
    members = f"{municipality}__organisations__memberships"
    counted = {
        f"{municipality}__organisations__kind": OrganisationKind.MUNICIPALITY,
        f"{members}__role": Role.COORDINATOR,
        f"{members}__user__is_active": True,
    }
    if Role.COORDINATOR in PERSONAL_DATA_ROLES:
        counted |= {f"{members}__user__is_staff": False, f"{members}__user__is_superuser": False}
    return counted, (f"{members}__user_id", f"{members}__user__email")


def team_municipality_ids(user) -> set[int]:
    return {
        m.organisation.municipality_id
        for m in memberships(user)
        if m.role in (Role.TEAM_MEMBER, Role.TRIAGE_LEAD) and m.organisation.municipality_id
    }


def can_view_agreements(user) -> bool:
    return bool(coordinator_municipality_ids(user) or corporation_ids(user) or team_ids(user))


def can_manage_agreements(user) -> bool:
    return bool(coordinator_municipality_ids(user))


def visible_agreements(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Agreement.objects.none()
    return Agreement.objects.filter(
        Q(municipality_id__in=coordinator_municipality_ids(user) | team_municipality_ids(user))
        | Q(corporation_id__in=corporation_ids(user))
    )


def editable_agreements(user) -> QuerySet:
    return Agreement.objects.filter(municipality_id__in=coordinator_municipality_ids(user))


def can_view_contacts(user) -> bool:
    return can_view_agreements(user)


def can_manage_contacts(user) -> bool:
    return bool(coordinator_municipality_ids(user))


def manageable_contacts(user) -> QuerySet:
    return ContactPerson.objects.filter(
        district__municipality_id__in=coordinator_municipality_ids(user)
    )


def _corporation_district_ids(corporations: set[int]):
    """Districts where the corporations have complex addresses or filed signals."""
    pc4s = (
        counted_complex_addresses()
        .filter(complex__corporation_id__in=corporations)
        .annotate(pc4=Cast(Substr("postcode", 1, 4), IntegerField()))
        .values("pc4")
    )
    via_complexes = PostcodeArea.objects.filter(pc4__in=pc4s, district__isnull=False).values(
        "district_id"
    )
    via_signals = Signal.objects.filter(
        organisation_id__in=corporations, district__isnull=False
    ).values("district_id")
    return via_complexes, via_signals


def visible_contacts(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return ContactPerson.objects.none()
    visible = Q(district__municipality_id__in=coordinator_municipality_ids(user))
    partner = Q(organisation_id__in=corporation_ids(user) | team_ids(user))
    if team_ids(user):
        partner |= Q(district__team_id__in=team_ids(user))
    corporations = corporation_ids(user)
    if corporations:
        via_complexes, via_signals = _corporation_district_ids(corporations)
        partner |= Q(organisation__kind=OrganisationKind.WIJKTEAM) & (
            Q(district_id__in=via_complexes) | Q(district_id__in=via_signals)
        )
    current = Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate())
    return ContactPerson.objects.filter(visible | (partner & current))


def can_confirm_contact(user, contact) -> bool:
    return contact.district.municipality_id in coordinator_municipality_ids(
        user
    ) or contact.organisation_id in organisation_ids(user)


def visible_complexes(user) -> QuerySet:
    """A corporation's own complexes: the only ones it gets insights for."""
    return Complex.objects.filter(corporation_id__in=corporation_ids(user))


def approvable_complexes(user) -> QuerySet:
    """Complexes in the coordinator's municipalities: the coordinator approves their
    address lists and sees their size and spread, never a resident."""
    return Complex.objects.filter(municipality_id__in=coordinator_municipality_ids(user))


def can_approve_complexes(user) -> bool:
    return bool(coordinator_municipality_ids(user))


# --- partners data: districts, observations, the district plan ------------------------


def visible_districts(user) -> QuerySet:
    """The districts a user works in: the coordinator's municipality's, those the user's
    team serves, and those where the user's corporation has housing (an approved complex)
    or filed signals. Anyone else gets none, so a district page answers 404."""
    if not getattr(user, "is_authenticated", False):
        return District.objects.none()
    works_in = Q(municipality_id__in=coordinator_municipality_ids(user)) | Q(
        team_id__in=team_ids(user)
    )
    corporations = corporation_ids(user)
    if corporations:
        via_complexes, via_signals = _corporation_district_ids(corporations)
        works_in |= Q(pk__in=via_complexes) | Q(pk__in=via_signals)
    return District.objects.filter(works_in)


def can_view_districts(user) -> bool:
    return bool(coordinator_municipality_ids(user) or team_ids(user) or corporation_ids(user))


def can_manage_plan(user, district) -> bool:
    """The municipality's coordinator keeps the district plan, with the partners."""
    return district.municipality_id in coordinator_municipality_ids(user)


def visible_observations(user) -> QuerySet:
    """Observations of the districts the user works in; the privacy officer reads those of
    the municipality, to erase one that names a resident."""
    if not getattr(user, "is_authenticated", False):
        return DistrictObservation.objects.none()
    return DistrictObservation.objects.filter(
        Q(district__in=visible_districts(user).values("pk"))
        | Q(district__municipality_id__in=privacy_officer_municipality_ids(user))
    )


def can_review_observations(user) -> bool:
    return bool(privacy_officer_municipality_ids(user))


def can_erase_observation(user, observation) -> bool:
    return observation.district.municipality_id in privacy_officer_municipality_ids(user)


def district_contacts(user, district) -> QuerySet:
    """Who's who on a district page: the current fixed contact persons of every partner in
    a district the user works in, so the partners can know each other."""
    if not visible_districts(user).filter(pk=district.pk).exists():
        return ContactPerson.objects.none()
    current = Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate())
    return ContactPerson.objects.filter(current, district=district)


def visible_plan_actions(user) -> QuerySet:
    return PlanAction.objects.filter(district__in=visible_districts(user).values("pk"))


# --- aggregates: dashboard, monitor, insights -----------------------------------------
#
# Coordinators see aggregate figures of their municipality only; corporation staff the
# insights of their own complexes. Figures never carry personal fields (`privacy.aggregates`).


def can_view_dashboard(user) -> bool:
    return bool(coordinator_municipality_ids(user))


def can_view_insights(user) -> bool:
    return bool(corporation_ids(user))


def counted_complex_addresses() -> QuerySet:
    """Addresses that count for anything beyond the complex's own list: insights and the
    districts a corporation works in (contact visibility). Only approved lists count, so
    addresses a corporation typed into a pending complex widen nothing."""
    return ComplexAddress.objects.filter(complex__status=ComplexStatus.APPROVED)


# --- notifications and accounts -------------------------------------------------------


def own_reminders(user) -> QuerySet:
    """A user's notifications: only their own, never anyone else's (not even for admins)."""
    if not getattr(user, "is_authenticated", False):
        return Reminder.objects.none()
    return Reminder.objects.filter(recipient=user)


def visible_api_tokens(user) -> QuerySet:
    """Every user sees and manages only their own API tokens (admins included)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


# --- privacy officer: access-log inquiry, subject reports, erasure --------------------
#
# Scope: a privacy officer of a municipality sees
#   - every access-log row written by someone acting for an organisation of that
#     municipality (its teams and the municipality itself), and
#   - every row about a household whose postcode (PC4) lies in that municipality,
#     whoever wrote it (a corporation's staff reading a signal they filed there).
# A household search is answered only for an address inside the municipality; it finds
# the rows about the household and the list/export rows whose `object_ids` include one
# of its signals or cases routed to the municipality's teams. The officer gets no
# visibility of signals or cases in the normal work screens; the subject report and the
# erasure read them only through the functions below.

HOUSEHOLD_OBJECT_IDS_MAX = 200


def municipality_pc4s(user) -> list[str]:
    municipalities = privacy_officer_municipality_ids(user)
    if not municipalities:
        return []
    pcs = PostcodeArea.objects.filter(municipality_id__in=municipalities).values_list("pc4")
    return [str(pc4) for (pc4,) in pcs]


def household_in_privacy_scope(user, household_key: str) -> bool:
    return bool(household_key) and household_key[:4] in municipality_pc4s(user)


def visible_access_log(user) -> QuerySet:
    """Access-log rows the privacy officer may inquire into (see the scope above)."""
    municipalities = privacy_officer_municipality_ids(user)
    if not municipalities:
        return AccessLog.objects.none()

    # Administration rows (memberships, roles, groups, two-factor devices) concern no
    # household: every privacy officer sees them, they watch over who may see what.
    return AccessLog.objects.annotate(household_pc4=Left("household_key", 4)).filter(
        Q(organisation__municipality_id__in=municipalities)
        | Q(household_pc4__in=municipality_pc4s(user))
        | Q(purpose=Purpose.ADMINISTRATION)
    )


def _household_rows_in_scope(Model, user, household_key: str) -> QuerySet:
    municipalities = privacy_officer_municipality_ids(user)
    if not municipalities or not household_key:
        return Model.objects.none()
    return Model.objects.filter(
        household_key=household_key, team__municipality_id__in=municipalities
    )


def privacy_household_signals(user, household_key: str) -> QuerySet:
    """The household's signals routed to the officer's municipality (subject report,
    erasure). Empty for anyone who is not a privacy officer there."""
    return _household_rows_in_scope(Signal, user, household_key)


def privacy_household_cases(user, household_key: str) -> QuerySet:
    """The household's cases of the officer's municipality's teams (as above)."""
    return _household_rows_in_scope(Case, user, household_key)


def household_access_log(user, household_key: str) -> QuerySet:
    """Rows about one household, including list/export rows that returned one of its
    signals or cases. On PostgreSQL `object_ids @> '["<id>"]'` uses the GIN index
    (privacy migration 0004); the ids are bounded by HOUSEHOLD_OBJECT_IDS_MAX."""
    if not household_in_privacy_scope(user, household_key):
        return AccessLog.objects.none()
    ids = [
        *privacy_household_signals(user, household_key).values_list("pk", flat=True)[
            :HOUSEHOLD_OBJECT_IDS_MAX
        ],
        *privacy_household_cases(user, household_key).values_list("pk", flat=True)[
            :HOUSEHOLD_OBJECT_IDS_MAX
        ],
    ]
    condition = Q(household_key=household_key)
    for object_id in ids:
        if connection.vendor == "postgresql":
            condition |= Q(object_ids__contains=[str(object_id)])
        else:
            condition |= Q(object_ids__icontains=f'"{object_id}"')
    return AccessLog.objects.filter(condition)


def can_inquire_access_log(user) -> bool:
    return bool(privacy_officer_municipality_ids(user))


def can_erase_household(user, household_key: str) -> bool:
    return household_in_privacy_scope(user, household_key)
