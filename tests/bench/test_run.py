"""The runner measures a live server and reports a view that is not built (404) as not
available instead of failing the run."""

import uuid
from urllib.parse import urlparse

import pytest
from django.urls import resolve

from bench import run
from bench.run import (
    NOT_AVAILABLE,
    SWEEP_NAME,
    TARGETS,
    Bench,
    Plan,
    Target,
    _new_signal,
    _percentile,
    count_queries,
    parse_only,
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


def test_only_chooses_targets_by_name_also_names_with_a_comma():
    assert parse_only(None) is None
    assert parse_only(["wijkpagina (pagina),gebiedsanalyse API"]) == {
        "wijkpagina (pagina)",
        "gebiedsanalyse API",
    }
    assert parse_only(["signalen API (team, status=received),healthz", SWEEP_NAME]) == {
        "signalen API (team, status=received)",
        "healthz",
        SWEEP_NAME,
    }
    with pytest.raises(ValueError, match="Onbekend doel: 'wijkpagina'"):
        parse_only(["healthz,wijkpagina"])


class _Server:
    """Stands in for gunicorn: the live server answers, this records the stop."""

    stopped = False

    def terminate(self):
        self.stopped = True

    def wait(self, timeout=None):
        return 0


def test_measure_all_skips_targets_not_chosen(transactional_db, live_server, monkeypatch):
    """`--only healthz`: one target measured, no import, no sweep, the server stopped."""
    load_demo_world()
    port = urlparse(live_server.url).port
    server = _Server()
    monkeypatch.setattr(run, "free_port", lambda: port)
    monkeypatch.setattr(run, "start_server", lambda env, port, workers: server)
    monkeypatch.setattr(run, "measure_sweep", lambda *a: pytest.fail("sweep not chosen"))
    monkeypatch.setattr(run, "measure_import", lambda *a: pytest.fail("import not chosen"))
    results = run.measure_all({}, PLAN, {"run_id": "t"}, "", 1, only={"healthz"})
    assert [(r.name, r.status) for r in results] == [("healthz", "info")]
    assert server.stopped  # the server is stopped after measuring
