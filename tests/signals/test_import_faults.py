"""Imports under faults: large API imports run in the background with a status URL, an
upload while the broker is down waits and starts later, a worker lost mid-import resumes
without duplicates, and the uploaded file is cleared whatever the outcome."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from privacy.models import AccessAction, AccessLog
from privacy.retention import apply_retention
from signals import imports
from signals.imports import run_signal_import, waiting_imports
from signals.models import ImportStatus, Signal, SignalImport
from signals.tasks import run_signal_import_task, start_waiting_imports
from wijkportaal.celery import app

HEADER = "kind;postcode;house_number;description\r\n"


def csv_file(count: int, start: int = 1) -> bytes:
    """Rows without external references: only the import's own bookkeeping prevents
    duplicates on a retry."""
    rows = "".join(f"overlast;1012 AB;{n};Overlast\r\n" for n in range(start, start + count))
    return (HEADER + rows).encode()


def stored_import(user, demo, rows: int, **fields) -> SignalImport:
    """An uploaded import of `rows` CSV rows by anna, as the upload stores it."""
    return SignalImport.objects.create(
        organisation=demo["organisations"]["Woonstichting De Linde"],
        user=user("anna"),
        filename=fields.pop("filename", "x.csv"),
        content=csv_file(rows).decode(),
        **fields,
    )


@pytest.fixture
def eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def broker_down():
    return mock.patch.object(
        run_signal_import_task, "delay", side_effect=OperationalError("Connection refused")
    )


def api_upload(client, content: bytes):
    file = SimpleUploadedFile("groot.csv", content, content_type="text/csv")
    return client.post("/api/v1/signals/import/", {"file": file}, format="multipart")


def test_large_api_import_is_a_background_job_with_a_status_url(
    api_for, settings, eager, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_ROWS = 3
    anna = api_for("anna")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_upload(anna, csv_file(5) + b"overlast;0123 AB;9;Overlast\r\n")
    assert response.status_code == 202
    body = response.json()
    signal_import = SignalImport.objects.get()
    assert body["status_url"] == f"/api/v1/signals/imports/{signal_import.pk}/"
    assert body["total_rows"] == 6

    status = anna.get(body["status_url"])
    assert status.status_code == 200
    assert {k: status.json()[k] for k in ("status", "processed_rows", "created")} == {
        "status": "done",
        "processed_rows": 6,
        "created": 5,
    }
    assert status.json()["errors"][0]["line"] == 7
    assert Signal.objects.count() == 5
    assert AccessLog.objects.filter(
        action=AccessAction.READ, object_type="signal_import", object_id=str(signal_import.pk)
    ).exists()
    # Another corporation's status URL is the same 404 as a missing one.
    assert api_for("bram").get(body["status_url"]).status_code == 404
    assert api_for("noor").get(body["status_url"]).status_code == 404


def test_small_api_import_is_answered_in_the_request(api_for, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 3
    response = api_upload(api_for("anna"), csv_file(3))
    assert response.status_code == 200
    assert response.json()["created"] == 3


def test_upload_while_the_broker_is_down_waits_and_starts_when_it_is_back(
    client_for, eager, django_capture_on_commit_callbacks
):
    anna = client_for("anna")
    file = SimpleUploadedFile("maart.csv", csv_file(3), content_type="text/csv")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = anna.post("/signalen/importeren/", {"file": file})
    assert response.status_code == 302
    signal_import = SignalImport.objects.get()
    assert signal_import.is_waiting_for_queue
    page = anna.get(response["Location"]).content.decode()
    assert "wacht op verwerking" in page
    assert list(waiting_imports()) == [signal_import]
    with broker_down():
        assert start_waiting_imports() == 0  # still down: it keeps waiting
    # The broker is back: the periodic sweep starts it.
    assert start_waiting_imports() == 1
    signal_import.refresh_from_db()
    assert (signal_import.status, signal_import.created, signal_import.content) == (
        ImportStatus.DONE,
        3,
        "",
    )
    assert not waiting_imports().exists()


def test_api_import_while_the_broker_is_down_is_accepted_as_waiting(
    api_for, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_ROWS = 1
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = api_upload(api_for("anna"), csv_file(3))
    assert response.status_code == 202
    assert SignalImport.objects.get().is_waiting_for_queue


def test_import_whose_worker_died_resumes_without_duplicates(user, demo, monkeypatch):
    """Killed after the second batch committed: the sweep finds it stale, the rerun
    files the rest; no row twice, though the rows have no external reference."""
    monkeypatch.setattr(imports, "IMPORT_BATCH_SIZE", 2)
    signal_import = stored_import(user, demo, 7, total_rows=7, queued_at=timezone.now())
    real_store = imports._store_batch
    calls = []

    def store_then_die(context, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise SystemExit("worker killed")  # not an Exception: nothing marks it failed
        return real_store(context, rows)

    monkeypatch.setattr(imports, "_store_batch", store_then_die)
    with pytest.raises(SystemExit):
        run_signal_import(signal_import.pk)
    monkeypatch.setattr(imports, "_store_batch", real_store)
    signal_import.refresh_from_db()
    assert (signal_import.status, signal_import.processed_rows) == (ImportStatus.RUNNING, 4)
    # A redelivery while the heartbeat is fresh is a no-op (the first may still run).
    run_signal_import(signal_import.pk)
    assert Signal.objects.count() == 4
    assert not waiting_imports().exists()
    stale = timezone.now() - timedelta(minutes=6)
    SignalImport.objects.filter(pk=signal_import.pk).update(heartbeat_at=stale)
    assert list(waiting_imports()) == [signal_import]
    run_signal_import(signal_import.pk)
    signal_import.refresh_from_db()
    assert (signal_import.status, signal_import.created, signal_import.processed_rows) == (
        ImportStatus.DONE,
        7,
        7,
    )
    assert sorted(Signal.objects.values_list("house_number", flat=True)) == list(range(1, 8))


def test_failed_import_clears_its_file(user, demo, monkeypatch):
    signal_import = stored_import(user, demo, 2, total_rows=2)
    monkeypatch.setattr(imports, "_store_batch", mock.Mock(side_effect=RuntimeError("kapot")))
    with pytest.raises(RuntimeError):
        run_signal_import(signal_import.pk)
    signal_import.refresh_from_db()
    assert (signal_import.status, signal_import.content) == (ImportStatus.FAILED, "")


def test_retention_clears_files_of_imports_that_never_ran(user, demo, settings):
    settings.IMPORT_FILE_MAX_HOURS = 24
    old, recent = (stored_import(user, demo, 1, filename=name) for name in ("oud.csv", "nieuw.csv"))
    SignalImport.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(hours=25))
    assert apply_retention(dry_run=True).import_files_cleared == 1
    assert apply_retention().import_files_cleared == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.content, old.status) == ("", ImportStatus.FAILED)
    assert old.finished_at is not None
    assert recent.content != ""


def test_import_sweep_is_scheduled_by_the_migration(db):
    task = PeriodicTask.objects.get(task="signals.tasks.start_waiting_imports")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (2, "minutes")


def test_api_import_retried_with_the_same_idempotency_key_files_once(
    api_for, eager, django_capture_on_commit_callbacks
):
    def post(client, key):
        file = SimpleUploadedFile("lijst.csv", csv_file(3), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/api/v1/signals/import/",
                {"file": file},
                format="multipart",
                HTTP_IDEMPOTENCY_KEY=key,
            )

    anna = api_for("anna")
    first = post(anna, "maart-2026")
    again = post(anna, "maart-2026")
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["id"] == again.json()["id"]
    assert Signal.objects.count() == 3  # rows without external reference, filed once
    # The key belongs to the organisation: another corporation's same key is its own.
    assert post(api_for("bram"), "maart-2026").json()["id"] != first.json()["id"]
    assert post(anna, "x" * 101).status_code == 400
