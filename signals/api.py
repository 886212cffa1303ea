"""Signals API: file, list, read and import. Triage actions live in the cases app."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.kinds import SignalKind
from privacy import policy

from . import imports, intake, selectors, services
from .models import INPUT_FIELDS, SignalStatus
from .receipt import receipt_response
from .serializers import (
    SIGNAL_SCHEMA,
    DuplicateSerializer,
    ImportJobSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    SignalFilterSerializer,
    SignalInputSerializer,
    SignalSerializer,
)

UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=SignalStatus.values),
            OpenApiParameter("kind", str, enum=SignalKind.values),
        ],
        responses=SIGNAL_SCHEMA,
    ),
    retrieve=extend_schema(responses=SIGNAL_SCHEMA),
)
class SignalViewSet(viewsets.GenericViewSet):
    serializer_class = SignalSerializer
    lookup_value_regex = UUID_PATTERN
    filter_backends: list = []

    def get_queryset(self):
        filters = SignalFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.signal_list(self.request.user, filters.validated_data)

    def _require_list_access(self):
        if not policy.can_list_signals(self.request.user):
            raise PermissionDenied(_("U heeft geen toegang tot signalen."))

    def _require_filing(self):
        if not policy.can_file_signal(self.request.user):
            raise PermissionDenied(_("Alleen medewerkers van een corporatie melden signalen."))

    def list(self, request):
        self._require_list_access()
        page = self.paginate_queryset(self.get_queryset())
        selectors.log_signal_list(request.user, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        signal = selectors.signal_detail(request.user, pk)
        return Response(self.get_serializer(signal).data)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def receipt(self, request, pk=None):
        return receipt_response(selectors.signal_receipt(request.user, pk))

    @extend_schema(
        request=SignalInputSerializer,
        responses={201: SIGNAL_SCHEMA, 409: DuplicateSerializer},
    )
    def create(self, request):
        self._require_filing()
        if not isinstance(request.data, Mapping):
            raise ValidationError({"non_field_errors": [_("Stuur een JSON-object.")]})
        data = {name: request.data.get(name) for name in INPUT_FIELDS if name in request.data}
        try:
            signal = services.file_signal(request.user, data)
        except intake.DuplicateSignal as duplicate:
            return Response(
                {
                    "detail": _("Dit externe kenmerk is al gemeld."),
                    "id": str(duplicate.signal.pk),
                    "reference": duplicate.signal.reference,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(signal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description=(
            "Up to IMPORT_SYNC_MAX_ROWS rows (2 000) the rows are filed within the request "
            "(200 with the result). A larger file becomes a background import: 202 with its "
            "status URL, which reports progress and the per-line errors. With an "
            "`Idempotency-Key` header (at most 100 characters) the file is always imported "
            "in the background, and a retry with the same key returns the same import "
            "instead of filing the rows again."
        ),
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={200: ImportResultSerializer, 202: ImportJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request):
        self._require_filing()
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        key = request.headers.get("Idempotency-Key", "").strip()
        result = services.import_through_api(request.user, file.read(), file.name, key)
        if isinstance(result, imports.ImportResult):
            return Response(result.as_dict())
        return Response(ImportJobSerializer(result).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses=ImportJobSerializer,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=f"imports/(?P<import_id>{UUID_PATTERN})",
        url_name="import-status",
    )
    def import_status(self, request, import_id=None):
        signal_import = selectors.signal_import_status(request.user, import_id)
        return Response(ImportJobSerializer(signal_import).data)
