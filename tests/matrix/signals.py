"""Matrix rows for the signal pages and the signals API."""

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.services import decline_signal
from signals.models import SignalImport
from signals.services import file_signal

from . import Row

USERS = ["anonymous", "anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


def expect(default: int, **by_user: int) -> dict[str, int]:
    return {user: by_user.get(user, default) for user in USERS}


SIGNAL_DATA = {
    "kind": "nuisance",
    "postcode": "1012 AB",
    "house_number": "7",
    "description": "Geluidsoverlast in de nacht.",
    "urgency": "normal",
}
CSV = b"kind;postcode;house_number;description\nnuisance;1012 AB;8;Overlast\n"


def setup(world: dict) -> None:
    anna = world["users"]["anna"]
    world["signals_signal"] = file_signal(
        anna,
        {
            "kind": "nuisance",
            "postcode": "1012 AB",
            "house_number": 5,
            "description": "Overlast in het trappenhuis.",
        },
    )
    lacking = file_signal(anna, {**SIGNAL_DATA, "house_number": 9})
    decline_signal(world["users"]["noor"], lacking, "Welke overlast?", "insufficient_information")
    world["signals_declined"] = lacking
    world["signals_import"] = SignalImport.objects.create(
        organisation=world["organisations"]["Woonstichting De Linde"],
        user=anna,
        filename="maart.csv",
        status="done",
        errors=[{"line": 2, "errors": {"postcode": ["Vul een geldige postcode in."]}}],
    )


def upload(world):
    return {"file": SimpleUploadedFile("lijst.csv", CSV, content_type="text/csv")}


# Web: anonymous users go to the login page.
readers = expect(403, anonymous=302, anna=200, bram=200, sara=200, noor=200, omar=200)
filers = expect(403, anonymous=302, anna=200, bram=200)
filed = expect(403, anonymous=302, anna=302, bram=302)
de_linde_signal = expect(404, anonymous=302, anna=200, sara=200, noor=200)
de_linde_import = expect(404, anonymous=302, anna=200)
# API: no credentials is 401.
api_readers = {**readers, "anonymous": 401}
api_filers = expect(403, anonymous=401, anna=201, bram=201)
api_importers = expect(403, anonymous=401, anna=200, bram=200)
api_signal = {**de_linde_signal, "anonymous": 401}

ROWS = [
    Row("signals_list", "GET", lambda w: "/signalen/", readers, logs_access=True),
    Row("signals_new", "GET", lambda w: "/signalen/nieuw/", filers),
    Row("signals_export", "GET", lambda w: "/signalen/export.csv", readers, logs_access=True),
    Row(
        "signals_new_follow_up",
        "GET",
        lambda w: f"/signalen/nieuw/?vervolg={w['signals_declined'].pk}",
        {**filers, "bram": 404},
        logs_access=True,
    ),
    Row(
        "signals_new_post",
        "POST",
        lambda w: "/signalen/nieuw/",
        filed,
        data=SIGNAL_DATA,
        logs_access=True,
    ),
    Row(
        "signals_detail",
        "GET",
        lambda w: f"/signalen/{w['signals_signal'].pk}/",
        de_linde_signal,
        logs_access=True,
    ),
    Row("signals_import", "GET", lambda w: "/signalen/importeren/", filers),
    Row(
        "signals_import_post",
        "POST",
        lambda w: "/signalen/importeren/",
        filed,
        data=upload,
        multipart=True,
        logs_access=True,
    ),
    Row(
        "signals_import_template",
        "GET",
        lambda w: "/signalen/importeren/sjabloon.csv",
        filers,
    ),
    Row(
        "signals_import_detail",
        "GET",
        lambda w: f"/signalen/importeren/{w['signals_import'].pk}/",
        de_linde_import,
    ),
    Row(
        "signals_import_errors",
        "GET",
        lambda w: f"/signalen/importeren/{w['signals_import'].pk}/fouten.csv",
        de_linde_import,
        logs_access=True,
    ),
    Row("signals_api_list", "GET", lambda w: "/api/v1/signals/", api_readers, api=True),
    Row(
        "signals_api_detail",
        "GET",
        lambda w: f"/api/v1/signals/{w['signals_signal'].pk}/",
        api_signal,
        api=True,
        logs_access=True,
    ),
    Row(
        "signals_api_create",
        "POST",
        lambda w: "/api/v1/signals/",
        api_filers,
        data=SIGNAL_DATA,
        api=True,
        logs_access=True,
    ),
    Row(
        "signals_api_import",
        "POST",
        lambda w: "/api/v1/signals/import/",
        api_importers,
        data=upload,
        api=True,
        multipart=True,
        logs_access=True,
    ),
    Row(
        "signals_api_import_status",
        "GET",
        lambda w: f"/api/v1/signals/imports/{w['signals_import'].pk}/",
        {**de_linde_import, "anonymous": 401},
        api=True,
        logs_access=True,
    ),
]
