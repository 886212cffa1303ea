"""The API's JSON parser: DRF's, refusing input that would otherwise be a server error."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

NUL = "\x00"


def nul_message() -> str:
    return _("Tekst mag geen NUL-teken (\\x00) bevatten.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus three refusals with a clear 400 instead of a server error:
    nesting deeper than Python's recursion limit, a lone surrogate (`"\\ud800"`, valid
    JSON but no valid text, which the database cannot store) and a NUL byte (PostgreSQL
    cannot store it in text), the last one reported on the field that holds it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("De JSON is te diep genest.")) from None
        check_text(data)
        return data


def check_text(data) -> None:
    """Walk the parsed JSON without recursion; raise on the first bad string."""
    nul_fields = {}
    stack = [(None, data)]
    while stack:
        field, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, field)
                if NUL in key:
                    nul_fields.setdefault(field or "non_field_errors", [nul_message()])
                stack.append((field or key, item))
        elif isinstance(value, list):
            stack.extend((field, item) for item in value)
        elif isinstance(value, str):
            _check_string(value, field)
            if NUL in value:
                nul_fields.setdefault(field or "non_field_errors", [nul_message()])
    if nul_fields:
        raise exceptions.ValidationError(nul_fields)


def _check_string(value: str, field) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise exceptions.ParseError(
            _("De JSON bevat ongeldige tekens (een losse surrogaat zoals \\ud800).")
        ) from None
