from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

admin.site.site_header = _("Wijkportaal beheer")
admin.site.site_title = _("Wijkportaal beheer")

api_patterns = [
    path("", include("signals.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("partners.api_urls")),
    path("", include("privacy.api_urls")),
    path("", include("accounts.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/details", views.healthz_details, name="healthz-details"),
    path("", views.home, name="home"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("signalen/", include("signals.urls")),
    path("casussen/", include("cases.urls")),
    path("samenwerking/", include("partners.urls")),
    path("privacy/", include("privacy.urls")),
    path("meldingen/", include("notifications.urls")),
    path("api/v1/", include(api_patterns)),
]
