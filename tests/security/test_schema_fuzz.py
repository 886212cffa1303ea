"""Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis).

Every operation in /api/v1/schema/ is exercised, so endpoints added later are picked up
automatically. Each runs as a corporation user and as a team member, with a bounded number
of generated requests: no answer may be a server error, every answer must match the
schema (status code documented or an error shape, content type, body)."""

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.services import issue_api_token

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def keep_test_transaction():
    """Django closes the connection around each WSGI request; inside a test that
    would drop the test transaction, so hold it open as Django's own test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def fuzz_settings(settings, keep_test_transaction):
    # Schemathesis calls the app as "localhost"; throttling would only measure the fuzzer.
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}


# Loaded at collection time through the app itself (the schema view needs no database), so
# each operation becomes its own test; endpoints added later are picked up automatically.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def token_header(username: str) -> dict:
    _token, key = issue_api_token(get_user_model().objects.get(username=username))
    return {"Authorization": f"Token {key}"}


def test_schema_lists_operations():
    """Guards the fuzz run against silently fuzzing nothing."""
    assert len(schema) >= 1


FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_corporation_user(case, demo):
    case.call_and_validate(headers=token_header("anna"), checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_triage_lead(case, demo):
    case.call_and_validate(headers=token_header("noor"), checks=CHECKS)
