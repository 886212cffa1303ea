"""Feedback after a button that writes: its success, or why the service refused it."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def report_outcome(request, write, success: str) -> bool:
    """Call `write()`: a ValidationError it raises becomes one error message, else
    `success` is shown; whether it succeeded."""
    try:
        write()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
