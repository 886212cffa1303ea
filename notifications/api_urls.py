from django.urls import path

from . import api

urlpatterns = [
    # Notifications (reminders) of the signed-in user.
    path("notifications/", api.NotificationList.as_view(), name="notification-list"),
    path(
        "notifications/read-all/",
        api.NotificationMarkAllRead.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        api.NotificationMarkRead.as_view(),
        name="notification-read",
    ),
]
