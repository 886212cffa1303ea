"""Granting object permissions to organisation groups, in bulk.

Guardian's `assign_perm` costs several queries per object; filing and importing thousands
of signals writes the direct foreign-key rows in one `bulk_create` instead."""

import functools
import operator
from functools import cache

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from partners.choices import OrganisationKind

from .models import CaseGroupObjectPermission, CaseUserObjectPermission, SignalGroupObjectPermission


@cache
def permission_id(app_label: str, codename: str) -> int:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename).pk


def _signal_grant_rows(signals) -> list[tuple[int, int, object]]:
    """(group, permission, signal) rows: the filer's organisation may view; the routed
    team may view and triage. Without repeats (filer and team can be one group)."""
    view = permission_id("signals", "view_signal")
    triage = permission_id("signals", "triage_signal")
    rows = []
    for signal in signals:
        rows.append((signal.organisation.group_id, view, signal.pk))
        rows.append((signal.team.group_id, view, signal.pk))
        rows.append((signal.team.group_id, triage, signal.pk))
    return list(dict.fromkeys(rows))


def routing_scope(organisations) -> Q:
    """The signals whose grants (`_signal_grant_rows`) can name one of these
    organisations' groups: those a corporation filed and those routed to a wijkteam.
    Filing takes a corporation role and routing picks a wijkteam, so a corporation is
    never a signal's team nor a wijkteam its filer, and other kinds of organisation get
    no signal grants. The policy asks this next to the grant itself: it never widens
    what the grants allow, and lets a list start from its organisation's own index
    (`signal_team_queue`, the team and filer lists) instead of the whole table."""
    teams = sorted({o.pk for o in organisations if o.kind == OrganisationKind.WIJKTEAM})
    filers = sorted({o.pk for o in organisations if o.kind == OrganisationKind.CORPORATION})
    parts = [Q(team_id__in=teams)] if teams else []
    if filers:
        parts.append(Q(organisation_id__in=filers))
    return functools.reduce(operator.or_, parts) if parts else Q(pk__in=[])


def grant_signal_access(signals) -> None:
    """Filer's organisation may view; the routed team may view and triage."""
    SignalGroupObjectPermission.objects.bulk_create(
        [
            SignalGroupObjectPermission(group_id=g, permission_id=p, content_object_id=s)
            for g, p, s in _signal_grant_rows(signals)
        ],
        ignore_conflicts=True,
    )


def move_signal_team_access(signal, old_team) -> None:
    """Re-routing: the old team loses access, the new team gains it."""
    SignalGroupObjectPermission.objects.filter(
        content_object=signal, group_id=old_team.group_id
    ).exclude(group_id=signal.organisation.group_id).delete()
    grant_signal_access([signal])


def grant_case_access(case) -> None:
    """The case's team may view and change it (confidentiality narrows it in the policy)."""
    CaseGroupObjectPermission.objects.bulk_create(
        [
            CaseGroupObjectPermission(
                group_id=case.team.group_id,
                permission_id=permission_id("cases", codename),
                content_object_id=case.pk,
            )
            for codename in ("view_case", "change_case")
        ],
        ignore_conflicts=True,
    )


# Where `policy.shared_case_ids` keeps a user's current shares for the request.
SHARED_CASES_CACHE = "_wijkportaal_shared_cases"


def _forget_shares(user) -> None:
    user.__dict__.pop(SHARED_CASES_CACHE, None)


def grant_case_share(case, with_user, *, reason: str, expires_at, granted_by, now):
    """The one per-user grant: one named person may view one case until `expires_at`.
    Who may receive it is the policy's decision (`policy.can_receive_share`); the caller
    asks it first."""
    share, _created = CaseUserObjectPermission.objects.update_or_create(
        user=with_user,
        permission_id=permission_id("cases", "view_case"),
        content_object=case,
        defaults={
            "reason": reason,
            "expires_at": expires_at,
            "granted_by": granted_by,
            "granted_at": now,
        },
    )
    _forget_shares(with_user)
    return share


def current_case_shares(case):
    """The personal shares of a case that have not expired."""
    return CaseUserObjectPermission.objects.filter(
        content_object=case, expires_at__gt=timezone.now()
    )


def end_case_share(case, with_user) -> int:
    """End a personal share; the number of grants removed (0 when there was none)."""
    deleted, _rows = CaseUserObjectPermission.objects.filter(
        user=with_user, content_object=case
    ).delete()
    _forget_shares(with_user)
    return deleted


# --- signals: bulk grants for imports -------------------------------------------------


def grant_signal_access_in_bulk(signals) -> None:
    """The same grants as `grant_signal_access`, for thousands of signals at once: on
    PostgreSQL one INSERT … SELECT FROM unnest(...) instead of building a model instance
    per row, which is most of the cost of a large CSV import."""
    if connection.vendor != "postgresql":
        grant_signal_access(signals)
        return
    rows = _signal_grant_rows(signals)
    if not rows:
        return
    groups, permissions, objects = (list(column) for column in zip(*rows, strict=True))
    objects = [str(pk) for pk in objects]
    table = SignalGroupObjectPermission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (group_id, permission_id, content_object_id) "  # noqa: S608 - table name from model meta
            "SELECT * FROM unnest(%s::integer[], %s::integer[], %s::uuid[]) "
            "ON CONFLICT DO NOTHING",
            [groups, permissions, objects],
        )
