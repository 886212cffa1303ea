"""`{% load case_list %}`: the rows of a case list page (the team's cases, my cases),
rendered in one pass.

    {% case_rows rows cases_url=cases_url %}

A page lists up to 50 cases; as template markup each row cost some twenty nodes (every
value resolved, localised and escaped on its own, a filter per empty cell). Here each row
is one `format_html` with the HTML the template wrote, the labels that repeat from row to
row escaped once per page. The rows are `cases.selectors.case_list_rows`."""

from django import template
from django.utils.html import format_html, format_html_join
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
        self[text] = value = format_html("{}", text)
        return value


@register.simple_tag
def case_rows(rows, *, cases_url):
    """The `<tr>` of every row, as the case list's table body lists them."""
    escaped = _Escaped()
    confidential = format_html(' <span class="badge">{}</span>', gettext("Vertrouwelijk"))
    cases_url = escaped[cases_url]

    def cells(row):
        addition = row["house_number_addition"]
        return {
            "cases_url": cases_url,
            "pk": row["pk"],
            "reference": row["reference"],
            "confidential": confidential if row["confidential"] else escaped[""],
            "postcode": row["postcode"],
            "house_number": row["house_number"] or "",
            "addition": f"-{addition}" if addition else "",
            "state": escaped[row["state"]],
            "state_label": escaped[row["state_label"]],
            "assignee": escaped[row["assignee"] or NOTHING],
            "signal_count": row["signal_count"],
            "follow_up": escaped[row["follow_up"] or NOTHING],
            "opened": escaped[row["opened"]],
        }

    return format_html_join("", ROW, map(cells, rows))
