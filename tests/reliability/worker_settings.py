"""Settings of the worker processes the fault suite starts: the project's own, with the
recording mail backend (see mailsink.py)."""

from wijkportaal.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.reliability.mailsink.RecordingBackend"
