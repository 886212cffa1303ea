"""The benchmark generator stays in step with the models and the services' rules: a tiny
dataset is loaded (with foreign-key checks on) and checked for counts, permission rows,
routing, deadlines and lifecycle consistency."""

import math
import random
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from bench.generate import SCALES, populate
from bench.run import TARGETS, build_context
from cases.models import Case, CaseSignal
from cases.selectors import (
    all_case_list,
    my_case_list,
    other_household_signals,
    reroute_team_choices,
    state_counts,
    team_case_list,
)
from notifications.models import Reminder
from notifications.selectors import inbox
from partners.models import Organisation
from partners.routing import route
from privacy.models import CaseGroupObjectPermission, SignalGroupObjectPermission
from privacy.policy import team_cases, visible_cases
from signals import tally
from signals.deadlines import deadlines
from signals.intake import agreed_terms
from signals.models import ReferenceCounter, Signal
from signals.selectors import signal_list

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TINY = SCALES["tiny"]


@pytest.fixture
def tiny(db):
    counts = populate(TINY, now=NOW, fast=False)
    connection.check_constraints()  # deferred foreign keys hold
    return counts


def scalar(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_counts_match_the_scale(tiny):
    assert Signal.objects.count() == TINY.signals == tiny["signals"]
    assert Case.objects.count() == tiny["cases"] > 0.1 * TINY.signals
    assert Organisation.objects.count() == TINY.organisations + 6  # plus the demo world
    assert tiny["access_log"] >= TINY.signals
    assert tiny["complex_addresses"] > 0
    # References continue gap-free from the counters.
    for counter in ReferenceCounter.objects.filter(prefix="SIG"):
        assert (
            Signal.objects.filter(reference__startswith=f"SIG-{counter.year}-").count()
            == counter.last_number
        )


@pytest.mark.parametrize("fast", [False, True])
def test_the_signal_tally_adds_up_to_the_generated_signals(db, fast):
    """Loaded fast, without triggers, the tally is counted at the end all the same."""
    populate(TINY, now=NOW, fast=fast)
    teams = set(Signal.objects.values_list("team_id", flat=True))
    by = ("team_id", "month", "district_id", "kind", "outcome", "status")
    first, until = date(2000, 1, 1), date(2100, 1, 1)
    kept = tally.counts(teams, first, until, by)
    assert sum(row[-1] for row in kept) == Signal.objects.count() == TINY.signals
    assert sorted(kept, key=repr) == sorted(tally.live_counts(teams, first, until, by), key=repr)


def test_every_signal_and_case_has_the_group_permissions_of_the_policy(tiny):
    missing = """
        SELECT count(*) FROM signals_signal s
        JOIN partners_organisation o ON o.id = s.{column}
        WHERE NOT EXISTS (
            SELECT 1 FROM privacy_signalgroupobjectpermission p
            JOIN auth_permission perm ON perm.id = p.permission_id
            WHERE p.content_object_id = s.id AND p.group_id = o.group_id
              AND perm.codename = %s)
    """
    assert scalar(missing.format(column="organisation_id"), ["view_signal"]) == 0
    assert scalar(missing.format(column="team_id"), ["view_signal"]) == 0
    assert scalar(missing.format(column="team_id"), ["triage_signal"]) == 0
    assert SignalGroupObjectPermission.objects.count() == 3 * TINY.signals
    assert CaseGroupObjectPermission.objects.count() == 2 * tiny["cases"]
    assert (
        scalar(
            """SELECT count(*) FROM cases_case c JOIN partners_organisation o ON o.id = c.team_id
               WHERE (SELECT count(*) FROM privacy_casegroupobjectpermission p
                      WHERE p.content_object_id = c.id AND p.group_id = o.group_id) <> 2"""
        )
        == 0
    )


def test_routing_and_deadlines_follow_the_services(tiny):
    sample = random.Random(1).sample(list(Signal.objects.filter(erased_at__isnull=True)), 150)
    for signal in sample:
        routing = route(signal.postcode)
        assert (routing.team.pk, getattr(routing.district, "pk", None)) == (
            signal.team_id,
            signal.district_id,
        )
        terms = agreed_terms(
            signal.organisation_id, routing.municipality.pk, signal.kind, signal.filed_at.date()
        )
        assert deadlines(signal.filed_at, terms.triage_days, terms.feedback_days) == (
            signal.triage_deadline,
            signal.feedback_deadline,
        )
        assert signal.filed_at <= NOW


def test_lifecycle_is_consistent(tiny):
    statuses = set(Signal.objects.values_list("status", flat=True))
    assert statuses == {"received", "accepted", "declined", "closed"}
    # Overdue received signals exist, and received ones were never triaged.
    assert Signal.objects.filter(status="received", triage_deadline__lt=NOW.date()).exists()
    assert not Signal.objects.filter(status="received", triaged_at__isnull=False).exists()
    # Every accepted signal is in an open case; every signal of a closed case is closed.
    assert not Signal.objects.filter(status="accepted", case_link__isnull=True).exists()
    assert not Signal.objects.filter(status="accepted", case_link__case__state="closed").exists()
    assert (
        not CaseSignal.objects.filter(case__state="closed")
        .exclude(signal__status="closed")
        .exists()
    )
    assert not Signal.objects.filter(status="declined", decline_reason_category="").exists()
    # Erased signals keep no personal data; signals in a case are never erased here.
    assert not Signal.objects.filter(erased_at__isnull=False).exclude(postcode="").exists()
    assert not Signal.objects.filter(erased_at__isnull=False, case_link__isnull=False).exists()
    # Skew: some household has several signals.
    assert (
        scalar(
            """SELECT max(n) FROM (SELECT count(*) n FROM signals_signal
               WHERE household_key <> '' GROUP BY household_key) t"""
        )
        >= 5
    )


def _floor_rows(name: str, context: dict) -> list[list]:
    """Every statement of a target's floor, run on the test database: its rows each."""
    target = next(t for t in TARGETS if t.name == name)
    found = []
    with connection.cursor() as cursor:
        for sql, params in target.floor(context):
            cursor.execute(sql, params)
            found.append(cursor.fetchall())
    return found


def test_the_benchmark_finds_its_objects_and_the_floors_return_the_pages_rows(tiny):
    """`build_context` names objects that exist for the demo users at any scale, and each
    list floor returns the rows and counts its page shows."""
    context = build_context("t")
    noor = get_user_model().objects.get(username="noor")
    noord = Organisation.objects.get(name="Wijkteam Noord")
    assert context["noor_user"] == noor.pk and context["noord"] == noord.pk
    assert Signal.objects.filter(pk=context["team_signal"], team=noord, status="received")
    assert Case.objects.filter(pk=context["case"], team=noord).exclude(state="closed")
    # Noor works a share of her team's open cases and has notifications, as in service.
    mine = Case.objects.filter(assignee=noor).exclude(state="closed")
    assert mine.count() >= math.ceil(noord.cases.exclude(state="closed").count() / 20) >= 1
    assert Reminder.objects.filter(recipient=noor, kind="case_assigned").count() >= mine.count()
    assert Reminder.objects.filter(recipient=noor, kind="triage_overdue").exists()
    assert not Reminder.objects.filter(email_wanted=True, email_sent_at__isnull=True).exists()

    def ids(rows):
        return [row[0] for row in rows]

    for name, cases, per_page in [
        ("casussen (pagina, team)", team_case_list(noor, noord.pk), 50),
        ("mijn casussen (pagina)", my_case_list(noor), 50),
        ("casussen API (team)", all_case_list(noor, ""), 25),
    ]:
        rows, (count,), *closed = _floor_rows(name, context)
        assert rows and ids(rows) == [c.pk for c in cases[:per_page]], name
        assert count == (cases.count(),), name
        if closed:  # the pages say how many closed cases the open view leaves out
            mine_only = visible_cases(noor).filter(assignee=noor)
            base = team_cases(noor, noord.pk) if name.startswith("casussen") else mine_only
            assert closed == [[(state_counts(base).get("closed", 0),)]], name
    for name in ("meldingen (pagina)", "meldingen API"):
        rows, (count,) = _floor_rows(name, context)
        assert rows and ids(rows) == [r.pk for r in inbox(noor)[:25]]
        assert count == (inbox(noor).count(),)
    signal, others, teams = _floor_rows("triage (pagina)", context)
    assert ids(signal) == [uuid.UUID(context["team_signal"])]
    triaged = Signal.objects.get(pk=context["team_signal"])
    assert ids(others) == [s.pk for s in other_household_signals(noor, triaged)]
    assert {row[1] for row in teams} == set(
        reroute_team_choices(triaged).values_list("name", flat=True)
    )
    # The tray's floor: tests/bench/test_run.py::test_the_tray_floor_reads_what_the_tray_shows
    for name in ("signalen (pagina, team)", "signalen API (team)"):
        _rows, (count,) = _floor_rows(name, context)
        assert count == (signal_list(noor).count(),), name
