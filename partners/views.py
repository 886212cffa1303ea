"""Web views of the coordinator's side and the corporation insights. Thin: parse, call a
service or selector (which go through `privacy.policy`), render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.csv_files import excel_csv_response
from core.feedback import report_outcome
from core.forms import add_service_errors
from core.kinds import SignalKind
from privacy import policy

from . import maps, selectors, services
from .forms import (
    MAP_FIGURES,
    AgreementForm,
    ComplexImportForm,
    ContactForm,
    DashboardFilterForm,
    EndContactForm,
    MapFigureForm,
    MonitorFilterForm,
    ObservationForm,
    PlanActionForm,
    ReviewForm,
)

HIDDEN = "–"  # a suppressed figure


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _agreement_url(agreement) -> str:
    return reverse("partners:agreement", args=[agreement.pk])


# --- agreements -----------------------------------------------------------------------


@login_required
def agreement_list(request):
    _require(policy.can_view_agreements(request.user))
    page = selectors.agreement_page(request.user, request.GET.get("page"))
    return render(
        request,
        "partners/agreement_list.html",
        {"page": page, "can_manage": policy.can_manage_agreements(request.user)},
    )


def _form_page(request, form, save, success: str, template: str, context=None):
    """The shared shape of a form page: on a valid POST call `save()` (a service); its
    ValidationErrors go next to their fields and the page is shown again with what the
    user typed; on success redirect to the URL `save()` returns."""
    if request.method == "POST" and form.is_valid():
        try:
            next_url = save()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, template, {"form": form, **(context or {})})


@login_required
def agreement_create(request):
    _require(policy.can_manage_agreements(request.user))
    municipality = selectors.dashboard_municipalities(request.user).first()
    form = AgreementForm(request.POST or None)

    def save():
        agreement = services.create_agreement(
            request.user, municipality, form.agreement_data(), form.terms()
        )
        return _agreement_url(agreement)

    return _form_page(
        request,
        form,
        save,
        _("De afspraak is opgeslagen als concept."),
        "partners/agreement_form.html",
        {"municipality": municipality},
    )


@login_required
def agreement_detail(request, pk: int):
    agreement = selectors.agreement_for(request.user, pk)
    can_manage = policy.editable_agreements(request.user).filter(pk=agreement.pk).exists()
    return render(
        request,
        "partners/agreement_detail.html",
        {
            "agreement": agreement,
            "terms": sorted(agreement.terms.all(), key=lambda t: SignalKind.values.index(t.kind)),
            "changes": agreement.changes.all(),
            "can_manage": can_manage,
        },
    )


@login_required
def agreement_edit(request, pk: int):
    agreement = selectors.editable_agreement_for(request.user, pk)
    form = AgreementForm(request.POST or None, instance=agreement, editing=True)

    def save():
        services.update_agreement(request.user, agreement, form.agreement_data(), form.terms())
        return _agreement_url(agreement)

    return _form_page(
        request,
        form,
        save,
        _("De wijzigingen zijn opgeslagen."),
        "partners/agreement_form.html",
        {"agreement": agreement, "municipality": agreement.municipality},
    )


def _lifecycle(request, pk: int, service, success: str):
    agreement = selectors.editable_agreement_for(request.user, pk)
    report_outcome(request, lambda: service(request.user, agreement), success)
    return redirect(_agreement_url(agreement))


@login_required
@require_POST
def agreement_activate(request, pk: int):
    return _lifecycle(request, pk, services.activate_agreement, _("De afspraak is actief."))


@login_required
@require_POST
def agreement_expire(request, pk: int):
    return _lifecycle(request, pk, services.expire_agreement, _("De afspraak is verlopen."))


@login_required
def agreement_review(request, pk: int):
    agreement = selectors.editable_agreement_for(request.user, pk)
    form = ReviewForm(request.POST or None)

    def save():
        data = form.cleaned_data
        services.record_review(request.user, agreement, data["reviewed_on"], data["next_review"])
        return _agreement_url(agreement)

    return _form_page(
        request,
        form,
        save,
        _("De evaluatie is vastgelegd."),
        "partners/agreement_review.html",
        {"agreement": agreement},
    )


# --- contact persons ------------------------------------------------------------------


@login_required
def contact_list(request):
    _require(policy.can_view_contacts(request.user))
    context = selectors.contact_list_for(request.user, request.GET.get("page"))
    return render(request, "partners/contact_list.html", context)


@login_required
def contact_create(request):
    _require(policy.can_manage_contacts(request.user))
    municipality_ids = policy.coordinator_municipality_ids(request.user)
    form = ContactForm(request.POST or None, municipality_ids=municipality_ids)

    def save():
        services.create_contact(request.user, form.cleaned_data)
        return "partners:contacts"

    return _form_page(
        request,
        form,
        save,
        _("De contactpersoon is toegevoegd."),
        "partners/contact_form.html",
    )


def _contact_page(request, contact, form, end_form, save=None, success=""):
    return _form_page(
        request,
        form,
        save,
        success,
        "partners/contact_form.html",
        {"contact": contact, "end_form": end_form},
    )


@login_required
def contact_edit(request, pk: int):
    contact = selectors.read_manageable_contact(request.user, pk)
    municipality_ids = policy.coordinator_municipality_ids(request.user)
    form = ContactForm(request.POST or None, instance=contact, municipality_ids=municipality_ids)

    def save():
        services.update_contact(request.user, contact, form.cleaned_data)
        return "partners:contacts"

    return _contact_page(
        request, contact, form, EndContactForm(), save, _("De contactpersoon is gewijzigd.")
    )


@login_required
@require_POST
def contact_end(request, pk: int):
    contact = selectors.manageable_contact_for(request.user, pk)
    end_form = EndContactForm(request.POST)
    if not end_form.is_valid():
        # Show the edit page again with the date as typed and the error next to it.
        contact = selectors.read_manageable_contact(request.user, pk)
        municipality_ids = policy.coordinator_municipality_ids(request.user)
        form = ContactForm(instance=contact, municipality_ids=municipality_ids)
        return _contact_page(request, contact, form, end_form)
    services.end_contact(request.user, contact, end_form.cleaned_data["ended_on"])
    messages.success(request, _("De contactpersoon is beëindigd."))
    return redirect("partners:contacts")


@login_required
@require_POST
def contact_confirm(request, pk: int):
    contact = selectors.visible_contact_for(request.user, pk)
    report_outcome(
        request,
        lambda: services.confirm_contact(request.user, contact),
        _("Bevestigd: %(name)s is nog juist.") % {"name": contact.name},
    )
    return redirect("partners:contacts")


# --- dashboard ------------------------------------------------------------------------


def _municipality_filter(request, form_class):
    """The filter form of the coordinator's figure pages (dashboard, monitor), bound to the
    query with the coordinator's first municipality as default; (form, first, last month)
    or (form, None, None) when the filter is invalid."""
    _require(policy.can_view_dashboard(request.user))
    municipalities = selectors.dashboard_municipalities(request.user)
    data = request.GET.copy()
    data.setdefault("municipality", str(municipalities.first().pk))
    form = form_class(data, municipalities=municipalities)
    if not form.is_valid():
        return form, None, None
    return form, *form.month_range(timezone.localdate())


def _dashboard_figures(request):
    form, first, last = _municipality_filter(request, DashboardFilterForm)
    if first is None:
        return form, []
    corporation, team = form.cleaned_data["corporation"], form.cleaned_data["team"]
    figures = selectors.dashboard_for(
        request.user,
        form.cleaned_data["municipality"].pk,
        first,
        last,
        corporation_id=corporation.pk if corporation else None,
        team_id=team.pk if team else None,
    )
    return form, figures


def chart_bars(figures) -> list[dict]:
    """Bars of the inline SVG chart, oldest month first; suppressed months get no bar."""
    shown = [f.total for f in figures if f.total is not None]
    top = max(shown, default=0) or 1
    bars = []
    for index, figure in enumerate(reversed(figures)):
        height = round(160 * figure.total / top) if figure.total is not None else 0
        bars.append({"x": 40 + index * 44, "y": 180 - height, "height": height, "figure": figure})
    return bars


def compliance_lines(figures) -> dict:
    """Polylines of the compliance trend chart (triaged and fed back within the term, in
    %), oldest month first, on the bar chart's x-axis; a hidden month breaks the line."""
    lines = {}
    for name in ("triaged_in_term", "feedback_in_term"):
        segments, current = [], []
        for index, figure in enumerate(reversed(figures)):
            value = getattr(figure, name)
            if value is None:
                current = []
                continue
            if not current:
                segments.append(current)
            current.append((56 + index * 44, 180 - round(1.6 * value)))
        lines[name] = [
            {"points": " ".join(f"{x},{y}" for x, y in points), "dots": points}
            for points in segments
        ]
    return lines


