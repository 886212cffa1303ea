"""`{% load district %}`: the rows of the district page's quarter tables, in one pass.

    {% received_rows quarters %}  {% follow_up_rows quarters %}

Eight quarters of five and eleven figures: as template markup every cell cost a
variable lookup, a filter and a condition or two. Here each row is one `format_html`,
with the same HTML the template wrote: numbers as the template prints them
(`formats.localize`: "3,5" for a median), "–" for a figure not shown. The quarters come
from `privacy.aggregates.district_page_figures` (the view adds `total` and
`outcome_cells`)."""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import format_html_join

register = template.Library()

NOT_SHOWN = "–"
RECEIVED_ROW = '\n    <tr><th scope="row">{}</th>{}</tr>\n  '
RECEIVED_CELL = '<td class="number nowrap">{}{}</td>'
FOLLOW_UP_ROW = (
    "\n    <tr>\n"
    '      <th scope="row">{}</th>\n'
    '      <td class="number">{}</td>\n'
    '      <td class="number">{}</td>\n'
    "      {}\n"
    "    </tr>\n  "
)
CELL = '<td class="number">{}</td>'


def _number(value) -> str:
    """A number as the template prints it (`localize`). An integer without thousands
    separators is its digits: the shortcut Django's `numberformat` takes too, here
    without first looking up the language's separators for each figure."""
    if isinstance(value, int) and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return localize(value)


def _figure(value) -> str:
    return NOT_SHOWN if value is None else _number(value)


def _trend(value) -> str:
    if value is None:
        return ""
    return f" ({'+' if value > 0 else ''}{_number(value)})"


@register.simple_tag
def received_rows(quarters):
    """Per quarter: signals received per kind and in total, with the trend."""

    def cells(quarter):
        figures = ((_figure(f.received), _trend(f.trend)) for f in quarter.kinds)
        return format_html_join("", RECEIVED_CELL, figures)

    return format_html_join(
        "", RECEIVED_ROW, ((quarter.label, cells(quarter)) for quarter in quarters)
    )


@register.simple_tag
def follow_up_rows(quarters):
    """Per quarter, every kind: the share that became a case, the median working days
    to triage and the count per outcome."""
    return format_html_join(
        "",
        FOLLOW_UP_ROW,
        (
            (
                quarter.label,
                NOT_SHOWN
                if quarter.total.became_case is None
                else f"{_number(quarter.total.became_case)}%",
                _figure(quarter.total.median_triage_days),
                format_html_join("", CELL, ((_figure(v),) for v in quarter.outcome_cells)),
            )
            for quarter in quarters
        ),
    )
