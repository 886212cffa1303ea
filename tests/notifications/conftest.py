"""Helpers for the reminder tests: signals and cases with chosen deadlines."""

import itertools
from datetime import date, datetime

import pytest
from django.utils import timezone

from cases.models import Case, CaseState
from partners.models import Organisation
from signals.models import Signal, SignalStatus
from wijkportaal.celery import app as celery_app

_numbers = itertools.count(1)

SECRET_POSTCODE = "1012 XZ"
SECRET_DESCRIPTION = "Bewoner mevrouw Geheimnaam heeft schulden en een zieke hond"


def moment(value: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(value))


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in-process unless a test starts a real worker; restored afterwards."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def make_signal(demo):
    def make(
        triage: date,
        feedback: date | None = None,
        team: str = "Wijkteam Noord",
        status: str = SignalStatus.RECEIVED,
        **fields,
    ) -> Signal:
        number = next(_numbers)
        return Signal.objects.create(
            reference=f"SIG-2026-{number:06d}",
            kind="nuisance",
            postcode=SECRET_POSTCODE,
            house_number=7,
            household_key=f"1012XZ-{number}",
            description=SECRET_DESCRIPTION,
            organisation=Organisation.objects.get(name="Woonstichting De Linde"),
            team=Organisation.objects.get(name=team),
            filed_at=moment("2026-11-20T10:00"),
            triage_deadline=triage,
            feedback_deadline=feedback or date(2027, 6, 1),
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def make_case(demo, user):
    def make(follow_up: date | None, assignee: str = "sara", state=CaseState.IN_PROGRESS) -> Case:
        number = next(_numbers)
        return Case.objects.create(
            reference=f"CAS-2026-{number:06d}",
            team=Organisation.objects.get(name="Wijkteam Noord"),
            household_key=f"1012XZ-{number}",
            postcode=SECRET_POSTCODE,
            house_number=7,
            state=state,
            assignee=user(assignee),
            follow_up_date=follow_up,
        )

    return make
