"""Signals: one report by one partner about one household, routed to a team."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.kinds import SignalKind
from partners.models import District, Organisation


class SignalStatus(models.TextChoices):
    RECEIVED = "received", _("Ontvangen")
    ACCEPTED = "accepted", _("Opgepakt")
    DECLINED = "declined", _("Niet opgepakt")
    CLOSED = "closed", _("Afgerond")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normaal")
    URGENT = "urgent", _("Spoed")


class Outcome(models.TextChoices):
    CONTACT_MADE = "contact_made", _("Contact gelegd")
    HELP_ACCEPTED = "help_accepted", _("Hulp geaccepteerd")
    HELP_DECLINED = "help_declined", _("Hulp geweigerd")
    NO_CONTACT_POSSIBLE = "no_contact_possible", _("Geen contact mogelijk")
    REFERRED = "referred", _("Doorverwezen")
    # Rent arrears: the Landelijk Convenant Vroegsignalering lets the landlord hear only
    # whether contact was made and whether help was accepted.
    CONTACT_HELP_ACCEPTED = "contact_help_accepted", _("Contact gelegd, hulp geaccepteerd")
    CONTACT_NO_HELP_NEEDED = "contact_no_help_needed", _("Contact gelegd, geen hulp nodig")
    NO_CONTACT = "no_contact", _("Geen contact na de afgesproken pogingen")


COVENANT_OUTCOMES = (
    Outcome.CONTACT_HELP_ACCEPTED,
    Outcome.CONTACT_NO_HELP_NEEDED,
    Outcome.NO_CONTACT,
)
GENERAL_OUTCOMES = tuple(o for o in Outcome if o not in COVENANT_OUTCOMES)

# One outcome chosen for a case becomes each signal's outcome in the terms of its kind:
# rent arrears in the covenant's three codes, other kinds in the general ones. Also used
# by the data migration of existing rent-arrears outcomes.
TO_COVENANT = {
    Outcome.CONTACT_MADE: Outcome.CONTACT_NO_HELP_NEEDED,
    Outcome.HELP_ACCEPTED: Outcome.CONTACT_HELP_ACCEPTED,
    Outcome.HELP_DECLINED: Outcome.CONTACT_NO_HELP_NEEDED,
    Outcome.NO_CONTACT_POSSIBLE: Outcome.NO_CONTACT,
    Outcome.REFERRED: Outcome.CONTACT_HELP_ACCEPTED,
}
FROM_COVENANT = {
    Outcome.CONTACT_HELP_ACCEPTED: Outcome.HELP_ACCEPTED,
    Outcome.CONTACT_NO_HELP_NEEDED: Outcome.CONTACT_MADE,
    Outcome.NO_CONTACT: Outcome.NO_CONTACT_POSSIBLE,
}


def outcome_for_kind(outcome: str, kind: str) -> str:
    """The filer's outcome code for a signal of `kind` when its case closes with `outcome`."""
    if kind == SignalKind.RENT_ARREARS:
        return TO_COVENANT.get(outcome, outcome)
    return FROM_COVENANT.get(outcome, outcome)


class DeclineReason(models.TextChoices):
    NOT_OUR_AREA = "not_our_area", _("Niet ons werkgebied")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Onvoldoende informatie")
    NO_SUPPORT_NEEDED = "no_support_needed", _("Geen ondersteuningsvraag")
    OTHER_ORGANISATION = "other_organisation", _("Hoort bij andere organisatie")
    OTHER = "other", _("Overig")


# The fields a filer provides: the body of `POST /api/v1/signals/`, the columns of the CSV
# import (and its template), in this order. `intake.clean_signal_input` validates them.
INPUT_FIELDS = (
    "kind",
    "postcode",
    "house_number",
    "house_number_addition",
    "description",
    "urgency",
    "resident_informed",
    "arrears_amount",
    "arrears_months",
    "external_reference",
    "wgs_reminder_sent",
    "wgs_contact_attempted",
    "wgs_handover_offered",
    "wgs_debt_help_pointed",
    "eviction_date",
)

# Bgs art. 2: the landlord's four steps before a rent-arrears signal, in the order of the
# article: (a) personal contact, (b) debt help pointed out, (c) written reminder, (d) in it
# the offer to pass the data on, without objection.
WGS_STEPS = (
    "wgs_contact_attempted",
    "wgs_debt_help_pointed",
    "wgs_reminder_sent",
    "wgs_handover_offered",
)


