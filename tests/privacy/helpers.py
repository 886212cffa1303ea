"""Test data for the privacy tests: signals through the real service, cases by model."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseEventKind, CaseSignal, CaseState
from privacy.grants import grant_case_access
from signals.models import Signal, SignalStatus
from signals.services import file_signal

_numbers = count(1)


def user(name):
    return get_user_model().objects.get(username=name)


def signal(postcode="1012 AB", house_number=5, addition="", kind="nuisance", by="anna"):
    data = {
        "kind": kind,
        "postcode": postcode,
        "house_number": house_number,
        "house_number_addition": addition,
        "description": "Geluidsoverlast van de bovenburen, meneer Jansen",
        "resident_informed": True,
        "external_reference": f"EXT-{next(_numbers)}",
    }
    if kind == "rent_arrears":
        data.update(
            arrears_amount="1250,00",
            arrears_months=3,
            wgs_reminder_sent=True,
            wgs_contact_attempted=True,
            wgs_handover_offered=True,
            wgs_debt_help_pointed=True,
        )
    return file_signal(user(by), data)


def decline(sig, days_ago: float, now=None):
    moment = (now or timezone.now()) - timedelta(days=days_ago)
    Signal.objects.filter(pk=sig.pk).update(
        status=SignalStatus.DECLINED,
        triaged_at=moment,
        decline_reason="Bewoner is al bekend bij de huisarts",
        decline_reason_category="other",
    )
    sig.refresh_from_db()
    return sig


def case_for(sig, *, closed_days_ago: float | None = None, outcome="help_accepted", now=None):
    """A case opened from `sig`, optionally closed `closed_days_ago` before `now`."""
    closed_at = None
    if closed_days_ago is not None:
        closed_at = (now or timezone.now()) - timedelta(days=closed_days_ago)
    case = Case.objects.create(
        reference=f"CAS-2026-{next(_numbers):06d}",
        team=sig.team,
        household_key=sig.household_key,
        postcode=sig.postcode,
        house_number=sig.house_number,
        house_number_addition=sig.house_number_addition,
        state=CaseState.CLOSED if closed_at else CaseState.IN_PROGRESS,
        outcome=outcome if closed_at else "",
        closed_at=closed_at,
    )
    CaseSignal.objects.create(case=case, signal=sig)
    CaseEvent.objects.create(case=case, kind=CaseEventKind.OPENED)
    CaseEvent.objects.create(case=case, kind=CaseEventKind.NOTE, text="Gesprek met mevrouw")
    Signal.objects.filter(pk=sig.pk).update(
        status=SignalStatus.CLOSED if closed_at else SignalStatus.ACCEPTED,
        outcome=outcome if closed_at else "",
        triaged_at=timezone.now(),
        closed_at=closed_at,
    )
    grant_case_access(case)
    return case
