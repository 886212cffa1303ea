"""The access log is append-only on the embedded SQLite database too (issue 13, attack 8):
`migrate` on a temporary SQLite file in a subprocess (as `make run` does), then UPDATE
and DELETE are refused by the database while retention can still cut old rows. The same
run checks that migration 0006 moves an existing free-text reason out of the log and
leaves a chain that verifies."""

import json

import pytest

from tests.migration_helpers import manage_sqlite, shell_result

OLD_ROW = """
from django.db import connection
from django.utils import timezone
from privacy.chain import row_hash
at = timezone.now()
content = {
    "at": at, "user_id": None, "username": "noor", "organisation_id": None,
    "organisation_name": "", "role": "", "action": "update", "object_type": "signal",
    "object_id": "1", "object_ids": [], "household_key": "1012AB-5-", "purpose": "work",
    "reason": "Doorgezet: mevrouw Jansen", "request_id": "",
}
digest = row_hash("", content)
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO privacy_accesslog (at, username, organisation_name, role, action, "
        "object_type, object_id, object_ids, household_key, purpose, reason, request_id, "
        "prev_hash, hash) VALUES (%s, 'noor', '', '', 'update', 'signal', '1', '[]', "
        "'1012AB-5-', 'work', 'Doorgezet: mevrouw Jansen', '', '', %s)",
        [at, digest],
    )
    cursor.execute(
        "UPDATE privacy_accesslogchainhead SET last_id = 1, last_hash = %s WHERE id = 1",
        [digest],
    )
"""

CHECK = """
import json
from datetime import timedelta
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from privacy import access_log
from privacy.chain import verify
from privacy.models import AccessLog
from privacy.retention import remove_old_access_log
out = {}
moved = AccessLog.objects.select_related("reason_entry").get()
with connection.cursor() as cursor:
    cursor.execute("SELECT * FROM privacy_accesslog")
    out["jansen_in_log_table"] = "Jansen" in str(cursor.fetchall())
out["moved_reason"] = moved.reason
out["verify_after_migration"] = verify().ok
access_log.record(None, "read", "signal", "2")
out["unsealed_after_write"] = AccessLog.objects.filter(seq__isnull=True).count()
result = verify()
out["verify_after_write"] = [result.ok, result.rows, result.pending]
# The sealer's one UPDATE: only on an unsealed row and only with the content unchanged.
seal = "UPDATE privacy_accesslog SET seq = 99, hash = 'x'"
with transaction.atomic():  # rolled back at the end
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO privacy_accesslog (at, username, organisation_name, role, action, "
            "object_type, object_id, object_ids, household_key, purpose, request_id, "
            "prev_hash, hash) VALUES (%s, 'x', '', '', 'read', 'signal', '3', '[]', '', "
            "'work', '', '', '')",
            [timezone.now()],
        )
        unsealed = cursor.lastrowid
    for name, sql in (
        ("seal_with_change", f"{seal}, username = 'y' WHERE id = {unsealed}"),
        ("seal_sealed_row", f"{seal} WHERE id <> {unsealed}"),
        ("seal_unsealed_row", f"{seal} WHERE id = {unsealed}"),
    ):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
            out[name] = "allowed"
        except DatabaseError as exc:
            out[name] = str(exc)
    transaction.set_rollback(True)
for sql in ("UPDATE privacy_accesslog SET username = 'x'", "DELETE FROM privacy_accesslog"):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        out[sql.split()[0]] = "allowed"
    except DatabaseError as exc:
        out[sql.split()[0]] = str(exc)
out["rows"] = AccessLog.objects.count()
out["retention_removed"] = remove_old_access_log(timezone.now() + timedelta(days=4000))
out["rows_after_retention"] = AccessLog.objects.count()
out["verify_after_retention"] = verify().ok
print("RESULT " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def sqlite_result(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "x.sqlite3"
    manage_sqlite(database, "migrate", "privacy", "0005", "--noinput")
    manage_sqlite(database, "shell", "-c", OLD_ROW)
    manage_sqlite(database, "migrate", "--noinput")
    return json.loads(shell_result(database, CHECK))


def test_attack_sqlite_access_log_update_and_delete_succeed(sqlite_result):
    assert "append-only: UPDATE refused" in sqlite_result["UPDATE"]
    assert "append-only: DELETE refused" in sqlite_result["DELETE"]
    assert sqlite_result["rows"] == 2


def test_sqlite_seals_inline_and_lets_only_the_sealing_update_through(sqlite_result):
    assert sqlite_result["unsealed_after_write"] == 0
    assert sqlite_result["verify_after_write"] == [True, 2, 0]
    assert "append-only: UPDATE refused" in sqlite_result["seal_with_change"]
    assert "append-only: UPDATE refused" in sqlite_result["seal_sealed_row"]
    assert sqlite_result["seal_unsealed_row"] == "allowed"


def test_sqlite_retention_still_cuts_old_rows_with_a_checkpoint(sqlite_result):
    assert sqlite_result["retention_removed"] == 2
    assert sqlite_result["rows_after_retention"] == 0
    assert sqlite_result["verify_after_retention"]


def test_existing_reason_moves_out_of_the_log_and_the_chain_still_verifies(sqlite_result):
    assert sqlite_result["moved_reason"] == "Doorgezet: mevrouw Jansen"
    assert not sqlite_result["jansen_in_log_table"]
    assert sqlite_result["verify_after_migration"]
