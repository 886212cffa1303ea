"""Reading uploaded CSV files, whatever their columns mean.

Files come from Excel and from partners' own systems: UTF-8 with or without BOM, `;` or
`,` separated (taken from the header line). The header names are trimmed and lowercased;
blank lines are skipped; every row keeps the line number it starts on, so a report can
point at it."""

import csv
import io
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

BOM = "\ufeff"
EXTRA = "__extra__"  # values beyond the header's columns


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": [_("Het bestand is niet in UTF-8 opgeslagen. Kies bij opslaan 'CSV UTF-8'.")]}
        ) from None


def delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def read_table(
    text: str,
    required=(),
    check_header: Callable[[list[str]], None] | None = None,
    max_rows: int | None = None,
    aliases: dict[str, str] | None = None,
) -> list[tuple[int, dict]]:
    """(line number, {column: trimmed value}) per data row; the header is line 1. A row
    with more values than columns carries them under `EXTRA`. `aliases` maps other names
    of a column (the Dutch `huisnummer`) to the one the caller reads (`house_number`).
    Raises ValidationError on the `file` field when the file is empty, names a column
    twice, lacks a `required` column, fails `check_header`, or has more than `max_rows`
    data rows."""
    text = text.lstrip(BOM)
    if not text.strip():
        raise ValidationError({"file": [_("Het bestand is leeg.")]})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except csv.Error:
        raise ValidationError({"file": [_("De kopregel kan niet gelezen worden.")]}) from None
    if any("\x00" in column for column in header):
        raise ValidationError({"file": [_("De kopregel bevat een NUL-teken (\\x00).")]})
    named = header
    header = [(aliases or {}).get(column, column) for column in named]
    twice = [
        name
        for name, column in zip(named, header, strict=True)
        if column and header.count(column) > 1
    ]
    if twice:
        message = _("Deze kolommen staan er twee keer in (of betekenen hetzelfde): %(columns)s.")
        raise ValidationError({"file": [message % {"columns": ", ".join(twice)}]})
    missing = [column for column in required if column not in header]
    if missing:
        message = _("Kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)}
        raise ValidationError({"file": [message]})
    if check_header:
        check_header(header)
    rows, line, bad = [], reader.line_num, []
    for start, values in _rows(reader, line):
        if not any(value.strip() for value in values):
            continue
        if max_rows is not None and len(rows) == max_rows:
            message = _("Een bestand heeft hoogstens %(max)d regels; splits het op.")
            raise ValidationError({"file": [message % {"max": max_rows}]})
        data = {column: value.strip() for column, value in zip(header, values, strict=False)}
        if len(values) > len(header):
            data[EXTRA] = values[len(header) :]
        bad.extend(_nul_errors(start, data))
        rows.append((start, data))
    if bad:
        raise ValidationError({"file": bad[:MAX_REPORTED]})
    return rows


# Bad bytes refuse the whole file before anything is written (the first few are named):
# a NUL byte or an overlong field means a damaged or wrong file, not one bad signal.
MAX_REPORTED = 10


def _rows(reader, line: int):
    """(first line, values) per record; a field over the csv module's limit (128 KB,
    usually a quote that is never closed) is a clear error instead of a crash."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                message = _(
                    "Regel %(line)d: een waarde is langer dan %(max)d tekens. "
                    "Controleer de aanhalingstekens."
                )
                params = {"line": line + 1, "max": csv.field_size_limit()}
            else:
                message = _("Regel %(line)d kan niet gelezen worden: %(error)s")
                params = {"line": line + 1, "error": exc}
            raise ValidationError({"file": [message % params]}) from None
        yield line + 1, values
        line = reader.line_num


def _nul_errors(line: int, data: dict) -> list[str]:
    """PostgreSQL cannot store a NUL byte in text: name the line and column."""
    return [
        _("Regel %(line)d, kolom %(column)s: tekst mag geen NUL-teken (\\x00) bevatten.")
        % {"line": line, "column": column}
        for column, value in data.items()
        if column != EXTRA and "\x00" in value
    ]


# --- writing ---------------------------------------------------------------------------

# A text cell starting with one of these is a formula (or becomes one) in Excel and
# LibreOffice: `=HYPERLINK(...)` in a reason would run on the privacy officer's machine.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """OWASP CSV-injection rule: a text cell that starts like a formula gets a leading
    `'`, so the spreadsheet shows it as text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_csv(header, rows) -> str:
    """A CSV that opens in Dutch Excel: `;` separated, UTF-8 with BOM, CRLF lines. Every
    export goes through here, so every cell is neutralised here (`safe_cell`)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(str(column)) for column in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def excel_csv_response(filename: str, header, rows) -> HttpResponse:
    response = HttpResponse(excel_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
