"""Triage and case-work services: merging, privacy of the filer, sharing, history, logs."""

import threading
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, CaseSignal
from privacy import policy
from privacy.models import AccessLog, CaseUserObjectPermission
from signals.models import Signal

# What differs between any two signals by nature, not by triage.
PER_SIGNAL = {"id", "reference", "house_number", "household_key", "filed_at", "triaged_at"}
PER_SIGNAL |= {"updated_at", "triage_deadline", "feedback_deadline"}


def filer_view(signal) -> dict:
    """Every stored field of the signal, as far as it could ever reach the filer."""
    signal = Signal.objects.get(pk=signal.pk)
    data = model_to_dict(signal)
    return {key: value for key, value in data.items() if key not in PER_SIGNAL}


def test_new_case_and_merge_look_the_same_to_the_filer(file, user):
    noor = user("noor")
    # The earlier signal is the filer's own, so `is_multiple` (set at filing, not by
    # triage) is the same for both.
    existing = services.accept_signal(noor, file("anna", house_number=8))
    merged = file("anna", house_number=8)
    fresh = file("anna", house_number=9)
    before_mail = len(mail.outbox)

    merged_case = services.accept_signal(noor, merged)
    fresh_case = services.accept_signal(noor, fresh)

    assert merged_case.pk == existing.pk
    assert fresh_case.pk != existing.pk
    assert filer_view(merged) == filer_view(fresh)
    assert filer_view(merged)["status"] == "accepted"
    for signal in (merged, fresh):
        signal.refresh_from_db()
        assert signal.triaged_at is not None
        assert (signal.feedback_at, signal.closed_at, signal.outcome) == (None, None, "")
    assert len(mail.outbox) == before_mail  # no e-mail in either path


def test_merge_into_open_case_of_the_household(file, user):
    noor = user("noor")
    first = services.accept_signal(noor, file("anna", house_number=10))
    second = services.accept_signal(noor, file("bram", house_number=10))
    assert first.pk == second.pk
    assert first.reference.startswith(f"CAS-{timezone.localdate().year}-")
    assert CaseSignal.objects.filter(case=first).count() == 2
    assert list(CaseEvent.objects.filter(case=first).values_list("kind", flat=True)) == [
        "opened",
        "merged",
    ]


def test_closed_case_is_not_merged_into(file, user):
    noor, sara = user("noor"), user("sara")
    case = services.accept_signal(noor, file("anna", house_number=11))
    services.transition_case(sara, case, "in_progress")
    services.transition_case(sara, case, "closed", outcome="help_accepted")
    newer = services.accept_signal(noor, file("anna", house_number=11))
    assert newer.pk != case.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_for_one_household_make_one_case(file):
    signals = [file("anna", house_number=12), file("bram", house_number=12)]
    barrier = threading.Barrier(2)
    errors = []

    def accept(signal):
        try:
            noor = get_user_model().objects.get(username="noor")
            barrier.wait(timeout=10)
            services.accept_signal(noor, signal)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(s,)) for s in signals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Case.objects.filter(household_key=signals[0].household_key).count() == 1
    assert CaseSignal.objects.count() == 2


def test_accept_twice_is_refused(file, user):
    noor = user("noor")
    signal = file("anna", house_number=13)
    services.accept_signal(noor, signal)
    with pytest.raises(ValidationError, match="al getrieerd"):
        services.accept_signal(noor, signal)


def test_only_triage_lead_of_the_team_accepts(file, user):
    signal = file("anna", house_number=14)
    for name in ("sara", "omar", "anna"):
        with pytest.raises(PermissionDenied):
            services.accept_signal(user(name), signal)
    assert Case.objects.count() == 0


def test_decline(file, user):
    signal = file("anna", house_number=15)
    with pytest.raises(ValidationError) as exc:
        services.decline_signal(user("noor"), signal, " ", "no_support_needed")
    assert exc.value.message_dict == {"reason": ["Geef een toelichting."]}
    with pytest.raises(ValidationError) as exc:
        services.decline_signal(user("noor"), signal, "Geen vraag", "nonsense")
    assert "reason_category" in exc.value.message_dict
    services.decline_signal(user("noor"), signal, "Geen vraag", "no_support_needed")
    signal.refresh_from_db()
    assert (signal.status, signal.decline_reason_category, signal.decline_reason) == (
        "declined",
        "no_support_needed",
        "Geen vraag",
    )
    assert signal.feedback_at is not None
    assert Case.objects.count() == 0


