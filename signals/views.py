"""Signal pages: list, file, detail and CSV import. Thin: parse, call, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.csv_files import excel_csv_response
from core.forms import add_service_errors
from core.kinds import SignalKind
from core.tables import day, label_map, row_link
from privacy import policy

from . import csv_io, selectors, services
from .forms import ImportForm, SignalFilterForm, SignalForm
from .models import INPUT_FIELDS, Outcome, SignalStatus, Urgency
from .receipt import receipt_response

PAGE_SIZE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def signal_list(request):
    user = request.user
    _require(policy.can_list_signals(user))
    files_signals = policy.can_file_signal(user)
    form = _filter_form(request)
    signals = selectors.signal_list(user, form.filters())
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("page"))
    signals = list(page.object_list)
    selectors.log_signal_list(user, signals)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "signals/list.html",
        {
            "form": form,
            "page": page,
            "rows": _list_rows(user, signals),
            "query": query.urlencode(),
            "heading": _("Signalen van mijn organisatie")
            if files_signals
            else _("Signalen voor ons team"),
            "can_file": files_signals,
        },
    )


def _list_rows(user, signals) -> list[dict]:
    """What each row of the signal table shows. The choice labels come from one map per
    request and the dates are formatted here, so a row costs no translations and no date
    filters; whether a row is marked "Meervoudig" is the team's view (`policy`)."""
    kinds, statuses, outcomes = label_map(SignalKind), label_map(SignalStatus), label_map(Outcome)
    detail = row_link("signals:detail", uuid.UUID(int=0))
    return [
        {
            "url": detail(signal.pk),
            "reference": signal.reference,
            "urgent": signal.urgency == Urgency.URGENT,
            "multiple": signal.is_multiple and policy.signal_perspective(user, signal) == "team",
            "filed_on": day(signal.filed_at),
            "kind": kinds.get(signal.kind, signal.kind),
            "address": signal.address,
            "organisation": signal.organisation.name,
            "team": signal.team.name,
            "status": signal.status,
            "status_label": statuses.get(signal.status, signal.status),
            "outcome": outcomes.get(signal.outcome, signal.outcome),
            "triage_deadline": day(signal.triage_deadline),
            "feedback_deadline": day(signal.feedback_deadline),
        }
        for signal in signals
    ]


@require_GET
@login_required
def signal_export(request):
    """The signal list as filtered on screen, as a CSV for Dutch Excel."""
    user = request.user
    _require(policy.can_list_signals(user))
    form = _filter_form(request)
    header, rows = selectors.signal_export_rows(user, form.filters())
    return excel_csv_response("signalen.csv", header, rows)


@login_required
def signal_new(request):
    user = request.user
    _require(policy.can_file_signal(user))
    original = selectors.follow_up_original(
        user, request.POST.get("follows_up") or request.GET.get("vervolg")
    )
    form = SignalForm(
        request.POST or None,
        organisations=[] if original else policy.filing_organisations(user),
        initial=_follow_up_initial(original),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                signal = services.file_signal(
                    user,
                    form.cleaned_data,
                    form.cleaned_data.get("organisation"),
                    follows_up=original,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _filed_message(signal))
                return redirect("signals:detail", pk=signal.pk)
        else:
            form.add_remaining_errors()
    return render(request, "signals/new.html", {"form": form, "original": original})


def _follow_up_initial(original) -> dict:
    """A follow-up starts from the first signal's household; the filer adds what was missing."""
    if original is None:
        return {}
    return {
        "kind": original.kind,
        "postcode": original.postcode,
        "house_number": original.house_number,
        "house_number_addition": original.house_number_addition,
    }


def _filter_form(request) -> SignalFilterForm:
    address_search = policy.can_search_signal_addresses(request.user)
    return SignalFilterForm(request.GET or None, address_search=address_search)


def _filed_message(signal) -> str:
    return _(
        "Signaal %(reference)s is gemeld bij %(team)s. Triage uiterlijk %(triage)s, "
        "terugkoppeling uiterlijk %(feedback)s."
    ) % {
        "reference": signal.reference,
        "team": signal.team.name,
        "triage": date_format(signal.triage_deadline, "d-m-Y"),
        "feedback": date_format(signal.feedback_deadline, "d-m-Y"),
    }


@require_GET
@login_required
def signal_detail(request, pk):
    signal = selectors.signal_detail(request.user, pk)
    perspective = policy.signal_perspective(request.user, signal)
    return render(
        request,
        "signals/detail.html",
        {
            "signal": signal,
            "team_view": perspective == "team",
            "can_download_receipt": policy.can_download_receipt(request.user, signal),
            "timeline": selectors.filer_timeline(signal),
            "contact": selectors.team_contact(request.user, signal),
            "can_follow_up": policy.can_follow_up(request.user, signal),
        },
    )


@require_GET
@login_required
def signal_receipt(request, pk):
    signal = selectors.signal_receipt(request.user, pk)
    return receipt_response(signal)


@login_required
def import_upload(request):
    user = request.user
    _require(policy.can_file_signal(user))
    organisations = policy.filing_organisations(user)
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            signal_import = services.start_signal_import(
                user, upload.read(), upload.name, form.cleaned_data.get("organisation")
            )
        except ValidationError as error:
            form.add_error("file", error.message_dict.get("file", error.messages))
        else:
            return redirect("signals:import_detail", pk=signal_import.pk)
    return render(
        request,
        "signals/import.html",
        {
            "form": form,
            "imports": selectors.signal_import_list(user),
            "columns": [csv_io.column_name(field) for field in INPUT_FIELDS],
        },
    )


@require_GET
@login_required
def import_detail(request, pk):
    signal_import = selectors.signal_import_detail(request.user, pk)
    return render(
        request,
        "signals/import_detail.html",
        {
            "import": signal_import,
            "errors": signal_import.errors[:100],
            "error_rows": list(csv_io.error_rows(signal_import.errors[:100])),
        },
    )


@require_GET
@login_required
def import_template(request):
    _require(policy.can_file_signal(request.user))
    return _csv_response(csv_io.template_csv(), "signalen-sjabloon.csv")


@require_GET
@login_required
def import_errors(request, pk):
    signal_import = selectors.signal_import_error_export(request.user, pk)
    return _csv_response(csv_io.errors_csv(signal_import.errors), "importfouten.csv")
