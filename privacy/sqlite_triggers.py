"""The access log is append-only on the embedded SQLite database too (`make run`).

SQLite has no session settings, so retention is let through differently from PostgreSQL:
a DELETE passes only for sealed rows that a retention checkpoint already covers (the
retention task writes the checkpoint first, in the same transaction). The one UPDATE let
through is the sealer's: setting `seq`, `prev_hash` and `hash` once on an unsealed row,
every other column unchanged. SQLite drops a table's
triggers whenever Django rebuilds the table in a later migration, so `ensure` also runs
after every `migrate` (post_migrate) and puts them back."""

from .chain import CONTENT_FIELDS

# Every column but the three the sealer sets once (privacy.chain.seal).
CONTENT_COLUMNS = ["id", *CONTENT_FIELDS]
UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT_COLUMNS)

TRIGGERS = [
    f"""
    CREATE TRIGGER IF NOT EXISTS privacy_accesslog_no_update
    BEFORE UPDATE ON privacy_accesslog
    WHEN NOT (
        OLD.seq IS NULL AND OLD.hash = '' AND NEW.seq IS NOT NULL AND NEW.hash != ''
        AND {UNCHANGED}
    )
    BEGIN
        SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS privacy_accesslog_no_delete
    BEFORE DELETE ON privacy_accesslog
    WHEN OLD.seq IS NULL OR OLD.seq > COALESCE(
        (SELECT MAX(removed_through_seq) FROM privacy_accesslogcheckpoint), 0
    )
    BEGIN
        SELECT RAISE(ABORT, 'access log is append-only: DELETE refused');
    END
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS privacy_accesslog_no_update",
    "DROP TRIGGER IF EXISTS privacy_accesslog_no_delete",
]


def ensure(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in TRIGGERS:
            cursor.execute(statement)


def drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)
