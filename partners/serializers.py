from rest_framework import serializers

from .models import Agreement, AgreementTerm, ContactPerson, District, Organisation


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class DistrictRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name"]


class AgreementTermSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementTerm
        fields = ["kind", "triage_days", "feedback_days", "outreach_days", "responsibilities"]


class AgreementSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.name")
    corporation = OrganisationRefSerializer()
    terms = AgreementTermSerializer(many=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "municipality",
            "corporation",
            "status",
            "valid_from",
            "valid_to",
            "review_date",
            "last_reviewed_on",
            "monthly_capacity",
            "responsibilities",
            "terms",
        ]


class ContactSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()
    district = DistrictRefSerializer()

    class Meta:
        model = ContactPerson
        fields = [
            "id",
            "organisation",
            "district",
            "name",
            "function",
            "email",
            "phone",
            "confirmed_on",
            "ended_on",
        ]


class ComplexInsightSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    households = serializers.IntegerField()
    known_share = serializers.CharField(
        allow_null=True, help_text='Rounded to 10 %, e.g. "50%"; null when suppressed.'
    )
    suppressed = serializers.BooleanField()


class DistrictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KindFiguresSerializer(serializers.Serializer):
    kind = serializers.CharField(allow_null=True, help_text="null: every kind together.")
    received = serializers.IntegerField(allow_null=True, help_text="null when suppressed.")
    became_case = serializers.IntegerField(
        allow_null=True,
        help_text="Percentage (rounded to 10) that became a case; null when suppressed.",
    )
    median_triage_days = serializers.FloatField(
        allow_null=True, help_text="Working days from filing to triage; null under 5 signals."
    )
    outcomes = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Count per outcome as the filer sees it; null when suppressed.",
    )
    trend = serializers.IntegerField(
        allow_null=True,
        help_text="Received minus the same quarter a year earlier; null when either is suppressed.",
    )


class QuarterFiguresSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='For example "2026-K4".')
    start = serializers.DateField()
    kinds = KindFiguresSerializer(many=True)


class DistrictAnalysisSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    quarters = QuarterFiguresSerializer(many=True)
