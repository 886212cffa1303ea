"""API tokens managed in the portal: create (shown once, stored hashed), list, revoke."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, hash_token
from accounts.services import issue_api_token


def create(client, name="Koppeling huuradministratie", days=30):
    return client.post("/account/tokens/nieuw/", {"name": name, "days": days})


def test_create_shows_key_once_and_stores_only_its_hash(client_for):
    client = client_for("anna")
    response = create(client)
    assert response.status_code == 302
    assert response["Location"] == "/account/tokens/aangemaakt/"
    page = client.get("/account/tokens/aangemaakt/")
    assert page.status_code == 200
    key = page.context["key"]
    assert key in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get(user__username="anna", name="Koppeling huuradministratie")
    assert token.key_hash == hash_token(key)
    assert token.prefix == key[:8]
    # No column holds the key itself.
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) != key
    assert (token.expires_at - timezone.now()).days in (29, 30)
    # The key is gone from the session: a reload does not show it again.
    assert client.get("/account/tokens/aangemaakt/").status_code == 302
    # And the key works.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/tokens/").status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "days": 30}, "name", "Geef de token een naam."),
        ({"name": "x", "days": 0}, "days", "Een token is minstens 1 dag geldig."),
        ({"name": "x", "days": 366}, "days", "Een token is hoogstens 365 dagen geldig."),
        ({"name": "x", "days": "veel"}, "days", "Vul een heel aantal dagen in."),
    ],
)
def test_create_validates_in_dutch_and_keeps_input(client_for, data, field, message):
    response = client_for("anna").post("/account/tokens/nieuw/", data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    if data["name"]:
        assert f'value="{data["name"]}"' in response.content.decode()
    assert not ApiToken.objects.filter(user__username="anna").exists()


def test_list_shows_own_tokens_only(client_for, user, django_assert_max_num_queries):
    for number in range(3):
        issue_api_token(user("anna"), name=f"anna-{number}")
    issue_api_token(user("bram"), name="bram-token")
    client = client_for("anna")
    with django_assert_max_num_queries(12):
        response = client.get("/account/tokens/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "anna-0" in html and "anna-2" in html
    assert "bram-token" not in html
    for number in range(3, 20):
        issue_api_token(user("anna"), name=f"anna-{number}")
    with django_assert_max_num_queries(12):
        assert client.get("/account/tokens/").status_code == 200


def test_revoke_own_token_and_it_stops_working(client_for, user):
    token, key = issue_api_token(user("anna"), name="weg")
    client = client_for("anna")
    response = client.post(f"/account/tokens/{token.pk}/intrekken/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "ingetrokken" in client.get("/account/tokens/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = api.get("/api/v1/tokens/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Deze token is ingetrokken."


def test_revoke_needs_post(client_for, user):
    token, _key = issue_api_token(user("anna"))
    assert client_for("anna").get(f"/account/tokens/{token.pk}/intrekken/").status_code == 405


def test_others_tokens_are_404(client_for, user, api_for):
    token, _key = issue_api_token(user("bram"), name="van bram")
    assert client_for("anna").post(f"/account/tokens/{token.pk}/intrekken/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    api = api_for("anna")
    assert api.get(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert api.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404


def test_expired_token_gets_401(user):
    token, key = issue_api_token(user("anna"))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = api.get("/api/v1/tokens/")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "Deze token is verlopen."


def test_last_use_is_recorded(user):
    token, key = issue_api_token(user("anna"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api.get("/api/v1/tokens/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_api_revoke_own_token(api_for, user):
    token, _key = issue_api_token(user("anna"), name="oud")
    answer = api_for("anna").post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert answer.status_code == 200
    assert answer.json()["active"] is False


def test_throttling_is_configured():
    from django.conf import settings

    rest = settings.REST_FRAMEWORK
    assert "rest_framework.throttling.UserRateThrottle" in rest["DEFAULT_THROTTLE_CLASSES"]
    assert "rest_framework.throttling.AnonRateThrottle" in rest["DEFAULT_THROTTLE_CLASSES"]
    assert rest["DEFAULT_THROTTLE_RATES"]["user"]


def test_user_throttle_answers_429(api_for, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": None})
    api = api_for("anna")
    assert api.get("/api/v1/tokens/").status_code == 200
    assert api.get("/api/v1/tokens/").status_code == 200
    assert api.get("/api/v1/tokens/").status_code == 429
    cache.clear()
