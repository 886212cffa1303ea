"""Cases: a team's work on one household, with an append-only history."""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation
from signals.models import Outcome, Signal


class CaseState(models.TextChoices):
    NEW = "new", _("Nieuw")
    IN_PROGRESS = "in_progress", _("In behandeling")
    ON_HOLD = "on_hold", _("Gepauzeerd")
    CLOSED = "closed", _("Afgesloten")


class HelpResponse(models.TextChoices):
    ACCEPTED = "accepted", _("Hulp geaccepteerd")
    DECLINED = "declined", _("Hulp afgewezen")
    NO_RESPONSE = "no_response", _("Geen reactie")


class Threat(models.TextChoices):
    """Wgs art. 4a lid 2: threats that shorten the first-conversation term."""

    EVICTION = "eviction", _("Dreigende huisuitzetting")
    DISCONNECTION = "disconnection", _("Afsluiting van energie of water")
    HEALTH_INSURANCE = "health_insurance", _("Beëindiging van de zorgverzekering")


class OutreachChannel(models.TextChoices):
    LETTER = "letter", _("Brief")
    PHONE = "phone", _("Telefoon")
    VISIT = "visit", _("Huisbezoek")
    EMAIL = "email", _("E-mail")
    TEXT_MESSAGE = "text_message", _("Sms")


# A reached phone call or visit after help was accepted is the first conversation.
CONVERSATION_CHANNELS = (OutreachChannel.PHONE, OutreachChannel.VISIT)


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    team = models.ForeignKey(
        Organisation, verbose_name=_("wijkteam"), on_delete=models.PROTECT, related_name="cases"
    )
    household_key = models.CharField(_("huishoudsleutel"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    house_number = models.PositiveIntegerField(_("huisnummer"), null=True, blank=True)
    house_number_addition = models.CharField(_("toevoeging"), max_length=4, blank=True)
    state = models.CharField(
        _("status"), max_length=12, choices=CaseState.choices, default=CaseState.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandelaar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    confidential = models.BooleanField(_("vertrouwelijk"), default=False)
    follow_up_date = models.DateField(_("vervolgdatum"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=24, choices=Outcome.choices, blank=True)
    # Rent arrears (Wgs art. 4a): the resident's answer to the offer of help and the clock
    # for the first conversation it starts.
    help_response = models.CharField(
        _("antwoord op hulpaanbod"), max_length=12, choices=HelpResponse.choices, blank=True
    )
    help_response_at = models.DateTimeField(_("antwoord gegeven op"), null=True, blank=True)
    threat = models.CharField(_("dreiging"), max_length=20, choices=Threat.choices, blank=True)
    first_conversation_due = models.DateField(_("eerste gesprek uiterlijk"), null=True, blank=True)
    first_conversation_at = models.DateTimeField(_("eerste gesprek op"), null=True, blank=True)
    opened_at = models.DateTimeField(_("geopend op"), auto_now_add=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    erased_at = models.DateTimeField(_("persoonsgegevens gewist op"), null=True, blank=True)

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-opened_at"]
        constraints = [
            # At most one open case per team and household: accepted signals merge into it.
            models.UniqueConstraint(
                fields=["team", "household_key"],
                condition=~models.Q(state="closed") & ~models.Q(household_key=""),
                name="case_one_open_per_household",
            )
        ]
        indexes = [
            # `id` included: the per-state counts of a team's cases probe each case's grant
            # by id, so they are answered from this index alone.
            models.Index(
                fields=["team", "state", "-opened_at"], include=["id"], name="case_team_state"
            ),
            # A team's case list in its own order (`selectors._case_list`): a page is
            # read by walking this index, not by sorting all the team's cases.
            models.Index(
                fields=["team", "follow_up_date", "-opened_at", "id"], name="case_team_list"
            ),
            models.Index(fields=["assignee", "state"], name="case_assignee_state"),
            models.Index(fields=["household_key"], name="case_household"),
            # The few confidential cases per team: `privacy.policy.visible_signals`
            # hides their signals with one NOT EXISTS that starts here.
            models.Index(
                fields=["team"],
                condition=models.Q(confidential=True),
                name="case_confidential_team",
            ),
            models.Index(fields=["state", "follow_up_date"], name="case_follow_up"),
            models.Index(
                fields=["team", "first_conversation_due"],
                condition=models.Q(first_conversation_at__isnull=True),
                name="case_conversation_due",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def address(self) -> str:
        """As the list shows it: `1012 AB 5-A` (blank once retention erased it)."""
        if not self.postcode:
            return ""
        addition = f"-{self.house_number_addition}" if self.house_number_addition else ""
        return f"{self.postcode} {self.house_number or ''}{addition}"


class Outreach(models.Model):
    """One contact attempt by the team (letter, phone, visit, e-mail, text message). A note
    lives in the case history event, which retention erases with the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outreach")
    channel = models.CharField(_("kanaal"), max_length=12, choices=OutreachChannel.choices)
    at = models.DateTimeField(_("tijdstip"))
    reached = models.BooleanField(_("bereikt"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contactpoging")
        verbose_name_plural = _("contactpogingen")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="outreach_case_at")]

    def __str__(self):
        return f"{self.case_id} {self.channel} {self.at:%d-%m-%Y %H:%M}"


class CaseSignal(models.Model):
    """A signal merged into a case (the first one opened it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_signals")
    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="case_link")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signaal in casus")
        verbose_name_plural = _("signalen in casus")

    def __str__(self):
        return f"{self.case_id} ← {self.signal_id}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Geopend")
    MERGED = "merged", _("Signaal toegevoegd")
    TRANSITION = "transition", _("Status gewijzigd")
    ASSIGNED = "assigned", _("Toegewezen")
    NOTE = "note", _("Notitie")
    FOLLOW_UP = "follow_up", _("Vervolgdatum gezet")
    CONFIDENTIAL = "confidential", _("Vertrouwelijkheid gewijzigd")
    SHARED = "shared", _("Gedeeld")
    SHARE_ENDED = "share_ended", _("Delen beëindigd")
    ERASED = "erased", _("Persoonsgegevens gewist")
    OUTREACH = "outreach", _("Contactpoging")
    HELP = "help", _("Antwoord op hulpaanbod")


def _iso_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


class CaseEvent(models.Model):
    """Append-only history: written in the same transaction as the change it records."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=CaseEventKind.choices)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%d-%m-%Y %H:%M}"

    @property
    def from_state_label(self) -> str:
        return CaseState(self.from_state).label if self.from_state in CaseState.values else ""

    @property
    def to_state_label(self) -> str:
        return CaseState(self.to_state).label if self.to_state in CaseState.values else ""

    @property
    def until_date(self):
        return _iso_date(self.data.get("until"))

    @property
    def follow_up_value(self):
        return _iso_date(self.data.get("follow_up_date"))

    @property
    def conversation_due_value(self):
        return _iso_date(self.data.get("first_conversation_due"))

    @property
    def channel_label(self) -> str:
        channel = self.data.get("channel", "")
        return OutreachChannel(channel).label if channel in OutreachChannel.values else ""

    @property
    def response_label(self) -> str:
        response = self.data.get("response", "")
        return HelpResponse(response).label if response in HelpResponse.values else ""

    @property
    def moment(self):
        """The moment an outreach or help answer happened (not when it was recorded)."""
        try:
            return datetime.fromisoformat(self.data["at"])
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def outcome_label(self) -> str:
        outcome = self.data.get("outcome", "")
        return Outcome(outcome).label if outcome in Outcome.values else ""
