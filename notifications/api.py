"""API for notifications: the user's own reminders, unread first, and marking them read."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.access_log import record_list
from wijkportaal.api import FieldsBuiltOnce

from . import selectors, services
from .models import Reminder

# The labels `get_kind_display` shows (lazy, translated when read). Looking them up here
# instead spares its hashing of the whole choices list, translated, for every row.
KIND_LABELS = dict(Reminder._meta.get_field("kind").flatchoices)


class NotificationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    kind_display = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "kind_display",
            "subject",
            "body",
            "link",
            "due",
            "created_at",
            "read",
            "read_at",
        ]
        read_only_fields = fields

    def get_kind_display(self, obj) -> str:
        return str(KIND_LABELS.get(obj.kind, obj.kind))

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationList(generics.ListAPIView):
    """GET /api/v1/notifications/: own reminders, unread first, newest first."""

    serializer_class = NotificationSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.inbox(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        record_list(self.request.user, "reminder", page if page is not None else queryset)
        return page


class NotificationMarkRead(APIView):
    """POST /api/v1/notifications/{id}/read/: mark one of the user's own reminders read."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        if not services.mark_read(request.user, pk):
            raise Http404
        return Response(NotificationSerializer(selectors.own_reminder(request.user, pk)).data)


class NotificationMarkAllRead(APIView):
    """POST /api/v1/notifications/read-all/: mark all the user's reminders read."""

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkAllRead", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        return Response({"marked": services.mark_all_read(request.user)})
