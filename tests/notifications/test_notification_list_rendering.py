"""The notification list's rows, written in one pass by `{% notification_rows %}` with the
HTML the template markup wrote."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

# The rows as the notification list template wrote them before `{% notification_rows %}`.
TEMPLATE_ROWS = """{% load i18n %}{% translate "Gelezen" as read_label %}\
{% translate "Ongelezen" as unread_label %}{% translate "Openen" as open_label %}\
{% translate "Markeer als gelezen" as mark_read_label %}{% with next=request.get_full_path %}
    {% for row in rows %}
    <tr>
      <td>
        {% if row.read %}{{ row.subject }}{% else %}<strong>{{ row.subject }}</strong>{% endif %}
        <p class="help">{{ row.body }}</p>
      </td>
      <td>{{ row.kind }}</td>
      <td>{{ row.created_on }}</td>
      <td>{% if row.read %}{{ read_label }}{% else %}<span class="badge">{{ unread_label }}</span>\
{% endif %}</td>
      <td>
        {% if row.open_url %}
        <form method="post" action="{{ row.open_url }}">
          {% csrf_token %}
          <button type="submit" class="button-link">{{ open_label }}\
<span class="visually-hidden">: {{ row.subject }}</span></button>
        </form>
        {% endif %}
        {% if row.mark_read_url %}
        <form method="post" action="{{ row.mark_read_url }}">
          {% csrf_token %}
          <input type="hidden" name="next" value="{{ next }}">
          <button type="submit" class="button-link">{{ mark_read_label }}\
<span class="visually-hidden">: {{ row.subject }}</span></button>
        </form>
        {% endif %}
      </td>
    </tr>
    {% endfor %}{% endwith %}"""
TAG_ROWS = """{% load notification_list %}
    {% notification_rows rows next=request.get_full_path %}"""


def row(**changes):
    values = {
        "subject": "Vervolgdatum bereikt: CAS-2026-000001",
        "body": "Casus CAS-2026-000001 had op 01-12-2026 een vervolgactie.",
        "kind": "Vervolgdatum bereikt",
        "created_on": "01-12-2026",
        "read": False,
        "open_url": "/meldingen/7/openen/",
        "mark_read_url": "/meldingen/7/gelezen/",
    }
    return values | changes


ROWS = [
    row(),
    row(read=True, mark_read_url=""),
    row(open_url=""),
    row(read=True, open_url="", mark_read_url=""),
    row(subject="<b>&'\"", body="<script>alert(1)</script>", kind="A&B"),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[3:4], []])
@pytest.mark.parametrize("token", ["zQ9token", "NOTPROVIDED", ""])
def test_notification_rows_write_what_the_template_wrote(rows, token):
    request = RequestFactory().get("/meldingen/", {"page": "2", "x": "<&>"})
    context = {"rows": rows, "request": request, "csrf_token": token}
    expected = Template(TEMPLATE_ROWS).render(Context(context))
    assert Template(TAG_ROWS).render(Context(context)) == expected
