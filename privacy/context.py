"""The current request (its id, and who is acting), carried to the access log without
passing it everywhere."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
# The request being served: changes made in the admin (memberships, groups, two-factor
# devices) are logged with the user who made them, from receivers that get no request.
current_request: ContextVar[object] = ContextVar("current_request", default=None)


def acting_user():
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
