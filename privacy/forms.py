"""Forms of the privacy officer's screens (also parse the access-log API's query)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from partners.models import Organisation
from partners.postcodes import (
    household_key,
    normalise_addition,
    normalise_house_number,
    normalise_postcode,
)


class HouseholdForm(forms.Form):
    """An address, normalised to its household key."""

    postcode = forms.CharField(label=_lazy("Postcode"), max_length=7, required=False)
    house_number = forms.CharField(label=_lazy("Huisnummer"), max_length=6, required=False)
    house_number_addition = forms.CharField(label=_lazy("Toevoeging"), max_length=6, required=False)
    household_required = True

    def clean(self):
        cleaned = super().clean()
        given = [cleaned.get(f) for f in ("postcode", "house_number", "house_number_addition")]
        cleaned["household_key"] = ""
        if not any(given) and not self.household_required:
            return cleaned
        for field, parse in (
            ("postcode", normalise_postcode),
            ("house_number", normalise_house_number),
            ("house_number_addition", normalise_addition),
        ):
            if field != "house_number_addition" and not cleaned.get(field):
                self.add_error(field, _("Vul postcode én huisnummer in."))
                continue
            try:
                cleaned[field] = parse(cleaned.get(field))
            except ValidationError as exc:
                self.add_error(field, exc.messages)
        if not self.errors:
            cleaned["household_key"] = household_key(
                cleaned["postcode"], cleaned["house_number"], cleaned["house_number_addition"]
            )
        return cleaned


class AccessLogQueryForm(HouseholdForm):
    household_required = False
    username = forms.CharField(label=_lazy("Gebruiker"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label=_lazy("Organisatie"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_lazy("Alle organisaties"),
    )
    date_from = forms.DateField(
        label=_lazy("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_lazy("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return cleaned

    def description(self) -> str:
        """The search as text, stored as the reason of the inquiry's own log row."""
        data = self.cleaned_data
        parts = [
            f"{label}={value}"
            for label, value in (
                ("huishouden", data.get("household_key")),
                ("gebruiker", data.get("username")),
                ("organisatie", data.get("organisation")),
                ("vanaf", data.get("date_from")),
                ("tot", data.get("date_to")),
            )
            if value
        ]
        return "; ".join(parts)


class ErasureForm(HouseholdForm):
    reason = forms.CharField(
        label=_lazy("Reden van het wissen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Geef de reden van het wissen op, bijvoorbeeld het verzoek."))
        return reason
