"""Reminder sweeps: find what is due, claim a `Reminder` row per recipient, send once.

Every sweep is set-based: one indexed query finds the due objects with their recipients
joined in SQL, one bulk insert claims the rows (`ignore_conflicts=True` on the unique key
kind/object/due/recipient), and only the rows this run actually inserted are reported and
e-mailed. A duplicated, retried or concurrent sweep therefore never sends twice. Sweeps
read only the current state, so a reminder stops as soon as its reason is gone (signal
triaged, feedback given, case closed, contact confirmed, agreement changed).

Recipients:
- triage deadline approaching / passed: the triage leads of the routed team;
- triage escalation: the coordinators of the team's municipality, with the reference,
  team and working days late only (no name, address or description);
- feedback to the filer overdue: the assignee of the case the signal is in, or the
  triage leads of the routed team when nobody (active) is assigned. Not the whole team:
  one person answers for the feedback, and a reminder to every colleague for every late
  signal is noise that teaches people to ignore reminders;
- case follow-up date reached: the case's assignee;
- contact person due for confirmation (`partners.selectors.confirmation_due`: never
  confirmed, or not for 6 months): the coordinators of the district's municipality and
  the members of the contact's own organisation (that organisation is the contact's
  "owner": it names the person and confirms them);
- agreement review date or end date within 30 days: the municipality's coordinators.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, F, Min, OuterRef, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from cases.models import Case, CaseSignal, CaseState, Outreach
from core.working_days import next_working_day, working_days_between
from partners.choices import OPEN_PLAN_STATUSES, AgreementStatus, Role
from partners.models import Agreement, ContactPerson, PlanAction
from partners.selectors import confirmation_due, confirmation_due_on
from privacy.policy import municipality_coordinators
from signals.models import Signal, SignalStatus

from .models import NotificationPreference, Reminder, ReminderKind

# Overdue reminders are created once per deadline. Deadlines older than this are not
# reminded: the sweep runs every quarter, so they were reminded when they passed, and a
# first run on an old database does not flood everyone.
LOOKBACK_DAYS = 30
AGREEMENT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Due:
    """One reminder to claim: what, for whom, and the text it carries."""

    kind: str
    object_type: str
    object_id: str
    due: date
    recipient_id: int
    recipient_email: str
    subject: str
    body: str
    link: str


def day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


# --- claiming ------------------------------------------------------------------------


def claim(rows: Iterable[Due]) -> list[int]:
    """Insert the rows, skipping any whose unique key exists; return the ids inserted here."""
    rows = list(rows)
    if not rows:
        return []
    token = uuid.uuid4()
    opted_out = set(
        NotificationPreference.objects.filter(
            email=False,
            kind__in={row.kind for row in rows},
            user_id__in={row.recipient_id for row in rows},
        ).values_list("user_id", "kind")
    )
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    kind=row.kind,
                    object_type=row.object_type,
                    object_id=row.object_id,
                    due=row.due,
                    recipient_id=row.recipient_id,
                    subject=row.subject[:200],
                    body=row.body,
                    link=row.link,
                    email_wanted=bool(row.recipient_email)
                    and (row.recipient_id, row.kind) not in opted_out,
                    claim=token,
                )
                for row in rows
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
    return list(Reminder.objects.filter(claim=token).values_list("pk", flat=True))


def _not_reminded(kind: str, object_type: str, due_field: str) -> Exists:
    """No reminder of this kind exists yet for the outer object and due date (any
    recipient): keeps repeated sweeps from re-inserting thousands of known rows."""
    return ~Exists(
        Reminder.objects.filter(
            kind=kind,
            object_type=object_type,
            object_id=Cast(OuterRef("pk"), CharField()),
            due=OuterRef(due_field),
        )
    )


# --- signals -------------------------------------------------------------------------


# Links into the portal, by URL name (one place; events.py uses them too). The page
# behind each still asks the policy, so a link carries nothing the recipient may not see.
def signal_link(signal_id) -> str:
    return reverse("signals:detail", kwargs={"pk": signal_id})


def case_link(case_id) -> str:
    return reverse("cases:detail", kwargs={"case_id": case_id})


def _awaiting_triage(kind: str, today: date, deadline_from: date, deadline_to: date):
    return Signal.objects.filter(
        status=SignalStatus.RECEIVED,
        triage_deadline__gte=deadline_from,
        triage_deadline__lte=deadline_to,
    ).filter(_not_reminded(kind, "signal", "triage_deadline"))


SIGNAL_FIELDS = (
    "pk",
    "reference",
    "triage_deadline",
    "feedback_deadline",
    "team__name",
    "organisation__name",
)


def _signal_dues(kind: str, rows, text: Callable, link: Callable = signal_link) -> list[Due]:
    """One `Due` per row: `rows` are named rows of `SIGNAL_FIELDS` followed by the
    recipient's id and e-mail. `text(row)` gives the (due date, subject, body) of a row,
    `link(pk)` the page the reminder points to."""
    dues = []
    for row in rows:
        user_id, email = row[-2:]
        due, subject, body = text(row)
        dues.append(
            Due(kind, "signal", str(row.pk), due, user_id, email, subject, body, link(row.pk))
        )
    return dues


def _team_dues(kind: str, signals, roles, text: Callable) -> list[Due]:
    """One `Due` per signal and active member of its team with one of `roles`."""
    # One filter() call: the values_list() below reuses this membership join.
    rows = signals.filter(
        team__memberships__role__in=roles, team__memberships__user__is_active=True
    ).values_list(
        *SIGNAL_FIELDS, "team__memberships__user_id", "team__memberships__user__email", named=True
    )
    return _signal_dues(kind, rows, text)


def _assignee_dues(kind: str, signals, text: Callable) -> list[Due]:
    """One `Due` per signal in a case with an active assignee, for that assignee."""
    rows = signals.filter(case_link__case__assignee__is_active=True).values_list(
        *SIGNAL_FIELDS,
        "case_link__case__assignee_id",
        "case_link__case__assignee__email",
        named=True,
    )
    return _signal_dues(kind, rows, text)


def sweep_triage_due_soon(today: date) -> list[Due]:
    """Deadline is the next working day: remind the triage leads the working day before."""
    kind = ReminderKind.TRIAGE_DUE_SOON
    signals = _awaiting_triage(kind, today, today + timedelta(days=1), next_working_day(today))

    def text(row):
        values = {"date": day(row.triage_deadline), "reference": row.reference}
        return (
            row.triage_deadline,
            _("Triagetermijn verloopt %(date)s: %(reference)s") % values,
            _("Signaal %(reference)s voor %(team)s moet uiterlijk %(date)s getrieerd zijn.")
            % {**values, "team": row.team__name},
        )

    return _team_dues(kind, signals, [Role.TRIAGE_LEAD], text)


def _late(deadline: date, today: date) -> str:
    days = working_days_between(deadline, today)
    return ngettext("%(days)d werkdag te laat", "%(days)d werkdagen te laat", days) % {"days": days}


def sweep_triage_overdue(today: date) -> list[Due]:
    kind = ReminderKind.TRIAGE_OVERDUE
    signals = _awaiting_triage(
        kind, today, today - timedelta(days=LOOKBACK_DAYS), today - timedelta(days=1)
    )

    def text(row):
        return (
            row.triage_deadline,
            _("Triagetermijn verstreken: %(reference)s") % {"reference": row.reference},
            _(
                "Signaal %(reference)s voor %(team)s had uiterlijk %(date)s getrieerd moeten "
                "zijn (%(late)s)."
            )
            % {
                "reference": row.reference,
                "team": row.team__name,
                "date": day(row.triage_deadline),
                "late": _late(row.triage_deadline, today),
            },
        )

    return _team_dues(kind, signals, [Role.TRIAGE_LEAD], text)


def sweep_triage_escalation(today: date) -> list[Due]:
    """To the coordinators of the team's municipality. Coordinators see no personal data,
    so the text holds the reference, the team and how late, nothing about the household."""
    kind = ReminderKind.TRIAGE_ESCALATION
    signals = _awaiting_triage(
        kind, today, today - timedelta(days=LOOKBACK_DAYS), today - timedelta(days=1)
    )
    in_municipality, coordinator = municipality_coordinators("team__municipality")
    rows = signals.filter(**in_municipality).values_list(*SIGNAL_FIELDS, *coordinator, named=True)

    def text(row):
        values = {"reference": row.reference, "team": row.team__name}
        return (
            row.triage_deadline,
            _("Escalatie: triage te laat bij %(team)s (%(reference)s)") % values,
            _(
                "Signaal %(reference)s is door %(team)s nog niet getrieerd. De uiterste "
                "triagedatum was %(date)s: %(late)s."
            )
            % {
                **values,
                "date": day(row.triage_deadline),
                "late": _late(row.triage_deadline, today),
            },
        )

    # The coordinator may not open the signal: the reminder points to the notifications.
    link = reverse("notifications:list")
    return _signal_dues(kind, rows, text, link=lambda _pk: link)


def sweep_feedback_overdue(today: date) -> list[Due]:
    """Received or accepted signals whose outcome was not fed back in time: the assignee
    of the case the signal is in, or, when nobody is assigned, the team's triage leads."""
    kind = ReminderKind.FEEDBACK_OVERDUE
    signals = Signal.objects.filter(
        status__in=[SignalStatus.RECEIVED, SignalStatus.ACCEPTED],
        feedback_deadline__gte=today - timedelta(days=LOOKBACK_DAYS),
        feedback_deadline__lt=today,
        feedback_at__isnull=True,
    ).filter(_not_reminded(kind, "signal", "feedback_deadline"))

    def text(row):
        return (
            row.feedback_deadline,
            _("Terugkoppeling aan melder te laat: %(reference)s") % {"reference": row.reference},
            _(
                "De uitkomst van signaal %(reference)s had uiterlijk %(date)s aan %(filer)s "
                "teruggekoppeld moeten worden (%(late)s)."
            )
            % {
                "reference": row.reference,
                "date": day(row.feedback_deadline),
                "filer": row.organisation__name,
                "late": _late(row.feedback_deadline, today),
            },
        )

    unassigned = signals.exclude(case_link__case__assignee__is_active=True)
    return _assignee_dues(kind, signals, text) + _team_dues(
        kind, unassigned, [Role.TRIAGE_LEAD], text
    )


