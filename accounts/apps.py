from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .security import start_session_expiry

        user_logged_in.connect(start_session_expiry, dispatch_uid="accounts.session_expiry")
