"""Privacy models: guardian's direct foreign-key permission tables, the access log and
hashed API tokens.

Permissions are granted to organisation groups (`Organisation.group`). The only per-user
grant is sharing one case with one named person, which carries a reason and an expiry.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class SignalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("signals.Signal", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class SignalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("signals.Signal", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [models.Index(fields=["group", "permission", "content_object"])]


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Sharing one case with one named user: reason and end date are required."""

    content_object = models.ForeignKey("cases.Case", on_delete=models.CASCADE)
    reason = models.TextField(_("reden"), blank=True)
    expires_at = models.DateTimeField(_("tot"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("gedeeld op"), default=timezone.now)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("cases.Case", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [models.Index(fields=["group", "permission", "content_object"])]


# What each kind of logged object is called for a person reading the log. The codes stay
# in the database and the API (`object_type`), which other tools read.
OBJECT_TYPE_LABELS = {
    "signal": _("signaal"),
    "signal_receipt": _("ontvangstbewijs van signaal"),
    "signal_import": _("import van signalen"),
    "case": _("casus"),
    "case_share": _("gedeelde casus"),
    "household": _("huishouden"),
    "agreement": _("samenwerkingsafspraak"),
    "contact": _("contactpersoon"),
    "complex": _("complex"),
    "complex_import": _("import van complex"),
    "complex_approval": _("goedkeuring van complex"),
    "reminder": _("melding"),
    "monitor": _("monitor vroegsignalering"),
    "access_log": _("inzagelog"),
    "access_log_report": _("inzagerapport"),
    "membership": _("lidmaatschap"),
    "otp_device": _("tweestapsverificatie"),
    "user_roles": _("rechten van gebruiker"),
    "user_groups": _("groepen van gebruiker"),
    "group_permissions": _("rechten van groep"),
    "api_token": _("API-sleutel"),
}


class Purpose(models.TextChoices):
    WORK = "work", _("Reguliere werkzaamheden")
    TRIAGE = "triage", _("Triage")
    SHARED_ACCESS = "shared_access", _("Gedeelde inzage")
    PRIVACY_INQUIRY = "privacy_inquiry", _("Privacyonderzoek")
    EXPORT = "export", _("Export")
    RETENTION = "retention", _("Bewaartermijn")
    ADMINISTRATION = "administration", _("Beheer")


class AccessAction(models.TextChoices):
    READ = "read", _("Inzien")
    LIST = "list", _("Lijst")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Aanmaken")
    UPDATE = "update", _("Wijzigen")
    DELETE = "delete", _("Verwijderen")
    ERASE = "erase", _("Wissen")


class AccessLogReason(models.Model):
    """The free text of an access-log row (a re-route, share or erasure reason, a privacy
    officer's search). It can name a resident, so it does not live in the append-only
    log: the row points here, and erasing the household deletes these rows
    (`household_key`). The log row keeps the pointer, so the chain still verifies and
    the officer sees that a reason was given and erased."""

    household_key = models.CharField(_("huishoudsleutel"), max_length=20, blank=True)
    text = models.TextField(_("reden"))
    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now)

    class Meta:
        verbose_name = _("reden bij inzagelogregel")
        verbose_name_plural = _("redenen bij inzagelogregels")
        indexes = [models.Index(fields=["household_key"], name="accesslogreason_household")]

    def __str__(self):
        return f"{self.pk}"


class AccessLog(models.Model):
    """Append-only record of reads and writes of personal data. The database refuses
    UPDATE and DELETE (triggers on PostgreSQL and SQLite, see the migrations). It holds
    no free text: a reason lives in an erasable `AccessLogReason`."""

    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("gebruiker"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "partners.Organisation",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    role = models.CharField(_("rol"), max_length=20, blank=True)
    action = models.CharField(_("handeling"), max_length=10, choices=AccessAction.choices)
    object_type = models.CharField(_("soort object"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    object_ids = models.JSONField(_("objecten"), default=list, blank=True)
    household_key = models.CharField(_("huishoudsleutel"), max_length=20, blank=True)
    purpose = models.CharField(
        _("doel"), max_length=20, choices=Purpose.choices, default=Purpose.WORK
    )
    # No database constraint and no cascade: erasing the reason must not touch the log.
    reason_entry = models.ForeignKey(
        AccessLogReason,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("reden"),
    )
    request_id = models.CharField(_("verzoek-id"), max_length=36, blank=True)
    # Tamper evidence: hash = sha256(prev_hash + canonical content), chained in `seq`
    # order. The three are empty on an unsealed row and set once by the sealer
    # (privacy.chain.seal); the database refuses any other change.
    seq = models.BigIntegerField(_("plaats in de keten"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("vorige hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("inzagelogregel")
        verbose_name_plural = _("inzagelog")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["household_key", "at"], name="accesslog_household"),
            models.Index(fields=["user", "at"], name="accesslog_user"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
            # The sealer's queue: the rows not yet chained, oldest first.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="accesslog_unsealed"
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["seq"], name="accesslog_unique_seq")]

    def __str__(self):
        return f"{self.at:%d-%m-%Y %H:%M} {self.username} {self.action} {self.object_type}"

    @property
    def role_label(self) -> str:
        """The role in words ("triagist"), as the privacy officer and a resident read it."""
        from partners.choices import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def object_type_label(self) -> str:
        label = OBJECT_TYPE_LABELS.get(self.object_type)
        return str(label) if label else self.object_type.replace("_", " ")

    @property
    def reason(self) -> str:
        """The reason's text; "(gewist)" once erased. Select `reason_entry` with the row."""
        if self.reason_entry_id is None:
            return ""
        try:
            entry = self.reason_entry  # None when selected with the row and erased
        except AccessLogReason.DoesNotExist:
            entry = None
        return entry.text if entry is not None else str(_("(gewist)"))


class AccessLogChainHead(models.Model):
    """The single row (pk 1) holding the newest link of the access-log chain.

    Only the sealer locks it (SELECT ... FOR UPDATE, in its own short transaction), so
    two sealers never chain the same rows; writers never touch it (see privacy.chain)."""

    last_id = models.BigIntegerField(default=0)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("kop van de inzagelogketen")
        verbose_name_plural = _("kop van de inzagelogketen")

    def __str__(self):
        return f"{self.last_id}: {self.last_hash[:12]}"


class AccessLogCheckpoint(models.Model):
    """Where log retention cut the chain: the hash of the last removed row (at chain
    position `removed_through_seq`) is the anchor the first remaining row must point to."""

    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    removed_through_id = models.BigIntegerField(_("verwijderd tot en met id"))
    removed_through_seq = models.BigIntegerField(_("verwijderd tot en met plaats"), default=0)
    anchor_hash = models.CharField(_("ankerhash"), max_length=64)
    cut_before = models.DateTimeField(_("verwijderd van voor"))
    removed_count = models.PositiveBigIntegerField(_("aantal verwijderd"), default=0)

    class Meta:
        verbose_name = _("inzagelog-ankerpunt")
        verbose_name_plural = _("inzagelog-ankerpunten")
        ordering = ["-removed_through_seq"]

    def __str__(self):
        return f"<= {self.removed_through_seq}"


class RetentionRun(models.Model):
    """One run of the retention rules: what was (or, in a dry run, would be) erased."""

    started_at = models.DateTimeField(_("gestart"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    as_of = models.DateTimeField(_("peildatum"))
    dry_run = models.BooleanField(_("proefdraai"), default=False)
    triggered_by = models.CharField(_("gestart door"), max_length=150, blank=True)
    signals_erased = models.PositiveIntegerField(_("signalen zonder casus gewist"), default=0)
    cases_erased = models.PositiveIntegerField(_("casussen gewist"), default=0)
    case_signals_erased = models.PositiveIntegerField(_("signalen van casussen gewist"), default=0)
    access_log_removed = models.PositiveBigIntegerField(_("inzagelogregels verwijderd"), default=0)

    class Meta:
        verbose_name = _("bewaartermijnrun")
        verbose_name_plural = _("bewaartermijnruns")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.started_at:%d-%m-%Y %H:%M}{' (proef)' if self.dry_run else ''}"
