"""Fixed contact persons: managing, confirming, due and missing lists, who sees which."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from partners import selectors, services
from partners.models import ContactPerson, District, Organisation
from privacy import policy
from privacy.models import AccessLog
from tests.helpers import signal


def _contact(demo, org_name, district_name, name, confirmed_on=None, **fields):
    return ContactPerson.objects.create(
        organisation=demo["organisations"][org_name],
        district=demo["districts"][district_name],
        name=name,
        confirmed_on=confirmed_on,
        **fields,
    )


def test_unconfirmed_for_six_months(demo, user):
    today = date(2026, 11, 21)
    ContactPerson.objects.update(confirmed_on=today)
    due = _contact(demo, "Stadswonen", "Noord", "Oud", confirmed_on=date(2026, 5, 21))
    _contact(demo, "Stadswonen", "Noord", "Net niet", confirmed_on=date(2026, 5, 22))
    never = _contact(demo, "Stadswonen", "Noord", "Nooit")
    _contact(demo, "Stadswonen", "Noord", "Weg", ended_on=date(2026, 1, 1))
    listed = list(selectors.unconfirmed_contacts(user("eva"), today))
    assert set(listed) == {due, never}


def test_districts_missing_a_contact_for_a_working_partner(demo, user):
    # Stadswonen files a signal in Noord but has a contact only in Zuid.
    signal(user("bram"), 3, postcode="1014 AA")
    missing = {
        (row["district"].name, row["organisation"].name)
        for row in selectors.missing_contacts(user("eva"))
    }
    assert missing == {("Noord", "Stadswonen")}
    # Ending the team contact of Zuid makes Zuid lack Wijkteam Zuid too.
    ContactPerson.objects.filter(name="Omar Yilmaz").update(ended_on=date(2026, 1, 1))
    missing = {
        (row["district"].name, row["organisation"].name)
        for row in selectors.missing_contacts(user("eva"), date(2026, 11, 21))
    }
    assert ("Zuid", "Wijkteam Zuid") in missing


def test_complex_addresses_make_a_corporation_work_in_a_district(demo, user):
    # De Linde's complex DL-001 lies in 1012 (Noord) where it has a contact; move it.
    ContactPerson.objects.filter(name="Anna de Vries").delete()
    missing = {
        (row["district"].name, row["organisation"].name)
        for row in selectors.missing_contacts(user("eva"))
    }
    assert ("Noord", "Woonstichting De Linde") in missing


def test_corporation_sees_own_and_team_contacts_of_its_districts(demo, user):
    anna = user("anna")
    visible = set(policy.visible_contacts(anna).values_list("name", flat=True))
    # Own (Anna) and Noord's team (complex in Noord); not Zuid's team nor Stadswonen.
    assert visible == {"Anna de Vries", "Noor Bakker"}
    signal(anna, 5, postcode="1023 AB")  # a signal in Zuid adds Zuid's team contact
    visible = set(policy.visible_contacts(anna).values_list("name", flat=True))
    assert visible == {"Anna de Vries", "Noor Bakker", "Omar Yilmaz"}


def test_team_sees_contacts_of_its_districts(demo, user):
    visible = set(policy.visible_contacts(user("sara")).values_list("name", flat=True))
    assert visible == {"Noor Bakker", "Anna de Vries"}


def test_partners_do_not_see_ended_contacts(demo, user):
    ContactPerson.objects.filter(name="Noor Bakker").update(ended_on=date(2026, 1, 1))
    assert "Noor Bakker" not in set(
        policy.visible_contacts(user("sara")).values_list("name", flat=True)
    )
    assert "Noor Bakker" in set(policy.visible_contacts(user("eva")).values_list("name", flat=True))


def test_partner_confirms_own_contact_not_another(demo, user):
    anna = user("anna")
    own = ContactPerson.objects.get(name="Anna de Vries")
    services.confirm_contact(anna, own)
    own.refresh_from_db()
    assert own.confirmed_on == timezone.localdate()
    assert own.confirmed_by == anna
    with pytest.raises(PermissionDenied):
        services.confirm_contact(anna, ContactPerson.objects.get(name="Noor Bakker"))


def test_confirm_through_the_web_and_logged(demo, client_for):
    own = ContactPerson.objects.get(name="Anna de Vries")
    response = client_for("anna").post(f"/samenwerking/contactpersonen/{own.pk}/bevestigen/")
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.confirmed_on == timezone.localdate()
    assert AccessLog.objects.filter(
        object_type="contact", object_id=str(own.pk), action="update"
    ).exists()
    other = ContactPerson.objects.get(name="Noor Bakker")
    assert (
        client_for("anna").post(f"/samenwerking/contactpersonen/{other.pk}/bevestigen/").status_code
        == 403
    )
    hidden = ContactPerson.objects.get(name="Bram Jansen")
    assert (
        client_for("anna")
        .post(f"/samenwerking/contactpersonen/{hidden.pk}/bevestigen/")
        .status_code
        == 404
    )


def test_coordinator_adds_edits_and_ends(demo, client_for):
    eva = client_for("eva")
    data = {
        "organisation": demo["organisations"]["Stadswonen"].pk,
        "district": demo["districts"]["Noord"].pk,
        "name": "Fatima Haddou",
        "function": "Wijkconsulent",
        "email": "fatima@stadswonen.example",
        "phone": "",
    }
    assert eva.post("/samenwerking/contactpersonen/nieuw/", data).status_code == 302
    contact = ContactPerson.objects.get(name="Fatima Haddou")
    assert contact.confirmed_on == timezone.localdate()
    eva.post(
        f"/samenwerking/contactpersonen/{contact.pk}/bewerken/", {**data, "phone": "0201234567"}
    )
    eva.post(f"/samenwerking/contactpersonen/{contact.pk}/beeindigen/", {"ended_on": "2026-12-31"})
    contact.refresh_from_db()
    assert contact.phone == "0201234567"
    assert contact.ended_on == date(2026, 12, 31)
    assert AccessLog.objects.filter(object_type="contact", object_id=str(contact.pk)).count() >= 3


def test_bad_contact_form_keeps_input(demo, client_for):
    data = {
        "organisation": demo["organisations"]["Stadswonen"].pk,
        "district": demo["districts"]["Noord"].pk,
        "name": "Fatima Haddou",
        "email": "geen-adres",
    }
    response = client_for("eva").post("/samenwerking/contactpersonen/nieuw/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fatima Haddou" in page and "geen-adres" in page
    assert not ContactPerson.objects.filter(name="Fatima Haddou").exists()


def test_list_is_logged_with_ids_and_query_count_constant(
    demo, client_for, django_assert_max_num_queries
):
    noord = District.objects.get(name="Noord")
    linde = Organisation.objects.get(name="Woonstichting De Linde")
    ContactPerson.objects.bulk_create(
        ContactPerson(organisation=linde, district=noord, name=f"Collega {n}") for n in range(30)
    )
    client = client_for("eva")
    with django_assert_max_num_queries(20):
        response = client.get("/samenwerking/contactpersonen/")
    assert "Collega 29" in response.content.decode()
    entry = AccessLog.objects.filter(object_type="contact", action="list").latest("at")
    assert len(entry.object_ids) == ContactPerson.objects.count()


def test_api_contacts(demo, api_for):
    coordinator = api_for("eva").get("/api/v1/contacts/").json()
    corporation = api_for("anna").get("/api/v1/contacts/").json()
    assert coordinator["count"] == 4
    assert {row["name"] for row in corporation["results"]} == {"Anna de Vries", "Noor Bakker"}
    assert api_for("pim").get("/api/v1/contacts/").status_code == 403
    hidden = ContactPerson.objects.get(name="Bram Jansen")
    assert api_for("anna").get(f"/api/v1/contacts/{hidden.pk}/").status_code == 404
    assert AccessLog.objects.filter(object_type="contact", action="list").count() == 2


def test_bad_end_date_shows_the_edit_page_with_the_typed_date(demo, client_for):
    contact = ContactPerson.objects.get(name="Bram Jansen")
    response = client_for("eva").post(
        f"/samenwerking/contactpersonen/{contact.pk}/beeindigen/", {"ended_on": "31-31-2026"}
    )
    assert response.status_code == 200
    assert 'value="31-31-2026"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.ended_on is None


def test_confirm_button_only_where_the_policy_allows(demo, client_for):
    # Wijkteam Zuid sees Stadswonen's contact but may not confirm it.
    contact = ContactPerson.objects.get(name="Bram Jansen")
    confirm_url = f"/samenwerking/contactpersonen/{contact.pk}/bevestigen/"
    assert (
        confirm_url not in client_for("omar").get("/samenwerking/contactpersonen/").content.decode()
    )
    assert confirm_url in client_for("bram").get("/samenwerking/contactpersonen/").content.decode()
