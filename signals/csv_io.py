"""Reading and writing the CSV files of the signal import.

The columns are the fields of `POST /api/v1/signals/` (`models.INPUT_FIELDS`). Files come
from Excel and from corporations' own systems: `;` or `,` separated (taken from the header
line), UTF-8 with or without BOM, kinds as code or Dutch label. Validation of the values
themselves is the service's (`clean_signal_input`), so every channel gives the same
messages."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from partners.choices import SignalKind
from partners.csv_files import EXTRA, excel_csv, read_table

from .models import INPUT_FIELDS

REQUIRED_COLUMNS = ["kind", "postcode", "house_number", "description"]


def _kind_codes() -> dict[str, str]:
    """Dutch labels (`Huurachterstand`) and codes (`rent_arrears`) -> code."""
    with translation.override("nl"):
        labels = {str(label).lower(): value for value, label in SignalKind.choices}
    return labels | {value: value for value in SignalKind.values}


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, values) per data row; the header is line 1. Raises ValidationError
    on the `file` field when the header does not fit or the file is too long."""
    kinds = _kind_codes()
    rows = read_table(text, check_header=_check_header, max_rows=settings.IMPORT_MAX_ROWS)
    for _line, data in rows:
        kind = data.get("kind", "")
        data["kind"] = kinds.get(kind.lower(), kind)
    return rows


def _check_header(header: list[str]) -> None:
    unknown = [column for column in header if column not in INPUT_FIELDS]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
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
    return excel_csv(INPUT_FIELDS, [])


def errors_csv(errors: list[dict]) -> str:
    """The error report for Dutch Excel, columns regel;veld;melding."""
    return excel_csv(
        [_("regel"), _("veld"), _("melding")],
        (
            [error["line"], "" if field == "__all__" else field, message]
            for error in errors
            for field, messages in error["errors"].items()
            for message in messages
        ),
    )
