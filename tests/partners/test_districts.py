"""District ranges: one check for a saved district and for the rebuild of a municipality."""

import pytest
from django.core.exceptions import ValidationError

from partners import routing, services
from partners.models import Municipality, PostcodeArea


def test_shrinking_a_municipality_past_a_district_is_refused(demo):
    demostad = Municipality.objects.get(name="Demostad")
    before = PostcodeArea.objects.filter(municipality=demostad).count()
    demostad.pc4_ranges = "1011-1019, 1030-1039"  # Zuid (1021-1029) would fall outside
    with pytest.raises(ValidationError, match="Niet in de gemeente: 1021"):
        services.save_municipality(demostad)
    assert PostcodeArea.objects.filter(municipality=demostad).count() == before
    assert routing.route("1022 AB").district.name == "Zuid"
