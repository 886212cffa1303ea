"""Writes of the cases domain: triage decisions and case work.

Each use case is one transaction that changes the data, appends to the case history
(`CaseEvent`) and writes the access log. Accepting a signal into a new case and merging
it into the team's open case change the signal identically, so the filer cannot tell
which happened.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.working_days import add_working_days, start_day
from partners.choices import OrganisationKind
from partners.models import Organisation
from privacy import access_log, policy
from privacy.grants import (
    end_case_share,
    grant_case_access,
    grant_case_share,
    move_signal_team_access,
)
from privacy.models import AccessAction, CaseUserObjectPermission, Purpose
from signals.intake import next_references
from signals.models import DeclineReason, Signal, SignalKind, SignalStatus, outcome_for_kind

from . import events, workflow
from .models import (
    CONVERSATION_CHANNELS,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseSignal,
    CaseState,
    HelpResponse,
    Outreach,
    OutreachChannel,
    Threat,
)
from .selectors import NOT_TRIAGE_LEAD, team_member_choices

NOTE_MAX = 5000
REASON_MAX = 2000


@dataclass
class BulkResult:
    done: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (signal, message)


# --- helpers ---------------------------------------------------------------------------


def _event(case, user, kind, *, text="", from_state="", to_state="", **data) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=user,
        kind=kind,
        text=text,
        from_state=from_state,
        to_state=to_state,
        data=data,
    )


def _log_case(user, action, case, *, purpose=Purpose.WORK, reason="") -> None:
    access_log.record_object(
        user,
        action,
        "case",
        case,
        organisation_id=case.team_id,
        purpose=purpose,
        reason=reason,
    )


def _log_signal(user, action, signal, *, organisation_id, purpose=Purpose.TRIAGE, reason=""):
    access_log.record_object(
        user,
        action,
        "signal",
        signal,
        organisation_id=organisation_id,
        purpose=purpose,
        reason=reason,
    )


def _clean_text(value, field_name: str, maximum: int, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field_name: [message]})
    if len(text) > maximum:
        raise ValidationError(
            {field_name: [_("Gebruik hoogstens %(max)d tekens.") % {"max": maximum}]}
        )
    return text


def _lock_signal_for_triage(user, signal) -> Signal:
    """Re-read the signal under a row lock and check it still awaits triage by this user."""
    if not policy.can_triage_signal(user, signal):
        raise PermissionDenied(str(NOT_TRIAGE_LEAD))
    locked = Signal.objects.select_for_update().select_related("team").get(pk=signal.pk)
    if locked.status != SignalStatus.RECEIVED:
        raise ValidationError(
            {
                "status": [
                    _("Dit signaal is al getrieerd (%(status)s).")
                    % {"status": locked.get_status_display()}
                ]
            }
        )
    return locked


def _lock_household(team_id: int, household_key: str) -> None:
    """Serialise accepts for one team and household, so two concurrent accepts end in one
    case. On PostgreSQL a transaction-scoped advisory lock; SQLite serialises writes."""
    if connection.vendor == "postgresql" and household_key:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"case:{team_id}:{household_key}"]
            )


def _lock_case(case) -> Case:
    return Case.objects.select_for_update().select_related("team").get(pk=case.pk)


# --- triage ----------------------------------------------------------------------------


def accept_signal(user, signal) -> Case:
    """Accept a signal: open a case for its household, or add it to the team's open case
    for that household. The signal ends up exactly the same either way."""
    with transaction.atomic():
        signal = _lock_signal_for_triage(user, signal)
        now = timezone.now()
        case = _open_or_merge(user, signal, now)
        CaseSignal.objects.create(case=case, signal=signal)
        if signal.eviction_date and case.help_response == HelpResponse.ACCEPTED:
            # A merged signal with an eviction date shortens a running clock.
            _refresh_clock(case)
            case.save(update_fields=["first_conversation_due", "updated_at"])
        signal.status = SignalStatus.ACCEPTED
        signal.triaged_at = now
        signal.save(update_fields=["status", "triaged_at", "updated_at"])
        _log_signal(user, AccessAction.UPDATE, signal, organisation_id=signal.team_id)
        _log_case(user, AccessAction.UPDATE, case)
        events.signal_accepted(signal)
    return case


def _open_or_merge(user, signal, now) -> Case:
    _lock_household(signal.team_id, signal.household_key)
    case = None
    if signal.household_key:
        case = (
            Case.objects.select_for_update()
            .filter(team_id=signal.team_id, household_key=signal.household_key)
            .exclude(state=CaseState.CLOSED)
            .first()
        )
    if case is None:
        case = _new_case(signal, now)
        grant_case_access(case)
        _event(case, user, CaseEventKind.OPENED, to_state=case.state, signal=signal.reference)
    else:
        case.save(update_fields=["updated_at"])
        _event(case, user, CaseEventKind.MERGED, signal=signal.reference)
    return case


def _new_case(signal, now) -> Case:
    (reference,) = next_references("CAS", timezone.localdate(now).year)
    return Case.objects.create(
        reference=reference,
        team=signal.team,
        household_key=signal.household_key,
        postcode=signal.postcode,
        house_number=signal.house_number,
        house_number_addition=signal.house_number_addition,
    )


def decline_signal(user, signal, reason: str, reason_category: str = "") -> Signal:
    """Decline with a reason the filer sees (category) and a short explanation."""
    reason = _clean_text(reason, "reason", REASON_MAX, _("Geef een toelichting."))
    reason_category = reason_category or DeclineReason.OTHER
    if reason_category not in DeclineReason.values:
        raise ValidationError({"reason_category": [_("Kies een geldige reden.")]})
    with transaction.atomic():
        signal = _lock_signal_for_triage(user, signal)
        now = timezone.now()
        signal.status = SignalStatus.DECLINED
        signal.decline_reason_category = reason_category
        signal.decline_reason = reason
        signal.triaged_at = now
        signal.feedback_at = now
        signal.save(
            update_fields=[
                "status",
                "decline_reason_category",
                "decline_reason",
                "triaged_at",
                "feedback_at",
                "updated_at",
            ]
        )
        _log_signal(user, AccessAction.UPDATE, signal, organisation_id=signal.team_id)
        events.signal_declined(signal)
    return signal


def reroute_signal(user, signal, team: Organisation, reason: str) -> Signal:
    """Move a signal awaiting triage to another team; the old team loses access."""
    reason = _clean_text(reason, "reason", REASON_MAX, _("Geef een reden voor het doorzetten."))
    if not policy.can_reroute_signal(user, signal):
        raise PermissionDenied(str(NOT_TRIAGE_LEAD))
    if team.kind != OrganisationKind.WIJKTEAM or not team.is_active:
        raise ValidationError({"team": [_("Kies een actief wijkteam.")]})
    if team.pk == signal.team_id:
        raise ValidationError({"team": [_("Het signaal staat al bij dit wijkteam.")]})
    with transaction.atomic():
        locked = Signal.objects.select_for_update().select_related("team", "organisation")
        signal = locked.get(pk=signal.pk)
        if signal.status != SignalStatus.RECEIVED:
            raise ValidationError({"status": [_("Alleen een nog niet getrieerd signaal kan.")]})
        old_team = signal.team
        signal.team = team
        signal.save(update_fields=["team", "updated_at"])
        move_signal_team_access(signal, old_team)
        _log_signal(
            user,
            AccessAction.UPDATE,
            signal,
            organisation_id=old_team.pk,
            reason=_("Doorgezet van %(old)s naar %(new)s: %(reason)s")
            % {"old": old_team.name, "new": team.name, "reason": reason},
        )
    return signal


def bulk_accept(user, signals) -> BulkResult:
    """Accept each signal in its own transaction: one refusal does not undo the others."""
    return _bulk(signals, lambda s: accept_signal(user, s))


def bulk_decline(user, signals, reason: str, reason_category: str = "") -> BulkResult:
    _clean_text(reason, "reason", REASON_MAX, _("Geef een toelichting."))
    return _bulk(signals, lambda s: decline_signal(user, s, reason, reason_category))


def _bulk(signals, action) -> BulkResult:
    result = BulkResult()
    for signal in signals:
        try:
            action(signal)
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            result.failed.append((signal, " ".join(messages)))
        else:
            result.done.append(signal)
    return result


# --- case work -------------------------------------------------------------------------


def transition_case(user, case, to: str, reason: str = "", outcome: str = "") -> Case:
    """Move a case along the workflow table. Closing closes its signals with the outcome
    (the filer's feedback); reopening needs a reason and a free household slot."""
    reason = (reason or "").strip()
    with transaction.atomic():
        case = _lock_case(case)
        transition = workflow.check_transition(user, case, to, reason, outcome or "")
        now = timezone.now()
        source = case.state
        if transition.is_reopen:
            _check_no_other_open_case(case)
            case.closed_at = None
            case.outcome = ""
        if to == CaseState.CLOSED:
            case.outcome = outcome
            case.closed_at = now
            closed = _close_signals(case, outcome, now)
            events.signals_closed(closed)
        case.state = to
        case.save(update_fields=["state", "outcome", "closed_at", "updated_at"])
        _event(
            case,
            user,
            CaseEventKind.TRANSITION,
            text=reason,
            from_state=source,
            to_state=to,
            outcome=case.outcome,
        )
        _log_case(user, AccessAction.UPDATE, case)
    return case


def _check_no_other_open_case(case) -> None:
    other = (
        Case.objects.filter(team_id=case.team_id, household_key=case.household_key)
        .exclude(pk=case.pk)
        .exclude(state=CaseState.CLOSED)
        .exclude(household_key="")
        .values_list("reference", flat=True)
        .first()
    )
    if other:
        raise ValidationError(
            {"to": [_("Dit huishouden heeft al een open casus (%(ref)s).") % {"ref": other}]}
        )


def _close_signals(case, outcome: str, now) -> list[Signal]:
    """Each signal gets the outcome in the terms of its kind (rent arrears: the covenant's
    codes), whether it opened the case or was merged into it."""
    signals = Signal.objects.filter(case_link__case=case, status=SignalStatus.ACCEPTED)
    closing = list(signals.select_related("filed_by"))
    closed = {
        "status": SignalStatus.CLOSED,
        "closed_at": now,
        "feedback_at": now,
        "updated_at": now,
    }
    arrears = SignalKind.RENT_ARREARS
    signals.filter(kind=arrears).update(outcome=outcome_for_kind(outcome, arrears), **closed)
    signals.exclude(kind=arrears).update(
        outcome=outcome_for_kind(outcome, SignalKind.OTHER), **closed
    )
    return closing


def _require_manager(user, case) -> None:
    if not policy.can_manage_case(user, case):
        raise PermissionDenied(_("Alleen een triagist van het wijkteam kan dit doen."))


def _require_worker(user, case) -> None:
    if not policy.can_work_case(user, case):
        raise PermissionDenied(_("U kunt aan deze casus niet werken."))


def assign_case(user, case, assignee) -> Case:
    """Assign (or, with None, unassign) a case to a member of its team."""
    _require_manager(user, case)
    _require_open(case)
    if assignee is not None and not team_member_choices(case.team_id).filter(pk=assignee.pk):
        raise ValidationError({"assignee": [_("Kies een medewerker van dit wijkteam.")]})
    with transaction.atomic():
        case = _lock_case(case)
        previous = case.assignee.get_username() if case.assignee else ""
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        _event(
            case,
            user,
            CaseEventKind.ASSIGNED,
            assignee=assignee.get_username() if assignee else "",
            assignee_name=(assignee.get_full_name() or assignee.get_username()) if assignee else "",
            previous=previous,
        )
        _log_case(user, AccessAction.UPDATE, case)
        if assignee is not None and assignee.pk != user.pk:
            events.case_assigned(case, assignee)
    return case


def add_note(user, case, text: str) -> CaseEvent:
    text = _clean_text(text, "text", NOTE_MAX, _("Schrijf een notitie."))
    _require_worker(user, case)
    _require_open(case)
    with transaction.atomic():
        case = _lock_case(case)
        case.save(update_fields=["updated_at"])
        event = _event(case, user, CaseEventKind.NOTE, text=text)
        _log_case(user, AccessAction.UPDATE, case, purpose=policy.case_access_purpose(user, case))
    return event


def set_follow_up(user, case, follow_up: date | None) -> Case:
    _require_worker(user, case)
    _require_open(case)
    if follow_up is not None and follow_up < timezone.localdate():
        raise ValidationError({"follow_up_date": [_("Kies een datum vanaf vandaag.")]})
    with transaction.atomic():
        case = _lock_case(case)
        case.follow_up_date = follow_up
        case.save(update_fields=["follow_up_date", "updated_at"])
        _event(
            case,
            user,
            CaseEventKind.FOLLOW_UP,
            follow_up_date=follow_up.isoformat() if follow_up else "",
        )
        _log_case(user, AccessAction.UPDATE, case, purpose=policy.case_access_purpose(user, case))
    return case


def set_confidential(user, case, confidential: bool) -> Case:
    """Confidential: only the assignee and the team's triage leads still see the case."""
    _require_manager(user, case)
    _require_open(case)
    with transaction.atomic():
        case = _lock_case(case)
        case.confidential = bool(confidential)
        case.save(update_fields=["confidential", "updated_at"])
        _event(case, user, CaseEventKind.CONFIDENTIAL, confidential=case.confidential)
        _log_case(user, AccessAction.UPDATE, case)
    return case


def share_end(until: date) -> datetime:
    """A share lasts through its end date: access stops at the start of the next day."""
    return timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))


