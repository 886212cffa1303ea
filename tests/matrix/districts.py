"""Matrix rows of the district pages and API (issue 19): partners working in a district
and the municipality's coordinator; 404 for a district one does not work in."""

from datetime import date

from partners.models import District, DistrictObservation, Organisation, PlanAction

from . import Row

USERS = ["anonymous", "anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


def expect(default: int, anonymous: int = 302, **overrides) -> dict:
    return {**dict.fromkeys(USERS, default), "anonymous": anonymous, **overrides}


# Noord: De Linde (complex DL-001), Wijkteam Noord and the coordinator work there.
NOORD = {"anna": 200, "sara": 200, "noor": 200, "eva": 200}


NOORD_GET = expect(404, **NOORD)
# Partners of Noord may see the plan, only the coordinator keeps it.
PLAN = expect(404, anna=403, sara=403, noor=403, eva=200)


def setup(world: dict) -> None:
    noord = District.objects.get(name="Noord")
    world["districts_noord"] = noord
    team = Organisation.objects.get(name="Wijkteam Noord")
    world["districts_action"] = PlanAction.objects.create(
        district=noord, what="Buurtschouw", owner=team, due_on=date(2027, 1, 15)
    )
    world["districts_observation"] = DistrictObservation.objects.create(
        district=noord,
        organisation=team,
        observed_on=date(2026, 11, 20),
        text="Meer overlastmeldingen rond het winkelcentrum sinds de zomer.",
    )


def _noord(w) -> int:
    return w["districts_noord"].pk


ROWS = [
    Row(
        "districts_list",
        "GET",
        lambda w: "/samenwerking/gebieden/",
        expect(200, pim=403, admin=403),
        logs_access=True,
    ),
    Row(
        "districts_detail",
        "GET",
        lambda w: f"/samenwerking/gebieden/{_noord(w)}/",
        NOORD_GET,
        logs_access=True,
    ),
    # Empty form posts: the gate decides, then the form shows its errors (400).
    Row(
        "districts_observation_add",
        "POST",
        lambda w: f"/samenwerking/gebieden/{_noord(w)}/observaties/",
        expect(404, anna=400, sara=400, noor=400, eva=400),
        data={},
    ),
    Row(
        "districts_plan_action_add",
        "POST",
        lambda w: f"/samenwerking/gebieden/{_noord(w)}/acties/",
        {**PLAN, "eva": 400},
        data={},
    ),
    Row(
        "districts_plan_action_edit",
        "GET",
        lambda w: f"/samenwerking/gebieden/acties/{w['districts_action'].pk}/",
        PLAN,
        logs_access=True,
    ),
    Row(
        "districts_observation_review",
        "GET",
        lambda w: "/samenwerking/gebieden/observaties/",
        expect(403, pim=200),
        logs_access=True,
    ),
    Row(
        "districts_observation_erase",
        "POST",
        lambda w: f"/samenwerking/gebieden/observaties/{w['districts_observation'].pk}/wissen/",
        expect(404, anna=403, sara=403, noor=403, eva=403, pim=302),
        logs_access=True,
    ),
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
