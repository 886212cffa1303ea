"""Retention: boundaries, dry run, and the anonymous record keeping dashboards right."""

from datetime import timedelta

from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case, CaseEvent
from privacy import retention
from privacy.models import RetentionRun
from signals.models import Signal
from tests import helpers


def erased(obj) -> bool:
    obj.refresh_from_db()
    return obj.erased_at is not None


def test_declined_signal_boundary(demo, settings):
    now = timezone.now()
    days = settings.RETENTION_SIGNAL_DAYS
    young = helpers.decline(helpers.signal(house_number=1), days - 1, now)
    old = helpers.decline(helpers.signal(house_number=2), days + 1, now)
    run = retention.apply_retention(now)
    assert run.signals_erased == 1
    assert not erased(young)
    assert erased(old)
    assert old.postcode == "" and old.house_number is None and old.household_key == ""
    assert old.description == "" and old.decline_reason == "" and old.external_reference is None
    assert old.kind == "nuisance" and old.status == "declined" and old.team_id == young.team_id


def test_closed_case_boundary_includes_its_signals_and_notes(demo, settings):
    now = timezone.now()
    days = settings.RETENTION_CASE_DAYS
    young_signal = helpers.signal(house_number=3)
    young = helpers.case_for(young_signal, closed_days_ago=days - 1, now=now)
    old_signal = helpers.signal(house_number=4, kind="rent_arrears")
    old = helpers.case_for(old_signal, closed_days_ago=days + 1, now=now)
    run = retention.apply_retention(now)
    assert (run.cases_erased, run.case_signals_erased, run.signals_erased) == (1, 1, 0)
    assert not erased(young) and not erased(young_signal)
    assert erased(old) and erased(old_signal)
    assert old.household_key == "" and old.postcode == "" and old.outcome == "help_accepted"
    assert old_signal.arrears_amount is None and old_signal.arrears_months is None
    assert not CaseEvent.objects.filter(case=old).exclude(text="").exists()
    assert CaseEvent.objects.filter(case=young, text="Gesprek met mevrouw").exists()


def test_open_case_and_accepted_signal_are_kept(demo):
    sig = helpers.signal(house_number=6)
    case = helpers.case_for(sig)
    retention.apply_retention(timezone.now() + timedelta(days=3000))
    assert not erased(case) and not erased(sig)


def test_dry_run_changes_nothing(demo, settings, capsys):
    now = timezone.now()
    helpers.decline(helpers.signal(house_number=7), settings.RETENTION_SIGNAL_DAYS + 5, now)
    helpers.case_for(
        helpers.signal(house_number=8), closed_days_ago=settings.RETENTION_CASE_DAYS + 5, now=now
    )
    before = list(Signal.objects.order_by("pk").values())
    call_command("apply_retention", "--dry-run")
    assert list(Signal.objects.order_by("pk").values()) == before
    assert not Case.objects.filter(erased_at__isnull=False).exists()
    out = capsys.readouterr().out
    assert "Signalen zonder casus zou wissen: 1" in out
    assert "Casussen zou wissen: 1" in out
    run = RetentionRun.objects.get()
    assert run.dry_run and run.signals_erased == 1 and run.cases_erased == 1


def test_command_with_now_and_second_run_erases_nothing_new(demo, settings, capsys):
    helpers.decline(helpers.signal(house_number=9), 1)
    later = (timezone.localtime() + timedelta(days=settings.RETENTION_SIGNAL_DAYS + 1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    call_command("apply_retention", "--now", later)
    call_command("apply_retention", "--now", later)
    assert list(RetentionRun.objects.order_by("id").values_list("signals_erased", flat=True)) == [
        1,
        0,
    ]


def dashboard_figures():
    """What the dashboards group by: kind/team/status/outcome per month."""
    signals = (
        Signal.objects.annotate(month=TruncMonth("filed_at"))
        .values("kind", "team_id", "district_id", "status", "outcome", "month")
        .annotate(n=Count("pk"))
        .order_by("kind", "team_id", "district_id", "status", "outcome", "month")
    )
    cases = (
        Case.objects.annotate(month=TruncMonth("closed_at"))
        .values("team_id", "state", "outcome", "month")
        .annotate(n=Count("pk"))
        .order_by("team_id", "state", "outcome", "month")
    )
    return list(signals), list(cases)


def test_dashboard_figures_identical_after_erasure(demo, settings):
    now = timezone.now()
    for number in range(10, 16):
        helpers.decline(helpers.signal(house_number=number), settings.RETENTION_SIGNAL_DAYS + 2)
    for number in range(20, 24):
        helpers.case_for(
            helpers.signal(postcode="1022 CD", house_number=number, by="bram"),
            closed_days_ago=settings.RETENTION_CASE_DAYS + 2,
            now=now,
        )
    helpers.signal(house_number=30)
    before = dashboard_figures()
    run = retention.apply_retention(now)
    assert run.signals_erased == 6 and run.cases_erased == 4
    assert dashboard_figures() == before


def test_retention_batches(demo, settings, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    for number in range(40, 45):
        helpers.decline(helpers.signal(house_number=number), settings.RETENTION_SIGNAL_DAYS + 2)
    run = retention.apply_retention()
    assert run.signals_erased == 5
    assert not Signal.objects.filter(erased_at__isnull=True, status="declined").exists()
