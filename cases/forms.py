"""Forms of the triage and case pages. They parse input; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from signals.models import COVENANT_OUTCOMES, GENERAL_OUTCOMES, DeclineReason

from .models import HelpResponse, OutreachChannel, Threat
from .workflow import state_label

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"]

# Closing: rent-arrears signals get the covenant's codes, other kinds the general ones
# (`signals.models.outcome_for_kind`); the team picks one.
OUTCOME_CHOICES = [
    ("", "---------"),
    (_("Huurachterstand (convenant)"), [(o.value, o.label) for o in COVENANT_OUTCOMES]),
    (_("Overige signalen"), [(o.value, o.label) for o in GENERAL_OUTCOMES]),
]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


def _attrs(attrs) -> str:
    """An element's attributes as Django's `attrs.html` writes them: True as a bare name,
    False left out, anything else as `name="value"` (the value always escaped, as after
    its `stringformat:'s'`)."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', escape(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class PlainSelect(forms.Select):
    """A select with the HTML of Django's `select.html` and `select_option.html` (each
    option followed by that template's closing newline), written in Python: the template
    renderer includes a template per option, which for a picker of every active team cost
    more than the rest of the form."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>\n',
                (
                    (escape(option["value"]), _attrs(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            if group_name:
                html = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, html)
            groups.append(html)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


class FetchedChoices(forms.models.ModelChoiceIterator):
    """A model picker's options read with one ordinary query. Django reads them with
    `QuerySet.iterator()`, which on PostgreSQL declares a server-side cursor (declare,
    fetch, close: three round trips) to save memory on lists far longer than a picker."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class TeamChoiceField(forms.ModelChoiceField):
    iterator = FetchedChoices


class PageForm(forms.Form):
    """Several forms share one page: give each its own element ids (same field names)."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DeclineForm(PageForm):
    id_prefix = "decline"
    reason_category = forms.ChoiceField(
        label=_("Reden"), choices=[("", "---------"), *DeclineReason.choices], widget=PlainSelect
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
    team = TeamChoiceField(label=_("Naar wijkteam"), queryset=None, widget=PlainSelect)
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
        widget=PlainSelect,
    )
    signals = forms.MultipleChoiceField(label=_("Signalen"), choices=())
    reason_category = forms.ChoiceField(
        label=_("Reden (bij niet oppakken)"),
        choices=[("", "---------"), *DeclineReason.choices],
        required=False,
        widget=PlainSelect,
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
    reached = forms.BooleanField(label=_("Bewoner bereikt"), required=False)
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
    assignee = forms.ModelChoiceField(
        label=_("Behandelaar"), queryset=None, required=False, empty_label=_("(niemand)")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members
        self.fields["assignee"].label_from_instance = user_label


class ConfidentialForm(PageForm):
    id_prefix = "confidential"
    confidential = forms.BooleanField(
        label=_("Vertrouwelijk: alleen behandelaar en triagisten"), required=False
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
    with_user = forms.ModelChoiceField(
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
        self.fields["with_user"].label_from_instance = user_label


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class EndShareForm(forms.Form):
    with_user = forms.ModelChoiceField(label=_("Gebruiker"), queryset=get_user_model().objects)


class TeamSwitchForm(forms.Form):
    team = forms.ChoiceField(label=_("Wijkteam"), choices=())

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(str(t.pk), t.name) for t in teams]
