"""Permission matrix rows of the cases app: work tray, triage, case pages and the API.

Setup: anna (De Linde) files signals in 1012 AB (Wijkteam Noord). One is accepted into
`cases_case`; one awaits triage (`cases_received`); one case is shared with omar
(Wijkteam Zuid) and one is confidential with noor as assignee."""

from datetime import timedelta

from django.utils.timezone import localdate

from cases import services
from signals.services import file_signal

from . import Row

BASE = {
    "anonymous": 302,
    "anna": 404,
    "bram": 404,
    "sara": 404,
    "noor": 404,
    "omar": 404,
    "eva": 404,
    "pim": 404,
    "admin": 404,
}
API_BASE = {**BASE, "anonymous": 401}

# Pages for team members: everyone else has no team and gets 403.
team_pages = {**BASE, **dict.fromkeys(["anna", "bram", "eva", "pim", "admin"], 403)}
team_pages.update(sara=200, noor=200, omar=200)

# Triage of a Noord signal filed by De Linde: anna sees it (filer) but may not triage.
triage = {**BASE, "anna": 403, "sara": 403}
case_worker = {**BASE, "sara": 302, "noor": 302}
case_manager = {**BASE, "sara": 403, "noor": 302}


def _file(world, number):
    return file_signal(
        world["users"]["anna"],
        {
            "kind": "nuisance",
            "postcode": "1012 AB",
            "house_number": number,
            "description": "Zorgen over de bewoner.",
            "resident_informed": True,
        },
    )


def setup(world):
    noor = world["users"]["noor"]
    world["cases_case"] = services.accept_signal(noor, _file(world, 1))
    world["cases_received"] = _file(world, 2)
    shared = services.accept_signal(noor, _file(world, 3))
    services.share_case(
        noor, shared, world["users"]["omar"], "Overleg met Zuid", localdate() + timedelta(days=30)
    )
    world["cases_shared"] = shared
    confidential = services.accept_signal(noor, _file(world, 4))
    services.assign_case(noor, confidential, noor)
    services.set_confidential(noor, confidential, True)
    world["cases_confidential"] = confidential


def received(w):
    return w["cases_received"].pk


def case(w):
    return w["cases_case"].pk


def case_form(name, path, expect, data):
    """A POST of a form on the page of `cases_case` (`/casussen/<id>/<path>/`)."""
    return Row(
        name, "POST", lambda w: f"/casussen/{case(w)}/{path}/", expect, data=data, logs_access=True
    )


def api(name, method, url, expect, data=None):
    return Row(name, method, url, expect, data=data, api=True, logs_access=True)


