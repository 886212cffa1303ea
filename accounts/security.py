"""Sign-in security: the two-factor requirement for portal and API sessions, and the idle
timeout of portal sessions (the brute-force lockout is in `lockout`)."""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
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


def renew_session_expiry(session) -> None:
    """Let the session end SESSION_COOKIE_AGE seconds from now (an absolute time kept in the
    session, so `get_expiry_age()` is the time really left, rounded up to the whole second
    so a fresh session shows the full age); SessionMiddleware saves the session and sets
    its cookie again."""
    expiry = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE, microseconds=999999)
    session.set_expiry(expiry.replace(microsecond=0))


def start_session_expiry(sender, request, user, **kwargs) -> None:
    """At sign-in (`user_logged_in`): the session's expiry starts now, written with the
    sign-in itself, so the first page after it needs no renewal of its own."""
    session = getattr(request, "session", None)
    if session is not None:
        renew_session_expiry(session)


class SessionIdleMiddleware:
    """The idle timeout without a session write on every page.

    `SESSION_SAVE_EVERY_REQUEST` would renew the expiry with an `UPDATE django_session` on
    every request. Instead the expiry is an absolute time in the session, renewed only
    when the last renewal is more than SESSION_REFRESH_SECONDS (60) old: at most one write
    a minute per user. A session therefore ends between SESSION_COOKIE_AGE minus that
    minute and SESSION_COOKIE_AGE after the user's last request (14 to 15 idle minutes by
    default), never later. Pages show the time really left (`get_expiry_age()`), so the
    warning banner appears two minutes before the server ends the session.

    Only sessions with data that the request used are renewed: an anonymous visitor
    without a session gets none, and a session ended by sign-out stays ended."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request used (read, not just carried): no extra query for
        # requests that never look at the user, nothing for an empty or ended session.
        if session is None or not session.accessed or session.is_empty():
            return response
        renewed_ago = settings.SESSION_COOKIE_AGE - session.get_expiry_age()
        if "_session_expiry" not in session or renewed_ago >= settings.SESSION_REFRESH_SECONDS:
            renew_session_expiry(session)
        return response


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
