"""The brute-force lockout (django-axes): the client address it counts failures for and
the page it shows."""

from django.conf import settings
from django.shortcuts import render


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
