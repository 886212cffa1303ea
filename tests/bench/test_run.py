"""The runner measures a live server and reports a view that is not built (404) as not
available instead of failing the run."""

import json
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
    Result,
    Target,
    _new_signal,
    _percentile,
    floor_time,
    judge,
    parse_only,
    print_table,
    report_results,
    request_queries,
    request_statements,
    summary_line,
)
from partners.demo import load_demo_world
from privacy.models import AccessLog
from tests.helpers import database_url

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
    names = set()
    for target in TARGETS:
        path = urlparse(target.path(context)).path
        match = resolve(path)
        assert match, target.name
        names.add(":".join(filter(None, [match.namespace, match.url_name])))
    assert resolve("/api/v1/signals/import/").url_name == "signal-import-csv"
    # Every page users work in has a target (issue 20): lists, triage, notifications.
    assert names >= {
        "cases:tray",
        "cases:triage",
        "cases:list",
        "cases:mine",
        "cases:detail",
        "case-list",
        "case-detail",
        "signals:list",
        "signals:detail",
        "signals:new",
        "signal-list",
        "signal-detail",
        "notifications:list",
        "notification-list",
        "partners:dashboard",
    }


def test_goals_follow_design_section_6():
    """Pages and lists p95 <= 100 ms, the tray 50, signal create 50, the dashboard 250;
    every list with a floor may cost at most 20 times it."""
    goals = {t.name: t.goal_ms for t in TARGETS}
    assert goals["werkbak team (pagina)"] == 50
    assert goals["signaal melden API"] == 50
    assert goals["coördinatordashboard (pagina)"] == 250
    pages = [t for t in TARGETS if t.method == "GET" and t.user and t.name != "API-schema"]
    assert {t.goal_ms for t in pages} <= {50, 100, 250}
    lists = [t for t in TARGETS if t.max_ratio is not None]
    assert len(lists) >= 12 and all(t.floor and t.max_ratio == 20 for t in lists)


def test_available_and_missing_targets(transactional_db, live_server):
    load_demo_world()
    bench = Bench(urlparse(live_server.url).port, PLAN, {"run_id": "t"}, database_url(), 1)

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

    # A list's floor holds its request's token lookup, memberships and access-log row, and
    # its ratio is taken against the whole floor.
    inbox = bench.measure(
        Target(
            "meldingen",
            "GET",
            lambda c: "/api/v1/notifications/",
            "noor",
            floor=lambda c: [("SELECT 1", {})],
            max_ratio=20,
        )
    )
    assert inbox.queries >= 3 and inbox.extra["floor_request_statements"] == 3
    assert 0 < inbox.extra["floor_request_ms"] < inbox.floor_p50_ms
    assert inbox.ratio == inbox.p50_ms / inbox.floor_p50_ms

    # A request's SQL is taken in-process.
    assert request_queries(Target("healthz", "GET", lambda c: "/healthz", None), {}, 1) == [
        "SELECT 1"
    ]


def _result(name, p95, goal, ratio=None, max_ratio=None) -> Result:
    result = Result(name, "GET", "/", "noor", goal_ms=goal, max_ratio=max_ratio)
    result.p50_ms, result.p95_ms, result.ratio = p95 / 2, p95, ratio
    judge(result)
    return result


def test_verdict_needs_p95_at_or_under_the_goal_and_a_list_within_its_ratio():
    assert (_result("a", 100.0, 100).status, _result("a", 100.0, 100).margin_pct) == ("PASS", 0)
    over = _result("b", 100.1, 100)
    assert (over.status, over.note, over.margin_pct) == ("FAIL", "p95 > 100 ms", -0.1)
    assert _result("c", 60.0, 100, ratio=20.0, max_ratio=20).status == "PASS"
    slow_list = _result("d", 60.0, 100, ratio=20.5, max_ratio=20)
    assert (slow_list.status, slow_list.note, slow_list.margin_pct) == ("FAIL", "ratio > 20", 40)
    both = _result("e", 120.0, 100, ratio=30.0, max_ratio=20)
    assert both.note == "p95 > 100 ms; ratio > 20"
    info = _result("f", 500.0, None, ratio=99.0)
    assert (info.status, info.margin_pct) == ("info", None)