class Signal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=SignalKind.choices)
    urgency = models.CharField(
        _("urgentie"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )

    # Address and household; blanked by retention (erased_at set).
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    house_number = models.PositiveIntegerField(_("huisnummer"), null=True, blank=True)
    house_number_addition = models.CharField(_("toevoeging"), max_length=4, blank=True)
    household_key = models.CharField(_("huishoudsleutel"), max_length=20, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    resident_informed = models.BooleanField(_("bewoner is op de hoogte"), default=False)

    # Rent arrears (Wgs): amount, months, and the steps the landlord took before signalling.
    arrears_amount = models.DecimalField(
        _("achterstand (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    arrears_months = models.PositiveSmallIntegerField(
        _("achterstand (maanden)"), null=True, blank=True
    )
    wgs_reminder_sent = models.BooleanField(_("schriftelijke herinnering verstuurd"), default=False)
    wgs_contact_attempted = models.BooleanField(_("persoonlijk contact geprobeerd"), default=False)
    wgs_handover_offered = models.BooleanField(
        _("aangeboden gegevens door te geven aan de gemeente"), default=False
    )
    wgs_debt_help_pointed = models.BooleanField(_("gewezen op schuldhulpverlening"), default=False)
    eviction_date = models.DateField(
        _("datum zitting of aangekondigde ontruiming"), null=True, blank=True
    )

    external_reference = models.CharField(
        _("extern kenmerk"), max_length=100, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("melder"),
        on_delete=models.PROTECT,
        related_name="filed_signals",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemeld door"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    district = models.ForeignKey(
        District, verbose_name=_("wijk"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Organisation,
        verbose_name=_("wijkteam"),
        on_delete=models.PROTECT,
        related_name="routed_signals",
    )

    status = models.CharField(
        _("status"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.RECEIVED
    )
    outcome = models.CharField(_("uitkomst"), max_length=24, choices=Outcome.choices, blank=True)
    decline_reason_category = models.CharField(
        _("reden (categorie)"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    decline_reason = models.TextField(_("toelichting"), blank=True)
    # A signal filed after a decline for lack of information, with what was missing.
    follows_up = models.ForeignKey(
        "self",
        verbose_name=_("vervolg op"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    is_multiple = models.BooleanField(
        _("meervoudig signaal"),
        default=False,
        help_text=_("Er zijn signalen van meer dan één partner over dit huishouden."),
    )

    filed_at = models.DateTimeField(_("gemeld op"), db_index=True)
    triage_deadline = models.DateField(_("uiterste triagedatum"))
    feedback_deadline = models.DateField(_("uiterste terugkoppeldatum"))
    # The agreement's optional first-outreach term ("binnen N werkdagen een contactpoging").
    outreach_deadline = models.DateField(_("uiterste datum contactpoging"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("getrieerd op"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("teruggekoppeld op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    erased_at = models.DateTimeField(_("persoonsgegevens gewist op"), null=True, blank=True)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-filed_at"]
        permissions = [("triage_signal", _("Signaal triëren"))]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_reference"],
                condition=models.Q(external_reference__isnull=False),
                name="signal_unique_external_reference",
            )
        ]
        indexes = [
            # Corporation list: own organisation, newest first.
            models.Index(fields=["organisation", "-filed_at"], name="signal_org_filed"),
            # Team queue: awaiting triage by deadline. The tray counts its filter options
            # and a team's signals in one status from the index alone (the signal id is
            # what the grant probe needs).
            models.Index(
                fields=["team", "status", "triage_deadline"],
                include=["id", "district", "kind", "urgency", "is_multiple"],
                name="signal_team_queue",
            ),
            # A team's signals in one status, newest first (the lists' status filter).
            models.Index(fields=["team", "status", "-filed_at"], name="signal_team_status_filed"),
            models.Index(fields=["team", "-filed_at"], name="signal_team_filed"),
            models.Index(fields=["household_key"], name="signal_household"),
            # Coordinator dashboard and district pages: a team's signals per filing month
            # or quarter, read from the index alone (the columns they count are included).
            models.Index(
                fields=["team", "filed_at"],
                include=[
                    "organisation",  # the dashboard groups by corporation too
                    "district",  # the district pages group by district and outcome
                    "outcome",
                    "kind",
                    "status",
                    "triaged_at",
                    "triage_deadline",
                    "feedback_at",
                    "feedback_deadline",
                ],
                name="signal_team_dashboard",
            ),
            # District pages: the triage days of a district's triaged signals, for the
            # medians (the counts come from the signal tally).
            models.Index(
                fields=["district", "filed_at"],
                include=["team", "kind", "triaged_at"],
                condition=models.Q(triaged_at__isnull=False),
                name="signal_district_triaged",
            ),
            # Reminder sweeps and retention.
            models.Index(fields=["status", "triage_deadline"], name="signal_status_triage"),
            models.Index(fields=["status", "feedback_deadline"], name="signal_status_feedback"),
        ]

    def __str__(self):
        return self.reference

    @property
    def declined_for_lack_of_information(self) -> bool:
        return (
            self.status == SignalStatus.DECLINED
            and self.decline_reason_category == DeclineReason.INSUFFICIENT_INFORMATION
        )

    @property
    def address(self) -> str:
        if not self.postcode:
            return ""
        addition = f"-{self.house_number_addition}" if self.house_number_addition else ""
        return f"{self.postcode} {self.house_number}{addition}"


class ReferenceCounter(models.Model):
    """Last number handed out per prefix and year; rows are locked while numbering, so
    references are gap-free and unique under concurrency."""

    prefix = models.CharField(max_length=5)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class SignalImport(models.Model):
    """One uploaded CSV file, processed in the background so progress can be shown.

    The file's text is kept only until it has been processed; the outcome (counts and the
    errors per line) stays for the report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geüpload door"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    content = models.TextField(_("inhoud"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("aantal regels"), default=0)
    processed_rows = models.PositiveIntegerField(_("verwerkte regels"), default=0)
    created = models.PositiveIntegerField(_("gemeld"), default=0)
    duplicates = models.PositiveIntegerField(_("al eerder gemeld"), default=0)
    errors = models.JSONField(_("fouten"), default=list, blank=True)
    uploaded_at = models.DateTimeField(_("geüpload op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    # Handed to the broker (empty: the broker was down, the import waits for the sweep).
    queued_at = models.DateTimeField(_("in de wachtrij gezet"), null=True, blank=True)
    # Renewed by every batch: a running import whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(_("laatste voortgang"), null=True, blank=True)
    # The API client's Idempotency-Key: a retried upload returns this import, not a new one.
    client_key = models.CharField(_("sleutel van de afzender"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("import van signalen")
        verbose_name_plural = _("imports van signalen")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["organisation", "-uploaded_at"], name="import_org")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "client_key"],
                condition=~models.Q(client_key=""),
                name="import_client_key",
            )
        ]

    def __str__(self):
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def is_waiting_for_queue(self) -> bool:
        return self.status == ImportStatus.PENDING and self.queued_at is None

    @property
    def error_count(self) -> int:
        return len(self.errors)


class SignalTally(models.Model):
    """How many signals there are per team, local month of filing, filer, district, kind,
    outcome and status: the district figures and the team's months read these few rows
    instead of every signal (docs/performance.md).

    The rows are changes that add up: the database trigger of migration 0011 adds +1 for
    a signal's new key and -1 for its old one on every insert, update and delete of
    signals, whatever writes them (services, bulk updates, retention, imports, COPY), in
    the writer's own transaction, so a sum read in any snapshot is exact for it. No write
    waits for another: concurrent filings each add their own rows. `signals.tally.compact`
    (Celery beat, every 5 minutes) sums the changed (team, month) pairs into one row per
    key; it changes no sum, and a crash before its commit leaves the rows as they were.

    The month is the filing moment's month in `TIME_ZONE`, as the migration wrote the
    trigger (`signals.tally.trigger_time_zone` reads it back)."""

    team_id = models.BigIntegerField()
    month = models.DateField()
    organisation_id = models.BigIntegerField()
    district_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=20)
    outcome = models.CharField(max_length=24, blank=True)
    status = models.CharField(max_length=10)
    delta = models.IntegerField()
    compacted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The district figures read their counts from the index alone.
            models.Index(
                fields=["team_id", "month"],
                include=["organisation_id", "district_id", "kind", "outcome", "status", "delta"],
                name="signal_tally_team_month",
            ),
            # What compaction has still to sum.
            models.Index(
                fields=["team_id", "month"],
                condition=models.Q(compacted=False),
                name="signal_tally_pending",
            ),
        ]

    def __str__(self):
        return f"{self.team_id} {self.month:%Y-%m} {self.kind} {self.status}: {self.delta:+d}"
