"""The policy's answers for the signed-in user, for menus and buttons in templates."""

from . import policy

# What a template may ask (`can.<name>`), each answered by the policy, never by role name.
QUESTIONS = {
    "file_signals": policy.can_file_signal,
    "list_signals": policy.can_list_signals,
    "work_cases": lambda user: bool(policy.team_ids(user)),
    "triage_signals": lambda user: bool(policy.triage_team_ids(user)),
    "view_insights": policy.can_view_insights,
    "view_agreements": policy.can_view_agreements,
    "manage_agreements": policy.can_manage_agreements,
    "view_contacts": policy.can_view_contacts,
    "manage_contacts": policy.can_manage_contacts,
    "view_dashboard": policy.can_view_dashboard,
    "approve_complexes": policy.can_approve_complexes,
    "view_districts": policy.can_view_districts,
    "inquire_access_log": policy.can_inquire_access_log,
    "review_observations": policy.can_review_observations,
}


class Answers:
    """Asks the policy only for what a template reads, once per request."""

    def __init__(self, user):
        self._user = user
        self._answers = {}

    def __getitem__(self, name: str) -> bool:
        if name not in QUESTIONS:
            raise KeyError(name)
        if name not in self._answers:
            self._answers[name] = bool(QUESTIONS[name](self._user))
        return self._answers[name]


def permissions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}}
    return {"can": Answers(user)}
