"""The privacy officer's screens: access-log inquiry, inzageverzoek report, subject report,
erasure on request and retention runs. Thin: parse, call a selector or service, render."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.csv_files import excel_csv_response

from . import policy, selectors, services
from .forms import AccessLogQueryForm, ErasureForm, HouseholdForm
from .models import AccessAction

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 50_000
ADDRESS_FIELDS = ("postcode", "house_number", "house_number_addition")


def privacy_officer_required(view):
    """Signed in (else to the login page) and privacy officer (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not policy.can_inquire_access_log(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def household_query(request) -> tuple[HouseholdForm, str | None]:
    """The address of a report: its household key when valid and inside the officer's
    municipality, else None (the form then carries the reason)."""
    form = HouseholdForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, None
    key = form.cleaned_data["household_key"]
    if not policy.household_in_privacy_scope(request.user, key):
        form.add_error("postcode", _("Dit adres ligt niet in uw gemeente."))
        return form, None
    return form, key


def household_report(kind: str):
    """A privacy officer's report about one household: GET only; without a valid address
    in the officer's municipality the address form again, else `view(request, form, key)`."""

    def decorate(view):
        @require_GET
        @privacy_officer_required
        @wraps(view)
        def wrapper(request):
            form, key = household_query(request)
            if key is None:
                return render(request, "privacy/report_form.html", {"form": form, "kind": kind})
            return view(request, form, key)

        return wrapper

    return decorate


def address_query(cleaned: dict) -> str:
    return urlencode({f: cleaned.get(f) or "" for f in ADDRESS_FIELDS})


@require_GET
@privacy_officer_required
def access_log(request):
    form = AccessLogQueryForm(request.GET or None)
    rows = None
    if form.is_bound and not form.is_valid():
        page = None
    else:
        filters = form.cleaned_data if form.is_bound else {}
        rows = selectors.access_log_inquiry(request.user, filters)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.label_log_objects(page.object_list)
        services.log_inquiry(
            request.user,
            AccessAction.LIST,
            "access_log",
            object_ids=[row.pk for row in page],
            household_key=filters.get("household_key", ""),
            reason=form.description() if form.is_bound else "",
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


EXPORT_HEADER = [
    gettext_lazy("Tijdstip"),
    gettext_lazy("Gebruiker"),
    gettext_lazy("Rol"),
    gettext_lazy("Organisatie"),
    gettext_lazy("Handeling"),
    gettext_lazy("Soort object"),
    gettext_lazy("Object"),
    gettext_lazy("Doel"),
    gettext_lazy("Reden"),
]


@require_GET
@privacy_officer_required
def access_log_export(request):
    form = AccessLogQueryForm(request.GET)
    if not form.is_valid():
        return render(request, "privacy/access_log.html", {"form": form}, status=400)
    rows = selectors.label_log_objects(
        selectors.access_log_inquiry(request.user, form.cleaned_data)[:EXPORT_MAX_ROWS]
    )
    services.log_inquiry(
        request.user,
        AccessAction.EXPORT,
        "access_log",
        object_ids=[row.pk for row in rows],
        household_key=form.cleaned_data.get("household_key", ""),
        reason=form.description(),
    )
    return excel_csv_response("inzagelog.csv", EXPORT_HEADER, map(_export_row, rows))


def _export_row(row) -> list:
    return [
        timezone.localtime(row.at).strftime("%d-%m-%Y %H:%M:%S"),
        row.username,
        row.role_label,
        row.organisation_name,
        row.get_action_display(),
        row.object_type_label,
        row.object_label or (_("%(count)d objecten") % {"count": row.object_count}),
        row.get_purpose_display(),
        row.reason,
    ]


@household_report("report")
def access_log_report(request, form, key):
    """Printable answer to a resident's access request: who saw the household, when, why."""
    rows = list(
        policy.household_access_log(request.user, key)
        .select_related("reason_entry")
        .order_by("at", "id")[: selectors.REPORT_MAX_ROWS]
    )
    services.log_inquiry(
        request.user,
        AccessAction.EXPORT,
        "access_log_report",
        object_ids=[row.pk for row in rows],
        household_key=key,
        reason=_("Inzageverzoek"),
    )
    context = {
        "form": form,
        "rows": rows,
        "summary": selectors.access_report_summary(rows),
        "address": form.cleaned_data,
        "now": timezone.now(),
        "officer_organisation": policy.privacy_officer_organisation(request.user),
    }
    return render(request, "privacy/access_log_report.html", context)


@household_report("subject")
def household(request, form, key):
    """Everything the portal holds about one household: HTML (printable) or JSON download."""
    report = selectors.subject_report(request.user, key)
    as_json = request.GET.get("format") == "json"
    services.log_inquiry(
        request.user,
        AccessAction.EXPORT if as_json else AccessAction.READ,
        "household",
        object_ids=[s.pk for s in report["signals"]] + [c.pk for c in report["cases"]],
        household_key=key,
        reason=_("Overzicht van een huishouden"),
    )
    if as_json:
        response = HttpResponse(
            json.dumps(selectors.report_as_json(report), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="huishouden.json"'
        return response
    context = {**report, "form": form, "address_query": address_query(form.cleaned_data)}
    return render(request, "privacy/household.html", context)


@require_http_methods(["GET", "POST"])
@privacy_officer_required
def household_erase(request):
    """GET: the form. POST: a confirmation step showing what will be erased, then erase."""
    if request.method == "GET":
        form = ErasureForm(initial={f: request.GET.get(f, "") for f in ADDRESS_FIELDS})
        return render(request, "privacy/erase.html", {"form": form})
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return render(request, "privacy/erase.html", {"form": form}, status=400)
    key = form.cleaned_data["household_key"]
    if not policy.can_erase_household(request.user, key):
        form.add_error("postcode", _("Dit adres ligt niet in uw gemeente."))
        return render(request, "privacy/erase.html", {"form": form}, status=400)
    if not form.cleaned_data["confirm"]:
        context = {
            "form": form,
            "confirming": True,
            "signal_count": policy.privacy_household_signals(request.user, key)
            .filter(erased_at__isnull=True)
            .count(),
            "case_count": policy.privacy_household_cases(request.user, key)
            .filter(erased_at__isnull=True)
            .count(),
        }
        return render(request, "privacy/erase.html", context)
    counts = services.erase_household(request.user, key, form.cleaned_data["reason"])
    messages.success(
        request,
        _("Persoonsgegevens gewist: %(signals)s signalen en %(cases)s casussen.")
        % {"signals": counts.signals + counts.case_signals, "cases": counts.cases},
    )
    return redirect(f"{reverse('privacy:access_log')}?{address_query(form.cleaned_data)}")


@require_GET
@privacy_officer_required
def retention_runs(request):
    page = Paginator(selectors.retention_runs(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "privacy/retention_runs.html", {"page": page})
