"""The benchmark generator stays in step with the models and the services' rules: a tiny
dataset is loaded (with foreign-key checks on) and checked for counts, permission rows,
routing, deadlines and lifecycle consistency."""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from bench.generate import SCALES, populate
from cases.models import Case, CaseSignal
from partners.models import Organisation
from partners.routing import route
from privacy.models import CaseGroupObjectPermission, SignalGroupObjectPermission
from signals.deadlines import deadlines
from signals.intake import agreed_terms
from signals.models import ReferenceCounter, Signal

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