@login_required
def dashboard(request):
    form, figures = _dashboard_figures(request)
    kinds = SignalKind.choices
    rows = [
        {"figure": f, "kinds": [f.per_kind.get(kind) for kind, _label in kinds]} for f in figures
    ]
    return render(
        request,
        "partners/dashboard.html",
        {
            "form": form,
            "rows": rows,
            "kinds": kinds,
            "bars": chart_bars(figures),
            "compliance": compliance_lines(figures),
            "chart_width": 60 + 44 * len(figures),
        },
    )


def _shown(value, suffix=""):
    return HIDDEN if value is None else f"{value}{suffix}"


DASHBOARD_HEADER = [
    gettext_lazy("Maand"),
    *[label for _kind, label in SignalKind.choices],
    gettext_lazy("Totaal"),
    gettext_lazy("Getrieerd binnen termijn"),
    gettext_lazy("Teruggekoppeld binnen termijn"),
    gettext_lazy("Mediaan werkdagen tot triage"),
    gettext_lazy("Open"),
    gettext_lazy("Over termijn"),
    gettext_lazy("Capaciteit afgesproken (signalen)"),
    gettext_lazy("Capaciteit benut"),
]


@login_required
def dashboard_export(request):
    form, figures = _dashboard_figures(request)
    if not form.is_valid():
        return HttpResponse(_("Ongeldig filter."), status=400)
    return excel_csv_response("dashboard.csv", DASHBOARD_HEADER, map(_export_row, figures))


