"""Dutch addresses: postcode validation and normalisation, household keys, PC4 ranges."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POSTCODE_RE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
ADDITION_RE = re.compile(r"^[A-Za-z0-9]{1,4}$")
FORBIDDEN_LETTERS = {"SA", "SD", "SS"}  # not issued by PostNL
HOUSE_NUMBER_MAX = 99999


def normalise_postcode(value: str) -> str:
    """`1012ab` -> `1012 AB`; raises ValidationError with a Dutch message when invalid."""
    match = POSTCODE_RE.match(str(value or "").strip())
    if not match:
        raise ValidationError(
            _("Vul een geldige postcode in, bijvoorbeeld 1012 AB."), code="invalid_postcode"
        )
    digits, letters = match.group(1), match.group(2).upper()
    if letters in FORBIDDEN_LETTERS:
        raise ValidationError(
            _("Postcodes met de letters %(letters)s bestaan niet.") % {"letters": letters},
            code="invalid_postcode",
        )
    return f"{digits} {letters}"


def normalise_house_number(value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            _("Het huisnummer moet een geheel getal zijn."), code="invalid_house_number"
        ) from None
    if not 1 <= number <= HOUSE_NUMBER_MAX:
        raise ValidationError(
            _("Het huisnummer moet tussen 1 en 99999 liggen."), code="invalid_house_number"
        )
    return number


def normalise_addition(value: str | None) -> str:
    addition = str(value or "").strip().replace("-", "").replace(" ", "").upper()
    if addition and not ADDITION_RE.match(addition):
        raise ValidationError(
            _("De toevoeging bestaat uit hoogstens 4 letters of cijfers."),
            code="invalid_addition",
        )
    return addition


def household_key(postcode: str, house_number: int, addition: str = "") -> str:
    """Stable key of one address: `1012AB-12-A`. Input must already be normalised."""
    return f"{postcode.replace(' ', '')}-{house_number}-{addition}"


def pc4_of(postcode: str) -> int:
    return int(postcode[:4])


def parse_pc4_ranges(text: str) -> list[tuple[int, int]]:
    """`1011-1019, 1025` -> [(1011, 1019), (1025, 1025)]."""
    ranges = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        bounds = [b.strip() for b in part.split("-")]
        if len(bounds) > 2 or not all(re.fullmatch(r"[1-9][0-9]{3}", b) for b in bounds):
            raise ValidationError(
                _("'%(part)s' is geen geldige PC4 of reeks zoals 1011-1019.") % {"part": part}
            )
        low, high = int(bounds[0]), int(bounds[-1])
        if low > high:
            raise ValidationError(_("In '%(part)s' staat het begin na het einde.") % {"part": part})
        ranges.append((low, high))
    return ranges


def expand_pc4_ranges(text: str) -> set[int]:
    return {pc4 for low, high in parse_pc4_ranges(text) for pc4 in range(low, high + 1)}
