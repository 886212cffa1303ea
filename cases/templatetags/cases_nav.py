"""Template helpers of the cases navigation."""

from django import template

register = template.Library()


@register.filter
def role_names(memberships) -> set[str]:
    """The roles among `memberships` (the header's `user_memberships`)."""
    return {membership.role for membership in memberships}
