"""A year of history for the demo world, so `make run` shows a dashboard, insights and
reminders with real figures instead of an empty portal.

Every signal is filed, triaged and worked through the same services users call (so grants,
case history and the access log are as they would be), then its dates are moved back to
when it "happened": filing date and its working-day deadlines, triage, closing. The access
log keeps the moment the demo was loaded: it is append-only, and that is the truth.

Loading is idempotent: the history is keyed by the external references `DEMO-…` of the
two demo corporations and is only loaded when none of them exists yet."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.kinds import SignalKind
from core.working_days import add_working_days, is_working_day, start_day
from signals.intake import agreed_terms
from signals.models import WGS_STEPS, DeclineReason, Outcome, Signal
from signals.services import file_signal

from .models import Case, CaseEvent, CaseState
from .services import accept_signal, assign_case, decline_signal, transition_case

REFERENCE_PREFIX = "DEMO-"
MONTHS = 12
SIGNALS_PER_MONTH = {"anna": 16, "bram": 12}
# Rent arrears are the bulk of what corporations send, then nuisance.
KIND_WEIGHTS = {
    SignalKind.RENT_ARREARS: 5,
    SignalKind.NUISANCE: 3,
    SignalKind.RENOVATION_FINDING: 1,
    SignalKind.OTHER: 1,
}
STREETS = {
    # filer: postcodes of the districts it mostly works in (Noord 101x, Zuid 102x).
    "anna": ["1012 AB", "1013 CD", "1015 EF", "1017 GH", "1021 KL"],
    "bram": ["1022 MN", "1024 PR", "1026 ST", "1028 VW", "1013 CD"],
}
TRIAGE_LEADS = {"Wijkteam Noord": "noor", "Wijkteam Zuid": "omar"}
DESCRIPTIONS = {
    SignalKind.RENT_ARREARS: "Huurachterstand opgelopen; herinneringen onbeantwoord.",
    SignalKind.NUISANCE: "Buren melden geluidsoverlast in de avonduren.",
    SignalKind.RENOVATION_FINDING: "Bij de renovatie: woning sterk vervuild, bewoner oogt verward.",
    SignalKind.OTHER: "Bewoner lijkt de post niet meer te openen.",
}
CLOSING_OUTCOMES = [
    Outcome.HELP_ACCEPTED,
    Outcome.HELP_ACCEPTED,
    Outcome.CONTACT_MADE,
    Outcome.HELP_DECLINED,
    Outcome.NO_CONTACT_POSSIBLE,
    Outcome.REFERRED,
]


@dataclass
class Story:
    """What happens to one demo signal, decided up front from the seeded random source."""

    filer: str
    filed_at: datetime
    data: dict
    fate: str  # "received", "declined", "open", "closed"
    triage_after_days: int
    close_after_days: int
    outcome: str


def load_demo_history(today: date | None = None) -> int:
    """File a year of demo signals and work them; returns how many were filed (0 when the
    history is already there)."""
    today = today or timezone.localdate()
    if Signal.objects.filter(external_reference__startswith=REFERENCE_PREFIX).exists():
        return 0
    users = {user.username: user for user in get_user_model().objects.all()}
    stories = _stories(today)
    with transaction.atomic():
        for number, story in enumerate(stories, start=1):
            story.data["external_reference"] = f"{REFERENCE_PREFIX}{number:04d}"
            _play(story, users, today)
    return len(stories)


def _stories(today: date) -> list[Story]:
    source = random.Random(2026)
    stories = []
    first_month = date(today.year, today.month, 1)
    for months_back in range(MONTHS - 1, -1, -1):
        month = _months_before(first_month, months_back)
        for filer, count in SIGNALS_PER_MONTH.items():
            for _ in range(count):
                moment = _working_moment(source, month, today)
                stories.append(_story(source, filer, moment, today))
    stories.sort(key=lambda story: story.filed_at)
    return stories


def _months_before(first_of_month: date, months: int) -> date:
    year, month = divmod(first_of_month.month - 1 - months, 12)
    return date(first_of_month.year + year, month + 1, 1)


def _working_moment(source, month: date, today: date) -> datetime:
    """A moment in `month` up to now: office hours on a working day, or earlier today for
    the current month when it has only just begun (filings by import come in at night)."""
    last_day = min(today, _months_before(month, -1) - timedelta(days=1))
    day = month + timedelta(days=source.randrange((last_day - month).days + 1))
    while not is_working_day(day) and day > month:
        day -= timedelta(days=1)
    moment = timezone.make_aware(
        datetime.combine(day, time(source.randrange(8, 17), source.randrange(60)))
    )
    now = timezone.now()
    return moment if moment < now else now - timedelta(minutes=source.randrange(5, 300))


def _story(source, filer: str, moment: datetime, today: date) -> Story:
    kind = source.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    age = (today - moment.date()).days
    data = {
        "kind": kind,
        "postcode": source.choice(STREETS[filer]),
        "house_number": source.randrange(1, 41),
        "description": DESCRIPTIONS[kind],
        "urgency": "urgent" if source.random() < 0.1 else "normal",
        "resident_informed": True,
    }
    if kind == SignalKind.RENT_ARREARS:
        data |= {
            "arrears_amount": f"{source.randrange(900, 4200)}.00",
            "arrears_months": source.randrange(2, 6),
            **dict.fromkeys(WGS_STEPS, True),
        }
    roll = source.random()
    if age < 3 or (age < 10 and roll < 0.5):
        fate = "received"  # still in the tray, some of them overdue
    elif roll < 0.15:
        fate = "declined"
    elif age < 45 or roll > 0.93:
        fate = "open"
    else:
        fate = "closed"
    # Most signals are triaged within their term; about one in four is late.
    triage_after = source.randrange(0, 4) if source.random() < 0.75 else source.randrange(6, 14)
    return Story(
        filer=filer,
        filed_at=moment,
        data=data,
        fate=fate,
        triage_after_days=triage_after,
        close_after_days=source.randrange(5, 30),
        outcome=source.choice(CLOSING_OUTCOMES),
    )


def _play(story: Story, users: dict, today: date) -> None:
    signal = file_signal(users[story.filer], story.data)
    triage_deadline, feedback_deadline = _deadlines(signal, story.filed_at)
    dates = {
        "filed_at": story.filed_at,
        "triage_deadline": triage_deadline,
        "feedback_deadline": feedback_deadline,
    }
    if story.fate == "received":
        Signal.objects.filter(pk=signal.pk).update(**dates)
        return
    lead = users[TRIAGE_LEADS[signal.team.name]]
    triaged_at = _at(story.filed_at, story.triage_after_days, today)
    if story.fate == "declined":
        decline_signal(
            lead, signal, "Past niet bij de opdracht van het wijkteam.", DeclineReason.OTHER
        )
        Signal.objects.filter(pk=signal.pk).update(
            **dates, triaged_at=triaged_at, feedback_at=triaged_at
        )
        return
    case = accept_signal(lead, signal)
    Signal.objects.filter(pk=signal.pk).update(**dates, triaged_at=triaged_at)
    _work(case, story, lead, users, triaged_at, today)


def _work(case: Case, story: Story, lead, users: dict, triaged_at: datetime, today: date):
    fresh = case.state == CaseState.NEW
    if fresh:
        Case.objects.filter(pk=case.pk).update(opened_at=triaged_at)
        CaseEvent.objects.filter(case=case).update(at=triaged_at)
        if lead.username == "noor" and case.house_number and case.house_number % 2:
            assign_case(lead, case, users["sara"])
        transition_case(lead, case, CaseState.IN_PROGRESS)
    if story.fate != "closed" or case.state == CaseState.CLOSED:
        return
    closed_at = _at(triaged_at, story.close_after_days, today)
    transition_case(lead, case, CaseState.CLOSED, outcome=story.outcome)
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
    Signal.objects.filter(case_link__case=case).update(closed_at=closed_at, feedback_at=closed_at)
    CaseEvent.objects.filter(case=case, at__gt=closed_at).update(at=closed_at)


def _deadlines(signal: Signal, filed_at: datetime) -> tuple[date, date]:
    terms = agreed_terms(
        signal.organisation_id, signal.team.municipality_id, signal.kind, filed_at.date()
    )
    start = start_day(filed_at)
    return add_working_days(start, terms.triage_days), add_working_days(start, terms.feedback_days)


def _at(moment: datetime, days: int, today: date) -> datetime:
    """`days` calendar days after `moment`, but never after yesterday."""
    latest = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(16, 0)))
    return min(moment + timedelta(days=days), latest)
