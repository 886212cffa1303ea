"""Who belongs where: a user's memberships of organisations.

A leaf of the partners domain: it imports nothing of `privacy`, so `privacy.policy` can
build every decision on it while `partners` imports `privacy` freely."""

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
