"""Domain events of cases: what happened, announced inside the transaction of the event
itself, for whoever listens. `cases` does not know its listeners: the `notifications` app
connects to these signals (in its `AppConfig.ready`) and notifies the people concerned,
so dependencies keep pointing one way (cases ← notifications).

Each event is a Django signal sent with `send`, not `send_robust`: a listener that fails
rolls the event back with it, as when the notification was written by the service.
Listeners get keyword arguments only:

- `signal_accepted` / `signal_declined`: `signal_record` (Django passes `signal` itself:
  the event's own Signal object);
- `signals_closed`: `signals` (the signals just closed with their case);
- `case_assigned`: `case`, `assignee` (never None);
- `case_shared`: `case`, `with_user`, `until`.
"""

from django.dispatch import Signal

signal_accepted_event = Signal()
signal_declined_event = Signal()
signals_closed_event = Signal()
case_assigned_event = Signal()
case_shared_event = Signal()


def signal_accepted(signal) -> None:
    signal_accepted_event.send(sender=__name__, signal_record=signal)


def signal_declined(signal) -> None:
    signal_declined_event.send(sender=__name__, signal_record=signal)


def signals_closed(signals) -> None:
    if signals:
        signals_closed_event.send(sender=__name__, signals=list(signals))


def case_assigned(case, assignee) -> None:
    if assignee is not None:
        case_assigned_event.send(sender=__name__, case=case, assignee=assignee)


def case_shared(case, with_user, until) -> None:
    case_shared_event.send(sender=__name__, case=case, with_user=with_user, until=until)
