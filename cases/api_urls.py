from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")

urlpatterns = [
    path("signals/<uuid:pk>/accept/", api.SignalAcceptView.as_view(), name="signal-accept"),
    path("signals/<uuid:pk>/decline/", api.SignalDeclineView.as_view(), name="signal-decline"),
    *router.urls,
]
