"""The case list pages' rows: written in one pass by `{% case_rows %}` with the HTML the
template markup wrote, and the assignee read per listed case rather than joined."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from cases import selectors, services

# The rows as the case list template wrote them before `{% case_rows %}`.
TEMPLATE_ROWS = (
    "{% load i18n %}{% translate 'Vertrouwelijk' as confidential %}"
    "{% for row in rows %}\n"
    "    <tr>\n"
    '      <td><a href="{{ cases_url }}{{ row.pk }}/">{{ row.reference }}</a>'
    "{% if row.confidential %}"
    ' <span class="badge">{{ confidential }}</span>{% endif %}</td>\n'
    '      <td>{{ row.postcode }} {{ row.house_number|default:"" }}'
    "{% if row.house_number_addition %}"
    "-{{ row.house_number_addition }}{% endif %}</td>\n"
    '      <td><span class="status status-{{ row.state }}">{{ row.state_label }}</span></td>\n'
    '      <td>{{ row.assignee|default:"—" }}</td>\n'
    '      <td class="number">{{ row.signal_count }}</td>\n'
    '      <td>{{ row.follow_up|default:"—" }}</td>\n'
    "      <td>{{ row.opened }}</td>\n"
    "    </tr>\n"
    "    {% endfor %}"
)


def row(**changes):
    values = {
        "pk": "5a75a9bb-ca32-45fc-a443-83933b641189",
        "reference": "CAS-2026-000001",
        "confidential": False,
        "postcode": "1012 AB",
        "house_number": 12,
        "house_number_addition": "",
        "state": "in_progress",
        "state_label": "In behandeling",
        "assignee": "Sara de Vries",
        "signal_count": 2,
        "follow_up": "22-11-2026",
        "opened": "11-11-2026",
    }
    return values | changes


ROWS = [
    row(),
    row(confidential=True, house_number_addition="bis", assignee="", follow_up=""),
    row(house_number=None, postcode="", state="new", state_label="Nieuw", signal_count=0),
    row(reference="<b>&'\"", assignee="<script>", house_number_addition="A&B"),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_case_rows_write_what_the_template_wrote(rows):
    context = {"rows": rows, "cases_url": "/casussen/"}
    tag = Template("{% load case_list %}{% case_rows rows cases_url=cases_url %}")
    assert tag.render(Context(context)) == Template(TEMPLATE_ROWS).render(Context(context))


def test_the_list_names_the_assignee_without_joining_the_users(file, user):
    noor, sara = user("noor"), user("sara")
    named = services.accept_signal(noor, file("anna", house_number=71))
    services.assign_case(noor, named, sara)
    nameless = services.accept_signal(noor, file("anna", house_number=72))
    services.assign_case(noor, nameless, noor)
    noor.first_name = noor.last_name = ""
    noor.save()
    unassigned = services.accept_signal(noor, file("anna", house_number=73))
    team = selectors.active_team(noor, {})

    cases = selectors.team_case_list(noor, team.pk)
    with CaptureQueriesContext(connection) as queries:
        rows = {r["reference"]: r["assignee"] for r in selectors.case_list_rows(cases)}
    assert len(queries) == 1 and 'JOIN "auth_user"' not in queries[0]["sql"]
    assert rows[named.reference] == sara.get_full_name()
    assert rows[nameless.reference] == "noor"  # no name: the username, as everywhere
    assert rows[unassigned.reference] == ""
