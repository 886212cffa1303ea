"""`{% column_headers %}`: one header row for every data table."""

from django.template import engines
from django.utils import translation
from django.utils.translation.template import templatize

TEMPLATE = '{% load i18n tables %}{% column_headers _("Kenmerk") _("Status") action=_("Acties") %}'


def render(source: str, context=None) -> str:
    return engines["django"].from_string(source).render(context or {})


def test_each_label_is_a_column_header_and_the_action_column_is_read_out_only():
    assert render(TEMPLATE) == (
        '<tr><th scope="col">Kenmerk</th><th scope="col">Status</th>'
        '<th scope="col"><span class="visually-hidden">Acties</span></th></tr>'
    )


def test_labels_are_translated_and_found_by_makemessages():
    with translation.override("en"):
        assert render(TEMPLATE).startswith('<tr><th scope="col">Reference</th>')
    extracted = templatize(TEMPLATE)
    for label in ("Kenmerk", "Status", "Acties"):
        assert f'_("{label}")' in extracted  # the form xgettext reads


def test_labels_are_escaped():
    html = render("{% load tables %}{% column_headers label %}", {"label": "<b>x</b>"})
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
