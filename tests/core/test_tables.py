"""`core.tables`: table cells worked out once per page print what the template would."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from core.kinds import SignalKind
from core.tables import day, label_map, row_link
from signals.models import Signal, SignalStatus


@pytest.mark.parametrize("language", ["nl", "en"])
def test_label_map_is_what_get_display_shows(language):
    with translation.override(language):
        kinds, statuses = label_map(SignalKind), label_map(SignalStatus)
        for kind in SignalKind.values:
            assert kinds[kind] == Signal(kind=kind).get_kind_display()
        for status in SignalStatus.values:
            assert statuses[status] == Signal(status=status).get_status_display()
    assert "Overlast" in label_map(SignalKind).values()  # the default language again


def test_day_is_what_the_date_filter_prints():
    template = engines["django"].from_string('{{ value|date:"d-m-Y" }}')
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January here
    for value in (late_evening_utc, date(2026, 2, 3), None):
        assert day(value) == template.render({"value": value})
    assert day(late_evening_utc) == "01-01-2027"


def test_row_link_is_what_reverse_gives():
    detail = row_link("signals:detail", uuid.UUID(int=0))
    mark_read = row_link("notifications:mark_read", 987654321)
    for key in (uuid.uuid4(), uuid.UUID(int=0)):
        assert detail(key) == reverse("signals:detail", args=[key])
    for key in (1, 42, 987654321):
        assert mark_read(key) == reverse("notifications:mark_read", args=[key])
