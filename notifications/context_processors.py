from .selectors import unread_count


def unread_notifications(request):
    """The signed-in user's unread notification count, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}
