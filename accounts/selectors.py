"""Reads of accounts: the user's own API tokens and two-factor status."""

from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from privacy import policy


def api_tokens_of(user):
    """The user's own tokens, newest first (revoked and expired ones included)."""
    return policy.visible_api_tokens(user).order_by("-created_at", "-pk")


def two_factor_status(user) -> dict:
    """Enrolled: a confirmed device other than the backup codes (the TOTP app)."""
    devices = list(devices_for_user(user, confirmed=True))
    return {
        "enrolled": any(not isinstance(device, StaticDevice) for device in devices),
        "backup_codes_left": StaticToken.objects.filter(device__user=user).count(),
    }
