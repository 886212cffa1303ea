"""Web pages of the cases domain: the work tray, triage, case lists and the case page.

Views parse input, call a selector or service, log reads, and render. Every action
flashes a message; a form with errors is shown again with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.csv_files import excel_csv_response
from core.feedback import report_outcome
from core.forms import add_service_errors
from privacy import policy
from signals.models import SignalKind, SignalStatus, Urgency

from . import selectors, services
from .forms import (
    AssignForm,
    BulkForm,
    ConfidentialForm,
    DeclineForm,
    EndShareForm,
    FollowUpForm,
    HelpForm,
    NoteForm,
    OutreachForm,
    RerouteForm,
    ShareForm,
    TeamSwitchForm,
    TransitionForm,
)
from .models import CaseState

# --- work tray -------------------------------------------------------------------------


@require_GET
@login_required
def tray(request):
    team = selectors.active_team(request.user, request.session)
    filters = selectors.TrayFilters.from_query(request.GET)
    today = timezone.localdate()
    counts = selectors.tray_counts(request.user, team.pk, today)
    page = selectors.tray_page(
        request.user, team.pk, filters, request.GET.get("page"), counts, today
    )
    conversations = selectors.conversations_shown(request.user, team.pk)
    is_lead = policy.can_triage_in_team(request.user, team.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "team": team,
        "teams": selectors.user_teams(request.user),
        "page": page,
        "filters": filters,
        "counts": counts,
        "conversations": conversations,
        "today": today,
        # Each filter option with its count, so the select needs no lookup per option.
        "kinds": [(value, label, counts["kind"][value]) for value, label in SignalKind.choices],
        "urgencies": [(value, label, counts["urgency"][value]) for value, label in Urgency.choices],
        "is_lead": is_lead,
        "bulk_form": BulkForm() if is_lead else None,
        "query": query.urlencode(),
    }
    return render(request, "cases/tray.html", context)


@require_POST
@login_required
def switch_team(request):
    teams = selectors.user_teams(request.user)
    form = TeamSwitchForm(request.POST, teams=teams)
    if not form.is_valid():
        raise PermissionDenied(_("U bent geen lid van dit wijkteam."))
    team = selectors.choose_team(request.user, request.session, form.cleaned_data["team"])
    messages.success(request, _("U werkt nu voor %(team)s.") % {"team": team.name})
    next_url = request.POST.get("next", "")
    allowed = {reverse("cases:tray"), reverse("cases:list")}
    return redirect(next_url if next_url in allowed else "cases:tray")


@require_POST
@login_required
def bulk(request):
    team = selectors.active_team(request.user, request.session)
    if not policy.can_triage_in_team(request.user, team.pk):
        raise PermissionDenied(_("Alleen een triagist kan signalen in bulk triëren."))
    ids = request.POST.getlist("signals")
    signals = selectors.tray_signals_by_ids(request.user, team.pk, ids)
    form = BulkForm(request.POST, signal_ids=[s.pk for s in signals])
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        if form.errors.get("signals"):
            messages.error(request, _("Kies een of meer signalen uit de werkbak."))
        return redirect("cases:tray")
    data = form.cleaned_data
    if data["action"] == BulkForm.ACCEPT:
        result = services.bulk_accept(request.user, signals)
        done = _("%(n)d signalen opgepakt.")
    else:
        result = services.bulk_decline(
            request.user, signals, data["reason"], data["reason_category"]
        )
        done = _("%(n)d signalen niet opgepakt; de melder krijgt de reden te zien.")
    if result.done:
        messages.success(request, done % {"n": len(result.done)})
    for signal, message in result.failed:
        messages.error(request, f"{signal.reference}: {message}")
    return redirect("cases:tray")


# --- triage of one signal --------------------------------------------------------------


def _render_triage(request, signal, *, decline_form=None, reroute_form=None, status=200):
    """The triage page, first shown or shown again after a form error: every rendering
    shows the address and description, so every rendering writes its read row."""
    selectors.record_triage_read(request.user, signal)
    context = {
        "signal": signal,
        "others": selectors.other_household_signals(request.user, signal),
        "awaiting": signal.status == SignalStatus.RECEIVED,
        "decline_form": decline_form or DeclineForm(),
        "reroute_form": reroute_form or RerouteForm(teams=selectors.reroute_team_choices(signal)),
        "error_form": decline_form or reroute_form,
    }
    return render(request, "cases/triage.html", context, status=status)


@require_GET
@login_required
def triage(request, signal_id):
    signal = selectors.signal_for_triage(request.user, signal_id)
    return _render_triage(request, signal)


@require_POST
@login_required
def triage_accept(request, signal_id):
    signal = selectors.signal_for_triage(request.user, signal_id)
    try:
        case = services.accept_signal(request.user, signal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:triage", signal_id=signal.pk)
    case_url = reverse("cases:detail", kwargs={"case_id": case.pk})
    messages.success(
        request,
        format_html(
            _(
                'Signaal {signal} is opgepakt in casus <a href="{case_url}">{case}</a>. '
                '<a href="{assign_url}">Nu toewijzen</a>'
            ),
            signal=signal.reference,
            case=case.reference,
            case_url=case_url,
            assign_url=f"{case_url}?actie=toewijzen#toewijzen",
        ),
    )
    return redirect("cases:tray")


def _submit(request, form, action, success, failure, *, done, render_again):
    """The flow every form of these pages shares: validate, call the service, flash, and
    either redirect to `done` or show the page again (`render_again(form)`) with the
    form, what was typed and the errors. `success` may be a function of the cleaned data."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success(form.cleaned_data) if callable(success) else success)
            return done
    messages.error(request, failure)
    return render_again(form)