def test_reroute_moves_access_and_logs(file, user):
    noor, omar = user("noor"), user("omar")
    signal = file("anna", house_number=16)
    zuid = omar.memberships.get().organisation
    services.reroute_signal(noor, signal, zuid, "Hoort bij Zuid")
    signal.refresh_from_db()
    assert signal.team == zuid
    assert not policy.visible_signals(user("noor")).filter(pk=signal.pk).exists()
    assert policy.visible_signals(user("omar")).filter(pk=signal.pk).exists()
    assert policy.visible_signals(user("anna")).filter(pk=signal.pk).exists()
    log = AccessLog.objects.filter(object_type="signal", object_id=str(signal.pk)).first()
    assert log.username == "noor" and "Hoort bij Zuid" in log.reason
    with pytest.raises(PermissionDenied):
        services.reroute_signal(user("sara"), signal, zuid, "x")


def test_reroute_refuses_same_team_and_missing_reason(file, user):
    signal = file("anna", house_number=17)
    with pytest.raises(ValidationError) as exc:
        services.reroute_signal(user("noor"), signal, signal.team, "Reden")
    assert "team" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.reroute_signal(user("noor"), signal, signal.team, "")
    assert "reason" in exc.value.message_dict


def test_bulk_keeps_going_after_a_refusal(file, user):
    noor = user("noor")
    done_before = file("anna", house_number=18)
    services.accept_signal(noor, done_before)
    fresh = [file("anna", house_number=19), file("anna", house_number=20)]
    result = services.bulk_accept(noor, [done_before, *fresh])
    assert [s.pk for s in result.done] == [s.pk for s in fresh]
    assert [s.pk for s, _message in result.failed] == [done_before.pk]
    result = services.bulk_decline(noor, [file("anna", house_number=21)], "Dubbel", "other")
    assert len(result.done) == 1


def test_closing_closes_signals_with_outcome(file, user):
    noor, sara = user("noor"), user("sara")
    first, second = file("anna", house_number=22), file("bram", house_number=22)
    case = services.accept_signal(noor, first)
    services.accept_signal(noor, second)
    services.transition_case(sara, case, "in_progress")
    services.transition_case(sara, case, "closed", outcome="referred")
    for signal in (first, second):
        signal.refresh_from_db()
        assert (signal.status, signal.outcome) == ("closed", "referred")
        assert signal.closed_at is not None and signal.feedback_at is not None
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("closed", "referred")


def test_confidential_case_only_for_assignee_and_triage_leads(file, user):
    noor = user("noor")
    case = services.accept_signal(noor, file("anna", house_number=23))
    assert policy.visible_cases(user("sara")).filter(pk=case.pk).exists()
    services.set_confidential(noor, case, True)
    assert not policy.visible_cases(user("sara")).filter(pk=case.pk).exists()
    assert policy.visible_cases(user("noor")).filter(pk=case.pk).exists()
    services.assign_case(noor, case, user("sara"))
    assert policy.visible_cases(user("sara")).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        services.set_confidential(user("sara"), case, False)


def test_assign_only_team_members(file, user):
    case = services.accept_signal(user("noor"), file("anna", house_number=24))
    with pytest.raises(ValidationError) as exc:
        services.assign_case(user("noor"), case, user("omar"))
    assert exc.value.message_dict == {"assignee": ["Kies een medewerker van dit wijkteam."]}
    with pytest.raises(PermissionDenied):
        services.assign_case(user("sara"), case, user("sara"))


