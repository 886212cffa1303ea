"""API token authentication: `Authorization: Token <key>`, the key stored as SHA-256,
with expiry and revocation."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_token


class HashedTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ongeldige token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Deze token is ingetrokken."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Deze token is verlopen."))
        # Record use at a coarse resolution: one write per few minutes, not per request.
        if (
            token.last_used_at is None
            or now - token.last_used_at > settings.TOKEN_LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
