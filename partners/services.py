"""Writes and lookups of the partners domain: routing and keeping groups in step."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import District, Membership, Municipality, Organisation, PostcodeArea
from .postcodes import expand_pc4_ranges, pc4_of


class OutsideRegion(ValidationError):
    """The postcode lies in no municipality that uses the portal."""


@dataclass(frozen=True)
class Route:
    municipality: Municipality
    district: District | None
    team: Organisation


def route(postcode: str) -> Route:
    """District and team for a normalised postcode, with one indexed query.

    A PC4 in a district goes to the district's team; one inside a municipality but in no
    district goes to the municipality's central team; anything else is refused."""
    area = (
        PostcodeArea.objects.select_related("municipality__central_team", "district__team")
        .filter(pc4=pc4_of(postcode))
        .first()
    )
    if area is None:
        raise OutsideRegion(
            _("Postcode %(postcode)s ligt buiten het werkgebied van het portaal.")
            % {"postcode": postcode},
            code="outside_region",
        )
    team = (
        area.district.team
        if area.district and area.district.team
        else area.municipality.central_team
    )
    if team is None:
        raise OutsideRegion(
            _("Voor postcode %(postcode)s is nog geen wijkteam ingesteld.")
            % {"postcode": postcode},
            code="no_team",
        )
    return Route(municipality=area.municipality, district=area.district, team=team)


def check_district_ranges(district: District) -> None:
    """A district lies inside its municipality and shares no PC4 with another district."""
    pc4s = expand_pc4_ranges(district.pc4_ranges)
    if not pc4s:
        raise ValidationError({"pc4_ranges": _("Geef ten minste één PC4 op.")})
    if district.municipality_id:
        outside = pc4s - expand_pc4_ranges(district.municipality.pc4_ranges)
        if outside:
            raise ValidationError(
                {"pc4_ranges": _("Niet in de gemeente: %(pc4)s.") % {"pc4": _pc4_list(outside)}}
            )
    taken = PostcodeArea.objects.filter(pc4__in=pc4s, district__isnull=False).exclude(
        district_id=district.pk
    )
    overlap = sorted(taken.values_list("pc4", flat=True))
    if overlap:
        raise ValidationError(
            {"pc4_ranges": _("Al in een andere wijk: %(pc4)s.") % {"pc4": _pc4_list(overlap)}}
        )


def _pc4_list(pc4s) -> str:
    values = sorted(pc4s)
    shown = ", ".join(str(v) for v in values[:10])
    return shown + (" …" if len(values) > 10 else "")


@transaction.atomic
def sync_postcode_areas(municipality: Municipality) -> None:
    """Rebuild the PostcodeArea rows of one municipality from its ranges and districts."""
    municipality_pc4s = expand_pc4_ranges(municipality.pc4_ranges)
    clash = PostcodeArea.objects.filter(pc4__in=municipality_pc4s).exclude(
        municipality=municipality
    )
    if clash.exists():
        raise ValidationError({"pc4_ranges": _("Deze postcodes horen al bij een andere gemeente.")})
    district_of = {}
    for district in municipality.districts.all():
        check_district_ranges_against(district, district_of)
        for pc4 in expand_pc4_ranges(district.pc4_ranges):
            district_of[pc4] = district
    PostcodeArea.objects.filter(municipality=municipality).delete()
    PostcodeArea.objects.bulk_create(
        PostcodeArea(pc4=pc4, municipality=municipality, district=district_of.get(pc4))
        for pc4 in sorted(municipality_pc4s)
    )


def check_district_ranges_against(district: District, assigned: dict) -> None:
    overlap = expand_pc4_ranges(district.pc4_ranges) & assigned.keys()
    if overlap:
        raise ValidationError(
            {"pc4_ranges": _("Al in een andere wijk: %(pc4)s.") % {"pc4": _pc4_list(overlap)}}
        )


@transaction.atomic
def save_district(district: District) -> District:
    check_district_ranges(district)
    district.save()
    sync_postcode_areas(district.municipality)
    return district


@transaction.atomic
def save_municipality(municipality: Municipality) -> Municipality:
    municipality.save()
    sync_postcode_areas(municipality)
    return municipality


def sync_user_groups(user) -> None:
    """Make the user's Django groups exactly the groups of their organisations."""
    org_groups = set(
        Organisation.objects.filter(memberships__user=user, group__isnull=False).values_list(
            "group_id", flat=True
        )
    )
    current = set(user.groups.filter(organisation__isnull=False).values_list("id", flat=True))
    if org_groups - current:
        user.groups.add(*(org_groups - current))
    if current - org_groups:
        user.groups.remove(*(current - org_groups))


@transaction.atomic
def add_membership(user, organisation: Organisation, role: str) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    sync_user_groups(user)
    return membership
