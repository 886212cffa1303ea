import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

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

MODELS = [
    Organisation,
    District,
    PostcodeArea,
    Membership,
    Agreement,
    AgreementTerm,
    ComplexAddress,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "users": get_user_model().objects.count()
    }


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["users"] == 8
    assert first["ComplexAddress"] == 40
    assert first["AgreementTerm"] == 8
    assert "Demowereld geladen" in capsys.readouterr().out


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
