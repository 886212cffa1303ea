"""Issue 19: the district pages: the map list and the district page, observations (with
the privacy officer's erasure) and the district plan, each in the access log."""

import itertools
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import District, DistrictObservation, Organisation, PlanAction
from partners.services import sync_postcode_areas
from privacy.models import AccessAction, AccessLog
from tests.helpers import at, signal


def _noord() -> District:
    return District.objects.get(name="Noord")


def _page_url(district) -> str:
    return f"/samenwerking/gebieden/{district.pk}/"


def test_partners_of_a_district_see_its_page_others_get_404(client_for):
    url = _page_url(_noord())
    for username in ("anna", "sara", "noor", "eva"):
        assert client_for(username).get(url).status_code == 200
    for username in ("bram", "omar", "pim", "admin"):
        assert client_for(username).get(url).status_code == 404


def test_the_map_lists_only_the_districts_one_works_in(client_for):
    page = client_for("omar").get("/samenwerking/gebieden/").content.decode()
    assert "Zuid" in page
    assert ">Noord<" not in page


def test_pages_take_the_same_queries_for_more_districts_and_quarters(client_for, user, demo):
    eva = client_for("eva")
    noord = _noord()

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert eva.get(url).status_code == 200
        return len(queries)

    before = (count("/samenwerking/gebieden/"), count(_page_url(noord)))
    municipality = demo["municipality"]
    for n, pc4 in enumerate(range(1031, 1036)):
        District.objects.create(municipality=municipality, name=f"Wijk {n}", pc4_ranges=str(pc4))
    sync_postcode_areas(municipality)
    anna = user("anna")
    for i, (year, month) in enumerate(itertools.product((2025, 2026), (1, 4, 7, 10))):
        for postcode in ("1012 AB", "1031 AB"):
            signal(
                anna,
                100 * i + int(postcode[2:4]),
                postcode=postcode,
                filed_at=at(date(year, month, 3)),
            )
    team = Organisation.objects.get(name="Wijkteam Noord")
    for n in range(3):
        PlanAction.objects.create(
            district=noord, what=f"Actie {n}", owner=team, due_on=date(2027, 1, n + 1)
        )
        DistrictObservation.objects.create(
            district=noord, organisation=team, observed_on=date(2026, 11, n + 1), text="Zwerfafval"
        )
    assert (count("/samenwerking/gebieden/"), count(_page_url(noord))) == before


def test_observation_is_added_logged_and_shown_to_the_districts_partners(client_for):
    noord = _noord()
    response = client_for("sara").post(
        f"{_page_url(noord)}observaties/",
        {"observed_on": "2026-11-20", "text": "Meer zwerfafval rond het winkelcentrum."},
    )
    assert response.status_code == 302
    observation = DistrictObservation.objects.get()
    assert observation.organisation.name == "Wijkteam Noord"
    assert AccessLog.objects.filter(
        action=AccessAction.CREATE, object_type="observation", object_id=str(observation.pk)
    ).exists()
    page = client_for("anna").get(_page_url(noord)).content.decode()
    assert "Meer zwerfafval rond het winkelcentrum." in page
    read = AccessLog.objects.filter(action=AccessAction.LIST, object_type="observation").last()
    assert read.username == "anna" and read.object_ids == [str(observation.pk)]


def test_observation_in_the_future_is_refused_with_a_dutch_message(client_for):
    response = client_for("sara").post(
        f"{_page_url(_noord())}observaties/", {"observed_on": "2030-01-01", "text": "Later"}
    )
    assert response.status_code == 400
    assert "niet in de toekomst" in response.content.decode()
    assert not DistrictObservation.objects.exists()


def test_privacy_officer_reads_and_erases_an_observation(client_for):
    noord = _noord()
    observation = DistrictObservation.objects.create(
        district=noord,
        organisation=Organisation.objects.get(name="Wijkteam Noord"),
        observed_on=date(2026, 11, 20),
        text="Mevrouw Jansen op nummer 12 maakt veel lawaai.",
    )
    erase_url = f"/samenwerking/gebieden/observaties/{observation.pk}/wissen/"
    assert client_for("noor").post(erase_url).status_code == 403
    pim = client_for("pim")
    assert "Mevrouw Jansen" in pim.get("/samenwerking/gebieden/observaties/").content.decode()
    assert pim.post(erase_url).status_code == 302
    assert not DistrictObservation.objects.exists()
    erased = AccessLog.objects.get(action=AccessAction.ERASE, object_type="observation")
    assert erased.username == "pim" and erased.object_id == str(observation.pk)
    assert "Jansen" not in str(erased.__dict__)


def test_coordinator_adds_a_plan_action_partners_see_it(client_for):
    noord = _noord()
    team = Organisation.objects.get(name="Wijkteam Noord")
    data = {
        "what": "Buurtschouw met corporatie en wijkteam",
        "owner": team.pk,
        "due_on": "2027-01-15",
        "status": "planned",
        "capacity_hours": "8",
    }
    assert client_for("anna").post(f"{_page_url(noord)}acties/", data).status_code == 403
    assert client_for("eva").post(f"{_page_url(noord)}acties/", data).status_code == 302
    action = PlanAction.objects.get()
    assert (action.owner, action.capacity_hours) == (team, 8)
    assert AccessLog.objects.filter(action=AccessAction.CREATE, object_type="plan_action").exists()
    assert (
        "Buurtschouw met corporatie en wijkteam"
        in client_for("sara").get(_page_url(noord)).content.decode()
    )


def test_plan_action_owner_must_work_in_the_district(client_for):
    noord = _noord()
    zuid_team = Organisation.objects.get(name="Wijkteam Zuid")
    response = client_for("eva").post(
        f"{_page_url(noord)}acties/",
        {"what": "Iets", "owner": zuid_team.pk, "due_on": "2027-01-15", "status": "planned"},
    )
    assert response.status_code == 400
    assert not PlanAction.objects.exists()
