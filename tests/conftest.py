"""Shared fixtures: the demo world, signed-in browser clients and API clients per user."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import issue_api_token
from partners.demo import load_demo_world
from privacy.grants import permission_id


@pytest.fixture(autouse=True)
def fresh_permission_ids():
    """Transactional tests flush the database, which renumbers auth permissions; the
    process-wide cache of permission ids must not outlive that."""
    permission_id.cache_clear()
    yield
    permission_id.cache_clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Demo users are created in many tests; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DEMO_USERS = ["anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


@pytest.fixture
def demo(db):
    """The demo world of DESIGN §5 (Demostad, its teams, corporations and users)."""
    return load_demo_world()


@pytest.fixture
def user(demo):
    """`user("anna")` -> the demo user."""
    return lambda username: get_user_model().objects.get(username=username)


@pytest.fixture
def client_for(demo):
    """`client_for("anna")` -> a Django test client signed in as that user (or anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username and username != "anonymous":
            client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


@pytest.fixture
def api_for(demo):
    """`api_for("anna")` -> an API client authenticating with a fresh token of that user."""

    def make(username: str | None) -> APIClient:
        client = APIClient()
        if username and username != "anonymous":
            _token, key = issue_api_token(get_user_model().objects.get(username=username))
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
