"""The case workflow: one declared table of allowed moves.

Every state change of a case goes through `check_transition`; a move that is not in
`TRANSITIONS` is refused with a Dutch message. Who may make a move is expressed in
workflow roles, derived from the user's memberships by the privacy policy:

- `member`: team member or triage lead of the case's team;
- `assignee`: the case's assignee;
- `triage_lead`: triage lead of the case's team.

Reopening a closed case is a triage lead's decision (it restarts work the team had
finished and the filer was already told about), allowed within `CASE_REOPEN_DAYS`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy import policy
from signals.models import Outcome

from .models import CaseState

MEMBER = "member"
ASSIGNEE = "assignee"
TRIAGE_LEAD = "triage_lead"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    required: tuple[str, ...] = ()
    # Only allowed within this many days after the case was closed (settings name).
    within_days_setting: str = ""

    @property
    def is_reopen(self) -> bool:
        return self.source == CaseState.CLOSED


WORKERS = frozenset({MEMBER, ASSIGNEE})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(CaseState.NEW, CaseState.IN_PROGRESS, WORKERS),
    Transition(CaseState.IN_PROGRESS, CaseState.ON_HOLD, WORKERS, required=("reason",)),
    Transition(CaseState.ON_HOLD, CaseState.IN_PROGRESS, WORKERS),
    Transition(CaseState.IN_PROGRESS, CaseState.CLOSED, WORKERS, required=("outcome",)),
    Transition(
        CaseState.CLOSED,
        CaseState.IN_PROGRESS,
        frozenset({TRIAGE_LEAD}),
        required=("reason",),
        within_days_setting="CASE_REOPEN_DAYS",
    ),
)

TABLE = {(t.source, t.target): t for t in TRANSITIONS}

ROLE_NAMES = {
    MEMBER: "medewerker van het wijkteam",
    ASSIGNEE: "behandelaar",
    TRIAGE_LEAD: "triagist van het wijkteam",
}


def roles_for(user, case) -> set[str]:
    """The workflow roles the user holds for this case."""
    roles = set()
    if case.team_id in policy.team_ids(user):
        roles.add(MEMBER)
    if case.team_id in policy.triage_team_ids(user):
        roles.add(TRIAGE_LEAD)
    if case.assignee_id is not None and case.assignee_id == getattr(user, "pk", None):
        roles.add(ASSIGNEE)
    return roles


def state_label(state: str) -> str:
    return str(CaseState(state).label) if state in CaseState.values else state


def find_transition(source: str, target: str) -> Transition:
    transition = TABLE.get((source, target))
    if transition is None:
        raise ValidationError(
            {
                "to": _("Een casus kan niet van ‘%(source)s’ naar ‘%(target)s’.")
                % {"source": state_label(source), "target": state_label(target)}
            },
            code="invalid_transition",
        )
    return transition


def reopen_window_open(transition: Transition, case, now=None) -> bool:
    if not transition.within_days_setting or case.closed_at is None:
        return True
    days = getattr(settings, transition.within_days_setting)
    return (now or timezone.now()) - case.closed_at <= timedelta(days=days)


def check_transition(user, case, target: str, reason: str = "", outcome: str = "") -> Transition:
    """Return the table row for this move, or raise ValidationError (a move the table does
    not allow, a missing field, a reopen too late) or PermissionDenied (wrong role)."""
    transition = find_transition(case.state, target)
    if not roles_for(user, case) & transition.roles:
        allowed = " of ".join(ROLE_NAMES[r] for r in sorted(transition.roles))
        raise PermissionDenied(_("Deze stap mag alleen een %(roles)s zetten.") % {"roles": allowed})
    errors = {}
    if "reason" in transition.required and not reason.strip():
        errors["reason"] = [_("Geef een reden op.")]
    if "outcome" in transition.required and outcome not in Outcome.values:
        errors["outcome"] = [_("Kies de uitkomst voor de melder.")]
    if errors:
        raise ValidationError(errors)
    if not reopen_window_open(transition, case):
        raise ValidationError(
            {
                "to": _("Heropenen kan tot %(days)d dagen na het afsluiten.")
                % {"days": getattr(settings, transition.within_days_setting)}
            },
            code="reopen_too_late",
        )
    return transition


def allowed_transitions(user, case) -> list[Transition]:
    """The moves this user may make now (the case page offers only these)."""
    roles = roles_for(user, case)
    return [
        t
        for t in TRANSITIONS
        if t.source == case.state and roles & t.roles and reopen_window_open(t, case)
    ]
