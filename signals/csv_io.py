"""Reading and writing the CSV files of the signal import.

The columns are the fields of `POST /api/v1/signals/` (`models.INPUT_FIELDS`). Files come
from Excel and from corporations' own systems: `;` or `,` separated (taken from the header
line), UTF-8 with or without BOM, kinds as code or Dutch label. Validation of the values
themselves is the service's (`clean_signal_input`), so every channel gives the same
messages."""

import csv
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from partners.choices import SignalKind

from .models import INPUT_FIELDS

REQUIRED_COLUMNS = ["kind", "postcode", "house_number", "description"]
BOM = "\ufeff"


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": [_("Het bestand is niet in UTF-8 opgeslagen. Kies bij opslaan 'CSV UTF-8'.")]}
        ) from None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _kind_codes() -> dict[str, str]:
    """Dutch labels (`Huurachterstand`) and codes (`rent_arrears`) -> code."""
    with translation.override("nl"):
        labels = {str(label).lower(): value for value, label in SignalKind.choices}
    return labels | {value: value for value in SignalKind.values}


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, values) per data row; the header is line 1. Raises ValidationError
    on the `file` field when the header does not fit."""
    if not text.strip():
        raise ValidationError({"file": [_("Het bestand is leeg.")]})
    reader = csv.reader(io.StringIO(text.lstrip(BOM), newline=""), delimiter=_delimiter(text))
    header = [column.strip().lower() for column in next(reader)]
    _check_header(header)
    kinds = _kind_codes()
    rows, line = [], reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(rows) == settings.IMPORT_MAX_ROWS:
            raise ValidationError(
                {
                    "file": [
                        _("Een bestand heeft hoogstens %(max)d regels; splits het op.")
                        % {"max": settings.IMPORT_MAX_ROWS}
                    ]
                }
            )
        rows.append((start, _row(header, values, kinds)))
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


def _row(header: list[str], values: list[str], kinds: dict[str, str]) -> dict:
    data = {column: value.strip() for column, value in zip(header, values, strict=False)}
    if len(values) > len(header):
        data["__extra__"] = values[len(header) :]
    kind = data.get("kind", "")
    data["kind"] = kinds.get(kind.lower(), kind)
    return data


def extra_columns_error(data: dict) -> dict | None:
    if "__extra__" in data:
        return {"__all__": [_("Deze regel heeft meer waarden dan er kolommen zijn.")]}
    return None


def template_csv() -> str:
    return BOM + ";".join(INPUT_FIELDS) + "\r\n"


def errors_csv(errors: list[dict]) -> str:
    """The error report for Dutch Excel: `;`, UTF-8 with BOM, columns regel;veld;melding."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("regel"), _("veld"), _("melding")])
    for error in errors:
        for field, messages in error["errors"].items():
            for message in messages:
                writer.writerow([error["line"], "" if field == "__all__" else field, message])
    return out.getvalue()
