"""The workflow table, exhaustively: every from × to × role."""

from datetime import timedelta
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services, workflow
from cases.models import Case, CaseEvent, CaseEventKind, CaseState

STATES = CaseState.values
# sara: member of Wijkteam Noord; noor: its triage lead; omar: triage lead elsewhere.
ROLES = {"sara": {workflow.MEMBER}, "noor": {workflow.MEMBER, workflow.TRIAGE_LEAD}, "omar": set()}


@pytest.fixture
def case(file, user):
    return services.accept_signal(user("noor"), file("anna", house_number=7))


def put_in_state(case, state, closed_days_ago=1):
    closed_at = timezone.now() - timedelta(days=closed_days_ago) if state == "closed" else None
    Case.objects.filter(pk=case.pk).update(state=state, closed_at=closed_at)
    case.refresh_from_db()


@pytest.mark.parametrize(
    ("source", "target", "username"), list(product(STATES, STATES, ROLES)), ids=str
)
def test_every_move_for_every_role(case, user, source, target, username):
    put_in_state(case, source)
    actor = user(username)
    row = workflow.TABLE.get((source, target))
    events_before = CaseEvent.objects.filter(case=case).count()
    call = lambda: services.transition_case(  # noqa: E731
        actor, case, target, reason="Reden", outcome="contact_made"
    )
    if row is None:
        with pytest.raises(ValidationError) as exc:
            call()
        source_label, target_label = workflow.state_label(source), workflow.state_label(target)
        assert exc.value.message_dict["to"] == [
            f"Een casus kan niet van ‘{source_label}’ naar ‘{target_label}’."
        ]
    elif not ROLES[username] & row.roles:
        with pytest.raises(PermissionDenied, match="Deze stap mag alleen"):
            call()
    else:
        call()
        case.refresh_from_db()
        assert case.state == target
        event = CaseEvent.objects.filter(case=case).latest("at", "pk")
        assert (event.kind, event.from_state, event.to_state) == (
            CaseEventKind.TRANSITION,
            source,
            target,
        )
        assert event.actor == actor
        return
    case.refresh_from_db()
    assert case.state == source
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_table_is_the_design():
    assert set(workflow.TABLE) == {
        ("new", "in_progress"),
        ("in_progress", "on_hold"),
        ("on_hold", "in_progress"),
        ("in_progress", "closed"),
        ("closed", "in_progress"),
    }
    assert workflow.TABLE[("closed", "in_progress")].roles == {workflow.TRIAGE_LEAD}
    assert workflow.TABLE[("in_progress", "closed")].required == ("outcome",)


def test_assignee_role(case, user):
    sara = user("sara")
    assert workflow.roles_for(sara, case) == {workflow.MEMBER}
    services.assign_case(user("noor"), case, sara)
    case.refresh_from_db()
    assert workflow.roles_for(sara, case) == {workflow.MEMBER, workflow.ASSIGNEE}


def test_close_requires_outcome(case, user):
    put_in_state(case, "in_progress")
    with pytest.raises(ValidationError) as exc:
        services.transition_case(user("sara"), case, "closed")
    assert exc.value.message_dict == {"outcome": ["Kies de uitkomst voor de melder."]}


def test_hold_and_reopen_require_reason(case, user):
    put_in_state(case, "in_progress")
    with pytest.raises(ValidationError) as exc:
        services.transition_case(user("sara"), case, "on_hold", reason="  ")
    assert exc.value.message_dict == {"reason": ["Geef een reden op."]}
    put_in_state(case, "closed")
    with pytest.raises(ValidationError) as exc:
        services.transition_case(user("noor"), case, "in_progress")
    assert exc.value.message_dict == {"reason": ["Geef een reden op."]}


@pytest.mark.parametrize(("days", "allowed"), [(1, True), (89, True), (90, True), (91, False)])
def test_reopen_window(case, user, settings, days, allowed):
    settings.CASE_REOPEN_DAYS = 90
    put_in_state(case, "closed", closed_days_ago=days)
    # A few seconds inside the window for the 90-day edge.
    if days == 90:
        Case.objects.filter(pk=case.pk).update(
            closed_at=timezone.now() - timedelta(days=90) + timedelta(minutes=1)
        )
        case.refresh_from_db()
    noor = user("noor")
    assert bool(workflow.allowed_transitions(noor, case)) is allowed
    if allowed:
        services.transition_case(noor, case, "in_progress", reason="Nieuwe zorgen")
        case.refresh_from_db()
        assert (case.state, case.closed_at, case.outcome) == ("in_progress", None, "")
    else:
        with pytest.raises(ValidationError) as exc:
            services.transition_case(noor, case, "in_progress", reason="Nieuwe zorgen")
        assert exc.value.message_dict["to"] == ["Heropenen kan tot 90 dagen na het afsluiten."]


def test_reopen_refused_when_household_has_another_open_case(case, user, file):
    noor = user("noor")
    put_in_state(case, "closed")
    newer = services.accept_signal(noor, file("bram", house_number=7))
    assert newer.pk != case.pk
    with pytest.raises(ValidationError, match="al een open casus"):
        services.transition_case(noor, case, "in_progress", reason="Nieuwe zorgen")


def test_allowed_transitions_per_user(case, user):
    assert [t.target for t in workflow.allowed_transitions(user("sara"), case)] == ["in_progress"]
    assert workflow.allowed_transitions(user("omar"), case) == []
    put_in_state(case, "closed")
    assert workflow.allowed_transitions(user("sara"), case) == []
    assert [t.target for t in workflow.allowed_transitions(user("noor"), case)] == ["in_progress"]
