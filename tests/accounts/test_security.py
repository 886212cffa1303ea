"""Two-factor sign-in: enrolment with a real TOTP code, verification, backup codes, and the
requirement enforced for portal pages and API sessions (not for tokens)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import confirm_totp_device, start_totp_enrolment

PASSWORD = "wijkportaal-demo"


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def code_for(device, offset: int = 0) -> str:
    """The code the user's app shows now (offset in 30-second steps)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:0{device.digits}d}"


def wrong_code(device) -> str:
    accepted = {code_for(device, offset) for offset in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in accepted)


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/inloggen/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrolled(username: str) -> tuple[TOTPDevice, list[str]]:
    user = get_user_model().objects.get(username=username)
    device = start_totp_enrolment(user)
    codes = confirm_totp_device(device, code_for(device))
    assert codes is not None
    device.refresh_from_db()
    # The code just used cannot be used again; let the next tests use a later step.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return device, codes


def test_without_requirement_pages_open_after_password(demo):
    client = sign_in("anna")
    assert client.get("/").status_code == 200


def test_user_without_device_is_sent_to_enrolment_first(demo, require_2fa):
    client = sign_in("anna")
    response = client.get("/signalen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/tweestapsverificatie/instellen/?next=")
    assert client.get("/").status_code == 302
    assert client.get("/beheer/").status_code == 302


def test_enrolment_flow_with_real_code_then_backup_codes_once(demo, require_2fa):
    client = sign_in("anna")
    page = client.get("/account/tweestapsverificatie/instellen/?next=/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert html.count("<h1>") == 1
    device = TOTPDevice.objects.get(user__username="anna", confirmed=False)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret.replace(" ", "")  # the secret to type in is shown

    wrong = client.post("/account/tweestapsverificatie/instellen/", {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    # A failure throttles the device for a moment (django-otp); the user waits, then retries.
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(
        "/account/tweestapsverificatie/instellen/", {"code": code_for(device), "next": "/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/account/tweestapsverificatie/reservecodes/")
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user__username="anna").values_list("token", flat=True)
    )
    # Shown once: a reload no longer shows them.
    assert client.get("/account/tweestapsverificatie/reservecodes/").status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_next_sign_in_asks_for_code_and_accepts_totp(demo, require_2fa):
    device, _codes = enrolled("noor")
    client = sign_in("noor")
    response = client.get("/")
    assert response["Location"].startswith("/account/tweestapsverificatie/controleren/")
    wrong = client.post("/account/tweestapsverificatie/controleren/", {"code": "12345678"})
    assert wrong.status_code == 200
    assert "Deze code is onjuist of al gebruikt" in wrong.content.decode()
    device.refresh_from_db()  # a failure throttles the device for a moment; wait it out
    device.throttle_reset()
    ok = client.post(
        "/account/tweestapsverificatie/controleren/", {"code": code_for(device), "next": "/"}
    )
    assert ok.status_code == 302
    assert ok["Location"] == "/"
    assert client.get("/").status_code == 200


def test_backup_code_works_once(demo, require_2fa):
    _device, codes = enrolled("sara")
    first = sign_in("sara")
    response = first.post("/account/tweestapsverificatie/controleren/", {"code": codes[0]})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    second = sign_in("sara")
    again = second.post("/account/tweestapsverificatie/controleren/", {"code": codes[0]})
    assert again.status_code == 200
    assert second.get("/").status_code == 302


def test_verify_rejects_open_redirect(demo, require_2fa):
    _device, codes = enrolled("eva")
    client = sign_in("eva")
    response = client.post(
        "/account/tweestapsverificatie/controleren/",
        {"code": codes[1], "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_api_session_needs_second_factor_but_token_does_not(demo, require_2fa, api_for):
    client = sign_in("anna")
    assert client.get("/api/v1/tokens/").status_code == 401
    assert api_for("anna").get("/api/v1/tokens/").status_code == 200


def test_api_session_after_second_factor_is_accepted(demo, require_2fa):
    _device, codes = enrolled("anna")
    client = sign_in("anna")
    client.post("/account/tweestapsverificatie/controleren/", {"code": codes[0]})
    assert client.get("/api/v1/tokens/").status_code == 200


def test_login_page_is_dutch_and_accessible(demo):
    html = Client().get("/inloggen/").content.decode()
    assert html.count("<h1>") == 1
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    wrong = Client().post("/inloggen/", {"username": "anna", "password": "fout"})
    assert wrong.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in wrong.content.decode()
