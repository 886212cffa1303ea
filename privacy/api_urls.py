from rest_framework.routers import SimpleRouter

from .api import AccessLogViewSet

router = SimpleRouter()
router.register("access-log", AccessLogViewSet, basename="access-log")

urlpatterns = router.urls
