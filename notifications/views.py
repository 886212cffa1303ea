"""Web pages for notifications: the list (unread first), mark read, preferences."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.tables import day, label_map, row_link
from privacy.access_log import record_list

from . import selectors, services
from .models import ReminderKind

PAGE_SIZE = 25


@login_required
def notification_list(request):
    total, unread = selectors.inbox_counts(request.user)
    paginator = Paginator(selectors.inbox(request.user), PAGE_SIZE)
    paginator.count = total  # a cached_property: counted above, with the unread ones
    page = paginator.get_page(request.GET.get("page"))
    record_list(request.user, "reminder", page.object_list)
    context = {"page": page, "rows": _rows(page.object_list), "unread_notifications": unread}
    return render(request, "notifications/list.html", context)


def _rows(reminders) -> list[dict]:
    """What each row of the list shows, worked out in one pass (the kind labels from one
    map per request, the links reversed here) rather than per row in the template."""
    kinds = label_map(ReminderKind)
    open_link = row_link("notifications:open", 987654321)
    mark_read_link = row_link("notifications:mark_read", 987654321)
    return [
        {
            "subject": reminder.subject,
            "body": reminder.body,
            "kind": kinds.get(reminder.kind, reminder.kind),
            "created_on": day(reminder.created_at),
            "read": reminder.read_at is not None,
            "open_url": open_link(reminder.pk) if reminder.link else "",
            "mark_read_url": "" if reminder.read_at else mark_read_link(reminder.pk),
        }
        for reminder in reminders
    ]


def _back_to_list(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, reminder_id: int):
    if not services.mark_read(request.user, reminder_id):
        raise Http404
    return _back_to_list(request)


@login_required
@require_POST
def open_notification(request, reminder_id: int):
    """Mark read and follow the notification's link into the portal."""
    reminder = selectors.own_reminder(request.user, reminder_id)
    if reminder is None:
        raise Http404
    services.mark_read(request.user, reminder.pk)
    return redirect(reminder.link or "notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)d meldingen als gelezen gemarkeerd.") % {"count": count})
    return _back_to_list(request)


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Ook een e-mail ontvangen bij"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Elke melding verschijnt altijd in het portaal. Vink aan voor welke soorten u "
            "ook een e-mail wilt."
        ),
    )


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.save_email_preferences(request.user, form.cleaned_data["email_kinds"])
            messages.success(request, _("Uw voorkeuren zijn opgeslagen."))
            return redirect("notifications:preferences")
    else:
        chosen = selectors.email_preferences(request.user)
        form = PreferencesForm(initial={"email_kinds": [k for k, on in chosen.items() if on]})
    return render(request, "notifications/preferences.html", {"form": form})
