"""`{% load notification_list %}`: the rows of the notification list, rendered in one pass.

    {% notification_rows rows next=request.get_full_path %}

The list shows 25 notifications a page, each with up to two small forms (open, mark
read) carrying the CSRF token; as template markup a row cost some thirty nodes. Here the
labels and the token's hidden input are made once per page (the input by Django's own
`{% csrf_token %}` node) and each row is one `str.format` of values escaped with
`html.escape` (what Django's `escape` does; the rows of `notifications.views._rows` hold
plain text only), with the HTML the template wrote."""

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
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
    read = escape(gettext("Gelezen"))
    unread = f'<span class="badge">{escape(gettext("Ongelezen"))}</span>'
    open_label = escape(gettext("Openen"))
    mark_read_label = escape(gettext("Markeer als gelezen"))
    next_url = escape(next)

    def html(row):
        subject = escape(row["subject"])
        open_form = mark_read_form = ""
        if row["open_url"]:
            open_form = OPEN_FORM.format(
                url=escape(row["open_url"]), csrf=csrf, label=open_label, subject=subject
            )
        if row["mark_read_url"]:
            mark_read_form = MARK_READ_FORM.format(
                url=escape(row["mark_read_url"]),
                csrf=csrf,
                next=next_url,
                label=mark_read_label,
                subject=subject,
            )
        return ROW.format(
            subject_cell=subject if row["read"] else f"<strong>{subject}</strong>",
            body=escape(row["body"]),
            kind=escape(row["kind"]),
            created_on=escape(row["created_on"]),
            state=read if row["read"] else unread,
            open_form=open_form,
            mark_read_form=mark_read_form,
        )

    return mark_safe("".join(map(html, rows)))  # noqa: S308 - every value escaped above
