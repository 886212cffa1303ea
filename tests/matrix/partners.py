"""Matrix rows of agreements, contact persons, the dashboard and complex insights.

Coordinators (eva) reach agreements, contacts and aggregate figures, never personal data
of residents; corporation staff reach their own insights; the privacy officer (pim) and
the superuser (admin) reach none of it."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from partners.choices import AgreementStatus
from partners.models import Agreement, Complex, ComplexAddress, ContactPerson

from . import Row

USERS = ["anonymous", "anna", "bram", "sara", "noor", "omar", "eva", "pim", "admin"]


def expect(default: int, anonymous: int = 302, **overrides) -> dict:
    return {**dict.fromkeys(USERS, default), "anonymous": anonymous, **overrides}


PARTNERS_READ = expect(200, pim=403, admin=403)
COORDINATOR_ONLY = expect(403, eva=200)
COORDINATOR_OBJECT = expect(404, eva=200)
COORDINATOR_POST = expect(404, eva=302)
CORPORATION_ONLY = expect(403, anna=200, bram=200)
# The Stadswonen agreement: not De Linde's, visible to the municipality's teams.
STADSWONEN_AGREEMENT = expect(200, anna=404, pim=404, admin=404)


def setup(world: dict) -> None:
    world["partners_agreement"] = Agreement.objects.get(corporation__name="Stadswonen")
    world["partners_draft"] = Agreement.objects.create(
        municipality=world["municipality"],
        corporation=world["organisations"]["Stadswonen"],
        title="Concept 2030",
        status=AgreementStatus.DRAFT,
        valid_from=date(2030, 1, 1),
    )
    world["partners_draft"].terms.create(kind="nuisance", triage_days=5, feedback_days=10)
    # Stadswonen's contact in Zuid: seen by Stadswonen, Wijkteam Zuid and the coordinator.
    world["partners_contact"] = ContactPerson.objects.get(name="Bram Jansen")
    # A Stadswonen complex waiting for the Demostad coordinator's approval.
    world["partners_pending_complex"] = Complex.objects.create(
        corporation=world["organisations"]["Stadswonen"],
        code="PEND-1",
        municipality=world["municipality"],
    )
    ComplexAddress.objects.create(
        complex=world["partners_pending_complex"], postcode="1024 AA", house_number=1
    )


def _complex_csv(world):
    content = b"code;name;postcode;house_number\nM-1;Matrixhof;1013 AB;1\n"
    return {"file": SimpleUploadedFile("complexen.csv", content, content_type="text/csv")}


def _agreement(w):
    return w["partners_agreement"].pk


def _contact(w):
    return w["partners_contact"].pk


ROWS = [
    # Agreements.
    Row(
        "partners_agreements",
        "GET",
        lambda w: "/samenwerking/afspraken/",
        PARTNERS_READ,
        logs_access=True,
    ),
    Row(
        "partners_agreement_create",
        "GET",
        lambda w: "/samenwerking/afspraken/nieuw/",
        COORDINATOR_ONLY,
    ),
    Row(
        "partners_agreement_detail",
        "GET",
        lambda w: f"/samenwerking/afspraken/{_agreement(w)}/",
        STADSWONEN_AGREEMENT,
        logs_access=True,
    ),
    Row(
        "partners_agreement_edit",
        "GET",
        lambda w: f"/samenwerking/afspraken/{_agreement(w)}/bewerken/",
        COORDINATOR_OBJECT,
    ),
    Row(
        "partners_agreement_activate",
        "POST",
        lambda w: f"/samenwerking/afspraken/{w['partners_draft'].pk}/activeren/",
        COORDINATOR_POST,
    ),
    Row(
        "partners_agreement_expire",
        "POST",
        lambda w: f"/samenwerking/afspraken/{_agreement(w)}/laten-verlopen/",
        COORDINATOR_POST,
    ),
    Row(
        "partners_agreement_review",
        "GET",
        lambda w: f"/samenwerking/afspraken/{_agreement(w)}/evaluatie/",
        COORDINATOR_OBJECT,
    ),
    # Form posts with nothing filled in: the gate decides, then the form shows its errors.
    Row(
        "partners_agreement_create_post",
        "POST",
        lambda w: "/samenwerking/afspraken/nieuw/",
        COORDINATOR_ONLY,
        data={},
    ),
    Row(
        "partners_agreement_edit_post",
        "POST",
        lambda w: f"/samenwerking/afspraken/{_agreement(w)}/bewerken/",
        COORDINATOR_OBJECT,
        data={},
    ),
    Row(
        "partners_agreement_review_post",
        "POST",
        lambda w: f"/samenwerking/afspraken/{_agreement(w)}/evaluatie/",
        COORDINATOR_OBJECT,
        data={},
    ),
    # Contact persons.
    Row(
        "partners_contacts",
        "GET",
        lambda w: "/samenwerking/contactpersonen/",
        PARTNERS_READ,
        logs_access=True,
    ),
    Row(
        "partners_contact_create",
        "GET",
        lambda w: "/samenwerking/contactpersonen/nieuw/",
        COORDINATOR_ONLY,
    ),
    Row(
        "partners_contact_edit",
        "GET",
        lambda w: f"/samenwerking/contactpersonen/{_contact(w)}/bewerken/",
        COORDINATOR_OBJECT,
        logs_access=True,
    ),
    Row(
        "partners_contact_create_post",
        "POST",
        lambda w: "/samenwerking/contactpersonen/nieuw/",
        COORDINATOR_ONLY,
        data={},
    ),
    Row(
        "partners_contact_edit_post",
        "POST",
        lambda w: f"/samenwerking/contactpersonen/{_contact(w)}/bewerken/",
        COORDINATOR_OBJECT,
        data={},
    ),
    Row(
        "partners_contact_end",
        "POST",
        lambda w: f"/samenwerking/contactpersonen/{_contact(w)}/beeindigen/",
        COORDINATOR_POST,
        data={"ended_on": "2026-12-31"},
    ),
    # Only Stadswonen (its own) and the coordinator confirm; Wijkteam Zuid sees, may not.
    Row(
        "partners_contact_confirm",
        "POST",
        lambda w: f"/samenwerking/contactpersonen/{_contact(w)}/bevestigen/",
        expect(404, bram=302, omar=403, eva=302),
    ),
    # Dashboard: aggregates for coordinators only.
    Row("partners_dashboard", "GET", lambda w: "/samenwerking/dashboard/", COORDINATOR_ONLY),
    Row(
        "partners_dashboard_export",
        "GET",
        lambda w: "/samenwerking/dashboard/export.csv",
        COORDINATOR_ONLY,
    ),
    # Corporation insights and complex upload.
    Row("partners_insights", "GET", lambda w: "/samenwerking/inzichten/", CORPORATION_ONLY),
    Row(
        "partners_complex_import",
        "GET",
        lambda w: "/samenwerking/complexen/importeren/",
        CORPORATION_ONLY,
    ),
    Row(
        "partners_complex_import_post",
        "POST",
        lambda w: "/samenwerking/complexen/importeren/",
        CORPORATION_ONLY,
        data=_complex_csv,
        multipart=True,
        logs_access=True,
    ),
    # Complex approval: the municipality's coordinator only.
    Row(
        "partners_complex_approvals",
        "GET",
        lambda w: "/samenwerking/complexen/goedkeuren/",
        COORDINATOR_ONLY,
        logs_access=True,
    ),
    Row(
        "partners_complex_approve",
        "POST",
        lambda w: f"/samenwerking/complexen/{w['partners_pending_complex'].pk}/goedkeuren/",
        COORDINATOR_POST,
    ),
    # API.
    Row(
        "partners_api_agreements",
        "GET",
        lambda w: "/api/v1/agreements/",
        expect(200, anonymous=401, pim=403, admin=403),
        api=True,
        logs_access=True,
    ),
    Row(
        "partners_api_agreement_detail",
        "GET",
        lambda w: f"/api/v1/agreements/{_agreement(w)}/",
        expect(200, anonymous=401, anna=404, pim=403, admin=403),
        api=True,
        logs_access=True,
    ),
    Row(
        "partners_api_contacts",
        "GET",
        lambda w: "/api/v1/contacts/",
        expect(200, anonymous=401, pim=403, admin=403),
        api=True,
        logs_access=True,
    ),
    Row(
        "partners_api_contact_detail",
        "GET",
        lambda w: f"/api/v1/contacts/{_contact(w)}/",
        expect(404, anonymous=401, bram=200, omar=200, eva=200, pim=403, admin=403),
        api=True,
        logs_access=True,
    ),
    Row(
        "partners_api_insights",
        "GET",
        lambda w: "/api/v1/insights/complexes/",
        expect(403, anonymous=401, anna=200, bram=200),
        api=True,
    ),
]
