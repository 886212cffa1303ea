"""The runner measures a live server and reports a view that is not built (404) as not
available instead of failing the run."""

import uuid
from urllib.parse import urlparse

from django.urls import resolve

from bench.run import (
    NOT_AVAILABLE,
    TARGETS,
    Bench,
    Plan,
    Target,
    _new_signal,
    _percentile,
    count_queries,
)
from partners.demo import load_demo_world

PLAN = Plan(sequential=5, concurrent=6, concurrency=2, warmup=1, max_seconds=5, floor_runs=2)


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert _percentile(values, 50) == 50
    assert _percentile(values, 95) == 95
    assert _percentile([7.0], 95) == 7


def test_every_target_path_is_a_real_url():
    """A renamed URL must not silently turn a target into "not available"."""
    context = {key: uuid.uuid4() for key in ("team_signal", "corporation_signal", "case")}
    context["noord_district"] = 1
    for target in TARGETS:
        path = urlparse(target.path(context)).path
        assert resolve(path), target.name
    assert resolve("/api/v1/signals/import/").url_name == "signal-import-csv"


def test_available_and_missing_targets(transactional_db, live_server):
    load_demo_world()
    bench = Bench(urlparse(live_server.url).port, PLAN, {"run_id": "t"}, "", workers=1)

    health = bench.measure(Target("healthz", "GET", lambda c: "/healthz", None))
    assert (health.status, health.http_status, health.requests) == ("info", 200, 5)
    assert 0 < health.p50_ms <= health.p95_ms
    assert health.rps > 0

    # A page behind the login (session via the login form) that does not exist.
    page = bench.measure(Target("ontbreekt", "GET", lambda c: "/bestaat-niet/", "noor", api=False))
    assert (page.status, page.http_status, page.p50_ms) == (NOT_AVAILABLE, 404, None)

    # An API endpoint with a token that does not exist.
    api = bench.measure(Target("ontbreekt", "GET", lambda c: "/api/v1/bestaat-niet/", "anna"))
    assert api.status == NOT_AVAILABLE

    # A redirect (anna is no administrator) is measured like any other answer.
    admin_page = bench.measure(Target("beheer", "GET", lambda c: "/beheer/", "anna", api=False))
    assert (admin_page.status, admin_page.http_status) == ("info", 302)

    # A write with a JSON body on an endpoint that does not exist.
    create = bench.measure(
        Target("melden", "POST", lambda c: "/api/v1/bestaat-niet/", "anna", body=_new_signal)
    )
    assert create.status == NOT_AVAILABLE

    # Queries per request are counted in-process.
    assert count_queries(Target("healthz", "GET", lambda c: "/healthz", None), {}, 1) == 1