def _export_row(f) -> list:
    median = None if f.median_triage_days is None else f"{f.median_triage_days:g}"
    return [
        f.month.strftime("%m-%Y"),
        *[_shown(f.per_kind.get(kind)) for kind in SignalKind.values],
        _shown(f.total),
        _shown(f.triaged_in_term, "%"),
        _shown(f.feedback_in_term, "%"),
        _shown(median),
        _shown(f.open),
        _shown(f.overdue),
        _shown(f.capacity_agreed),
        _shown(f.capacity_used, "%"),
    ]


# --- vroegsignalering monitor ---------------------------------------------------------


MONITOR_COLUMNS = [
    ("signals", gettext_lazy("Signalen ontvangen")),
    ("households", gettext_lazy("Unieke huishoudens")),
    ("attempt_in_term", gettext_lazy("Contactpoging binnen afgesproken termijn")),
    ("reached", gettext_lazy("Bereikt")),
    ("help_accepted", gettext_lazy("Hulp geaccepteerd")),
    ("help_declined", gettext_lazy("Hulp afgewezen")),
    ("median_days_to_attempt", gettext_lazy("Mediaan werkdagen tot eerste contactpoging")),
    ("conversation_in_term", gettext_lazy("Eerste gesprek binnen wettelijke termijn")),
]


def _monitor_rows(request):
    form, first, last = _municipality_filter(request, MonitorFilterForm)
    if first is None:
        return form, []
    rows = selectors.monitor_for(request.user, form.cleaned_data["municipality"].pk, first, last)
    return form, rows


def _monitor_cells(row) -> list[str]:
    cells = []
    for name, _label in MONITOR_COLUMNS:
        value = getattr(row, name)
        cells.append(_shown(f"{value:g}" if isinstance(value, float) else value))
    return cells


@login_required
def monitor(request):
    form, rows = _monitor_rows(request)
    return render(
        request,
        "partners/monitor.html",
        {
            "form": form,
            "columns": [label for _name, label in MONITOR_COLUMNS],
            "rows": [(row, _monitor_cells(row)) for row in rows],
        },
    )


@login_required
def monitor_export(request):
    form, rows = _monitor_rows(request)
    if not form.is_valid():
        return HttpResponse(_("Ongeldig filter."), status=400)
    header = [gettext_lazy("Maand"), gettext_lazy("Soort"), *[c for _n, c in MONITOR_COLUMNS]]
    return excel_csv_response(
        "monitor.csv",
        header,
        ([r.month.strftime("%m-%Y"), r.kind_label, *_monitor_cells(r)] for r in rows),
    )


# --- corporation insights and complex upload ------------------------------------------


@login_required
def insights(request):
    _require(policy.can_view_insights(request.user))
    return render(
        request,
        "partners/insights.html",
        {"complexes": selectors.complex_insights_for(request.user)},
    )


@login_required
def complex_import(request):
    _require(policy.can_view_insights(request.user))
    form = ComplexImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_complexes(request.user, form.cleaned_data["file"].read())
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "partners/complex_import.html", {"form": form, "result": result})


# --- complex approval by the coordinator ----------------------------------------------


@login_required
def complex_approvals(request):
    _require(policy.can_approve_complexes(request.user))
    page = selectors.pending_complex_page(request.user, request.GET.get("page"))
    return render(
        request,
        "partners/complex_approvals.html",
        {"page": page, "rows": selectors.complex_spread(page.object_list)},
    )


