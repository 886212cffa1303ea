"""`{% load tray %}`: the rows of the work tray, rendered in one pass.

    {% tray_rows page.object_list is_lead=is_lead tray_url=tray_url %}

The tray shows up to 50 signals a page; as template markup every row cost some twenty
nodes, a translation lookup per label, a lazy choice label and two date filters. Here the
labels are translated and escaped once per page, so are the texts that repeat from row
to row (kind, district, organisation, deadline), and each row is one `format_html`, with the same
HTML the template wrote. The signals come from `selectors.work_tray` (its `is_overdue` and
`is_due_today` annotations, its district and organisation)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from core.tables import day, label_map
from signals.models import SignalKind, Urgency

register = template.Library()

CELLS = (
    "      <td>{kind}{urgent}{multiple}</td>\n"
    "      <td>{address}</td>\n"
    "      <td>{district}</td>\n"
    "      <td>{organisation}</td>\n"
    "      <td>{filed}</td>\n"
    "      <td>{deadline}\n        {due}</td>\n    </tr>\n    "
)
# A triage lead selects rows for the bulk actions and opens a signal's triage page (the
# tray's URL plus the id: no reverse per row); a team member reads the reference only.
LEAD_ROW = (
    "\n    <tr>\n"
    '      <td><input type="checkbox" name="signals" value="{pk}" id="select-{pk}" '
    'aria-label="{label}"></td>\n'
    '      <td><a href="{tray_url}{pk}/">{reference}</a></td>\n' + CELLS
)
MEMBER_ROW = "\n    <tr>\n      \n      <td>{reference}</td>\n" + CELLS
BADGE = '<span class="badge {}">{}</span>'


class _Escaped(dict):
    """Texts escaped once per page: `escaped[text]`."""

    def __missing__(self, name):
        self[name] = value = format_html("{}", name)
        return value


@register.simple_tag
def tray_rows(signals, *, is_lead, tray_url):
    """The `<tr>` of every signal, as the tray's table body lists them."""
    escaped = _Escaped()
    kinds = {value: escaped[label] for value, label in label_map(SignalKind).items()}
    select_label = gettext("Selecteer %(ref)s")
    urgent = format_html(' <span class="badge badge-urgent">{}</span>', gettext("Spoed"))
    multiple = format_html(' <span class="badge">{}</span>', gettext("Meervoudig"))
    overdue = format_html(BADGE, "badge-overdue", gettext("Te laat"))
    due_today = format_html(BADGE, "badge-today", gettext("Vandaag"))
    tray_url = escaped[tray_url]
    nothing = escaped[""]

    def row(signal):
        cells = {
            "pk": signal.pk,
            "reference": signal.reference,
            "kind": kinds.get(signal.kind) or escaped[signal.kind],
            "urgent": urgent if signal.urgency == Urgency.URGENT else nothing,
            "multiple": multiple if signal.is_multiple else nothing,
            "address": signal.address,
            "district": escaped[(signal.district.name if signal.district_id else "") or "—"],
            "organisation": escaped[signal.organisation.name],
            "filed": day(signal.filed_at),
            "deadline": escaped[day(signal.triage_deadline)],
            "due": overdue if signal.is_overdue else due_today if signal.is_due_today else nothing,
        }
        if is_lead:
            cells["label"] = select_label % {"ref": signal.reference}
            cells["tray_url"] = tray_url
        return cells

    return format_html_join("", LEAD_ROW if is_lead else MEMBER_ROW, map(row, signals))
