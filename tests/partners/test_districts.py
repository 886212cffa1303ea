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


def test_the_admin_form_refuses_a_district_overlapping_another(demo):
    from partners.admin import DistrictForm
    from partners.models import District

    demostad = Municipality.objects.get(name="Demostad")
    zuid = District.objects.get(name="Zuid")
    fields = {"municipality": demostad.pk, "name": "Nieuw", "team": zuid.team_id}
    overlapping = DistrictForm({**fields, "pc4_ranges": "1025"})
    assert not overlapping.is_valid()
    assert "Al in een andere wijk: 1025" in str(overlapping.errors["pc4_ranges"])
    outside = DistrictForm({**fields, "pc4_ranges": "2000"})
    assert not outside.is_valid()
    assert "Niet in de gemeente: 2000" in str(outside.errors["pc4_ranges"])
    assert DistrictForm({**fields, "pc4_ranges": "1030"}).is_valid()
