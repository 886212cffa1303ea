"""API of the cases domain: accept/decline a signal, cases with their signals and history,
transitions and notes. Thin: parse, call a selector or service, serialise."""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from signals.models import DeclineReason, Outcome
from signals.serializers import NameSerializer, TeamSignalSerializer
from wijkportaal.api import FieldsBuiltOnce

from . import selectors, services
from .models import Case, CaseEvent, CaseState, HelpResponse, Outreach, OutreachChannel, Threat

# --- serializers -----------------------------------------------------------------------


# Its fields are built once, as the team's shape's (`FieldsBuiltOnce`).
class CaseSignalSerializer(TeamSignalSerializer):
    """A signal as the case's team sees it: the team's shape plus its triage and closing."""

    class Meta(TeamSignalSerializer.Meta):
        fields = [*TeamSignalSerializer.Meta.fields, "triaged_at", "closed_at"]
        read_only_fields = fields


class CaseEventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "actor", "kind", "from_state", "to_state", "text", "data"]


class OutreachSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Outreach
        fields = ["channel", "at", "reached"]


class CaseSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    team = NameSerializer(read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    signal_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "team",
            "state",
            "assignee",
            "confidential",
            "follow_up_date",
            "outcome",
            "postcode",
            "house_number",
            "house_number_addition",
            "signal_count",
            "help_response",
            "first_conversation_due",
            "first_conversation_at",
            "opened_at",
            "closed_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    signals = serializers.SerializerMethodField()
    outreach = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "help_response_at",
            "threat",
            "signals",
            "outreach",
            "history",
        ]

    @extend_schema_field(OutreachSerializer(many=True))
    def get_outreach(self, case):
        return OutreachSerializer(selectors.case_outreach(case), many=True).data

    @extend_schema_field(CaseSignalSerializer(many=True))
    def get_signals(self, case):
        return CaseSignalSerializer(selectors.case_signals(case), many=True).data

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_history(self, case):
        return CaseEventSerializer(selectors.case_history(case), many=True).data


class TransitionInputSerializer(serializers.Serializer):
    # Checked against the workflow table, which answers with the Dutch reason.
    to = serializers.CharField(max_length=20, help_text="new, in_progress, on_hold or closed")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default=""
    )


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=services.NOTE_MAX)


class OutreachInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=OutreachChannel.choices)
    at = serializers.DateTimeField(help_text="Not in the future")
    reached = serializers.BooleanField()
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.NOTE_MAX
    )


class HelpInputSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=HelpResponse.choices)
    at = serializers.DateTimeField(help_text="Not in the future")
    threat = serializers.ChoiceField(
        choices=Threat.choices,
        required=False,
        allow_blank=True,
        help_text="Eviction, disconnection or end of health insurance (Wgs art. 4a)",
    )


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)
    reason_category = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, default=""
    )


AcceptResponse = inline_serializer(
    "AcceptResponse",
    {"case": inline_serializer("AcceptedCase", {"id": serializers.UUIDField()})},
)
DeclineResponse = inline_serializer(
    "DeclineResponse",
    {
        "id": serializers.UUIDField(),
        "reference": serializers.CharField(),
        "status": serializers.CharField(),
        "decline_reason_category": serializers.CharField(),
    },
)


# --- triage ----------------------------------------------------------------------------


class SignalAcceptView(APIView):
    @extend_schema(
        request=None,
        responses={200: AcceptResponse},
        tags=["cases"],
    )
    def post(self, request, pk):
        case = services.accept_signal(request.user, selectors.signal_for_triage(request.user, pk))
        return Response({"case": {"id": str(case.pk)}})


class SignalDeclineView(APIView):
    @extend_schema(
        request=DeclineInputSerializer,
        responses={200: DeclineResponse},
        tags=["cases"],
    )
    def post(self, request, pk):
        signal = selectors.signal_for_triage(request.user, pk)
        data = DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signal = services.decline_signal(
            request.user,
            signal,
            data.validated_data["reason"],
            data.validated_data["reason_category"],
        )
        return Response(
            {
                "id": str(signal.pk),
                "reference": signal.reference,
                "status": signal.status,
                "decline_reason_category": signal.decline_reason_category,
            }
        )


# --- cases -----------------------------------------------------------------------------


@extend_schema(tags=["cases"])
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases the user may see (their team's, and ones shared with them personally)."""

    serializer_class = CaseSerializer
    filter_backends: list = []

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        return selectors.all_case_list(self.request.user, state)

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state", str, enum=["open", *CaseState.values], description="Filter op status"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        page = selectors.listed_cases(request.user, self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        selectors.record_case_read(request.user, case)
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(request=TransitionInputSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        case = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.transition_case(request.user, case, **data.validated_data)
        return Response(CaseDetailSerializer(selectors.case_detail(request.user, case.pk)).data)

    @extend_schema(request=NoteInputSerializer, responses={201: CaseEventSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        case = self.get_object()
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.add_note(request.user, case, data.validated_data["text"])
        return Response(CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OutreachInputSerializer, responses={201: OutreachSerializer})
    @action(detail=True, methods=["post"])
    def outreach(self, request, pk=None):
        case = self.get_object()
        data = OutreachInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outreach = services.record_outreach(request.user, case, **data.validated_data)
        return Response(OutreachSerializer(outreach).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HelpInputSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def help(self, request, pk=None):
        case = self.get_object()
        data = HelpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_help_response(
            request.user,
            case,
            data.validated_data["response"],
            data.validated_data["at"],
            data.validated_data.get("threat"),
        )
        return Response(CaseDetailSerializer(selectors.case_detail(request.user, case.pk)).data)
