"""Districts on a map: GeoJSON geometry to SVG paths, drawn on the server. Longitude and
latitude are projected onto a plain equirectangular grid scaled by the cosine of the mean
latitude: at the size of a municipality that is indistinguishable from a real projection,
and it needs no GIS library."""

import json
import math

WIDTH, HEIGHT, MARGIN = 600, 420, 10
# Five classes, light to dark, each with a text colour of sufficient contrast; grey for
# a district whose figure is not shown.
PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
HIDDEN_FILL = "#d9d9d9"


class InvalidGeometry(ValueError):
    pass


def polygons(geometry: dict) -> list:
    """The rings of a Polygon or MultiPolygon as lists of (lon, lat); raises when it is
    neither or its coordinates are not pairs of finite numbers."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if kind else None
    if kind == "Polygon":
        shapes = [coordinates]
    elif kind == "MultiPolygon":
        shapes = coordinates
    else:
        raise InvalidGeometry("not a Polygon or MultiPolygon")
    rings = []
    try:
        for shape in shapes:
            for ring in shape:
                points = [(float(p[0]), float(p[1])) for p in ring]
                if len(points) < 4 or not all(map(math.isfinite, sum(points, ()))):
                    raise InvalidGeometry("a ring needs at least 4 finite points")
                if not all(abs(lon) <= 180 and abs(lat) <= 90 for lon, lat in points):
                    raise InvalidGeometry("coordinates out of range")
                rings.append(points)
    except (TypeError, IndexError, ValueError) as exc:
        raise InvalidGeometry(str(exc)) from exc
    if not rings:
        raise InvalidGeometry("no rings")
    return rings


def parse(text: str) -> list:
    """Rings of a stored geometry; none when the district has no (valid) geometry."""
    if not text:
        return []
    try:
        return polygons(json.loads(text))
    except (ValueError, InvalidGeometry):
        return []


def svg_paths(shapes: dict) -> dict:
    """`shapes`: key -> rings. Returns key -> SVG path data, all fitted into one frame."""
    points = [p for rings in shapes.values() for ring in rings for p in ring]
    if not points:
        return {}
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * scale_x, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    factor = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)

    def xy(lon, lat):
        x = MARGIN + (lon - min(lons)) * scale_x * factor
        y = MARGIN + (max(lats) - lat) * factor
        return f"{x:.1f},{y:.1f}"

    return {
        key: " ".join("M" + " L".join(xy(*p) for p in ring) + " Z" for ring in rings)
        for key, rings in shapes.items()
    }


def colour(value, values) -> str:
    """A fill for `value` among the shown `values` (five equal classes)."""
    shown = [v for v in values if v is not None]
    if value is None or not shown:
        return HIDDEN_FILL
    low, high = min(shown), max(shown)
    if high == low:
        return PALETTE[2]
    return PALETTE[min(4, int((value - low) / (high - low) * 5))]