# --- cases ---------------------------------------------------------------------------


def sweep_follow_up_due(today: date) -> list[Due]:
    kind = ReminderKind.FOLLOW_UP_DUE
    cases = (
        Case.objects.filter(
            state__in=[CaseState.NEW, CaseState.IN_PROGRESS, CaseState.ON_HOLD],
            follow_up_date__gte=today - timedelta(days=LOOKBACK_DAYS),
            follow_up_date__lte=today,
            assignee__is_active=True,
        )
        .filter(_not_reminded(kind, "case", "follow_up_date"))
        .values_list("pk", "reference", "follow_up_date", "assignee_id", "assignee__email")
    )
    return [
        Due(
            kind,
            "case",
            str(pk),
            follow_up,
            user_id,
            email,
            _("Vervolgdatum bereikt: %(reference)s") % {"reference": reference},
            _("De vervolgdatum van casus %(reference)s is %(date)s.")
            % {"reference": reference, "date": day(follow_up)},
            case_link(pk),
        )
        for pk, reference, follow_up, user_id, email in cases
    ]


def sweep_arrears_clock(today: date) -> list[Due]:
    """Rent arrears, Wgs art. 4a and the agreed first-outreach term, in one sweep:
    - first conversation due the next working day: the assignee;
    - first conversation due date passed: the assignee, and as an escalation the team's
      triage leads;
    - no contact attempt by the agreed outreach deadline of a signal in the case: the
      assignee, or the triage leads when nobody is assigned.
    A reminder stops once the conversation is held, an attempt recorded or the case closed."""
    open_cases = Case.objects.exclude(state=CaseState.CLOSED)
    waiting = open_cases.filter(first_conversation_at__isnull=True)
    kinds = ReminderKind
    soon = waiting.filter(
        first_conversation_due__gte=today + timedelta(days=1),
        first_conversation_due__lte=next_working_day(today),
    )
    late = waiting.filter(
        first_conversation_due__gte=today - timedelta(days=LOOKBACK_DAYS),
        first_conversation_due__lt=today,
    )
    # No attempt by the earliest outreach deadline of a case's signals, when that deadline
    # lies in the lookback window. Set-based: the signals with a deadline in the window
    # name the candidate cases (one pass over the signals, not a subquery per open case);
    # a candidate whose signals include an earlier deadline is out (its earliest lies
    # before the window), and only the candidates left get their earliest deadline.
    window_start = today - timedelta(days=LOOKBACK_DAYS)
    in_window = CaseSignal.objects.filter(
        signal__outreach_deadline__gte=window_start, signal__outreach_deadline__lt=today
    )
    earliest_in_window = (
        in_window.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(earliest=Min("signal__outreach_deadline"))
        .values("earliest")
    )
    no_attempt = (
        open_cases.filter(pk__in=in_window.values("case_id"))
        .filter(~Exists(Outreach.objects.filter(case=OuterRef("pk"))))
        .filter(
            ~Exists(
                CaseSignal.objects.filter(
                    case=OuterRef("pk"), signal__outreach_deadline__lt=window_start
                )
            )
        )
        .annotate(outreach_due=Subquery(earliest_in_window))
    )
    assignee = ("assignee_id", "assignee__email")
    leads = ("team__memberships__user_id", "team__memberships__user__email")
    lead_filter = {
        "team__memberships__role": Role.TRIAGE_LEAD,
        "team__memberships__user__is_active": True,
    }

    def rows(kind, cases, due_field, recipient, **filters):
        return [
            (kind, pk, reference, due, user_id, email)
            for pk, reference, due, user_id, email in cases.filter(**filters)
            .filter(_not_reminded(kind, "case", due_field))
            .values_list("pk", "reference", due_field, *recipient)
        ]

    found = [
        *rows(
            kinds.FIRST_CONVERSATION_DUE,
            soon,
            "first_conversation_due",
            assignee,
            assignee__is_active=True,
        ),
        *rows(
            kinds.FIRST_CONVERSATION_OVERDUE,
            late,
            "first_conversation_due",
            assignee,
            assignee__is_active=True,
        ),
        *rows(
            kinds.FIRST_CONVERSATION_ESCALATION,
            late,
            "first_conversation_due",
            leads,
            **lead_filter,
        ),
        *rows(
            kinds.OUTREACH_OVERDUE, no_attempt, "outreach_due", assignee, assignee__is_active=True
        ),
        *rows(
            kinds.OUTREACH_OVERDUE,
            no_attempt.exclude(assignee__is_active=True),
            "outreach_due",
            leads,
            **lead_filter,
        ),
    ]
    texts = {
        kinds.FIRST_CONVERSATION_DUE: (
            _("Eerste gesprek uiterlijk %(date)s: %(reference)s"),
            _(
                "De bewoner van casus %(reference)s heeft hulp gevraagd. Het eerste gesprek "
                "moet uiterlijk %(date)s plaatsvinden (Wgs art. 4a)."
            ),
        ),
        kinds.FIRST_CONVERSATION_OVERDUE: (
            _("Eerste gesprek te laat: %(reference)s"),
            _(
                "Het eerste gesprek in casus %(reference)s had uiterlijk %(date)s moeten "
                "plaatsvinden (Wgs art. 4a, %(late)s)."
            ),
        ),
        kinds.FIRST_CONVERSATION_ESCALATION: (
            _("Escalatie: eerste gesprek te laat (%(reference)s)"),
            _(
                "Het eerste gesprek in casus %(reference)s had uiterlijk %(date)s moeten "
                "plaatsvinden (Wgs art. 4a, %(late)s)."
            ),
        ),
        kinds.OUTREACH_OVERDUE: (
            _("Nog geen contactpoging: %(reference)s"),
            _(
                "Volgens de samenwerkingsafspraak was er uiterlijk %(date)s een contactpoging "
                "in casus %(reference)s (%(late)s)."
            ),
        ),
    }
    dues = []
    for kind, pk, reference, due, user_id, email in found:
        subject, body = texts[kind]
        values = {"reference": reference, "date": day(due), "late": _late(due, today)}
        dues.append(
            Due(
                kind,
                "case",
                str(pk),
                due,
                user_id,
                email,
                subject % values,
                body % values,
                case_link(pk),
            )
        )
    return dues


