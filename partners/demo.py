"""The demo world of DESIGN §5: Demostad, its districts, teams, corporations and users.

Loading is idempotent: every object is looked up by its natural key and only created or
brought back in line when it differs."""

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from core.kinds import SignalKind

from . import services
from .choices import AgreementStatus, ComplexStatus, OrganisationKind, Role
from .models import (
    Agreement,
    AgreementTerm,
    Complex,
    ComplexAddress,
    ContactPerson,
    District,
    Municipality,
    Organisation,
)
from .postcodes import household_key

DEMO_PASSWORD = "wijkportaal-demo"  # noqa: S105 - documented demo password

USERS = [
    # username, first name, last name, organisation, role
    ("anna", "Anna", "de Vries", "Woonstichting De Linde", Role.CORPORATION_STAFF),
    ("bram", "Bram", "Jansen", "Stadswonen", Role.CORPORATION_STAFF),
    ("sara", "Sara", "El Amrani", "Wijkteam Noord", Role.TEAM_MEMBER),
    ("noor", "Noor", "Bakker", "Wijkteam Noord", Role.TRIAGE_LEAD),
    ("omar", "Omar", "Yilmaz", "Wijkteam Zuid", Role.TRIAGE_LEAD),
    ("eva", "Eva", "Visser", "Gemeente Demostad", Role.COORDINATOR),
    ("pim", "Pim", "de Boer", "Gemeente Demostad", Role.PRIVACY_OFFICER),
]

TERMS = {
    SignalKind.NUISANCE: (5, 10),
    SignalKind.RENT_ARREARS: (3, 10),
    SignalKind.RENOVATION_FINDING: (5, 15),
    SignalKind.OTHER: (5, 10),
}


def _polygon(*points) -> dict:
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


# Demostad's districts as rough polygons (longitude, latitude): Noord above the river,
# Zuid below it; the strip between them is the part of Demostad in no district.
DEMO_OUTLINES = {
    "Noord": _polygon(
        (4.870, 52.390),
        (4.905, 52.398),
        (4.935, 52.392),
        (4.940, 52.378),
        (4.900, 52.374),
        (4.868, 52.378),
    ),
    "Zuid": _polygon(
        (4.866, 52.366),
        (4.902, 52.368),
        (4.942, 52.364),
        (4.938, 52.346),
        (4.900, 52.340),
        (4.872, 52.348),
    ),
}


@transaction.atomic
def load_demo_world() -> dict:
    demostad, _created = Municipality.objects.get_or_create(
        name="Demostad", defaults={"pc4_ranges": "1011-1039"}
    )
    orgs = {
        name: _organisation(name, kind, demostad)
        for name, kind in [
            ("Gemeente Demostad", OrganisationKind.MUNICIPALITY),
            ("Wijkteam Noord", OrganisationKind.WIJKTEAM),
            ("Wijkteam Zuid", OrganisationKind.WIJKTEAM),
            ("Centraal team Demostad", OrganisationKind.WIJKTEAM),
            ("Woonstichting De Linde", OrganisationKind.CORPORATION),
            ("Stadswonen", OrganisationKind.CORPORATION),
        ]
    }
    demostad.pc4_ranges = "1011-1039"
    demostad.central_team = orgs["Centraal team Demostad"]
    services.save_municipality(demostad)
    districts = {}
    for name, ranges, team in [
        ("Noord", "1011-1019", "Wijkteam Noord"),
        ("Zuid", "1021-1029", "Wijkteam Zuid"),
    ]:
        district = District.objects.filter(municipality=demostad, name=name).first() or District(
            municipality=demostad, name=name
        )
        district.pc4_ranges, district.team = ranges, orgs[team]
        # Simple outlines so `make run` shows a map; imported boundaries are kept.
        district.geometry = district.geometry or json.dumps(DEMO_OUTLINES[name])
        districts[name] = services.save_district(district)

    users = {}
    user_model = get_user_model()
    for username, first, last, org_name, role in USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demostad.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        services.add_membership(user, orgs[org_name], role)
        users[username] = user
    admin, created = user_model.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@demostad.example"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()

    _complex(orgs["Woonstichting De Linde"], demostad, users["eva"])
    for corporation in ("Woonstichting De Linde", "Stadswonen"):
        _agreement(demostad, orgs[corporation])
    _contacts(orgs, districts)
    return {"municipality": demostad, "organisations": orgs, "districts": districts, "users": users}


def _organisation(name, kind, municipality) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "municipality": municipality}
    )
    return org


def _complex(corporation, municipality, coordinator) -> None:
    """DL-001, its address list approved by the coordinator (DESIGN §5)."""
    complex_, _created = Complex.objects.get_or_create(
        corporation=corporation,
        code="DL-001",
        defaults={"name": "Lindehof", "municipality": municipality},
    )
    existing = set(complex_.addresses.values_list("household_key", flat=True))
    ComplexAddress.objects.bulk_create(
        ComplexAddress(
            complex=complex_,
            postcode="1012 AB",
            house_number=number,
            household_key=household_key("1012 AB", number, ""),
        )
        for number in range(1, 41)
        if household_key("1012 AB", number, "") not in existing
    )
    if complex_.status != ComplexStatus.APPROVED:
        services.approve_complex(coordinator, complex_)


def _agreement(municipality, corporation) -> None:
    agreement, _created = Agreement.objects.get_or_create(
        municipality=municipality,
        corporation=corporation,
        valid_from=date(2026, 1, 1),
        defaults={
            "title": f"Samenwerkingsafspraak {corporation.name} – Demostad",
            "status": AgreementStatus.ACTIVE,
            "valid_to": date(2027, 12, 31),
            "review_date": date(2027, 6, 1),
            "monthly_capacity": 40,
            "responsibilities": (
                "De corporatie meldt signalen binnen twee weken na constatering. "
                "Het wijkteam trieert binnen de termijn en koppelt de uitkomst terug."
            ),
        },
    )
    for kind, (triage_days, feedback_days) in TERMS.items():
        AgreementTerm.objects.get_or_create(
            agreement=agreement,
            kind=kind,
            defaults={"triage_days": triage_days, "feedback_days": feedback_days},
        )


def _contacts(orgs, districts) -> None:
    for org_name, district_name, name in [
        ("Wijkteam Noord", "Noord", "Noor Bakker"),
        ("Wijkteam Zuid", "Zuid", "Omar Yilmaz"),
        ("Woonstichting De Linde", "Noord", "Anna de Vries"),
        ("Stadswonen", "Zuid", "Bram Jansen"),
    ]:
        ContactPerson.objects.get_or_create(
            organisation=orgs[org_name],
            district=districts[district_name],
            name=name,
            defaults={
                "function": "Vaste contactpersoon",
                "email": f"{name.split()[0].lower()}@demostad.example",
                "confirmed_on": date(2026, 9, 1),
            },
        )
