from functools import cache

from .selectors import unread_count


def unread_notifications(request):
    """The signed-in user's unread notification count, for the header: counted when a
    template first reads it and then kept for the rest of this rendering (the header reads
    it three times), so a page that passes the count itself (the notification list) or
    never shows the header runs no query for it. Templates call a callable they look up."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": cache(lambda: unread_count(user))}