# --- partners: contacts and agreements -----------------------------------------------


def sweep_contact_confirmation(today: date) -> list[Due]:
    """Contacts due for confirmation (the rule of `partners.selectors.confirmation_due`,
    which the coordinator's list shows too)."""
    kind = ReminderKind.CONTACT_CONFIRMATION
    contacts = ContactPerson.objects.filter(confirmation_due(today))
    fields = ["pk", "name", "organisation__name", "district__name", "confirmed_on", "created_at"]
    owners = contacts.filter(
        organisation__memberships__user__is_active=True,
    ).values_list(
        *fields, "organisation__memberships__user_id", "organisation__memberships__user__email"
    )
    in_municipality, coordinator = municipality_coordinators("district__municipality")
    coordinators_rows = contacts.filter(**in_municipality).values_list(*fields, *coordinator)
    rows = []
    for pk, name, organisation, district, confirmed, created, user_id, email in [
        *owners,
        *coordinators_rows,
    ]:
        basis = confirmed or timezone.localdate(created)
        rows.append(
            Due(
                kind,
                "contact",
                str(pk),
                confirmation_due_on(basis),
                user_id,
                email,
                _("Contactpersoon bevestigen: %(organisation)s, wijk %(district)s")
                % {"organisation": organisation, "district": district},
                _(
                    "%(name)s is de vaste contactpersoon van %(organisation)s voor wijk "
                    "%(district)s en is sinds %(date)s niet bevestigd. Controleer of dit nog "
                    "klopt en bevestig of wijzig de contactpersoon."
                )
                % {
                    "name": name,
                    "organisation": organisation,
                    "district": district,
                    "date": day(basis),
                },
                reverse("partners:contacts"),
            )
        )
    return rows


