import pytest
from django.core.exceptions import ValidationError

from partners import routing, services
from partners.models import District, Municipality, Organisation, PostcodeArea
from partners.postcodes import normalise_postcode


def test_postcode_in_district_routes_to_its_team(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        route = routing.route("1012 AB")
    assert route.district.name == "Noord"
    assert route.team.name == "Wijkteam Noord"
    assert routing.route("1029 ZZ").team.name == "Wijkteam Zuid"


def test_postcode_in_municipality_outside_districts_goes_to_central_team(demo):
    route = routing.route("1034 CD")
    assert route.district is None
    assert route.team.name == "Centraal team Demostad"
    assert route.municipality.name == "Demostad"


def test_postcode_outside_every_municipality_is_refused_in_dutch(demo):
    with pytest.raises(routing.OutsideRegion) as error:
        routing.route("9999 AA")
    assert "buiten het werkgebied" in error.value.messages[0]


def test_pc4_overlap_between_districts_is_refused(demo):
    demostad = Municipality.objects.get(name="Demostad")
    overlapping = District(municipality=demostad, name="Centrum", pc4_ranges="1019-1022")
    with pytest.raises(ValidationError) as error:
        services.save_district(overlapping)
    assert "Al in een andere wijk: 1019, 1021, 1022" in str(error.value)
    assert not District.objects.filter(name="Centrum").exists()
    assert PostcodeArea.objects.get(pc4=1019).district.name == "Noord"


def test_district_outside_its_municipality_is_refused(demo):
    demostad = Municipality.objects.get(name="Demostad")
    with pytest.raises(ValidationError, match="Niet in de gemeente: 2000"):
        services.save_district(District(municipality=demostad, name="Ver", pc4_ranges="2000"))


def test_new_district_takes_over_central_postcodes(demo):
    demostad = Municipality.objects.get(name="Demostad")
    team = Organisation.objects.create(name="Wijkteam Oost", kind="wijkteam", municipality=demostad)
    services.save_district(
        District(municipality=demostad, name="Oost", pc4_ranges="1031-1033", team=team)
    )
    assert routing.route("1032 AA").team == team
    assert routing.route("1034 AA").team.name == "Centraal team Demostad"


def test_postcode_normalisation():
    assert normalise_postcode("1012ab") == "1012 AB"
    assert normalise_postcode(" 1012 Ab ") == "1012 AB"
    for bad in ["0123 AB", "1012 SA", "1012 SS", "1012 SD", "101 AB", "1012 A1", ""]:
        with pytest.raises(ValidationError):
            normalise_postcode(bad)
