"""The access log is append-only on the embedded SQLite database too (`make run`).

SQLite has no session settings, so retention is let through differently from PostgreSQL:
a DELETE passes only for rows that a retention checkpoint already covers (the retention
task writes the checkpoint first, in the same transaction). SQLite drops a table's
triggers whenever Django rebuilds the table in a later migration, so `ensure` also runs
after every `migrate` (post_migrate) and puts them back."""

TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS privacy_accesslog_no_update
    BEFORE UPDATE ON privacy_accesslog
    BEGIN
        SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS privacy_accesslog_no_delete
    BEFORE DELETE ON privacy_accesslog
    WHEN OLD.id > COALESCE(
        (SELECT MAX(removed_through_id) FROM privacy_accesslogcheckpoint), 0
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
