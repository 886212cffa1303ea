from rest_framework.routers import SimpleRouter

from .api import SignalViewSet

router = SimpleRouter()
router.register("signals", SignalViewSet, basename="signal")

urlpatterns = router.urls
