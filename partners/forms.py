"""Forms of the coordinator's side: agreements with terms per kind, reviews, contacts,
the dashboard filter and the complex upload. Labels and messages in Dutch."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from core.kinds import SignalKind

from .choices import OrganisationKind, PlanActionStatus
from .models import Agreement, ContactPerson, District, Organisation
from .services import AGREEMENT_FIELDS, CONTACT_FIELDS, TERM_FIELDS, check_complex_upload_size

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.ModelForm):
    """The agreement and, per signal kind, its triage and feedback terms."""

    class Meta:
        model = Agreement
        fields = ["corporation", *AGREEMENT_FIELDS]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET, "review_date": DATE_WIDGET}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corporation"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.CORPORATION, is_active=True
        )
        if editing:
            # The parties of an agreement do not change; a new pair is a new agreement.
            del self.fields["corporation"]
        existing = {t.kind: t for t in self.instance.terms.all()} if self.instance.pk else {}
        for kind, label in SignalKind.choices:
            term = existing.get(kind)
            self.fields[f"triage_days_{kind}"] = forms.IntegerField(
                label=_("%(kind)s: termijn triage (werkdagen)") % {"kind": label},
                min_value=1,
                max_value=60,
                initial=term.triage_days if term else 5,
            )
            self.fields[f"feedback_days_{kind}"] = forms.IntegerField(
                label=_("%(kind)s: termijn terugkoppeling (werkdagen)") % {"kind": label},
                min_value=1,
                max_value=120,
                initial=term.feedback_days if term else 10,
            )
            self.fields[f"outreach_days_{kind}"] = forms.IntegerField(
                label=_("%(kind)s: eerste contactpoging binnen (werkdagen)") % {"kind": label},
                min_value=1,
                max_value=60,
                required=False,
                initial=term.outreach_days if term else None,
                help_text=_("Leeg laten als er geen termijn is afgesproken."),
            )
            self.fields[f"responsibilities_{kind}"] = forms.CharField(
                label=_("%(kind)s: wie doet wat") % {"kind": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=term.responsibilities if term else "",
            )

    def kind_fields(self):
        """Per kind its bound term fields, for a fieldset per kind in the template."""
        return [
            (
                label,
                [self[f"{name}_{kind}"] for name in TERM_FIELDS],
            )
            for kind, label in SignalKind.choices
        ]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields if name in self.fields]

    def agreement_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}

    def terms(self) -> dict:
        return {
            kind: {name: self.cleaned_data[f"{name}_{kind}"] for name in TERM_FIELDS}
            for kind in SignalKind.values
        }


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Geëvalueerd op"), widget=DATE_WIDGET)
    next_review = forms.DateField(label=_("Volgende evaluatie"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = list(CONTACT_FIELDS)

    def __init__(self, *args, municipality_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            municipality_id__in=municipality_ids
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True)


class EndContactForm(forms.Form):
    ended_on = forms.DateField(label=_("Beëindigd op"), widget=DATE_WIDGET, required=False)


class DashboardFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=None, empty_label=None)
    corporation = forms.ModelChoiceField(
        label=_("Corporatie"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.CORPORATION),
        required=False,
        empty_label=_("Alle corporaties"),
    )
    team = forms.ModelChoiceField(
        label=_("Wijkteam"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.WIJKTEAM),
        required=False,
        empty_label=_("Alle wijkteams"),
    )
    months = forms.IntegerField(
        label=_("Aantal maanden"), min_value=1, max_value=36, initial=12, required=False
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["team"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.WIJKTEAM, municipality__in=municipalities
        )

    def month_range(self, today: date) -> tuple[date, date]:
        months = self.cleaned_data.get("months") or 12
        last = today.replace(day=1)
        return add_months(last, -(months - 1)), last


class MonitorFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=None, empty_label=None)
    months = forms.IntegerField(
        label=_("Aantal maanden"), min_value=1, max_value=36, initial=12, required=False
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities

    month_range = DashboardFilterForm.month_range


class ComplexImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_(
            "Kolommen code;naam;postcode;huisnummer;toevoeging, gescheiden door ; of , (UTF-8)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_complex_upload_size(upload.size)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from None
        return upload


# --- districts ------------------------------------------------------------------------


class ObservationForm(forms.Form):
    observed_on = forms.DateField(label=_("Datum"), widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("Observatie"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Over de wijk als geheel, bijvoorbeeld: meer overlastmeldingen rond het "
            "winkelcentrum sinds de zomer. Noem geen bewoners, adressen of huishoudens."
        ),
    )


class PlanActionForm(forms.Form):
    what = forms.CharField(label=_("Actie"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Eigenaar"), queryset=Organisation.objects.none())
    due_on = forms.DateField(label=_("Uiterlijk"), widget=DATE_WIDGET)
    status = forms.ChoiceField(label=_("Status"), choices=PlanActionStatus.choices)
    capacity_hours = forms.IntegerField(
        label=_("Capaciteit (uren per maand)"), min_value=0, required=False
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


MAP_FIGURES = {
    "received": _("Binnengekomen signalen"),
    "became_case": _("Deel dat een casus werd"),
    "trend": _("Verschil met een jaar eerder"),
}


class MapFigureForm(forms.Form):
    figure = forms.ChoiceField(label=_("Kleur de kaart naar"), choices=list(MAP_FIGURES.items()))
