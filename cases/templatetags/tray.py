"""`{% load tray %}`: the rows of the work tray, rendered in one pass.

    {% tray_rows page.object_list is_lead=is_lead tray_url=tray_url %}

The tray shows up to 50 signals a page; as template markup every row cost some twenty
nodes, a translation lookup per label, a lazy choice label and two date filters. Here the
labels are translated and escaped once per page, so are the texts that repeat from row
to row (kind, district, organisation, deadline), and each row is one `str.format` of values
escaped with `html.escape` (what Django's `escape` does; `format_html` pays Django's
lazy-text check on every value), with the same HTML the template wrote. The signals come
from `selectors.work_tray` (its `is_overdue` and `is_due_today` annotations, its district
and organisation)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
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

    def __missing__(self, text):
        self[text] = value = escape(text)
        return value


@register.simple_tag
def tray_rows(signals, *, is_lead, tray_url):
    """The `<tr>` of every signal, as the tray's table body lists them."""
    escaped = _Escaped()
    kinds = {value: escape(label) for value, label in label_map(SignalKind).items()}
    select_label = gettext("Selecteer %(ref)s")
    urgent = f' <span class="badge badge-urgent">{escape(gettext("Spoed"))}</span>'
    multiple = f' <span class="badge">{escape(gettext("Meervoudig"))}</span>'
    overdue = BADGE.format("badge-overdue", escape(gettext("Te laat")))
    due_today = BADGE.format("badge-today", escape(gettext("Vandaag")))
    tray_url = escape(tray_url)
    row = LEAD_ROW if is_lead else MEMBER_ROW

    def html(signal):
        reference = signal.reference
        return row.format(
            pk=escape(str(signal.pk)),
            reference=escape(reference),
            kind=kinds.get(signal.kind) or escaped[signal.kind],
            urgent=urgent if signal.urgency == Urgency.URGENT else "",
            multiple=multiple if signal.is_multiple else "",
            address=escape(signal.address),
            district=escaped[(signal.district.name if signal.district_id else "") or "—"],
            organisation=escaped[signal.organisation.name],
            filed=escape(day(signal.filed_at)),
            deadline=escaped[day(signal.triage_deadline)],
            due=overdue if signal.is_overdue else due_today if signal.is_due_today else "",
            label=escape(select_label % {"ref": reference}) if is_lead else "",
            tray_url=tray_url,
        )

    return mark_safe("".join(map(html, signals)))  # noqa: S308 - every value escaped above
