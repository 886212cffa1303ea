"""Reads of the signals domain. Every read starts from `privacy.policy`."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.postcodes import normalise_postcode
from privacy import access_log, policy
from privacy.models import AccessAction, Purpose

from .models import Signal, SignalImport, SignalStatus


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
    # Searching by address is part of a team's work on its queue and of a corporation's
    # on the signals it filed; the policy says whose signals a user searches by address.
    return query | (Q(postcode=postcode) & policy.address_searchable_signals(user))


def signal_export_rows(user, filters: dict | None = None) -> tuple[list, list]:
    """The filtered signal list as CSV header and rows (no description: free text stays
    in the portal), its export written to the access log with every id it holds."""
    signals = list(signal_list(user, filters))
    access_log.record_list(user, "signal", signals, export=True)
    header = [
        _("Kenmerk"),
        _("Extern kenmerk"),
        _("Gemeld op"),
        _("Soort"),
        _("Urgentie"),
        _("Status"),
        _("Uitkomst"),
        _("Melder"),
        _("Wijkteam"),
        _("Adres"),
        _("Triage uiterlijk"),
        _("Terugkoppeling uiterlijk"),
    ]
    rows = [
        [
            signal.reference,
            signal.external_reference or "",
            timezone.localtime(signal.filed_at).strftime("%d-%m-%Y %H:%M"),
            signal.get_kind_display(),
            signal.get_urgency_display(),
            signal.get_status_display(),
            signal.get_outcome_display() or "",
            signal.organisation.name,
            signal.team.name,
            signal.address,
            signal.triage_deadline.strftime("%d-%m-%Y"),
            signal.feedback_deadline.strftime("%d-%m-%Y"),
        ]
        for signal in signals
    ]
    return header, rows


def log_signal_list(user, signals) -> None:
    """One access-log row for a list page or API page, with the ids it returned."""
    access_log.record_list(user, "signal", signals)


def signal_detail(user, pk) -> Signal:
    """One visible signal (404 otherwise), its read written to the access log."""
    try:
        signal = (
            policy.visible_signals(user)
            .select_related("team", "organisation", "follows_up")
            .get(pk=pk)
        )
    except (Signal.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    access_log.record_object(
        user,
        AccessAction.READ,
        "signal",
        signal,
        organisation_id=_acting_organisation_id(user, signal),
    )
    return signal


@dataclass(frozen=True)
class TimelineStep:
    at: object  # a datetime
    label: str
    detail: str = ""


def filer_timeline(signal) -> list[TimelineStep]:
    """The dated steps the filer follows: gemeld, opgepakt or niet opgepakt, afgerond with
    its outcome. The same for a signal that opened a case and one merged into one."""
    steps = [TimelineStep(signal.filed_at, _("Gemeld"))]
    if signal.status == SignalStatus.DECLINED and signal.triaged_at:
        steps.append(
            TimelineStep(
                signal.triaged_at,
                _("Niet opgepakt"),
                signal.get_decline_reason_category_display(),
            )
        )
    elif signal.triaged_at and signal.status in (SignalStatus.ACCEPTED, SignalStatus.CLOSED):
        steps.append(TimelineStep(signal.triaged_at, _("Opgepakt")))
    if signal.status == SignalStatus.CLOSED and signal.closed_at:
        steps.append(
            TimelineStep(signal.closed_at, _("Afgerond"), signal.get_outcome_display() or "")
        )
    return steps


def follow_up_original(user, pk) -> Signal | None:
    """The declined signal a new one completes (its read logged); 404 unless the user may
    file a follow-up on it; None when no signal is named."""
    if not pk:
        return None
    signal = signal_detail(user, pk)
    if not policy.can_follow_up(user, signal):
        raise Http404
    return signal


def team_contact(user, signal):
    """The team's fixed contact person for the signal's district, as far as the policy
    lets this user see contacts; None when the team named nobody."""
    if not signal.district_id:
        return None
    today = timezone.localdate()
    return (
        policy.visible_contacts(user)
        .filter(organisation_id=signal.team_id, district_id=signal.district_id)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("name")
        .first()
    )


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
    access_log.record_object(
        user,
        AccessAction.READ,
        "signal_receipt",
        signal,
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
