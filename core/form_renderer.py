"""A form renderer that writes the common widgets in Python.

Django renders every widget, and every `<option>` of a select, through a template of its
own (`django/forms/widgets/*.html`); on a page with a few selects that is most of the cost
of the form. `WIDGET_RENDERER` writes the same HTML, byte for byte, with plain string
formatting for the widgets listed in `_WIDGETS`, and leaves every other template (forms,
error lists, other widgets) to the usual template renderer. A form opts in with

    class MyForm(forms.Form):
        default_renderer = WIDGET_RENDERER

`tests/core/test_form_renderer.py` compares the output with Django's templates."""

from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

_W = "django/forms/widgets/"


def _attrs(attrs: dict) -> str:
    """`attrs.html`: ` name="value"` per attribute, ` name` for True, nothing for False."""
    html = ""
    for name, value in attrs.items():
        if value is True:
            html += f" {conditional_escape(name)}"
        elif value is not False:
            html += f' {conditional_escape(name)}="{conditional_escape(value)}"'
    return html


def _text(value) -> str:
    """`{{ value }}`: localised (numbers, dates) and escaped, as a template prints it."""
    if isinstance(value, str):
        return conditional_escape(value)
    return conditional_escape(str(localize(template_localtime(value))))


def _input(widget: dict) -> str:
    """`input.html` (text, search, date, checkbox … all include it)."""
    value = widget["value"]
    value_html = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value_html}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _option(option: dict) -> str:
    """`select_option.html`."""
    return (
        f'<option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    """`select.html`, option groups included."""
    html = f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html += f'\n  <optgroup label="{_text(group_name)}">'
        for option in options:
            html += f"\n  {_option(option)}\n"
        if group_name:
            html += "\n  </optgroup>"
    return html + "\n</select>"


def _input_option(widget: dict) -> str:
    """`input_option.html` (one radio button or checkbox of a multiple choice)."""
    if not widget["wrap_label"]:
        return _input(widget)
    label_for = widget["attrs"].get("id")
    for_html = f' for="{conditional_escape(label_for)}"' if label_for else ""
    return f"<label{for_html}>{_input(widget)}\n {_text(widget['label'])}</label>"


_WIDGETS = {
    **{
        f"{_W}{name}.html": _input
        for name in (
            "input",
            "text",
            "search",
            "date",
            "datetime",
            "email",
            "number",
            "checkbox",
            "hidden",
        )
    },
    f"{_W}textarea.html": _textarea,
    f"{_W}select.html": _select,
    f"{_W}radio_option.html": _input_option,
    f"{_W}checkbox_option.html": _input_option,
}


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = _WIDGETS.get(template_name)
        html = write(context["widget"]) if write else None
        if html is None:
            return super().render(template_name, context, request=request)
        return html


WIDGET_RENDERER = WidgetRenderer()


class FetchedChoices(ModelChoiceIterator):
    """A model picker's options read with one ordinary query. Django reads them with
    `QuerySet.iterator()`, which on PostgreSQL declares a server-side cursor (declare,
    fetch, close: three round trips) to save memory on lists far longer than a picker."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class FetchedModelChoiceField(ModelChoiceField):
    """A model picker whose options are read with one ordinary query (`FetchedChoices`)."""

    iterator = FetchedChoices
