"""Matrix rows of rent arrears (issue 18): outreach and help on a case, the receipt for
court, the coordinator's monitor. The case rows use `cases_case` of `cases.py` (Wijkteam
Noord; anna filed its signal)."""

from signals.services import file_signal
from tests.helpers import WGS_STEPS_TAKEN

from . import Row
from .cases import API_BASE, BASE, case_worker
from .partners import COORDINATOR_ONLY

ANONYMOUS_API = 401
OUTREACH = {"channel": "phone", "at": "2026-11-30T10:00:00+01:00", "reached": True}
HELP = {"response": "accepted", "at": "2026-11-30T11:00:00+01:00"}


def case(w):
    return w["cases_case"].pk


def setup(world):
    world["arrears_signal"] = file_signal(
        world["users"]["anna"],
        {
            "kind": "rent_arrears",
            "postcode": "1012 AB",
            "house_number": 30,
            "description": "Drie maanden huur niet betaald.",
            "arrears_amount": "900,00",
            "arrears_months": 3,
            **WGS_STEPS_TAKEN,
        },
    )


def signal(w):
    return w["arrears_signal"].pk


ROWS = [
    Row(
        "arrears_outreach",
        "POST",
        lambda w: f"/casussen/{case(w)}/contactpoging/",
        case_worker,
        data={"channel": "phone", "at": "2026-11-30T10:00", "reached": "on"},
        logs_access=True,
    ),
    Row(
        "arrears_help",
        "POST",
        lambda w: f"/casussen/{case(w)}/hulpaanbod/",
        case_worker,
        data={"response": "accepted", "at": "2026-11-30T11:00"},
        logs_access=True,
    ),
    Row(
        "arrears_api_outreach",
        "POST",
        lambda w: f"/api/v1/cases/{case(w)}/outreach/",
        {**API_BASE, "sara": 201, "noor": 201},
        data=OUTREACH,
        api=True,
        logs_access=True,
    ),
    Row(
        "arrears_api_help",
        "POST",
        lambda w: f"/api/v1/cases/{case(w)}/help/",
        {**API_BASE, "sara": 200, "noor": 200},
        data=HELP,
        api=True,
        logs_access=True,
    ),
    Row(
        "arrears_receipt",
        "GET",
        lambda w: f"/signalen/{signal(w)}/ontvangstbewijs.pdf",
        {**BASE, "anna": 200},
        logs_access=True,
    ),
    Row(
        "arrears_api_receipt",
        "GET",
        lambda w: f"/api/v1/signals/{signal(w)}/receipt/",
        {**API_BASE, "anna": 200},
        api=True,
        logs_access=True,
    ),
    Row("arrears_monitor", "GET", lambda w: "/samenwerking/monitor/", COORDINATOR_ONLY),
    Row(
        "arrears_monitor_export",
        "GET",
        lambda w: "/samenwerking/monitor/export.csv",
        COORDINATOR_ONLY,
    ),
]
