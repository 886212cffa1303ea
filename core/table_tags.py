"""`{% load tables %}`: the header row of a data table, so every table in the portal
announces its columns the same way to screen readers (`scope="col"`, WCAG 1.3.1).

    <thead>{% column_headers _("Kenmerk") _("Gemeld op") action=_("Acties") %}</thead>

Each label is a column; `action`, when given, is a last column of buttons whose header is
read out but not shown. Labels are passed with `_()` so that `makemessages` finds them.
Registered in `TEMPLATES["OPTIONS"]["libraries"]` (core is no app of its own)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def column_headers(*labels, action=None):
    cells = format_html_join("", '<th scope="col">{}</th>', ((label,) for label in labels))
    if action:
        cells += format_html('<th scope="col"><span class="visually-hidden">{}</span></th>', action)
    return format_html("<tr>{}</tr>", cells)
