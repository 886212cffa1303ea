"""Notifications for events (assignment, the filer's feedback, a share), written in the
transaction of the event itself: `cases` announces its domain events (`cases/events.py`)
and the receivers at the end of this module turn them into notifications.

They use the reminder machinery: one `Reminder` row per recipient, claimed on the unique
key kind/object/day/recipient, so a retried request never notifies twice, and the e-mail
goes through the outbox (queued after the commit; what cannot be queued then is queued
again by the outbox). The texts carry references and statuses only: no name, address or
description (DESIGN §3); the e-mail links into the portal, where the policy decides.

A signal that opened a case and one merged into an existing case give the same
notification: the filer must not learn that the team already knew the household."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import events as case_events
from cases.models import Case
from privacy import policy
from signals.models import Signal

from .models import ReminderKind
from .sweeps import Due, case_link, claim, signal_link

logger = logging.getLogger(__name__)


def _notify(kind: str, object_type: str, object_id, recipients, subject: str, body: str, link):
    """Claim one row per active recipient; queue the e-mails once the event is committed."""
    today = timezone.localdate()
    rows = [
        Due(
            kind=kind,
            object_type=object_type,
            object_id=str(object_id),
            due=today,
            recipient_id=recipient.pk,
            recipient_email=recipient.email or "",
            subject=subject,
            body=body,
            link=link,
        )
        for recipient in recipients
        if recipient is not None and recipient.is_active
    ]
    ids = claim(rows)
    if ids:
        transaction.on_commit(lambda: _queue(ids))
    return ids


def _queue(ids) -> None:
    # Imported here: the tasks module imports the Celery app, which the services need not.
    from wijkportaal.celery import BROKER_ERRORS

    from .tasks import queue_emails

    try:
        queue_emails({"events": ids})
    except BROKER_ERRORS as exc:
        logger.warning("Broker niet bereikbaar; e-mails wachten in de outbox: %s", exc)


def case_assigned(case: Case, assignee) -> list[int]:
    if assignee is None:
        return []
    with translation.override("nl"):
        subject = _("Casus %(ref)s is aan u toegewezen") % {"ref": case.reference}
        body = _("Casus %(ref)s is aan u toegewezen. Bekijk de casus in het portaal.") % {
            "ref": case.reference
        }
    return _notify(
        ReminderKind.CASE_ASSIGNED, "case", case.pk, [assignee], subject, body, case_link(case.pk)
    )


def case_shared(case: Case, with_user, until) -> list[int]:
    with translation.override("nl"):
        subject = _("Casus %(ref)s is met u gedeeld") % {"ref": case.reference}
        body = _(
            "Casus %(ref)s is met u gedeeld tot en met %(until)s. Bekijk de casus in het portaal."
        ) % {"ref": case.reference, "until": until.strftime("%d-%m-%Y")}
    return _notify(
        ReminderKind.CASE_SHARED, "case", case.pk, [with_user], subject, body, case_link(case.pk)
    )


def signal_accepted(signal: Signal) -> list[int]:
    """The same text whether the signal opened a case or joined one."""
    with translation.override("nl"):
        subject = _("Signaal %(ref)s is opgepakt") % {"ref": signal.reference}
        body = _("Het wijkteam heeft signaal %(ref)s opgepakt.") % {"ref": signal.reference}
    return _to_filer(ReminderKind.SIGNAL_ACCEPTED, signal, subject, body)


def signal_declined(signal: Signal) -> list[int]:
    with translation.override("nl"):
        subject = _("Signaal %(ref)s is niet opgepakt") % {"ref": signal.reference}
        body = _(
            "Het wijkteam heeft signaal %(ref)s niet opgepakt. De reden staat bij het "
            "signaal in het portaal."
        ) % {"ref": signal.reference}
    return _to_filer(ReminderKind.SIGNAL_DECLINED, signal, subject, body)


def signals_closed(signals: list[Signal]) -> list[int]:
    """The signals just closed with their case: each filer hears of it once; the outcome
    itself is shown in the portal (a case outcome says something about the household)."""
    ids = []
    for signal in signals:
        with translation.override("nl"):
            subject = _("Signaal %(ref)s is afgerond") % {"ref": signal.reference}
            body = _(
                "Het wijkteam heeft signaal %(ref)s afgerond. De uitkomst staat bij het "
                "signaal in het portaal."
            ) % {"ref": signal.reference}
        ids += _to_filer(ReminderKind.SIGNAL_CLOSED, signal, subject, body)
    return ids


def _to_filer(kind, signal: Signal, subject: str, body: str) -> list[int]:
    return _notify(
        kind, "signal", signal.pk, [signal.filed_by], subject, body, signal_link(signal.pk)
    ) + _to_colleagues(kind, signal, subject, body)


def _to_colleagues(event_kind, signal: Signal, subject: str, body: str) -> list[int]:
    """The filer's colleagues in the filing organisation who switched on
    `COLLEAGUE_SIGNAL` (off by default), with the filer's text. One kind for the three
    events, so the event goes into the object key: accepted and closed on one day both
    arrive, each once. The filer is told as filer only."""
    colleagues = policy.signal_colleagues(signal).filter(
        notification_preferences__kind=ReminderKind.COLLEAGUE_SIGNAL,
        notification_preferences__email=True,
    )
    return _notify(
        ReminderKind.COLLEAGUE_SIGNAL,
        "signal",
        f"{signal.pk}:{event_kind}",
        colleagues,
        subject,
        body,
        signal_link(signal.pk),
    )


# --- receivers of the domain events of `cases` (connected when this module is imported,
# which `NotificationsConfig.ready` does) ----------------------------------------------


@receiver(case_events.signal_accepted_event, dispatch_uid="notifications.signal_accepted")
def _on_signal_accepted(signal_record, **kwargs):
    signal_accepted(signal_record)


@receiver(case_events.signal_declined_event, dispatch_uid="notifications.signal_declined")
def _on_signal_declined(signal_record, **kwargs):
    signal_declined(signal_record)


@receiver(case_events.signals_closed_event, dispatch_uid="notifications.signals_closed")
def _on_signals_closed(signals, **kwargs):
    signals_closed(signals)


@receiver(case_events.case_assigned_event, dispatch_uid="notifications.case_assigned")
def _on_case_assigned(case, assignee, **kwargs):
    case_assigned(case, assignee)


@receiver(case_events.case_shared_event, dispatch_uid="notifications.case_shared")
def _on_case_shared(case, with_user, until, **kwargs):
    case_shared(case, with_user, until)
