"""Reading and writing the CSV files of the signal import.

The columns are the fields of `POST /api/v1/signals/` (`models.INPUT_FIELDS`), named either
as the API names them (`house_number`, for corporations' own systems) or by their Dutch
column name (`huisnummer`, for people working in Excel; the template uses these). Files come
from Excel and from corporations' own systems: `;` or `,` separated (taken from the header
line), UTF-8 with or without BOM, kinds as code or Dutch label. Validation of the values
themselves is the service's (`clean_signal_input`), so every channel gives the same
messages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core.csv_files import EXTRA, excel_csv, read_table
from core.kinds import SignalKind

from .models import INPUT_FIELDS, Urgency

REQUIRED_COLUMNS = ["kind", "postcode", "house_number", "description"]

# The Dutch column names are part of the file format corporations build exports against:
# fixed words, not the (translatable) labels of the form.
DUTCH_COLUMNS = {
    "kind": "soort",
    "postcode": "postcode",
    "house_number": "huisnummer",
    "house_number_addition": "toevoeging",
    "description": "omschrijving",
    "urgency": "urgentie",
    "resident_informed": "bewoner op de hoogte",
    "arrears_amount": "bedrag achterstand",
    "arrears_months": "maanden achterstand",
    "external_reference": "eigen kenmerk",
    "wgs_reminder_sent": "herinnering verstuurd",
    "wgs_contact_attempted": "contact geprobeerd",
    "wgs_handover_offered": "doorgifte aangeboden",
    "wgs_debt_help_pointed": "gewezen op schuldhulp",
    "eviction_date": "ontruimingsdatum",
}
FIELD_OF_COLUMN = {dutch: field for field, dutch in DUTCH_COLUMNS.items()}


def column_name(field: str) -> str:
    """The Dutch column name of an input field, as the template and reports use it."""
    return DUTCH_COLUMNS.get(field, field)


def _choice_codes(choices) -> dict[str, str]:
    """Dutch labels (`Huurachterstand`, `Spoed`) and codes (`rent_arrears`) -> code."""
    with translation.override("nl"):
        labels = {str(label).lower(): value for value, label in choices.choices}
    return labels | {value: value for value in choices.values}


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, values) per data row; the header is line 1. Raises ValidationError
    on the `file` field when the header does not fit or the file is too long."""
    codes = {"kind": _choice_codes(SignalKind), "urgency": _choice_codes(Urgency)}
    rows = read_table(
        text,
        check_header=_check_header,
        max_rows=settings.IMPORT_MAX_ROWS,
        aliases=FIELD_OF_COLUMN,
    )
    for _line, data in rows:
        for field, known in codes.items():
            if field in data:
                data[field] = known.get(data[field].lower(), data[field])
    return rows


def _check_header(header: list[str]) -> None:
    unknown = [column for column in header if column not in INPUT_FIELDS]
    missing = [column_name(field) for field in REQUIRED_COLUMNS if field not in header]
    messages = []
    if missing:
        columns = ", ".join(missing)
        messages.append(_("Deze kolommen ontbreken: %(columns)s.") % {"columns": columns})
    if unknown:
        messages.append(
            _("Onbekende kolommen: %(columns)s. Gebruik het sjabloon.")
            % {"columns": ", ".join(unknown)}
        )
    if messages:
        raise ValidationError({"file": messages})


def extra_columns_error(data: dict) -> dict | None:
    if EXTRA in data:
        return {"__all__": [_("Deze regel heeft meer waarden dan er kolommen zijn.")]}
    return None


def template_csv() -> str:
    return excel_csv([column_name(field) for field in INPUT_FIELDS], [])


def error_rows(errors: list[dict]):
    """(line, Dutch column name or "", message) per message of an import report."""
    for error in errors:
        for field, messages in error["errors"].items():
            for message in messages:
                yield error["line"], "" if field == "__all__" else column_name(field), message


def errors_csv(errors: list[dict]) -> str:
    """The error report for Dutch Excel, columns regel;veld;melding."""
    return excel_csv([_("regel"), _("veld"), _("melding")], error_rows(errors))
