import uuid

from . import context


class RequestIdMiddleware:
    """Give each request an id (or take the proxy's X-Request-ID) for the access log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")[:36]
        request.request_id = incoming or str(uuid.uuid4())
        token = context.request_id.set(request.request_id)
        request_token = context.current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            context.current_request.reset(request_token)
            context.request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
