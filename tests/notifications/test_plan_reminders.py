"""Issue 19: due and overdue actions of a district plan are reminded once, to the owner
organisation's fixed contact person in that district."""

from datetime import date

from django.core import mail

from notifications.models import Reminder, ReminderKind
from partners.models import District, Organisation, PlanAction

from .test_sweeps import run

KIND = ReminderKind.PLAN_ACTION_DUE


def _action(owner="Wijkteam Noord", due=date(2026, 12, 10), **fields) -> PlanAction:
    return PlanAction.objects.create(
        district=District.objects.get(name="Noord"),
        what="Buurtschouw rond het winkelcentrum",
        owner=Organisation.objects.get(name=owner),
        due_on=due,
        **fields,
    )


def test_a_due_action_is_reminded_once_to_the_owners_contact_person(demo):
    _action()
    assert run("2026-12-01T09:00")[KIND] == []  # more than a week ahead
    assert len(run("2026-12-03T09:00")[KIND]) == 1
    reminder = Reminder.objects.get(kind=KIND)
    assert reminder.recipient.username == "noor"  # Wijkteam Noord's contact for Noord
    assert "Buurtschouw rond het winkelcentrum" in reminder.subject
    assert reminder.link == f"/samenwerking/gebieden/{District.objects.get(name='Noord').pk}/"
    assert [m.to for m in mail.outbox if "Buurtschouw" in m.subject] == [["noor@demostad.example"]]
    # Again the next day, and once overdue: nothing new.
    assert run("2026-12-04T09:00")[KIND] == []
    assert run("2026-12-14T09:00")[KIND] == []
    assert Reminder.objects.filter(kind=KIND).count() == 1


def test_an_overdue_action_first_seen_late_says_so(demo):
    _action(due=date(2026, 11, 20))
    assert len(run("2026-12-01T09:00")[KIND]) == 1
    assert "te laat" in Reminder.objects.get(kind=KIND).subject


def test_a_new_due_date_is_reminded_again(demo):
    action = _action()
    run("2026-12-03T09:00")
    action.due_on = date(2026, 12, 20)
    action.save()
    assert len(run("2026-12-14T09:00")[KIND]) == 1
    assert Reminder.objects.filter(kind=KIND).count() == 2


def test_finished_actions_and_owners_without_a_contact_are_not_reminded(demo):
    _action(status="done")
    _action(owner="Gemeente Demostad")  # no fixed contact person in Noord
    assert run("2026-12-03T09:00")[KIND] == []
