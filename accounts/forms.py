"""Forms of the account pages (Dutch labels and messages)."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("De 6 cijfers uit uw authenticator-app, of een van uw reservecodes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": _("Vul de code in.")},
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de app"),
        max_length=6,
        min_length=6,
        help_text=_("De 6 cijfers die de app nu toont."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Vul de code uit de app in."),
            "min_length": _("De code bestaat uit 6 cijfers."),
            "max_length": _("De code bestaat uit 6 cijfers."),
        },
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Waarvoor gebruikt u deze token? Bijvoorbeeld: koppeling huuradministratie."),
        error_messages={"required": _("Geef de token een naam.")},
    )
    days = forms.IntegerField(
        label=_("Geldig (dagen)"),
        error_messages={
            "required": _("Vul in hoeveel dagen de token geldig is."),
            "invalid": _("Vul een heel aantal dagen in."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maximum = settings.API_TOKEN_MAX_DAYS
        days = self.fields["days"]
        days.initial = min(90, maximum)
        days.help_text = _("Minimaal 1, maximaal %(max)s dagen.") % {"max": maximum}
        days.widget.attrs.update({"min": 1, "max": maximum})
        days.validators += [
            MinValueValidator(1, _("Een token is minstens 1 dag geldig.")),
            MaxValueValidator(
                maximum, _("Een token is hoogstens %(max)s dagen geldig.") % {"max": maximum}
            ),
        ]
