"""Issue 19: district geometry as data: the demo outlines and `import_areas`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partners.demo import load_demo_world
from partners.maps import parse
from partners.models import District

SQUARE = [[[4.9, 52.37], [4.91, 52.37], [4.91, 52.38], [4.9, 52.38], [4.9, 52.37]]]


def _feature(properties: dict, geometry) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _run(tmp_path, features) -> str:
    path = tmp_path / "wijken.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    out = StringIO()
    call_command("import_areas", str(path), stdout=out)
    return out.getvalue()


def test_demo_world_ships_outlines_for_noord_and_zuid(demo):
    for name in ("Noord", "Zuid"):
        assert parse(District.objects.get(name=name).geometry), name
    load_demo_world()  # idempotent: still one district each, outlines kept
    assert District.objects.filter(name="Noord").count() == 1


def test_a_good_file_is_matched_by_code_or_name(demo, tmp_path):
    District.objects.filter(name="Zuid").update(code="WK099902")
    output = _run(
        tmp_path,
        [
            _feature(
                {"WK_NAAM": "noord", "WK_CODE": "WK099901"},
                {"type": "Polygon", "coordinates": SQUARE},
            ),
            _feature(
                {"statcode": "WK099902", "statnaam": "Andere naam"},
                {"type": "MultiPolygon", "coordinates": [SQUARE]},
            ),
        ],
    )
    assert "Gekoppeld: 2 (Noord, Zuid)" in output
    noord = District.objects.get(name="Noord")
    assert json.loads(noord.geometry)["coordinates"] == SQUARE
    assert noord.code == "WK099901"  # matched by name, the file's code is remembered
    assert json.loads(District.objects.get(name="Zuid").geometry)["type"] == "MultiPolygon"


def test_unknown_districts_are_reported_and_change_nothing(demo, tmp_path):
    before = District.objects.get(name="Noord").geometry
    output = _run(
        tmp_path, [_feature({"naam": "Oost"}, {"type": "Polygon", "coordinates": SQUARE})]
    )
    assert "Gekoppeld: 0" in output
    assert "Onbekend (geen wijk met die code of naam): 1 (Oost)" in output
    assert District.objects.get(name="Noord").geometry == before


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [4.9, 52.37]},
        {"type": "Polygon", "coordinates": [[[4.9, 52.37], [4.91, 52.37]]]},
        {
            "type": "Polygon",
            "coordinates": [[[400, 52.37], [4.91, 52.37], [4.91, 52.38], [400, 52.37]]],
        },
        {"type": "Polygon", "coordinates": "kapot"},
        None,
    ],
)
def test_invalid_geometry_is_reported_and_not_stored(demo, tmp_path, geometry):
    before = District.objects.get(name="Noord").geometry
    output = _run(tmp_path, [_feature({"name": "Noord"}, geometry)])
    assert "Ongeldige geometrie: 1" in output
    assert "Noord:" in output
    assert District.objects.get(name="Noord").geometry == before


def test_a_file_that_is_no_geojson_is_refused_clearly(demo, tmp_path):
    path = tmp_path / "wijken.geojson"
    path.write_text("dit is geen json")
    with pytest.raises(CommandError, match="geen geldige GeoJSON"):
        call_command("import_areas", str(path))


def test_the_map_draws_the_districts(client_for):
    page = client_for("eva").get("/samenwerking/gebieden/").content.decode()
    assert page.count('<path d="M') == 2
