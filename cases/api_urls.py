from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, notification_api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")

urlpatterns = [
    path("signals/<uuid:pk>/accept/", api.SignalAcceptView.as_view(), name="signal-accept"),
    path("signals/<uuid:pk>/decline/", api.SignalDeclineView.as_view(), name="signal-decline"),
    *router.urls,
    # Notifications (reminders) of the signed-in user.
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
