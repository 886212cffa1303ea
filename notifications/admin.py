from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import delivery
from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """For administrators following e-mail delivery: subject, kind, recipient and e-mail
    status only; the body and link stay out of the admin."""

    list_display = ["subject", "kind", "recipient", "email_status", "email_attempts", "created_at"]
    list_filter = ["kind", ("email_sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__username"]
    fields = [
        "subject",
        "kind",
        "recipient",
        "email_status",
        "email_attempts",
        "email_next_try_at",
        "email_error",
    ]
    readonly_fields = fields
    list_select_related = ["recipient"]

    @admin.display(description=_("e-mailstatus"))
    def email_status(self, obj):
        if not obj.email_wanted:
            return _("geen e-mail gevraagd")
        if obj.email_sent_at:
            return _("verstuurd")
        if delivery.given_up().filter(pk=obj.pk).exists():
            return _("opgegeven (te oud of te vaak mislukt)")
        if obj.email_error:
            return _("mislukt, wordt opnieuw geprobeerd")
        return _("in de wachtrij")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
