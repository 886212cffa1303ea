"""The signal tally (`SignalTally`): counts of signals per team, local filing month, filer,
district, kind, outcome and status, kept by a database trigger and read by the district
figures (`privacy.aggregates`).

Why a trigger: every write of a signal must move the counts, including bulk updates,
retention's erasure, imports and COPY, none of which pass through one Python function.
Only a load with triggers switched off (`session_replication_role = replica`, as the
benchmark's fast load and some restores do) passes it by; `refill` counts again after
it. The trigger is statement-level with transition tables, so a statement that writes
ten thousand signals adds one grouped row per key it changed, and an update that changes
no key adds nothing.

Why rows of changes and not one row per key: a row per key updated in place would make
every filing of the same team, month and kind wait for the previous one's commit (and a
long import hold all of them); added rows never wait. Sums are exact in every snapshot,
compacted or not; `compact` only keeps the table small.

PostgreSQL only: on another database (the SQLite file of `make run`) there is no trigger
and `counts` counts the signals themselves (`live_counts`), with the same answer."""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth

from core.dates import local_midnight

from .models import Signal, SignalTally

TABLE = SignalTally._meta.db_table
# The columns a tally row is counted by, in the trigger's order.
KEY = ("team_id", "month", "organisation_id", "district_id", "kind", "outcome", "status")
FUNCTION = "signals_tally_changes"
# One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
TRIGGERS = {
    "INSERT": ("signals_tally_insert", "REFERENCING NEW TABLE AS new_rows"),
    "UPDATE": ("signals_tally_update", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "DELETE": ("signals_tally_delete", "REFERENCING OLD TABLE AS old_rows"),
}
# Taken by `compact` for its transaction, so two sweeps never sum the same rows twice over.
COMPACT_LOCK = 7_301_011


def _key_of(zone: str) -> str:
    month = f"date_trunc('month', filed_at AT TIME ZONE '{zone}')::date AS month"
    return ", ".join(month if column == "month" else column for column in KEY)


def function_sql(zone: str) -> str:
    """The trigger function, with the local month of `zone` (a time-zone name)."""
    if not zone.replace("/", "").replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"Geen tijdzonenaam: {zone!r}")
    key, columns = _key_of(zone), ", ".join(KEY)
    grouped = ", ".join(str(i) for i in range(1, len(KEY) + 1))
    insert = f"INSERT INTO {TABLE} ({columns}, delta, compacted)"
    # Names are constants and the zone is checked above.
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {insert} SELECT {key}, count(*), false FROM new_rows GROUP BY {grouped};
    ELSIF TG_OP = 'DELETE' THEN
        {insert} SELECT {key}, -count(*), false FROM old_rows GROUP BY {grouped};
    ELSE
        {insert} SELECT {columns}, sum(delta), false FROM (
            SELECT {key}, -1 AS delta FROM old_rows
            UNION ALL SELECT {key}, 1 AS delta FROM new_rows
        ) AS changes GROUP BY {grouped} HAVING sum(delta) <> 0;
    END IF;
    RETURN NULL;
END
$$;
"""  # noqa: S608


def install(cursor, zone: str | None = None) -> None:
    """Create (or replace) the trigger function for `zone` (default `TIME_ZONE`) and the
    triggers on the signals table."""
    cursor.execute(function_sql(zone or settings.TIME_ZONE))
    for event, (name, referencing) in TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON signals_signal")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON signals_signal {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def uninstall(cursor) -> None:
    for name, _referencing in TRIGGERS.values():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON signals_signal")
    cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def refill(cursor, zone: str | None = None) -> None:
    """Count every signal again, in one row per key. Writers of signals wait meanwhile
    (SHARE lock), so no change falls between the old rows' removal and the new count."""
    zone = zone or settings.TIME_ZONE
    cursor.execute("LOCK TABLE signals_signal IN SHARE MODE")
    cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - a constant
    cursor.execute(
        f"INSERT INTO {TABLE} ({', '.join(KEY)}, delta, compacted) "  # noqa: S608
        f"SELECT {_key_of(zone)}, count(*), true FROM signals_signal "
        f"GROUP BY {', '.join(str(i) for i in range(1, len(KEY) + 1))} ORDER BY 1, 2"
    )


