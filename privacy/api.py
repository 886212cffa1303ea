"""`GET /api/v1/access-log/`: the privacy officer's access-log inquiry (DESIGN §5)."""

from django.core.exceptions import ValidationError
from rest_framework import mixins, permissions, serializers, viewsets

from . import policy, selectors, services
from .forms import AccessLogQueryForm
from .models import AccessAction, AccessLog


class IsPrivacyOfficer(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and (
            policy.can_inquire_access_log(request.user)
        )


class AccessLogEventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="username")
    organisation = serializers.CharField(source="organisation_name")

    class Meta:
        model = AccessLog
        fields = ["at", "user", "organisation", "action", "object_type", "object_id", "purpose"]


class AccessLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Filters: `postcode` + `house_number` (+ `house_number_addition`), `username`,
    `organisation` (id), `date_from`, `date_to` (YYYY-MM-DD)."""

    serializer_class = AccessLogEventSerializer
    permission_classes = [IsPrivacyOfficer]
    form = None

    def get_queryset(self):
        self.form = AccessLogQueryForm(self.request.query_params)
        if not self.form.is_valid():
            raise ValidationError({f: list(e) for f, e in self.form.errors.items()})
        return selectors.access_log_inquiry(self.request.user, self.form.cleaned_data)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        services.log_inquiry(
            self.request.user,
            AccessAction.LIST,
            "access_log",
            object_ids=[row.pk for row in page or []],
            household_key=self.form.cleaned_data.get("household_key", ""),
            reason=self.form.description(),
        )
        return page
