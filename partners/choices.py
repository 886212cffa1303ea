"""Vocabulary of the partners domain: kinds of organisation, roles, statuses. Every app
above `partners` uses it; the kinds of signal are in `core.kinds`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CORPORATION = "corporation", _("Woningcorporatie")
    WIJKTEAM = "wijkteam", _("Wijkteam")
    MUNICIPALITY = "municipality", _("Gemeente")
    OTHER = "other", _("Overige partner")


class Role(models.TextChoices):
    CORPORATION_STAFF = "corporation_staff", _("Medewerker corporatie")
    TEAM_MEMBER = "team_member", _("Wijkteammedewerker")
    TRIAGE_LEAD = "triage_lead", _("Triagist")
    COORDINATOR = "coordinator", _("Coördinator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacyfunctionaris")


# Which roles fit which kind of organisation; memberships are validated against it.
ROLES_BY_KIND = {
    OrganisationKind.CORPORATION: {Role.CORPORATION_STAFF},
    OrganisationKind.WIJKTEAM: {Role.TEAM_MEMBER, Role.TRIAGE_LEAD},
    OrganisationKind.MUNICIPALITY: {Role.COORDINATOR, Role.PRIVACY_OFFICER},
    OrganisationKind.OTHER: {Role.CORPORATION_STAFF},
}
TEAM_ROLES = {Role.TEAM_MEMBER, Role.TRIAGE_LEAD}
# Roles that reach personal data (residents' signals and cases, or the access log about
# them). An administrator (staff or superuser) never holds one (`privacy.policy`).
PERSONAL_DATA_ROLES = {
    Role.CORPORATION_STAFF,
    Role.TEAM_MEMBER,
    Role.TRIAGE_LEAD,
    Role.PRIVACY_OFFICER,
}


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    ACTIVE = "active", _("Actief")
    EXPIRED = "expired", _("Verlopen")


class ComplexStatus(models.TextChoices):
    PENDING = "pending", _("Wacht op goedkeuring")
    APPROVED = "approved", _("Goedgekeurd")


class PlanActionStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    IN_PROGRESS = "in_progress", _("Bezig")
    DONE = "done", _("Afgerond")
    DROPPED = "dropped", _("Vervallen")


OPEN_PLAN_STATUSES = (PlanActionStatus.PLANNED, PlanActionStatus.IN_PROGRESS)
