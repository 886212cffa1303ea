"""Partners: municipalities, districts, organisations, teams, memberships, complexes,
agreements and fixed contact persons.

Routing data is materialised in `PostcodeArea` (one row per PC4), so `route()` is one
indexed lookup and "a PC4 belongs to at most one district" is a database constraint.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.kinds import SignalKind

from .choices import (
    PERSONAL_DATA_ROLES,
    ROLES_BY_KIND,
    AgreementStatus,
    ComplexStatus,
    OrganisationKind,
    PlanActionStatus,
    Role,
)
from .postcodes import household_key, parse_pc4_ranges


class Municipality(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    pc4_ranges = models.CharField(
        _("PC4-gebied"),
        max_length=1000,
        help_text=_("Postcodecijfers van de gemeente, bijvoorbeeld 1011-1039."),
    )
    central_team = models.ForeignKey(
        "Organisation",
        verbose_name=_("centraal team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="central_for",
        limit_choices_to={"kind": OrganisationKind.WIJKTEAM},
        help_text=_("Behandelt postcodes van de gemeente die in geen wijk liggen."),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        parse_pc4_ranges(self.pc4_ranges)


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="districts"
    )
    name = models.CharField(_("naam"), max_length=100)
    pc4_ranges = models.CharField(
        _("PC4-reeksen"), max_length=1000, help_text=_("Bijvoorbeeld 1011-1019, 1025.")
    )
    team = models.ForeignKey(
        "Organisation",
        verbose_name=_("wijkteam"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="districts",
        limit_choices_to={"kind": OrganisationKind.WIJKTEAM},
    )
    code = models.CharField(
        _("CBS-wijkcode"),
        max_length=20,
        blank=True,
        help_text=_("Bijvoorbeeld WK036301; koppelt de wijk aan een kaartbestand."),
    )
    # GeoJSON geometry (Polygon or MultiPolygon, WGS84 longitude/latitude) as text: the
    # map is drawn server-side from it, so no GIS extension is needed.
    geometry = models.TextField(_("geometrie (GeoJSON)"), blank=True)

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name")
        ]

    def __str__(self):
        return self.name


class PostcodeArea(models.Model):
    """One PC4 of a municipality and, when covered, its district. Derived from the ranges
    by `partners.services.sync_postcode_areas`; never edited by hand."""

    pc4 = models.PositiveIntegerField(_("PC4"), unique=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="areas"
    )

    class Meta:
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")

    def __str__(self):
        return str(self.pc4)


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=OrganisationKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_(
            "Voor wijkteams en gemeentelijke organisaties: de gemeente waarvoor zij werken."
        ),
    )
    group = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="organisation",
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # One Django group per organisation: object permissions are granted to it.
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"org:{self.name}")
        elif self.group.name != f"org:{self.name}":
            Group.objects.filter(pk=self.group_id).update(name=f"org:{self.name}")
        super().save(*args, **kwargs)

    def clean(self):
        if (
            self.kind in (OrganisationKind.WIJKTEAM, OrganisationKind.MUNICIPALITY)
            and not self.municipality_id
        ):
            raise ValidationError(
                {"municipality": _("Een wijkteam of gemeente hoort bij een gemeente.")}
            )


class TeamManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=OrganisationKind.WIJKTEAM)


class Team(Organisation):
    """A wijkteam: an organisation of kind `wijkteam`, serving districts (or central)."""

    objects = TeamManager()

    class Meta:
        proxy = True
        verbose_name = _("wijkteam")
        verbose_name_plural = _("wijkteams")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.WIJKTEAM
        super().save(*args, **kwargs)


def check_personal_role(user, role: str) -> None:
    """An administrator (staff or superuser) gets no role that reaches personal data: not
    from itself, not from another administrator (admin form, inline and service alike)."""
    if user is not None and (user.is_staff or user.is_superuser) and role in PERSONAL_DATA_ROLES:
        raise ValidationError(
            {
                "role": _(
                    "Een beheerder krijgt geen rol met toegang tot persoonsgegevens; "
                    "gebruik een apart account zonder beheerrechten."
                )
            }
        )


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    def clean(self):
        if self.organisation_id and self.role not in ROLES_BY_KIND[self.organisation.kind]:
            raise ValidationError({"role": _("Deze rol past niet bij het soort organisatie.")})
        check_personal_role(self.user if self.user_id else None, self.role)


class Complex(models.Model):
    """A corporation's complex. Its address list counts for insights and contact
    visibility only once the municipality's coordinator approved it; any change to the
    list sends it back to pending (DESIGN §3 "Privacy"), so a corporation cannot shape the
    set an answer is given for."""

    corporation = models.ForeignKey(
        Organisation,
        verbose_name=_("corporatie"),
        on_delete=models.CASCADE,
        related_name="complexes",
        limit_choices_to={"kind": OrganisationKind.CORPORATION},
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complexes",
        help_text=_("De gemeente waarin alle adressen liggen; haar coördinator keurt goed."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplexStatus.choices,
        default=ComplexStatus.PENDING,
        db_index=True,
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("goedgekeurd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The household keys as approved, to show the coordinator what changed since.
    approved_keys = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("complex")
        verbose_name_plural = _("complexen")
        ordering = ["corporation__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["corporation", "code"], name="complex_unique_code")
        ]

    def __str__(self):
        return self.code


class ComplexAddress(models.Model):
    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="addresses")
    postcode = models.CharField(_("postcode"), max_length=7)
    house_number = models.PositiveIntegerField(_("huisnummer"))
    house_number_addition = models.CharField(_("toevoeging"), max_length=4, blank=True)
    household_key = models.CharField(_("huishoudsleutel"), max_length=20)

    class Meta:
        verbose_name = _("adres in complex")
        verbose_name_plural = _("adressen in complex")
        constraints = [
            # An address belongs to at most one complex, of any corporation: overlapping
            # complexes would let two answers be subtracted from each other.
            models.UniqueConstraint(fields=["household_key"], name="complex_address_one_complex")
        ]

    def __str__(self):
        addition = f"-{self.house_number_addition}" if self.house_number_addition else ""
        return f"{self.postcode} {self.house_number}{addition}"

    def save(self, *args, **kwargs):
        self.household_key = household_key(
            self.postcode, self.house_number, self.house_number_addition
        )
        super().save(*args, **kwargs)


class AnsweredAddressSet(models.Model):
    """An address set a corporation got a complex insight for. Kept so that no answer is
    given for a set differing from an earlier one by 1–4 addresses
    (`privacy.aggregates.complex_insights`)."""

    corporation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="answered_address_sets"
    )
    digest = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    household_keys = models.JSONField(default=list)
    first_answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beantwoorde adresset")
        verbose_name_plural = _("beantwoorde adressets")
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "digest"], name="answered_address_set_unique"
            )
        ]

    def __str__(self):
        return f"{self.corporation_id}: {self.size}"


class Agreement(models.Model):
    """Samenwerkingsafspraak between a corporation and a municipality's teams."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    corporation = models.ForeignKey(
        Organisation,
        verbose_name=_("corporatie"),
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"kind": OrganisationKind.CORPORATION},
    )
    title = models.CharField(_("titel"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)
    review_date = models.DateField(_("evaluatiedatum"), null=True, blank=True)
    monthly_capacity = models.PositiveIntegerField(
        _("capaciteit per maand"),
        default=0,
        help_text=_("Aantal signalen dat het wijkteam per maand toezegt."),
    )
    responsibilities = models.TextField(_("verantwoordelijkheden"), blank=True)
    last_reviewed_on = models.DateField(_("laatst geëvalueerd op"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("samenwerkingsafspraak")
        verbose_name_plural = _("samenwerkingsafspraken")
        ordering = ["municipality__name", "corporation__name", "-valid_from"]
        indexes = [models.Index(fields=["corporation", "municipality", "status"])]

    def __str__(self):
        return self.title or f"{self.corporation} – {self.municipality}"


class AgreementTerm(models.Model):
    """Per signal kind: triage and feedback terms in working days."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(_("soort signaal"), max_length=20, choices=SignalKind.choices)
    triage_days = models.PositiveSmallIntegerField(_("termijn triage (werkdagen)"))
    feedback_days = models.PositiveSmallIntegerField(_("termijn terugkoppeling (werkdagen)"))
    outreach_days = models.PositiveSmallIntegerField(
        _("termijn eerste contactpoging (werkdagen)"),
        null=True,
        blank=True,
        help_text=_("Binnen zoveel werkdagen na ontvangst doet het wijkteam een contactpoging."),
    )
    responsibilities = models.TextField(_("wie doet wat"), blank=True)

    class Meta:
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="agreement_term_unique_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.triage_days}/{self.feedback_days}"


class ContactPerson(models.Model):
    """Vaste contactpersoon of an organisation for a district."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    district = models.ForeignKey(
        District, verbose_name=_("wijk"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("naam"), max_length=200)
    function = models.CharField(_("functie"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    confirmed_on = models.DateField(_("laatst bevestigd op"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vaste contactpersoon")
        verbose_name_plural = _("vaste contactpersonen")
        ordering = ["district__name", "organisation__name", "name"]
        indexes = [models.Index(fields=["ended_on", "confirmed_on"])]

    def __str__(self):
        return f"{self.name} ({self.organisation}, {self.district})"


class AgreementChange(models.Model):
    """History of an agreement: who changed what and when. Written by the services in
    the same transaction as the change; `changes` maps a field to `[old, new]`."""

    class Action(models.TextChoices):
        CREATED = "created", _("Aangemaakt")
        UPDATED = "updated", _("Gewijzigd")
        ACTIVATED = "activated", _("Geactiveerd")
        EXPIRED = "expired", _("Verlopen")
        REVIEWED = "reviewed", _("Geëvalueerd")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("actie"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("wijziging van afspraak")
        verbose_name_plural = _("wijzigingen van afspraken")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.agreement_id}: {self.action} ({self.at:%d-%m-%Y})"

    def described_changes(self) -> list[tuple[str, str, str]]:
        """The changes in words, as a coordinator reads them: (what, before, after), e.g.
        ("Termijn terugkoppeling (werkdagen) — Overlast", "10", "8")."""
        return [
            (_change_label(key), _change_value(key, old), _change_value(key, new))
            for key, (old, new) in self.changes.items()
        ]


def _change_label(key: str) -> str:
    if key.startswith("terms."):
        _terms, kind, name = key.split(".", 2)
        try:
            kind_label = SignalKind(kind).label
        except ValueError:
            kind_label = kind
        return f"{capfirst(_field_label(AgreementTerm, name))} — {kind_label}"
    return capfirst(_field_label(Agreement, key))


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field of an older release, kept in the history
        return name.replace("_", " ")


def _change_value(key: str, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if key == "status":
        return str(AgreementStatus(value).label) if value in AgreementStatus.values else value
    if key == "corporation":
        return Organisation.objects.filter(pk=value).values_list("name", flat=True).first() or "–"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    return str(value)


class DistrictObservation(models.Model):
    """A short dated note about a district as a whole, shared by its partners. Never about
    a household: the form warns, and the privacy officer can erase one that is."""

    district = models.ForeignKey(
        District, verbose_name=_("wijk"), on_delete=models.CASCADE, related_name="observations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    observed_on = models.DateField(_("datum"))
    text = models.CharField(_("observatie"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observatie")
        verbose_name_plural = _("observaties")
        ordering = ["-observed_on", "-pk"]

    def __str__(self):
        return f"{self.district} {self.observed_on}"


class PlanAction(models.Model):
    """One action of a district's plan of approach (plan van aanpak)."""

    district = models.ForeignKey(
        District, verbose_name=_("wijk"), on_delete=models.CASCADE, related_name="plan_actions"
    )
    what = models.CharField(_("actie"), max_length=300)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    due_on = models.DateField(_("uiterlijk"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PlanActionStatus.choices,
        default=PlanActionStatus.PLANNED,
    )
    capacity_hours = models.PositiveIntegerField(
        _("capaciteit (uren per maand)"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("actie plan van aanpak")
        verbose_name_plural = _("acties plan van aanpak")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="plan_action_due")]

    def __str__(self):
        return self.what
