"""Reads of the partners domain that depend on the requesting user."""

from .models import Membership


def memberships_of(user) -> list[Membership]:
    """A user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_wijkportaal_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation__municipality")
            .order_by("organisation__name")
        )
        user._wijkportaal_memberships = cached
    return cached
