"""Keep each user's Django groups in step with their memberships, whichever way a
membership is saved or deleted (service, admin or shell)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership
from .services import sync_user_groups


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender, instance, **kwargs):
    sync_user_groups(instance.user)
