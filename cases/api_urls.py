from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls

# --- notifications (reminders) ---------------------------------------------------------
from django.urls import path  # noqa: E402

from . import notification_api  # noqa: E402

urlpatterns += [
    path("notifications/", notification_api.NotificationList.as_view(), name="notification-list"),
    path(
        "notifications/read-all/",
        notification_api.NotificationMarkAllRead.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_api.NotificationMarkRead.as_view(),
        name="notification-read",
    ),
]
