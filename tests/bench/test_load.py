"""The mixed-load run: virtual users of every role against a live server on a tiny
generated database, and the figures (percentiles, errors, saturation) it reports."""

from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from bench.__main__ import parse_args
from bench.generate import SCALES, populate
from bench.load import (
    MIX,
    Sample,
    VirtualUser,
    actions_for,
    bottleneck,
    choose_users,
    measure_load,
    parse_users,
    role_counts,
    saturation,
    summarize,
)
from signals.models import Signal
from tests.helpers import database_url

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_summary_has_rate_errors_and_nearest_rank_percentiles_per_kind():
    samples = [Sample("lijst", float(ms), True) for ms in range(1, 101)]
    samples += [Sample("detail", 5.0, True), Sample("detail", 7.0, True)]
    samples += [Sample("detail", 900.0, False, "HTTP 500"), Sample("lijst", 1.0, False, "HTTP 502")]
    summary = summarize(samples, seconds=4.0)

    assert (summary["requests"], summary["errors"], summary["rps"]) == (104, 2, 26.0)
    lijst = summary["kinds"]["lijst"]
    assert (lijst["requests"], lijst["errors"], lijst["rps"]) == (101, 1, 25.25)
    assert (lijst["p50_ms"], lijst["p95_ms"], lijst["p99_ms"]) == (50.0, 95.0, 99.0)
    # A failed request counts as an error, never as a latency.
    detail = summary["kinds"]["detail"]
    assert (detail["requests"], detail["errors"]) == (3, 1)
    assert (detail["p50_ms"], detail["p95_ms"], detail["p99_ms"]) == (5.0, 7.0, 7.0)
    assert summary["p99_ms"] == 99.0  # over all kinds, successes only
    assert summary["error_notes"] == {"detail: HTTP 500": 1, "lijst: HTTP 502": 1}

    only_errors = summarize([Sample("x", 3.0, False, "ConnectionError")], seconds=1.0)
    assert only_errors["kinds"]["x"]["p50_ms"] is None
    assert only_errors["errors"] == 1


def _run(users, rps, **sampled):
    return {"users": users, "rps": rps, "sampled": sampled}


def test_saturation_is_where_doubling_the_users_adds_less_than_ten_percent():
    quiet = {"cpu_cores": 0.5, "machine_busy": 0.3, "lock_waits_avg": 0.0}
    runs = [
        _run(32, 160.0, cpu_cores=1.9, machine_busy=0.97, lock_waits_avg=0.2),
        _run(8, 100.0, **quiet),
        _run(16, 150.0, **quiet),
    ]
    found = saturation(runs, cores=2, workers=4)
    assert (found["users"], found["next_users"], found["reason"]) == (16, 32, "cpu")
    assert found["gain"] == pytest.approx(160 / 150 - 1, abs=1e-3)

    # Growing 10 % or more at every step: not saturated.
    growing = [_run(8, 100.0), _run(16, 110.0), _run(32, 125.0)]
    assert saturation(growing, cores=2, workers=4)["users"] is None
    # Less throughput with more users is saturated too (at the first step already).
    falling = [_run(8, 100.0, **quiet), _run(16, 80.0, **quiet), _run(32, 200.0)]
    assert saturation(falling, cores=2, workers=4)["users"] == 8


def test_bottleneck_names_cpu_lock_or_connections():
    cpu = bottleneck({"cpu_cores": 1.7, "machine_busy": 0.5}, cores=2, workers=4, users=16)
    assert cpu[0] == "cpu"
    # The whole machine busy (other work) counts as CPU even if ours is less.
    assert bottleneck({"cpu_cores": 0.9, "machine_busy": 0.95}, 2, 4, 16)[0] == "cpu"
    lock = bottleneck(
        {"cpu_cores": 0.8, "machine_busy": 0.5, "lock_waits_avg": 1.5, "chain_head_waits_avg": 1.2},
        cores=2,
        workers=4,
        users=16,
    )
    assert lock[0] == "lock" and "ketenkop 1.20" in lock[1]
    connections = bottleneck(
        {"cpu_cores": 0.8, "machine_busy": 0.5, "lock_waits_avg": 0.1, "max_connections": 100},
        cores=2,
        workers=4,
        users=16,
    )
    assert connections[0] == "connections" and "16 gebruikers op 4 sync workers" in connections[1]


def test_role_counts_and_user_list_option():
    assert role_counts(2) == {"corporatie": 1, "team": 1, "coördinator": 0}
    assert role_counts(8) == {"corporatie": 3, "team": 4, "coördinator": 1}
    assert role_counts(32) == {"corporatie": 12, "team": 19, "coördinator": 1}
    assert parse_users("32,8,16") == [8, 16, 32]
    for wrong in ("", "0,8", "acht"):
        with pytest.raises(ValueError):
            parse_users(wrong)


