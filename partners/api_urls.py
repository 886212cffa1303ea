from rest_framework.routers import SimpleRouter

from .api import AgreementViewSet, ComplexInsightViewSet, ContactViewSet, DistrictViewSet

router = SimpleRouter()
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("contacts", ContactViewSet, basename="contact")
router.register("districts", DistrictViewSet, basename="district")
router.register("insights/complexes", ComplexInsightViewSet, basename="complex-insight")

urlpatterns = router.urls
