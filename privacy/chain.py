"""Tamper evidence for the access log: a SHA-256 hash chain, sealed after the write.

Each sealed row stores its place in the chain (`seq`), `prev_hash` (the hash of the row
before it) and `hash = sha256(prev_hash + canonical content)`.

Writing (the hot path, `append`) is one INSERT of the row unchained (`seq` NULL, empty
hashes), in the caller's transaction and without a savepoint of its own: a write and
its log row commit or roll back together, and a failed log write fails the write. No
writer takes a lock that another writer waits for, so logged reads and writes of the
whole portal no longer queue behind one row.

Sealing (`seal`) chains committed rows afterwards, in batches of `SEAL_BATCH`, each in a
short transaction of its own: lock the chain head (`AccessLogChainHead`, SELECT ... FOR
UPDATE: only sealers take it, so two sealers never fork the chain; a second one waits or,
as the periodic task does, skips the run), read the oldest unsealed rows it can see,
give them the next places after the head, store `seq`/`prev_hash`/`hash` on each and
move the head. Only committed rows are visible to the sealer, and a row is chained when
the sealer first sees it, so a transaction that commits late simply gets a later place:
the chain order is `seq` (the order of sealing), not `id` (the order ids were handed out,
which under concurrency is not the order of commit). A sealer that dies mid-run loses
only its current batch (rolled back); the rows before it form a valid chain and the next
run continues from the head. Celery beat runs `privacy.tasks.seal_access_log` every 5
seconds (its database schedule, privacy migration 0009); on SQLite (`make run`, one
writer at a time) `append` seals inline, in the writer's transaction.

The trade-off: between its commit and the next sealer run a row is not yet chained. That
window is normally the sealing interval (5 s) plus the time to seal the backlog
(measured on the national benchmark copy on a busy 2-core machine: 1 428 rows in 1.4 s)
and grows only while no worker or beat runs. In it the row is protected as every row is:
the database refuses UPDATE and DELETE (the triggers let only the one-time setting of
`seq`/`prev_hash`/`hash` on an unsealed row through, with its content unchanged) and the
application's role should not own the table; what the chain does not yet prove for it is
that nobody with more rights than that edited or removed it. Verification (`verify`,
`manage.py verify_access_log`) seals first and reports rows still unsealed separately as
pending, never as tampered; retention cuts sealed rows only (it seals before it cuts).

When retention removes old rows it stores the hash of the last removed row in an
`AccessLogCheckpoint`; verification starts from that anchor."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLog, AccessLogChainHead, AccessLogCheckpoint

CONTENT_FIELDS = [
    "at",
    "user_id",
    "username",
    "organisation_id",
    "organisation_name",
    "role",
    "action",
    "object_type",
    "object_id",
    "object_ids",
    "household_key",
    "purpose",
    "reason_entry_id",
    "request_id",
]
VERIFY_CHUNK = 5000
SEAL_BATCH = 1000


def canonical(values: dict) -> str:
    """The row content as stable JSON: UTC times with microseconds, sorted keys."""
    content = dict(values)
    content["at"] = content["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(prev_hash: str, values: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def append(entry: AccessLog) -> AccessLog:
    """Insert one unsaved row, unchained: one INSERT in the caller's transaction (on
    SQLite the row is sealed at once, in the same transaction)."""
    entry.at = timezone.now()
    entry.seq, entry.prev_hash, entry.hash = None, "", ""
    if connection.vendor != "sqlite":
        entry.save(force_insert=True)
        return entry
    with transaction.atomic(savepoint=False):
        entry.save(force_insert=True)
        seal()
    return entry


def append_many(entries: list[AccessLog]) -> list[AccessLog]:
    """`append` for several rows of one request (a page that shows several lists): one
    multi-row INSERT, in the caller's transaction, in the order given."""
    now = timezone.now()
    for entry in entries:
        entry.at = now
        entry.seq, entry.prev_hash, entry.hash = None, "", ""
    if connection.vendor != "sqlite":
        return AccessLog.objects.bulk_create(entries)
    with transaction.atomic(savepoint=False):
        AccessLog.objects.bulk_create(entries)
        seal()
    return entries


# --- sealing --------------------------------------------------------------------------------


def seal(*, wait: bool = True, batch: int = SEAL_BATCH) -> int:
    """Chain every committed unsealed row, one batch per transaction; returns how many
    were sealed. With `wait=False` a run that finds another sealer at work returns 0."""
    sealed = 0
    while True:
        with transaction.atomic():
            done = seal_batch(batch, wait=wait)
        if done is None:
            return sealed
        sealed += done
        if done < batch:
            return sealed


