"""Permission matrix rows for the admin pages issue 13 closed: nobody, the superuser
included, may create a two-factor device (and with it a secret) for someone else; the
memberships list is the admin's own."""

from . import Row
from .foundation import staff_only

nobody_adds = {**staff_only, "admin": 403}

ROWS = [
    Row("admin-totp-add", "GET", lambda w: "/beheer/otp_totp/totpdevice/add/", nobody_adds),
    Row(
        "admin-backup-codes-add",
        "GET",
        lambda w: "/beheer/otp_static/staticdevice/add/",
        nobody_adds,
    ),
    Row("admin-totp-list", "GET", lambda w: "/beheer/otp_totp/totpdevice/", staff_only),
    Row("admin-memberships", "GET", lambda w: "/beheer/partners/membership/", staff_only),
]
