"""Issue 13: a case is shared only with a member or triage lead of a wijkteam in the
case's municipality (`privacy.policy.can_receive_share`). End every existing share to
anyone else: corporation staff, coordinators, privacy officers, administrators, other
municipalities' teams. The same rule as the policy, on the historical models."""

from django.db import migrations

TEAM_ROLES = ("team_member", "triage_lead")


def end_shares_outside_wijkteams(apps, schema_editor):
    Share = apps.get_model("privacy", "CaseUserObjectPermission")
    Membership = apps.get_model("partners", "Membership")
    allowed = set(
        Membership.objects.filter(
            role__in=TEAM_ROLES,
            organisation__kind="wijkteam",
            organisation__is_active=True,
            user__is_active=True,
            user__is_staff=False,
            user__is_superuser=False,
        ).values_list("user_id", "organisation__municipality_id")
    )
    refused = [
        pk
        for pk, user_id, municipality_id in Share.objects.values_list(
            "pk", "user_id", "content_object__team__municipality_id"
        )
        if (user_id, municipality_id) not in allowed
    ]
    Share.objects.filter(pk__in=refused).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_object_ids_index_chain_head_schedule"),
        ("partners", "0002_agreement_change"),
        ("cases", "0003_reminder_schedule"),
    ]

    operations = [migrations.RunPython(end_shares_outside_wijkteams, migrations.RunPython.noop)]
