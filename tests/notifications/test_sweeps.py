"""Each sweep fires at the right moment (across weekends and holidays), once, to the
right people, and stops when its reason is gone."""

from datetime import date

from django.core import mail

from cases.models import CaseSignal, CaseState
from core.dates import add_months
from notifications.models import NotificationPreference, Reminder, ReminderKind
from notifications.sweeps import run_all_sweeps
from notifications.tasks import queue_emails
from partners.models import ContactPerson
from signals.models import SignalStatus

from .conftest import SECRET_DESCRIPTION, SECRET_POSTCODE, moment


def run(at: str) -> dict[str, list[int]]:
    """One sweep round as the periodic task runs it: claim, then queue the e-mails."""
    claimed = run_all_sweeps(moment(at))
    queue_emails(claimed)
    return claimed


def recipients(kind: str) -> list[str]:
    return sorted(Reminder.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_triage_due_soon_fires_the_working_day_before_across_christmas(make_signal):
    # Friday 25 and Saturday 26 December are holidays/weekend: the working day before
    # Monday 28 December is Thursday 24 December.
    make_signal(triage=date(2026, 12, 28))
    assert run("2026-12-23T09:00")[ReminderKind.TRIAGE_DUE_SOON] == []
    assert len(run("2026-12-24T09:00")[ReminderKind.TRIAGE_DUE_SOON]) == 1
    assert recipients(ReminderKind.TRIAGE_DUE_SOON) == ["noor"]  # the triage lead only


def test_triage_due_soon_on_friday_for_monday_deadline(make_signal):
    make_signal(triage=date(2026, 12, 7), team="Wijkteam Zuid")
    assert run("2026-12-03T16:00")[ReminderKind.TRIAGE_DUE_SOON] == []
    assert len(run("2026-12-04T08:00")[ReminderKind.TRIAGE_DUE_SOON]) == 1
    assert recipients(ReminderKind.TRIAGE_DUE_SOON) == ["omar"]
    reminder = Reminder.objects.get(kind=ReminderKind.TRIAGE_DUE_SOON)
    assert "07-12-2026" in reminder.subject
    assert reminder.link.startswith("/signalen/")


def test_triage_overdue_and_escalation_the_day_after_the_deadline(make_signal):
    signal = make_signal(triage=date(2026, 12, 4))  # Friday
    first = run("2026-12-04T20:00")
    assert first[ReminderKind.TRIAGE_OVERDUE] == first[ReminderKind.TRIAGE_ESCALATION] == []
    run("2026-12-07T09:00")  # Monday: one working day late
    assert recipients(ReminderKind.TRIAGE_OVERDUE) == ["noor"]
    assert recipients(ReminderKind.TRIAGE_ESCALATION) == ["eva"]
    escalation = Reminder.objects.get(kind=ReminderKind.TRIAGE_ESCALATION)
    assert signal.reference in escalation.subject
    assert "Wijkteam Noord" in escalation.subject
    assert "1 werkdag te laat" in escalation.body


def test_escalation_holds_no_personal_data(make_signal):
    signal = make_signal(triage=date(2026, 12, 1))
    run("2026-12-04T09:00")
    escalation = Reminder.objects.get(kind=ReminderKind.TRIAGE_ESCALATION)
    assert "3 werkdagen te laat" in escalation.body
    email = next(m for m in mail.outbox if m.to == ["eva@demostad.example"])
    html = email.alternatives[0][0]
    for text in (escalation.subject, escalation.body, email.subject, email.body, html):
        assert SECRET_POSTCODE not in text
        assert "1012" not in text
        assert SECRET_DESCRIPTION not in text
        assert "Geheimnaam" not in text
        assert signal.reference in text


def test_second_run_at_the_same_moment_sends_nothing(make_signal):
    make_signal(triage=date(2026, 12, 1))
    first = run("2026-12-02T09:00")
    assert sum(map(len, first.values())) == 2
    sent = len(mail.outbox)
    assert sent == 2
    assert sum(map(len, run("2026-12-02T09:00").values())) == 0
    assert sum(map(len, run("2026-12-02T09:15").values())) == 0
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == 2


def test_reminders_stop_when_the_signal_is_triaged(make_signal):
    signal = make_signal(triage=date(2026, 12, 2))
    assert len(run("2026-12-01T09:00")[ReminderKind.TRIAGE_DUE_SOON]) == 1
    signal.status = SignalStatus.ACCEPTED
    signal.save()
    counts = run("2026-12-03T09:00")
    assert counts[ReminderKind.TRIAGE_OVERDUE] == counts[ReminderKind.TRIAGE_ESCALATION] == []


def test_feedback_overdue_goes_to_the_triage_leads_until_feedback_is_given(make_signal):
    signal = make_signal(
        triage=date(2026, 11, 25), feedback=date(2026, 12, 2), status=SignalStatus.ACCEPTED
    )
    assert run("2026-12-02T16:00")[ReminderKind.FEEDBACK_OVERDUE] == []
    assert len(run("2026-12-03T09:00")[ReminderKind.FEEDBACK_OVERDUE]) == 1
    # Nobody is assigned: the triage lead, not every member of the team.
    assert recipients(ReminderKind.FEEDBACK_OVERDUE) == ["noor"]

    done = make_signal(
        triage=date(2026, 11, 25), feedback=date(2026, 12, 2), status=SignalStatus.CLOSED
    )
    assert run("2026-12-04T09:00")[ReminderKind.FEEDBACK_OVERDUE] == []
    assert not Reminder.objects.filter(object_id=str(done.pk)).exists()
    assert Reminder.objects.filter(object_id=str(signal.pk)).count() == 1


def test_feedback_overdue_goes_to_the_assignee_of_the_case(make_signal, make_case, user):
    assigned = make_signal(
        triage=date(2026, 11, 25), feedback=date(2026, 12, 2), status=SignalStatus.ACCEPTED
    )
    CaseSignal.objects.create(case=make_case(follow_up=None, assignee="sara"), signal=assigned)
    left = make_signal(
        triage=date(2026, 11, 25), feedback=date(2026, 12, 2), status=SignalStatus.ACCEPTED
    )
    CaseSignal.objects.create(case=make_case(follow_up=None, assignee="omar"), signal=left)
    omar = user("omar")
    omar.is_active = False  # left the organisation: the triage leads take over
    omar.save()

    run("2026-12-03T09:00")
    sent = Reminder.objects.filter(kind=ReminderKind.FEEDBACK_OVERDUE)
    assert sorted(sent.values_list("object_id", "recipient__username")) == sorted(
        [(str(assigned.pk), "sara"), (str(left.pk), "noor")]
    )


def test_follow_up_reaches_the_assignee_and_stops_when_closed(make_case):
    case = make_case(follow_up=date(2026, 12, 5))
    closed = make_case(follow_up=date(2026, 12, 5), state=CaseState.CLOSED)
    assert run("2026-12-04T23:00")[ReminderKind.FOLLOW_UP_DUE] == []
    assert len(run("2026-12-05T00:30")[ReminderKind.FOLLOW_UP_DUE]) == 1
    reminder = Reminder.objects.get(kind=ReminderKind.FOLLOW_UP_DUE)
    assert reminder.recipient.username == "sara"
    assert reminder.object_id == str(case.pk)
    assert case.reference in reminder.subject
    assert not Reminder.objects.filter(object_id=str(closed.pk)).exists()


def test_contact_confirmation_after_six_months_to_owner_and_coordinators(demo):
    # Demo contacts were confirmed on 1 September 2026: due on 1 March 2027.
    assert run("2027-02-28T09:00")[ReminderKind.CONTACT_CONFIRMATION] == []
    run("2027-03-01T09:00")
    noord = ContactPerson.objects.get(name="Noor Bakker")
    names = sorted(
        Reminder.objects.filter(object_id=str(noord.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    assert names == ["eva", "noor", "sara"]  # coordinator + the team that owns the contact
    assert recipients(ReminderKind.CONTACT_CONFIRMATION) == sorted(
        ["anna", "bram", "omar", "noor", "sara", *["eva"] * 4]
    )
    assert Reminder.objects.filter(due=date(2027, 3, 1)).count() == 9


def test_contact_confirmation_stops_when_confirmed(demo):
    ContactPerson.objects.update(confirmed_on=date(2027, 2, 1))
    assert run("2027-03-01T09:00")[ReminderKind.CONTACT_CONFIRMATION] == []
    assert len(run("2027-08-01T09:00")[ReminderKind.CONTACT_CONFIRMATION]) == 9


def test_agreement_review_and_expiry_within_thirty_days(demo):
    # Demo agreements: review on 1 June 2027, end on 31 December 2027.
    ContactPerson.objects.update(confirmed_on=date(2027, 5, 1))
    assert run("2027-05-01T09:00")[ReminderKind.AGREEMENT_REVIEW] == []
    assert len(run("2027-05-02T09:00")[ReminderKind.AGREEMENT_REVIEW]) == 2
    assert recipients(ReminderKind.AGREEMENT_REVIEW) == ["eva", "eva"]
    assert run("2027-11-30T09:00")[ReminderKind.AGREEMENT_EXPIRY] == []
    assert len(run("2027-12-01T09:00")[ReminderKind.AGREEMENT_EXPIRY]) == 2


def test_email_preference_is_respected(make_signal, user):
    NotificationPreference.objects.create(
        user=user("eva"), kind=ReminderKind.TRIAGE_ESCALATION, email=False
    )
    make_signal(triage=date(2026, 12, 1))
    run("2026-12-02T09:00")
    escalation = Reminder.objects.get(kind=ReminderKind.TRIAGE_ESCALATION)
    assert escalation.email_wanted is False  # the in-app notification is still there
    assert [m.to for m in mail.outbox] == [["noor@demostad.example"]]
    overdue = Reminder.objects.get(kind=ReminderKind.TRIAGE_OVERDUE)
    assert overdue.email_sent_at is not None
    assert overdue.email_attempts == 1


def test_email_is_dutch_with_a_link_into_the_portal(make_signal, settings):
    settings.SITE_URL = "https://wijkportaal.example"
    signal = make_signal(triage=date(2026, 12, 1))
    run("2026-12-02T09:00")
    email = next(m for m in mail.outbox if m.to == ["noor@demostad.example"])
    assert email.subject == f"[Wijkportaal] Triagetermijn verstreken: {signal.reference}"
    assert f"https://wijkportaal.example/signalen/{signal.pk}/" in email.body
    assert "Beste Noor Bakker" in email.body
    assert f'href="https://wijkportaal.example/signalen/{signal.pk}/"' in email.alternatives[0][0]


def test_shifting_months_caps_at_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 1), -6) == date(2026, 9, 1)


def test_every_reminder_link_opens_a_page_of_the_portal(demo):
    """Links are built from URL names; the contact-confirmation e-mail used to point at
    `/samenwerking/contactpersonen/<pk>/`, which is no page at all."""
    from django.urls import resolve

    run("2027-03-01T09:00")
    links = set(Reminder.objects.values_list("link", flat=True))
    assert links, "the round reminded of the demo's contact persons"
    for link in links:
        resolve(link)  # raises Resolver404 for a link into nowhere
