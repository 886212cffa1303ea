"""Routing: PC4 → district → team, and the checks that keep district ranges sound."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import District, Municipality, Organisation, PostcodeArea
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


def check_district_ranges(district: District, taken=None) -> set[int]:
    """A district has at least one PC4, lies inside its municipality and shares no PC4
    with another district. `taken` holds the PC4s of the other districts; without it they
    are read from PostcodeArea. Returns the district's PC4s."""
    pc4s = expand_pc4_ranges(district.pc4_ranges)
    if not pc4s:
        raise ValidationError({"pc4_ranges": _("Geef ten minste één PC4 op.")})
    if district.municipality_id:
        outside = pc4s - expand_pc4_ranges(district.municipality.pc4_ranges)
        if outside:
            raise ValidationError(
                {"pc4_ranges": _("Niet in de gemeente: %(pc4)s.") % {"pc4": _pc4_list(outside)}}
            )
    if taken is None:
        taken = PostcodeArea.objects.filter(pc4__in=pc4s, district__isnull=False).exclude(
            district_id=district.pk
        )
        taken = taken.values_list("pc4", flat=True)
    overlap = pc4s.intersection(taken)
    if overlap:
        raise ValidationError(
            {"pc4_ranges": _("Al in een andere wijk: %(pc4)s.") % {"pc4": _pc4_list(overlap)}}
        )
    return pc4s


def _pc4_list(pc4s) -> str:
    values = sorted(pc4s)
    shown = ", ".join(str(v) for v in values[:10])
    return shown + (" …" if len(values) > 10 else "")
