"""CSV import: formats, bad rows, re-upload, batches, background processing, downloads."""

import pytest
from django.core.exceptions import ValidationError

from privacy.models import AccessAction, AccessLog
from signals import imports, intake, services
from signals.csv_io import errors_csv, read_rows, template_csv
from signals.imports import run_signal_import
from signals.models import ImportStatus, Signal, SignalImport
from signals.services import import_signals

HEADER = (
    "kind;postcode;house_number;house_number_addition;description;urgency;resident_informed;"
    "arrears_amount;arrears_months;external_reference;wgs_reminder_sent;wgs_contact_attempted;"
    "wgs_handover_offered;wgs_debt_help_pointed"
)
ARREARS_ROW = "Huurachterstand;1012ab;{n};;Huur niet betaald;normal;ja;1250,00;3;HA-{n};ja;ja;ja;ja"


def semicolon_file(*rows: str, bom=True) -> bytes:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode()


def test_semicolons_bom_decimal_commas_and_dutch_labels(user):
    result = import_signals(user("anna"), semicolon_file(ARREARS_ROW.format(n=1)))
    assert result.as_dict() == {"created": 1, "duplicates": 0, "errors": []}
    signal = Signal.objects.get()
    assert (signal.kind, signal.postcode, str(signal.arrears_amount)) == (
        "rent_arrears",
        "1012 AB",
        "1250.00",
    )
    assert signal.resident_informed and signal.wgs_handover_offered
    assert signal.external_reference == "HA-1"
    assert signal.team.name == "Wijkteam Noord"


def test_commas_without_bom_and_quoted_fields(user):
    content = (
        b"kind,postcode,house_number,description,resident_informed,urgency\n"
        b'nuisance,1025 AB,3,"Harde muziek, elke nacht",false,urgent\n'
        b'overlast,1030 AA,4,"Twee regels\nin de omschrijving",true,normal\n'
    )
    result = import_signals(user("bram"), content)
    assert (result.created, result.errors) == (2, [])
    assert set(Signal.objects.values_list("description", flat=True)) == {
        "Harde muziek, elke nacht",
        "Twee regels\nin de omschrijving",
    }


def test_bad_rows_are_reported_by_line_and_good_rows_kept(user):
    content = semicolon_file(
        ARREARS_ROW.format(n=1),
        "nuisance;0123 AB;5;;Overlast;normal;nee;;;;;;",
        "nuisance;1012 AB;5;;Overlast;normal;nee;;;;;;",
        "nuisance;9999 AA;5;;;normal;misschien;;;;;;",
        "rent_arrears;1012 AB;6;;Huur;normal;ja;1250;3;HA-2;ja;nee;ja;ja",
        "nuisance;1012 AB;5;;Overlast;normal;nee;;;;;;;;te veel",
    )
    result = import_signals(user("anna"), content)
    assert result.created == 2
    assert result.errors == [
        {"line": 3, "errors": {"postcode": ["Vul een geldige postcode in, bijvoorbeeld 1012 AB."]}},
        {
            "line": 5,
            "errors": {
                "description": ["Dit veld is verplicht."],
                "resident_informed": ["Kies ja of nee."],
            },
        },
        {
            "line": 6,
            "errors": {
                "wgs_contact_attempted": [
                    "Probeer eerst persoonlijk contact met de huurder te krijgen "
                    "(Bgs art. 2, onder a)."
                ]
            },
        },
        {"line": 7, "errors": {"__all__": ["Deze regel heeft meer waarden dan er kolommen zijn."]}},
    ]


def test_outside_region_row_names_its_postcode(user):
    content = semicolon_file(
        "nuisance;9999 AA;5;;Overlast;;;;;;;;", "nuisance;9999 AB;5;;Overlast;;;;;;;;"
    )
    result = import_signals(user("anna"), content)
    assert [e["errors"]["postcode"] for e in result.errors] == [
        ["Postcode 9999 AA ligt buiten het werkgebied van het portaal."],
        ["Postcode 9999 AB ligt buiten het werkgebied van het portaal."],
    ]


def test_reupload_files_nothing_twice(user):
    content = semicolon_file(*(ARREARS_ROW.format(n=n) for n in range(1, 4)))
    assert import_signals(user("anna"), content).created == 3
    again = import_signals(user("anna"), content)
    assert (again.created, again.duplicates, again.errors) == (0, 3, [])
    assert Signal.objects.count() == 3