def test_share_with_expiry(file, user):
    noor = user("noor")
    case = services.accept_signal(noor, file("anna", house_number=25))
    assert not policy.visible_cases(user("omar")).filter(pk=case.pk).exists()
    today = timezone.localdate()
    services.share_case(noor, case, user("omar"), "Overleg", today)
    share = CaseUserObjectPermission.objects.get(content_object=case, user=user("omar"))
    assert timezone.localtime(share.expires_at).date() == today + timedelta(days=1)
    assert share.granted_by == noor and share.reason == "Overleg"
    assert policy.visible_cases(user("omar")).filter(pk=case.pk).exists()
    # The end date has passed.
    CaseUserObjectPermission.objects.filter(pk=share.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not policy.visible_cases(user("omar")).filter(pk=case.pk).exists()
    log = AccessLog.objects.filter(object_type="case_share").get()
    assert log.purpose == "shared_access" and "Overleg" in log.reason


def test_share_validation_and_end(file, user):
    noor = user("noor")
    case = services.accept_signal(noor, file("anna", house_number=26))
    with pytest.raises(ValidationError) as exc:
        services.share_case(noor, case, user("omar"), "Overleg", date(2000, 1, 1))
    assert "until" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.share_case(noor, case, user("omar"), "", timezone.localdate())
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.share_case(user("sara"), case, user("omar"), "x", timezone.localdate())
    services.share_case(noor, case, user("omar"), "Overleg", timezone.localdate())
    services.end_share(noor, case, user("omar"))
    assert not policy.visible_cases(user("omar")).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        services.end_share(noor, case, user("omar"))


def test_history_for_every_change(file, user):
    noor, sara = user("noor"), user("sara")
    case = services.accept_signal(noor, file("anna", house_number=27))
    services.accept_signal(noor, file("bram", house_number=27))
    services.assign_case(noor, case, sara)
    services.transition_case(sara, case, "in_progress")
    services.add_note(sara, case, "Eerste huisbezoek")
    services.set_follow_up(sara, case, timezone.localdate() + timedelta(days=7))
    services.set_confidential(noor, case, True)
    services.share_case(noor, case, user("omar"), "Overleg", timezone.localdate())
    services.end_share(noor, case, user("omar"))
    services.transition_case(sara, case, "on_hold", reason="Wacht op bewoner")
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk"))
    assert [e.kind for e in events] == [
        "opened",
        "merged",
        "assigned",
        "transition",
        "note",
        "follow_up",
        "confidential",
        "shared",
        "share_ended",
        "transition",
    ]
    assert [e.actor.username for e in events] == [
        "noor",
        "noor",
        "noor",
        "sara",
        "sara",
        "sara",
        "noor",
        "noor",
        "noor",
        "sara",
    ]
    assert events[4].text == "Eerste huisbezoek"
    assert events[-1].text == "Wacht op bewoner"


def test_each_write_logs_access(file, user):
    noor = user("noor")
    signal = file("anna", house_number=28)
    before = AccessLog.objects.count()
    case = services.accept_signal(noor, signal)
    rows = AccessLog.objects.order_by("pk")[before:]
    assert {(r.action, r.object_type, r.object_id) for r in rows} == {
        ("update", "signal", str(signal.pk)),
        ("update", "case", str(case.pk)),
    }
    assert all(r.household_key == signal.household_key and r.username == "noor" for r in rows)
    before = AccessLog.objects.count()
    services.add_note(user("sara"), case, "Notitie")
    assert AccessLog.objects.count() == before + 1


def test_note_validation(file, user):
    case = services.accept_signal(user("noor"), file("anna", house_number=29))
    with pytest.raises(ValidationError) as exc:
        services.add_note(user("sara"), case, "   ")
    assert exc.value.message_dict == {"text": ["Schrijf een notitie."]}
    with pytest.raises(PermissionDenied):
        services.add_note(user("omar"), case, "Niet mijn team")


def test_failed_write_leaves_nothing(file, user):
    """A refused transition writes no event and no log row."""
    case = services.accept_signal(user("noor"), file("anna", house_number=30))
    events, logs = CaseEvent.objects.count(), AccessLog.objects.count()
    with pytest.raises(ValidationError):
        services.transition_case(user("sara"), case, "closed", outcome="referred")
    assert (CaseEvent.objects.count(), AccessLog.objects.count()) == (events, logs)


def test_coordinator_does_not_reroute(file, user):
    """No coordinator page or endpoint re-routes, so the policy does not allow it either."""
    signal = file("anna", house_number=18)
    zuid = user("omar").memberships.get().organisation
    assert not policy.can_reroute_signal(user("eva"), signal)
    with pytest.raises(PermissionDenied):
        services.reroute_signal(user("eva"), signal, zuid, "Hoort bij Zuid")


def test_share_lasts_at_most_the_configured_days(file, user, settings):
    settings.SHARE_MAX_DAYS = 30
    noor = user("noor")
    case = services.accept_signal(noor, file("anna", house_number=28))
    too_long = timezone.localdate() + timedelta(days=31)
    with pytest.raises(ValidationError) as exc:
        services.share_case(noor, case, user("omar"), "Overleg", too_long)
    assert exc.value.message_dict["until"] == ["Delen kan voor hoogstens 30 dagen."]
    services.share_case(noor, case, user("omar"), "Overleg", too_long - timedelta(days=1))
    assert policy.visible_cases(user("omar")).filter(pk=case.pk).exists()
