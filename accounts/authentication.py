"""API token authentication: `Authorization: Token <key>`, the key stored as SHA-256,
with expiry and revocation."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import services
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
        services.note_api_token_use(token, now)
        return token.user, token
