"""Forms of the signals pages. They only collect input; validation messages come from
`signals.intake.clean_signal_input`, so the browser, CSV and API say the same."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.form_renderer import WIDGET_RENDERER, FetchedModelChoiceField
from core.kinds import SignalKind
from partners.choices import OrganisationKind
from partners.models import Organisation

from .intake import clean_signal_input
from .models import WGS_STEPS, SignalStatus, Urgency

REQUIRED = {"required": _("Dit veld is verplicht.")}


class SignalForm(forms.Form):
    default_renderer = WIDGET_RENDERER

    kind = forms.ChoiceField(
        label=_("Soort signaal"),
        choices=[("", _("Kies een soort")), *SignalKind.choices],
        error_messages=REQUIRED,
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "size": 8}),
    )
    house_number = forms.CharField(
        label=_("Huisnummer"),
        max_length=10,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    house_number_addition = forms.CharField(
        label=_("Toevoeging"), max_length=10, required=False, help_text=_("Bijvoorbeeld A of 2.")
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        error_messages=REQUIRED,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=_("Wat heeft u gezien of gehoord? Hoogstens 5000 tekens."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgentie"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Spoed als de situatie niet kan wachten, bijvoorbeeld bij gevaar of een "
            "dreigende ontruiming; het wijkteam ziet het dan gemarkeerd in de werkbak, vóór "
            "andere signalen met dezelfde uiterste datum."
        ),
    )
    resident_informed = forms.BooleanField(
        label=_("De bewoner weet dat wij dit signaal doorgeven"), required=False
    )
    arrears_amount = forms.CharField(
        label=_("Achterstand in euro"),
        required=False,
        max_length=20,
        help_text=_("Bijvoorbeeld 1250,00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    arrears_months = forms.CharField(
        label=_("Aantal maanden achterstand"),
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    wgs_contact_attempted = forms.BooleanField(
        label=_("a. Persoonlijk contact met de huurder geprobeerd"), required=False
    )
    wgs_debt_help_pointed = forms.BooleanField(
        label=_("b. Huurder gewezen op schuldhulpverlening"), required=False
    )
    wgs_reminder_sent = forms.BooleanField(
        label=_("c. Ten minste één schriftelijke herinnering verstuurd"), required=False
    )
    wgs_handover_offered = forms.BooleanField(
        label=_(
            "d. In de herinnering aangeboden de gegevens aan de gemeente door te geven; "
            "de huurder maakte geen bezwaar"
        ),
        required=False,
    )
    eviction_date = forms.CharField(
        label=_("Datum zitting of aangekondigde ontruiming"),
        required=False,
        max_length=10,
        help_text=_("Alleen als die er is, bijvoorbeeld 21-12-2026. Het signaal krijgt dan spoed."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    ARREARS_FIELDS = ("arrears_amount", "arrears_months", *WGS_STEPS, "eviction_date")

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("Melden namens"),
                choices=[(o.pk, o.name) for o in organisations],
                coerce=int,
            )

    def add_remaining_errors(self) -> None:
        """When the form itself refused something, still show the service's messages for
        the other fields, so one round trip reveals every mistake."""
        try:
            clean_signal_input(self.data.dict())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)

    def main_fields(self):
        return [self[name] for name in self.fields if name not in self.ARREARS_FIELDS]

    def arrears_fields(self):
        return [self[name] for name in self.ARREARS_FIELDS]


class SignalFilterForm(forms.Form):
    default_renderer = WIDGET_RENDERER

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        help_text=_("Kenmerk of extern kenmerk"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *SignalStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Soort"), required=False, choices=[("", _("Alle")), *SignalKind.choices]
    )
    filed_from = forms.DateField(
        label=_("Gemeld vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_to = forms.DateField(
        label=_("Gemeld tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    team = FetchedModelChoiceField(
        label=_("Wijkteam"),
        required=False,
        empty_label=_("Alle"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.WIJKTEAM).order_by("name"),
    )

    def __init__(self, *args, address_search=False, **kwargs):
        super().__init__(*args, **kwargs)
        if address_search:
            self.fields["q"].help_text = _("Kenmerk, extern kenmerk of postcode")

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand"),
        error_messages={
            "required": _("Kies een bestand."),
            "empty": _("Het bestand is leeg."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("Importeren namens"),
                choices=[(o.pk, o.name) for o in organisations],
                coerce=int,
            )
