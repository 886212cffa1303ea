"""Runs every row of `tests/matrix` for every user; see `tests/matrix/__init__.py`."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from accounts.services import issue_api_token
from privacy.models import AccessLog

from .matrix import USERS, all_rows, build_world

CASES = [(row, username) for row in all_rows() for username in USERS]


def test_every_row_decides_for_every_user():
    for row in all_rows():
        assert set(row.expect) == set(USERS), f"{row.name}: expect must list {USERS}"


@pytest.mark.parametrize(
    ("row", "username"), CASES, ids=[f"{row.name}-{username}" for row, username in CASES]
)
def test_permission_matrix(row, username, demo):
    world = build_world(demo)
    client = APIClient(enforce_csrf_checks=False)
    if username != "anonymous":
        user = get_user_model().objects.get(username=username)
        if row.api:
            _token, key = issue_api_token(user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        else:
            client.force_login(user)
    data = row.data(world) if callable(row.data) else row.data
    before = AccessLog.objects.count()
    request = getattr(client, row.method.lower())
    kwargs = {}
    if data is not None:
        kwargs["data"] = data
        kwargs["format"] = "multipart" if row.multipart else ("json" if row.api else None)
    response = request(row.url(world), **kwargs)
    expected = row.expect[username]
    assert response.status_code == expected, (
        f"{row.name} as {username}: {response.status_code}, expected {expected}"
    )
    if row.logs_access and 200 <= expected < 300:
        assert AccessLog.objects.count() > before, f"{row.name} as {username} wrote no access log"


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            # A router's regex starts with "^"; resolve() joins routes without it.
            yield prefix + str(pattern.pattern).removeprefix("^")


# Django's own admin and language switch are not ours to put in the matrix.
OUTSIDE_MATRIX = ("beheer/", "i18n/")


def test_every_url_has_a_row_in_the_matrix(demo):
    """A new view cannot land without deciding, per user, who may use it."""
    world = build_world(demo)
    covered = {resolve(urlsplit(row.url(world)).path).route for row in all_rows()}
    routes = {r for r in _routes(get_resolver().url_patterns) if not r.startswith(OUTSIDE_MATRIX)}
    assert sorted(routes - covered) == []