ROWS = [
    Row("cases_tray", "GET", lambda w: "/casussen/werkbak/", team_pages, logs_access=True),
    Row("cases_list", "GET", lambda w: "/casussen/", team_pages, logs_access=True),
    Row("cases_mine", "GET", lambda w: "/casussen/mijn/", team_pages, logs_access=True),
    Row("cases_export", "GET", lambda w: "/casussen/export.csv", team_pages, logs_access=True),
    Row(
        "cases_switch_team",
        "POST",
        lambda w: "/casussen/werkbak/team/",
        {**team_pages, "sara": 302, "noor": 302, "omar": 403},
        data=lambda w: {"team": w["organisations"]["Wijkteam Noord"].pk},
    ),
    Row(
        "cases_bulk",
        "POST",
        lambda w: "/casussen/werkbak/bulk/",
        # omar's tray holds no Noord signal: nothing to do, back to his tray.
        {**team_pages, "sara": 403, "noor": 302, "omar": 302},
        data=lambda w: {"action": "accept", "signals": [str(received(w))]},
    ),
    Row(
        "cases_triage",
        "GET",
        lambda w: f"/casussen/werkbak/{received(w)}/",
        {**triage, "noor": 200},
        logs_access=True,
    ),
    Row(
        "cases_triage_accept",
        "POST",
        lambda w: f"/casussen/werkbak/{received(w)}/oppakken/",
        {**triage, "noor": 302},
        data={},
    ),
    Row(
        "cases_triage_decline",
        "POST",
        lambda w: f"/casussen/werkbak/{received(w)}/afwijzen/",
        {**triage, "noor": 302},
        data={"reason_category": "no_support_needed", "reason": "Geen zorgvraag."},
    ),
    Row(
        "cases_triage_reroute",
        "POST",
        lambda w: f"/casussen/werkbak/{received(w)}/doorzetten/",
        {**triage, "noor": 302},
        data=lambda w: {
            "team": w["organisations"]["Wijkteam Zuid"].pk,
            "reason": "Adres hoort bij Zuid.",
        },
    ),
    Row(
        "cases_detail",
        "GET",
        lambda w: f"/casussen/{case(w)}/",
        {**BASE, "sara": 200, "noor": 200},
        logs_access=True,
    ),
    Row(
        "cases_detail_shared",
        "GET",
        lambda w: f"/casussen/{w['cases_shared'].pk}/",
        {**BASE, "sara": 200, "noor": 200, "omar": 200},
        logs_access=True,
    ),
    Row(
        "cases_detail_confidential",
        "GET",
        lambda w: f"/casussen/{w['cases_confidential'].pk}/",
        {**BASE, "noor": 200},
        logs_access=True,
    ),
    case_form("cases_note", "notitie", case_worker, {"text": "Huisbezoek gepland."}),
    case_form("cases_transition", "status", case_worker, {"to": "in_progress"}),
    case_form("cases_follow_up", "vervolgdatum", case_worker, {"follow_up_date": "2099-01-15"}),
    case_form(
        "cases_assign", "toewijzen", case_manager, lambda w: {"assignee": w["users"]["sara"].pk}
    ),
    case_form("cases_confidential", "vertrouwelijk", case_manager, {"confidential": "on"}),
    case_form(
        "cases_share",
        "delen",
        case_manager,
        lambda w: {
            "with_user": w["users"]["omar"].pk,
            "reason": "Overleg",
            "until": str(localdate() + timedelta(days=30)),
        },
    ),
    Row(
        "cases_end_share",
        "POST",
        lambda w: f"/casussen/{w['cases_shared'].pk}/delen/beeindigen/",
        {**case_manager, "omar": 403},
        data=lambda w: {"with_user": w["users"]["omar"].pk},
        logs_access=True,
    ),
    # API
    api(
        "cases_api_accept",
        "POST",
        lambda w: f"/api/v1/signals/{received(w)}/accept/",
        {**API_BASE, "anna": 403, "sara": 403, "noor": 200},
        data={},
    ),
    api(
        "cases_api_decline",
        "POST",
        lambda w: f"/api/v1/signals/{received(w)}/decline/",
        {**API_BASE, "anna": 403, "sara": 403, "noor": 200},
        data={"reason": "Geen zorgvraag.", "reason_category": "no_support_needed"},
    ),
    api(
        "cases_api_list",
        "GET",
        lambda w: "/api/v1/cases/",
        {**dict.fromkeys(BASE, 200), "anonymous": 401},
    ),
    api(
        "cases_api_detail",
        "GET",
        lambda w: f"/api/v1/cases/{case(w)}/",
        {**API_BASE, "sara": 200, "noor": 200},
    ),
    api(
        "cases_api_detail_shared",
        "GET",
        lambda w: f"/api/v1/cases/{w['cases_shared'].pk}/",
        {**API_BASE, "sara": 200, "noor": 200, "omar": 200},
    ),
    api(
        "cases_api_detail_confidential",
        "GET",
        lambda w: f"/api/v1/cases/{w['cases_confidential'].pk}/",
        {**API_BASE, "noor": 200},
    ),
    api(
        "cases_api_transition",
        "POST",
        lambda w: f"/api/v1/cases/{case(w)}/transition/",
        {**API_BASE, "sara": 200, "noor": 200},
        data={"to": "in_progress"},
    ),
    api(
        "cases_api_notes",
        "POST",
        lambda w: f"/api/v1/cases/{case(w)}/notes/",
        {**API_BASE, "sara": 201, "noor": 201},
        data={"text": "Gebeld met de bewoner."},
    ),
]
