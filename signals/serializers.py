"""API shapes of signals. The field set depends on who asks
(`privacy.policy.signal_perspective`): the filer sees their own fields, the routed team
sees a little more. Neither shape says anything about cases."""

from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from core.kinds import SignalKind
from privacy import policy
from wijkportaal.api import FieldsBuiltOnce

from .models import INPUT_FIELDS, Signal, SignalStatus, Urgency


class NameSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)


class SignalInputSerializer(serializers.Serializer):
    """Describes the POST body (`INPUT_FIELDS`, for the OpenAPI schema); values are
    validated by `clean_signal_input`, so the API, the browser form and the CSV import give
    the same Dutch messages."""

    kind = serializers.ChoiceField(choices=SignalKind.choices)
    postcode = serializers.CharField(help_text="1012 AB or 1012ab")
    house_number = serializers.IntegerField(min_value=1, max_value=99999)
    house_number_addition = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    resident_informed = serializers.BooleanField(required=False)
    arrears_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, coerce_to_string=True
    )
    arrears_months = serializers.IntegerField(required=False, allow_null=True)
    external_reference = serializers.CharField(required=False, allow_null=True, max_length=100)
    wgs_reminder_sent = serializers.BooleanField(required=False)
    wgs_contact_attempted = serializers.BooleanField(required=False)
    wgs_handover_offered = serializers.BooleanField(required=False)
    wgs_debt_help_pointed = serializers.BooleanField(required=False)
    eviction_date = serializers.DateField(required=False, allow_null=True)


class FilerSignalSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    team = NameSerializer(read_only=True)

    class Meta:
        model = Signal
        fields = [
            "id",
            "reference",
            *INPUT_FIELDS,
            "team",
            "status",
            "outcome",
            "decline_reason_category",
            "filed_at",
            "triage_deadline",
            "feedback_deadline",
        ]
        read_only_fields = fields


class TeamSignalSerializer(FilerSignalSerializer):
    organisation = NameSerializer(read_only=True)

    class Meta(FilerSignalSerializer.Meta):
        fields = [*FilerSignalSerializer.Meta.fields, "organisation", "is_multiple"]
        read_only_fields = fields


class SignalSerializer(serializers.BaseSerializer):
    """Picks the filer or team shape per signal, as the policy decides."""

    def to_representation(self, instance):
        user = self.context["request"].user
        shape = (
            TeamSignalSerializer
            if policy.signal_perspective(user, instance) == "team"
            else FilerSignalSerializer
        )
        return self._serializer(shape).to_representation(instance)

    def _serializer(self, shape):
        # One serializer per shape for the whole list, and its fields built once per class
        # (`FieldsBuiltOnce`): building a ModelSerializer's fields costs about 2 ms.
        shapes = self.__dict__.setdefault("_shapes", {})
        if shape not in shapes:
            shapes[shape] = shape(context=self.context)
        return shapes[shape]


SIGNAL_SCHEMA = PolymorphicProxySerializer(
    component_name="Signal",
    serializers=[FilerSignalSerializer, TeamSignalSerializer],
    resource_type_field_name=None,
)


class DuplicateSerializer(serializers.Serializer):
    detail = serializers.CharField()
    id = serializers.UUIDField()
    reference = serializers.CharField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)


class ImportJobSerializer(serializers.Serializer):
    """A background import: where it stands, and the per-line report so far."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    waiting_for_queue = serializers.BooleanField(source="is_waiting_for_queue")
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    status_url = serializers.SerializerMethodField()

    def get_status_url(self, signal_import) -> str:
        return reverse("signal-import-status", kwargs={"import_id": signal_import.pk})


class SignalFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SignalStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=SignalKind.choices, required=False)
