"""API of agreements, contact persons and complex insights (DESIGN §5). Read-only;
visibility comes from `privacy.policy` through the selectors."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from privacy import policy

from . import selectors
from .models import Agreement, Complex, ContactPerson, District
from .serializers import (
    AgreementSerializer,
    ComplexInsightSerializer,
    ContactSerializer,
    DistrictAnalysisSerializer,
    DistrictSerializer,
)


class _LoggedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail, each written to the access log (`object_type`)."""

    object_type = ""

    def list(self, request, *args, **kwargs):
        page = selectors.listed(
            request.user, self.object_type, self.paginate_queryset(self.get_queryset())
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = selectors.read(request.user, self.object_type, self.get_object())
        return Response(self.get_serializer(instance).data)


@extend_schema_view(
    list=extend_schema(
        description="Coordinators: their municipality's; corporations: their own; "
        "teams: their municipality's.",
    ),
    retrieve=extend_schema(),
)
class AgreementViewSet(_LoggedReadOnlyViewSet):
    serializer_class = AgreementSerializer
    object_type = "agreement"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Agreement.objects.none()
        if not policy.can_view_agreements(self.request.user):
            raise PermissionDenied
        return selectors.agreements_for(self.request.user).order_by("pk")


@extend_schema_view(
    list=extend_schema(
        description="Coordinators: every contact of their municipality. Corporations: their "
        "own and the wijkteam contacts of districts where they have complexes or signals. "
        "Teams: their own and every contact of the districts they serve.",
    ),
    retrieve=extend_schema(),
)
class ContactViewSet(_LoggedReadOnlyViewSet):
    serializer_class = ContactSerializer
    object_type = "contact"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContactPerson.objects.none()
        if not policy.can_view_contacts(self.request.user):
            raise PermissionDenied
        return selectors.contacts_for(self.request.user).order_by("pk")


@extend_schema_view(
    list=extend_schema(
        description="Corporation staff, own complexes: households and the share known to a "
        "wijkteam, rounded to 10 %; null and suppressed=true for complexes under 10 "
        "households, when the known or unknown count is under 5, while the address list "
        "awaits the coordinator's approval, or when it differs by 1-4 addresses from a "
        "list answered before.",
    )
)
class ComplexInsightViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ComplexInsightSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Complex.objects.none()
        if not policy.can_view_insights(self.request.user):
            raise PermissionDenied
        return selectors.complexes_for(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = selectors.complex_insights_for(request.user, page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(
        description="The districts the user works in: coordinators their municipality's, "
        "teams the districts they serve, corporations those where they have an approved "
        "complex or filed signals.",
    ),
)
class DistrictViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DistrictSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return District.objects.none()
        if not policy.can_view_districts(self.request.user):
            raise PermissionDenied
        return selectors.districts_for(self.request.user).order_by("name", "pk")

    def list(self, request, *args, **kwargs):
        page = selectors.listed(
            request.user, "district", self.paginate_queryset(self.get_queryset())
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        description="Per quarter (the last two years, newest first) and kind: signals "
        "received, share that became a case, median working days to triage, outcomes and "
        "the trend against the same quarter a year earlier. null where suppressed: no "
        "published number combined with another reveals a count from 1 to 4.",
        responses=DistrictAnalysisSerializer,
    )
    @action(detail=True, methods=["get"], serializer_class=DistrictAnalysisSerializer)
    def analysis(self, request, pk=None):
        district = selectors.district_for(request.user, _int_or_404(pk))
        quarters = selectors.district_analysis_for(request.user, district)
        data = {"id": district.pk, "name": district.name, "quarters": quarters}
        return Response(DistrictAnalysisSerializer(data).data)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
