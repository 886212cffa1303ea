from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Meldingen")

    def ready(self):
        # Connects the receivers of the domain events of `cases`.
        from . import events  # noqa: F401