def test_load_options():
    args = parse_args(["--load", "--load-users", "4,2", "--load-seconds", "3", "--workers", "2"])
    assert (args.load, args.load_users, args.load_seconds, args.workers) == (True, [2, 4], 3.0, 2)
    default = parse_args(["--scale", "small", "--no-generate", "--load"])
    assert (default.load_users, default.load_seconds, default.workers) == ([8, 16, 32], 30.0, 4)
    assert parse_args([]).load is False
    for wrong in (["--load", "--only", "healthz"], ["--load-users", "0"], ["--load-seconds", "0"]):
        with pytest.raises(SystemExit):
            parse_args(wrong)


def test_a_user_without_cases_or_signals_gets_no_requests_for_them():
    bare = VirtualUser("bench00001", "team", 1)
    kinds = {a.kind for a in actions_for(bare)}
    assert "casus (pagina)" not in kinds and "signaal detail API (team)" not in kinds
    assert "werkbak team (pagina)" in kinds
    assert bare.password == "wijkportaal-bench"
    assert VirtualUser("anna", "corporatie").password == "wijkportaal-demo"
    corporation = {a.kind for a in actions_for(VirtualUser("x", "corporatie"))}
    assert "signaal melden API" not in corporation  # no postcode to file on


@pytest.fixture
def tiny_world(transactional_db):
    counts = populate(SCALES["tiny"], now=NOW, fast=False)
    return counts


def test_choose_users_mixes_demo_and_generated_users_of_every_role(tiny_world):
    users = choose_users(8)
    by_role = {role: [u for u in users if u.role == role] for role in MIX}
    assert [len(by_role[r]) for r in ("corporatie", "team", "coördinator")] == [3, 4, 1]
    assert by_role["corporatie"][0].username == "anna"
    assert by_role["team"][0].username == "noor"
    assert by_role["coördinator"][0].username == "eva"
    assert any(u.username.startswith("bench") for u in by_role["team"])
    assert len({u.username for u in users}) == 8
    # Generated team members come from different teams.
    assert len({u.organisation for u in by_role["team"][1:]}) == 3
    noor = by_role["team"][0]
    assert noor.cases and noor.signals
    assert by_role["corporatie"][0].postcodes and by_role["corporatie"][0].signals
    # A smaller N is a prefix per role of a larger one.
    assert [u.username for u in choose_users(4) if u.role == "team"] == [
        u.username for u in by_role["team"][:2]
    ]


def test_load_run_against_a_live_server(tiny_world, live_server):
    port = urlparse(live_server.url).port
    load = measure_load(port, database_url(), [2], seconds=2.5, workers=1, warmup=0)

    (run,) = load["runs"]
    assert run["users"] == 2 and run["usernames"] == ["anna", "noor"]
    assert run["requests"] > 0 and run["rps"] > 0
    assert run["errors"] == 0, run["error_notes"]
    assert run["kinds"]
    corporation = {a.kind for a in MIX["corporatie"]}
    team = {a.kind for a in MIX["team"]}
    assert set(run["kinds"]) <= corporation | team
    assert set(run["kinds"]) & corporation and set(run["kinds"]) & team
    for figures in run["kinds"].values():
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert sum(f["requests"] for f in run["kinds"].values()) == run["requests"]
    sampled = run["sampled"]
    assert sampled["samples"] >= 2 and sampled["max_connections"] > 0
    assert sampled["connections_max"] >= 1  # the live server's connection to the database
    assert load["saturation"]["users"] is None  # one N: nothing to compare
    if "signaal melden API" in run["kinds"]:
        filed = Signal.objects.filter(external_reference__startswith=f"LOAD-{load['run_id']}-2-")
        assert filed.count() == run["kinds"]["signaal melden API"]["requests"]


def test_sampler_counts_only_the_named_servers_connections(transactional_db):
    import time

    import psycopg2

    from bench.load import Sampler

    url = database_url()
    server = psycopg2.connect(url, application_name="wp-bench-load-test")
    try:
        figures = {}
        for name in ("wp-bench-load-test", "een-andere-server", None):
            with Sampler(url, None, interval=0.1, application_name=name) as sampler:
                time.sleep(0.3)
            figures[name] = sampler.summary()
    finally:
        server.close()
    assert figures["wp-bench-load-test"]["connections_max"] == 1
    assert figures["een-andere-server"]["connections_max"] == 0
    assert figures[None]["connections_max"] >= 1
    assert figures[None]["samples"] >= 3 and figures[None]["max_connections"] > 0
