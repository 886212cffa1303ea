"""`{% load case_list %}`: the rows of a case list page (the team's cases, my cases),
rendered in one pass.

    {% case_rows rows cases_url=cases_url %}

A page lists up to 50 cases; as template markup each row cost some twenty nodes (every
value resolved, localised and escaped on its own, a filter per empty cell), and even one
`format_html` per row pays Django's lazy-text check on every value. Here each row is one
`str.format` of values escaped with `html.escape` (what Django's `escape` does; the rows
of `cases.selectors.case_list_rows` hold plain text and numbers only), with the HTML the
template wrote; the labels that repeat from row to row are escaped once per page."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

ROW = (
    "\n    <tr>\n"
    '      <td><a href="{cases_url}{pk}/">{reference}</a>{confidential}</td>\n'
    "      <td>{postcode} {house_number}{addition}</td>\n"
    '      <td><span class="status status-{state}">{state_label}</span></td>\n'
    "      <td>{assignee}</td>\n"
    '      <td class="number">{signal_count}</td>\n'
    "      <td>{follow_up}</td>\n"
    "      <td>{opened}</td>\n"
    "    </tr>\n    "
)
NOTHING = "—"  # an empty cell, as `|default:"—"` wrote it


class _Escaped(dict):
    """Texts escaped once per page: `escaped[text]`."""

    def __missing__(self, text):
        self[text] = value = escape(text)
        return value


@register.simple_tag
def case_rows(rows, *, cases_url):
    """The `<tr>` of every row, as the case list's table body lists them."""
    labels = _Escaped()
    confidential = f' <span class="badge">{escape(gettext("Vertrouwelijk"))}</span>'
    cases_url = escape(cases_url)

    def html(row):
        addition = row["house_number_addition"]
        return ROW.format(
            cases_url=cases_url,
            pk=escape(str(row["pk"])),
            reference=escape(row["reference"]),
            confidential=confidential if row["confidential"] else "",
            postcode=escape(row["postcode"]),
            house_number=row["house_number"] or "",  # a number
            addition=escape(f"-{addition}") if addition else "",
            state=labels[row["state"]],
            state_label=labels[row["state_label"]],
            assignee=labels[row["assignee"] or NOTHING],
            signal_count=row["signal_count"],  # a number
            follow_up=labels[row["follow_up"] or NOTHING],
            opened=labels[row["opened"]],
        )

    return mark_safe("".join(map(html, rows)))  # noqa: S308 - every value escaped above