def test_table_and_json_show_the_same_margins_and_summary(capsys):
    results = [
        _result("ruim", 40.0, 50),  # 20 % margin: counts
        _result("krap", 80.4, 100),  # 19.6 %: passes, without margin (shown as 19.6 %)
        _result("traag", 150.0, 100),
        _result("lijst", 10.0, 100, ratio=40.0, max_ratio=20),
        _result("zonder norm", 10.0, None),
        Result("ontbreekt", "GET", "/x/", "anna", status=NOT_AVAILABLE, goal_ms=100),
    ]
    print_table(results)
    out = capsys.readouterr().out
    report = json.loads(json.dumps(report_results(results), default=str))
    margins = {r["name"]: r["margin_pct"] for r in report["results"]}
    assert margins == {
        "ruim": 20,
        "krap": 19.6,
        "traag": -50,
        "lijst": 90,
        "zonder norm": None,
        "ontbreekt": None,
    }
    header, _rule, *rows = out.split("\n\n")[0].splitlines()
    columns = header.split()
    assert "marge" in columns and "max" in columns
    for row in rows:
        name = next(n for n in margins if row.startswith(n + " "))
        expected = "—" if margins[name] is None else f"{margins[name]:.1f} %"
        assert f"  {expected}  " in row, row
    assert "FAIL (ratio > 20)" in out and "FAIL (p95 > 100 ms)" in out
    assert report["summary"] == {
        "with_goal": 5,
        "pass": 2,
        "fail": 2,
        "not_measured": 1,
        "margin_pct": 20.0,
        "pass_with_margin": 1,
        "short_of_margin": ["krap", "traag", "lijst", "ontbreekt"],
    }
    assert out.rstrip().splitlines()[-1] == summary_line(report["summary"])
    assert summary_line(report["summary"]).startswith(
        "1 van 5 doelen met een norm halen die met ≥ 20 % marge (2 PASS, 2 FAIL, 1 niet gemeten)"
    )


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


def test_the_tray_floor_reads_what_the_tray_shows(db):
    """The floor of the work tray is everything the page shows: the same first page in
    the same order, the same filter counts, the same conversations and teams."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from cases import selectors
    from cases.models import Case
    from tests.helpers import case_for, signal

    load_demo_world()
    today = timezone.localdate()
    for number, (days, urgency, kind) in enumerate(
        [(0, "normal", "nuisance"), (0, "urgent", "rent_arrears"), (-2, "normal", "other")] * 3
    ):
        signal(
            house_number=number + 1,
            kind=kind,
            urgency=urgency,
            triage_deadline=today + timedelta(days=days),
            is_multiple=number % 4 == 0,
        )
    accepted = case_for(signal(house_number=40, kind="rent_arrears"))
    Case.objects.filter(pk=accepted.pk).update(first_conversation_due=today)
    context = run.build_context("t")
    noor = get_user_model().objects.get(username="noor")
    page, grouped, conversations, teams = run._tray_floor(context)

    def rows(statement):
        with connection.cursor() as cursor:
            cursor.execute(*statement)
            return cursor.fetchall()

    shown = selectors.work_tray(noor, context["noord"], selectors.TrayFilters(), today)
    shown_ids = [s.pk for s in shown[: run.TRAY_PAGE_SIZE]]
    assert shown_ids and [row[0] for row in rows(page)] == shown_ids

    counts = selectors.tray_counts(noor, context["noord"], today)
    per_district = rows(grouped)
    assert sum(row[2] for row in per_district) == counts["total"]
    assert sum(row[3] for row in per_district) == counts["overdue"]
    assert sum(row[5] for row in per_district) == counts["multiple"]
    expected = [counts["kind"][k] for k in counts["kind"]] + [
        counts["urgency"][u] for u in counts["urgency"]
    ]
    assert [sum(row[6 + i] for row in per_district) for i in range(len(expected))] == expected

    due = selectors.conversations_due(noor, context["noord"])[: run.CONVERSATIONS_SHOWN]
    assert [row[0] for row in rows(conversations)] == [c.pk for c in due] == [accepted.pk]
    assert [row[0] for row in rows(teams)] == [t.pk for t in selectors.user_teams(noor)]


def test_the_floor_holds_the_statements_every_signed_in_request_of_the_page_runs(
    transactional_db,
):
    """The floor of a page is its data plus what the same request cannot do without: who is
    asking (token, or session and user), the memberships the policy starts from and the
    access-log row of the read. They are taken from the page's own SQL, and timing them
    leaves no access-log row behind."""
    load_demo_world()
    notifications = Target("n", "GET", lambda c: "/api/v1/notifications/", "noor")
    page = Target("p", "GET", lambda c: "/meldingen/", "noor", api=False)
    dashboard = Target("d", "GET", lambda c: "/samenwerking/dashboard/", "eva", api=False)
    healthz = Target("h", "GET", lambda c: "/healthz", None)

    def kinds(target):
        return [sql.split('"')[1] for sql in request_statements(request_queries(target, {}, 1))]

    assert kinds(notifications) == ["privacy_apitoken", "partners_membership", "privacy_accesslog"]
    assert kinds(page) == [
        "django_session",
        "auth_user",
        "partners_membership",
        "privacy_accesslog",
    ]
    # An aggregate logs no read, and an anonymous request asks nobody's rows.
    assert kinds(dashboard) == ["django_session", "auth_user", "partners_membership"]
    assert kinds(healthz) == []

    logged = AccessLog.objects.count()
    request = request_statements(request_queries(notifications, {}, 1))
    assert AccessLog.objects.count() == logged + 1  # the request itself
    total, request_ms = floor_time(database_url(), [("SELECT 1", {})], PLAN, request)
    assert 0 < request_ms < total
    assert AccessLog.objects.count() == logged + 1  # the floor's replayed rows rolled back
