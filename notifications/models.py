"""Notifications: reminders and event notifications (one row per recipient) and each
user's e-mail preferences.

The tables keep the names they had when these models lived in `cases` (`cases_reminder`,
`cases_notificationpreference`): the move changed no data."""

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Whether a reminder was read, as the inbox sorts on it: unread (false) before read.
IS_READ = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())


class ReminderKind(models.TextChoices):
    TRIAGE_DUE_SOON = "triage_due_soon", _("Triagetermijn verloopt morgen")
    TRIAGE_OVERDUE = "triage_overdue", _("Triagetermijn verstreken")
    TRIAGE_ESCALATION = "triage_escalation", _("Escalatie: triage te laat")
    FEEDBACK_OVERDUE = "feedback_overdue", _("Terugkoppeling aan melder te laat")
    FOLLOW_UP_DUE = "follow_up_due", _("Vervolgdatum bereikt")
    CONTACT_CONFIRMATION = "contact_confirmation", _("Contactpersoon bevestigen")
    AGREEMENT_REVIEW = "agreement_review", _("Afspraak evalueren")
    AGREEMENT_EXPIRY = "agreement_expiry", _("Afspraak verloopt")
    FIRST_CONVERSATION_DUE = "conversation_due", _("Eerste gesprek (Wgs) morgen uiterlijk")
    FIRST_CONVERSATION_OVERDUE = "conversation_overdue", _("Eerste gesprek (Wgs) te laat")
    FIRST_CONVERSATION_ESCALATION = (
        "conversation_escalation",
        _("Escalatie: eerste gesprek te laat"),
    )
    OUTREACH_OVERDUE = "outreach_overdue", _("Contactpoging niet binnen de afgesproken termijn")
    CASE_ASSIGNED = "case_assigned", _("Casus aan u toegewezen")
    SIGNAL_ACCEPTED = "signal_accepted", _("Uw signaal is opgepakt")
    SIGNAL_DECLINED = "signal_declined", _("Uw signaal is niet opgepakt")
    SIGNAL_CLOSED = "signal_closed", _("Uw signaal is afgerond")
    CASE_SHARED = "case_shared", _("Casus met u gedeeld")
    PLAN_ACTION_DUE = "plan_action_due", _("Actie plan van aanpak verloopt")
    COLLEAGUE_SIGNAL = (
        "colleague_signal",
        _("Signaal van een collega opgepakt, niet opgepakt of afgerond"),
    )


# Kinds a user receives only after switching them on (on the preferences page); every
# other kind always appears in the portal and by default also by e-mail.
OPT_IN_KINDS = frozenset({ReminderKind.COLLEAGUE_SIGNAL})


class Reminder(models.Model):
    """A due notification, claimed by its unique key before it is sent, so a retried or
    duplicated sweep never sends it twice. One row per recipient."""

    kind = models.CharField(_("soort"), max_length=24, choices=ReminderKind.choices)
    object_type = models.CharField(_("soort object"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64)
    due = models.DateField(_("moment"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    subject = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen"), null=True, blank=True)
    email_wanted = models.BooleanField(_("e-mail gevraagd"), default=False)
    email_sent_at = models.DateTimeField(_("e-mail verstuurd"), null=True, blank=True)
    email_error = models.TextField(_("e-mailfout"), blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mailpogingen"), default=0)
    # The outbox (notifications/delivery.py): a wanted, unsent e-mail is queued again once this
    # moment lies a few minutes behind (the claim, the last queueing or a retry's turn).
    email_next_try_at = models.DateTimeField(_("e-mail aan de beurt"), default=timezone.now)
    # Set while one worker sends the e-mail, so a duplicated task skips it; a worker that
    # dies while sending leaves a lease that simply runs out.
    email_lease_until = models.DateTimeField(_("e-mail in behandeling tot"), null=True, blank=True)
    # The sweep run that inserted this row: after a bulk insert that ignores conflicts,
    # the rows carrying the run's token are exactly the ones this run claimed.
    claim = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        db_table = "cases_reminder"
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "due", "recipient"],
                name="reminder_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="reminder_inbox"),
            # The inbox in its own order (unread first, then newest first), so a page of it
            # is read from the index instead of sorting all of a user's reminders.
            models.Index(
                F("recipient"),
                IS_READ,
                F("created_at").desc(),
                F("id").desc(),
                name="reminder_inbox_order",
            ),
            models.Index(
                fields=["email_next_try_at"],
                condition=models.Q(email_wanted=True, email_sent_at__isnull=True),
                name="reminder_outbox",
            ),
        ]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """Per user and kind: also send e-mail (the in-app notification always appears)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("soort"), max_length=24, choices=ReminderKind.choices)
    email = models.BooleanField(_("ook per e-mail"), default=True)

    class Meta:
        db_table = "cases_notificationpreference"
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.email}"
