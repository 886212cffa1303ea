"""Brute-force protection (django-axes): lockout per username and address, unlock."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client

PASSWORD = "wijkportaal-demo"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/inloggen/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_locked_out_after_limit_and_unlocked_by_admin(demo, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for _ in range(4):
        assert attempt(client, "anna", "fout").status_code == 200
    locked = attempt(client, "anna", "fout")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in html
    assert "30 minuten" in html
    assert html.count("<h1>") == 1
    # Even the right password is refused while locked.
    assert attempt(client, "anna", PASSWORD).status_code == 429
    # Another address, or another user from this address, is not locked.
    assert attempt(Client(), "anna", PASSWORD, address="10.0.0.2").status_code == 302
    assert attempt(Client(), "bram", PASSWORD).status_code == 302

    # The administrator unlocks (what the axes admin's delete and `axes_reset` do).
    assert AccessAttempt.objects.filter(username="anna").exists()
    reset(username="anna")
    assert attempt(Client(), "anna", PASSWORD).status_code == 302


def test_failure_limit_is_configurable(demo, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    assert attempt(client, "bram", "fout").status_code == 200
    assert attempt(client, "bram", "fout").status_code == 429


def test_success_resets_failures(demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    attempt(client, "sara", "fout")
    attempt(client, "sara", "fout")
    assert attempt(client, "sara", PASSWORD).status_code == 302
    assert attempt(Client(), "sara", "fout").status_code == 200


def test_admin_can_unlock_in_axes_admin(demo, client_for):
    AccessAttempt.objects.create(
        username="anna", ip_address="10.0.0.1", user_agent="", failures_since_start=5
    )
    admin = client_for("admin")
    listing = admin.get("/beheer/axes/accessattempt/")
    assert listing.status_code == 200
    assert "anna" in listing.content.decode()


def test_force_login_is_not_affected(client_for):
    assert client_for("anna").get("/").status_code == 200


def test_client_ip_behind_trusted_proxy(rf, settings):
    from accounts.lockout import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.9"
