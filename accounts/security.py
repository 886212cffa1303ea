"""Sign-in security: the two-factor requirement for portal and API sessions (the
brute-force lockout is in `lockout`)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


def needs_second_factor(user) -> bool:
    """True when 2FA is required and this signed-in user has not passed it this session."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


class RequireTwoFactorMiddleware:
    """With REQUIRE_2FA, send a signed-in user who has not passed the second factor to
    verification (or to enrolment when they have no device yet) before any other page.

    The API is left to `VerifiedSessionAuthentication` (an unverified session is anonymous
    there); token requests are unaffected, tokens are only issued after 2FA."""

    OPEN_PREFIXES = ("/account/tweestapsverificatie/", "/static/", "/api/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request.user) and not self._is_open(request.path):
            if user_has_device(request.user):
                target = reverse("account:verify")
            else:
                target = reverse("account:2fa-setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        return path.startswith(self.OPEN_PREFIXES) or path == reverse("logout")


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication for the API that ignores a session still waiting for its
    second factor, so it is treated as anonymous. CSRF stays enforced."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and needs_second_factor(result[0]):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """Documents VerifiedSessionAuthentication as the cookie session it is."""

    target_class = "accounts.security.VerifiedSessionAuthentication"
