"""Django admin for the partners domain. Lists select their relations up front so page
queries do not grow with the number of rows."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import routing, services
from .models import (
    Agreement,
    AgreementTerm,
    Complex,
    ComplexAddress,
    ContactPerson,
    District,
    Membership,
    Municipality,
    Organisation,
    Team,
)


class DistrictForm(forms.ModelForm):
    """Refuses ranges outside the municipality or overlapping another district on the form,
    with the same check `services.save_district` makes."""

    class Meta:
        model = District
        fields = ["municipality", "name", "pc4_ranges", "team"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pc4_ranges"):
            district = District(
                pk=self.instance.pk,
                municipality=cleaned.get("municipality") or self.instance.municipality,
                pc4_ranges=cleaned["pc4_ranges"],
            )
            routing.check_district_ranges(district)
        return cleaned


class DistrictInline(admin.TabularInline):
    model = District
    form = DistrictForm
    extra = 0
    fields = ["name", "pc4_ranges", "team"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Districts are added on their own page so their ranges are checked and synced.
        return False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "pc4_ranges", "central_team"]
    list_select_related = ["central_team"]
    search_fields = ["name"]
    inlines = [DistrictInline]

    def save_model(self, request, obj, form, change):
        services.save_municipality(obj)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    form = DistrictForm
    list_display = ["name", "municipality", "pc4_ranges", "team"]
    list_select_related = ["municipality", "team"]
    list_filter = ["municipality"]
    search_fields = ["name", "pc4_ranges", "team__name"]

    def save_model(self, request, obj, form, change):
        services.save_district(obj)

    def delete_model(self, request, obj):
        municipality = obj.municipality
        super().delete_model(request, obj)
        services.sync_postcode_areas(municipality)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_active"]
    list_select_related = ["municipality"]
    list_filter = ["kind", "municipality", "is_active"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "is_active"]
    list_select_related = ["municipality"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name"]
    exclude = ["kind"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_select_related = ["user", "organisation"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class ComplexAddressInline(admin.TabularInline):
    """Read-only: address lists change only through the upload, which sends the complex
    back to the coordinator for approval."""

    model = ComplexAddress
    extra = 0
    fields = ["postcode", "house_number", "house_number_addition"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complex)
class ComplexAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "corporation", "municipality", "status"]
    list_select_related = ["corporation", "municipality"]
    list_filter = ["status", "corporation"]
    search_fields = ["code", "name"]
    # Approval is the coordinator's, in the portal, never the administrator's.
    readonly_fields = ["municipality", "status", "approved_at", "approved_by"]
    inlines = [ComplexAddressInline]


class AgreementTermInline(admin.TabularInline):
    model = AgreementTerm
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "corporation",
        "municipality",
        "status",
        "valid_from",
        "valid_to",
        "review_date",
    ]
    list_select_related = ["corporation", "municipality"]
    list_filter = ["status", "municipality", "corporation"]
    search_fields = ["title", "corporation__name", "municipality__name"]
    date_hierarchy = "valid_from"
    inlines = [AgreementTermInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "district",
        "email",
        "phone",
        "confirmed_on",
        "ended_on",
    ]
    list_select_related = ["organisation", "district"]
    list_filter = ["district", "organisation__kind", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "organisation__name", "district__name"]


admin.site.index_title = _("Organisaties, wijken en gebruikers")