def _agreement_sweep(kind: str, date_field: str, subject: str, body: str) -> Callable:
    def sweep(today: date) -> list[Due]:
        in_municipality, coordinator = municipality_coordinators("municipality")
        rows = Agreement.objects.filter(
            status=AgreementStatus.ACTIVE,
            **{
                f"{date_field}__gte": today,
                f"{date_field}__lte": today + timedelta(days=AGREEMENT_NOTICE_DAYS),
            },
            **in_municipality,
        ).values_list("pk", "title", "corporation__name", date_field, *coordinator)
        return [
            Due(
                kind,
                "agreement",
                str(pk),
                moment,
                user_id,
                email,
                _(subject) % {"title": title or corporation, "date": day(moment)},
                _(body) % {"title": title or corporation, "date": day(moment)},
                reverse("partners:agreement", kwargs={"pk": pk}),
            )
            for pk, title, corporation, moment, user_id, email in rows
        ]

    return sweep


sweep_agreement_review = _agreement_sweep(
    ReminderKind.AGREEMENT_REVIEW,
    "review_date",
    gettext_noop("Afspraak evalueren voor %(date)s: %(title)s"),
    gettext_noop("De evaluatiedatum van %(title)s is %(date)s. Plan de evaluatie met de partners."),
)
sweep_agreement_expiry = _agreement_sweep(
    ReminderKind.AGREEMENT_EXPIRY,
    "valid_to",
    gettext_noop("Afspraak verloopt op %(date)s: %(title)s"),
    gettext_noop("%(title)s loopt af op %(date)s. Verleng de afspraak of leg een nieuwe vast."),
)

