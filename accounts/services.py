"""Writes of accounts: API tokens and two-factor devices."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, hash_token

# --- API tokens -------------------------------------------------------------------------


@transaction.atomic
def issue_api_token(user, name: str = "API", days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its key; the key is not stored and shown once."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=hash_token(key),
        expires_at=timezone.now() + timedelta(days=days or settings.API_TOKEN_DEFAULT_DAYS),
    )
    return token, key


@transaction.atomic
def revoke_api_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def note_api_token_use(token: ApiToken, now) -> None:
    """Record use at a coarse resolution: one write per few minutes, not per request."""
    if token.last_used_at is None or now - token.last_used_at > settings.TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# --- two-factor devices -----------------------------------------------------------------
# TOTP app plus single-use backup codes (django-otp). Backup codes are shown once; the
# static tokens are deleted when used.

BACKUP_DEVICE_NAME = "Reservecodes"
TOTP_DEVICE_NAME = "Authenticator-app"


@transaction.atomic
def start_totp_enrolment(user):
    """The user's unconfirmed TOTP device (created on first visit), to show as a QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(device, code: str) -> list[str] | None:
    """Confirm the device when `code` is valid for it; returns fresh backup codes, or None
    when the code is wrong."""
    if not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return regenerate_backup_codes(device.user)


@transaction.atomic
def regenerate_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with TWO_FACTOR_BACKUP_CODES new ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def verify_second_factor(user, code: str):
    """The confirmed device that accepts `code` (a TOTP code or an unused backup code,
    which is then spent), or None. Device throttling applies to repeated failures."""
    code = code.strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(code):
            return device
    return None
