"""The own-token API, mounted under /api/v1/ (`tokens/`)."""

from rest_framework.routers import SimpleRouter

from .api import ApiTokenViewSet

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="api-token")

urlpatterns = router.urls
