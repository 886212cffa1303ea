"""Account pages, mounted at /account/ (namespace `account`)."""

from django.urls import path

from . import views

app_name = "account"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("tweestapsverificatie/instellen/", views.two_factor_setup, name="2fa-setup"),
    path("tweestapsverificatie/controleren/", views.verify, name="verify"),
    path("tweestapsverificatie/reservecodes/", views.backup_codes, name="backup-codes"),
    path(
        "tweestapsverificatie/reservecodes/nieuw/",
        views.regenerate_backup_codes,
        name="backup-codes-regenerate",
    ),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/nieuw/", views.token_create, name="token-create"),
    path("tokens/aangemaakt/", views.token_created, name="token-created"),
    path("tokens/<int:pk>/intrekken/", views.token_revoke, name="token-revoke"),
    path("sessie/verlengen/", views.session_keepalive, name="session-keepalive"),
]
