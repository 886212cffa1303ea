"""The kinds of signal. A leaf of its own: agreements set terms per kind (`partners`),
signals carry one (`signals`) and the figures count per kind (`privacy`), and `partners`
sits below `signals` in the dependency chain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalKind(models.TextChoices):
    NUISANCE = "nuisance", _("Overlast")
    RENT_ARREARS = "rent_arrears", _("Huurachterstand")
    RENOVATION_FINDING = "renovation_finding", _("Bevinding bij renovatie")
    OTHER = "other", _("Overig")