@require_POST
@login_required
def triage_decline(request, signal_id):
    signal = selectors.signal_for_triage(request.user, signal_id)
    return _submit(
        request,
        DeclineForm(request.POST),
        lambda data: services.decline_signal(
            request.user, signal, data["reason"], data["reason_category"]
        ),
        _("Signaal %(signal)s is niet opgepakt.") % {"signal": signal.reference},
        _("Het signaal is niet afgewezen; verbeter de fouten."),
        done=redirect("cases:tray"),
        render_again=lambda form: _render_triage(request, signal, decline_form=form),
    )


@require_POST
@login_required
def triage_reroute(request, signal_id):
    signal = selectors.signal_for_triage(request.user, signal_id)
    return _submit(
        request,
        RerouteForm(request.POST, teams=selectors.reroute_team_choices(signal)),
        lambda data: services.reroute_signal(request.user, signal, data["team"], data["reason"]),
        lambda data: (
            _("Signaal %(signal)s is doorgezet naar %(team)s.")
            % {"signal": signal.reference, "team": data["team"].name}
        ),
        _("Het signaal is niet doorgezet; verbeter de fouten."),
        done=redirect("cases:tray"),
        render_again=lambda form: _render_triage(request, signal, reroute_form=form),
    )


# --- case lists ------------------------------------------------------------------------


def _state_filter(request) -> str:
    state = request.GET.get("state", selectors.OPEN)
    return state if state in (selectors.OPEN, "", *CaseState.values) else selectors.OPEN


def _render_case_list(request, cases, template_context):
    """A case list page of `cases` (`selectors.team_cases`, `selectors.my_cases`), built
    once for both its queries: the counts per state (through the same filter) give the
    list's length and how many closed cases it leaves out, in one query; then the page."""
    state = _state_filter(request)
    counts = selectors.state_counts(cases)
    page = selectors.case_page(
        request.user,
        selectors.case_list(cases, state),
        request.GET.get("page"),
        selectors.count_in_state(counts, state),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "query": query.urlencode(),
        "page": page,
        "rows": selectors.case_list_rows(page.object_list),
        "state": state,
        "states": CaseState.choices,
        "closed_count": counts.get(CaseState.CLOSED, 0),
        **template_context,
    }
    return render(request, "cases/list.html", context)


@require_GET
@login_required
def case_list(request):
    team = selectors.active_team(request.user, request.session)
    return _render_case_list(
        request,
        selectors.team_cases(request.user, team.pk),
        {
            "title": _("Casussen van %(team)s") % {"team": team.name},
            "team": team,
            "teams": selectors.user_teams(request.user),
        },
    )


@require_GET
@login_required
def case_export(request):
    """The team's case list as filtered on screen, as a CSV for Dutch Excel."""
    team = selectors.active_team(request.user, request.session)
    header, rows = selectors.team_case_export_rows(request.user, team.pk, _state_filter(request))
    return excel_csv_response("casussen.csv", header, rows)


@require_GET
@login_required
def my_cases(request):
    selectors.active_team(request.user, request.session)  # team members only
    return _render_case_list(
        request, selectors.my_cases(request.user), {"title": _("Mijn casussen")}
    )


# --- case page -------------------------------------------------------------------------


