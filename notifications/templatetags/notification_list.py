"""`{% load notification_list %}`: the rows of the notification list, rendered in one pass.

    {% notification_rows rows next=request.get_full_path %}

The list shows 25 notifications a page, each with up to two small forms (open, mark
read) carrying the CSRF token; as template markup a row cost some thirty nodes. Here the
labels and the token's hidden input are made once per page (the input by Django's own
`{% csrf_token %}` node) and each row is one `format_html`, with the HTML the template
wrote. The rows are `notifications.views._rows`."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

ROW = (
    "\n    <tr>\n      <td>\n        {subject_cell}\n"
    '        <p class="help">{body}</p>\n'
    "      </td>\n"
    "      <td>{kind}</td>\n"
    "      <td>{created_on}</td>\n"
    "      <td>{state}</td>\n"
    "      <td>\n        {open_form}\n        {mark_read_form}\n      </td>\n"
    "    </tr>\n    "
)
OPEN_FORM = (
    '\n        <form method="post" action="{url}">\n'
    "          {csrf}\n"
    '          <button type="submit" class="button-link">{label}'
    '<span class="visually-hidden">: {subject}</span></button>\n'
    "        </form>\n        "
)
MARK_READ_FORM = (
    '\n        <form method="post" action="{url}">\n'
    "          {csrf}\n"
    '          <input type="hidden" name="next" value="{next}">\n'
    '          <button type="submit" class="button-link">{label}'
    '<span class="visually-hidden">: {subject}</span></button>\n'
    "        </form>\n        "
)


@register.simple_tag(takes_context=True)
def notification_rows(context, rows, *, next):
    """The `<tr>` of every row, as the notification list's table body lists them."""
    csrf = CsrfTokenNode().render(context)
    read = format_html("{}", gettext("Gelezen"))
    unread = format_html('<span class="badge">{}</span>', gettext("Ongelezen"))
    open_label = format_html("{}", gettext("Openen"))
    mark_read_label = format_html("{}", gettext("Markeer als gelezen"))
    next_url = format_html("{}", next)
    nothing = mark_safe("")

    def cells(row):
        subject = format_html("{}", row["subject"])
        return {
            "subject_cell": subject if row["read"] else format_html("<strong>{}</strong>", subject),
            "body": row["body"],
            "kind": row["kind"],
            "created_on": row["created_on"],
            "state": read if row["read"] else unread,
            "open_form": format_html(
                OPEN_FORM, url=row["open_url"], csrf=csrf, label=open_label, subject=subject
            )
            if row["open_url"]
            else nothing,
            "mark_read_form": format_html(
                MARK_READ_FORM,
                url=row["mark_read_url"],
                csrf=csrf,
                next=next_url,
                label=mark_read_label,
                subject=subject,
            )
            if row["mark_read_url"]
            else nothing,
        }

    return format_html_join("", ROW, map(cells, rows))
