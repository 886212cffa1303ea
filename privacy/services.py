"""Writes of the privacy domain."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import CaseEvent, CaseEventKind

from . import access_log, policy
from .models import AccessAction, ApiToken, Purpose, hash_token
from .retention import Counts, erase_household_rows


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


# --- privacy officer ------------------------------------------------------------------------


def log_inquiry(user, action: str, object_type: str, *, object_ids=(), household_key="", reason=""):
    """Every inquiry, report and export by the privacy officer is itself logged."""
    return access_log.record(
        user,
        action,
        object_type,
        object_ids=list(object_ids),
        household_key=household_key,
        purpose=Purpose.PRIVACY_INQUIRY,
        reason=reason,
    )


@transaction.atomic
def erase_household(user, household_key: str, reason: str) -> Counts:
    """Erase a household's personal data on a justified request, in one transaction: its
    signals and cases in the officer's municipality are stripped to the anonymous record,
    each case's history gets an 'erased' event, the access log gets an erase row, and
    every reason about the household (in the log, the erasure's own included) is
    deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Geef de reden van het wissen op.")]})
    if not policy.can_erase_household(user, household_key):
        raise PermissionDenied
    now = timezone.now()
    signals = policy.privacy_household_signals(user, household_key)
    cases = policy.privacy_household_cases(user, household_key)
    case_ids = list(cases.filter(erased_at__isnull=True).values_list("pk", flat=True))
    counts = erase_household_rows(signals, cases, now)
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, actor=user, kind=CaseEventKind.ERASED) for pk in case_ids]
    )
    access_log.record(
        user,
        AccessAction.ERASE,
        "household",
        household_key=household_key,
        purpose=Purpose.PRIVACY_INQUIRY,
        reason=reason,
        object_ids=case_ids,
    )
    # Last, so the erasure's own reason (which may name the resident) goes too: the log
    # keeps who erased which household when, and that a reason was given.
    access_log.forget_household_reasons(household_key)
    return counts


# --- Security: two-factor devices -----------------------------------------------------
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
