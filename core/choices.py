"""Choice labels for tables."""

from django.db import models


def label_map(choices: type[models.Choices]) -> dict:
    """`{value: label}` of a choices class, the labels translated into the active language.

    Made once per request for a table: `get_FOO_display()` turns every lazy label of the
    field's choices into text again on each call, so a column of them costs a translation
    per choice per row. Look a value up with `.get(value, value)`, as `get_FOO_display()`
    shows a value that is no choice as it is."""
    return {value: str(label) for value, label in choices.choices}