# The action panels of the case page (`<details>` that open just the fields a step needs).
# `?actie=<name>` opens one from a link (after accepting a signal: "toewijzen"); a form
# shown again with errors opens its own.
CASE_ACTIONS = {
    "note_form": "notitie",
    "transition_form": "status",
    "follow_up_form": "vervolgdatum",
    "outreach_form": "contactpoging",
    "help_form": "hulpaanbod",
    "assign_form": "toewijzen",
    "confidential_form": "vertrouwelijk",
    "share_form": "delen",
}


def _move_label(move) -> str:
    if move.is_reopen:
        return _("Heropenen")
    if move.target == CaseState.IN_PROGRESS:
        return _("Hervatten") if move.source == CaseState.ON_HOLD else _("In behandeling nemen")
    return {CaseState.ON_HOLD: _("Pauzeren"), CaseState.CLOSED: _("Afsluiten")}[move.target]


def _transition_auto_id(data) -> str:
    """Element ids of one move's form (several share the page): by its target state."""
    target = data.get("to", "")
    return f"transition_{target if target in CaseState.values else 'x'}_%s"


def _move_panels(moves, bound_form, opened) -> list[dict]:
    """One small form per allowed move with only the fields the workflow requires for it;
    the form shown again with errors is the one whose move was posted."""
    posted = bound_form.data.get("to") if bound_form is not None else None
    panels = []
    for move in moves:
        form = (
            bound_form
            if posted == move.target
            else TransitionForm(moves=moves, initial={"to": move.target})
        )
        if form is not bound_form:
            form.auto_id = _transition_auto_id({"to": move.target})
        panels.append(
            {
                "move": move,
                "label": _move_label(move),
                "form": form,
                "needs_reason": "reason" in move.required,
                "needs_outcome": "outcome" in move.required,
                "open": posted == move.target or opened == f"status-{move.target}",
            }
        )
    return panels


def _render_case(request, case, status=200, **bound):
    """The case page, first shown or shown again after a form error (an empty note still
    re-shows the address and signals): every rendering writes its read row.

    A closed case is read-only: it offers only the moves the workflow allows (reopening
    within the period) and no other form; the services refuse the rest too."""
    user = request.user
    selectors.record_case_read(user, case)
    moves = selectors.allowed_moves(user, case)
    is_open = case.state != CaseState.CLOSED
    can_work = is_open and policy.can_work_case(user, case)
    is_manager = is_open and policy.can_manage_case(user, case)
    forms = {}
    if can_work:
        forms.update(
            note_form=NoteForm(),
            follow_up_form=FollowUpForm(initial={"follow_up_date": case.follow_up_date}),
            outreach_form=OutreachForm(),
            help_form=HelpForm(initial={"threat": case.threat}),
        )
    if is_manager:
        forms.update(
            assign_form=AssignForm(
                initial={"assignee": case.assignee_id},
                members=selectors.team_member_choices(case.team_id),
            ),
            confidential_form=ConfidentialForm(initial={"confidential": case.confidential}),
            share_form=ShareForm(recipients=selectors.share_candidates(user, case)),
        )
    forms.update(bound)
    error_form = next((form for form in bound.values() if form.errors), None)
    opened = CASE_ACTIONS.get(next(iter(bound), ""), request.GET.get("actie", ""))
    timeline = selectors.case_timeline_page(case, request.GET.get("tijdlijn"))
    context = {
        "case": case,
        "signals": selectors.case_page_signals(case),
        "timeline": timeline,
        "timeline_entries": selectors.timeline_entries(timeline.events),
        "today": timezone.localdate(),
        "moves": moves,
        "is_open": is_open,
        "is_manager": is_manager,
        "can_work": can_work,
        "shares": selectors.case_share_list(case) if policy.can_manage_case(user, case) else (),
        "error_form": error_form,
        "opened": opened,
        "move_panels": _move_panels(moves, bound.get("transition_form"), opened),
        **forms,
    }
    return render(request, "cases/detail.html", context, status=status)


@require_GET
@login_required
def case_detail(request, case_id):
    case = selectors.case_detail(request.user, case_id)
    return _render_case(request, case)


def _case_action(request, case, form, action, success, failure, form_name, manager=False):
    """A form of the case page: on success back to the case, else the page again."""
    if manager and not policy.can_manage_case(request.user, case):
        raise PermissionDenied(_("Alleen een triagist van het wijkteam kan dit doen."))
    return _submit(
        request,
        form,
        lambda data: action(case, data),
        success,
        failure,
        done=redirect("cases:detail", case_id=case.pk),
        render_again=lambda bound: _render_case(request, case, **{form_name: bound}),
    )


