"""Error answers: JSON bodies for every API error, also the ones Django renders itself, and
the portal's own 404 page under `make run` (DEBUG on)."""

import json
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

API_PREFIX = "/api/"
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def _remember_exception(sender, request=None, **kwargs):
    """Django sends this while handling an uncaught exception: keep it on the request, so
    the middleware can tell a database outage (503) from a bug (500)."""
    if request is not None:
        request._api_exception = sys.exc_info()[1]


got_request_exception.connect(_remember_exception, dispatch_uid="wijkportaal-api-errors")


class ApiErrorMiddleware:
    """Every error under /api/ has a JSON body, also the ones Django renders as HTML: a
    server error (500), the database down (503 with Retry-After), an unknown path (404).
    The response is rewritten in place, so the headers of the other middleware stay."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
            and not response.streaming
        ):
            self._as_json(request, response)
        return response

    def _as_json(self, request, response):
        exception = getattr(request, "_api_exception", None)
        if response.status_code >= 500 and isinstance(exception, DATABASE_DOWN):
            response.status_code = 503
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            detail = _("De database is tijdelijk niet bereikbaar. Probeer het zo opnieuw.")
        elif response.status_code >= 500:
            detail = _("Er ging iets mis op de server. Probeer het later opnieuw.")
        elif response.status_code == 404:
            detail = _("Niet gevonden.")
        elif response.status_code == 403:
            detail = _("U heeft geen toegang.")
        else:
            detail = _("Ongeldig verzoek.")
        response.content = json.dumps({"detail": detail}).encode()
        response["Content-Type"] = "application/json"
        if response.has_header("Content-Length"):  # set by CommonMiddleware for the old body
            response["Content-Length"] = str(len(response.content))


class PortalNotFoundPageMiddleware:
    """With DEBUG on, Django answers a missing page with its technical 404, which lists every
    URL pattern. A missing or refused page must look as it does in production (the policy
    answers 404 for what a user may not see), so the portal's own 404 page replaces it.
    Tracebacks of real errors (500) keep Django's debug page for the developer. The API keeps
    its JSON answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not request.path.startswith(API_PREFIX)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response = page_not_found(request, exception=None)
        return response