def share_case(user, case, with_user, reason: str, until: date) -> CaseUserObjectPermission:
    """Let one named user see this case until (and including) `until`, with a reason."""
    _require_manager(user, case)
    _require_open(case)
    reason = _clean_text(reason, "reason", REASON_MAX, _("Geef een reden voor het delen."))
    errors = {}
    if with_user is None or not with_user.is_active:
        errors["with_user"] = [_("Kies een actieve gebruiker.")]
    elif not policy.can_receive_share(case, with_user):
        errors["with_user"] = [
            _(
                "Een casus kan alleen gedeeld worden met een medewerker of triagist van "
                "een wijkteam in dezelfde gemeente."
            )
        ]
    elif with_user.pk == user.pk:
        errors["with_user"] = [_("U kunt een casus niet met uzelf delen.")]
    if until is None or until < timezone.localdate():
        errors["until"] = [_("Kies een einddatum vanaf vandaag.")]
    elif until > timezone.localdate() + timedelta(days=settings.SHARE_MAX_DAYS):
        errors["until"] = [
            _("Delen kan voor hoogstens %(days)d dagen.") % {"days": settings.SHARE_MAX_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _lock_case(case)
        share = grant_case_share(
            case,
            with_user,
            reason=reason,
            expires_at=share_end(until),
            granted_by=user,
            now=timezone.now(),
        )
        _event(
            case,
            user,
            CaseEventKind.SHARED,
            text=reason,
            with_user=with_user.get_username(),
            until=until.isoformat(),
        )
        access_log.record(
            user,
            AccessAction.CREATE,
            "case_share",
            case.pk,
            household_key=case.household_key,
            organisation_id=case.team_id,
            purpose=Purpose.SHARED_ACCESS,
            reason=_("Gedeeld met %(user)s tot en met %(until)s: %(reason)s")
            % {
                "user": with_user.get_username(),
                "until": until.strftime("%d-%m-%Y"),
                "reason": reason,
            },
        )
        events.case_shared(case, with_user, until)
    return share


def end_share(user, case, with_user) -> None:
    _require_manager(user, case)
    with transaction.atomic():
        case = _lock_case(case)
        if not end_case_share(case, with_user):
            raise ValidationError({"with_user": [_("Deze casus is niet met hem of haar gedeeld.")]})
        _event(case, user, CaseEventKind.SHARE_ENDED, with_user=with_user.get_username())
        access_log.record_object(
            user,
            AccessAction.DELETE,
            "case_share",
            case,
            organisation_id=case.team_id,
            purpose=Purpose.SHARED_ACCESS,
            reason=_("Delen met %(user)s beëindigd") % {"user": with_user.get_username()},
        )


# --- rent arrears: outreach, the resident's answer, the legal clock (Wgs art. 4a) ------

CONVERSATION_WEEKS = 4
URGENT_CONVERSATION_DAYS = 3


def first_conversation_due(help_asked_at: datetime, urgent: bool) -> date:
    """Wgs art. 4a: a first conversation within four weeks of the request for help, or
    within three working days when eviction, disconnection of energy or water, or the end
    of the health insurance threatens."""
    if urgent:
        return add_working_days(start_day(help_asked_at), URGENT_CONVERSATION_DAYS)
    return timezone.localdate(help_asked_at) + timedelta(weeks=CONVERSATION_WEEKS)


def _refresh_clock(case) -> None:
    due = None
    if case.help_response == HelpResponse.ACCEPTED and case.help_response_at:
        urgent = bool(case.threat) or (
            Signal.objects.filter(case_link__case=case, eviction_date__isnull=False).exists()
        )
        due = first_conversation_due(case.help_response_at, urgent)
    case.first_conversation_due = due


def _clean_moment(value, field_name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError({field_name: [_("Vul een datum en tijd in.")]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now():
        raise ValidationError({field_name: [_("Dit tijdstip ligt in de toekomst.")]})
    return value


def _require_open(case) -> None:
    """A closed case is read-only: only reopening (a status change) and ending a share
    (which takes access away) still write to it."""
    if case.state == CaseState.CLOSED:
        raise ValidationError({"case": [_("Deze casus is afgesloten; heropen hem eerst.")]})


def record_outreach(user, case, channel: str, at: datetime, reached: bool, note: str = ""):
    """A contact attempt by the team. A reached phone call or visit after help was
    accepted counts as the first conversation and stops the legal clock."""
    _require_worker(user, case)
    if channel not in OutreachChannel.values:
        raise ValidationError({"channel": [_("Kies brief, telefoon, huisbezoek, e-mail of sms.")]})
    at = _clean_moment(at, "at")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": [_("Gebruik hoogstens %(max)d tekens.") % {"max": NOTE_MAX}]}
        )
    with transaction.atomic():
        case = _lock_case(case)
        _require_open(case)
        outreach = Outreach.objects.create(
            case=case, channel=channel, at=at, reached=bool(reached), recorded_by=user
        )
        if (
            reached
            and channel in CONVERSATION_CHANNELS
            and case.help_response == HelpResponse.ACCEPTED
            and case.first_conversation_at is None
            and at >= case.help_response_at
        ):
            case.first_conversation_at = at
        case.save(update_fields=["first_conversation_at", "updated_at"])
        _event(
            case,
            user,
            CaseEventKind.OUTREACH,
            text=note,
            channel=channel,
            at=at.isoformat(),
            reached=bool(reached),
        )
        _log_case(user, AccessAction.UPDATE, case, purpose=policy.case_access_purpose(user, case))
    return outreach


def record_help_response(user, case, response: str, at: datetime, threat: str | None = None):
    """The resident's answer to the offer of help. `accepted` starts the clock for the
    first conversation; `threat` (None: unchanged, "": none) can shorten it."""
    _require_worker(user, case)
    if response not in HelpResponse.values:
        raise ValidationError({"response": [_("Kies geaccepteerd, afgewezen of geen reactie.")]})
    if threat is not None and threat and threat not in Threat.values:
        raise ValidationError({"threat": [_("Kies een geldige dreiging.")]})
    at = _clean_moment(at, "at")
    with transaction.atomic():
        case = _lock_case(case)
        _require_open(case)
        case.help_response = response
        case.help_response_at = at
        if threat is not None:
            case.threat = threat
        _refresh_clock(case)
        case.save(
            update_fields=[
                "help_response",
                "help_response_at",
                "threat",
                "first_conversation_due",
                "updated_at",
            ]
        )
        _event(
            case,
            user,
            CaseEventKind.HELP,
            # The threat is about the household's situation: in the erasable text.
            text=str(Threat(case.threat).label) if case.threat else "",
            response=response,
            at=at.isoformat(),
            first_conversation_due=(
                case.first_conversation_due.isoformat() if case.first_conversation_due else ""
            ),
        )
        _log_case(user, AccessAction.UPDATE, case, purpose=policy.case_access_purpose(user, case))
    return case