@transaction.atomic
def rebuild(zone: str | None = None) -> None:
    """The trigger for `zone` (default `TIME_ZONE`) and every count again: after a change
    of `TIME_ZONE` (`manage.py rebuild_signal_tally`)."""
    with connection.cursor() as cursor:
        install(cursor, zone)
        refill(cursor, zone)


def differences() -> int:
    """How many keys the tally counts differently from the signals themselves (0: it adds
    up), in one statement, so in one snapshot. A load or restore with triggers switched
    off is what makes it differ; `rebuild` repairs it."""
    columns = ", ".join(KEY)
    grouped = ", ".join(str(i) for i in range(1, len(KEY) + 1))
    zone = trigger_time_zone() or settings.TIME_ZONE
    sql = f"""
        SELECT count(*) FROM (
            SELECT {columns} FROM (
                SELECT {columns}, delta FROM {TABLE}
                UNION ALL
                SELECT {_key_of(zone)}, -count(*) FROM signals_signal GROUP BY {grouped}
            ) AS both_counts
            GROUP BY {grouped} HAVING sum(delta) <> 0
        ) AS differing
    """  # noqa: S608 - names are constants, the zone is the installed trigger's
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def trigger_time_zone() -> str | None:
    """The time zone the installed trigger takes months in (None without a trigger)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [FUNCTION])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0].split("AT TIME ZONE '", 1)[1].split("'", 1)[0]


def compact() -> int:
    """Sum the rows of every (team, month) that changed since the last compaction into one
    row per key (zero sums dropped); returns the number of rows it removed. One
    transaction: a crash leaves every row as it was, and rows added meanwhile (not in its
    snapshot) stay for the next run. Skips when another compaction is running."""
    if not _kept():
        return 0
    columns = ", ".join(KEY)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            f"""
            WITH changed AS (
                SELECT DISTINCT team_id, month FROM {TABLE} WHERE NOT compacted
            ), removed AS (
                DELETE FROM {TABLE} AS t USING changed AS c
                WHERE t.team_id = c.team_id AND t.month = c.month
                RETURNING {", ".join(f"t.{column}" for column in KEY)}, t.delta
            ), summed AS (
                INSERT INTO {TABLE} ({columns}, delta, compacted)
                SELECT {columns}, sum(delta), true FROM removed
                GROUP BY {columns} HAVING sum(delta) <> 0 ORDER BY team_id, month
            )
            SELECT count(*) FROM removed
            """  # noqa: S608 - table and column names are constants
        )
        return cursor.fetchone()[0]


def counts(team_ids, first_month: date, end_month: date, by: tuple[str, ...]) -> list[tuple]:
    """(*by, count) of the signals routed to `team_ids` filed in the months from
    `first_month` up to (not including) `end_month`, grouped by the tally columns `by`;
    groups without signals are left out."""
    unknown = set(by) - set(KEY)
    if unknown or not by:
        raise ValueError(f"Geen kolommen van de telling: {sorted(unknown)}")
    if not _kept():
        return live_counts(team_ids, first_month, end_month, by)
    columns = ", ".join(by)
    sql = (
        f"SELECT {columns}, sum(delta) FROM {TABLE} "  # noqa: S608 - names are constants
        "WHERE team_id = ANY(%s) AND month >= %s AND month < %s "
        f"GROUP BY {columns} HAVING sum(delta) <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(team_ids), first_month, end_month])
        return cursor.fetchall()


def live_counts(team_ids, first_month: date, end_month: date, by: tuple[str, ...]) -> list:
    """`counts` from the signals themselves: what the tally must add up to."""
    return list(
        Signal.objects.filter(
            team_id__in=list(team_ids),
            filed_at__gte=local_midnight(first_month),
            filed_at__lt=local_midnight(end_month),
        )
        .annotate(month=TruncMonth("filed_at", output_field=DateField()))
        .values_list(*by)
        .annotate(n=Count("pk"))
        .order_by()
    )


def _kept() -> bool:
    """Whether the database keeps the tally (PostgreSQL, with the trigger)."""
    return connection.vendor == "postgresql"
