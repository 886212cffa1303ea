"""The privacy policy: the one place that decides what a user may see and do.

Views, API viewsets, exports, search, counts and dashboards all start from the querysets
here and ask the `can_*` questions here; nothing filters by hand elsewhere. Visibility of
signals and cases comes from guardian's direct foreign-key permission tables, granted to
organisation groups, always with `accept_global_perms=False` and `with_superuser=False`:
a superuser sees no personal data through the UI or API.
"""

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from partners.choices import OrganisationKind, Role
from partners.selectors import memberships_of

VIEW_SIGNAL = "signals.view_signal"
TRIAGE_SIGNAL = "signals.triage_signal"
VIEW_CASE = "cases.view_case"
CHANGE_CASE = "cases.change_case"


# --- who the user is ---------------------------------------------------------------


def organisation_ids(user, *roles: str) -> set[int]:
    """Organisations where the user holds one of `roles` (any role when none given)."""
    return {m.organisation_id for m in memberships_of(user) if not roles or m.role in roles}


def has_role(user, *roles: str) -> bool:
    return bool(organisation_ids(user, *roles))


def team_ids(user) -> set[int]:
    return organisation_ids(user, Role.TEAM_MEMBER, Role.TRIAGE_LEAD)


def triage_team_ids(user) -> set[int]:
    return organisation_ids(user, Role.TRIAGE_LEAD)


def corporation_ids(user) -> set[int]:
    return organisation_ids(user, Role.CORPORATION_STAFF)


def coordinator_municipality_ids(user) -> set[int]:
    return {
        m.organisation.municipality_id
        for m in memberships_of(user)
        if m.role == Role.COORDINATOR and m.organisation.kind == OrganisationKind.MUNICIPALITY
    }


def privacy_officer_municipality_ids(user) -> set[int]:
    return {
        m.organisation.municipality_id
        for m in memberships_of(user)
        if m.role == Role.PRIVACY_OFFICER
    }


def acting_membership(user, organisation_id: int | None = None):
    """The membership a user acts through: for that organisation when given, else the first."""
    memberships = memberships_of(user)
    for membership in memberships:
        if organisation_id is None or membership.organisation_id == organisation_id:
            return membership
    return None


# --- signals -------------------------------------------------------------------------


def visible_signals(user) -> QuerySet:
    """Signals the user may see: filed by their organisation or routed to their team."""
    Signal = apps.get_model("signals", "Signal")
    if not getattr(user, "is_authenticated", False):
        return Signal.objects.none()
    return get_objects_for_user(
        user,
        VIEW_SIGNAL,
        klass=Signal.objects.all(),
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )


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


# --- cases ---------------------------------------------------------------------------


def visible_cases(user) -> QuerySet:
    """Cases of the user's teams, minus confidential ones unless assignee or triage lead,
    plus cases shared with the user personally until the share ends."""
    Case = apps.get_model("cases", "Case")
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    via_team = get_objects_for_user(
        user,
        VIEW_CASE,
        klass=Case.objects.all(),
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    ).filter(
        # guardian also returns per-user grants; those are shares, handled below with their
        # expiry, so the team path keeps only the user's own teams' cases.
        Q(team_id__in=team_ids(user)),
        Q(confidential=False) | Q(assignee=user) | Q(team_id__in=triage_team_ids(user)),
    )
    shared = Case.objects.filter(
        caseuserobjectpermission__user=user,
        caseuserobjectpermission__permission__codename="view_case",
        caseuserobjectpermission__expires_at__gt=timezone.now(),
    )
    return Case.objects.filter(Q(pk__in=via_team.values("pk")) | Q(pk__in=shared.values("pk")))


def case_access_purpose(user, case) -> str:
    """Why the user may see the case: their team's work, or a personal share."""
    from .models import Purpose

    return Purpose.WORK if case.team_id in team_ids(user) else Purpose.SHARED_ACCESS


def can_triage_in_team(user, team_id: int) -> bool:
    return team_id in triage_team_ids(user)


def can_work_case(user, case) -> bool:
    """Write notes, set follow-up: team members who can see it, and people it is shared with."""
    return visible_cases(user).filter(pk=case.pk).exists()


# --- municipality roles ---------------------------------------------------------------


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def is_privacy_officer(user) -> bool:
    return has_role(user, Role.PRIVACY_OFFICER)


# --- cases: triage, case work and sharing (issue 4) ----------------------------------


def can_reroute_signal(user, signal) -> bool:
    """Re-routing is a triage lead's decision for their own team's signal, or the
    coordinator's for a signal routed within their municipality."""
    if can_triage_signal(user, signal):
        return True
    return signal.team.municipality_id in coordinator_municipality_ids(user)


def can_manage_case(user, case) -> bool:
    """Assign, mark confidential and share: the triage leads of the case's team."""
    return can_triage_in_team(user, case.team_id)


def team_signals(user, team_id: int) -> QuerySet:
    """Signals routed to one of the user's own teams (the work tray starts here)."""
    if team_id not in team_ids(user):
        return apps.get_model("signals", "Signal").objects.none()
    return visible_signals(user).filter(team_id=team_id)


def team_cases(user, team_id: int) -> QuerySet:
    """Visible cases of one of the user's own teams."""
    if team_id not in team_ids(user):
        return apps.get_model("cases", "Case").objects.none()
    return visible_cases(user).filter(team_id=team_id)


def signals_of_visible_case(case) -> QuerySet:
    """The signals merged into a case. Pass only a case taken from `visible_cases`: who
    may see a case may see the signals it is about (also when it is shared with them)."""
    Signal = apps.get_model("signals", "Signal")
    return Signal.objects.filter(case_link__case_id=case.pk)
