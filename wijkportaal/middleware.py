"""The portal's own error pages also under `make run` (DEBUG on)."""

from django.conf import settings
from django.views.defaults import page_not_found


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
            and not request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response = page_not_found(request, exception=None)
        return response
