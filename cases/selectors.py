"""Reads of the cases domain. Every query starts from `privacy.policy`."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, JSONObject
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.kinds import SignalKind
from core.tables import day
from partners.choices import OrganisationKind
from partners.models import Organisation
from privacy import access_log, policy
from privacy.grants import current_case_shares
from privacy.models import AccessAction, Purpose
from signals.models import SignalStatus, Urgency

from . import workflow
from .models import CaseEventKind, CaseSignal, CaseState

ACTIVE_TEAM_SESSION_KEY = "cases_active_team"
OPEN = "open"
OPEN_STATES = [value for value in CaseState.values if value != CaseState.CLOSED]
TRAY_PAGE_SIZE = 50
CASE_PAGE_SIZE = 50
CONVERSATIONS_SHOWN = 20
TIMELINE_PAGE_SIZE = 50


# --- teams -----------------------------------------------------------------------------


def user_teams(user) -> list[Organisation]:
    """The wijkteams the user works in, in a stable order."""
    return policy.teams(user)


def active_team(user, session) -> Organisation:
    """The team whose tray and cases the user is looking at: the one chosen in this
    session if it is still theirs, else their first team. No team: PermissionDenied."""
    teams = user_teams(user)
    if not teams:
        raise PermissionDenied(_("Deze pagina is voor medewerkers van een wijkteam."))
    chosen = session.get(ACTIVE_TEAM_SESSION_KEY)
    return next((t for t in teams if t.pk == chosen), teams[0])


def choose_team(user, session, team_id) -> Organisation:
    """Switch the active team, only among the user's own teams."""
    for team in user_teams(user):
        if str(team.pk) == str(team_id):
            session[ACTIVE_TEAM_SESSION_KEY] = team.pk
            return team
    raise PermissionDenied(_("U bent geen lid van dit wijkteam."))


def team_member_choices(team_id: int) -> QuerySet:
    """Users who may be assigned a case of this team."""
    return policy.team_members(team_id).order_by("first_name", "last_name", "username")


# --- work tray -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrayFilters:
    kind: str = ""
    urgency: str = ""
    district: int | None = None
    overdue: bool = False
    multiple: bool = False

    @classmethod
    def from_query(cls, params) -> "TrayFilters":
        district = params.get("district", "")
        return cls(
            kind=params.get("kind", "") if params.get("kind") in SignalKind.values else "",
            urgency=params.get("urgency", "") if params.get("urgency") in Urgency.values else "",
            district=int(district) if str(district).isdigit() else None,
            overdue=params.get("overdue") in ("1", "on", "true"),
            multiple=params.get("multiple") in ("1", "on", "true"),
        )

    def count_in(self, counts: dict) -> int | None:
        """How many tray signals these filters leave, read from `tray_counts` when at most
        one filter is set (those are the counts it groups by); None for a combination,
        which the list then counts itself."""
        chosen = [
            counts["kind"][self.kind] if self.kind else None,
            counts["urgency"][self.urgency] if self.urgency else None,
            next((d["n"] for d in counts["district"] if d["district_id"] == self.district), 0)
            if self.district
            else None,
            counts["overdue"] if self.overdue else None,
            counts["multiple"] if self.multiple else None,
        ]
        chosen = [n for n in chosen if n is not None]
        if not chosen:
            return counts["total"]
        return chosen[0] if len(chosen) == 1 else None

    def apply(self, queryset: QuerySet, today) -> QuerySet:
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.urgency:
            queryset = queryset.filter(urgency=self.urgency)
        if self.district:
            queryset = queryset.filter(district_id=self.district)
        if self.overdue:
            queryset = queryset.filter(triage_deadline__lt=today)
        if self.multiple:
            queryset = queryset.filter(is_multiple=True)
        return queryset


def tray_base(user, team_id: int) -> QuerySet:
    """Signals of the team awaiting triage, as far as the policy lets the user see them."""
    return policy.team_signals(user, team_id).filter(status=SignalStatus.RECEIVED)


