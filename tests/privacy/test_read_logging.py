"""Every read of personal data is logged: each view that renders a signal or case (its
address, description, notes), also when it shows the page again after a form error,
writes its access-log row about that object (issue 13, attack 6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from privacy.models import AccessLog
from tests import helpers


@pytest.fixture
def world(demo):
    noor = helpers.user("noor")
    case = case_services.accept_signal(noor, helpers.signal(house_number=5))
    return {"case": case, "received": helpers.signal(house_number=6), "noor": noor}


def _case(w):
    return f"/casussen/{w['case'].pk}/"


def _triage(w):
    return f"/casussen/werkbak/{w['received'].pk}/"


def _signal(w):
    return f"/signalen/{w['received'].pk}/"


PAST = (timezone.localdate() - timedelta(days=3)).isoformat()

# (name, user, method, path, data, what the row is about: "case" or "received")
VIEWS = [
    ("case page", "noor", "GET", lambda w: _case(w), None, "case"),
    ("case: empty note", "noor", "POST", lambda w: _case(w) + "notitie/", {"text": ""}, "case"),
    ("case: bad status", "noor", "POST", lambda w: _case(w) + "status/", {"to": "x"}, "case"),
    (
        "case: bad follow-up",
        "noor",
        "POST",
        lambda w: _case(w) + "vervolgdatum/",
        {"follow_up_date": "31-02-2026"},
        "case",
    ),
    (
        "case: bad assignee",
        "noor",
        "POST",
        lambda w: f"{_case(w)}toewijzen/",
        {"assignee": "0"},
        "case",
    ),
    (
        "case: share refused",
        "noor",
        "POST",
        lambda w: _case(w) + "delen/",
        {"with_user": "0", "reason": "x", "until": PAST},
        "case",
    ),
    ("triage page", "noor", "GET", lambda w: _triage(w), None, "received"),
    (
        "triage: empty decline",
        "noor",
        "POST",
        lambda w: _triage(w) + "afwijzen/",
        {"reason": "", "reason_category": "other"},
        "received",
    ),
    (
        "triage: empty reroute",
        "noor",
        "POST",
        lambda w: _triage(w) + "doorzetten/",
        {"team": "", "reason": ""},
        "received",
    ),
    (
        "signal page (filer)",
        "anna",
        "GET",
        _signal,
        None,
        "received",
    ),
    (
        "signal page (team)",
        "sara",
        "GET",
        _signal,
        None,
        "received",
    ),
    ("signal list", "anna", "GET", lambda w: "/signalen/", None, "received"),
    ("signal search", "sara", "GET", lambda w: "/signalen/?q=1012+AB", None, "received"),
    ("work tray", "sara", "GET", lambda w: "/casussen/werkbak/", None, "received"),
    ("team cases", "sara", "GET", lambda w: "/casussen/", None, "case"),
    (
        "API signal",
        "anna",
        "API",
        lambda w: "/api/v1" + _signal(w).replace("signalen", "signals"),
        None,
        "received",
    ),
    ("API signals", "sara", "API", lambda w: "/api/v1/signals/", None, "received"),
    ("API case", "noor", "API", lambda w: f"/api/v1/cases/{w['case'].pk}/", None, "case"),
    ("API cases", "noor", "API", lambda w: "/api/v1/cases/", None, "case"),
]


@pytest.mark.parametrize(
    ("user", "method", "path", "data", "about"),
    [view[1:] for view in VIEWS],
    ids=[view[0] for view in VIEWS],
)
def test_every_view_showing_personal_data_writes_its_read_row(
    world, client_for, api_for, user, method, path, data, about
):
    target = str(world[about].pk)
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if method == "API":
        response = api_for(user).get(path(world))
    elif method == "GET":
        response = client_for(user).get(path(world))
    else:
        response = client_for(user).post(path(world), data)
    assert response.status_code in (200, 400), response.status_code
    rows = AccessLog.objects.filter(id__gt=before, username=user)
    assert any(row.object_id == target or target in row.object_ids for row in rows), (
        f"no access-log row about {about} for {user}"
    )


def test_attack_page_reshown_after_form_error_is_not_logged(world, client_for):
    """An empty note re-shows the case page with address and signals: logged as a read."""
    before = AccessLog.objects.count()
    response = client_for("noor").post(f"/casussen/{world['case'].pk}/notitie/", {"text": ""})
    assert world["case"].postcode in response.content.decode()
    read = AccessLog.objects.order_by("-id")[: AccessLog.objects.count() - before]
    assert [row.action for row in read if row.object_id == str(world["case"].pk)] == ["read"]
