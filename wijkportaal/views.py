from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from privacy.policy import memberships


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def broker_available() -> bool:
    """One connection attempt to the broker (a few seconds at most when it is down)."""
    from .celery import BROKER_ERRORS, app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except BROKER_ERRORS:
        return False
    return True


@require_GET
@never_cache
def healthz_details(request):
    """For monitoring: database, broker and the work waiting for them (counts only, no
    personal data). 503 when the database or the broker is unavailable; `/healthz`
    stays the cheap liveness check."""
    from notifications import delivery
    from signals.imports import waiting_imports

    try:
        counts = {
            "emails_waiting": delivery.due_for_requeue().count(),
            "emails_given_up": delivery.given_up().count(),
            "imports_waiting": waiting_imports().count(),
        }
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    broker = broker_available()
    body = {
        "status": "ok" if broker else "degraded",
        "database": "ok",
        "broker": "ok" if broker else "unavailable",
        **counts,
    }
    return JsonResponse(body, status=200 if broker else 503)


@login_required
def home(request):
    """Start page: who you are, for which organisation, and what you can do next."""
    return render(request, "home.html", {"memberships": memberships(request.user)})
