"""`{% load tray %}`: the rows of the work tray, rendered in one pass.

    {% tray_rows page.object_list is_lead=is_lead tray_url=tray_url %}

The tray shows up to 50 signals a page; as template markup every row cost some twenty
nodes, a translation lookup per label, a lazy choice label and two date filters. Here the
labels are translated once per page and each row is one `format_html`, with the same
HTML the template wrote. The signals come from `selectors.work_tray` (its `is_overdue` and
`is_due_today` annotations, its district and organisation)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from signals.models import SignalKind, Urgency

register = template.Library()

# The same day the template filter `date:"d-m-Y"` writes, the tray's dates are shown so.
DAY = "%d-%m-%Y"

ROW = (
    "\n    <tr>\n      {select}\n      <td>{reference}</td>\n"
    "      <td>{kind}{urgent}{multiple}</td>\n"
    "      <td>{address}</td>\n"
    "      <td>{district}</td>\n"
    "      <td>{organisation}</td>\n"
    "      <td>{filed}</td>\n"
    "      <td>{deadline}\n        {due}</td>\n    </tr>\n    "
)
SELECT = (
    '<td><input type="checkbox" name="signals" value="{pk}" id="select-{pk}" '
    'aria-label="{label}"></td>'
)
BADGE = '<span class="badge {}">{}</span>'


@register.simple_tag
def tray_rows(signals, *, is_lead, tray_url):
    """The `<tr>` of every signal: a triage lead gets a checkbox and a link to the triage
    page (the tray's URL plus the id: no reverse per row)."""
    kinds = {value: str(label) for value, label in SignalKind.choices}
    select_label = gettext("Selecteer %(ref)s")
    urgent = format_html(' <span class="badge badge-urgent">{}</span>', gettext("Spoed"))
    multiple = format_html(' <span class="badge">{}</span>', gettext("Meervoudig"))
    overdue = format_html(BADGE, "badge-overdue", gettext("Te laat"))
    due_today = format_html(BADGE, "badge-today", gettext("Vandaag"))

    def row(signal):
        if is_lead:
            select = format_html(
                SELECT, pk=signal.pk, label=select_label % {"ref": signal.reference}
            )
            reference = format_html('<a href="{}{}/">{}</a>', tray_url, signal.pk, signal.reference)
        else:
            select, reference = "", signal.reference
        return {
            "select": select,
            "reference": reference,
            "kind": kinds.get(signal.kind, signal.kind),
            "urgent": urgent if signal.urgency == Urgency.URGENT else "",
            "multiple": multiple if signal.is_multiple else "",
            "address": signal.address,
            "district": (signal.district.name if signal.district_id else "") or "—",
            "organisation": signal.organisation.name,
            "filed": timezone.localtime(signal.filed_at).strftime(DAY),
            "deadline": signal.triage_deadline.strftime(DAY),
            "due": overdue if signal.is_overdue else due_today if signal.is_due_today else "",
        }

    return format_html_join("", ROW, (row(signal) for signal in signals))
