"""The notification models, moved here from `cases` with their tables: this migration
only tells Django's state that they live here now (the tables `cases_reminder` and
`cases_notificationpreference` stay as they are, with every row), and moves their content
types along so permissions and admin history keep pointing at them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("reminder", "notificationpreference")


def move_content_types(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            if not ContentType.objects.filter(app_label=to_app, model=model).exists():
                ContentType.objects.filter(app_label=from_app, model=model).update(
                    app_label=to_app
                )

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0008_reminder_plan_action_due"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='NotificationPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('triage_due_soon', 'Triagetermijn verloopt morgen'), ('triage_overdue', 'Triagetermijn verstreken'), ('triage_escalation', 'Escalatie: triage te laat'), ('feedback_overdue', 'Terugkoppeling aan melder te laat'), ('follow_up_due', 'Vervolgdatum bereikt'), ('contact_confirmation', 'Contactpersoon bevestigen'), ('agreement_review', 'Afspraak evalueren'), ('agreement_expiry', 'Afspraak verloopt'), ('conversation_due', 'Eerste gesprek (Wgs) morgen uiterlijk'), ('conversation_overdue', 'Eerste gesprek (Wgs) te laat'), ('conversation_escalation', 'Escalatie: eerste gesprek te laat'), ('outreach_overdue', 'Contactpoging niet binnen de afgesproken termijn'), ('case_assigned', 'Casus aan u toegewezen'), ('signal_accepted', 'Uw signaal is opgepakt'), ('signal_declined', 'Uw signaal is niet opgepakt'), ('signal_closed', 'Uw signaal is afgerond'), ('case_shared', 'Casus met u gedeeld'), ('plan_action_due', 'Actie plan van aanpak verloopt')], max_length=24, verbose_name='soort')),
                        ('email', models.BooleanField(default=True, verbose_name='ook per e-mail')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'meldingsvoorkeur',
                        'verbose_name_plural': 'meldingsvoorkeuren',
                        'db_table': 'cases_notificationpreference',
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='notification_pref_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('triage_due_soon', 'Triagetermijn verloopt morgen'), ('triage_overdue', 'Triagetermijn verstreken'), ('triage_escalation', 'Escalatie: triage te laat'), ('feedback_overdue', 'Terugkoppeling aan melder te laat'), ('follow_up_due', 'Vervolgdatum bereikt'), ('contact_confirmation', 'Contactpersoon bevestigen'), ('agreement_review', 'Afspraak evalueren'), ('agreement_expiry', 'Afspraak verloopt'), ('conversation_due', 'Eerste gesprek (Wgs) morgen uiterlijk'), ('conversation_overdue', 'Eerste gesprek (Wgs) te laat'), ('conversation_escalation', 'Escalatie: eerste gesprek te laat'), ('outreach_overdue', 'Contactpoging niet binnen de afgesproken termijn'), ('case_assigned', 'Casus aan u toegewezen'), ('signal_accepted', 'Uw signaal is opgepakt'), ('signal_declined', 'Uw signaal is niet opgepakt'), ('signal_closed', 'Uw signaal is afgerond'), ('case_shared', 'Casus met u gedeeld'), ('plan_action_due', 'Actie plan van aanpak verloopt')], max_length=24, verbose_name='soort')),
                        ('object_type', models.CharField(max_length=40, verbose_name='soort object')),
                        ('object_id', models.CharField(max_length=64, verbose_name='object')),
                        ('due', models.DateField(verbose_name='moment')),
                        ('subject', models.CharField(max_length=200, verbose_name='onderwerp')),
                        ('body', models.TextField(blank=True, verbose_name='tekst')),
                        ('link', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='gelezen')),
                        ('email_wanted', models.BooleanField(default=False, verbose_name='e-mail gevraagd')),
                        ('email_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mail verstuurd')),
                        ('email_error', models.TextField(blank=True, verbose_name='e-mailfout')),
                        ('email_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='e-mailpogingen')),
                        ('email_next_try_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='e-mail aan de beurt')),
                        ('email_lease_until', models.DateTimeField(blank=True, null=True, verbose_name='e-mail in behandeling tot')),
                        ('claim', models.UUIDField(blank=True, db_index=True, editable=False, null=True)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'herinnering',
                        'verbose_name_plural': 'herinneringen',
                        'db_table': 'cases_reminder',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['recipient', 'read_at', '-created_at'], name='reminder_inbox'), models.Index(condition=models.Q(('email_sent_at__isnull', True), ('email_wanted', True)), fields=['email_next_try_at'], name='reminder_outbox')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_type', 'object_id', 'due', 'recipient'), name='reminder_unique_key')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_types("cases", "notifications"),
            move_content_types("notifications", "cases"),
        ),
    ]
