"""An e-mail backend for the fault suite: every message the "mail server" accepts is
appended (Message-ID, recipient) to the file named by RELIABILITY_MAIL_LOG, written and
flushed before the send returns, so a worker killed right after still leaves the line.
RELIABILITY_MAIL_DELAY (seconds per message) makes a batch take long enough to kill a
worker in the middle of it."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        path = os.environ["RELIABILITY_MAIL_LOG"]
        delay = float(os.environ.get("RELIABILITY_MAIL_DELAY", "0"))
        for message in messages:
            if delay:
                time.sleep(delay)
            line = f"{message.extra_headers.get('Message-ID', '')} {message.to[0]}\n"
            with open(path, "a", encoding="utf-8") as log:
                log.write(line)
                log.flush()
                os.fsync(log.fileno())
        return len(messages)


def accepted(path) -> list[str]:
    """The Message-IDs the server accepted, one per delivery (duplicates included)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as log:
        return [line.split(" ", 1)[0] for line in log if line.strip()]