PLAN_NOTICE_DAYS = 7


def sweep_plan_action_due(today: date) -> list[Due]:
    """Actions of a district plan due within a week or overdue (up to LOOKBACK_DAYS), still
    open: once per action and due date, to the owner organisation's fixed contact person
    for that district (the member of the owner whose e-mail is the contact's). A changed
    due date is a new reminder; a finished or dropped action is not reminded."""
    kind = ReminderKind.PLAN_ACTION_DUE
    rows = (
        PlanAction.objects.filter(
            status__in=OPEN_PLAN_STATUSES,
            due_on__gte=today - timedelta(days=LOOKBACK_DAYS),
            due_on__lte=today + timedelta(days=PLAN_NOTICE_DAYS),
            owner__contacts__district=F("district"),
            owner__contacts__ended_on__isnull=True,
            owner__contacts__email__gt="",
            owner__memberships__user__is_active=True,
            owner__memberships__user__email__iexact=F("owner__contacts__email"),
        )
        .filter(_not_reminded(kind, "plan_action", "due_on"))
        .values_list(
            "pk",
            "what",
            "due_on",
            "district_id",
            "district__name",
            "owner__name",
            "owner__memberships__user_id",
            "owner__memberships__user__email",
        )
        .distinct()
    )
    dues = []
    for pk, what, due_on, district_id, district, owner, user_id, email in rows:
        values = {"what": what, "date": day(due_on), "district": district, "owner": owner}
        subject = (
            _("Actie plan van aanpak te laat (uiterlijk %(date)s): %(what)s")
            if due_on < today
            else _("Actie plan van aanpak uiterlijk %(date)s: %(what)s")
        )
        dues.append(
            Due(
                kind,
                "plan_action",
                str(pk),
                due_on,
                user_id,
                email,
                subject % values,
                _(
                    '%(owner)s is eigenaar van de actie "%(what)s" in het plan van aanpak van '
                    "wijk %(district)s, af te ronden uiterlijk %(date)s. Werk de status bij op "
                    "de wijkpagina."
                )
                % values,
                reverse("partners:district", kwargs={"pk": district_id}),
            )
        )
    return dues


