"""Reads of the signals domain. Every read starts from `privacy.policy`."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from partners.postcodes import normalise_postcode
from privacy import access_log, policy
from privacy.models import AccessAction, Purpose

from .models import Signal, SignalImport


def signal_list(user, filters: dict | None = None) -> QuerySet:
    """The signals the user may see, searched and filtered (before any paging).

    `filters`: `q` (reference, external reference, and for the user's teams postcode),
    `status`, `kind`, `filed_from`/`filed_to` (dates), `team` (organisation id)."""
    filters = filters or {}
    signals = policy.visible_signals(user).select_related("team", "organisation")
    if filters.get("q"):
        signals = signals.filter(_search(user, filters["q"].strip()))
    if filters.get("status"):
        signals = signals.filter(status=filters["status"])
    if filters.get("kind"):
        signals = signals.filter(kind=filters["kind"])
    if filters.get("filed_from"):
        signals = signals.filter(filed_at__date__gte=filters["filed_from"])
    if filters.get("filed_to"):
        signals = signals.filter(filed_at__date__lte=filters["filed_to"])
    if filters.get("team"):
        signals = signals.filter(team_id=getattr(filters["team"], "pk", filters["team"]))
    return signals.order_by("-filed_at", "-reference")


def _search(user, text: str) -> Q:
    query = Q(reference__icontains=text) | Q(external_reference__iexact=text)
    try:
        postcode = normalise_postcode(text)
    except ValidationError:
        return query
    # Searching by address is part of a team's work on its queue.
    return query | Q(postcode=postcode, team_id__in=policy.team_ids(user))


def log_signal_list(user, signals) -> None:
    """One access-log row for a list page or API page, with the ids it returned."""
    access_log.record_list(user, "signal", signals)


def signal_detail(user, pk) -> Signal:
    """One visible signal (404 otherwise), its read written to the access log."""
    try:
        signal = policy.visible_signals(user).select_related("team", "organisation").get(pk=pk)
    except (Signal.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    access_log.record(
        user,
        AccessAction.READ,
        "signal",
        signal.pk,
        household_key=signal.household_key,
        organisation_id=_acting_organisation_id(user, signal),
    )
    return signal


def signal_receipt(user, pk) -> Signal:
    """A signal whose receipt the user downloads: only the filing organisation's staff
    (404 for anyone else, as for a missing signal); logged like any read."""
    try:
        signal = (
            policy.visible_signals(user)
            .select_related("team__municipality", "organisation")
            .get(pk=pk)
        )
    except (Signal.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if not policy.can_download_receipt(user, signal):
        raise Http404
    access_log.record(
        user,
        AccessAction.READ,
        "signal_receipt",
        signal.pk,
        household_key=signal.household_key,
        organisation_id=signal.organisation_id,
    )
    return signal


def _acting_organisation_id(user, signal) -> int:
    if policy.signal_perspective(user, signal) == "team":
        return signal.team_id
    return signal.organisation_id


def signal_import_list(user) -> QuerySet:
    return policy.visible_signal_imports(user).select_related("user")[:10]


def signal_import_detail(user, pk) -> SignalImport:
    return get_object_or_404(policy.visible_signal_imports(user).select_related("user"), pk=pk)


def signal_import_status(user, pk) -> SignalImport:
    """A background import's progress and report through the API (404 when not visible);
    logged, since the per-line messages can quote what the file said."""
    signal_import = signal_import_detail(user, pk)
    access_log.record(
        user,
        AccessAction.READ,
        "signal_import",
        signal_import.pk,
        organisation_id=signal_import.organisation_id,
    )
    return signal_import


def signal_import_error_export(user, pk) -> SignalImport:
    """An import whose error report the user downloads (404 when not visible); the export
    is written to the access log, since the messages can quote what the file said."""
    signal_import = signal_import_detail(user, pk)
    access_log.record(
        user,
        AccessAction.EXPORT,
        "signal_import",
        signal_import.pk,
        organisation_id=signal_import.organisation_id,
        purpose=Purpose.EXPORT,
    )
    return signal_import
