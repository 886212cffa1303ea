"""Cells of data tables, worked out once per page in Python rather than per row in the
template: a table of 25 rows otherwise pays for every label and date 25 times."""

from collections.abc import Callable
from datetime import date

from django.db import models
from django.urls import reverse
from django.utils.timezone import template_localtime


def label_map(choices: type[models.Choices]) -> dict:
    """`{value: label}` of a choices class, the labels translated into the active language.

    Made once per request for a table: `get_FOO_display()` turns every lazy label of the
    field's choices into text again on each call, so a column of them costs a translation
    per choice per row. Look a value up with `.get(value, value)`, as `get_FOO_display()`
    shows a value that is no choice as it is."""
    return {value: str(label) for value, label in choices.choices}


def day(value: date | None) -> str:
    """A date, or a moment in the current time zone, as the tables print it (what
    `{{ value|date:"d-m-Y" }}` prints; "" for None)."""
    if value is None:
        return ""
    return template_localtime(value).strftime("%d-%m-%Y")


def row_link(viewname: str, sample) -> Callable[[object], str]:
    """`reverse(viewname, args=[key])` for every row of a table, for keys that need no
    quoting in a URL (numbers, UUIDs): the URL is reversed once, with `sample` (a key the
    pattern accepts), and each row's key takes its place."""
    before, found, after = reverse(viewname, args=[sample]).rpartition(str(sample))
    if not found:
        raise ValueError(f"{sample} does not appear in the URL of {viewname}")
    return lambda key: f"{before}{key}{after}"
