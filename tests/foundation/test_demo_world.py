from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cases.models import Case, CaseState
from partners.demo import load_demo_world
from partners.models import (
    Agreement,
    AgreementTerm,
    ComplexAddress,
    District,
    Membership,
    Organisation,
    PostcodeArea,
)
from privacy.policy import visible_cases, visible_signals
from signals.models import Signal, SignalStatus

MODELS = [
    Organisation,
    District,
    PostcodeArea,
    Membership,
    Agreement,
    AgreementTerm,
    ComplexAddress,
    Signal,
    Case,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "users": get_user_model().objects.count()
    }


def test_seed_demo_is_idempotent_and_has_a_year_of_history(db, capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["users"] == 8
    assert first["ComplexAddress"] == 40
    assert first["AgreementTerm"] == 8
    out = capsys.readouterr().out
    assert "Demowereld geladen" in out and "al aanwezig" in out
    _assert_history_fills_twelve_months()


def _assert_history_fills_twelve_months():
    """The dashboard of `make run` shows twelve filled months, every stage of the work
    appears, and the history is visible to exactly the people the policy allows."""
    today = timezone.localdate()
    months = Counter(
        (moment.year, moment.month) for moment in Signal.objects.values_list("filed_at", flat=True)
    )
    assert len(months) == 12 and min(months.values()) >= 20
    assert (today.year, today.month) in months
    statuses = set(Signal.objects.values_list("status", flat=True))
    assert statuses == set(SignalStatus.values)
    assert Signal.objects.filter(
        status=SignalStatus.RECEIVED, triage_deadline__lt=today
    ).exists(), "some signals are overdue in the tray"
    assert Case.objects.filter(state=CaseState.CLOSED).exclude(outcome="").exists()
    assert Case.objects.filter(state=CaseState.IN_PROGRESS).exists()
    users = {user.username: user for user in get_user_model().objects.all()}
    assert Case.objects.filter(assignee=users["sara"]).exists()
    filed_by_de_linde = Signal.objects.filter(organisation__name="Woonstichting De Linde")
    assert visible_signals(users["anna"]).count() == filed_by_de_linde.count()
    assert visible_cases(users["anna"]).count() == 0
    assert visible_signals(users["eva"]).count() == 0


def test_demo_users_can_sign_in_with_the_documented_password(db, client):
    load_demo_world()
    for username in ["anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]:
        response = client.post("/inloggen/", {"username": username, "password": "wijkportaal-demo"})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username
        client.post("/uitloggen/")


def test_memberships_put_users_in_their_organisation_group(demo):
    noor = get_user_model().objects.get(username="noor")
    team = Organisation.objects.get(name="Wijkteam Noord")
    assert list(noor.groups.all()) == [team.group]
    Membership.objects.filter(user=noor).delete()
    assert noor.groups.count() == 0


def test_seed_demo_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="nooit"):
        call_command("seed_demo")