@require_POST
@login_required
def add_note(request, case_id):
    return _case_action(
        request,
        selectors.case_detail(request.user, case_id),
        NoteForm(request.POST),
        lambda case, data: services.add_note(request.user, case, data["text"]),
        _("Notitie toegevoegd."),
        _("De notitie is niet opgeslagen; verbeter de fouten."),
        "note_form",
    )


@require_POST
@login_required
def transition(request, case_id):
    case = selectors.case_detail(request.user, case_id)
    moves = selectors.allowed_moves(request.user, case)
    if not moves:
        raise PermissionDenied(_("U kunt de status van deze casus nu niet wijzigen."))
    return _case_action(
        request,
        case,
        TransitionForm(request.POST, moves=moves, auto_id=_transition_auto_id(request.POST)),
        lambda case, data: services.transition_case(
            request.user, case, data["to"], data["reason"], data["outcome"]
        ),
        _("De status van de casus is gewijzigd."),
        _("De status is niet gewijzigd; verbeter de fouten."),
        "transition_form",
    )


@require_POST
@login_required
def record_outreach(request, case_id):
    return _case_action(
        request,
        selectors.case_detail(request.user, case_id),
        OutreachForm(request.POST),
        lambda case, data: services.record_outreach(request.user, case, **data),
        _("De contactpoging is vastgelegd."),
        _("De contactpoging is niet vastgelegd; verbeter de fouten."),
        "outreach_form",
    )


@require_POST
@login_required
def record_help(request, case_id):
    return _case_action(
        request,
        selectors.case_detail(request.user, case_id),
        HelpForm(request.POST),
        lambda case, data: services.record_help_response(
            request.user, case, data["response"], data["at"], data["threat"]
        ),
        _("Het antwoord op het hulpaanbod is vastgelegd."),
        _("Het antwoord is niet vastgelegd; verbeter de fouten."),
        "help_form",
    )


@require_POST
@login_required
def set_follow_up(request, case_id):
    return _case_action(
        request,
        selectors.case_detail(request.user, case_id),
        FollowUpForm(request.POST),
        lambda case, data: services.set_follow_up(request.user, case, data["follow_up_date"]),
        _("De vervolgdatum is opgeslagen."),
        _("De vervolgdatum is niet opgeslagen; verbeter de fouten."),
        "follow_up_form",
    )


@require_POST
@login_required
def assign(request, case_id):
    case = selectors.case_detail(request.user, case_id)
    return _case_action(
        request,
        case,
        AssignForm(request.POST, members=selectors.team_member_choices(case.team_id)),
        lambda case, data: services.assign_case(request.user, case, data["assignee"]),
        _("De behandelaar is gewijzigd."),
        _("De behandelaar is niet gewijzigd; verbeter de fouten."),
        "assign_form",
        manager=True,
    )


@require_POST
@login_required
def set_confidential(request, case_id):
    return _case_action(
        request,
        selectors.case_detail(request.user, case_id),
        ConfidentialForm(request.POST),
        lambda case, data: services.set_confidential(request.user, case, data["confidential"]),
        _("De vertrouwelijkheid is gewijzigd."),
        _("De vertrouwelijkheid is niet gewijzigd."),
        "confidential_form",
        manager=True,
    )


@require_POST
@login_required
def share(request, case_id):
    case = selectors.case_detail(request.user, case_id)
    return _case_action(
        request,
        case,
        ShareForm(request.POST, recipients=selectors.share_candidates(request.user, case)),
        lambda case, data: services.share_case(
            request.user, case, data["with_user"], data["reason"], data["until"]
        ),
        _("De casus is gedeeld."),
        _("De casus is niet gedeeld; verbeter de fouten."),
        "share_form",
        manager=True,
    )


@require_POST
@login_required
def end_share(request, case_id):
    case = selectors.case_detail(request.user, case_id)
    if not policy.can_manage_case(request.user, case):
        raise PermissionDenied(_("Alleen een triagist van het wijkteam kan dit doen."))
    form = EndShareForm(request.POST)

    def end():
        if not form.is_valid():
            raise ValidationError(_("Kies een gebruiker."))
        services.end_share(request.user, case, form.cleaned_data["with_user"])

    report_outcome(request, end, _("Het delen is beëindigd."))
    return redirect("cases:detail", case_id=case.pk)