# What a tray row shows (`cases/templatetags/tray.py`); the description, household and
# arrears stay in the database until the triage page.
TRAY_FIELDS = (
    "reference",
    "kind",
    "urgency",
    "postcode",
    "house_number",
    "house_number_addition",
    "is_multiple",
    "filed_at",
    "triage_deadline",
    "district__name",
    "organisation__name",
)


def work_tray(user, team_id: int, filters: TrayFilters, today=None) -> QuerySet:
    """The tray: earliest triage deadline first, urgent before normal, oldest first; only
    the columns the tray shows (`TRAY_FIELDS`)."""
    today = today or timezone.localdate()
    return (
        filters.apply(tray_base(user, team_id), today)
        .select_related("district", "organisation")
        .only(*TRAY_FIELDS)
        .annotate(
            is_overdue=ExpressionWrapper(Q(triage_deadline__lt=today), BooleanField()),
            is_due_today=ExpressionWrapper(Q(triage_deadline=today), BooleanField()),
            urgency_rank=CaseWhen(
                When(urgency=Urgency.URGENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("triage_deadline", "urgency_rank", "filed_at", "pk")
    )


def tray_counts(user, team_id: int, today=None) -> dict:
    """How many tray signals each filter option would show, in one query: grouped by
    district, summed here for the totals."""
    today = today or timezone.localdate()
    aggregates = {
        "total": Count("pk"),
        "overdue": Count("pk", filter=Q(triage_deadline__lt=today)),
        "due_today": Count("pk", filter=Q(triage_deadline=today)),
        "multiple": Count("pk", filter=Q(is_multiple=True)),
    }
    for kind in SignalKind.values:
        aggregates[f"kind_{kind}"] = Count("pk", filter=Q(kind=kind))
    for urgency in Urgency.values:
        aggregates[f"urgency_{urgency}"] = Count("pk", filter=Q(urgency=urgency))
    per_district = list(
        tray_base(user, team_id)
        .values("district_id", "district__name")
        .annotate(**aggregates)
        .order_by("district__name", "district_id")
    )
    counts = {key: sum(row[key] for row in per_district) for key in aggregates}
    counts["kind"] = {kind: counts.pop(f"kind_{kind}") for kind in SignalKind.values}
    counts["urgency"] = {u: counts.pop(f"urgency_{u}") for u in Urgency.values}
    counts["district"] = [
        {
            "district_id": row["district_id"],
            "district__name": row["district__name"],
            "n": row["total"],
        }
        for row in per_district
        if row["district_id"] is not None
    ]
    return counts


NOT_TRIAGE_LEAD = gettext_lazy("Alleen een triagist van het wijkteam kan dit signaal triëren.")


def signal_for_triage(user, signal_id):
    """A signal the user may triage, with what the triage page shows: 404 when the user
    may not see it, 403 when they see it but are no triage lead of its team."""
    signal = get_object_or_404(
        policy.visible_signals(user).select_related("team", "district", "organisation"),
        pk=signal_id,
    )
    if not policy.can_triage_signal(user, signal):
        raise PermissionDenied(str(NOT_TRIAGE_LEAD))
    return signal


def tray_page(user, team_id: int, filters, number, counts: dict | None = None, today=None):
    """One page of the team's work tray, logged with the signals it shows. With the
    request's `tray_counts` (taken on the same `today`), the page is not counted again
    when they hold its number."""
    return access_log.listed_page(
        user,
        "signal",
        work_tray(user, team_id, filters, today),
        number,
        per_page=TRAY_PAGE_SIZE,
        purpose=Purpose.TRIAGE,
        count=filters.count_in(counts) if counts is not None else None,
    )


def record_triage_read(user, signal) -> None:
    """The access-log row for showing a signal on the triage page."""
    access_log.record_object(
        user,
        AccessAction.READ,
        "signal",
        signal,
        organisation_id=signal.team_id,
        purpose=Purpose.TRIAGE,
    )


def tray_signals_by_ids(user, team_id: int, ids) -> list:
    """The tray signals among `ids` (bulk actions): others are silently not there."""
    return list(tray_base(user, team_id).select_related("team").filter(pk__in=ids))


def reroute_team_choices(signal) -> QuerySet:
    return Organisation.objects.filter(kind=OrganisationKind.WIJKTEAM, is_active=True).exclude(
        pk=signal.team_id
    )


# --- cases -----------------------------------------------------------------------------


# `_signal_count` and `_assignee_names` are built once per process (`cache`): they
# depend on nothing of the request, and annotating resolves a copy for each query
# without changing them (building them cost 0.3 ms a page).
@cache
def _signal_count():
    """How many signals a case holds, as a subquery per listed case (an index-only count
    on `case_signals.case_id`): the database computes it for the rows of the page only,
    after sorting, and a list's count needs no join or grouping."""
    counted = (
        CaseSignal.objects.filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _case_list(queryset: QuerySet, state: str) -> QuerySet:
    if state == OPEN:
        # The open states named, not "not closed": PostgreSQL then finds the team's open
        # cases in the index `case_team_state` and reads only their rows (1 672 blocks
        # instead of 3 353 for a national team; 10-15 -> 7 ms).
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif state in CaseState.values:
        queryset = queryset.filter(state=state)
    return queryset.annotate(signal_count=_signal_count()).order_by(
        "follow_up_date", "-opened_at", "pk"
    )


@cache
def _assignee_names():
    """The assignee's name fields as one subquery per listed case. Like `signal_count`,
    PostgreSQL evaluates it for the rows of the page only, after sorting; a join
    (`select_related`) is planned before the sort and probes the user table for every
    case of the team (2 249 probes for 50 rows at national scale)."""
    names = (
        get_user_model()
        .objects.filter(pk=OuterRef("assignee_id"))
        .values(
            json=JSONObject(first_name="first_name", last_name="last_name", username="username")
        )
    )
    return Subquery(names, output_field=JSONField())


def team_cases(user, team_id: int) -> QuerySet:
    """The cases of one of the user's teams that the user may see: what the team's case
    list lists (`case_list`) and counts (`state_counts`)."""
    return policy.team_cases(user, team_id)


def my_cases(user) -> QuerySet:
    """The visible cases assigned to the user: what "Mijn casussen" lists and counts."""
    return policy.visible_cases(user).filter(assignee=user)


def case_list(cases: QuerySet, state: str = OPEN) -> QuerySet:
    """A case list page's (and export's) rows among `cases` (`team_cases`, `my_cases`),
    in list order; `_assignee_name` reads their `assignee_names`."""
    return _case_list(cases, state).annotate(assignee_names=_assignee_names())


def team_case_list(user, team_id: int, state: str = OPEN) -> QuerySet:
    return case_list(team_cases(user, team_id), state)


def my_case_list(user, state: str = OPEN) -> QuerySet:
    return case_list(my_cases(user), state)


def state_counts(cases: QuerySet) -> dict[str, int]:
    """How many of `cases` are in each state, in one grouped query: a case list takes
    both its own length (`count_in_state`) and how many closed cases it leaves out by
    default from it (said on the page, so nobody thinks a closed case is lost)."""
    return dict(cases.order_by().values_list("state").annotate(n=Count("pk")))


def team_state_counts(user, team_id: int) -> dict[str, int]:
    return state_counts(team_cases(user, team_id))


def my_state_counts(user) -> dict[str, int]:
    return state_counts(my_cases(user))


def count_in_state(counts: dict[str, int], state: str) -> int:
    """The length of a case list filtered on `state` as `_case_list` filters it."""
    if state == OPEN:
        return sum(counts.get(value, 0) for value in OPEN_STATES)
    if state in CaseState.values:
        return counts.get(state, 0)
    return sum(counts.values())


def person_label(first_name: str, last_name: str, username: str) -> str:
    """How the pages and pickers name a person: `User.get_full_name()`, else the username."""
    return f"{first_name} {last_name}".strip() or username


def person_name(user) -> str:
    """A person as the pages name them ("" for nobody)."""
    return person_label(user.first_name, user.last_name, user.get_username()) if user else ""


def _assignee_name(case) -> str:
    """A listed case's assignee (`case_list`), named as `person_name` names a user."""
    names = case.assignee_names
    return person_label(names["first_name"], names["last_name"], names["username"]) if names else ""


def _moment(value) -> str:
    """A moment as the pages show it, `d-m-Y H:i` in local time ("" for none)."""
    return template_localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""


def case_list_rows(cases) -> list[dict]:
    """The cells of a case list page (`case_page`), worked out once per row in Python: the
    template only places them (no lazy state label, date filter or related-object lookup
    per cell)."""
    state_labels = {value: str(label) for value, label in CaseState.choices}
    return [
        {
            "pk": case.pk,
            "reference": case.reference,
            "confidential": case.confidential,
            "postcode": case.postcode,
            "house_number": case.house_number,
            "house_number_addition": case.house_number_addition,
            "state": case.state,
            "state_label": state_labels.get(case.state, case.state),
            "assignee": _assignee_name(case),
            "signal_count": case.signal_count,
            "follow_up": day(case.follow_up_date),
            "opened": day(case.opened_at),
        }
        for case in cases
    ]


def team_case_export_rows(user, team_id: int, state: str = OPEN) -> tuple[list, list]:
    """The team's case list (as filtered) as CSV header and rows, the export logged."""
    cases = list(team_case_list(user, team_id, state))
    access_log.record_list(user, "case", cases, export=True)
    header = [
        _("Kenmerk"),
        _("Adres"),
        _("Status"),
        _("Uitkomst"),
        _("Behandelaar"),
        _("Signalen"),
        _("Vervolgdatum"),
        _("Geopend op"),
        _("Afgesloten op"),
    ]
    rows = [
        [
            case.reference,
            case.address,
            case.get_state_display(),
            case.get_outcome_display() or "",
            _assignee_name(case),
            case.signal_count,
            day(case.follow_up_date),
            day(case.opened_at),
            day(case.closed_at),
        ]
        for case in cases
    ]
    return header, rows


def all_case_list(user, state: str = "") -> QuerySet:
    """Every case the user may see (the API list), including shared ones."""
    return _case_list(policy.visible_cases(user), state).select_related("assignee", "team")


def case_detail(user, case_id):
    return get_object_or_404(
        policy.visible_cases(user).select_related("team", "assignee"), pk=case_id
    )


def case_page(user, cases, number, count: int | None = None):
    """One page of a case list (`my_case_list`, `team_case_list`), logged. `count`: its
    length when already counted through the same filter (`count_in_state`)."""
    return access_log.listed_page(user, "case", cases, number, per_page=CASE_PAGE_SIZE, count=count)


def listed_cases(user, cases) -> list:
    """A page of cases the API returns, logged with their ids."""
    cases = list(cases)
    access_log.record_list(user, "case", cases)
    return cases


def record_case_read(user, case) -> None:
    """The access-log row for opening a case, in the web page and the API alike."""
    access_log.record_object(
        user,
        AccessAction.READ,
        "case",
        case,
        organisation_id=case.team_id,
        purpose=policy.case_access_purpose(user, case),
    )


def case_signals(case, related=("organisation", "team", "district")) -> QuerySet:
    return policy.signals_of_visible_case(case).select_related(*related).order_by("filed_at", "pk")


def case_page_signals(case) -> QuerySet:
    """The signals table of the case page: only the columns it shows."""
    return case_signals(case, related=("organisation",)).only(
        "reference", "kind", "filed_at", "status", "outcome", "description", "organisation__name"
    )


def case_outreach(case) -> QuerySet:
    return case.outreach.order_by("at", "pk")


def conversations_due(user, team_id: int) -> QuerySet:
    """Open cases of the team whose first conversation (Wgs art. 4a) is still to be held,
    the earliest due date (so the overdue ones) first."""
    return (
        policy.team_cases(user, team_id)
        .exclude(state=CaseState.CLOSED)
        .filter(first_conversation_due__isnull=False, first_conversation_at__isnull=True)
        .select_related("assignee")
        .order_by("first_conversation_due", "pk")
    )


def case_history(case) -> QuerySet:
    return case.events.select_related("actor").order_by("at", "pk")


def case_shares(case) -> QuerySet:
    """Current personal shares of a case."""
    return current_case_shares(case).select_related("user").order_by("expires_at")


def allowed_moves(user, case) -> list[workflow.Transition]:
    return workflow.allowed_transitions(user, case)


def conversations_shown(user, team_id: int) -> list:
    """The first cases of the tray's "conversations due" block, logged when any."""
    conversations = list(conversations_due(user, team_id)[:CONVERSATIONS_SHOWN])
    if conversations:
        access_log.record_list(user, "case", conversations)
    return conversations


def share_candidates(user, case) -> QuerySet:
    """Whom the share picker offers: the people the policy lets receive this case, not the
    user themselves and not those it is shared with now."""
    return (
        policy.share_recipients(case)
        .exclude(pk=user.pk)
        .exclude(pk__in=case_shares(case).values("user_id"))
        .order_by("first_name", "last_name", "username")
    )


def case_share_list(case) -> list:
    """Current shares with `until`, the last day included (`services.share_end` stores
    the start of the day after)."""
    shares = list(case_shares(case))
    for share in shares:
        share.until = timezone.localtime(share.expires_at).date() - timedelta(days=1)
    return shares


def case_timeline(case) -> QuerySet:
    """The case's one dated timeline for the case page, newest first: status changes,
    notes, contact attempts, assignments and shares (all are history events)."""
    return case.events.select_related("actor").order_by("-at", "-pk")


@dataclass(frozen=True)
class TimelinePage:
    """One page of a case's timeline, newest first; `newer`/`older` are the numbers of the
    neighbouring pages (None at either end)."""

    events: list
    number: int
    newer: int | None
    older: int | None


def case_timeline_page(case, number) -> TimelinePage:
    """A page of `case_timeline` (`number` as the query string gives it; anything else is
    the first page): a case that has been worked on for years has hundreds of events, and
    the page shows the newest TIMELINE_PAGE_SIZE. One query, without a count: one event
    more than a page is read to know whether older ones exist."""
    number = int(number) if str(number).isdigit() and 0 < int(number) <= 10**6 else 1
    start = (number - 1) * TIMELINE_PAGE_SIZE
    events = list(case_timeline(case)[start : start + TIMELINE_PAGE_SIZE + 1])
    if not events and number > 1:
        return case_timeline_page(case, 1)
    return TimelinePage(
        events=events[:TIMELINE_PAGE_SIZE],
        number=number,
        newer=number - 1 if number > 1 else None,
        older=number + 1 if len(events) > TIMELINE_PAGE_SIZE else None,
    )


def timeline_entries(events) -> list[dict]:
    """What the case page shows of each timeline event (`case_timeline_page`), worked out
    once per event in Python: labels, names and formatted dates; the template only places
    them and adds the words around them."""
    kind_labels = {value: str(label) for value, label in CaseEventKind.choices}
    entries = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        at = timezone.localtime(event.at)
        entries.append(
            {
                "kind": event.kind,
                "kind_label": kind_labels.get(event.kind, event.kind),
                "at_iso": at.isoformat(),
                "at": at.strftime("%d-%m-%Y %H:%M"),
                "actor": person_name(event.actor),
                "from_state_label": str(event.from_state_label),
                "to_state_label": str(event.to_state_label),
                "outcome_label": str(event.outcome_label),
                "signal": data.get("signal"),
                "assignee_name": data.get("assignee_name"),
                "with_user": data.get("with_user"),
                "until": day(event.until_date),
                "follow_up": day(event.follow_up_value),
                "channel_label": str(event.channel_label),
                "response_label": str(event.response_label),
                "moment": _moment(event.moment),
                "reached": data.get("reached"),
                "conversation_due": day(event.conversation_due_value),
                "confidential": data.get("confidential"),
                "text": event.text,
            }
        )
    return entries


def other_household_signals(user, signal) -> list:
    """The other signals on this household the user may see (the triage page shows them,
    with their filers, when partners report the same household: "meervoudig"), the read
    logged."""
    others = list(
        policy.visible_signals(user)
        .filter(household_key=signal.household_key)
        .exclude(pk=signal.pk)
        .select_related("organisation")
        .order_by("-filed_at", "pk")
    )
    if others:
        access_log.record_list(user, "signal", others, purpose=Purpose.TRIAGE)
    return others
