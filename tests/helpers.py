"""Shared test data: signals filed through the real service, then (when asked) their dates
and status set as a team would have left them; cases straight on the models."""

import threading
from datetime import date, datetime, time, timedelta
from itertools import count
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseEventKind, CaseSignal, CaseState
from privacy import access_log, chain
from privacy.grants import grant_case_access
from privacy.models import AccessAction
from signals.models import WGS_STEPS, Signal, SignalStatus
from signals.services import file_signal

_numbers = count(1)

# A rent-arrears signal with the four Bgs steps the landlord must take first, all taken.
WGS_STEPS_TAKEN = dict.fromkeys(WGS_STEPS, True)


def database_url(alias: str = "default") -> str:
    """The URL of the (test) database Django uses, for a process or connection of its own."""
    db = connections[alias].settings_dict
    user, password = quote(db["USER"], safe=""), quote(db["PASSWORD"] or "", safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"


def user(name):
    return get_user_model().objects.get(username=name)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def signal(
    by="anna", house_number=5, *, postcode="1012 AB", addition="", kind="nuisance", **fields
) -> Signal:
    """File a signal as `by` (a user or a username), with its own external reference and
    a description naming a resident; `fields` (dates, status, ...) are then stored
    directly."""
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
        data.update(arrears_amount="1250,00", arrears_months=3, **WGS_STEPS_TAKEN)
    filed = file_signal(user(by) if isinstance(by, str) else by, data)
    if fields:
        Signal.objects.filter(pk=filed.pk).update(**fields)
        filed.refresh_from_db()
    return filed


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


def case_for(sig, *, state=None, closed_at=None, closed_days_ago=None, outcome="", now=None):
    """A case opened from `sig` with its opening events. Closed at `closed_at`, or
    `closed_days_ago` before `now` (then with `outcome`, default help accepted); the
    signal's status follows the case."""
    if closed_days_ago is not None:
        closed_at = (now or timezone.now()) - timedelta(days=closed_days_ago)
        outcome = outcome or "help_accepted"
    if state is None:
        state = CaseState.CLOSED if closed_at else CaseState.IN_PROGRESS
    case = Case.objects.create(
        reference=f"CAS-{sig.reference[4:]}",
        team=sig.team,
        household_key=sig.household_key,
        postcode=sig.postcode,
        house_number=sig.house_number,
        house_number_addition=sig.house_number_addition,
        state=state,
        outcome=outcome,
        closed_at=closed_at,
    )
    CaseSignal.objects.create(case=case, signal=sig)
    CaseEvent.objects.create(case=case, kind=CaseEventKind.OPENED)
    CaseEvent.objects.create(case=case, kind=CaseEventKind.NOTE, text="Gesprek met mevrouw")
    Signal.objects.filter(pk=sig.pk).update(
        status=SignalStatus.CLOSED if closed_at else SignalStatus.ACCEPTED,
        outcome=outcome,
        triaged_at=sig.triaged_at or timezone.now(),
        closed_at=closed_at,
    )
    grant_case_access(case)
    return case


def verify_while_writing(*, seeds: int, writers: int, verifications: int):
    """Write `seeds` access-log rows, then verify the chain `verifications` times while
    `writers` threads keep appending rows; returns (results, rows written meanwhile,
    errors of the writers)."""
    for i in range(seeds):
        access_log.record(None, AccessAction.READ, "signal", f"seed-{i}")
    stop = threading.Event()
    written, errors = [], []

    def write(n: int):
        try:
            while not stop.is_set():
                access_log.record(None, AccessAction.READ, "signal", f"writer-{n}")
                written.append(n)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    try:
        results = [chain.verify() for _ in range(verifications)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return results, len(written), errors