def test_repeat_within_one_file_is_a_duplicate(user):
    content = semicolon_file(ARREARS_ROW.format(n=1), ARREARS_ROW.format(n=1))
    result = import_signals(user("anna"), content)
    assert (result.created, result.duplicates) == (1, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Het bestand is leeg."),
        (
            b"kind;postcode\nnuisance;1012 AB\n",
            "Deze kolommen ontbreken: huisnummer, omschrijving.",
        ),
        (
            b"kind;postcode;house_number;description;naam\n",
            "Onbekende kolommen: naam. Gebruik het sjabloon.",
        ),
        (
            "kind;postcode;house_number;description\nnuisance;1012 AB;1;Café\n".encode("cp1252"),
            "Het bestand is niet in UTF-8 opgeslagen. Kies bij opslaan 'CSV UTF-8'.",
        ),
    ],
)
def test_unusable_files_are_refused(user, content, message):
    with pytest.raises(ValidationError) as error:
        import_signals(user("anna"), content)
    assert error.value.message_dict == {"file": [message]}
    assert Signal.objects.count() == 0


def test_batches_commit_and_log_one_row_each(user, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_BATCH_SIZE", 2)
    content = semicolon_file(*(ARREARS_ROW.format(n=n) for n in range(1, 6)))
    progress = []
    rows = read_rows(content.decode("utf-8-sig"))
    anna = user("anna")
    organisation = intake.filing_organisation(anna)
    result = imports.import_signal_rows(
        anna, organisation, rows, on_batch=lambda r: progress.append(r.processed)
    )
    assert progress == [2, 4, 5]
    assert result.created == 5
    logs = AccessLog.objects.filter(action=AccessAction.CREATE, object_type="signal")
    assert [len(log.object_ids) for log in logs.order_by("id")] == [2, 2, 1]
    references = sorted(Signal.objects.values_list("reference", flat=True))
    assert [int(r[-6:]) for r in references] == [1, 2, 3, 4, 5]


def test_import_queries_do_not_grow_with_rows(user, django_assert_max_num_queries):
    anna = user("anna")
    services.import_signals(anna, semicolon_file(ARREARS_ROW.format(n=999)))  # warm caches
    with django_assert_max_num_queries(25):
        import_signals(anna, semicolon_file(*(ARREARS_ROW.format(n=n) for n in range(1, 6))))
    with django_assert_max_num_queries(25):
        import_signals(anna, semicolon_file(*(ARREARS_ROW.format(n=n) for n in range(6, 206))))
    assert Signal.objects.count() == 206


# --- background import through the browser ------------------------------------------------


def test_upload_runs_in_the_background_with_progress(client_for):
    anna = client_for("anna")
    content = semicolon_file(ARREARS_ROW.format(n=1), "nuisance;0123 AB;5;;Overlast;;;;;;;;")
    response = anna.post(
        "/signalen/importeren/", {"file": _upload("maart.csv", content)}, follow=False
    )
    signal_import = SignalImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/signalen/importeren/{signal_import.pk}/"
    assert (signal_import.status, signal_import.total_rows) == (ImportStatus.PENDING, 2)

    page = anna.get(response["Location"]).content.decode()
    assert '<progress id="voortgang" max="2" value="0">' in page
    assert 'http-equiv="refresh"' in page

    run_signal_import(signal_import.pk)
    signal_import.refresh_from_db()
    assert (signal_import.status, signal_import.processed_rows, signal_import.created) == (
        ImportStatus.DONE,
        2,
        1,
    )
    assert signal_import.content == ""
    assert signal_import.errors[0]["line"] == 3

    page = anna.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Vul een geldige postcode in" in page

    # Running the task again changes nothing.
    run_signal_import(signal_import.pk)
    assert Signal.objects.count() == 1


def test_upload_with_wrong_header_shows_the_error(client_for):
    response = client_for("anna").post(
        "/signalen/importeren/", {"file": _upload("x.csv", b"naam;adres\nJan;Straat 1\n")}
    )
    assert response.status_code == 200
    assert "Deze kolommen ontbreken: soort, postcode, huisnummer, omschrijving." in (
        response.content.decode()
    )
    assert SignalImport.objects.count() == 0


def test_error_report_download_for_dutch_excel(client_for, demo, user):
    signal_import = SignalImport.objects.create(
        organisation=demo["organisations"]["Woonstichting De Linde"],
        user=user("anna"),
        filename="maart.csv",
        status=ImportStatus.DONE,
        errors=[
            {
                "line": 3,
                "errors": {"postcode": ["Vul een geldige postcode in, bijvoorbeeld 1012 AB."]},
            },
            {
                "line": 7,
                "errors": {"__all__": ["Deze regel heeft meer waarden dan er kolommen zijn."]},
            },
        ],
    )
    response = client_for("anna").get(f"/signalen/importeren/{signal_import.pk}/fouten.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8") == (
        "\ufeffregel;veld;melding\r\n"
        "3;postcode;Vul een geldige postcode in, bijvoorbeeld 1012 AB.\r\n"
        "7;;Deze regel heeft meer waarden dan er kolommen zijn.\r\n"
    )
    assert AccessLog.objects.filter(
        action=AccessAction.EXPORT, object_type="signal_import"
    ).exists()
    assert (
        client_for("bram").get(f"/signalen/importeren/{signal_import.pk}/fouten.csv").status_code
        == 404
    )


def test_template_download(client_for):
    response = client_for("anna").get("/signalen/importeren/sjabloon.csv")
    assert response.content.decode("utf-8") == template_csv()
    assert template_csv().startswith("\ufeffsoort;postcode;huisnummer;toevoeging;omschrijving;")
    # The template itself is a valid, empty import.
    assert read_rows(template_csv()) == []


def test_errors_csv_quotes_semicolons():
    text = errors_csv([{"line": 2, "errors": {"description": ["a; b"]}}])
    assert text.splitlines()[1] == '2;omschrijving;"a; b"'


def test_dutch_column_names_and_labels(user):
    content = (
        b"soort;postcode;huisnummer;toevoeging;omschrijving;urgentie;bewoner op de hoogte\r\n"
        b"Overlast;1012ab;7;A;Harde muziek;Spoed;ja\r\n"
        b"overlast;1012ab;8;;Harde muziek;normaal;nee\r\n"
    )
    result = import_signals(user("anna"), content)
    assert (result.created, result.errors) == (2, [])
    urgent = Signal.objects.get(house_number=7)
    assert (urgent.kind, urgent.urgency, urgent.house_number_addition) == (
        "nuisance",
        "urgent",
        "A",
    )
    assert urgent.resident_informed


def test_a_column_named_twice_is_refused(user):
    content = b"soort;kind;postcode;huisnummer;omschrijving\nnuisance;nuisance;1012 AB;7;x\n"
    with pytest.raises(ValidationError) as refused:
        import_signals(user("anna"), content)
    message = "Deze kolommen staan er twee keer in (of betekenen hetzelfde): soort, kind."
    assert message in str(refused.value)
    assert not Signal.objects.exists()


def test_report_names_the_dutch_column(user, client_for):
    content = b"soort;postcode;huisnummer;omschrijving\nnuisance;0123 AB;7;x\n"
    result = import_signals(user("anna"), content)
    assert result.errors == [
        {"line": 2, "errors": {"postcode": [result.errors[0]["errors"]["postcode"][0]]}}
    ]
    assert errors_csv(result.errors).splitlines()[1].startswith("2;postcode;")


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_upload_queues_the_celery_task_after_commit(client_for, django_capture_on_commit_callbacks):
    from wijkportaal.celery import app

    content = semicolon_file(ARREARS_ROW.format(n=1), ARREARS_ROW.format(n=2))
    with django_capture_on_commit_callbacks() as callbacks:
        client_for("anna").post("/signalen/importeren/", {"file": _upload("a.csv", content)})
    assert len(callbacks) == 1
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        callbacks[0]()
    finally:
        app.conf.task_always_eager = eager
    signal_import = SignalImport.objects.get()
    assert (signal_import.status, signal_import.created) == (ImportStatus.DONE, 2)


def test_a_failing_import_is_marked_failed_and_keeps_committed_batches(user, demo, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_BATCH_SIZE", 2)
    content = semicolon_file(*(ARREARS_ROW.format(n=n) for n in range(1, 6)))
    signal_import = SignalImport.objects.create(
        organisation=demo["organisations"]["Woonstichting De Linde"],
        user=user("anna"),
        filename="x.csv",
        content=content.decode("utf-8-sig"),
        total_rows=5,
    )
    real_store = imports._store_batch
    calls = []

    def store_then_fail(context, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_store(context, rows)

    monkeypatch.setattr(imports, "_store_batch", store_then_fail)
    with pytest.raises(RuntimeError):
        run_signal_import(signal_import.pk)
    signal_import.refresh_from_db()
    assert (signal_import.status, signal_import.processed_rows) == (ImportStatus.FAILED, 2)
    assert Signal.objects.count() == 2


def test_a_file_over_the_row_limit_is_refused_whole(user, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [ARREARS_ROW.format(n=n) for n in range(1, 4)]
    with pytest.raises(ValidationError) as exc:
        import_signals(user("anna"), semicolon_file(*rows))
    assert exc.value.message_dict["file"] == [
        "Een bestand heeft hoogstens 2 regels; splits het op."
    ]
    assert not Signal.objects.exists()
    assert import_signals(user("anna"), semicolon_file(*rows[:2])).as_dict()["created"] == 2
