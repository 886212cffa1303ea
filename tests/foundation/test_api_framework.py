from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ApiToken, hash_token
from accounts.services import issue_api_token, revoke_api_token
from privacy import policy
from signals.services import file_signal

SIGNAL = {
    "kind": "nuisance",
    "postcode": "1012ab",
    "house_number": "5",
    "description": "Geluidsoverlast 's nachts.",
    "resident_informed": "ja",
}


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_schema_and_docs_are_served_offline(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Wijkportaal API"
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content


def test_issue_api_token_prints_the_key_last_and_stores_only_its_hash(demo, capsys):
    call_command("issue_api_token", "anna")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_token(key))
    assert token.user.username == "anna"
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert key not in token.prefix + token.key_hash


def test_token_authenticates_until_revoked(demo, client):
    anna = get_user_model().objects.get(username="anna")
    token, key = issue_api_token(anna)
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/schema/", **headers).status_code == 200
    revoke_api_token(token)
    response = client.get("/api/v1/schema/?format=json", **headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "Deze token is ingetrokken."


def test_expired_token_is_refused(demo, client):
    anna = get_user_model().objects.get(username="anna")
    token, key = issue_api_token(anna)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/schema/?format=json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "Deze token is verlopen."


def test_unknown_token_is_401(demo, client):
    response = client.get("/api/v1/schema/?format=json", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_superuser_sees_no_signals_through_the_policy(demo):
    anna = get_user_model().objects.get(username="anna")
    admin = get_user_model().objects.get(username="admin")
    signal = file_signal(anna, SIGNAL)
    assert list(policy.visible_signals(anna)) == [signal]
    assert not policy.visible_signals(admin).exists()


def test_every_api_operation_has_a_dutch_summary_from_one_table(api_for):
    from wijkportaal.schema import SUMMARIES

    schema = api_for(None).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operations = {
        operation["operationId"]: operation.get("summary")
        for path in schema["paths"].values()
        for operation in path.values()
    }
    assert set(operations) == set(SUMMARIES), "every operation has its line in SUMMARIES"
    assert operations["signals_list"] == "Signalen die u mag zien"
