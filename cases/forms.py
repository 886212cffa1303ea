"""Forms of the triage and case pages. They parse input; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.form_renderer import WIDGET_RENDERER, FetchedModelChoiceField
from signals.models import COVENANT_OUTCOMES, GENERAL_OUTCOMES, DeclineReason

from .models import HelpResponse, OutreachChannel, Threat
from .selectors import person_label, person_name
from .workflow import state_label

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"]

# Closing: rent-arrears signals get the covenant's codes, other kinds the general ones
# (`signals.models.outcome_for_kind`); the team picks one.
OUTCOME_CHOICES = [
    ("", "---------"),
    (_("Huurachterstand (convenant)"), [(o.value, o.label) for o in COVENANT_OUTCOMES]),
    (_("Overige signalen"), [(o.value, o.label) for o in GENERAL_OUTCOMES]),
]

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceIterator(ModelChoiceIterator):
    """A person picker's options read as (id, names) rows when the picker is rendered:
    one plain query, no user objects. Validation still goes through the queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "first_name", "last_name", "username")
        for pk, first_name, last_name, username in rows:
            yield (pk, person_label(first_name, last_name, username))


class PersonChoiceField(forms.ModelChoiceField):
    """Pick one user from `queryset` (the assign and share pickers)."""

    iterator = PersonChoiceIterator

    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class PageForm(forms.Form):
    """Several forms share one page: give each its own element ids (same field names).
    Their widgets are written by `core.form_renderer` (the same HTML as Django's widget
    templates, without a template per option of a picker)."""

    default_renderer = WIDGET_RENDERER
    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DeclineForm(PageForm):
    id_prefix = "decline"
    reason_category = forms.ChoiceField(
        label=_("Reden"), choices=[("", "---------"), *DeclineReason.choices]
    )
    reason = forms.CharField(
        label=_("Bericht aan de melder"),
        help_text=_(
            "De melder leest dit bij het signaal. Schrijf niet of het huishouden bij het "
            "wijkteam bekend is."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RerouteForm(PageForm):
    id_prefix = "reroute"
    team = FetchedModelChoiceField(label=_("Naar wijkteam"), queryset=None)
    reason = forms.CharField(
        label=_("Reden van doorzetten"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class BulkForm(PageForm):
    id_prefix = "bulk"
    ACCEPT = "accept"
    DECLINE = "decline"
    action = forms.ChoiceField(
        label=_("Actie"),
        choices=[(ACCEPT, _("Oppakken")), (DECLINE, _("Niet oppakken"))],
    )
    signals = forms.MultipleChoiceField(label=_("Signalen"), choices=())
    reason_category = forms.ChoiceField(
        label=_("Reden (bij niet oppakken)"),
        choices=[("", "---------"), *DeclineReason.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Bericht aan de melder (bij niet oppakken)"),
        help_text=_(
            "De melder leest dit bij het signaal. Schrijf niet of het huishouden bij het "
            "wijkteam bekend is."
        ),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, signal_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signals"].choices = [(str(pk), str(pk)) for pk in signal_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.DECLINE and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Geef een toelichting voor de melder."))
        return cleaned


class NoteForm(PageForm):
    id_prefix = "note"
    text = forms.CharField(
        label=_("Notitie"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TransitionForm(PageForm):
    """One status change. The case page shows one small form per allowed move, each with
    only the fields that move needs (`workflow.Transition.required`): the target travels
    hidden, the reason only when pausing or reopening, the outcome only when closing."""

    id_prefix = "transition"
    to = forms.ChoiceField(label=_("Nieuwe status"), choices=(), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst voor de melder"),
        required=False,
        choices=OUTCOME_CHOICES,
        help_text=_(
            "Bij huurachterstand hoort de melder alleen of er contact was en of hulp is "
            "geaccepteerd."
        ),
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(m.target, state_label(m.target)) for m in moves]


class OutreachForm(PageForm):
    id_prefix = "outreach"
    channel = forms.ChoiceField(label=_("Kanaal"), choices=OutreachChannel.choices)
    at = forms.DateTimeField(
        label=_("Datum en tijd"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    reached = forms.BooleanField(
        label=_("Bewoner bereikt"), required=False, widget=forms.CheckboxInput
    )
    note = forms.CharField(
        label=_("Toelichting bij de contactpoging"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HelpForm(PageForm):
    id_prefix = "help"
    response = forms.ChoiceField(label=_("Antwoord van de bewoner"), choices=HelpResponse.choices)
    at = forms.DateTimeField(
        label=_("Datum en tijd"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    threat = forms.ChoiceField(
        label=_("Dreiging (Wgs art. 4a)"),
        required=False,
        choices=[("", _("Geen")), *Threat.choices],
        help_text=_("Bij een dreiging is het eerste gesprek binnen drie werkdagen."),
    )


class AssignForm(PageForm):
    id_prefix = "assign"
    assignee = PersonChoiceField(
        label=_("Behandelaar"), queryset=None, required=False, empty_label=_("(niemand)")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class ConfidentialForm(PageForm):
    id_prefix = "confidential"
    confidential = forms.BooleanField(
        label=_("Vertrouwelijk: alleen behandelaar en triagisten"),
        required=False,
        widget=forms.CheckboxInput,
    )


class FollowUpForm(PageForm):
    id_prefix = "follow_up"
    follow_up_date = forms.DateField(
        label=_("Vervolgdatum"), required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS
    )


class ShareForm(PageForm):
    """Share with one person, picked from those the policy allows (`recipients`); a
    posted user outside that list is refused as an invalid choice."""

    id_prefix = "share"
    with_user = PersonChoiceField(
        label=_("Delen met"),
        queryset=None,
        help_text=_("Alleen medewerkers en triagisten van wijkteams in deze gemeente."),
        error_messages={"invalid_choice": _("Met deze gebruiker kunt u deze casus niet delen.")},
    )
    reason = forms.CharField(
        label=_("Reden van delen"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    until = forms.DateField(label=_("Tot en met"), widget=DATE_INPUT, input_formats=DATE_FORMATS)

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["with_user"].queryset = recipients


class EndShareForm(forms.Form):
    with_user = forms.ModelChoiceField(label=_("Gebruiker"), queryset=get_user_model().objects)


class TeamSwitchForm(forms.Form):
    team = forms.ChoiceField(label=_("Wijkteam"), choices=())

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(str(t.pk), t.name) for t in teams]
