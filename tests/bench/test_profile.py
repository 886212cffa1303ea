"""The benchmark's time split per request (bench/profile.py): off unless asked for; when
on, every query is counted once and the parts add up to the time of the request."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bench.profile import HEADER
from bench.run import _profile_cells, median_profile, read_profile
from partners.models import District
from privacy.models import AccessLog

PROFILED = ["bench.profile.ProfileMiddleware", *settings.MIDDLEWARE]


def _split(response) -> dict:
    assert response.status_code == 200
    return json.loads(response[HEADER])


def test_no_profile_header_without_bench_profile(client_for):
    assert "bench.profile.ProfileMiddleware" not in settings.MIDDLEWARE
    response = client_for("eva").get("/samenwerking/gebieden/")
    assert response.status_code == 200
    assert not response.has_header(HEADER)


@override_settings(MIDDLEWARE=PROFILED)
def test_a_page_is_split_into_sql_templates_access_log_and_python(client_for):
    eva = client_for("eva")
    url = f"/samenwerking/gebieden/{District.objects.get(name='Noord').pk}/"
    before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        split = _split(eva.get(url))
    assert AccessLog.objects.count() > before  # the page wrote the access log
    assert split["queries"] == len(queries)
    assert split["template_ms"] > 0
    assert split["access_log_ms"] > 0
    assert split["sql_ms"] > 0 and split["slowest_sql_ms"] > 0
    assert split["slowest_sql"].startswith(("SELECT", "INSERT", "UPDATE", "WITH"))
    assert split["slowest_sql_ms"] <= split["sql_ms"]
    parts = sum(split[p] for p in ("sql_ms", "template_ms", "access_log_ms", "python_ms"))
    assert parts == pytest.approx(split["total_ms"], abs=0.05)


@override_settings(MIDDLEWARE=PROFILED)
def test_an_api_answer_has_no_template_time(api_for):
    pk = District.objects.get(name="Noord").pk
    split = _split(api_for("noor").get(f"/api/v1/districts/{pk}/analysis/"))
    assert split["template_ms"] == 0
    assert split["access_log_ms"] > 0
    assert split["queries"] > 0


def test_the_table_reports_the_split_of_the_median_request():
    def header(total):
        value = json.dumps({"total_ms": total, "sql_ms": 1.0, "queries": 3})
        return {HEADER: value}

    assert read_profile(header(5.0))["total_ms"] == 5.0
    assert read_profile({HEADER: "not json"}) is None
    assert read_profile({}) is None and read_profile(None) is None
    profiles = [(30.0, {"id": "slow"}), (10.0, {"id": "fast"}), (20.0, {"id": "mid"})]
    assert median_profile(profiles) == {"id": "mid"}
    assert median_profile([(10.0, None)]) is None
    split = {"sql_ms": 12.34, "queries": 7, "python_ms": 3.0, "template_ms": 4.0}
    assert _profile_cells({**split, "access_log_ms": 1.25}) == ["12.3 (7)", "3.0", "4.0", "1.2"]
    assert _profile_cells(None) == ["—"] * 4
