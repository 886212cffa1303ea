"""Test data for the partners tests: signals through the real service, then their dates
and status set as a team would have left them; cases straight on the models."""

from datetime import date, datetime, time

from django.utils import timezone

from cases.models import Case, CaseSignal, CaseState
from privacy.grants import grant_case_access
from signals.models import Signal
from signals.services import file_signal


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def signal(user, number: int, *, kind="nuisance", postcode="1012 AB", **fields) -> Signal:
    """File a signal as `user`; `fields` (dates, status, ...) are then stored directly."""
    data = {
        "kind": kind,
        "postcode": postcode,
        "house_number": number,
        "description": "Overlast gemeld door buren.",
        "resident_informed": True,
    }
    if kind == "rent_arrears":
        data.update(
            arrears_amount="800,00",
            arrears_months=2,
            wgs_reminder_sent=True,
            wgs_contact_attempted=True,
            wgs_handover_offered=True,
            wgs_debt_help_pointed=True,
        )
    filed = file_signal(user, data)
    if fields:
        Signal.objects.filter(pk=filed.pk).update(**fields)
        filed.refresh_from_db()
    return filed


def case_for(filed: Signal, *, state=CaseState.IN_PROGRESS, closed_at=None) -> Case:
    case = Case.objects.create(
        reference=f"CAS-{filed.reference[4:]}",
        team=filed.team,
        household_key=filed.household_key,
        postcode=filed.postcode,
        house_number=filed.house_number,
        state=state,
        closed_at=closed_at,
    )
    CaseSignal.objects.create(case=case, signal=filed)
    grant_case_access(case)
    return case