def seal_batch(batch: int = SEAL_BATCH, *, wait: bool = True) -> int | None:
    """Seal the oldest `batch` unsealed rows in the caller's transaction; None when
    another sealer holds the head and `wait` is false."""
    head = _locked_head(wait)
    if head is None:
        return None
    rows = (
        AccessLog.objects.filter(seq__isnull=True)
        .order_by("id")
        .values("id", *CONTENT_FIELDS)[:batch]
    )
    seq, prev = head.last_seq, head.last_hash
    links = []
    for row in rows:
        seq += 1
        digest = row_hash(prev, {f: row[f] for f in CONTENT_FIELDS})
        links.append((row["id"], seq, prev, digest))
        prev = digest
    if links:
        _store_links(links)
        AccessLogChainHead.objects.filter(pk=1).update(
            last_id=links[-1][0], last_seq=seq, last_hash=prev
        )
    return len(links)


def _locked_head(wait: bool) -> AccessLogChainHead | None:
    heads = AccessLogChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1)
    head = heads.first()
    if head is None and not AccessLogChainHead.objects.filter(pk=1).exists():
        # Only on a database whose head row was flushed (tests).
        AccessLogChainHead.objects.bulk_create([AccessLogChainHead(pk=1)], ignore_conflicts=True)
        head = heads.first()
    return head


def _store_links(links: list[tuple[int, int, str, str]]) -> None:
    """Set seq/prev_hash/hash of each row: one UPDATE for the batch on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(links))
            # Only placeholders are joined in; the values go as parameters.
            sql = (
                "UPDATE privacy_accesslog AS log SET seq = link.seq, "  # noqa: S608
                "prev_hash = link.prev_hash, hash = link.hash "
                f"FROM (VALUES {values}) AS link (id, seq, prev_hash, hash) "
                "WHERE log.id = link.id"
            )
            cursor.execute(sql, [value for link in links for value in link])
        else:
            cursor.executemany(
                "UPDATE privacy_accesslog SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [(seq, prev, digest, row_id) for row_id, seq, prev, digest in links],
            )


# --- verification ---------------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    rows: int
    broken_id: int | None = None
    broken_at: object = None
    problem: str = ""
    pending: int = 0  # committed rows not yet sealed: not part of the check, not an alarm


def verify(*, seal_first: bool = True) -> Verification:
    """Seal what is committed, then walk the chain in `seq` order, streamed; stop at the
    first broken link. Rows still unsealed are counted as pending.

    Writers keep appending while this runs, and retention may cut the oldest rows: the
    checkpoint, the rows and the head are read in one snapshot (REPEATABLE READ on
    PostgreSQL), so a row sealed meanwhile never looks like a broken or missing link."""
    if seal_first:
        seal()
    with transaction.atomic():
        # Only as the outermost transaction: inside a caller's, its level stands.
        if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _verify()


def _verify() -> Verification:
    head = AccessLogChainHead.objects.filter(pk=1).first()
    checkpoint = AccessLogCheckpoint.objects.order_by("-removed_through_seq").first()
    expected_prev = checkpoint.anchor_hash if checkpoint else ""
    rows = last_seq = 0
    fields = ["id", "seq", "prev_hash", "hash", *CONTENT_FIELDS]
    queryset = AccessLog.objects.filter(seq__isnull=False).order_by("seq").values(*fields)
    for row in queryset.iterator(chunk_size=VERIFY_CHUNK):
        rows += 1
        content = {f: row[f] for f in CONTENT_FIELDS}
        if row["prev_hash"] != expected_prev:
            return Verification(False, rows, row["id"], row["at"], "vorige hash klopt niet")
        if row["hash"] != row_hash(row["prev_hash"], content):
            return Verification(False, rows, row["id"], row["at"], "inhoud gewijzigd")
        expected_prev, last_seq = row["hash"], row["seq"]
    pending = AccessLog.objects.filter(seq__isnull=True).count()
    # The head holds the newest link: rows removed from the end would leave it dangling,
    # and a row placed after it was not chained by a sealer.
    if head and head.last_hash != expected_prev:
        if last_seq > head.last_seq:
            return Verification(False, rows, None, None, "regels na de kop van de keten")
        return Verification(False, rows, head.last_id, None, "laatste regels ontbreken")
    return Verification(True, rows, pending=pending)
