"""The district page's quarter tables are written in Python (`partners/templatetags/
district.py`): byte for byte the HTML the template markup wrote, for shown, hidden,
zero and negative figures and medians with a fraction."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from privacy.aggregates import KindFigures, QuarterFigures

MARKUP_RECEIVED = """{% for quarter in quarters %}
    <tr><th scope="row">{{ quarter.label }}</th>{% for f in quarter.kinds %}<td class="number nowrap">{{ f.received|default_if_none:"–" }}{% if f.trend is not None %} ({% if f.trend > 0 %}+{% endif %}{{ f.trend }}){% endif %}</td>{% endfor %}</tr>
  {% endfor %}"""  # noqa: E501

MARKUP_FOLLOW_UP = """{% for quarter in quarters %}
    <tr>
      <th scope="row">{{ quarter.label }}</th>
      <td class="number">{% if quarter.total.became_case is None %}–{% else %}{{ quarter.total.became_case }}%{% endif %}</td>
      <td class="number">{{ quarter.total.median_triage_days|default_if_none:"–" }}</td>
      {% for value in quarter.outcome_cells %}<td class="number">{{ value|default_if_none:"–" }}</td>{% endfor %}
    </tr>
  {% endfor %}"""  # noqa: E501


def _quarters():
    figures = [
        KindFigures("nuisance", received=1570, became_case=70, median_triage_days=3.0, trend=184),
        KindFigures("rent_arrears", received=None, trend=None),
        KindFigures("other", received=0, became_case=None, median_triage_days=None, trend=-41),
        KindFigures(None, received=12345, became_case=0, median_triage_days=3.5, trend=0),
    ]
    quarters = []
    for i, total in enumerate([figures[3], figures[0], figures[2], figures[1]]):
        quarter = QuarterFigures(start=date(2026, 10, 1), label=f"2026-K{4 - i}<", kinds=figures)
        quarter.total = total
        quarter.outcome_cells = [0, None, 7, 1234, None]
        quarters.append(quarter)
    return quarters


@pytest.mark.parametrize(
    ("markup", "tag"),
    [(MARKUP_RECEIVED, "received_rows"), (MARKUP_FOLLOW_UP, "follow_up_rows")],
)
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("separators", [False, True])
def test_rows_are_the_markups_html(markup, tag, language, separators, settings):
    settings.USE_THOUSAND_SEPARATOR = separators
    context = {"quarters": _quarters()}
    with translation.override(language):
        expected = Template(markup).render(Context(context))
        written = Template("{% load district %}{% " + tag + " quarters %}").render(Context(context))
    assert written == expected
    if tag == "follow_up_rows" and language == "nl":
        assert '<td class="number">3,5</td>' in written  # a Dutch decimal comma
        assert ("1.234" if separators else ">1234<") in written
