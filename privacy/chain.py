"""Tamper evidence for the access log: a SHA-256 hash chain in id order.

Each row stores `prev_hash` (the hash of the row before it) and
`hash = sha256(prev_hash + canonical content)`. Writers serialise on the single
`AccessLogChainHead` row: one SELECT ... FOR UPDATE that locks it and reads the newest
hash, the INSERT, and one small UPDATE of the head, all in the caller's transaction (no
savepoint of its own: a failed log write fails the write it belongs to). The lock is held
until that transaction commits, so rows are chained one after another in id order even
under concurrency. The row's time is taken after the lock, so `at` grows with `id` and
log retention can cut a prefix of the chain by time. When retention removes old rows it
stores the hash of the last removed row in an `AccessLogCheckpoint`; verification starts
from that anchor."""

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


def canonical(values: dict) -> str:
    """The row content as stable JSON: UTC times with microseconds, sorted keys."""
    content = dict(values)
    content["at"] = content["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(prev_hash: str, values: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def locked_head_hash() -> str:
    """Lock the chain head for the rest of the transaction and return the newest hash."""
    head = AccessLogChainHead.objects.select_for_update().filter(pk=1).values_list("last_hash")
    row = next(iter(head), None)
    if row is None:  # only on a database whose head row was flushed (tests)
        AccessLogChainHead.objects.bulk_create([AccessLogChainHead(pk=1)], ignore_conflicts=True)
        row = next(iter(head.all()))
    return row[0]


def append(entry: AccessLog) -> AccessLog:
    """Chain and insert one unsaved row: three statements, no savepoint."""
    with transaction.atomic(savepoint=False):
        entry.prev_hash = locked_head_hash()
        entry.at = timezone.now()
        entry.hash = row_hash(entry.prev_hash, {f: getattr(entry, f) for f in CONTENT_FIELDS})
        entry.save(force_insert=True)
        AccessLogChainHead.objects.filter(pk=1).update(last_id=entry.pk, last_hash=entry.hash)
    return entry


@dataclass
class Verification:
    ok: bool
    rows: int
    broken_id: int | None = None
    broken_at: object = None
    problem: str = ""


def verify() -> Verification:
    """Walk the chain in id order, streamed; stop at the first broken link.

    Writers keep appending while this runs, and retention may cut the oldest rows: the
    checkpoint, the rows and the head are read in one snapshot (REPEATABLE READ on
    PostgreSQL), and only the rows up to the head read first are walked, so a row
    committed meanwhile never looks like a broken or missing link."""
    with transaction.atomic():
        # Only as the outermost transaction: inside a caller's, its level stands.
        if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _verify()


def _verify() -> Verification:
    head = AccessLogChainHead.objects.filter(pk=1).first()
    checkpoint = AccessLogCheckpoint.objects.order_by("-removed_through_id").first()
    expected_prev = checkpoint.anchor_hash if checkpoint else ""
    rows = 0
    fields = ["id", "prev_hash", "hash", *CONTENT_FIELDS]
    queryset = AccessLog.objects.order_by("id").values(*fields)
    if head and head.last_id:
        queryset = queryset.filter(id__lte=head.last_id)
    for row in queryset.iterator(chunk_size=VERIFY_CHUNK):
        rows += 1
        content = {f: row[f] for f in CONTENT_FIELDS}
        if row["prev_hash"] != expected_prev:
            return Verification(False, rows, row["id"], row["at"], "vorige hash klopt niet")
        if row["hash"] != row_hash(row["prev_hash"], content):
            return Verification(False, rows, row["id"], row["at"], "inhoud gewijzigd")
        expected_prev = row["hash"]
    # The head holds the newest hash: rows removed from the end would leave it dangling.
    if head and head.last_hash != expected_prev:
        return Verification(False, rows, head.last_id, None, "laatste regels ontbreken")
    return Verification(True, rows)
