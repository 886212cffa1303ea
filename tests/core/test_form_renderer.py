"""`core.form_renderer.WIDGET_RENDERER` writes the same HTML as Django's widget templates."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.form_renderer import WIDGET_RENDERER

CHOICES = [("", _("Alle")), ("a", "A & B"), ("b", _("Ontvangen")), (3, 'Drie "3"')]


class Everything(forms.Form):
    text = forms.CharField(label="Tekst", help_text="Hulp", max_length=10)
    search = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "size": 8})
    )
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    number = forms.DecimalField(required=False)
    mail = forms.EmailField(required=False)
    story = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    agreed = forms.BooleanField(required=False)
    must = forms.BooleanField()
    pick = forms.ChoiceField(choices=CHOICES)
    pick_optional = forms.ChoiceField(choices=CHOICES, required=False)
    pick_first_value = forms.TypedChoiceField(choices=[(1, "Een"), (2, "Twee")], coerce=int)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, required=False)
    boxes = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False
    )
    grouped = forms.ChoiceField(
        required=False, choices=[("Groep", [("x", "X"), ("y", "Y")]), ("z", "Z")]
    )


DATA = [
    None,
    {},
    {
        "text": 'a "quoted" <b>value</b> & more',
        "search": "1011 AB",
        "when": "2026-12-01",
        "number": "12,50",
        "mail": "not-an-address",
        "story": "\nregel 1\nregel <2>",
        "agreed": "on",
        "pick": "b",
        "pick_optional": "3",
        "pick_first_value": "2",
        "radio": "a",
        "boxes": ["a", "3"],
        "grouped": "y",
    },
    {"when": "gisteren", "pick": "onbekend", "radio": "onbekend", "story": "   "},
]
INITIAL = {"when": date(2026, 1, 31), "number": Decimal("1234.5"), "pick": 3, "story": "x"}


def html_of(form: forms.Form) -> list[str]:
    parts = [str(field) for field in form]
    parts += [widget.tag() for widget in form["radio"]]
    parts += [str(widget) for widget in form["boxes"]]
    return parts


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_widgets_are_written_as_the_templates_write_them(data, language):
    with translation.override(language):
        for kwargs in ({"data": data}, {"initial": INITIAL}, {"data": data, "auto_id": False}):
            expected = html_of(Everything(renderer=get_default_renderer(), **kwargs))
            assert html_of(Everything(renderer=WIDGET_RENDERER, **kwargs)) == expected


def test_safe_and_unsafe_attribute_values():
    widget = forms.TextInput(attrs={"data-x": mark_safe("&amp;"), "data-y": "&", "hidden": True})
    for flag in (False, True):
        widget.attrs["disabled"] = flag
        expected = widget.render("n", '"<v>"', renderer=get_default_renderer())
        assert widget.render("n", '"<v>"', renderer=WIDGET_RENDERER) == expected
