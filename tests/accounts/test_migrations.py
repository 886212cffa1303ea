"""Upgrading a database of the release before the accounts app: API tokens issued when
the model lived in `privacy` still authenticate afterwards, on PostgreSQL (Django's
migration executor) and on the embedded SQLite database (`migrate` in a subprocess)."""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, hash_token
from tests.migration_helpers import manage_sqlite, migrate_to, migrate_to_latest, shell_result

# The accounts app did not exist yet; privacy was at its last migration before the move.
BEFORE = [("accounts", None), ("privacy", "0007_access_log_append_only_sqlite")]
KEY = "een-sleutel-van-de-vorige-versie"


@pytest.mark.django_db(transaction=True)
def test_tokens_of_the_previous_release_still_authenticate():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("auth", "User")
        OldToken = old.get_model("privacy", "ApiToken")
        anna = User.objects.create(username="anna-upgrade", is_active=True)
        old_token = OldToken.objects.create(
            user=anna,
            name="Koppeling",
            prefix=KEY[:8],
            key_hash=hash_token(KEY),
            expires_at=timezone.now() + timedelta(days=30),
        )
        old_type = ContentType.objects.get(app_label="privacy", model="apitoken").pk
    finally:
        migrate_to_latest()

    token = ApiToken.objects.get(pk=old_token.pk)
    assert (token.user.username, token.name, token.is_active) == ("anna-upgrade", "Koppeling", True)
    assert ContentType.objects.get_for_model(ApiToken).pk == old_type
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {KEY}")
    assert client.get("/api/v1/tokens/").json()["results"][0]["name"] == "Koppeling"


OLD_TOKEN = f"""
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined) VALUES ('', 0, 'anna', '', '', '', 0, 1, "
        "'2026-11-01 09:00')"
    )
    cursor.execute(
        "INSERT INTO privacy_apitoken (user_id, name, prefix, key_hash, created_at, "
        "expires_at) VALUES (%s, 'Koppeling', 'een-slei', '{hash_token(KEY)}', "
        "'2026-11-01 09:00', '2099-01-01 00:00')",
        [cursor.lastrowid],
    )
"""

CHECK = f"""
import json
from accounts.authentication import HashedTokenAuthentication
user, token = HashedTokenAuthentication().authenticate_credentials("{KEY}")
print("RESULT " + json.dumps([user.username, token.name]))
"""


def test_sqlite_database_of_the_previous_release_keeps_its_tokens(tmp_path):
    database = tmp_path / "old.sqlite3"
    manage_sqlite(database, "migrate", "privacy", "0007", "--noinput")
    manage_sqlite(database, "shell", "-c", OLD_TOKEN)
    manage_sqlite(database, "migrate", "--noinput")
    assert json.loads(shell_result(database, CHECK)) == ["anna", "Koppeling"]
