"""Security headers, CSP nonces, cookie flags and the session idle timeout."""

import re

from django.conf import settings as django_settings


def csp_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_strict_csp_with_nonce_on_pages(client_for):
    response = client_for("anna").get("/")
    policy = csp_of(response)
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    html = response.content.decode()
    # Every script tag carries this response's nonce.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_nonce_differs_per_response(client_for):
    client = client_for("anna")
    first = csp_of(client.get("/"))["script-src"]
    second = csp_of(client.get("/"))["script-src"]
    assert first != second


def test_other_security_headers(client):
    response = client.get("/inloggen/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_swagger_docs_work_under_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", csp_of(response)["script-src"]).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 3
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "<style" not in html  # style-src 'self' allows no inline styles


def test_session_idle_timeout_and_cookie_flags(client_for):
    assert django_settings.SESSION_COOKIE_AGE == 15 * 60
    # Renewed at most once a minute by SessionIdleMiddleware, not written on every request.
    assert not getattr(django_settings, "SESSION_SAVE_EVERY_REQUEST", False)
    assert "accounts.security.SessionIdleMiddleware" in django_settings.MIDDLEWARE
    assert django_settings.SESSION_COOKIE_HTTPONLY
    response = client_for("anna").get("/")
    html = response.content.decode()
    assert 'data-timeout="900"' in html
    assert 'id="session-warning"' in html


def test_session_keepalive_renews_and_needs_csrf(client_for, demo):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="anna"))
    assert client.post("/account/sessie/verlengen/").status_code == 403
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post("/account/sessie/verlengen/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json() == {"expires_in": 900}
    assert response.cookies["sessionid"]["max-age"] == 900


def test_api_session_auth_enforces_csrf(demo):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="anna"))
    assert client.get("/api/v1/tokens/").status_code == 200
    token = client.get("/api/v1/tokens/").data["results"]
    assert token == []
    from accounts.services import issue_api_token

    own, _key = issue_api_token(get_user_model().objects.get(username="anna"))
    assert client.post(f"/api/v1/tokens/{own.pk}/revoke/").status_code == 403
