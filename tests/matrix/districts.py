"""Matrix rows of the district pages and API (issue 19): partners working in a district
and the municipality's coordinator; 404 for a district one does not work in."""

from partners.models import District

from . import Row

USERS = ["anonymous", "anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


def expect(default: int, anonymous: int = 302, **overrides) -> dict:
    return {**dict.fromkeys(USERS, default), "anonymous": anonymous, **overrides}


# Noord: De Linde (complex DL-001), Wijkteam Noord and the coordinator work there.
NOORD = {"anna": 200, "sara": 200, "noor": 200, "eva": 200}


def setup(world: dict) -> None:
    world["districts_noord"] = District.objects.get(name="Noord")


ROWS = [
    Row(
        "districts_api_list",
        "GET",
        lambda w: "/api/v1/districts/",
        expect(200, anonymous=401, pim=403, admin=403),
        api=True,
        logs_access=True,
    ),
    Row(
        "districts_api_analysis",
        "GET",
        lambda w: f"/api/v1/districts/{w['districts_noord'].pk}/analysis/",
        expect(404, anonymous=401, **NOORD),
        api=True,
        logs_access=True,
    ),
]
