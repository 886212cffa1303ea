"""`ApiToken`, moved here from `privacy` with its table: this migration only tells
Django's state that the model lives here now (the table `privacy_apitoken` stays as it
is, with every token), and moves its content type along so permissions and admin history
keep pointing at it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=to_app, model="apitoken").exists():
            ContentType.objects.filter(app_label=from_app, model="apitoken").update(
                app_label=to_app
            )

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0007_access_log_append_only_sqlite"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='naam')),
                        ('prefix', models.CharField(editable=False, max_length=8, verbose_name='begin van de sleutel')),
                        ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt')),
                        ('expires_at', models.DateTimeField(verbose_name='verloopt')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='laatst gebruikt')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='ingetrokken')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'API-token',
                        'verbose_name_plural': 'API-tokens',
                        'db_table': 'privacy_apitoken',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_type("privacy", "accounts"), move_content_type("accounts", "privacy")
        ),
    ]
