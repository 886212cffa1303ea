"""API for a user's own tokens: list, read and revoke (`/api/v1/tokens/`).

Creating tokens stays in the portal (after two-factor sign-in), so a leaked token cannot
mint new ones. Tokens hold no resident data: no access-log rows."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services
from .models import ApiToken
from .selectors import api_tokens_of


class ApiTokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    # Digits only and within bigint, so odd ids are a plain 404 rather than a database error.
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return api_tokens_of(self.request.user)

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self.get_serializer(services.revoke_api_token(token)).data)
