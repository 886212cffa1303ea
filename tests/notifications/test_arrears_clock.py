"""The rent-arrears clock is reminded like the other deadlines: the first conversation
(Wgs art. 4a) to the assignee the working day before and when passed, with an escalation
to the triage leads; the agreed first-outreach term when no attempt was recorded."""

from datetime import date

from cases.models import CaseSignal, CaseState, Outreach
from notifications.models import Reminder, ReminderKind

from .conftest import SECRET_DESCRIPTION, SECRET_POSTCODE, moment
from .test_sweeps import recipients, run


def conversation_case(make_case, due: date, **fields):
    case = make_case(follow_up=None, **fields)
    case.first_conversation_due = due
    case.save(update_fields=["first_conversation_due"])
    return case


def test_first_conversation_due_the_working_day_before_across_christmas(make_case):
    conversation_case(make_case, date(2026, 12, 28))
    assert run("2026-12-23T09:00")[ReminderKind.FIRST_CONVERSATION_DUE] == []
    run("2026-12-24T09:00")
    assert recipients(ReminderKind.FIRST_CONVERSATION_DUE) == ["sara"]
    reminder = Reminder.objects.get(kind=ReminderKind.FIRST_CONVERSATION_DUE)
    assert "28-12-2026" in reminder.subject
    assert reminder.link.startswith("/casussen/")


def test_passed_to_the_assignee_and_escalated_to_the_triage_lead_once(make_case):
    case = conversation_case(make_case, date(2026, 12, 4))
    run("2026-12-04T20:00")
    assert not Reminder.objects.filter(kind=ReminderKind.FIRST_CONVERSATION_OVERDUE).exists()
    run("2026-12-07T09:00")
    run("2026-12-08T09:00")
    assert recipients(ReminderKind.FIRST_CONVERSATION_OVERDUE) == ["sara"]
    assert recipients(ReminderKind.FIRST_CONVERSATION_ESCALATION) == ["noor"]
    escalation = Reminder.objects.get(kind=ReminderKind.FIRST_CONVERSATION_ESCALATION)
    assert case.reference in escalation.subject
    assert "1 werkdag te laat" in escalation.body
    for text in (escalation.subject, escalation.body):
        assert SECRET_POSTCODE not in text and SECRET_DESCRIPTION not in text


def test_no_reminder_once_the_conversation_is_held_or_the_case_closed(make_case):
    held = conversation_case(make_case, date(2026, 12, 4))
    held.first_conversation_at = moment("2026-12-03T10:00")
    held.save(update_fields=["first_conversation_at"])
    conversation_case(make_case, date(2026, 12, 4), state=CaseState.CLOSED)
    run("2026-12-07T09:00")
    assert not Reminder.objects.exists()


def test_agreed_outreach_term_reminds_when_no_attempt_was_recorded(make_case, make_signal):
    assigned = make_case(follow_up=None)
    unassigned = make_case(follow_up=None, assignee="noor")
    unassigned.assignee = None
    unassigned.save(update_fields=["assignee"])
    attempted = make_case(follow_up=None)
    for case in (assigned, unassigned, attempted):
        signal = make_signal(
            triage=date(2026, 12, 1), status="accepted", outreach_deadline=date(2026, 12, 3)
        )
        CaseSignal.objects.create(case=case, signal=signal)
    Outreach.objects.create(
        case=attempted, channel="letter", at=moment("2026-12-02T10:00"), reached=False
    )
    assert run("2026-12-03T09:00")[ReminderKind.FIRST_CONVERSATION_DUE] == []
    run("2026-12-04T09:00")
    rows = Reminder.objects.filter(kind=ReminderKind.OUTREACH_OVERDUE)
    assert sorted(rows.values_list("object_id", "recipient__username")) == sorted(
        [(str(assigned.pk), "sara"), (str(unassigned.pk), "noor")]
    )
    assert run("2026-12-04T09:15")[ReminderKind.FIRST_CONVERSATION_DUE] == []


def test_outreach_term_is_the_earliest_deadline_of_the_case_signals(make_case, make_signal):
    """Several signals per case: the earliest outreach deadline counts, and only when it
    lies in the lookback window (30 days up to yesterday); a case with an attempt or a
    closed case is not reminded."""

    def case_with(*deadlines, state=CaseState.IN_PROGRESS):
        case = make_case(follow_up=None, state=state)
        for deadline in deadlines:
            signal = make_signal(
                triage=date(2026, 11, 1), status="accepted", outreach_deadline=deadline
            )
            CaseSignal.objects.create(case=case, signal=signal)
        return case

    several = case_with(date(2026, 12, 5), date(2026, 12, 3), None, date(2026, 12, 20))
    window_start = case_with(date(2026, 12, 1), date(2026, 11, 10))
    yesterday = case_with(date(2026, 12, 9))
    attempted = case_with(date(2026, 12, 1), date(2026, 12, 2))
    Outreach.objects.create(
        case=attempted, channel="phone", at=moment("2026-12-01T10:00"), reached=False
    )
    case_with(date(2026, 12, 1), state=CaseState.CLOSED)
    case_with(date(2026, 11, 9), date(2026, 12, 4))  # earliest before the window
    case_with(date(2026, 12, 10), date(2026, 12, 15))  # not passed yet
    case_with(None)  # no agreed term
    make_case(follow_up=None)  # no signals at all

    run("2026-12-10T09:00")
    rows = Reminder.objects.filter(kind=ReminderKind.OUTREACH_OVERDUE)
    assert sorted(rows.values_list("object_id", "due", "recipient__username")) == sorted(
        [
            (str(several.pk), date(2026, 12, 3), "sara"),
            (str(window_start.pk), date(2026, 11, 10), "sara"),
            (str(yesterday.pk), date(2026, 12, 9), "sara"),
        ]
    )
    assert "03-12-2026" in rows.get(object_id=str(several.pk)).body
    run("2026-12-10T09:15")
    assert rows.count() == 3
