"""Sign-in security: the two-factor requirement for portal and API sessions, and the
client address used by the brute-force lockout."""

from django.conf import settings
from django.shortcuts import redirect, render
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

    target_class = "privacy.security.VerifiedSessionAuthentication"


def client_ip(request) -> str | None:
    """The client's address for the lockout: with TRUSTED_PROXY_COUNT proxies in front,
    the address the outermost trusted proxy saw; otherwise REMOTE_ADDR."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The Dutch lockout page (HTTP 429) shown by django-axes."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/lockout.html", context, status=429)
