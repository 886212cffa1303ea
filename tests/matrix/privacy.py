"""Permission matrix rows of the privacy officer's screens and the access-log API."""

from . import Row

web_officer = {
    "anonymous": 302,
    "anna": 403,
    "bram": 403,
    "sara": 403,
    "noor": 403,
    "omar": 403,
    "eva": 403,
    "pim": 200,
    "admin": 403,
}
api_officer = {**web_officer, "anonymous": 401}
ADDRESS = "postcode=1012+AB&house_number=5"


def setup(world):
    from signals.services import file_signal

    world["privacy_signal"] = file_signal(
        world["users"]["anna"],
        {
            "kind": "nuisance",
            "postcode": "1012 AB",
            "house_number": 5,
            "description": "Overlast",
            "resident_informed": True,
        },
    )


ROWS = [
    Row(
        "privacy_access_log", "GET", lambda w: "/privacy/inzagelog/", web_officer, logs_access=True
    ),
    Row(
        "privacy_access_log_household",
        "GET",
        lambda w: f"/privacy/inzagelog/?{ADDRESS}",
        web_officer,
        logs_access=True,
    ),
    Row(
        "privacy_access_log_export",
        "GET",
        lambda w: f"/privacy/inzagelog/export.csv?{ADDRESS}",
        web_officer,
        logs_access=True,
    ),
    Row(
        "privacy_access_log_report",
        "GET",
        lambda w: f"/privacy/inzagelog/rapport/?{ADDRESS}",
        web_officer,
        logs_access=True,
    ),
    Row(
        "privacy_household",
        "GET",
        lambda w: f"/privacy/huishouden/?{ADDRESS}",
        web_officer,
        logs_access=True,
    ),
    Row(
        "privacy_household_json",
        "GET",
        lambda w: f"/privacy/huishouden/?{ADDRESS}&format=json",
        web_officer,
        logs_access=True,
    ),
    Row(
        "privacy_household_erase_form", "GET", lambda w: "/privacy/huishouden/wissen/", web_officer
    ),
    Row(
        "privacy_household_erase",
        "POST",
        lambda w: "/privacy/huishouden/wissen/",
        {**web_officer, "pim": 302},
        data={
            "postcode": "1012 AB",
            "house_number": "5",
            "reason": "Verzoek tot verwijdering van de bewoner",
            "confirm": "1",
        },
        logs_access=True,
    ),
    Row("privacy_retention_runs", "GET", lambda w: "/privacy/bewaartermijnen/", web_officer),
    Row(
        "privacy_api_access_log",
        "GET",
        lambda w: f"/api/v1/access-log/?{ADDRESS}",
        api_officer,
        api=True,
        logs_access=True,
    ),
]