SWEEPS: dict[str, Callable[[date], list[Due]]] = {
    ReminderKind.TRIAGE_DUE_SOON: sweep_triage_due_soon,
    ReminderKind.TRIAGE_OVERDUE: sweep_triage_overdue,
    ReminderKind.TRIAGE_ESCALATION: sweep_triage_escalation,
    ReminderKind.FEEDBACK_OVERDUE: sweep_feedback_overdue,
    ReminderKind.FOLLOW_UP_DUE: sweep_follow_up_due,
    ReminderKind.CONTACT_CONFIRMATION: sweep_contact_confirmation,
    ReminderKind.AGREEMENT_REVIEW: sweep_agreement_review,
    ReminderKind.AGREEMENT_EXPIRY: sweep_agreement_expiry,
    # One sweep for the rent-arrears clock; its reminders carry their own kinds.
    ReminderKind.FIRST_CONVERSATION_DUE: sweep_arrears_clock,
    ReminderKind.PLAN_ACTION_DUE: sweep_plan_action_due,
}


def run_all_sweeps(now: datetime | None = None) -> dict[str, list[int]]:
    """Every sweep once, as of `now`; per kind the ids of the reminders created now."""
    today = timezone.localdate(now or timezone.now())
    with translation.override(settings.LANGUAGE_CODE):
        return {kind: claim(sweep(today)) for kind, sweep in SWEEPS.items()}