@login_required
@require_POST
def complex_approve(request, pk: int):
    complex_ = selectors.approvable_complex_for(request.user, pk)
    report_outcome(
        request,
        lambda: services.approve_complex(request.user, complex_),
        _("De adreslijst van %(code)s is goedgekeurd.") % {"code": complex_.code},
    )
    return redirect("partners:complex_approvals")


# --- districts: area analysis, observations and the plan ------------------------------


def _map_value(row: dict, figure: str):
    return getattr(row["all"], figure)


@login_required
def district_list(request):
    _require(policy.can_view_districts(request.user))
    form = MapFigureForm(request.GET or {"figure": "received"})
    figure = form.cleaned_data["figure"] if form.is_valid() else "received"
    rows = selectors.district_map_for(request.user)
    paths = maps.svg_paths({r["district"].pk: maps.parse(r["district"].geometry) for r in rows})
    values = [_map_value(r, figure) for r in rows]
    for row, value in zip(rows, values, strict=True):
        row["value"] = value
        row["path"] = paths.get(row["district"].pk)
        row["fill"] = maps.colour(value, values)
    return render(
        request,
        "partners/district_list.html",
        {
            "form": form,
            "rows": rows,
            "figure_label": MAP_FIGURES[figure],
            "figure": figure,
            "map_width": maps.WIDTH,
            "map_height": maps.HEIGHT,
            "has_map": any(r["path"] for r in rows),
            "quarter": rows[0]["quarter"] if rows else None,
            "palette": maps.PALETTE,
        },
    )


def _district_page(request, district, observation_form=None, action_form=None, status=200):
    user = request.user
    page = selectors.district_page_for(user, district)
    can_plan = policy.can_manage_plan(user, district)
    owners = selectors.plan_owner_choices(district)
    from signals.models import Outcome  # signals imports partners

    for quarter in page["quarters"]:
        quarter.total = quarter.kinds[-1]
        quarter.outcome_cells = [quarter.total.outcomes[value] for value in Outcome.values]
    context = {
        "district": district,
        "kinds": SignalKind.choices,
        "outcome_labels": Outcome.labels,
        "observation_form": observation_form or ObservationForm(),
        "can_plan": can_plan,
        "action_form": action_form or (PlanActionForm(owners=owners) if can_plan else None),
        "today": timezone.localdate(),
        **page,
    }
    return render(request, "partners/district_detail.html", context, status=status)


@login_required
def district_detail(request, pk: int):
    return _district_page(request, selectors.district_for(request.user, pk))


@login_required
@require_POST
def observation_add(request, pk: int):
    district = selectors.district_for(request.user, pk)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            services.add_observation(
                request.user, district, form.cleaned_data["observed_on"], form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De observatie is toegevoegd."))
            return redirect("partners:district", pk=district.pk)
    return _district_page(request, district, observation_form=form, status=400)


@login_required
def observation_review(request):
    """The privacy officer's list of the municipality's observations, to erase any that
    names a resident."""
    _require(policy.can_review_observations(request.user))
    page = selectors.observation_review_page(request.user, request.GET.get("page"))
    return render(request, "partners/observation_review.html", {"page": page})


@login_required
@require_POST
def observation_erase(request, pk: int):
    observation = selectors.observation_for(request.user, pk)
    services.erase_observation(request.user, observation)
    messages.success(request, _("De observatie is gewist."))
    return redirect("partners:observation_review")


@login_required
@require_POST
def plan_action_add(request, pk: int):
    district = selectors.district_for(request.user, pk)
    _require(policy.can_manage_plan(request.user, district))
    form = PlanActionForm(request.POST, owners=selectors.plan_owner_choices(district))
    if form.is_valid():
        try:
            services.save_plan_action(request.user, district, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De actie is toegevoegd aan het plan van aanpak."))
            return redirect("partners:district", pk=district.pk)
    return _district_page(request, district, action_form=form, status=400)


@login_required
def plan_action_edit(request, pk: int):
    action = selectors.plan_action_for(request.user, pk)
    district = action.district
    _require(policy.can_manage_plan(request.user, district))
    owners = selectors.plan_owner_choices(district)
    initial = {name: getattr(action, name) for name in services.PLAN_FIELDS}
    form = PlanActionForm(request.POST or None, owners=owners, initial=initial)

    def save():
        services.save_plan_action(request.user, district, form.cleaned_data, action)
        return reverse("partners:district", args=[district.pk])

    return _form_page(
        request,
        form,
        save,
        _("De actie is gewijzigd."),
        "partners/plan_action_form.html",
        {"action": action, "district": district},
    )
