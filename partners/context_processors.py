def memberships(request):
    """The signed-in user's memberships, for the header and the home page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_memberships": []}
    from privacy.policy import memberships  # privacy builds on partners

    return {"user_memberships": memberships(user)}
