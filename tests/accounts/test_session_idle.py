"""The idle timeout without a session write on every page (SessionIdleMiddleware): the
expiry is renewed at most once a minute, a session ends 14-15 idle minutes after the last
request, and an active user stays signed in."""

from datetime import datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

START = timezone.make_aware(datetime(2026, 12, 2, 9, 0))


@pytest.fixture
def clock(monkeypatch):
    """`clock.at(seconds)` sets the time Django (sessions included) reads to START + seconds."""

    class Clock:
        now = START

        def at(self, seconds: int) -> None:
            self.now = START + timedelta(seconds=seconds)

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def signed_in(client, path="/") -> bool:
    return client.get(path).wsgi_request.user.is_authenticated


def session_writes(client, path="/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(q["sql"].startswith('UPDATE "django_session"') for q in queries.captured_queries)


def test_an_idle_session_ends_after_the_idle_time(clock, client_for):
    client = client_for("anna")
    assert signed_in(client)
    clock.at(899)
    assert signed_in(client)  # and renewed: 15 minutes from now again
    clock.at(899 + 899)
    assert signed_in(client)
    clock.at(899 + 899 + 900)
    assert not signed_in(client)
    assert "sessionid" not in client.cookies or not client.cookies["sessionid"].value


def test_an_active_user_stays_signed_in_and_the_renewal_lags_at_most_a_minute(clock, client_for):
    client = client_for("anna")
    for seconds in range(0, 40 * 60, 50):  # a page every 50 seconds for 40 minutes
        clock.at(seconds)
        assert signed_in(client), seconds
    last = seconds
    # The last renewal was at most a minute before the last request.
    clock.at(last + 15 * 60 - 60)
    session = Session.objects.get()
    assert session.expire_date > timezone.now()
    clock.at(last + 15 * 60 + 1)
    assert not signed_in(client)


def test_two_pages_within_a_minute_write_the_session_once_at_most(clock, client_for):
    client = client_for("anna")
    assert session_writes(client) <= 1
    clock.at(20)
    assert session_writes(client) == 0
    clock.at(59)
    assert session_writes(client) == 0
    clock.at(61)
    assert session_writes(client) == 1
    clock.at(90)
    assert session_writes(client) == 0


def test_pages_show_the_time_really_left_and_the_cookie_matches(clock, client_for):
    client = client_for("anna")
    first = client.get("/")
    assert 'data-timeout="900"' in first.content.decode()
    assert "sessionid" not in first.cookies  # the sign-in wrote the session and its expiry
    clock.at(30)
    later = client.get("/")
    assert 'data-timeout="870"' in later.content.decode()
    assert "sessionid" not in later.cookies  # not renewed, the browser keeps the old cookie
    assert Session.objects.get().expire_date == START + timedelta(seconds=900)


def test_keepalive_starts_the_idle_time_again(clock, client_for):
    client = client_for("anna")
    client.get("/")
    clock.at(13 * 60)
    response = client.post("/account/sessie/verlengen/")
    assert response.json() == {"expires_in": 900}
    assert response.cookies["sessionid"]["max-age"] == 900
    assert Session.objects.get().expire_date == START + timedelta(seconds=13 * 60 + 900)


def test_anonymous_visitors_get_no_session_and_sign_out_stays_signed_out(client_for, clock):
    assert client_for(None).get("/inloggen/").status_code == 200
    assert not Session.objects.exists()
    client = client_for("anna")
    client.get("/")
    client.post("/uitloggen/")
    assert not Session.objects.exists()
    assert not signed_in(client)
